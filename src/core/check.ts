/**
 * The checks behind diagnostics and `netlens check`: each reference found in a manifest is resolved as the pod
 * holding it would resolve it, and each declared Service is checked against the pods it selects. A finding has
 * a stable code, a severity, the offsets it covers, a message, and the fixes that repair it.
 */

import type { CustomResource, WorkspaceFacts } from './facts';
import { canonicalIP, dashedIP, parseIP } from './ip';
import { t } from './l10n';
import type { Protocol, Service } from './model';
import { normalizeName, podFqdn, serviceFqdn } from './names';
import { KINDS, type Reference } from './references';
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
  NL001: {
    code: 'NL001',
    name: 'unknown-service',
    severity: 'error',
    summary: 'The name reaches no Service: none of that name in the namespace the pod searches.',
  },
  NL002: { code: 'NL002', name: 'unknown-namespace', severity: 'error', summary: 'The name names a namespace that does not exist.' },
  NL003: {
    code: 'NL003',
    name: 'port-not-exposed',
    severity: 'error',
    summary: 'The Service does not expose that port (a named port must be one of its port names).',
  },
  NL004: {
    code: 'NL004',
    name: 'no-ready-endpoints',
    severity: 'warning',
    summary: 'The Service has no ready endpoints: connections to it fail (live cluster only).',
  },
  NL005: { code: 'NL005', name: 'selector-matches-nothing', severity: 'warning', summary: "A Service's selector matches no pod of any workload." },
  NL006: { code: 'NL006', name: 'named-target-port-undeclared', severity: 'warning', summary: 'A named targetPort that no selected container declares.' },
  NL007: {
    code: 'NL007',
    name: 'hard-coded-pod-ip',
    severity: 'warning',
    summary: "A pod's IP written into a manifest: pods get new IPs when they restart; use the Service that selects it.",
  },
  NL008: {
    code: 'NL008',
    name: 'malformed-cluster-name',
    severity: 'error',
    summary: 'A cluster name in a form no cluster DNS answers (such as `.pods.` or `.services.`), with the correct form.',
  },
  NL009: {
    code: 'NL009',
    name: 'unknown-endpoint-name',
    severity: 'error',
    summary: 'An endpoint (pod) name under a Service that has no endpoint with that hostname, or whose pods do not set it as subdomain.',
  },
  NL010: { code: 'NL010', name: 'other-cluster-domain', severity: 'warning', summary: 'A name under another cluster domain than the configured one.' },
  NL011: {
    code: 'NL011',
    name: 'external-name-is-ip',
    severity: 'warning',
    summary: 'An ExternalName Service whose externalName is an IP address: the cluster DNS answers NXDOMAIN for it.',
  },
  NL012: {
    code: 'NL012',
    name: 'statefulset-service-missing',
    severity: 'warning',
    summary: "A StatefulSet's serviceName names no Service: its pods get no DNS names.",
  },
  NL013: {
    code: 'NL013',
    name: 'subset-matches-nothing',
    severity: 'warning',
    summary: "An Istio route to a DestinationRule subset that is not defined, or whose labels select none of the Service's pods.",
  },
  NL014: {
    code: 'NL014',
    name: 'backend-not-granted',
    severity: 'warning',
    summary: 'A Gateway API backendRef to a Service of another namespace that no ReferenceGrant there allows.',
  },
  NL015: {
    code: 'NL015',
    name: 'duplicate-key',
    severity: 'warning',
    summary: 'A key written twice in one mapping: kubectl keeps the later value and drops the earlier one.',
  },
  NL016: {
    code: 'NL016',
    name: 'monitor-selects-nothing',
    severity: 'warning',
    summary: 'A ServiceMonitor or PodMonitor whose selector matches no Service or pod of the namespaces it watches.',
  },
  NL017: {
    code: 'NL017',
    name: 'egress-blocked',
    severity: 'warning',
    summary: 'The NetworkPolicies that isolate the pods holding the reference for egress admit no connection to where it goes.',
  },
  NL018: {
    code: 'NL018',
    name: 'ingress-blocked',
    severity: 'warning',
    summary: "The NetworkPolicies that isolate the destination's pods for ingress do not admit the pods holding the reference (or only some endpoints do).",
  },
  NL019: {
    code: 'NL019',
    name: 'dns-blocked',
    severity: 'warning',
    summary: 'A name looked up by pods whose egress policies admit no DNS traffic (UDP or TCP 53) to the cluster DNS pods.',
  },
  NL020: {
    code: 'NL020',
    name: 'policy-selects-nothing',
    severity: 'warning',
    summary: 'A NetworkPolicy whose podSelector selects no pod of its namespace: it isolates nothing and admits nothing.',
  },
  NL021: {
    code: 'NL021',
    name: 'peer-matches-nothing',
    severity: 'warning',
    summary: 'A peer of a NetworkPolicy rule whose selector matches no pod: the rule admits nothing through it.',
  },
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
  /** What the manifests say beyond Services and pods: custom resources, ReferenceGrants, mesh hosts. */
  readonly facts?: WorkspaceFacts;
  /**
   * Services whose namespace is only assumed, by name, with the build that holds them: a chart rendered into the
   * namespace NetLens chose (its name). Installed into another namespace, such a Service answers names there, so a
   * name it would answer is not called missing.
   */
  readonly movable?: ReadonlyMap<string, string>;
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

/** The findings with the severities the options set, those set `off` left out. */
export function applySeverities(findings: readonly Finding[], options: CheckOptions): Finding[] {
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
  return { title: title ?? t('Change to {0}', newHost), edits: [{ start: ref.hostStart, end: ref.hostEnd, newText: newHost }] };
}

