/**
 * Completion in reference positions: Service names (short, `svc.ns`, the FQDN as the text typed suggests), ports after
 * `host:`, namespaces after `svc.`, endpoint hostnames of headless Services, and, in a selector, the label pairs
 * that pod templates carry. Each item says what it reaches. Read from the line being typed, which need not parse.
 */

import { t } from './l10n';
import type { Service } from './model';
import { serviceFqdn } from './names';
import { envHostPosition } from './references/commands';
import { keyHostStrength } from './references/config';
import type { ClusterSnapshot } from './snapshot';

export type CompletionKind = 'service' | 'port' | 'namespace' | 'endpoint' | 'label' | 'zone';

export interface Completion {
  readonly label: string;
  /** The text that replaces `start..end` (the part of the word already typed). */
  readonly insertText: string;
  readonly start: number;
  readonly end: number;
  readonly kind: CompletionKind;
  /** What it reaches, in a few words. */
  readonly detail: string;
}

export interface CompletionContext {
  readonly snapshot: ClusterSnapshot;
  readonly zone: string;
  readonly defaultNamespace: string;
  /** At most this many items (an editor filters them further as the user types). */
  readonly limit?: number;
}

/** Keys whose value is a Service's name in the structured fields of kinds.ts. */
const SERVICE_NAME_KEYS = new Set(['serviceName', 'service']);
/** Parents under which `name:` is a Service's name: Ingress backends, Gateway API backendRefs, Traefik and Contour services. */
const SERVICE_PARENTS = /^(service|backendRefs|services|backend|defaultBackend|mirror|alertmanagers|upstreams)$/;
/** Options of a command that take a host as their value. */
const HOST_OPTION =
  /(?:^|\s)(?:--?(?:[a-z0-9-]*-)?(?:host|hostname|join|peers?|seeds?|addr|address|endpoints?|bootstrap-servers?|brokers?|upstream|server|url)|-h)(?:=|\s+)$/i;

/** Characters of the word being typed (a host, `host:port`, a URL). */
const TOKEN_CHAR = /[A-Za-z0-9._:/@[\]-]/;
/** Characters of a label key or value being typed in a selector. */
const LABEL_CHAR = /[\w./-]/;

/**
 * The longest end of `s` whose characters `char` matches, found from the end. `/[…]*$/` finds the same, but tries
 * every start in turn, each scanning to the end: on a line of 100,000 letters and then a `!` it took 16 s.
 */
function trailing(s: string, char: RegExp): string {
  let i = s.length;
  while (i > 0 && char.test(s[i - 1]!)) i--;
  return s.slice(i);
}

export function completions(text: string, offset: number, ctx: CompletionContext): Completion[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const token = trailing(before, TOKEN_CHAR);
  const tokenStart = offset - token.length;
  const namespace = holderNamespace(text, offset, ctx.defaultNamespace);
  const selector = inSelector(text, lineStart, before);
  if (selector) return limit(labelPairs(ctx, namespace, before, offset), ctx);
  const url = /^(?:[a-z][a-z0-9+.-]*:\/\/)(?:[^@/]*@)?/i.exec(token);
  const hostStart = tokenStart + (url ? url[0].length : 0);
  const host = token.slice(url ? url[0].length : 0);
  if (!url && !hostPosition(text, lineStart, before, token)) return [];
  if (host.includes('/')) return [];
  const port = /^([^:]+):(\d*)$/.exec(host);
  if (port) return limit(ports(ctx, namespace, port[1]!, offset - port[2]!.length, offset), ctx);
  return limit(names(ctx, namespace, host, hostStart, offset), ctx);
}

function limit(items: Completion[], ctx: CompletionContext): Completion[] {
  return items.slice(0, ctx.limit ?? 200);
}

