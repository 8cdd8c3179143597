/**
 * The checks behind diagnostics and `netlens check`: each reference found in a manifest is resolved as the pod
 * holding it would resolve it, and each declared Service is checked against the pods it selects. A finding has
 * a stable code, a severity, the offsets it covers, a message, and the fixes that repair it.
 */
import { canonicalIP, dashedIP, parseIP } from './ip';
import type { Service } from './model';
import { normalizeName } from './names';
import type { Reference } from './references';
import type { DnsAnswer, Resolver } from './resolver';
import type { ClusterSnapshot } from './snapshot';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface DiagnosticInfo {
  readonly code: string;
  readonly name: string;
  readonly severity: Severity;
  readonly summary: string;
}

/** Every diagnostic NetLens reports, by stable code. The README documents the same table. */
export const DIAGNOSTICS = {
  NL001: { code: 'NL001', name: 'unknown-service', severity: 'error', summary: 'The name reaches no Service: none of that name in the namespace the pod searches.' },
  NL002: { code: 'NL002', name: 'unknown-namespace', severity: 'error', summary: 'The name names a namespace that does not exist.' },
  NL003: { code: 'NL003', name: 'port-not-exposed', severity: 'error', summary: 'The Service does not expose that port (a named port must be one of its port names).' },
  NL004: { code: 'NL004', name: 'no-ready-endpoints', severity: 'warning', summary: 'The Service has no ready endpoints: connections to it fail (live cluster only).' },
  NL005: { code: 'NL005', name: 'selector-matches-nothing', severity: 'warning', summary: "A Service's selector matches no pod of any workload." },
  NL006: { code: 'NL006', name: 'named-target-port-undeclared', severity: 'warning', summary: 'A named targetPort that no selected container declares.' },
  NL007: { code: 'NL007', name: 'hard-coded-pod-ip', severity: 'warning', summary: "A pod's IP written into a manifest: pods get new IPs when they restart; use the Service that selects it." },
  NL008: { code: 'NL008', name: 'malformed-cluster-name', severity: 'error', summary: 'A cluster name in a form no cluster DNS answers (such as `.pods.` or `.services.`), with the correct form.' },
  NL009: { code: 'NL009', name: 'unknown-endpoint-name', severity: 'error', summary: 'An endpoint (pod) name under a Service that has no endpoint with that hostname, or whose pods do not set it as subdomain.' },
  NL010: { code: 'NL010', name: 'other-cluster-domain', severity: 'warning', summary: 'A name under another cluster domain than the configured one.' },
  NL011: { code: 'NL011', name: 'external-name-is-ip', severity: 'warning', summary: 'An ExternalName Service whose externalName is an IP address: the cluster DNS answers NXDOMAIN for it.' },
} as const satisfies Record<string, DiagnosticInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTICS;

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface Finding {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly fixes: readonly Fix[];
}

/** A model to check against, named in messages: the live cluster, or the workspace manifests. */
export interface CheckSource {
  readonly name: string;
  readonly resolver: Resolver;
  /** Whether endpoint readiness is real (a live cluster) rather than derived from manifests. */
  readonly live: boolean;
}

export interface CheckOptions {
  /** Overrides of the default severities, by code; `off` drops the finding. */
  readonly severities?: Partial<Record<DiagnosticCode, Severity | 'off'>>;
}

/** Checks references against the sources in order: a reference found in any of them is fine. */
export function checkReferences(refs: readonly Reference[], sources: readonly CheckSource[], options: CheckOptions = {}): Finding[] {
  const findings: Finding[] = [];
  if (sources.length === 0) return findings;
  for (const ref of refs) {
    const found = checkOne(ref, sources);
    if (found) findings.push(...found);
  }
  return applySeverities(findings, options);
}

function applySeverities(findings: Finding[], options: CheckOptions): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const s = options.severities?.[f.code] ?? f.severity;
    if (s !== 'off') out.push(s === f.severity ? f : { ...f, severity: s });
  }
  return out;
}

function finding(code: DiagnosticCode, start: number, end: number, message: string, fixes: Fix[] = []): Finding {
  return { code, severity: DIAGNOSTICS[code].severity, start, end, message, fixes };
}

function replace(ref: Reference, newHost: string, title?: string): Fix {
  return { title: title ?? `Change to ${newHost}`, edits: [{ start: ref.hostStart, end: ref.hostEnd, newText: newHost }] };
}