/** `a or b or c`, in the current language. */
export function orList(items: readonly string[]): string {
  return items.join(t(' or '));
}

/** The end of a sentence that may suggest near names: `; did you mean a or b?`, else its full stop. */
function ending(near: readonly string[]): string {
  return near.length > 0 ? t('; did you mean {0}?', orList(near)) : t('.');
}

function checkOne(ref: Reference, sources: readonly CheckSource[]): Finding[] | undefined {
  // Names the pod answers itself, and text another program fills in first, are never findings (hover explains).
  if (ref.local || ref.template) return undefined;
  const found = checkTarget(ref, sources);
  if (!found || found.length === 0) return found;
  // A weak reference (a bare word where a host only sometimes goes) is reported only when a near name, which a
  // fix offers, makes a misspelling likely.
  let kept = ref.strength === 'weak' ? found.filter((f) => f.fixes.length > 0 || f.code === 'NL003') : found;
  // A fix cannot edit a name inside base64 data (the reference's range is the whole value there).
  if (ref.secret && ref.hostEnd - ref.hostStart !== ref.host.length) kept = kept.map((f) => ({ ...f, fixes: [] }));
  return kept.length > 0 ? kept : undefined;
}

function checkTarget(ref: Reference, sources: readonly CheckSource[]): Finding[] | undefined {
  const primary = sources[0]!;
  if (ref.kind === 'service') return checkServiceRef(ref, sources);
  const ip = parseIP(ref.host);
  if (ip) return checkIP(ref, ip.text, primary.resolver.snapshot);
  const srv = /^_([A-Za-z0-9-]+)\._(tcp|udp|sctp)\.(.+)$/i.exec(ref.host);
  if (srv) return checkSrv(ref, srv[1]!, srv[2]!.toUpperCase() as Protocol, srv[3]!, sources);
  const norm = normalizeName(ref.host);
  if (!norm.ok) return undefined;
  const zone = primary.resolver.zone;
  if (ref.role === 'istio-host') {
    // Istio completes a short host with the rule's namespace and takes a dotted one as written: `reviews.prod` is
    // no Service's name to Istio, but may be a ServiceEntry's host, so only short names and FQDNs are checked.
    const fqdn = norm.name.fqdn;
    if (ref.host.includes('*') || (ref.host.includes('.') && !fqdn.endsWith(`.svc.${zone}.`))) return undefined;
  }
  const malformed = malformedName(ref, norm.name.fqdn, zone, primary.resolver.snapshot);
  if (malformed) return [malformed];

  // Resolve from each source; the first that answers decides.
  let first: DnsAnswer | undefined;
  for (const source of sources) {
    const r = source.resolver.resolve(ref.host, { namespace: ref.namespace, qtype: 'A' });
    if (!r.ok) return undefined;
    if (!first) first = r.answer;
    const found = r.answer.explanation.matchedStep !== undefined || (r.answer.explanation.search === undefined && r.answer.rcode === 'NOERROR');
    if (found && r.answer.rcode === 'NOERROR')
      return [...(checkPort(ref, r.answer, source) ?? []), ...checkSubsets(ref, r.answer, source), ...checkDefinedSubsets(ref, r.answer, source)];
  }
  if (meshHost(ref, sources) || operatorMade(ref, sources) || movedBuild(ref, sources)) return undefined;
  return notFound(ref, norm.name.fqdn, first!, primary);
}

/** Why a name the pod answers itself reaches no Service, in a sentence. */
function localText(host: string, local: NonNullable<Reference['local']>): string {
  switch (local) {
    case 'localhost':
      return t("{0} is the pod's own loopback interface: /etc/hosts answers it, the cluster DNS is never asked.", host);
    case 'loopback':
      return t('{0} is a loopback address: the connection stays inside the pod.', host);
    case 'unspecified':
      return t('{0} is an address to listen on, not one to connect to.', host);
    case 'host-alias':
      return t("{0} is one of the pod's hostAliases: /etc/hosts answers it, the cluster DNS is never asked.", host);
    case 'own-hostname':
      return t("{0} is the pod's own hostname: /etc/hosts answers it, the cluster DNS is never asked.", host);
  }
}

/**
 * Why a reference gets no finding although its name may reach nothing, for hovers: a name the pod answers itself, a
 * template, a mesh host, a Service an operator may create, a namespace managed elsewhere, or a weak position.
 */
export function whyUnchecked(ref: Reference, sources: readonly CheckSource[]): string | undefined {
  if (ref.local) return localText(ref.host, ref.local);
  if (ref.template) return t('The text around it holds placeholders that another program fills in first, so NetLens reports nothing about it.');
  if (meshHost(ref, sources)) return t('An Istio ServiceEntry declares this host: the mesh answers it.');
  const cr = operatorResource(ref, sources);
  if (cr) return t('It may be a Service that the operator of {0} {1} creates, so NetLens does not call it missing.', cr.kind, `${cr.namespace}/${cr.name}`);
  const moved = movedBuild(ref, sources);
  if (moved)
    return t(
      "A Service of that name is in {0}, rendered into a namespace NetLens assumed (the chart's name): installed into another namespace, it may answer this name, so NetLens does not call it missing.",
      moved,
    );
  if (ref.strength === 'weak')
    return t(
      'NetLens is not sure this text names a host (the field does not always hold one), so it is reported only when a near name suggests a misspelling.',
    );
  return undefined;
}

/**
 * An SRV name, `_<port>._<proto>.<service>…` (Thanos's `dnssrv+`, Kafka and etcd discovery): the Service is checked
 * as any name, and must have a port of that name and protocol.
 */
