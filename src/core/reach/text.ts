/**
 * Sentences about reach verdicts, written once here so that the hover, the diagnostics and `netlens reach` say
 * the same thing the same way.
 */
import { t } from '../l10n';
import type { Protocol } from '../model';
import type { DirectionVerdict } from '../policy/verdict';
import type { DnsReach, Reach, ReachPath } from './judge';
import type { ReferenceVerdict, TargetSummary } from './reference';

const LIST_MAX = 3;

/** `a, b, c` or `a, b, c and 2 more`. */
export function list(items: readonly string[], max = LIST_MAX): string {
  if (items.length <= max) return items.join(', ');
  return t('{0} and {1} more', items.slice(0, max).join(', '), items.length - max);
}

export function portText(port: number | string, protocol: Protocol): string {
  return `${port}/${protocol}`;
}

export function targetText(target: TargetSummary): string {
  if (target.kind === 'Pod') return t('pod {0}', `${target.namespace}/${target.name}`);
  if (target.endpoint !== undefined) return t('endpoint {0} of Service {1}', target.endpoint, `${target.namespace}/${target.name}`);
  return `Service ${target.namespace}/${target.name}`;
}

/** A verdict's word (`allowed`, `blocked`, `partial`, `unknown`) in the current language. */
export function verdictWord(verdict: string): string {
  switch (verdict) {
    case 'allowed':
      return t('allowed');
    case 'blocked':
      return t('blocked');
    case 'partial':
      return t('partial');
    case 'unknown':
      return t('unknown');
    default:
      return verdict;
  }
}

/** What the closest rule of a blocked direction lacks: `the peer shop/web`, `port 8080/TCP`, or both. */
export function lacking(d: DirectionVerdict, peer: string, port: number, protocol: Protocol): string {
  const c = d.closest!;
  const lacksPeer = c.missing.includes('peer');
  const lacksPort = c.missing.includes('port');
  if (lacksPeer && lacksPort) return t('the peer {0} and port {1}', peer, portText(port, protocol));
  if (lacksPeer) return t('the peer {0}', peer);
  return lacksPort ? t('port {0}', portText(port, protocol)) : '';
}

/**
 * Why one direction of a path is blocked: `ingress of shop/api isolated by shop/deny-all; closest rule
 * shop/api#ingress[0] lacks port 8080/TCP`.
 */
export function blockedDirection(dir: 'egress' | 'ingress', path: ReachPath): string {
  const d = dir === 'egress' ? path.egress : path.ingress;
  const peer = (dir === 'egress' ? path.pod : path.from) ?? path.address ?? t('that address');
  if (!d.closest) return t('{0} of {1} isolated by {2}, whose policies admit no {0} at all', dir, String(d.pod), list(d.isolatedBy));
  return t(
    '{0} of {1} isolated by {2}; closest rule {3} lacks {4}',
    dir,
    String(d.pod),
    list(d.isolatedBy),
    d.closest.rule,
    lacking(d, peer, path.port, path.protocol),
  );
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
  if (ds.every((d) => !d.isolated)) return t('{0} not isolated', name);
  const rules = [...new Set(ds.flatMap((d) => d.allowedBy))];
  return t('{0} by {1}', name, list(rules, 2));
}

/** The body of a verdict, after `Policy: <verdict> — `. */
export function reachText(reach: Reach, target?: TargetSummary, model?: string): string {
  const paths = reach.paths;
  switch (reach.verdict) {
    case 'allowed': {
      if (paths.every((p) => !p.egress.isolated && !p.ingress.isolated)) return t('no NetworkPolicy isolates either end');
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
        return t('blocked on {0} ({1}); allowed on {2}', list(ports('blocked'), 2), blockedPath(blocked[0]!), list(ports('allowed'), 2));
      }
      return t('blocked to {0} of {1} endpoints ({2}: {3}); allowed to the others', pods.length, all.size, list(pods, 2), blockedPath(blocked[0]!));
    }
    case 'unknown':
      return unknownText(reach, target, model);
  }
}

