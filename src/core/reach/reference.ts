/**
 * The policy verdict on a reference: when the object holding it runs pods (a Pod, a workload's pod template, an
 * operator's pods) and it resolves to a Service (or a pod), whether those pods may connect there, and, for a name,
 * whether they may ask the cluster DNS for it. The hover line, the diagnostics and `netlens reach` all read this.
 *
 * Each source of the checks (the live cluster, the workspace manifests, other builds) that resolves the reference
 * judges it with its own policies and endpoints; the holder's pods always come from the workspace model, since its
 * pod template is what the reference's manifest deploys. A reference allowed by any source is allowed (as a name
 * found in any source is found); otherwise the first source that can decide it speaks.
 */
import type { CheckSource } from '../check';
import { parseIP } from '../ip';
import type { Pod, Protocol, Service } from '../model';
import { labelsUnder } from '../names';
import type { DnsOptions } from '../policy/service';
import type { Reference } from '../references';
import type { ClusterSnapshot } from '../snapshot';
import { type DnsReach, judge, judgeDns, type Reach, type ReachTarget } from './judge';
import { type ReachModel, reachModel, type Workload } from './model';
import { verdictLine } from './text';

/** What a reference connects to, for messages and JSON. */
export type TargetSummary =
  | {
      readonly kind: 'Service';
      readonly namespace: string;
      readonly name: string;
      readonly port?: number | string;
      readonly protocol?: Protocol;
      readonly endpoint?: string;
    }
  | { readonly kind: 'Pod'; readonly namespace: string; readonly name: string; readonly port: number; readonly protocol: Protocol };

/** The verdict for the pods of one workload that reads the ConfigMap or Secret holding a reference. */
export interface ConsumerVerdict {
  readonly workload: Workload;
  readonly reach: Reach;
}

export interface ReferenceVerdict {
  /** The model that judged it: a check source's name ("the workspace manifests", the cluster of a context). */
  readonly model: string;
  readonly live: boolean;
  /** The object holding the reference: whose pods connect, or a ConfigMap or Secret that `consumers` read. */
  readonly holder: Workload;
  /** For a reference in a ConfigMap or Secret: each workload that reads it, judged on its own. */
  readonly consumers?: readonly ConsumerVerdict[];
  readonly target: TargetSummary;
  readonly reach: Reach;
  /** For a name the pods look up in the cluster DNS. */
  readonly dns?: DnsReach;
  /** One line for a hover: `Policy: allowed — egress not isolated, ingress by shop/api#ingress[0]`. */
  readonly line: string;
}

export interface ReachOptions {
  /** The models to judge in, in order of preference (the live cluster first, then the workspace). */
  readonly sources: readonly CheckSource[];
  /** The workspace model, which holds the pods of the reference's holder. */
  readonly workspace: ClusterSnapshot;
  /** Where the cluster DNS pods are (default kube-system, `k8s-app: kube-dns`, port 53). */
  readonly dns?: DnsOptions;
}

/**
 * Handlers the kubelet runs from the node, not the pod: the `host` of a probe's or a lifecycle hook's `httpGet` or
 * `tcpSocket`. NetworkPolicy does not judge them as the pod's traffic.
 */
const FROM_THE_NODE = /(?:Probe|hook) host$/;

/** Where a reference that names no port connects, by its URL scheme. */
const SCHEME_PORTS: Readonly<Record<string, number>> = { http: 80, ws: 80, https: 443, wss: 443 };

/** Whether a reference is a connection its holder's pods make (and so has a policy verdict at all). */
export function isPodConnection(ref: Reference): boolean {
  return !ref.local && !ref.template && ref.role !== 'statefulset-service' && !FROM_THE_NODE.test(ref.context);
}

/** The holder of a reference as a workload. */
export function holderOf(ref: Reference): Workload {
  return { kind: ref.object.kind, namespace: ref.namespace, name: ref.object.name };
}

/**
 * The pods that make a reference's connections: its holder's (a Pod, a workload's template, an operator's pods), or
 * for a reference written in a ConfigMap or Secret, those of each workload that reads it.
 */
function sourcesOf(ref: Reference, options: ReachOptions): { pods: readonly Pod[]; consumers?: readonly { workload: Workload; pods: readonly Pod[] }[] } {
  const model = reachModel(options.workspace);
  const holder = holderOf(ref);
  const pods = model.podsOf(holder);
  if (pods.length > 0 || (holder.kind !== 'ConfigMap' && holder.kind !== 'Secret')) return { pods };
  const facts = (options.sources.find((s) => !s.live && s.resolver.snapshot === options.workspace) ?? options.sources.find((s) => !s.live))?.facts;
  const readers = facts?.configConsumers?.get(`${holder.namespace}/${holder.kind}/${holder.name}`) ?? [];
  const consumers = readers
    .map((w) => ({ workload: { kind: w.kind, namespace: w.namespace, name: w.name }, pods: model.podsOf(w) }))
    .filter((c) => c.pods.length > 0);
  return { pods: consumers.flatMap((c) => c.pods), consumers };
}

