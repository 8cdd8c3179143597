/**
 * What hovers and inlay hints say about a reference, made from core answers. A hover says each fact once: the
 * answer's records, then either the Service it comes from (its ports, its endpoints) or why there is no such
 * answer, the search path a pod walks, and the source. Names and addresses are code spans; every string from a
 * cluster or a manifest is text, never markup (see `markup.ts`).
 */

import { countsText, endpointState } from '../core/endpoints';
import { t } from '../core/l10n';
import type { Endpoint, Service } from '../core/model';
import type { Reference } from '../core/references';
import type { DnsAnswer, DnsRecord, Explanation, OwnerSummary, Resolver, SearchStep } from '../core/resolver';
import type { ClusterSnapshot } from '../core/snapshot';
import type { HoverFormat } from './capabilities';
import { type Block, code, em, filled, type Inline, intro, list, paragraph, renderMarkdown, renderPlaintext, strong } from './markup';

export interface Answered {
  readonly answer: DnsAnswer;
  /** The model that answered, as hovers name it. */
  readonly source: string;
  readonly snapshot: ClusterSnapshot;
  readonly resolver: Resolver;
}

export interface HoverFacts {
  readonly ref: Reference;
  readonly answered: Answered;
  /** The explanation of the name that answered when asked as is: the answer's own, without the search path's. */
  readonly direct: Explanation;
  /** Why NetLens does not check the reference, when it does not. */
  readonly note?: string;
  /** Whether NetworkPolicies let the traffic through, in one line (core/reach `referenceVerdict`). */
  readonly policy?: string;
}

export function hoverText(facts: HoverFacts, format: HoverFormat): string {
  const blocks = hoverBlocks(facts);
  return format === 'markdown' ? renderMarkdown(blocks) : renderPlaintext(blocks);
}

function hoverBlocks({ ref, answered, direct, note, policy }: HoverFacts): Block[] {
  const written = `${ref.host}${ref.port !== undefined ? `:${ref.port}` : ''}`;
  // A name the pod answers itself: what the cluster DNS would say is beside the point.
  if (ref.local && note) return [paragraph(code(written)), paragraph(note)];
  const { answer, source, snapshot } = answered;
  const e = answer.explanation;
  const svc = e.service ? snapshot.service(e.service.namespace, e.service.name) : undefined;
  const answeredBySvc = svc !== undefined && answer.answers.length > 0;
  return [
    intro(code(written), ' → ', code(answer.qname), ...outcome(answer)),
    list(answer.answers.map(recordLine)),
    ...(ref.kind === 'ip' ? ownerBlocks(answer, direct, svc) : reasonBlocks(direct, svc, answeredBySvc)),
    ...(svc ? serviceBlocks(svc, snapshot, ref, answeredBySvc) : []),
    ...(policy ? [paragraph(policy)] : []),
    ...searchBlocks(ref, answer, direct),
    ...(note ? [paragraph(em(note))] : []),
    paragraph(em(t('Source: {0}', source))),
  ];
}

function outcome(answer: DnsAnswer): Inline[] {
  if (answer.rcode !== 'NOERROR') return [' · ', answer.rcode];
  return answer.answers.length === 0 ? [' · ', t('no records (NODATA)')] : [];
}

function recordLine(r: DnsRecord): Inline[] {
  return [r.type, ' ', r.data === null ? em(t('(allocated by the cluster)')) : code(r.data)];
}

/**
 * Why the answer is what it is, for a name. A Service that answers is described by its own block; otherwise the
 * resolver's reason, and for an ExternalName the way its target is followed.
 */
function reasonBlocks(direct: Explanation, svc: Service | undefined, answeredBySvc: boolean): Block[] {
  if (answeredBySvc) return svc!.type === 'ExternalName' ? [list(direct.details.map((d) => [d]))] : [];
  return [paragraph(direct.summary), list(direct.details.map((d) => [d]))];
}

/** What an IP belongs to; the cluster IP of the Service shown below goes without saying. */
function ownerBlocks(answer: DnsAnswer, direct: Explanation, svc: Service | undefined): Block[] {
  const owners = (answer.explanation.owners ?? []).filter((o) => !(svc && o.kind === 'ClusterIP' && o.namespace === svc.namespace && o.name === svc.name));
  const shownBySvc = svc !== undefined && owners.length < (answer.explanation.owners?.length ?? 0);
  const whose = owners.length > 0 ? [intro(strong(t('Owners'))), list(owners.map(ownerLine))] : shownBySvc ? [] : [paragraph(answer.explanation.summary)];
  return [...whose, list(direct.details.map((d) => [d]))];
}

/** An owner's sentence, its object's name as a code span. */
function ownerLine(o: OwnerSummary): Inline[] {
  const id = o.namespace ? `${o.namespace}/${o.name}` : o.name;
  const at = o.text.indexOf(id);
  return at < 0 ? [o.text] : [o.text.slice(0, at), code(id), o.text.slice(at + id.length)];
}

/** The Service an answer comes from: a line, and when it answered, its ports and its endpoints. */
function serviceBlocks(svc: Service, snapshot: ClusterSnapshot, ref: Reference, full: boolean): Block[] {
  const header = paragraph(strong('Service'), ' ', code(`${svc.namespace}/${svc.name}`), ' · ', ...serviceKind(svc));
  if (!full) return [header];
  return [header, ...portBlocks(svc, ref), ...endpointBlocks(svc, snapshot)];
}

