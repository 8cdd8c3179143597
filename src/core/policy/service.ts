/**
 * Verdicts on connections to a Service and to the cluster DNS. A connection to a Service's cluster IP reaches
 * one of its endpoint pods on the target port, after kube-proxy's translation, and NetworkPolicy sees that pod
 * and that port: so each endpoint is judged on its own, and the Service is `allowed` when every endpoint is,
 * `blocked` when none is, and `partial` when some are.
 */
import type { Endpoint, EndpointSlice, Labels, Pod, Protocol, Service, ServicePort } from '../model';
import type { ClusterSnapshot } from '../snapshot';
import type { PolicyIndex } from './policy-index';
import { type Decision, DestinationVerdicts, type TrafficPeer, type Verdict } from './verdict';

export type Coverage = 'allowed' | 'blocked' | 'partial' | 'unknown';

/** How a set of decisions adds up: all one way, a mix of allowed and blocked (`partial`), or not known. */
export function coverage(decisions: Iterable<Decision>): Coverage {
  let allowed = 0;
  let blocked = 0;
  let unknown = 0;
  for (const d of decisions) {
    if (d === 'allowed') allowed++;
    else if (d === 'blocked') blocked++;
    else unknown++;
  }
  if (allowed > 0 && blocked > 0) return 'partial';
  if (unknown > 0 || allowed + blocked === 0) return 'unknown';
  return allowed > 0 ? 'allowed' : 'blocked';
}

export interface ServicePath {
  /** The endpoint's pod (`NS/NAME`), or undefined for an endpoint address that is no pod's. */
  readonly pod: string | undefined;
  /** The endpoint's address; undefined for replicas the cluster has not created yet. */
  readonly address: string | undefined;
  /** The target port on that endpoint. */
  readonly port: number;
  readonly protocol: Protocol;
  readonly ready: boolean;
  readonly verdict: Verdict;
}

export type ServiceVerdictReason = 'no-endpoints' | 'port-not-exposed' | 'external-name';

export interface ServiceVerdict {
  /** `NS/NAME`. */
  readonly service: string;
  /** The Service port connected to (for a headless Service, the port on the pods). */
  readonly port: number | string;
  readonly protocol: Protocol;
  readonly verdict: Coverage;
  readonly paths: readonly ServicePath[];
  /** Why nothing could be judged, when `paths` is empty. */
  readonly reason?: ServiceVerdictReason;
  /** As Verdict.notEvaluated, over every path. */
  readonly notEvaluated: readonly string[];
  readonly summary: string;
}

/** The Service port a client names: by number (and protocol, when given) or by name. */
/**
 * The peer an endpoint of a slice stands for: its pod (by `targetRef`) with its first address, or the address
 * alone; none for an FQDN slice's endpoint without a pod. `key` tells endpoints of the same pod and address apart.
 */
export function endpointPeer(
  snapshot: ClusterSnapshot,
  slice: EndpointSlice,
  endpoint: Endpoint,
): { readonly destination: TrafficPeer; readonly key: string } | undefined {
  const ref = endpoint.targetRef;
  const pod = ref && ref.kind === 'Pod' ? snapshot.pod(ref.namespace, ref.name) : undefined;
  const address = slice.addressType === 'FQDN' ? undefined : endpoint.addresses[0];
  const key = `${pod ? `${pod.namespace}/${pod.name}` : ''}|${address ?? ''}`;
  if (pod) return { destination: address !== undefined ? { pod, ip: address } : { pod }, key };
  if (address !== undefined) return { destination: { ip: address }, key };
  return undefined;
}

export function servicePort(service: Service, port: number | string, protocol?: Protocol): ServicePort | undefined {
  if (typeof port === 'string') return service.ports.find((p) => p.name === port && (protocol === undefined || p.protocol === protocol));
  return service.ports.find((p) => p.port === port && (protocol === undefined || p.protocol === protocol));
}

