/**
 * Markdown and short texts for hovers and inlay hints, made from core answers. Every string that comes from a
 * cluster or a manifest is escaped: it is shown as text, never interpreted as markdown or HTML.
 */
import type { DnsAnswer } from '../core/resolver';
import type { Reference } from '../core/references';
import type { Endpoint, Service } from '../core/model';
import type { ClusterSnapshot } from '../core/snapshot';

/** Escapes text for markdown: every character that could start markup or HTML. */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~"']/g, (c) => `\\${c}`);
}

/** Inline code that cannot be broken out of. */
export function code(text: string): string {
  const ticks = text.includes('`') ? '``' : '`';
  return `${ticks}${text.replace(/[\r\n]/g, ' ')}${ticks}`;
}

export interface Answered {
  readonly answer: DnsAnswer;
  readonly source: string;
  readonly snapshot: ClusterSnapshot;
}

export function hoverMarkdown(ref: Reference, a: Answered, note?: string): string {
  const { answer, source, snapshot } = a;
  const e = answer.explanation;
  const lines: string[] = [];
  if (ref.local && note) {
    // A name the pod answers itself: what the cluster DNS would say is beside the point.
    return `**${md(ref.host)}**${ref.port !== undefined ? md(`:${ref.port}`) : ''}\n\n${md(note)}`;
  }
  const outcome = answer.rcode !== 'NOERROR' ? answer.rcode : answer.answers.length === 0 ? 'no records (NODATA)' : '';
  lines.push(`**${md(ref.host)}**${ref.port !== undefined ? md(`:${ref.port}`) : ''} → ${code(answer.qname)}${outcome ? ` ${md(outcome)}` : ''}`);
  lines.push('');
  for (const r of answer.answers) lines.push(`- ${md(r.type)} ${r.data === null ? '_allocated by the cluster_' : code(r.data)}`);
  if (answer.answers.length > 0) lines.push('');
  lines.push(md(e.summary));
  for (const d of e.details) lines.push(`- ${md(d)}`);
  if (e.service) {
    const svc = snapshot.service(e.service.namespace, e.service.name);
    if (svc) lines.push('', ...serviceLines(svc, snapshot, ref));
  }
  if (e.owners && e.owners.length > 0) {
    lines.push('', '**Owners**');
    for (const o of e.owners) lines.push(`- ${md(o.text)}`);
  }
  if (e.search && e.search.length > 1) {
    lines.push('', `Search path from namespace ${md(ref.namespace)}:`);
    e.search.forEach((s, i) => lines.push(`${i + 1}. ${code(s.name)} ${md(s.rcode === 'NOERROR' ? (s.answers > 0 ? `${s.answers} records` : 'NODATA') : s.rcode)}${i === e.matchedStep ? ' ←' : ''}`));
  }
  if (note) lines.push('', `_${md(note)}_`);
  lines.push('', `_Source: ${md(source)}_`);
  return lines.join('\n');
}

function serviceLines(svc: Service, snapshot: ClusterSnapshot, ref: Reference): string[] {
  const out: string[] = [];
  const ips = svc.headless ? 'headless' : svc.clusterIPPending ? 'cluster IP allocated by the cluster' : svc.clusterIPs.join(', ');
  out.push(`**Service ${md(svc.namespace)}/${md(svc.name)}** · ${md(svc.type)} · ${md(ips)}`);
  if (svc.ports.length > 0) {
    out.push('', '| port | name | protocol | targetPort |', '|---|---|---|---|');
    for (const p of svc.ports) {
      const mark = ref.port !== undefined && (ref.port === p.port || ref.port === p.name) ? ' ←' : '';
      out.push(`| ${p.port}${mark} | ${md(p.name || '—')} | ${p.protocol} | ${md(String(p.targetPort))} |`);
    }
  }
  const endpoints = snapshot.slicesOf(svc.namespace, svc.name).flatMap((s) => s.endpoints);
  if (endpoints.length > 0) {
    const ready = endpoints.filter((e) => e.ready);
    const notReady = endpoints.filter((e) => !e.ready);
    out.push('', `Endpoints: ${podCount(ready)} ready${notReady.length > 0 ? `, ${podCount(notReady)} not ready` : ''}`);
    for (const e of endpoints.slice(0, 10)) {
      const who = e.pending
        ? `${e.pending.replicas} × ${e.pending.workload.kind} ${e.pending.workload.name} (IPs allocated by the cluster)`
        : `${e.addresses.join(', ')}${e.targetRef ? ` pod ${e.targetRef.name}` : ''}`;
      out.push(`- ${md(who)}${e.hostname ? ` · ${md(e.hostname)}` : ''}${e.ready ? '' : ' · _not ready_'}`);
    }
    if (endpoints.length > 10) out.push(`- … ${endpoints.length - 10} more`);
  } else if (svc.type !== 'ExternalName') {
    out.push('', '_No endpoints._');
  }
  return out;
}

/** The short answer shown after a reference: `→ 10.96.4.2:80 · 3 ready`. */
export function inlayText(ref: Reference, a: Answered): string | undefined {
  const { answer, snapshot } = a;
  if (answer.rcode === 'REFUSED') return undefined;
  if (answer.rcode === 'NXDOMAIN') return ref.kind === 'ip' ? ownerText(answer) : '→ NXDOMAIN';
  if (ref.kind === 'ip') return ownerText(answer);
  const first = answer.answers.find((r) => r.type === 'A' || r.type === 'AAAA' || r.type === 'CNAME');
  if (!first) return '→ no address';
  const target = first.data === null ? 'allocated IP' : first.data;
  const port = ref.port !== undefined ? `:${ref.port}` : '';
  const more = answer.answers.filter((r) => r.type === first.type).length;
  let text = `→ ${target}${first.type === 'CNAME' ? '' : port}${more > 1 ? ` (+${more - 1})` : ''}`;
  const svc = answer.explanation.service && snapshot.service(answer.explanation.service.namespace, answer.explanation.service.name);
  if (svc && svc.type !== 'ExternalName') {
    const eps = snapshot.slicesOf(svc.namespace, svc.name).flatMap((s) => s.endpoints);
    const ready = podCount(eps.filter((e) => e.ready));
    text += ` · ${ready} ready`;
  }
  return text;
}

/**
 * How many pods stand behind endpoints. A workspace endpoint of a workload stands for all its replicas (the hover
 * counted endpoint records, "1 ready" for a Deployment of 3, while the inlay hint counted replicas), and a
 * dual-stack Service lists each pod once per address family (counted twice: "6 ready" for 3 pods).
 */
function podCount(endpoints: readonly Endpoint[]): number {
  const seen = new Set<string>();
  let n = 0;
  for (const e of endpoints) {
    const pod = e.targetRef ? `${e.targetRef.namespace}/${e.targetRef.name}` : undefined;
    if (pod !== undefined) {
      if (seen.has(pod)) continue;
      seen.add(pod);
    }
    n += e.pending ? e.pending.replicas : pod !== undefined ? 1 : e.addresses.length;
  }
  return n;
}

function ownerText(answer: DnsAnswer): string | undefined {
  const owners = answer.explanation.owners ?? [];
  if (owners.length === 0) return '→ no owner';
  const o = owners[0]!;
  return `→ ${o.kind === 'ClusterIP' ? 'Service' : o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}${owners.length > 1 ? ` (+${owners.length - 1})` : ''}`;
}