function serviceKind(svc: Service): Inline[] {
  if (svc.type === 'ExternalName') return svc.externalName ? ['ExternalName → ', code(svc.externalName)] : [t('ExternalName without a target')];
  if (svc.headless) return [svc.type, ' · ', t('headless')];
  if (svc.clusterIPPending) return [svc.type, ' · ', em(t('cluster IP allocated by the cluster'))];
  return [svc.type, ' · ', ...joined(svc.clusterIPs.map(code))];
}

function portBlocks(svc: Service, ref: Reference): Block[] {
  if (svc.ports.length === 0 || svc.type === 'ExternalName') return [];
  const written = (p: Service['ports'][number]) => ref.port !== undefined && (ref.port === p.port || ref.port === p.name);
  return [
    {
      kind: 'table',
      header: ['port', 'name', 'protocol', 'targetPort'],
      rows: svc.ports.map((p) => [[String(p.port), written(p) ? ' ←' : ''], p.name ? [code(p.name)] : ['—'], [p.protocol], [code(String(p.targetPort))]]),
      lines: svc.ports.map((p) => [
        `${p.port}/${p.protocol}`,
        ...(p.name ? [' ', code(p.name)] : []),
        ...filled(t(' → target port {0}'), code(String(p.targetPort))),
        written(p) ? t(' ← written here') : '',
      ]),
    },
  ];
}

function endpointBlocks(svc: Service, snapshot: ClusterSnapshot): Block[] {
  if (svc.type === 'ExternalName') return [];
  const endpoints = snapshot.slicesOf(svc.namespace, svc.name).flatMap((s) => s.endpoints);
  if (endpoints.length === 0) return [paragraph(em(t('No endpoints.')))];
  const shown = endpoints.slice(0, 10).map(endpointLine);
  if (endpoints.length > shown.length) shown.push([t('… {0} more', endpoints.length - shown.length)]);
  return [intro(t('Endpoints: {0}', countsText(snapshot.endpointCounts(svc.namespace, svc.name)))), list(shown)];
}

function endpointLine(e: Endpoint): Inline[] {
  const condition = endpointState(e);
  const state = condition === 'ready' ? [] : [' · ', em(condition === 'terminating' ? t('terminating') : t('not ready'))];
  if (e.pending) {
    const { replicas, workload } = e.pending;
    if (e.hostname) return [code(e.hostname), ` · ${workload.kind} `, code(workload.name), ' · ', em(t('IP allocated by the cluster')), ...state];
    return [
      `${replicas} × ${workload.kind} `,
      code(workload.name),
      ' · ',
      em(replicas === 1 ? t('IP allocated by the cluster') : t('IPs allocated by the cluster')),
      ...state,
    ];
  }
  return [
    ...joined(e.addresses.map(code)),
    ...(e.targetRef ? [' · ', ...filled(t('pod {0}'), code(e.targetRef.name))] : []),
    ...(e.hostname ? [' · hostname ', code(e.hostname)] : []),
    ...state,
  ];
}

/** The names a pod asks for, in order, and the sentences the search path adds to the answer (musl, ndots). */
function searchBlocks(ref: Reference, answer: DnsAnswer, direct: Explanation): Block[] {
  const e = answer.explanation;
  if (!e.search || e.search.length < 2) return [];
  const steps = e.search.map((s, i) => [code(s.name), ' · ', stepOutcome(s), i === e.matchedStep ? t(' ← answered') : '']);
  const added = e.details.filter((d) => !direct.details.includes(d));
  return [intro(...filled(t('Search path from namespace {0}:'), code(ref.namespace))), list(steps, true), list(added.map((d) => [d]))];
}

function stepOutcome(s: SearchStep): string {
  if (s.rcode !== 'NOERROR') return s.rcode;
  if (s.answers === 0) return 'NODATA';
  return s.answers === 1 ? t('1 record') : t('{0} records', s.answers);
}

function joined(items: Inline[], separator = ', '): Inline[] {
  return items.flatMap((item, i) => (i === 0 ? [item] : [separator, item]));
}

/** The short answer shown after a reference: `→ 10.96.4.2:80 · 3 ready`. */
export function inlayText(ref: Reference, a: Answered): string | undefined {
  const { answer, snapshot } = a;
  if (answer.rcode === 'REFUSED') return undefined;
  if (answer.rcode === 'NXDOMAIN') return ref.kind === 'ip' ? ownerText(answer) : '→ NXDOMAIN';
  if (ref.kind === 'ip') return ownerText(answer);
  const first = answer.answers.find((r) => r.type === 'A' || r.type === 'AAAA' || r.type === 'CNAME');
  if (!first) return t('→ no address');
  const target = first.data === null ? t('allocated IP') : first.data;
  const port = ref.port !== undefined ? `:${ref.port}` : '';
  const more = answer.answers.filter((r) => r.type === first.type).length;
  let text = `→ ${target}${first.type === 'CNAME' ? '' : port}${more > 1 ? ` (+${more - 1})` : ''}`;
  const svc = answer.explanation.service && snapshot.service(answer.explanation.service.namespace, answer.explanation.service.name);
  if (svc && svc.type !== 'ExternalName') {
    text += ` · ${t('{0} ready', snapshot.endpointCounts(svc.namespace, svc.name).ready)}`;
  }
  return text;
}

function ownerText(answer: DnsAnswer): string | undefined {
  const owners = answer.explanation.owners ?? [];
  if (owners.length === 0) return t('→ no owner');
  const o = owners[0]!;
  return `→ ${o.kind === 'ClusterIP' ? 'Service' : o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}${owners.length > 1 ? ` (+${owners.length - 1})` : ''}`;
}