function checkOne(ref: Reference, sources: readonly CheckSource[]): Finding[] | undefined {
  const primary = sources[0]!;
  if (ref.kind === 'service') return checkServiceRef(ref, sources);
  const ip = parseIP(ref.host);
  if (ip) return checkIP(ref, ip.text, primary.resolver.snapshot);
  const norm = normalizeName(ref.host);
  if (!norm.ok) return undefined;
  const zone = primary.resolver.zone;
  const malformed = malformedName(ref, norm.name.fqdn, zone, primary.resolver.snapshot);
  if (malformed) return [malformed];

  // Resolve from each source; the first that answers decides.
  let first: DnsAnswer | undefined;
  for (const source of sources) {
    const r = source.resolver.resolve(ref.host, { namespace: ref.namespace, qtype: 'A' });
    if (!r.ok) return undefined;
    if (!first) first = r.answer;
    const found = r.answer.explanation.matchedStep !== undefined || (r.answer.explanation.search === undefined && r.answer.rcode === 'NOERROR');
    if (found && r.answer.rcode === 'NOERROR') return checkPort(ref, r.answer, source);
  }
  return notFound(ref, norm.name.fqdn, first!, primary);
}

/** A name that was not found: say what is missing, if the name is meant for the cluster. */
function notFound(ref: Reference, fqdn: string, answer: DnsAnswer, source: CheckSource): Finding[] | undefined {
  const snapshot = source.resolver.snapshot;
  const zone = source.resolver.zone;
  const labels = fqdn.slice(0, -1).split('.');
  const absolute = fqdn.endsWith(`.svc.${zone}.`) || fqdn.endsWith(`.pod.${zone}.`);
  // Relative names: what a person most likely meant, by the number of labels.
  let service: string | undefined;
  let namespace: string | undefined;
  let endpoint: string | undefined;
  if (absolute) {
    const under = labels.slice(0, labels.length - zone.split('.').length);
    if (under[under.length - 1] === 'pod') {
      return [finding('NL001', ref.hostStart, ref.hostEnd, `${ref.host} does not resolve: ${answer.explanation.summary}`)];
    }
    const rest = under.slice(0, -1);
    namespace = rest[rest.length - 1];
    service = rest[rest.length - 2];
    if (rest.length === 3) endpoint = rest[0];
    if (rest.length > 3) return [finding('NL008', ref.hostStart, ref.hostEnd, `${ref.host} has too many labels for a cluster name: ${answer.explanation.summary}`)];
  } else if (labels.length === 1) {
    service = labels[0];
    namespace = ref.namespace;
  } else if (labels.length === 2 && !snapshot.hasNamespace(labels[1]!) && snapshot.service(ref.namespace, labels[1]!)) {
    // `redis-5.redis`: a pod's name under a Service of the asking pod's namespace, as the search path completes it
    // (`redis-5.redis.<namespace>.svc.<zone>`). Read as <service>.<namespace>, it was never reported at all.
    [endpoint, service] = labels;
    namespace = ref.namespace;
  } else if (labels.length === 2) {
    [service, namespace] = labels;
    if (!snapshot.hasNamespace(namespace!) && !closeNamespace(snapshot, namespace!) && !serviceNamedAnywhere(snapshot, service!)) {
      return undefined; // a name outside the cluster (`example.com`): the cluster DNS forwards it
    }
  } else if (labels.length === 3 && labels[2] === 'svc') {
    [service, namespace] = labels;
  } else if (labels.length === 3 && snapshot.hasNamespace(labels[2]!)) {
    [endpoint, service, namespace] = labels;
  } else if (labels.length === 4 && labels[3] === 'svc') {
    // `redis-5.redis.shop.svc`: the same pod name, qualified up to the zone.
    [endpoint, service, namespace] = labels;
  } else {
    return undefined;
  }
  if (!namespace || !service) return undefined;
  if (!snapshot.hasNamespace(namespace)) {
    const near = closest(namespace, snapshot.namespaceNames());
    const fixes = near.map((ns) => replace(ref, ref.host.replace(new RegExp(`(^|\\.)${escape(namespace!)}(\\.|$)`, 'i'), `$1${ns}$2`), `Change the namespace to ${ns}`));
    return [finding('NL002', ref.hostStart, ref.hostEnd, `There is no namespace "${namespace}" in ${source.name}${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : '.'}`, fixes)];
  }
  const svc = snapshot.service(namespace, service);
  if (!svc) {
    const near = closest(service, [...snapshot.servicesIn(namespace)].map((s) => s.name));
    const fixes: Fix[] = near.map((n) => replace(ref, ref.host.replace(new RegExp(`^(${endpoint ? `${escape(endpoint)}\\.` : ''})${escape(service!)}`, 'i'), `$1${n}`)));
    // The same name in another namespace: qualify it, as a pod elsewhere must.
    const elsewhere = [...snapshot.services()].filter((s) => s.name === service && s.namespace !== namespace).slice(0, 3);
    if (labels.length === 1) for (const s of elsewhere) fixes.push(replace(ref, `${s.name}.${s.namespace}`, `Qualify as ${s.name}.${s.namespace} (Service ${s.namespace}/${s.name})`));
    const hints = [
      near.length > 0 ? `did you mean ${near.join(' or ')}?` : undefined,
      elsewhere.length > 0 ? `a Service of that name is in namespace ${elsewhere.map((s) => s.namespace).join(', ')}` : undefined,
    ].filter(Boolean);
    const where = labels.length === 1 ? `namespace ${namespace} (where this pod looks up short names)` : `namespace ${namespace}`;
    return [finding('NL001', ref.hostStart, ref.hostEnd, `No Service "${service}" in ${where} in ${source.name}${hints.length > 0 ? `; ${hints.join('; ')}` : '.'}`, fixes)];
  }
  if (endpoint !== undefined) {
    const names = endpointNames(snapshot, svc);
    const near = closest(endpoint, names);
    const subdomainHint = svc.headless ? '' : ' (only pods whose subdomain is this Service get such names)';
    return [
      finding(
        'NL009',
        ref.hostStart,
        ref.hostEnd,
        `Service ${svc.namespace}/${svc.name} has no endpoint named "${endpoint}"${subdomainHint}${names.length > 0 ? `; its endpoints are ${names.slice(0, 8).join(', ')}` : '; it has no ready endpoints'}.`,
        near.map((n) => replace(ref, ref.host.replace(new RegExp(`^${escape(endpoint!)}`, 'i'), n))),
      ),
    ];
  }
  return [finding('NL001', ref.hostStart, ref.hostEnd, `${ref.host} does not resolve: ${answer.explanation.summary}`)];
}