function checkSrv(ref: Reference, portName: string, protocol: Protocol, rest: string, sources: readonly CheckSource[]): Finding[] | undefined {
  const offset = ref.host.length - rest.length;
  const service: Reference = { ...ref, host: rest, hostStart: ref.hostStart + offset, kind: 'name' };
  for (const source of sources) {
    const r = source.resolver.resolve(rest, { namespace: ref.namespace, qtype: 'A' });
    if (!r.ok) return undefined;
    const info = r.answer.explanation.service;
    const svc = r.answer.rcode === 'NOERROR' && info ? source.resolver.snapshot.service(info.namespace, info.name) : undefined;
    if (!svc) continue;
    if (svc.ports.some((p) => p.name === portName && p.protocol === protocol)) return undefined;
    const named = svc.ports.filter((p) => p.name && p.protocol === protocol).map((p) => p.name);
    const near = closest(portName, named);
    const at = ref.hostStart + 1;
    return [
      finding(
        'NL003',
        at,
        at + portName.length,
        named.length > 0
          ? t(
              'Service {0} has no {1} port named "{2}", so the SRV name {3} has no records; its {1} ports are named {4}.',
              `${svc.namespace}/${svc.name}`,
              protocol,
              portName,
              ref.host,
              named.join(', '),
            )
          : t('Service {0} has no {1} port named "{2}", so the SRV name {3} has no records.', `${svc.namespace}/${svc.name}`, protocol, portName, ref.host),
        near.map((n) => ({ title: t('Change the port name to {0}', n), edits: [{ start: at, end: at + portName.length, newText: n }] })),
      ),
    ];
  }
  return checkTarget(service, sources);
}

/** A ServiceEntry's host: the mesh answers it (Istio's DNS proxy), whatever the cluster DNS says. */
function meshHost(ref: Reference, sources: readonly CheckSource[]): boolean {
  const h = ref.host.toLowerCase().replace(/\.$/, '');
  return sources.some((s) => s.facts?.meshHosts.has(h));
}

/**
 * A name that an operator may create: a custom resource in the namespace the name is looked up in has that name, or
 * the name starts with the resource's name and a dash (`db-rw` for a CloudNativePG Cluster `db`, `kafka-bootstrap`
 * of Strimzi's `kafka`). Without the operator's rules, NetLens cannot say the Service is missing.
 */
function operatorMade(ref: Reference, sources: readonly CheckSource[]): boolean {
  return operatorResource(ref, sources) !== undefined;
}

/** The build (a chart rendered into a namespace NetLens assumed) that holds a Service of the name `ref` means. */
function movedBuild(ref: Reference, sources: readonly CheckSource[]): string | undefined {
  if (!sources.some((s) => s.movable !== undefined && s.movable.size > 0)) return undefined;
  const { service } = nameParts(ref);
  if (!service) return undefined;
  for (const s of sources) {
    const build = s.movable?.get(service);
    if (build) return build;
  }
  return undefined;
}

/** The labels of the name `ref` writes (lower case), and the Service it means: a structured reference's name, else a label. */
function nameParts(ref: Reference): { readonly labels: readonly string[]; readonly service: string | undefined } {
  const labels = ref.host.toLowerCase().replace(/\.$/, '').split('.');
  const service =
    ref.kind === 'service' ? ref.host.toLowerCase() : labels.length >= 2 && labels[labels.length - 1] === 'svc' ? labels[labels.length - 3] : labels[0];
  return { labels, service };
}

function operatorResource(ref: Reference, sources: readonly CheckSource[]): CustomResource | undefined {
  const { labels, service } = nameParts(ref);
  const namespace =
    ref.kind === 'service'
      ? (ref.serviceNamespace ?? ref.namespace)
      : labels.length >= 2 && !labels.includes('svc')
        ? labels[1]
        : labels.length >= 3 && labels[2] === 'svc'
          ? labels[1]
          : ref.namespace;
  if (!service) return undefined;
  for (const s of sources) {
    for (const cr of s.facts?.customResources ?? []) {
      if (cr.namespace !== namespace && !(labels.length === 1 && cr.namespace === ref.namespace)) continue;
      const name = cr.name.toLowerCase();
      if (service === name || service.startsWith(`${name}-`) || (labels.length > 1 && labels[1] === name)) return cr;
    }
  }
  return undefined;
}

/**
 * An Istio route to a subset: a DestinationRule of the Service must define it, or the mesh has nowhere to send the
 * traffic. Checked only where the manifests hold a DestinationRule for the Service (another may be applied from
 * elsewhere); whether its labels select pods is the DestinationRule's own check (checkDefinedSubsets).
 */
function checkSubsets(ref: Reference, answer: DnsAnswer, source: CheckSource): Finding[] {
  const info = answer.explanation.service;
  if (!ref.subset || !info || !source.facts) return [];
  const zone = source.resolver.zone;
  const rules = source.facts.destinationRules.filter((r) => {
    const h = r.host.toLowerCase().replace(/\.$/, '');
    return h === serviceFqdn(info.name, info.namespace, zone) || (r.namespace === info.namespace && h === info.name);
  });
  if (rules.length === 0) return [];
  const subset = ref.subset;
  const labels = rules.map((r) => r.subsets.get(subset.name)).find((l) => l !== undefined);
  if (!labels) {
    const known = [...new Set(rules.flatMap((r) => [...r.subsets.keys()]))];
    const near = closest(subset.name, known);
    return [
      finding(
        'NL013',
        subset.start,
        subset.end,
        t(
          'No DestinationRule of Service {0} defines subset "{1}" ({2}): the mesh has nowhere to route it.',
          `${info.namespace}/${info.name}`,
          subset.name,
          rules.length === 1
            ? t('{0} defines {1}', `${rules[0]!.namespace}/${rules[0]!.name}`, known.join(', ') || t('none'))
            : t('{0} define {1}', rules.map((r) => `${r.namespace}/${r.name}`).join(', '), known.join(', ') || t('none')),
        ),
        near.map((n) => ({ title: t('Change the subset to {0}', n), edits: [{ start: subset.start, end: subset.end, newText: n }] })),
      ),
    ];
  }
  return [];
}