/** Whether the word being typed is where a host goes: a host-like key or env var, a Service name field, a host option. */
function hostPosition(text: string, lineStart: number, before: string, token: string): boolean {
  const head = before.slice(0, before.length - token.length);
  if (HOST_OPTION.test(head)) return true;
  // The key right before the word: `host: `, `value: "`, `{name: X, value: `, `host=`.
  const kv = /(?:^|[\s{,])["']?([\w.-]+)["']?\s*[:=]\s*["']?$/.exec(head);
  if (!kv) {
    // A `host:port` word anywhere in free text.
    return /^[a-z0-9.-]+:\d*$/.test(token);
  }
  const key = kv[1]!;
  if (SERVICE_NAME_KEYS.has(key) || key === 'host') return true;
  if (keyHostStrength(key) !== undefined || envHostPosition(key).hostPosition !== undefined) return true;
  if (key === 'name') return SERVICE_PARENTS.test(parentKey(text, lineStart) ?? '');
  if (key === 'value') {
    // An env var: its name is on this line (`{name: X, value: …}`) or the one before.
    const inline = /name:\s*["']?([A-Za-z_][A-Za-z0-9_]*)/.exec(before);
    const previous = /name:\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*$/.exec(text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1));
    const name = inline?.[1] ?? previous?.[1];
    return name !== undefined && envHostPosition(name).hostPosition !== undefined;
  }
  return false;
}

/** The key of the nearest line above with less indentation: the mapping the current line is in. */
function parentKey(text: string, lineStart: number): string | undefined {
  const line = text.slice(lineStart, text.indexOf('\n', lineStart) < 0 ? text.length : text.indexOf('\n', lineStart));
  const indent = /^\s*(?:-\s+)?/.exec(line)![0].length;
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const l = text.slice(start, end);
    const m = /^(\s*)(?:-\s+)?([\w.-]+)\s*:/.exec(l);
    if (m && m[1]!.length < indent && l.trim() !== '') return m[2];
    if (/^---/.test(l)) return undefined;
    end = start - 1;
  }
  return undefined;
}

/** Inside a Service's `selector:` or a `matchLabels:`: the pairs of pod templates are what it can select. */
function inSelector(text: string, lineStart: number, before: string): boolean {
  if (/^\s*(?:selector|matchLabels):\s*\{[^}]*$/.test(before)) return true;
  const parent = parentKey(text, lineStart);
  return (parent === 'selector' || parent === 'matchLabels') && /^\s*[\w./-]*$/.test(before);
}