/** The port written beside a name must be one the Service exposes. */
function checkPort(ref: Reference, answer: DnsAnswer, source: CheckSource): Finding[] | undefined {
  const info = answer.explanation.service;
  if (!info) return undefined;
  const svc = source.resolver.snapshot.service(info.namespace, info.name);
  if (!svc || svc.type === 'ExternalName') return undefined;
  const out: Finding[] = [];
  if (ref.port !== undefined && ref.portStart !== undefined) {
    const bad = portProblem(ref, svc, source.resolver.snapshot);
    if (bad) out.push(bad);
  }
  if (source.live && !svc.headless) {
    const ready = source.resolver.snapshot.slicesOf(svc.namespace, svc.name).reduce((n, s) => n + s.endpoints.filter((e) => e.ready).length, 0);
    if (ready === 0) out.push(finding('NL004', ref.hostStart, ref.hostEnd, `Service ${svc.namespace}/${svc.name} has no ready endpoints in ${source.name}: connections to it fail.`));
  }
  return out;
}

function portProblem(ref: Reference, svc: Service, snapshot: ClusterSnapshot): Finding | undefined {
  const port = ref.port!;
  const start = ref.portStart ?? ref.hostStart;
  const end = ref.portEnd ?? ref.hostEnd;
  const exposed = svc.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`).join(', ') || 'no ports';
  if (typeof port === 'string') {
    if (svc.ports.some((p) => p.name === port)) return undefined;
    return finding('NL003', start, end, `Service ${svc.namespace}/${svc.name} has no port named "${port}"; it exposes ${exposed}.`, portFixes(svc, start, end, true));
  }
  if (svc.ports.some((p) => p.port === port)) return undefined;
  if (svc.headless) {
    // Clients of a headless Service connect to the pods themselves: their ports count.
    const podPorts = snapshot.slicesOf(svc.namespace, svc.name).flatMap((s) => s.ports.map((p) => p.port));
    if (podPorts.includes(port) || svc.ports.some((p) => p.targetPort === port)) return undefined;
  }
  const target = svc.ports.find((p) => p.targetPort === port);
  const why = target ? ` ${port} is the target port of its port ${target.name || target.port}: clients connect to ${target.port}.` : '';
  return finding('NL003', start, end, `Service ${svc.namespace}/${svc.name} does not expose port ${port}; it exposes ${exposed}.${why}`, portFixes(svc, start, end, false, target?.port));
}

function portFixes(svc: Service, start: number, end: number, named: boolean, preferred?: number): Fix[] {
  const options = preferred !== undefined ? [preferred] : svc.ports.map((p) => (named && p.name ? p.name : p.port));
  return options.slice(0, 4).map((p) => ({ title: `Change the port to ${p}`, edits: [{ start, end, newText: String(p) }] }));
}

function checkServiceRef(ref: Reference, sources: readonly CheckSource[]): Finding[] | undefined {
  const ns = ref.serviceNamespace ?? ref.namespace;
  for (const source of sources) {
    const svc = source.resolver.snapshot.service(ns, ref.host);
    if (svc) {
      if (ref.port === undefined || ref.portStart === undefined) return undefined;
      const bad = portProblem(ref, svc, source.resolver.snapshot);
      return bad ? [bad] : undefined;
    }
  }
  if (ref.optional) return undefined;
  const snapshot = sources[0]!.resolver.snapshot;
  if (!snapshot.hasNamespace(ns)) {
    return [finding('NL002', ref.hostStart, ref.hostEnd, `${ref.context} names a Service in namespace "${ns}", which does not exist in ${sources[0]!.name}.`)];
  }
  const near = closest(ref.host, [...snapshot.servicesIn(ns)].map((s) => s.name));
  return [
    finding(
      'NL001',
      ref.hostStart,
      ref.hostEnd,
      `${ref.context} names Service "${ref.host}", which namespace ${ns} does not have in ${sources[0]!.name}${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : '.'}`,
      near.map((n) => replace(ref, n)),
    ),
  ];
}

function checkIP(ref: Reference, ip: string, snapshot: ClusterSnapshot): Finding[] | undefined {
  const owners = snapshot.ownersOf(ip);
  const pod = owners.find((o) => o.kind === 'Pod');
  if (!pod || pod.kind !== 'Pod' || pod.pod.hostNetwork || owners.some((o) => o.kind === 'ClusterIP')) return undefined;
  const services = new Map<string, Service>();
  for (const hit of snapshot.endpointsWithIP(ip)) if (hit.service) services.set(`${hit.service.namespace}/${hit.service.name}`, hit.service);
  const fixes = [...services.values()].slice(0, 3).map((s) => replace(ref, s.namespace === ref.namespace ? s.name : `${s.name}.${s.namespace}`, `Use Service ${s.namespace}/${s.name} instead`));
  const use = services.size > 0 ? ` Use the Service that selects it: ${[...services.values()].map((s) => `${s.namespace}/${s.name}`).join(', ')}.` : ' No Service selects it.';
  return [finding('NL007', ref.hostStart, ref.hostEnd, `${ip} is the IP of pod ${pod.pod.namespace}/${pod.pod.name}; a pod gets a new IP when it restarts.${use}`, fixes)];
}

/** Forms that circulate but that no cluster answers, and names under another cluster domain. */
function malformedName(ref: Reference, fqdn: string, zone: string, snapshot: ClusterSnapshot): Finding | undefined {
  const labels = fqdn.slice(0, -1).split('.');
  const zoneLabels = zone.split('.');
  const n = labels.length;
  const underZone = n > zoneLabels.length && labels.slice(n - zoneLabels.length).join('.') === zone;
  const trailingDot = ref.host.endsWith('.') ? '.' : '';
  if (underZone) {
    const before = labels.slice(0, n - zoneLabels.length);
    const kind = before[before.length - 1]!;
    if (kind === 'services' || kind === 'service') {
      const fixed = [...before.slice(0, -1), 'svc', zone].join('.') + trailingDot;
      return finding('NL008', ref.hostStart, ref.hostEnd, `Service names end in ".svc.${zone}", not ".${kind}.${zone}": no cluster answers ${ref.host}. The correct form is ${fixed}.`, [replace(ref, fixed)]);
    }
    if (kind === 'pods' || (kind === 'pod' && before.length === 2)) {
      // `1-10-0-0-1.pods.cluster.local`, `10-0-0-1.pod.cluster.local`: the namespace is missing.
      const podLabel = before[0]!;
      const ip = canonicalIP(podLabel.replace(/-/g, '.')) ?? podLabel;
      const pod = snapshot.podsWithIP(ip)[0];
      const ns = before.length === 3 ? before[1]! : (pod?.namespace ?? ref.namespace);
      const fixed = `${dashedIP(ip)}.${ns}.pod.${zone}${trailingDot}`;
      return finding('NL008', ref.hostStart, ref.hostEnd, `Pod names have the form <a-b-c-d>.<namespace>.pod.${zone}; ${ref.host} is not one. The correct form is ${fixed}.`, [replace(ref, fixed)]);
    }
    if (before.length === 2 && kind !== 'svc' && kind !== 'pod' && snapshot.hasNamespace(kind)) {
      const fixed = `${before[0]}.${kind}.svc.${zone}${trailingDot}`;
      return finding('NL008', ref.hostStart, ref.hostEnd, `${ref.host} lacks ".svc": Service names are <service>.<namespace>.svc.${zone}. The correct form is ${fixed}.`, [replace(ref, fixed)]);
    }
    return undefined;
  }
  // `web.shop.svc.<another domain>`: written for a cluster with another domain.
  const svcAt = labels.lastIndexOf('svc');
  if (svcAt >= 2 && svcAt < n - 1) {
    const other = labels.slice(svcAt + 1).join('.');
    if (other !== zone && /^[a-z0-9-]+\.(local|internal|cluster)$|^cluster\.|cluster/.test(other)) {
      const fixed = `${labels.slice(0, svcAt + 1).join('.')}.${zone}${trailingDot}`;
      return finding('NL010', ref.hostStart, ref.hostEnd, `${ref.host} is under the cluster domain "${other}", but this cluster's is "${zone}".`, [replace(ref, fixed, `Change the domain to ${zone}`)]);
    }
  }
  return undefined;
}

