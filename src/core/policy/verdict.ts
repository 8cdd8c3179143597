/**
 * Whether a connection is allowed, by the semantics of networking.k8s.io/v1 NetworkPolicy: a pod is isolated
 * for a direction when a policy that selects it has that direction in `policyTypes`; an isolated pod admits only
 * what one of the rules of those policies admits (rules are a union, across policies too); and a connection needs
 * both the source's egress and the destination's ingress. A side that is not a pod (an address outside the
 * cluster's pods, or a host-network pod) is never isolated.
 *
 * Decisions are three-valued: a pod that the cluster has not given an IP yet (a pod of the workspace's manifests)
 * may or may not fall in an `ipBlock`, and when only such a rule could admit the connection the answer is
 * `unknown`, never a guess.
 */
import type { Pod, PolicyPort, Protocol } from '../model';
import { cidrContains, type ParsedAddress, parseAddress } from './cidr';
import type { CompiledPeer, CompiledPolicy, CompiledRule, Direction, PolicyIndex } from './policy-index';
import { selectorMatches } from './selector';

/** One end of a connection: a pod (optionally with the address it uses), or an address that is no pod's. */
export type TrafficPeer = { readonly pod: Pod; readonly ip?: string } | { readonly pod?: undefined; readonly ip: string };

export type Decision = 'allowed' | 'blocked' | 'unknown';

/** The rule that comes nearest to admitting a blocked connection, and what it lacks. */
export interface ClosestRule {
  /** `NS/POLICY#ingress[i]`. */
  readonly rule: string;
  /** `NS/POLICY`. */
  readonly policy: string;
  /** `peer`: none of its `from`/`to` entries matches the other side; `port`: none of its ports matches. */
  readonly missing: readonly ('peer' | 'port')[];
}

export interface DirectionVerdict {
  /** The pod whose policies decide this direction (`NS/NAME`): the source for egress, the destination for ingress. */
  readonly pod: string | undefined;
  readonly isolated: boolean;
  /** The policies that select the pod with this direction in their types (`NS/NAME`). */
  readonly isolatedBy: readonly string[];
  readonly verdict: Decision;
  /** Rules that admit the connection (`NS/POLICY#egress[i]`). */
  readonly allowedBy: readonly string[];
  /** Rules that admit it if the address the cluster allocates falls in their ipBlock. */
  readonly undecidedBy: readonly string[];
  /** For a blocked direction whose policies have rules: the one nearest to admitting it. */
  readonly closest?: ClosestRule;
}

export interface Verdict {
  readonly verdict: Decision;
  readonly port: number;
  readonly protocol: Protocol;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
  /** The directions that block it, egress first. */
  readonly blockedBy: readonly Direction[];
  /**
   * Policies of other APIs (AdminNetworkPolicy, Calico, Cilium, …) that may also decide this connection and that
   * NetLens does not evaluate: the verdict counts NetworkPolicies only and never rests on them.
   */
  readonly notEvaluated: readonly string[];
  /** One line for a hover or a terminal. */
  readonly summary: string;
}

type Tri = 'yes' | 'no' | 'unknown';

const NONE: readonly never[] = Object.freeze([]);

/**
 * The addresses a connection uses: one family, chosen from what is known of either end. Parsed only when an
 * ipBlock asks, which most verdicts never do.
 */
class Addresses {
  private parsed: { source: ParsedAddress | undefined; destination: ParsedAddress | undefined } | undefined;

  constructor(
    private readonly sourceEnd: TrafficPeer,
    private readonly destinationEnd: TrafficPeer,
  ) {}

  get source(): ParsedAddress | undefined {
    return (this.parsed ??= this.parse()).source;
  }

  get destination(): ParsedAddress | undefined {
    return (this.parsed ??= this.parse()).destination;
  }

  private parse(): { source: ParsedAddress | undefined; destination: ParsedAddress | undefined } {
    const source = this.sourceEnd;
    const destination = this.destinationEnd;
    const explicit = (p: TrafficPeer): ParsedAddress | undefined => (p.ip !== undefined ? parseAddress(p.ip) : undefined);
    const srcExplicit = explicit(source);
    const dstExplicit = explicit(destination);
    const first = (p: TrafficPeer): ParsedAddress | undefined => (p.pod && p.pod.ips.length > 0 ? parseAddress(p.pod.ips[0]!) : undefined);
    // The family of the connection: what an end names explicitly, else the destination's primary address (the
    // one its name resolves to first), else the source's.
    const family = (dstExplicit ?? srcExplicit ?? first(destination) ?? first(source))?.family;
    const pick = (p: TrafficPeer, given: ParsedAddress | undefined): ParsedAddress | undefined => {
      if (given) return given;
      if (!p.pod || family === undefined) return undefined;
      for (const ip of p.pod.ips) {
        const a = parseAddress(ip);
        if (a && a.family === family) return a;
      }
      return undefined;
    };
    return { source: pick(source, srcExplicit), destination: pick(destination, dstExplicit) };
  }
}