/**
 * The verdict on a connection from `source` to `service` on `port` (a Service port number or name). For a
 * Service with a cluster IP, the port is translated to each endpoint's target port (named target ports were
 * resolved per pod in its EndpointSlices); a headless Service's clients connect to the pods directly, so a
 * numeric port is the pods' port as it is.
 */
export function serviceVerdict(
  index: PolicyIndex,
  snapshot: ClusterSnapshot,
  source: TrafficPeer,
  service: Service,
  port: number | string,
  protocol?: Protocol,
): ServiceVerdict {
  const id = `${service.namespace}/${service.name}`;
  const sp = servicePort(service, port, protocol);
  const proto: Protocol = protocol ?? sp?.protocol ?? 'TCP';
  const finish = (paths: ServicePath[], reason?: ServiceVerdictReason): ServiceVerdict => {
    const notEvaluated = [...new Set(paths.flatMap((p) => p.verdict.notEvaluated))];
    const v = coverage(paths.map((p) => p.verdict.verdict));
    return {
      service: id,
      port,
      protocol: proto,
      verdict: v,
      paths,
      ...(reason ? { reason } : {}),
      notEvaluated,
      summary: summarizeService(id, port, proto, v, paths, reason),
    };
  };
  if (service.type === 'ExternalName') return finish([], 'external-name');
  const direct = service.headless && typeof port === 'number';
  if (!sp && !direct) return finish([], 'port-not-exposed');
  const paths: ServicePath[] = [];
  const seen = new Set<string>();
  const verdicts = new DestinationVerdicts(index, source);
  for (const slice of snapshot.slicesOf(service.namespace, service.name)) {
    let target: number | undefined;
    if (direct) target = port as number;
    else {
      const ep = slice.ports.find((p) => p.name === sp!.name && p.protocol === sp!.protocol);
      // A slice without the port has endpoints that do not serve it (a named target port their pods lack).
      if (!ep) continue;
      target = ep.port ?? (typeof sp!.targetPort === 'number' ? sp!.targetPort : undefined);
    }
    if (target === undefined) continue;
    for (const endpoint of slice.endpoints) {
      const peer = endpointPeer(snapshot, slice, endpoint);
      if (!peer) continue;
      const destination = peer.destination;
      const key = `${peer.key}|${target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      paths.push({
        pod: destination.pod ? `${destination.pod.namespace}/${destination.pod.name}` : undefined,
        address: destination.ip,
        port: target,
        protocol: proto,
        ready: endpoint.ready,
        verdict: verdicts.verdict(destination, target, proto),
      });
    }
  }
  return finish(paths, paths.length === 0 ? 'no-endpoints' : undefined);
}

function summarizeService(
  id: string,
  port: number | string,
  protocol: Protocol,
  v: Coverage,
  paths: readonly ServicePath[],
  reason?: ServiceVerdictReason,
): string {
  if (reason === 'external-name')
    return `${id} is an ExternalName Service: its traffic leaves the cluster's pods, so NetworkPolicy is judged on the address it resolves to`;
  if (reason === 'port-not-exposed') return `${id} does not expose port ${port}/${protocol}`;
  if (reason === 'no-endpoints') return `${id} has no endpoints on port ${port}/${protocol} to judge`;
  if (v === 'allowed' || v === 'blocked') {
    const first = paths[0]!.verdict;
    return paths.length === 1 ? `${id}:${port} ${first.summary}` : `${id}:${port} ${v} to all ${paths.length} endpoints (${first.summary})`;
  }
  const counts = (d: Decision): number => paths.filter((p) => p.verdict.verdict === d).length;
  return `${id}:${port} ${v}: allowed to ${counts('allowed')}, blocked to ${counts('blocked')}, unknown for ${counts('unknown')} of ${paths.length} endpoints`;
}

export interface DnsOptions {
  /** The namespace of the DNS pods; default `kube-system`. */
  readonly namespace?: string;
  /** Their labels; default `k8s-app: kube-dns` (CoreDNS as kubeadm and most distributions deploy it). */
  readonly selector?: Labels;
  /** Their port; default 53. */
  readonly port?: number;
}

export const DEFAULT_DNS: Required<DnsOptions> = Object.freeze({ namespace: 'kube-system', selector: Object.freeze({ 'k8s-app': 'kube-dns' }), port: 53 });

export interface DnsPath {
  readonly pod: string;
  readonly protocol: Protocol;
  readonly verdict: Verdict;
}

export interface DnsVerdict {
  /** `allowed` when UDP and TCP reach every DNS pod; `partial` when only some (TCP carries the large answers). */
  readonly verdict: Coverage;
  readonly udp: Coverage;
  readonly tcp: Coverage;
  /** The DNS pods judged (`NS/NAME`). */
  readonly pods: readonly string[];
  /** The model holds no DNS pod, so a stand-in was judged: the usual CoreDNS pod with the configured labels. */
  readonly standIn: boolean;
  readonly paths: readonly DnsPath[];
  readonly notEvaluated: readonly string[];
  readonly summary: string;
}

/** The DNS pods a model holds, or the stand-in CoreDNS pod when it holds none (a workspace rarely declares them). */
export function dnsPods(snapshot: ClusterSnapshot, o: Required<DnsOptions>): { pods: readonly Pod[]; standIn: boolean } {
  const found = snapshot.podsSelectedBy(o.namespace, o.selector);
  if (found.length > 0) return { pods: found, standIn: false };
  const standIn: Pod = {
    namespace: o.namespace,
    name: 'coredns',
    ips: [],
    labels: o.selector,
    ready: true,
    hostNetwork: false,
    terminating: false,
    // The container ports of CoreDNS's Deployment in kubeadm and the CoreDNS Helm chart, so that policies that
    // name them (`dns`, `dns-tcp`) resolve as they would on the real pods.
    ports: [
      { name: 'dns', containerPort: o.port, protocol: 'UDP', container: 'coredns' },
      { name: 'dns-tcp', containerPort: o.port, protocol: 'TCP', container: 'coredns' },
    ],
  };
  return { pods: [standIn], standIn: true };
}

/** Whether `source` may reach the cluster DNS: UDP and TCP on its port to every DNS pod. */
export function dnsVerdict(index: PolicyIndex, snapshot: ClusterSnapshot, source: TrafficPeer, options: DnsOptions = {}): DnsVerdict {
  const o: Required<DnsOptions> = { ...DEFAULT_DNS, ...options };
  const { pods, standIn } = dnsPods(snapshot, o);
  const paths: DnsPath[] = [];
  const verdicts = new DestinationVerdicts(index, source);
  for (const protocol of ['UDP', 'TCP'] as const) {
    for (const pod of pods) paths.push({ pod: `${pod.namespace}/${pod.name}`, protocol, verdict: verdicts.verdict({ pod }, o.port, protocol) });
  }
  const udp = coverage(paths.filter((p) => p.protocol === 'UDP').map((p) => p.verdict.verdict));
  const tcp = coverage(paths.filter((p) => p.protocol === 'TCP').map((p) => p.verdict.verdict));
  const v = coverage(paths.map((p) => p.verdict.verdict));
  const notEvaluated = [...new Set(paths.flatMap((p) => p.verdict.notEvaluated))];
  const blocked = paths.find((p) => p.verdict.verdict === 'blocked');
  const why = blocked ? `; ${blocked.protocol} to ${blocked.pod}: ${blocked.verdict.summary}` : '';
  const summary = `DNS ${v} (UDP ${udp}, TCP ${tcp} to ${standIn ? 'the assumed' : pods.length} ${o.namespace} DNS pod${pods.length === 1 && standIn ? '' : 's'})${why}`;
  return { verdict: v, udp, tcp, pods: pods.map((p) => `${p.namespace}/${p.name}`), standIn, paths, notEvaluated, summary };
}
