/** Small builders for NetworkPolicy tests: policies written as the API takes them, pods, namespaces, an index. */
import type { ContainerPort, Labels, Namespace, NetworkPolicy, OtherPolicy, Pod, Protocol } from '../../src/core/model';
import { PolicyIndex } from '../../src/core/policy';
import { reduceNetworkPolicy } from '../../src/core/policy/reduce';

/** A NetworkPolicy from its `spec` as a manifest writes it; throws when the API server would refuse it. */
export function policy(namespace: string, name: string, spec: Record<string, unknown>): NetworkPolicy {
  const problems: string[] = [];
  const p = reduceNetworkPolicy({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec }, (m) => problems.push(m));
  if (!p) throw new Error(`refused: ${problems.join('; ')}`);
  return p;
}

export interface PodOptions {
  readonly ips?: readonly string[];
  /** `name:port/PROTO` (protocol TCP when left out), or a bare `port`. */
  readonly ports?: readonly string[];
  readonly hostNetwork?: boolean;
}

export function containerPorts(specs: readonly string[]): ContainerPort[] {
  return specs.map((s) => {
    const m = /^(?:([a-z0-9-]+):)?(\d+)(?:\/(TCP|UDP|SCTP))?$/.exec(s);
    if (!m) throw new Error(`bad port spec ${s}`);
    return { name: m[1] ?? '', containerPort: Number(m[2]), protocol: (m[3] ?? 'TCP') as Protocol, container: 'main' };
  });
}

export function pod(namespace: string, name: string, labels: Labels, options: PodOptions = {}): Pod {
  return {
    namespace,
    name,
    ips: options.ips ?? [],
    labels,
    ready: true,
    phase: 'Running',
    hostNetwork: options.hostNetwork ?? false,
    terminating: false,
    ports: containerPorts(options.ports ?? []),
  };
}

export function namespace(name: string, labels: Labels = {}): Namespace {
  return { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } };
}

export function index(policies: readonly NetworkPolicy[], namespaces: readonly Namespace[] = [], otherPolicies: readonly OtherPolicy[] = []): PolicyIndex {
  return PolicyIndex.build({ networkPolicies: policies, namespaces, otherPolicies });
}
