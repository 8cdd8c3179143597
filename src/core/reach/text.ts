/**
 * Sentences about reach verdicts, written once here so that the hover, the diagnostics and `netlens reach` say
 * the same thing the same way.
 */
import type { Protocol } from '../model';
import type { DirectionVerdict } from '../policy/verdict';
import type { DnsReach, Reach, ReachPath } from './judge';
import type { ReferenceVerdict, TargetSummary } from './reference';

const LIST_MAX = 3;

/** `a, b, c` or `a, b, c and 2 more`. */
export function list(items: readonly string[], max = LIST_MAX): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function portText(port: number | string, protocol: Protocol): string {
  return `${port}/${protocol}`;
}

export function targetText(t: TargetSummary): string {
  if (t.kind === 'Pod') return `pod ${t.namespace}/${t.name}`;
  const endpoint = t.endpoint !== undefined ? `endpoint ${t.endpoint} of ` : '';
  return `${endpoint}Service ${t.namespace}/${t.name}`;
}

/** What the closest rule of a blocked direction lacks: `the peer shop/web`, `port 8080/TCP`, or both. */
export function lacking(d: DirectionVerdict, peer: string, port: number, protocol: Protocol): string {
  const c = d.closest!;
  const parts: string[] = [];
  if (c.missing.includes('peer')) parts.push(`the peer ${peer}`);
  if (c.missing.includes('port')) parts.push(`port ${portText(port, protocol)}`);
  return parts.join(' and ');
}

/**
 * Why one direction of a path is blocked: `ingress of shop/api isolated by shop/deny-all; closest rule
 * shop/api#ingress[0] lacks port 8080/TCP`.
 */
export function blockedDirection(dir: 'egress' | 'ingress', path: ReachPath): string {
  const d = dir === 'egress' ? path.egress : path.ingress;
  const peer = (dir === 'egress' ? path.pod : path.from) ?? path.address ?? 'that address';
  const head = `${dir} of ${d.pod} isolated by ${list(d.isolatedBy)}`;
  if (!d.closest) return `${head}, whose policies admit no ${dir} at all`;
  return `${head}; closest rule ${d.closest.rule} lacks ${lacking(d, peer, path.port, path.protocol)}`;
}

/** Why a path is blocked, egress first. */
export function blockedPath(path: ReachPath): string {
  const parts: string[] = [];
  if (path.egress.verdict === 'blocked') parts.push(blockedDirection('egress', path));
  if (path.ingress.verdict === 'blocked') parts.push(blockedDirection('ingress', path));
  return parts.join('; ');
}

function admitted(name: 'egress' | 'ingress', paths: readonly ReachPath[]): string {
  const ds = paths.map((p) => (name === 'egress' ? p.egress : p.ingress));
  if (ds.every((d) => !d.isolated)) return `${name} not isolated`;
  const rules = [...new Set(ds.flatMap((d) => d.allowedBy))];
  return `${name} by ${list(rules, 2)}`;
}

/** The body of a verdict, after `Policy: <verdict> — `. */
export function reachText(reach: Reach, target?: TargetSummary, model?: string): string {
  const paths = reach.paths;
  switch (reach.verdict) {
    case 'allowed': {
      if (paths.every((p) => !p.egress.isolated && !p.ingress.isolated)) return 'no NetworkPolicy isolates either end';
      return `${admitted('egress', paths)}, ${admitted('ingress', paths)}`;
    }
    case 'blocked':
      return blockedPath(paths.find((p) => p.verdict === 'blocked')!);
    case 'partial': {
      const blocked = paths.filter((p) => p.verdict === 'blocked');
      const endpoint = (p: ReachPath) => p.pod ?? p.address ?? '?';
      const pods = [...new Set(blocked.map(endpoint))];
      const all = new Set(paths.map(endpoint));
      const allowedTo = new Set(paths.filter((p) => p.verdict === 'allowed').map(endpoint));
      if (pods.length === all.size && allowedTo.size > 0) {
        // Every endpoint admits some ports and not others: the ports are what differs.
        const ports = (d: string) => [...new Set(paths.filter((p) => p.verdict === d).map((p) => portText(p.port, p.protocol)))];
        return `blocked on ${list(ports('blocked'), 2)} (${blockedPath(blocked[0]!)}); allowed on ${list(ports('allowed'), 2)}`;
      }
      return `blocked to ${pods.length} of ${all.size} endpoints (${list(pods, 2)}: ${blockedPath(blocked[0]!)}); allowed to the others`;
    }
    case 'unknown':
      return unknownText(reach, target, model);
  }
}