/**
 * A DestinationRule's subsets that a VirtualService routes traffic to must select some of the Service's pods. A
 * subset nothing routes to may wait for a version not deployed yet; one that traffic goes to has nowhere to send it.
 */
function checkDefinedSubsets(ref: Reference, answer: DnsAnswer, source: CheckSource): Finding[] {
  const info = answer.explanation.service;
  if (!ref.subsets || !info || !source.facts) return [];
  const snapshot = source.resolver.snapshot;
  const svc = snapshot.service(info.namespace, info.name);
  if (!svc?.selector) return [];
  const pods = snapshot.podsSelectedBy(svc.namespace, svc.selector);
  if (pods.length === 0) return [];
  const out: Finding[] = [];
  for (const subset of ref.subsets) {
    if (!source.facts.routedSubsets.has(`${svc.namespace}/${svc.name}#${subset.name}`)) continue;
    const entries = Object.entries(subset.labels);
    if (pods.some((p) => entries.every(([k, v]) => p.labels[k] === v))) continue;
    const have = [...new Set(pods.map((p) => entries.map(([k]) => `${k}=${p.labels[k] ?? t('(none)')}`).join(', ')))].slice(0, 5);
    const selects = entries.map(([k, v]) => `${k}=${v}`).join(', ');
    out.push(
      finding(
        'NL013',
        subset.start,
        subset.end,
        pods.length === 1
          ? t(
              'Subset "{0}" of Service {1} selects {2}, which none of its 1 pod carries (they have {3}), and a VirtualService routes traffic to it: that traffic fails.',
              subset.name,
              `${svc.namespace}/${svc.name}`,
              selects,
              have.join('; '),
            )
          : t(
              'Subset "{0}" of Service {1} selects {2}, which none of its {3} pods carries (they have {4}), and a VirtualService routes traffic to it: that traffic fails.',
              subset.name,
              `${svc.namespace}/${svc.name}`,
              selects,
              pods.length,
              have.join('; '),
            ),
      ),
    );
  }
  return out;
}

/** A name that was not found: say what is missing, if the name is meant for the cluster. */
function notFound(ref: Reference, fqdn: string, answer: DnsAnswer, source: CheckSource): Finding[] | undefined {
  const meant = meantName(ref, fqdn, answer, source);
  if (meant === undefined || Array.isArray(meant)) return meant;
  const snapshot = source.resolver.snapshot;
  if (!snapshot.hasNamespace(meant.namespace)) return missingNamespace(ref, meant.namespace, source);
  const svc = snapshot.service(meant.namespace, meant.service);
  if (!svc) return !source.live && !declaresServices(snapshot, meant.namespace) ? undefined : missingService(ref, meant, source);
  if (meant.endpoint !== undefined) return missingEndpoint(ref, svc, meant.endpoint, snapshot);
  return [finding('NL001', ref.hostStart, ref.hostEnd, t('{0} does not resolve: {1}', ref.host, answer.explanation.summary))];
}

/** The Service (and endpoint) a name not found was meant to reach, and in which namespace. */
interface MeantName {
  readonly service: string;
  readonly namespace: string;
  readonly endpoint?: string;
  /** Written as one label: a short name the pod's own namespace completes. */
  readonly short: boolean;
}

/**
 * What a name that was not found was meant to be, by its labels: a finding of its own when its form is wrong,
 * undefined when it is not meant for the cluster (a name the cluster DNS forwards).
 */
function meantName(ref: Reference, fqdn: string, answer: DnsAnswer, source: CheckSource): MeantName | Finding[] | undefined {
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
      return [finding('NL001', ref.hostStart, ref.hostEnd, t('{0} does not resolve: {1}', ref.host, answer.explanation.summary))];
    }
    const rest = under.slice(0, -1);
    namespace = rest[rest.length - 1];
    service = rest[rest.length - 2];
    if (rest.length === 3) endpoint = rest[0];
    if (rest.length > 3)
      return [finding('NL008', ref.hostStart, ref.hostEnd, t('{0} has too many labels for a cluster name: {1}', ref.host, answer.explanation.summary))];
  } else if (labels.length === 1) {
    service = labels[0];
    namespace = ref.namespace;
  } else if (labels.length === 2 && !snapshot.hasNamespace(labels[1]!) && snapshot.service(ref.namespace, labels[1]!)) {
    // `redis-5.redis`: a pod's name under a Service of the asking pod's namespace, as the search path completes it
    // (`redis-5.redis.<namespace>.svc.<zone>`). Read as <service>.<namespace>, it was never reported at all.
    [endpoint, service] = labels;
    namespace = ref.namespace;
  } else if (
    labels.length === 2 &&
    !snapshot.hasNamespace(labels[1]!) &&
    /^[a-z0-9-]+-\d+$/.test(labels[0]!) &&
    closest(labels[1]!, serviceNames(snapshot, ref.namespace)).length > 0
  ) {
    // `redis-0.redsi`: a StatefulSet pod's name under a misspelt Service of the asking pod's namespace.
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
  return { service, namespace, ...(endpoint !== undefined ? { endpoint } : {}), short: labels.length === 1 };
}