/** Checks of the Services declared in a file against the workspace: selectors, named target ports, ExternalNames. */
export function checkServices(services: readonly Service[], snapshot: ClusterSnapshot, options: CheckOptions = {}): Finding[] {
  const findings: Finding[] = [];
  for (const svc of services) {
    if (!svc.source) continue;
    const at = [svc.source.nameStart, svc.source.nameEnd] as const;
    if (svc.type === 'ExternalName' && svc.externalName && parseIP(svc.externalName)) {
      findings.push(
        finding('NL011', at[0], at[1], `Service ${svc.namespace}/${svc.name} is an ExternalName for the IP ${svc.externalName}; the cluster DNS answers NXDOMAIN for it. Use a Service without selector and an EndpointSlice holding the IP.`),
      );
      continue;
    }
    if (!svc.selector) continue;
    const selector = Object.entries(svc.selector);
    const pods = snapshot.podsSelectedBy(svc.namespace, svc.selector);
    if (pods.length === 0) {
      findings.push(
        finding('NL005', at[0], at[1], `The selector of Service ${svc.namespace}/${svc.name} (${selector.map(([k, v]) => `${k}=${v}`).join(', ')}) matches no pod or workload template in namespace ${svc.namespace}.`),
      );
      continue;
    }
    for (const p of svc.ports) {
      if (typeof p.targetPort !== 'string') continue;
      const declares = pods.filter((pod) => pod.ports.some((cp) => cp.name === p.targetPort && cp.protocol === p.protocol));
      if (declares.length === 0) {
        findings.push(
          finding('NL006', at[0], at[1], `Port ${p.name || p.port} of Service ${svc.namespace}/${svc.name} targets the port named "${p.targetPort}", which no selected container declares (${pods.length} pod${pods.length === 1 ? '' : 's'} selected).`),
        );
      }
    }
  }
  return applySeverities(findings, options);
}