/** The namespace of the object around the offset (its `metadata.namespace`), else the default. */
function holderNamespace(text: string, offset: number, fallback: string): string {
  // A separator that starts at the cursor (the end of the document's last line) begins the next document.
  const docStart = Math.max(0, text.lastIndexOf('\n---', offset - 1) + 1);
  const next = text.indexOf('\n---', offset);
  const doc = text.slice(docStart, next < 0 ? text.length : next);
  const m = /^\s{2}namespace:\s*["']?([a-z0-9-]+)/m.exec(doc) ?? /metadata:\s*\{[^}]*namespace:\s*["']?([a-z0-9-]+)/.exec(doc);
  return m?.[1] ?? fallback;
}

/**
 * What completion looks up in a snapshot, built on first use and kept with it (a snapshot does not change): the
 * Services by name, and their distinct names sorted, so that a prefix is found by binary search rather than by a
 * scan of every Service (a cluster has far fewer names than Services: the same apps run in many namespaces).
 */
interface CompletionIndex {
  /** The distinct Service names, sorted. */
  readonly names: readonly string[];
  /** The Services of each name, in the snapshot's order. */
  readonly byName: ReadonlyMap<string, readonly Service[]>;
}

const indexes = new WeakMap<ClusterSnapshot, CompletionIndex>();
/** Per snapshot and namespace, counted when first asked: the `key: value` pairs of its pods, most common first. */
const labelIndexes = new WeakMap<ClusterSnapshot, Map<string, readonly (readonly [string, number])[]>>();

function indexOf(snapshot: ClusterSnapshot): CompletionIndex {
  let index = indexes.get(snapshot);
  if (index) return index;
  const byName = new Map<string, Service[]>();
  for (const s of snapshot.services()) {
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }
  index = { names: [...byName.keys()].sort(), byName };
  indexes.set(snapshot, index);
  return index;
}

/** The Services whose name starts with `prefix`: names in order, each name's Services in the snapshot's order. */
function* withPrefix(index: CompletionIndex, prefix: string): Generator<Service> {
  const { names } = index;
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (names[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < names.length && names[i]!.startsWith(prefix); i++) yield* index.byName.get(names[i]!)!;
}

function names(ctx: CompletionContext, namespace: string, host: string, start: number, end: number): Completion[] {
  const { snapshot, zone } = ctx;
  const max = ctx.limit ?? 200;
  const labels = host.split('.');
  const last = labels[labels.length - 1]!.toLowerCase();
  const out: Completion[] = [];
  const item = (insert: string, kind: CompletionKind, detail: string) => out.push({ label: insert, insertText: insert, start, end, kind, detail });
  if (labels.length === 1) {
    // Services of the pod's namespace by their short name, those of other namespaces as `name.namespace`.
    const own: Service[] = [];
    const others: Service[] = [];
    for (const s of withPrefix(indexOf(snapshot), last)) {
      if (s.namespace === namespace) own.push(s);
      else if (others.length < max) others.push(s);
    }
    for (const s of own.slice(0, max)) item(s.name, 'service', describe(snapshot, s));
    for (const s of others.slice(0, max - out.length)) item(`${s.name}.${s.namespace}`, 'service', describe(snapshot, s));
    return out;
  }
  const [first, second] = labels.map((l) => l.toLowerCase());
  if (labels.length === 2) {
    // `api.` → the namespaces that have a Service api; `redis-0.` → the headless Service whose endpoint it is.
    const named = [...(indexOf(snapshot).byName.get(first!) ?? [])].sort((a, b) => (a.namespace < b.namespace ? -1 : 1));
    for (const s of named) {
      if (out.length >= max) break;
      if (s.namespace.startsWith(last) && snapshot.hasNamespace(s.namespace)) item(`${first}.${s.namespace}`, 'namespace', describe(snapshot, s));
    }
    for (const s of snapshot.servicesIn(namespace)) {
      if (s.name.startsWith(last) && endpointNames(snapshot, s).includes(first!))
        item(`${first}.${s.name}`, 'endpoint', t('pod {0} of {1}', first!, describe(snapshot, s)));
    }
    return out;
  }
  const svc = snapshot.service(second!, first!);
  if (labels.length === 3 && svc && 'svc'.startsWith(last)) item(`${first}.${second}.svc`, 'zone', describe(snapshot, svc));
  if (labels.length === 4 && svc && labels[2] === 'svc' && zone.startsWith(last)) item(serviceFqdn(first!, second!, zone), 'zone', describe(snapshot, svc));
  return out;
}

function ports(ctx: CompletionContext, namespace: string, host: string, start: number, end: number): Completion[] {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  const svcAt = labels.indexOf('svc');
  const [name, ns] =
    svcAt >= 2
      ? [labels[svcAt - 2]!, labels[svcAt - 1]!]
      : labels.length === 2 && ctx.snapshot.hasNamespace(labels[1]!)
        ? [labels[0]!, labels[1]!]
        : [labels[labels.length - 1]!, namespace];
  const svc = ctx.snapshot.service(ns, name);
  if (!svc) return [];
  return svc.ports.map((p) => ({
    label: String(p.port),
    insertText: String(p.port),
    start,
    end,
    kind: 'port' as const,
    detail: t('{0} → targetPort {1} of Service {2}', `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`, p.targetPort, `${svc.namespace}/${svc.name}`),
  }));
}

/** The `key: value` pairs of the pods of a namespace, most common first. */
function labelPairs(ctx: CompletionContext, namespace: string, before: string, offset: number): Completion[] {
  const typed = trailing(before, LABEL_CHAR);
  let pairs = labelIndexes.get(ctx.snapshot);
  if (!pairs) labelIndexes.set(ctx.snapshot, (pairs = new Map()));
  let list = pairs.get(namespace);
  if (!list) {
    const counts = new Map<string, number>();
    for (const p of ctx.snapshot.podsIn(namespace)) {
      for (const [k, v] of Object.entries(p.labels)) {
        const pair = `${k}: ${v}`;
        counts.set(pair, (counts.get(pair) ?? 0) + 1);
      }
    }
    list = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    pairs.set(namespace, list);
  }
  const max = ctx.limit ?? 200;
  const out: Completion[] = [];
  for (const [pair, n] of list) {
    if (out.length >= max) break;
    if (!pair.startsWith(typed)) continue;
    out.push({
      label: pair,
      insertText: pair,
      start: offset - typed.length,
      end: offset,
      kind: 'label',
      detail: n === 1 ? t('carried by 1 pod of namespace {0}', namespace) : t('carried by {0} pods of namespace {1}', n, namespace),
    });
  }
  return out;
}

function endpointNames(snapshot: ClusterSnapshot, svc: Service): string[] {
  const out: string[] = [];
  for (const slice of snapshot.slicesOf(svc.namespace, svc.name)) for (const e of slice.endpoints) if (e.hostname) out.push(e.hostname);
  return out;
}

/** `Service shop/api · ClusterIP 10.96.4.2 · ports 8080`. */
function describe(snapshot: ClusterSnapshot, s: Service): string {
  const ip = s.headless
    ? 'headless'
    : s.type === 'ExternalName'
      ? `ExternalName ${s.externalName ?? ''}`
      : (s.clusterIPs[0] ?? t('cluster IP allocated by the cluster'));
  const ready = snapshot.endpointCounts(s.namespace, s.name).ready;
  const portList = t('ports {0}', s.ports.map((p) => p.port).join(', ') || t('none'));
  return `Service ${s.namespace}/${s.name} · ${ip} · ${portList} · ${t('{0} ready', ready)}`;
}