function unknownText(reach: Reach, target: TargetSummary | undefined, model: string | undefined): string {
  const what = () => (target ? targetText(target) : t('the target'));
  switch (reach.reason) {
    case 'policies-unknown':
      return t('{0} holds no NetworkPolicies to judge by (they were not read)', model ?? t('the model'));
    case 'not-evaluated': {
      const np =
        reach.networkPolicies === 'allowed'
          ? t('NetworkPolicies allow it')
          : reach.networkPolicies === 'unknown'
            ? t('NetworkPolicies do not decide it')
            : reach.networkPolicies === 'blocked'
              ? t('NetworkPolicies block it')
              : t('NetworkPolicies partly block it');
      return t('{0}, but {1} may decide too (not evaluated)', np, list(reach.notEvaluated, 2));
    }
    case 'no-endpoints':
      return model ? t('{0} has no endpoints in {1} to judge', what(), model) : t('{0} has no endpoints to judge', what());
    case 'port-not-exposed':
      return t('{0} does not expose that port', what());
    case 'external-name':
      return t('{0} is an ExternalName: its traffic goes to the address it names', what());
    case 'port-unknown':
      return t('no port is written, and the Service’s ports are judged differently');
    case 'no-source':
      return t('the holder runs no pods in the model');
    default:
      return reach.unsure ?? t('the policies cannot decide it from what the model holds');
  }
}

/** The DNS part of a line, when the pods' egress is isolated and lookups do not simply pass. */
export function dnsText(dns: DnsReach): string | undefined {
  if (!dns.isolated || dns.verdict === 'allowed') return undefined;
  if (dns.verdict === 'blocked') return t('DNS blocked: {0}', dnsBlocked(dns));
  if (dns.verdict === 'partial' && dns.udp === 'allowed' && dns.tcp === 'blocked') return t('DNS over UDP only (TCP 53 is blocked: large answers fail)');
  if (dns.verdict === 'partial') return t('DNS partial (UDP {0}, TCP {1})', verdictWord(dns.udp), verdictWord(dns.tcp));
  return t(
    'DNS unknown ({0})',
    dns.reason === 'not-evaluated' ? t('{0} not evaluated', list(dns.notEvaluated, 2)) : (dns.unsure ?? t('not decidable from the model')),
  );
}

/** Why the lookups of a blocked DNS verdict fail: `the egress of shop/web (isolated by …) admits neither UDP nor TCP 53 to the DNS pods`. */
export function dnsBlocked(dns: DnsReach): string {
  const p = dns.paths.find((x) => x.verdict === 'blocked')!;
  const who =
    p.egress.verdict === 'blocked'
      ? t('the egress of {0} (isolated by {1})', String(p.egress.pod), list(p.egress.isolatedBy, 2))
      : t("the DNS pods' ingress (isolated by {0})", list(p.ingress.isolatedBy, 2));
  const to = dns.standIn ? t('the DNS pods (assumed: kube-system, k8s-app=kube-dns)') : t('the DNS pods');
  return t('{0} admits neither UDP nor TCP {1} to {2}', who, p.port, to);
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
      ? t(
          ' (for the pods that read {0}: {1})',
          `${v.holder.kind} ${v.holder.name}`,
          list(
            consumers.map((c) => workloadText(c.workload)),
            2,
          ),
        )
      : '';
  if (v.reach.verdict === 'partial' && new Set(consumers.map((c) => c.reach.verdict)).size > 1) {
    // The workloads reading the ConfigMap differ: say which may connect and which may not, and why not for one.
    const named = (d: string) =>
      list(
        consumers.filter((c) => c.reach.verdict === d).map((c) => workloadText(c.workload)),
        2,
      );
    const blocked = consumers.find((c) => c.reach.verdict !== 'allowed' && c.reach.verdict !== 'unknown');
    const notFrom = list(
      consumers.filter((c) => c.reach.verdict !== 'allowed').map((c) => workloadText(c.workload)),
      2,
    );
    body = t('allowed from {0}; not from {1}', named('allowed'), notFrom) + (blocked ? ` (${reachText(blocked.reach, v.target, v.model)})` : '');
    readers = t(' (the workloads that read {0})', `${v.holder.kind} ${v.holder.name}`);
  }
  const dns = v.dns ? dnsText(v.dns) : undefined;
  return policyLine(v.reach.verdict, body) + readers + (dns ? `; ${dns}` : '');
}

/** `Policy: allowed — egress not isolated, …`: a verdict and its body, as the hover and `netlens reach` say it. */
export function policyLine(verdict: string, body: string): string {
  return t('Policy: {0} — {1}', verdictWord(verdict), body);
}