/** The pod an end stands for in policy terms: none for an address, or for a host-network pod (the node's traffic). */
function policyPod(p: TrafficPeer): Pod | undefined {
  return p.pod && !p.pod.hostNetwork ? p.pod : undefined;
}

function peerMatches(
  index: PolicyIndex,
  peer: CompiledPeer,
  policyNamespace: string,
  other: Pod | undefined,
  addresses: Addresses,
  side: 'source' | 'destination',
): Tri {
  if (peer.kind === 'ipBlock') {
    const address = addresses[side];
    if (!address) return 'unknown';
    if (!cidrContains(peer.cidr, address)) return 'no';
    for (const e of peer.except) if (cidrContains(e, address)) return 'no';
    return 'yes';
  }
  // Pod selectors match pods only; an address that belongs to no pod is matched by ipBlock alone.
  if (!other) return 'no';
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, index.namespaceLabels(other.namespace))) return 'no';
  } else if (other.namespace !== policyNamespace) return 'no';
  return !peer.podSelector || selectorMatches(peer.podSelector, other.labels) ? 'yes' : 'no';
}

function rulePeers(
  index: PolicyIndex,
  rule: CompiledRule,
  policyNamespace: string,
  other: Pod | undefined,
  addresses: Addresses,
  side: 'source' | 'destination',
): Tri {
  if (rule.peers === undefined) return 'yes';
  let result: Tri = 'no';
  for (const peer of rule.peers) {
    const m = peerMatches(index, peer, policyNamespace, other, addresses, side);
    if (m === 'yes') return 'yes';
    if (m === 'unknown') result = 'unknown';
  }
  return result;
}

/**
 * Whether one policy port admits `port`/`protocol` on `destination`. A named port is resolved on the destination
 * pod's containers (a container port of that name and protocol whose number is the one connected to); an address
 * that is no pod's has no named ports.
 */
export function portMatches(p: PolicyPort, port: number, protocol: Protocol, destination: Pod | undefined): boolean {
  if (p.protocol !== protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'number') return p.endPort === undefined ? port === p.port : port >= p.port && port <= p.endPort;
  if (!destination) return false;
  for (const cp of destination.ports) if (cp.name === p.port && cp.protocol === protocol && cp.containerPort === port) return true;
  return false;
}

function rulePorts(rule: CompiledRule, port: number, protocol: Protocol, destination: Pod | undefined): boolean {
  if (rule.ports.length === 0) return true;
  for (const p of rule.ports) if (portMatches(p, port, protocol, destination)) return true;
  return false;
}

function direction(
  index: PolicyIndex,
  dir: Direction,
  subject: Pod | undefined,
  other: Pod | undefined,
  addresses: Addresses,
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): DirectionVerdict {
  const pod = subject ? `${subject.namespace}/${subject.name}` : undefined;
  const isolating: CompiledPolicy[] = [];
  if (subject) for (const c of index.selecting(subject)) if (c[dir] !== undefined) isolating.push(c);
  if (isolating.length === 0) return { pod, isolated: false, isolatedBy: NONE, verdict: 'allowed', allowedBy: NONE, undecidedBy: NONE };
  const allowedBy: string[] = [];
  const undecidedBy: string[] = [];
  let closest: { rule: CompiledRule; policy: string; missing: ('peer' | 'port')[] } | undefined;
  for (const c of isolating) {
    for (const rule of c[dir]!) {
      const ports = rulePorts(rule, port, protocol, destination);
      const peers = rulePeers(index, rule, c.policy.namespace, other, addresses, dir === 'egress' ? 'destination' : 'source');
      if (ports && peers === 'yes') allowedBy.push(rule.id);
      else if (ports && peers === 'unknown') undecidedBy.push(rule.id);
      else {
        const missing: ('peer' | 'port')[] = [];
        if (peers === 'no') missing.push('peer');
        if (!ports) missing.push('port');
        // Fewest missing parts wins; between one-part misses, a rule that names this peer (and lacks only the
        // port) is nearer than one that has the port for other peers; otherwise the first in id order.
        const better =
          !closest ||
          missing.length < closest.missing.length ||
          (missing.length === closest.missing.length && missing[0] === 'port' && closest.missing[0] === 'peer');
        if (better) closest = { rule, policy: c.id, missing };
      }
    }
  }
  const verdict: Decision = allowedBy.length > 0 ? 'allowed' : undecidedBy.length > 0 ? 'unknown' : 'blocked';
  return {
    pod,
    isolated: true,
    isolatedBy: isolating.map((c) => c.id),
    verdict,
    allowedBy,
    undecidedBy,
    ...(verdict === 'blocked' && closest ? { closest: { rule: closest.rule.id, policy: closest.policy, missing: closest.missing } } : {}),
  };
}

/**
 * The verdict on a connection from `source` to `destination` on `port` (the destination pod's port: for a
 * Service, its target port after translation; see serviceVerdict) and `protocol` (TCP by default).
 */