/** NL002: a namespace that does not exist, with the near ones as fixes. */
function missingNamespace(ref: Reference, namespace: string, source: CheckSource): Finding[] | undefined {
  const snapshot = source.resolver.snapshot;
  const near = closest(namespace, snapshot.namespaceNames(), 3, ref.strength !== 'weak');
  // Namespaces are often made outside the manifests (`kubectl create namespace`, Helm's --create-namespace, a chart
  // not rendered): without a cluster, an unknown one is reported only when a near one suggests a misspelling.
  if (near.length === 0 && !source.live) return undefined;
  const fixes = near.map((ns) =>
    replace(ref, ref.host.replace(new RegExp(`(^|\\.)${escapeRegExp(namespace)}(\\.|$)`, 'i'), `$1${ns}$2`), t('Change the namespace to {0}', ns)),
  );
  return [finding('NL002', ref.hostStart, ref.hostEnd, t('There is no namespace "{0}" in {1}', namespace, source.name) + ending(near), fixes)];
}

/** NL001: no Service of that name in the namespace; the near names, and the same name elsewhere, as fixes. */
function missingService(ref: Reference, { service, namespace, endpoint, short }: MeantName, source: CheckSource): Finding[] {
  const snapshot = source.resolver.snapshot;
  // For a weak reference a near name is the reason to report it: a misspelling, not a longer name that begins alike
  // (`istio-host-split` beside `istio-host-split-stable` is a name of its own).
  const near = closest(
    service,
    [...snapshot.servicesIn(namespace)].map((s) => s.name),
    3,
    ref.strength !== 'weak',
  );
  const fixes: Fix[] = near.map((n) =>
    replace(ref, ref.host.replace(new RegExp(`^(${endpoint ? `${escapeRegExp(endpoint)}\\.` : ''})${escapeRegExp(service)}`, 'i'), `$1${n}`)),
  );
  // The same name in another namespace: qualify it, as a pod elsewhere must.
  const elsewhere = snapshot
    .servicesNamed(service)
    .filter((s) => s.namespace !== namespace)
    .slice(0, 3);
  if (short)
    for (const s of elsewhere)
      fixes.push(replace(ref, `${s.name}.${s.namespace}`, t('Qualify as {0} (Service {1})', `${s.name}.${s.namespace}`, `${s.namespace}/${s.name}`)));
  // The hints follow the sentence as clauses of their own (`; did you mean …?; a Service of that name is in …`).
  const hints =
    (near.length > 0 ? t('; did you mean {0}?', orList(near)) : '') +
    (elsewhere.length > 0 ? t('; a Service of that name is in namespace {0}', elsewhere.map((s) => s.namespace).join(', ')) : '');
  const missing = short
    ? t('No Service "{0}" in namespace {1} (where this pod looks up short names) in {2}', service, namespace, source.name)
    : t('No Service "{0}" in namespace {1} in {2}', service, namespace, source.name);
  return [finding('NL001', ref.hostStart, ref.hostEnd, missing + (hints || t('.')), fixes)];
}

/** NL009: a Service without an endpoint of that name. */
function missingEndpoint(ref: Reference, svc: Service, endpoint: string, snapshot: ClusterSnapshot): Finding[] {
  const names = endpointNames(snapshot, svc);
  const near = closest(endpoint, names);
  const subdomainHint = svc.headless ? '' : t(' (only pods whose subdomain is this Service get such names)');
  return [
    finding(
      'NL009',
      ref.hostStart,
      ref.hostEnd,
      t('Service {0} has no endpoint named "{1}"', `${svc.namespace}/${svc.name}`, endpoint) +
        subdomainHint +
        (names.length > 0 ? t('; its endpoints are {0}.', names.slice(0, 8).join(', ')) : t('; it has no ready endpoints.')),
      near.map((n) => replace(ref, ref.host.replace(new RegExp(`^${escapeRegExp(endpoint)}`, 'i'), n))),
    ),
  ];
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
    if (ready === 0)
      out.push(
        finding(
          'NL004',
          ref.hostStart,
          ref.hostEnd,
          t('Service {0} has no ready endpoints in {1}: connections to it fail.', `${svc.namespace}/${svc.name}`, source.name),
        ),
      );
  }
  return out;
}