function unknownText(reach: Reach, target: TargetSummary | undefined, model: string | undefined): string {
  const where = model ? ` in ${model}` : '';
  switch (reach.reason) {
    case 'policies-unknown':
      return `${model ?? 'the model'} holds no NetworkPolicies to judge by (they were not read)`;
    case 'not-evaluated': {
      const np =
        reach.networkPolicies === 'allowed'
          ? 'NetworkPolicies allow it'
          : reach.networkPolicies === 'unknown'
            ? 'NetworkPolicies do not decide it'
            : `NetworkPolicies ${reach.networkPolicies === 'blocked' ? 'block' : 'partly block'} it`;
      return `${np}, but ${list(reach.notEvaluated, 2)} may decide too (not evaluated)`;
    }
    case 'no-endpoints':
      return `${target ? targetText(target) : 'the target'} has no endpoints${where} to judge`;
    case 'port-not-exposed':
      return `${target ? targetText(target) : 'the target'} does not expose that port`;
    case 'external-name':
      return `${target ? targetText(target) : 'the target'} is an ExternalName: its traffic goes to the address it names`;
    case 'port-unknown':
      return 'no port is written, and the Service’s ports are judged differently';
    case 'no-source':
      return 'the holder runs no pods in the model';
    default:
      return reach.unsure ?? 'the policies cannot decide it from what the model holds';
  }
}

/** The DNS part of a line, when the pods' egress is isolated and lookups do not simply pass. */
export function dnsText(dns: DnsReach): string | undefined {
  if (!dns.isolated || dns.verdict === 'allowed') return undefined;
  if (dns.verdict === 'blocked') {
    const p = dns.paths.find((x) => x.verdict === 'blocked')!;
    const who =
      p.egress.verdict === 'blocked'
        ? `the egress of ${p.egress.pod} (isolated by ${list(p.egress.isolatedBy, 2)})`
        : `the DNS pods' ingress (isolated by ${list(p.ingress.isolatedBy, 2)})`;
    return `DNS blocked: ${who} admits neither UDP nor TCP ${p.port} to ${dns.standIn ? 'the DNS pods (assumed: kube-system, k8s-app=kube-dns)' : 'the DNS pods'}`;
  }
  if (dns.verdict === 'partial' && dns.udp === 'allowed' && dns.tcp === 'blocked') return 'DNS over UDP only (TCP 53 is blocked: large answers fail)';
  if (dns.verdict === 'partial') return `DNS partial (UDP ${dns.udp}, TCP ${dns.tcp})`;
  return `DNS unknown (${dns.reason === 'not-evaluated' ? `${list(dns.notEvaluated, 2)} not evaluated` : (dns.unsure ?? 'not decidable from the model')})`;
}

export function workloadText(w: { readonly kind: string; readonly namespace: string; readonly name: string }): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

/** The hover's one line for a reference. */
export function verdictLine(v: Omit<ReferenceVerdict, 'line'>): string {
  let body = reachText(v.reach, v.target, v.model);
  const consumers = v.consumers ?? [];
  let readers =
    consumers.length > 0
      ? ` (for the pods that read ${v.holder.kind} ${v.holder.name}: ${list(
          consumers.map((c) => workloadText(c.workload)),
          2,
        )})`
      : '';
  if (v.reach.verdict === 'partial' && new Set(consumers.map((c) => c.reach.verdict)).size > 1) {
    // The workloads reading the ConfigMap differ: say which may connect and which may not, and why not for one.
    const named = (d: string) =>
      list(
        consumers.filter((c) => c.reach.verdict === d).map((c) => workloadText(c.workload)),
        2,
      );
    const blocked = consumers.find((c) => c.reach.verdict !== 'allowed' && c.reach.verdict !== 'unknown');
    body = `allowed from ${named('allowed')}; not from ${list(
      consumers.filter((c) => c.reach.verdict !== 'allowed').map((c) => workloadText(c.workload)),
      2,
    )}${blocked ? ` (${reachText(blocked.reach, v.target, v.model)})` : ''}`;
    readers = ` (the workloads that read ${v.holder.kind} ${v.holder.name})`;
  }
  const dns = v.dns ? dnsText(v.dns) : undefined;
  return `Policy: ${v.reach.verdict} — ${body}${readers}${dns ? `; ${dns}` : ''}`;
}
