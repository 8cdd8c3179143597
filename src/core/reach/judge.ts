/**
 * Verdicts on connections from the pods of one workload to a target (a Service and port, some pods directly, or an
 * address), built on the policy model (core/policy) and made honest about what the model cannot know:
 *
 * - the labels of a namespace the model only infers (no Namespace object was read): a namespaceSelector on any
 *   label but `kubernetes.io/metadata.name` may or may not match its pods, so a decision that rests on one is
 *   `unknown`;
 * - policies of other APIs (AdminNetworkPolicy, Calico, Cilium, …) that may bear on the connection: they can deny
 *   what NetworkPolicies allow and allow what they deny, so the verdict is `unknown` and names them;
 * - a model that read no NetworkPolicies: `unknown`.
 */
import { t } from '../l10n';
import type { LabelSelector, Pod, Protocol, Service } from '../model';
import { type CompiledRule, type Direction, NAMESPACE_NAME_LABEL } from '../policy/policy-index';
import { requirementMatches, selectorMatches } from '../policy/selector';
import { type Coverage, coverage, DEFAULT_DNS, type DnsOptions, dnsPods, endpointPeer, servicePort } from '../policy/service';
import { type Decision, DestinationVerdicts, type DirectionVerdict, portMatches, type TrafficPeer, type Verdict } from '../policy/verdict';
import type { ReachModel } from './model';
import { list } from './text';

/** Where a connection goes. */
export type ReachTarget =
  /** A Service on a port (number or name); `endpoint`: one endpoint by its DNS name (`<host>.<svc>.<ns>.svc`). */
  | { readonly kind: 'Service'; readonly service: Service; readonly port: number | string; readonly protocol?: Protocol; readonly endpoint?: string }
  /** Pods reached directly on a port of theirs (a workload, a pod IP, a headless Service's pod). */
  | { readonly kind: 'Pods'; readonly pods: readonly Pod[]; readonly port: number; readonly protocol: Protocol }
  /** An address that is no pod's. */
  | { readonly kind: 'Address'; readonly ip: string; readonly port: number; readonly protocol: Protocol }
  /** A name outside the cluster, whose address is not known here (only egress can stop it). */
  | { readonly kind: 'Outside'; readonly port: number; readonly protocol: Protocol };

/** One source pod to one destination, judged. */
export interface ReachPath {
  /** The source pod (`NS/NAME`). */
  readonly from: string;
  /** The destination pod (`NS/NAME`); undefined for an address that is no pod's. */
  readonly pod: string | undefined;
  readonly address?: string;
  /** The port on the destination (a Service's target port, after translation). */
  readonly port: number;
  readonly protocol: Protocol;
  readonly verdict: Decision;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
  /** Why the verdict is `unknown` where the NetworkPolicies read would decide it. */
  readonly unsure?: string;
}

export type ReachReason =
  /** The model read no NetworkPolicies (a live cluster without the watch, or RBAC forbids it). */
  | 'policies-unknown'
  /** Policies of APIs NetLens does not evaluate may decide it. */
  | 'not-evaluated'
  /** A Service without endpoints to judge (no selected pods in the model, or an address outside the pods). */
  | 'no-endpoints'
  | 'port-not-exposed'
  | 'external-name'
  /** The reference names no port and the Service's ports do not all agree. */
  | 'port-unknown'
  /** A decision rests on the labels of a namespace the model does not hold, or on a pod IP not allocated yet. */
  | 'unsure'
  /** The source workload has no pods in the model. */
  | 'no-source';

export interface Reach {
  /** After what the model cannot know; `partial` when some destinations admit it and some do not. */
  readonly verdict: Coverage;
  /** What the NetworkPolicies read say, before other APIs' policies are taken into account. */
  readonly networkPolicies: Coverage;
  readonly paths: readonly ReachPath[];
  /** Policies of other APIs that may bear on it (`Kind NS/NAME`). */
  readonly notEvaluated: readonly string[];
  /** Why the verdict is `unknown`. */
  readonly reason?: ReachReason;
  /** With `reason: unsure`, the sentence that says on what. */
  readonly unsure?: string;
}

const NONE: readonly never[] = Object.freeze([]);

/** Judges connections from `sources` (the pods of one workload) to `target`. */
export function judge(model: ReachModel, sources: readonly Pod[], target: ReachTarget): Reach {
  if (sources.length === 0) return empty('no-source');
  if (!model.policiesKnown) return empty('policies-unknown');
  const paths: ReachPath[] = [];
  let reason: ReachReason | undefined;
  for (const src of sources) {
    const got = pathsFrom(model, src, target);
    if ('reason' in got) {
      reason = got.reason;
      break;
    }
    paths.push(...got.paths);
  }
  if (reason) return empty(reason);
  return finish(model, paths, sources);
}