/** The verdict on a reference, or undefined when it has none (no pods make its connection, or it resolves to nothing). */
export function referenceVerdict(ref: Reference, options: ReachOptions): ReferenceVerdict | undefined {
  if (!isPodConnection(ref)) return undefined;
  const holder = holderOf(ref);
  const from = sourcesOf(ref, options);
  if (from.pods.length === 0) return undefined;
  let first: ReferenceVerdict | undefined;
  let decided: ReferenceVerdict | undefined;
  for (const source of options.sources) {
    const v = judgedIn(source, ref, holder, from, options);
    if (!v) continue;
    first ??= v;
    if (v.reach.verdict === 'allowed') return v;
    if (!decided && v.reach.verdict !== 'unknown') decided = v;
  }
  return decided ?? first;
}

/** The verdict in one source, cached in that source's model for this workspace, holder and target. */
function judgedIn(
  source: CheckSource,
  ref: Reference,
  holder: Workload,
  from: ReturnType<typeof sourcesOf>,
  options: ReachOptions,
): ReferenceVerdict | undefined {
  const model = reachModel(source.resolver.snapshot);
  const cache = cacheFor(model, options.workspace);
  const key = [
    holder.kind,
    holder.namespace,
    holder.name,
    ref.kind,
    ref.host.toLowerCase(),
    ref.serviceNamespace ?? '',
    ref.port ?? '',
    ref.scheme ?? '',
    source.name,
  ].join('\u0000');
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const target = targetOf(ref, source, model);
  let v: ReferenceVerdict | undefined;
  if (target) {
    const name = ref.kind !== 'service' && !parseIP(ref.host);
    const dns = name ? dnsOf(model, options.workspace, holder, from.pods, options.dns) : undefined;
    let reach: Reach;
    let consumers: ConsumerVerdict[] | undefined;
    if (from.consumers) {
      consumers = from.consumers.map((c) => ({ workload: c.workload, reach: judgeTarget(model, c.pods, target) }));
      reach = acrossConsumers(consumers);
    } else reach = judgeTarget(model, from.pods, target);
    const base = { model: source.name, live: source.live, holder, target: target.summary, reach, ...(dns ? { dns } : {}), ...(consumers ? { consumers } : {}) };
    v = { ...base, line: verdictLine(base) };
  }
  remember(cache, key, v ?? null);
  return v;
}

/**
 * The pods of several workloads that read one ConfigMap: the same verdict for all, or `partial` when some may
 * connect and some may not; `unknown` when any cannot be judged.
 */
function acrossConsumers(consumers: readonly ConsumerVerdict[]): Reach {
  const paths = consumers.flatMap((c) => c.reach.paths);
  const notEvaluated = [...new Set(consumers.flatMap((c) => c.reach.notEvaluated))];
  const verdicts = new Set(consumers.map((c) => c.reach.verdict));
  const np = new Set(consumers.map((c) => c.reach.networkPolicies));
  const networkPolicies = np.size === 1 ? [...np][0]! : np.has('unknown') ? 'unknown' : 'partial';
  if (verdicts.size === 1) return { ...consumers[0]!.reach, paths, notEvaluated, networkPolicies };
  const unknown = consumers.find((c) => c.reach.verdict === 'unknown');
  if (unknown) return { ...unknown.reach, paths, notEvaluated, networkPolicies };
  return { verdict: 'partial', networkPolicies, paths, notEvaluated };
}

/**
 * Verdicts kept per model, the oldest let go first past this many: a check of every file of a large repository
 * judges each reference once, and keeping every verdict held some 70 MB for 20,000 files.
 */
const MAX_CACHED = 8192;

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}

const caches = new WeakMap<ReachModel, WeakMap<ClusterSnapshot, Map<string, ReferenceVerdict | null>>>();

/** The cache of verdicts judged in `model` for the holders of one workspace model. */
function cacheFor(model: ReachModel, workspace: ClusterSnapshot): Map<string, ReferenceVerdict | null> {
  let byWorkspace = caches.get(model);
  if (!byWorkspace) {
    byWorkspace = new WeakMap();
    caches.set(model, byWorkspace);
  }
  let cache = byWorkspace.get(workspace);
  if (!cache) {
    cache = new Map();
    byWorkspace.set(workspace, cache);
  }
  return cache;
}

const dnsCaches = new WeakMap<ReachModel, WeakMap<ClusterSnapshot, Map<string, DnsReach>>>();

function dnsOf(model: ReachModel, workspace: ClusterSnapshot, holder: Workload, pods: readonly Pod[], options: DnsOptions | undefined): DnsReach {
  let byWorkspace = dnsCaches.get(model);
  if (!byWorkspace) {
    byWorkspace = new WeakMap();
    dnsCaches.set(model, byWorkspace);
  }
  let cache = byWorkspace.get(workspace);
  if (!cache) {
    cache = new Map();
    byWorkspace.set(workspace, cache);
  }
  const key = `${holder.kind}\u0000${holder.namespace}\u0000${holder.name}`;
  let d = cache.get(key);
  if (!d) {
    d = judgeDns(model, pods, options);
    remember(cache, key, d);
  }
  return d;
}