function portProblem(ref: Reference, svc: Service, snapshot: ClusterSnapshot): Finding | undefined {
  // Declared by more than one file of the workspace: which declaration, and so which ports, is deployed is not known.
  if (svc.redeclared) return undefined;
  const port = ref.port!;
  const start = ref.portStart ?? ref.hostStart;
  const end = ref.portEnd ?? ref.hostEnd;
  const exposed = svc.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`).join(', ') || t('no ports');
  if (typeof port === 'string') {
    if (svc.ports.some((p) => p.name === port)) return undefined;
    return finding(
      'NL003',
      start,
      end,
      t('Service {0} has no port named "{1}"; it exposes {2}.', `${svc.namespace}/${svc.name}`, port, exposed),
      portFixes(svc, start, end, true),
    );
  }
  if (svc.ports.some((p) => p.port === port)) return undefined;
  if (svc.headless) {
    // Clients of a headless Service connect to the pods themselves: their ports count.
    const podPorts = snapshot.slicesOf(svc.namespace, svc.name).flatMap((s) => s.ports.map((p) => p.port));
    if (podPorts.includes(port) || svc.ports.some((p) => p.targetPort === port)) return undefined;
  }
  const target = svc.ports.find((p) => p.targetPort === port);
  const why = target ? t(' {0} is the target port of its port {1}: clients connect to {2}.', port, target.name || target.port, target.port) : '';
  return finding(
    'NL003',
    start,
    end,
    t('Service {0} does not expose port {1}; it exposes {2}.', `${svc.namespace}/${svc.name}`, port, exposed) + why,
    portFixes(svc, start, end, false, target?.port),
  );
}

function portFixes(svc: Service, start: number, end: number, named: boolean, preferred?: number): Fix[] {
  const options = preferred !== undefined ? [preferred] : svc.ports.map((p) => (named && p.name ? p.name : p.port));
  return options.slice(0, 4).map((p) => ({ title: t('Change the port to {0}', p), edits: [{ start, end, newText: String(p) }] }));
}

function checkServiceRef(ref: Reference, sources: readonly CheckSource[]): Finding[] | undefined {
  const ns = ref.serviceNamespace ?? ref.namespace;
  for (const source of sources) {
    const svc = source.resolver.snapshot.service(ns, ref.host);
    if (svc) {
      const out: Finding[] = [];
      const grant = ungranted(ref, ns, source);
      if (grant) out.push(grant);
      if (ref.port !== undefined && ref.portStart !== undefined) {
        const bad = portProblem(ref, svc, source.resolver.snapshot);
        if (bad) out.push(bad);
      }
      return out.length > 0 ? out : undefined;
    }
  }
  if (operatorMade(ref, sources) || movedBuild(ref, sources)) return undefined;
  const snapshot = sources[0]!.resolver.snapshot;
  if (!sources[0]!.live && snapshot.hasNamespace(ns) && !declaresServices(snapshot, ns)) return undefined;
  const near = closest(
    ref.host,
    [...snapshot.servicesIn(ns)].map((s) => s.name),
  );
  if (ref.role === 'statefulset-service') {
    return [
      finding(
        'NL012',
        ref.hostStart,
        ref.hostEnd,
        t(
          '{0} names Service "{1}", which namespace {2} does not have in {3}: the StatefulSet\'s pods get no DNS names (<pod>.{1}.{2}.svc)',
          ref.context,
          ref.host,
          ns,
          sources[0]!.name,
        ) + ending(near),
        near.map((n) => replace(ref, n)),
      ),
    ];
  }
  if (!snapshot.hasNamespace(ns)) {
    const nearNs = closest(ns, snapshot.namespaceNames());
    if (nearNs.length === 0 && !sources[0]!.live) return undefined;
    return [
      finding(
        'NL002',
        ref.hostStart,
        ref.hostEnd,
        t('{0} names a Service in namespace "{1}", which does not exist in {2}', ref.context, ns, sources[0]!.name) + ending(nearNs),
      ),
    ];
  }
  return [
    finding(
      'NL001',
      ref.hostStart,
      ref.hostEnd,
      t('{0} names Service "{1}", which namespace {2} does not have in {3}', ref.context, ref.host, ns, sources[0]!.name) + ending(near),
      ref.secret ? [] : near.map((n) => replace(ref, n)),
    ),
  ];
}

/**
 * A Gateway API route may send traffic to a Service of another namespace only when a ReferenceGrant in that
 * namespace allows it. Grants are checked where the manifests hold the Service: a live cluster's grants are not
 * watched, and a namespace the workspace does not hold may have grants elsewhere.
 */
function ungranted(ref: Reference, ns: string, source: CheckSource): Finding | undefined {
  if (ref.role !== 'route-backend' || ns === ref.namespace || source.live || !source.facts || !ref.referrer) return undefined;
  const allowed = source.facts.referenceGrants.some(
    (g) =>
      g.namespace === ns &&
      g.from.some((f) => f.group === ref.referrer!.group && f.kind === ref.referrer!.kind && f.namespace === ref.namespace) &&
      g.to.some((t) => (t.group === '' || t.group === 'core') && t.kind === 'Service' && (t.name === undefined || t.name === ref.host)),
  );
  if (allowed) return undefined;
  return finding(
    'NL014',
    ref.hostStart,
    ref.hostEnd,
    t(
      '{0} sends traffic to Service {1} in another namespace, and no ReferenceGrant in namespace {2} allows {3}s of namespace {4} to: the Gateway refuses the backend.',
      ref.context,
      `${ns}/${ref.host}`,
      ns,
      ref.referrer.kind,
      ref.namespace,
    ),
  );
}

function checkIP(ref: Reference, ip: string, snapshot: ClusterSnapshot): Finding[] | undefined {
  const owners = snapshot.ownersOf(ip);
  const pod = owners.find((o) => o.kind === 'Pod');
  if (pod?.kind !== 'Pod' || pod.pod.hostNetwork || owners.some((o) => o.kind === 'ClusterIP')) return undefined;
  const services = new Map<string, Service>();
  for (const hit of snapshot.endpointsWithIP(ip)) if (hit.service) services.set(`${hit.service.namespace}/${hit.service.name}`, hit.service);
  const fixes = [...services.values()]
    .slice(0, 3)
    .map((s) => replace(ref, s.namespace === ref.namespace ? s.name : `${s.name}.${s.namespace}`, t('Use Service {0} instead', `${s.namespace}/${s.name}`)));
  const use =
    services.size > 0
      ? t('Use the Service that selects it: {0}.', [...services.values()].map((s) => `${s.namespace}/${s.name}`).join(', '))
      : t('No Service selects it.');
  return [
    finding(
      'NL007',
      ref.hostStart,
      ref.hostEnd,
      t('{0} is the IP of pod {1}; a pod gets a new IP when it restarts. {2}', ip, `${pod.pod.namespace}/${pod.pod.name}`, use),
      fixes,
    ),
  ];
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
      return finding(
        'NL008',
        ref.hostStart,
        ref.hostEnd,
        t('Service names end in ".svc.{0}", not ".{1}.{0}": no cluster answers {2}. The correct form is {3}.', zone, kind, ref.host, fixed),
        [replace(ref, fixed)],
      );
    }
    if (kind === 'pods' || (kind === 'pod' && before.length === 2)) {
      // `1-10-0-0-1.pods.cluster.local`, `10-0-0-1.pod.cluster.local`: the namespace is missing.
      const podLabel = before[0]!;
      const ip = canonicalIP(podLabel.replace(/-/g, '.')) ?? podLabel;
      const pod = snapshot.podsWithIP(ip)[0];
      const ns = before.length === 3 ? before[1]! : (pod?.namespace ?? ref.namespace);
      const fixed = `${podFqdn(ip, ns, zone)}${trailingDot}`;
      return finding(
        'NL008',
        ref.hostStart,
        ref.hostEnd,
        t('Pod names have the form <a-b-c-d>.<namespace>.pod.{0}; {1} is not one. The correct form is {2}.', zone, ref.host, fixed),
        [replace(ref, fixed)],
      );
    }
    if (before.length === 2 && kind !== 'svc' && kind !== 'pod' && snapshot.hasNamespace(kind)) {
      const fixed = `${serviceFqdn(before[0]!, kind, zone)}${trailingDot}`;
      return finding(
        'NL008',
        ref.hostStart,
        ref.hostEnd,
        t('{0} lacks ".svc": Service names are <service>.<namespace>.svc.{1}. The correct form is {2}.', ref.host, zone, fixed),
        [replace(ref, fixed)],
      );
    }
    return undefined;
  }
  // `web.shop.svc.<another domain>`: written for a cluster with another domain.
  const svcAt = labels.lastIndexOf('svc');
  if (svcAt >= 2 && svcAt < n - 1) {
    const other = labels.slice(svcAt + 1).join('.');
    if (other !== zone && /^[a-z0-9-]+\.(local|internal|cluster)$|^cluster\.|cluster/.test(other)) {
      const fixed = `${labels.slice(0, svcAt + 1).join('.')}.${zone}${trailingDot}`;
      return finding('NL010', ref.hostStart, ref.hostEnd, t('{0} is under the cluster domain "{1}", but this cluster\'s is "{2}".', ref.host, other, zone), [
        replace(ref, fixed, t('Change the domain to {0}', zone)),
      ]);
    }
  }
  return undefined;
}

/** Kinds whose pods an operator makes after its own rules (kinds.ts rows with `pods`), not from a template. */
const OPERATOR_POD_KINDS = new Set(KINDS.filter((k) => k.pods).flatMap((k) => k.kinds));

/** Where the parts of a declared Service are written, so that a finding lands where its fix goes. */
export interface ServiceLocations {
  /** Each selector pair, from its key to the end of its value. */
  readonly selectorPairs: ReadonlyMap<string, readonly [number, number]>;
  /** The whole selector. */
  readonly selector?: readonly [number, number];
  /** Each port's targetPort value, by `port/protocol`. */
  readonly targetPorts: ReadonlyMap<string, readonly [number, number]>;
}

/** Checks of the Services declared in a file against the workspace: selectors, named target ports, ExternalNames. */
export function checkServices(
  services: readonly Service[],
  snapshot: ClusterSnapshot,
  options: CheckOptions = {},
  locate: (svc: Service) => ServiceLocations | undefined = () => undefined,
  facts?: WorkspaceFacts,
): Finding[] {
  const findings: Finding[] = [];
  for (const svc of services) {
    if (!svc.source) continue;
    const at = [svc.source.nameStart, svc.source.nameEnd] as const;
    if (svc.type === 'ExternalName' && svc.externalName && parseIP(svc.externalName)) {
      findings.push(
        finding(
          'NL011',
          at[0],
          at[1],
          t(
            'Service {0} is an ExternalName for the IP {1}; the cluster DNS answers NXDOMAIN for it. Use a Service without selector and an EndpointSlice holding the IP.',
            `${svc.namespace}/${svc.name}`,
            svc.externalName,
          ),
        ),
      );
      continue;
    }
    if (!svc.selector) continue;
    // Located only for a finding: finding where a selector is written means reading the file's YAML nodes, which a
    // check of many files may have let go of (the CLI's worker threads keep only their data).
    let located: ServiceLocations | undefined | null = null;
    const where = (): ServiceLocations | undefined => (located === null ? (located = locate(svc)) : located);
    const selector = Object.entries(svc.selector);
    const pods = snapshot.podsSelectedBy(svc.namespace, svc.selector);
    if (pods.length === 0) {
      if (operatorPods(svc, facts)) continue;
      findings.push(selectorMatchesNothing(svc, selector, snapshot, where(), at));
      continue;
    }
    // An operator's pods run containers of its own choosing (sidecars, reloaders): their ports are not all known.
    const operatorRun = pods.some((pod) => pod.template !== undefined && OPERATOR_POD_KINDS.has(pod.template.workload.kind));
    svc.ports.forEach((p) => {
      if (typeof p.targetPort !== 'string' || operatorRun || svc.redeclared) return;
      const declares = pods.filter((pod) => pod.ports.some((cp) => cp.name === p.targetPort && cp.protocol === p.protocol));
      if (declares.length > 0) return;
      const range = where()?.targetPorts.get(`${p.port}/${p.protocol}`) ?? at;
      const names = [
        ...new Set(
          pods.flatMap((pod) =>
            pod.ports
              .filter((cp) => cp.protocol === p.protocol)
              .map((cp) => cp.name)
              .filter(Boolean),
          ),
        ),
      ];
      findings.push(
        finding(
          'NL006',
          range[0],
          range[1],
          t(
            'Port {0} of Service {1} targets the port named "{2}", which no selected container declares ({3}).',
            p.name || p.port,
            `${svc.namespace}/${svc.name}`,
            p.targetPort,
            selectedText(pods.length, names),
          ),
          closest(p.targetPort, names).map((n) => ({ title: t('Change the target port to {0}', n), edits: [{ start: range[0], end: range[1], newText: n }] })),
        ),
      );
    });
  }
  return applySeverities(findings, options);
}

/** NL005, at the first pair of the selector that no pod carries at all (the likely typo), else at the whole selector. */
function selectorMatchesNothing(
  svc: Service,
  selector: readonly [string, string][],
  snapshot: ClusterSnapshot,
  where: ServiceLocations | undefined,
  at: readonly [number, number],
): Finding {
  const lonely = selector.find(([k, v]) => snapshot.podsSelectedBy(svc.namespace, { [k]: v }).length === 0);
  const range = (lonely && where?.selectorPairs.get(lonely[0])) ?? where?.selector ?? at;
  const id = `${svc.namespace}/${svc.name}`;
  const pairs = selector.map(([k, v]) => `${k}=${v}`).join(', ');
  const message = lonely
    ? t(
        'The selector of Service {0} ({1}) matches nothing: no pod or workload template in namespace {2} has {3}.',
        id,
        pairs,
        svc.namespace,
        `${lonely[0]}=${lonely[1]}`,
      )
    : t('The selector of Service {0} ({1}) matches nothing: no pod or workload template in namespace {2} has all of them.', id, pairs, svc.namespace);
  return finding('NL005', range[0], range[1], message);
}

/** `3 pods selected; they name http, metrics`. */
function selectedText(pods: number, names: readonly string[]): string {
  const selected = pods === 1 ? t('1 pod selected') : t('{0} pods selected', pods);
  return names.length > 0 ? t('{0}; they name {1}', selected, names.slice(0, 6).join(', ')) : selected;
}

/**
 * Whether an operator may run the pods a selector asks for: a custom resource in the Service's namespace is named
 * by one of the selector's values (operators label their pods with their resource's name), or the API group of
 * such a resource shares the domain of one of the selector's keys (`cnpg.io/cluster` and `postgresql.cnpg.io`).
 */
function operatorPods(svc: Service, facts: WorkspaceFacts | undefined): boolean {
  if (!facts || !svc.selector) return false;
  const crs = facts.customResources.filter((cr) => cr.namespace === svc.namespace);
  if (crs.length === 0) return false;
  for (const [k, v] of Object.entries(svc.selector)) {
    const domain = k.includes('/') ? k.slice(0, k.indexOf('/')) : undefined;
    for (const cr of crs) {
      const group = cr.apiVersion.includes('/') ? cr.apiVersion.slice(0, cr.apiVersion.indexOf('/')) : '';
      if (v === cr.name) return true;
      if (domain && (group === domain || group.endsWith(`.${domain}`) || domain.endsWith(`.${group}`))) return true;
    }
  }
  return false;
}

// ---- helpers ----

/**
 * Whether the manifests declare any Service in a namespace. One where they declare none (istio-system, a namespace of
 * another team) is managed elsewhere: a name there that the manifests do not hold is not known to be missing.
 */
function declaresServices(snapshot: ClusterSnapshot, namespace: string): boolean {
  for (const s of snapshot.servicesIn(namespace)) if (s.source) return true;
  return false;
}

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

function serviceNames(snapshot: ClusterSnapshot, namespace: string): string[] {
  return [...snapshot.servicesIn(namespace)].map((s) => s.name);
}

function serviceNamedAnywhere(snapshot: ClusterSnapshot, name: string): boolean {
  return snapshot.servicesNamed(name).length > 0;
}

function closeNamespace(snapshot: ClusterSnapshot, ns: string): boolean {
  return closest(ns, snapshot.namespaceNames()).length > 0;
}

/** Names within a small edit distance (or sharing a long prefix), nearest first. */
export function closest(word: string, candidates: Iterable<string>, max = 3, prefixes = true): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  const scored: [string, number][] = [];
  for (const c of candidates) {
    if (c === w) continue;
    // Most candidates differ in length by more than the limit: they are settled without a distance.
    const near = Math.abs(c.length - w.length) <= limit;
    const prefix = prefixes && w.length >= 5 && (c.startsWith(w) || w.startsWith(c));
    if (!near && !prefix) continue;
    const d = near ? distance(w, c.toLowerCase(), limit) : limit + 1;
    if (d <= limit || prefix) scored.push([c, d]);
  }
  return scored
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([c]) => c);
}

/** Three rows of `distance`'s table, kept between calls (a check asks for thousands of distances). */
let rows = new Int32Array(3 * 64);

/**
 * Edit distance with swapped neighbours as one edit (optimal string alignment: `wbe` is one edit from `web`),
 * giving up early past `limit`.
 */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length + 1;
  if (rows.length < 3 * n) rows = new Int32Array(6 * n);
  const r = rows;
  // The rows before the previous one, the previous one and the current one, as offsets into `r`.
  let before = 0;
  let prev = n;
  let cur = 2 * n;
  for (let j = 0; j < n; j++) r[prev + j] = j;
  let prevBest = 0;
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    const aBefore = i > 1 ? a.charCodeAt(i - 2) : -1;
    r[cur] = i;
    let best = i;
    for (let j = 1; j < n; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(r[prev + j]! + 1, r[cur + j - 1]! + 1, r[prev + j - 1]! + (ai === bj ? 0 : 1));
      if (j > 1 && aBefore === bj && ai === b.charCodeAt(j - 2)) d = Math.min(d, r[before + j - 2]! + 1);
      r[cur + j] = d;
      if (d < best) best = d;
    }
    // A row can fall below the one before it only through a swap, which reaches back two rows.
    if (best > limit && prevBest >= limit) return limit + 1;
    const spare = before;
    before = prev;
    prev = cur;
    cur = spare;
    prevBest = best;
  }
  return r[prev + n - 1]!;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