function empty(reason: ReachReason): Reach {
  return { verdict: 'unknown', networkPolicies: 'unknown', paths: NONE, notEvaluated: NONE, reason };
}

function finish(model: ReachModel, paths: ReachPath[], sources: readonly Pod[]): Reach {
  if (paths.length === 0) return empty('no-endpoints');
  const networkPolicies = coverage(paths.map((p) => p.verdict));
  const namespaces = new Set<string>(sources.map((s) => s.namespace));
  for (const p of paths) if (p.pod) namespaces.add(p.pod.slice(0, p.pod.indexOf('/')));
  const notEvaluated = model.index.otherPoliciesFor([...namespaces]);
  if (notEvaluated.length > 0) return { verdict: 'unknown', networkPolicies, paths, notEvaluated, reason: 'not-evaluated' };
  const unsure = paths.find((p) => p.verdict === 'unknown');
  if (networkPolicies === 'unknown')
    return { verdict: 'unknown', networkPolicies, paths, notEvaluated, reason: 'unsure', ...(unsure?.unsure ? { unsure: unsure.unsure } : {}) };
  return { verdict: networkPolicies, networkPolicies, paths, notEvaluated };
}

type Paths = { readonly paths: ReachPath[] } | { readonly reason: ReachReason };

function pathsFrom(model: ReachModel, src: Pod, target: ReachTarget): Paths {
  const from = `${src.namespace}/${src.name}`;
  const verdicts = new DestinationVerdicts(model.index, { pod: src });
  const path = (destination: TrafficPeer, port: number, protocol: Protocol): ReachPath => {
    const v = verdicts.verdict(destination, port, protocol);
    return settle(model, from, src, destination, v);
  };
  if (target.kind === 'Address') return { paths: [path({ ip: target.ip }, target.port, target.protocol)] };
  if (target.kind === 'Outside') return { paths: [outside(model, from, src, target.port, target.protocol)] };
  if (target.kind === 'Pods') return { paths: target.pods.map((pod) => path({ pod }, target.port, target.protocol)) };
  const service = target.service;
  if (service.type === 'ExternalName') return { reason: 'external-name' };
  const snapshot = model.snapshot;
  const direct = service.headless && typeof target.port === 'number';
  const sp = servicePort(service, target.port, target.protocol);
  if (!sp && !direct) return { reason: 'port-not-exposed' };
  const protocol: Protocol = target.protocol ?? sp?.protocol ?? 'TCP';
  const paths: ReachPath[] = [];
  const seen = new Set<string>();
  for (const slice of snapshot.slicesOf(service.namespace, service.name)) {
    // A connection to an endpoint's own name (`api-0.api`) reaches that pod on the port written, untranslated.
    const byName = target.endpoint !== undefined;
    let port: number | undefined;
    if (direct || (byName && typeof target.port === 'number')) port = target.port as number;
    else {
      const ep = slice.ports.find((p) => p.name === sp!.name && p.protocol === sp!.protocol);
      if (!ep) continue;
      port = byName ? sp!.port : (ep.port ?? (typeof sp!.targetPort === 'number' ? sp!.targetPort : undefined));
    }
    if (port === undefined) continue;
    for (const endpoint of slice.endpoints) {
      if (byName && !endpointNamed(endpoint.hostname, endpoint.addresses, target.endpoint!)) continue;
      const peer = endpointPeer(snapshot, slice, endpoint);
      if (!peer) continue;
      const destination = peer.destination;
      const key = `${peer.key}|${port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const p = path(destination, port, protocol);
      paths.push(destination.ip !== undefined ? { ...p, address: destination.ip } : p);
    }
  }
  return { paths };
}

/**
 * A connection to an address outside the cluster that is not known here (a name the cluster DNS forwards): the
 * destination is no pod, so only the source's egress can stop it. Pod selectors never match it; a rule with no
 * peers admits it; an ipBlock rule may or may not, by the address the name resolves to.
 */
function outside(model: ReachModel, from: string, src: Pod, port: number, protocol: Protocol): ReachPath {
  const open: DirectionVerdict = { pod: undefined, isolated: false, isolatedBy: NONE, verdict: 'allowed', allowedBy: NONE, undecidedBy: NONE };
  const isolating = src.hostNetwork ? [] : model.index.selecting(src).filter((c) => c.egress !== undefined);
  if (isolating.length === 0) return { from, pod: undefined, port, protocol, verdict: 'allowed', egress: { ...open, pod: from }, ingress: open };
  const allowedBy: string[] = [];
  const undecidedBy: string[] = [];
  let closest: { rule: string; policy: string; missing: ('peer' | 'port')[] } | undefined;
  for (const c of isolating) {
    for (const rule of c.egress!) {
      const ports = rule.ports.length === 0 || rule.ports.some((p) => portMatches(p, port, protocol, undefined));
      const peers: Tri = rule.peers === undefined ? 'yes' : rule.peers.some((p) => p.kind === 'ipBlock') ? 'unknown' : 'no';
      if (ports && peers === 'yes') allowedBy.push(rule.id);
      else if (ports && peers === 'unknown') undecidedBy.push(rule.id);
      else {
        const missing: ('peer' | 'port')[] = [...(peers === 'no' ? (['peer'] as const) : []), ...(ports ? [] : (['port'] as const))];
        if (!closest || missing.length < closest.missing.length) closest = { rule: rule.id, policy: c.id, missing };
      }
    }
  }
  const verdict: Decision = allowedBy.length > 0 ? 'allowed' : undecidedBy.length > 0 ? 'unknown' : 'blocked';
  const egress: DirectionVerdict = {
    pod: from,
    isolated: true,
    isolatedBy: isolating.map((c) => c.id),
    verdict,
    allowedBy,
    undecidedBy,
    ...(verdict === 'blocked' && closest ? { closest } : {}),
  };
  return {
    from,
    pod: undefined,
    port,
    protocol,
    verdict,
    egress,
    ingress: open,
    ...(verdict === 'unknown' ? { unsure: t('it depends on the address the name resolves to ({0})', list(undecidedBy)) } : {}),
  };
}

/** Whether an endpoint answers to a DNS label: its hostname, or its address with dashes (`10-1-2-3`). */
function endpointNamed(hostname: string | undefined, addresses: readonly string[], label: string): boolean {
  if (hostname !== undefined) return hostname === label;
  return addresses.some((a) => a.replace(/[.:]/g, '-') === label);
}

/**
 * A path's verdict with what the model cannot know taken into account: a direction whose decision rests on a
 * namespaceSelector over the labels of a namespace the model does not hold is `unknown`.
 */
function settle(model: ReachModel, from: string, src: Pod, destination: TrafficPeer, v: Verdict): ReachPath {
  const dst = destination.pod && !destination.pod.hostNetwork ? destination.pod : undefined;
  const base = {
    from,
    pod: destination.pod ? `${destination.pod.namespace}/${destination.pod.name}` : undefined,
    port: v.port,
    protocol: v.protocol,
    egress: v.egress,
    ingress: v.ingress,
  };
  if (v.verdict === 'unknown') return { ...base, verdict: 'unknown', unsure: t('it depends on the pod IP the cluster allocates (an ipBlock rule)') };
  let unsure: string | undefined;
  const egress = directionSettled(model, 'egress', src.hostNetwork ? undefined : src, dst, v.egress, v.port, v.protocol, dst);
  const ingress = directionSettled(model, 'ingress', dst, src.hostNetwork ? undefined : src, v.ingress, v.port, v.protocol, dst);
  for (const d of [egress, ingress]) if (d.unsure) unsure ??= d.unsure;
  const decision: Decision =
    egress.decision === 'blocked' || ingress.decision === 'blocked'
      ? 'blocked'
      : egress.decision === 'unknown' || ingress.decision === 'unknown'
        ? 'unknown'
        : 'allowed';
  return { ...base, verdict: decision, ...(decision === 'unknown' && unsure ? { unsure } : {}) };
}

type Tri = 'yes' | 'no' | 'unknown';

/** A namespaceSelector on a namespace of which only the name is known. */
function namespaceTri(s: LabelSelector, namespace: string): Tri {
  let unknown = false;
  for (const k in s.matchLabels) {
    if (k !== NAMESPACE_NAME_LABEL) unknown = true;
    else if (s.matchLabels[k] !== namespace) return 'no';
  }
  const known = { [NAMESPACE_NAME_LABEL]: namespace };
  for (const r of s.matchExpressions) {
    if (r.key !== NAMESPACE_NAME_LABEL) unknown = true;
    else if (!requirementMatches(r, known)) return 'no';
  }
  return unknown ? 'unknown' : 'yes';
}

function directionSettled(
  model: ReachModel,
  dir: Direction,
  subject: Pod | undefined,
  other: Pod | undefined,
  d: DirectionVerdict,
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): { decision: Decision; unsure?: string } {
  if (!d.isolated || !subject || !other || model.labelsKnown(other.namespace)) return { decision: d.verdict };
  let certain = false;
  let uncertain = false;
  for (const c of model.index.selecting(subject)) {
    const rules = c[dir];
    if (!rules) continue;
    for (const rule of rules) {
      const status = ruleStatus(rule, c.policy.namespace, other, port, protocol, destination, d.allowedBy);
      if (status === 'yes') certain = true;
      else if (status === 'unknown') uncertain = true;
    }
  }
  if (!uncertain || certain) return { decision: d.verdict };
  return {
    decision: 'unknown',
    unsure: t(
      "it depends on the labels of namespace {0}, which the model does not hold (a namespaceSelector of {1}'s {2} policies)",
      other.namespace,
      String(d.pod),
      dir,
    ),
  };
}

/** Whether a rule admits `other` (a pod of a namespace whose labels are not known): certainly, perhaps, or not. */
function ruleStatus(
  rule: CompiledRule,
  policyNamespace: string,
  other: Pod,
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
  allowedBy: readonly string[],
): Tri {
  if (rule.ports.length > 0 && !rule.ports.some((p) => portMatches(p, port, protocol, destination))) return 'no';
  if (rule.peers === undefined) return 'yes';
  let result: Tri = 'no';
  for (const peer of rule.peers) {
    if (peer.kind === 'ipBlock') {
      // The policy model decided address blocks already: a rule it lists as admitting did so by one.
      if (allowedBy.includes(rule.id)) return 'yes';
      continue;
    }
    if (peer.podSelector && !selectorMatches(peer.podSelector, other.labels)) continue;
    if (!peer.namespaceSelector) {
      if (other.namespace === policyNamespace) return 'yes';
      continue;
    }
    const t = namespaceTri(peer.namespaceSelector, other.namespace);
    if (t === 'yes') return 'yes';
    if (t === 'unknown') result = 'unknown';
  }
  return result;
}

/** Whether the pods of a workload may reach the cluster DNS, with what the model cannot know taken into account. */
export interface DnsReach {
  /** `allowed` when UDP and TCP reach every DNS pod; `partial` when only some (UDP alone: large answers fail). */
  readonly verdict: Coverage;
  readonly udp: Coverage;
  readonly tcp: Coverage;
  /** Whether a source pod is isolated for egress at all (if none is, nothing can block its lookups). */
  readonly isolated: boolean;
  /** The DNS pods were not in the model: a CoreDNS pod with the usual labels and port names stood in. */
  readonly standIn: boolean;
  readonly paths: readonly ReachPath[];
  readonly notEvaluated: readonly string[];
  readonly reason?: ReachReason;
  readonly unsure?: string;
}

/** Whether the pods of a workload may look names up: UDP and TCP on the DNS port to every DNS pod. */
export function judgeDns(model: ReachModel, sources: readonly Pod[], options: DnsOptions = {}): DnsReach {
  const o: Required<DnsOptions> = { ...DEFAULT_DNS, ...options };
  const isolated = sources.some((s) => !s.hostNetwork && model.index.selecting(s).some((c) => c.egress !== undefined));
  const blank = (reason: ReachReason): DnsReach => ({
    verdict: 'unknown',
    udp: 'unknown',
    tcp: 'unknown',
    isolated,
    standIn: false,
    paths: NONE,
    notEvaluated: NONE,
    reason,
  });
  if (sources.length === 0) return blank('no-source');
  if (!model.policiesKnown) return blank('policies-unknown');
  const { pods, standIn } = dnsPods(model.snapshot, o);
  const paths: ReachPath[] = [];
  for (const src of sources) {
    const verdicts = new DestinationVerdicts(model.index, { pod: src });
    const from = `${src.namespace}/${src.name}`;
    for (const protocol of ['UDP', 'TCP'] as const) {
      for (const pod of pods) paths.push(settle(model, from, src, { pod }, verdicts.verdict({ pod }, o.port, protocol)));
    }
  }
  const of = (protocol: Protocol) => coverage(paths.filter((p) => p.protocol === protocol).map((p) => p.verdict));
  const udp = of('UDP');
  const tcp = of('TCP');
  const verdict = coverage(paths.map((p) => p.verdict));
  const namespaces = [...new Set([...sources.map((s) => s.namespace), o.namespace])];
  const notEvaluated = model.index.otherPoliciesFor(namespaces);
  const base = { udp, tcp, isolated, standIn, paths, notEvaluated };
  if (notEvaluated.length > 0) return { ...base, verdict: 'unknown', reason: 'not-evaluated' };
  if (verdict === 'unknown') {
    const unsure = paths.find((p) => p.unsure)?.unsure;
    return { ...base, verdict, reason: 'unsure', ...(unsure ? { unsure } : {}) };
  }
  return { ...base, verdict };
}