// ---- helpers ----

function endpointNames(snapshot: ClusterSnapshot, svc: Service): string[] {
  const names = new Set<string>();
  for (const s of snapshot.slicesOf(svc.namespace, svc.name)) {
    for (const e of s.endpoints) {
      if (!e.ready) continue;
      if (e.hostname) names.add(e.hostname);
      else for (const a of e.addresses) names.add(dashedIP(a));
    }
  }
  return [...names].sort();
}

function serviceNamedAnywhere(snapshot: ClusterSnapshot, name: string): boolean {
  for (const s of snapshot.services()) if (s.name === name) return true;
  return false;
}

function closeNamespace(snapshot: ClusterSnapshot, ns: string): boolean {
  return closest(ns, snapshot.namespaceNames()).length > 0;
}

/** Names within a small edit distance (or sharing a long prefix), nearest first. */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  const scored: [string, number][] = [];
  for (const c of candidates) {
    if (c === w) continue;
    const d = distance(w, c.toLowerCase(), limit);
    if (d <= limit || (w.length >= 5 && (c.startsWith(w) || w.startsWith(c)))) scored.push([c, d]);
  }
  return scored
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([c]) => c);
}

/**
 * Edit distance with swapped neighbours as one edit (optimal string alignment: `wbe` is one edit from `web`),
 * giving up early past `limit`.
 */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let prevBest = 0;
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      cur[j] = d;
      best = Math.min(best, d);
    }
    // A row can fall below the one before it only through a swap, which reaches back two rows.
    if (best > limit && prevBest >= limit) return limit + 1;
    before = prev;
    prev = cur;
    prevBest = best;
  }
  return prev[b.length]!;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