export function verdict(index: PolicyIndex, source: TrafficPeer, destination: TrafficPeer, port: number, protocol: Protocol = 'TCP'): Verdict {
  const addresses = new Addresses(source, destination);
  const src = policyPod(source);
  const dst = policyPod(destination);
  const namespaces: string[] = [];
  if (source.pod) namespaces.push(source.pod.namespace);
  if (destination.pod) namespaces.push(destination.pod.namespace);
  const notEvaluated = index.otherPoliciesFor(namespaces);
  if (!index.policiesKnown) {
    const open = (pod: Pod | undefined): DirectionVerdict => ({
      pod: pod && `${pod.namespace}/${pod.name}`,
      isolated: false,
      isolatedBy: NONE,
      verdict: 'unknown',
      allowedBy: NONE,
      undecidedBy: NONE,
    });
    return {
      verdict: 'unknown',
      port,
      protocol,
      egress: open(src),
      ingress: open(dst),
      blockedBy: NONE,
      notEvaluated,
      summary: `unknown (${protocol} ${port}): the model holds no NetworkPolicies to judge by`,
    };
  }
  const egress = direction(index, 'egress', src, dst, addresses, port, protocol, dst);
  const ingress = direction(index, 'ingress', dst, src, addresses, port, protocol, dst);
  const blockedBy: Direction[] = [];
  if (egress.verdict === 'blocked') blockedBy.push('egress');
  if (ingress.verdict === 'blocked') blockedBy.push('ingress');
  const decision: Decision = blockedBy.length > 0 ? 'blocked' : egress.verdict === 'unknown' || ingress.verdict === 'unknown' ? 'unknown' : 'allowed';
  const v = { verdict: decision, port, protocol, egress, ingress, blockedBy, notEvaluated };
  return { ...v, summary: summarize(v) };
}

/**
 * Verdicts from one source to many destinations (the endpoints of a Service, the DNS pods), shared between
 * destinations that NetworkPolicy cannot tell apart: the same namespace, labels, container ports and host-network
 * flag (compared by identity, as the models share them between the pods of one workload) and the same address
 * family. A destination's own address matters only to ipBlock peers of the source's egress rules; when it has
 * any, the address is part of the key too. A Service with thousands of endpoints then costs a few verdicts.
 */
export class DestinationVerdicts {
  private readonly cache = new Map<string, Verdict>();
  private readonly ids = new Map<object, number>();
  private readonly byAddress: boolean;

  constructor(
    private readonly index: PolicyIndex,
    private readonly source: TrafficPeer,
  ) {
    const src = policyPod(source);
    this.byAddress = src !== undefined && index.selecting(src).some((c) => c.egress?.some((r) => r.peers?.some((p) => p.kind === 'ipBlock')));
  }

  private id(o: object): number {
    let n = this.ids.get(o);
    if (n === undefined) {
      n = this.ids.size;
      this.ids.set(o, n);
    }
    return n;
  }

  verdict(destination: TrafficPeer, port: number, protocol: Protocol = 'TCP'): Verdict {
    const pod = destination.pod;
    const address = destination.ip ?? pod?.ips[0] ?? '';
    const family = address.includes(':') ? 6 : address === '' ? 0 : 4;
    const key = pod
      ? `${pod.namespace}|${this.id(pod.labels)}|${this.id(pod.ports)}|${pod.hostNetwork}|${family}|${this.byAddress ? address : ''}|${port}/${protocol}`
      : `@${address}|${port}/${protocol}`;
    const found = this.cache.get(key);
    if (!found) {
      const v = verdict(this.index, this.source, destination, port, protocol);
      this.cache.set(key, v);
      return v;
    }
    const target = pod && !pod.hostNetwork ? `${pod.namespace}/${pod.name}` : undefined;
    if (found.ingress.pod === target) return found;
    // The same judgement for another pod: only the pod named by the ingress side differs, and the summary names
    // it only when ingress blocks.
    const v = { ...found, ingress: { ...found.ingress, pod: target } };
    return found.ingress.verdict === 'blocked' ? { ...v, summary: summarize(v) } : v;
  }
}

function describeDirection(name: Direction, d: DirectionVerdict): string {
  if (!d.isolated) return `${name} not isolated`;
  if (d.verdict === 'allowed') return `${name} allowed by ${d.allowedBy.join(', ')}`;
  if (d.verdict === 'unknown') return `${name} depends on the pod IP the cluster allocates (${d.undecidedBy.join(', ')})`;
  const near = d.closest ? `; nearest rule ${d.closest.rule} lacks the ${d.closest.missing.join(' and the ')}` : '; no rule admits any traffic';
  return `${name} blocked: ${d.pod} is isolated by ${d.isolatedBy.join(', ')}${near}`;
}

function summarize(v: Omit<Verdict, 'summary'>): string {
  const head = `${v.verdict} (${v.protocol} ${v.port})`;
  const parts = [describeDirection('egress', v.egress), describeDirection('ingress', v.ingress)];
  const tail = v.notEvaluated.length > 0 ? `; not evaluated: ${v.notEvaluated.join(', ')}` : '';
  return `${head}: ${parts.join('; ')}${tail}`;
}