/** Judges a target: its one port, or every port of a Service reached without one written. */
export function judgeTarget(model: ReachModel, pods: readonly Pod[], target: Target): Reach {
  return target.ports.length === 1 ? judge(model, pods, target.ports[0]!) : acrossPorts(model, pods, target.ports);
}

/**
 * A Service reached without a port written: every port it exposes is judged, and the verdict holds when they all
 * agree (a finding then does not depend on which port the program uses).
 */
function acrossPorts(model: ReachModel, pods: readonly Pod[], targets: readonly ReachTarget[]): Reach {
  const each = targets.map((t) => judge(model, pods, t));
  const verdicts = new Set(each.map((r) => r.verdict));
  const paths = each.flatMap((r) => r.paths);
  const notEvaluated = [...new Set(each.flatMap((r) => r.notEvaluated))];
  const networkPolicies = new Set(each.map((r) => r.networkPolicies));
  const np = networkPolicies.size === 1 ? [...networkPolicies][0]! : 'unknown';
  if (verdicts.size === 1) {
    const one = each[0]!;
    return { ...one, paths, notEvaluated, networkPolicies: np };
  }
  return { verdict: 'unknown', networkPolicies: np, paths, notEvaluated, reason: 'port-unknown' };
}

export interface Target {
  readonly summary: TargetSummary;
  /** One target per port judged (several when the reference names no port and the Service has several). */
  readonly ports: readonly ReachTarget[];
}

/** What a reference connects to in a source: a Service and port (or each of its ports), or a pod. */
function targetOf(ref: Reference, source: CheckSource, model: ReachModel): Target | undefined {
  const snapshot = model.snapshot;
  if (ref.kind === 'service') {
    const svc = snapshot.service(ref.serviceNamespace ?? ref.namespace, ref.host);
    return svc && serviceTarget(svc, ref.port);
  }
  const ip = parseIP(ref.host);
  if (ip) {
    const svc = snapshot.servicesWithClusterIP(ip.text)[0];
    if (svc) return serviceTarget(svc, ref.port);
    const pod = snapshot.podsWithIP(ip.text)[0];
    if (!pod || typeof ref.port !== 'number') return undefined;
    return {
      summary: { kind: 'Pod', namespace: pod.namespace, name: pod.name, port: ref.port, protocol: 'TCP' },
      ports: [{ kind: 'Pods', pods: [pod], port: ref.port, protocol: 'TCP' }],
    };
  }
  const r = source.resolver.resolve(ref.host, { namespace: ref.namespace, qtype: 'A' });
  if (!r.ok || r.answer.rcode !== 'NOERROR') return undefined;
  const info = r.answer.explanation.service;
  if (!info) return undefined;
  const svc = snapshot.service(info.namespace, info.name);
  if (!svc) return undefined;
  // `<endpoint>.<service>.<namespace>.svc.<zone>`: one endpoint of the Service, by its hostname.
  const labels = labelsUnder(r.answer.qname, source.resolver.zone);
  const endpoint = labels && labels.length === 4 && labels[3] === 'svc' && labels[1] === svc.name ? labels[0] : undefined;
  return serviceTarget(svc, ref.port ?? (ref.scheme ? SCHEME_PORTS[ref.scheme.toLowerCase()] : undefined), undefined, endpoint);
}

/**
 * A Service as a target: on the port written (a number or a port name), else on its only port, else on each of its
 * ports; undefined for a Service without ports reached without one.
 */
export function serviceTarget(svc: Service, written: number | string | undefined, protocol?: Protocol, endpoint?: string): Target | undefined {
  const summary = (port?: number | string, protocol?: Protocol): TargetSummary => ({
    kind: 'Service',
    namespace: svc.namespace,
    name: svc.name,
    ...(port !== undefined ? { port } : {}),
    ...(protocol ? { protocol } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
  const at = (port: number | string, protocol?: Protocol): ReachTarget => ({
    kind: 'Service',
    service: svc,
    port,
    ...(protocol ? { protocol } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
  if (written !== undefined) {
    const proto =
      protocol ?? svc.ports.find((p) => (p.port === written || p.name === written) && (protocol === undefined || p.protocol === protocol))?.protocol;
    return { summary: summary(written, proto), ports: [at(written, protocol)] };
  }
  // A Service without ports (a headless one, reached on ports of its pods): with no port written, nothing to judge.
  if (svc.ports.length === 0) return undefined;
  const ports = protocol ? svc.ports.filter((p) => p.protocol === protocol) : svc.ports;
  if (ports.length === 0) return undefined;
  if (ports.length === 1) return { summary: summary(ports[0]!.port, ports[0]!.protocol), ports: [at(ports[0]!.port, ports[0]!.protocol)] };
  return { summary: summary(), ports: ports.map((p) => at(p.name || p.port, p.protocol)) };
}
