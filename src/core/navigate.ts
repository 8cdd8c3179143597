/**
 * The other way round from resolution: from a Service to every place that names it, each in its own spelling (a
 * short name, `svc.ns`, an FQDN inside a URL, a `redis-0.redis` pod name, an Ingress backend), and the edits that
 * rename it there. Pure: the files' references and a way to resolve them come in, offsets go out.
 */

import { isMap, isScalar, isSeq } from 'yaml';
import { t } from './l10n';
import { type ManifestObject, namespaceOf, type ParsedManifest, parseManifest } from './manifests';
import type { Service } from './model';
import { type Reference, scanReferences } from './references';
import { decodeBase64, utf8Text } from './references/base64';
import { MASK, maskPlaceholders } from './references/hosts';
import { groupOf } from './references/kinds';
import { type MappedText, scalarText, sourceRange } from './references/scalar';
import type { Resolver } from './resolver';

export interface ServiceKey {
  readonly namespace: string;
  readonly name: string;
}

/** A file with its references, as the language server and `netlens check` hold them. */
export interface ScannedFile {
  readonly uri: string;
  readonly text: string;
  readonly manifest: ParsedManifest;
  readonly references: readonly Reference[];
}

export type OccurrenceKind =
  /** The Service's own `metadata.name`. */
  | 'declaration'
  /** A reference that resolves to it. */
  | 'reference'
  /**
   * An object that carries its name by rule: its Endpoints, the `kubernetes.io/service-name` label of its slices,
   * another declaration of it (a Kustomize patch file), a Kustomize patch or patch target that selects it by name.
   */
  | 'companion';

export interface Occurrence {
  readonly uri: string;
  readonly kind: OccurrenceKind;
  /** The whole reference (for a list of references). */
  readonly start: number;
  readonly end: number;
  /** The characters that spell the Service's name (what a rename replaces), when they are written as such. */
  readonly nameStart?: number;
  readonly nameEnd?: number;
  readonly reference?: Reference;
  /** Why the name cannot be renamed here as text (base64 data is re-encoded instead: see `renameEdits`). */
  readonly unrenamable?: string;
}

/**
 * What each reference reaches, per resolver: find references, rename and every code lens of a file ask it of every
 * reference of the workspace, and a resolver (a model) and the references of an unchanged text stay the same objects.
 */
const reached = new WeakMap<Resolver, WeakMap<Reference, ServiceKey | null>>();

/** The Service a reference reaches, from one resolver (the first source that knows it). */
export function serviceOf(ref: Reference, resolver: Resolver): ServiceKey | undefined {
  let known = reached.get(resolver);
  if (!known) reached.set(resolver, (known = new WeakMap()));
  const cached = known.get(ref);
  if (cached !== undefined) return cached ?? undefined;
  const found = findServiceOf(ref, resolver);
  known.set(ref, found ?? null);
  return found;
}

function findServiceOf(ref: Reference, resolver: Resolver): ServiceKey | undefined {
  if (ref.local) return undefined;
  if (ref.kind === 'service') {
    const namespace = ref.serviceNamespace ?? ref.namespace;
    return resolver.snapshot.service(namespace, ref.host) ? { namespace, name: ref.host } : undefined;
  }
  if (ref.kind === 'ip') return undefined;
  const r = resolver.resolve(ref.host, { namespace: ref.namespace, qtype: 'A' });
  if (!r.ok || r.answer.rcode !== 'NOERROR') return undefined;
  const s = r.answer.explanation.service;
  if (!s) return undefined;
  // A CNAME (ExternalName) to another Service explains the target; the name written is the first Service's.
  const qname = r.answer.qname.toLowerCase();
  const suffix = `.svc.${resolver.zone}.`;
  if (!qname.endsWith(suffix)) return { namespace: s.namespace, name: s.name };
  const labels = qname.slice(0, -suffix.length).split('.');
  const namespace = labels[labels.length - 1]!;
  const name = labels[labels.length - 2]!;
  return name && namespace ? { namespace, name } : { namespace: s.namespace, name: s.name };
}

/**
 * Where a reference spells the Service's name: the host label that names it, found by expanding the name as the
 * pod's search path does (`redis-0.redis` → `redis-0.redis.shop.svc.cluster.local`: the second label).
 */
export function nameSpan(ref: Reference, service: ServiceKey, zone: string): { start: number; end: number } | undefined {
  if (ref.hostEnd - ref.hostStart !== ref.host.length) return undefined;
  if (ref.kind === 'service') return ref.host === service.name ? { start: ref.hostStart, end: ref.hostEnd } : undefined;
  const written = ref.host.replace(/\.$/, '').split('.');
  const lower = written.map((l) => l.toLowerCase());
  void zone;
  // `<…>.<svc>.<ns>.svc[.<zone>]`, `<svc>.<ns>`, `<pod>.<svc>`, `<svc>`: the forms the search path completes.
  const svcLabel = lower.lastIndexOf('svc');
  let svcAt: number;
  if (svcLabel >= 2 && lower[svcLabel - 1] === service.namespace) svcAt = svcLabel - 2;
  else if (lower.length >= 2 && lower[lower.length - 1] === service.namespace && lower[lower.length - 2] === service.name) svcAt = lower.length - 2;
  else if (lower[lower.length - 1] === service.name) svcAt = lower.length - 1;
  else svcAt = lower.lastIndexOf(service.name);
  if (svcAt < 0 || lower[svcAt] !== service.name) return undefined;
  let offset = 0;
  for (let i = 0; i < svcAt; i++) offset += written[i]!.length + 1;
  return { start: ref.hostStart + offset, end: ref.hostStart + offset + service.name.length };
}

/**
 * Every place of the files that names the Service: its declaration, the references that reach it, its companions,
 * and what the inline patches of Kustomize files say of it. `defaultNamespace` is the namespace of objects that name
 * none (as the files were scanned with).
 */
export function occurrences(
  service: ServiceKey,
  files: readonly ScannedFile[],
  resolver: Resolver,
  declared?: Service,
  defaultNamespace = 'default',
): Occurrence[] {
  const out: Occurrence[] = [];
  if (declared?.source) {
    const s = declared.source;
    out.push({ uri: s.uri, kind: 'declaration', start: s.nameStart, end: s.nameEnd, nameStart: s.nameStart, nameEnd: s.nameEnd });
  }
  for (const f of files) {
    for (const ref of f.references) {
      const target = serviceOf(ref, resolver);
      if (!target || target.namespace !== service.namespace || target.name !== service.name) continue;
      const span = nameSpan(ref, service, resolver.zone);
      const coarse = ref.hostEnd - ref.hostStart !== ref.host.length;
      out.push({
        uri: f.uri,
        kind: 'reference',
        start: ref.start,
        end: ref.end,
        ...(span ? { nameStart: span.start, nameEnd: span.end } : {}),
        reference: ref,
        ...(!span && !coarse ? { unrenamable: t('{0} spells it in a way NetLens cannot edit as text', ref.context) } : {}),
      });
    }
    out.push(...companions(f, service, declared, defaultNamespace));
    out.push(...templated(f, service));
    out.push(...kustomizePatches(f, service, resolver, defaultNamespace));
  }
  return out;
}

/** A host-like word: labels of name characters and masked placeholders, separated by dots. */
const HOSTLIKE = /[A-Za-z0-9\u0001-]+(?:\.[A-Za-z0-9\u0001-]+)+/g;

/**
 * The places where a template expression builds a name from the Service's name and a value only a renderer knows
 * (`api.{{ .Release.Namespace }}.svc`, `http://api.${NAMESPACE}:8080`): not references (no one can resolve them),
 * but a rename cannot make them right as text, so they refuse it and say where they are.
 */
function templated(f: ScannedFile, service: ServiceKey): Occurrence[] {
  if (!f.text.includes(service.name)) return [];
  const masked = maskPlaceholders(f.text);
  if (masked === f.text) return [];
  const out: Occurrence[] = [];
  for (const m of masked.matchAll(HOSTLIKE)) {
    if (!m[0].includes(MASK)) continue;
    const labels = m[0].split('.');
    if (labels[0] !== service.name || !labels.slice(1).some((l) => l.includes(MASK))) continue;
    const start = m.index;
    const line = f.text.slice(0, start).split('\n').length;
    out.push({
      uri: f.uri,
      kind: 'reference',
      start,
      end: start + m[0].length,
      unrenamable: t(
        '{0} builds "{1}" with a template expression; change it by hand',
        t('{0} line {1}', f.uri.slice(f.uri.lastIndexOf('/') + 1), line),
        f.text.slice(start, start + m[0].length),
      ),
    });
  }
  return out;
}

/**
 * Endpoints named after the Service, EndpointSlices labelled with its name, and other declarations of the Service
 * (a patch file of a Kustomize overlay reads as one: `kustomize build` finds its target by that name).
 */
function companions(f: ScannedFile, service: ServiceKey, declared: Service | undefined, defaultNamespace: string): Occurrence[] {
  const out: Occurrence[] = [];
  for (const o of f.manifest.objects) {
    if (isService(o) && o.name === service.name && namespaceOf(o, defaultNamespace) === service.namespace) {
      const d = declared?.source;
      if (!(d && d.uri === f.uri && d.nameStart === o.source.nameStart))
        out.push({ uri: f.uri, kind: 'companion', start: o.source.nameStart, end: o.source.nameEnd, nameStart: o.source.nameStart, nameEnd: o.source.nameEnd });
    }
    if (o.kind === 'Endpoints' && o.name === service.name && (o.namespace ?? o.impliedNamespace ?? service.namespace) === service.namespace) {
      out.push({ uri: f.uri, kind: 'companion', start: o.source.nameStart, end: o.source.nameEnd, nameStart: o.source.nameStart, nameEnd: o.source.nameEnd });
    }
    if (o.kind === 'EndpointSlice') {
      const text = f.text.slice(o.source.start, o.source.end);
      const m = /kubernetes\.io\/service-name["']?\s*:\s*["']?([a-z0-9-]+)/.exec(text);
      if (m && m[1] === service.name) {
        const at = o.source.start + m.index + m[0].length - m[1].length;
        out.push({ uri: f.uri, kind: 'companion', start: at, end: at + m[1].length, nameStart: at, nameEnd: at + m[1].length });
      }
    }
  }
  return out;
}

const isService = (o: Pick<ManifestObject, 'apiVersion' | 'kind'>) => o.kind === 'Service' && groupOf(o.apiVersion) === '';

/** A Service name written as a DNS label of a text (not a part of a longer name). */
const labelIn = (text: string, name: string) => new RegExp(`(?<![A-Za-z0-9-])${name}(?![A-Za-z0-9-])`).test(text);

/**
 * The inline patches of a Kustomization or Component (`patches`, `patchesStrategicMerge`, `patchesJson6902`) that
 * name the Service: a strategic-merge patch of the Service itself (`kind: Service`, its name, often `$patch: delete`),
 * a patch `target` that selects it by name, and the references inside a patch (the env value that a patched
 * Deployment gets). `kustomize build` applies them by name, so a rename that left them would make the build fail
 * (a patch without its target) or send the patched pods to a Service that is gone. A JSON patch (a list of
 * operations) that writes the name is not read: it refuses the rename and says where it is.
 */
function kustomizePatches(f: ScannedFile, service: ServiceKey, resolver: Resolver, defaultNamespace: string): Occurrence[] {
  if (!f.text.includes(service.name)) return [];
  const out: Occurrence[] = [];
  for (const o of f.manifest.objects) {
    if (groupOf(o.apiVersion) !== 'kustomize.config.k8s.io' || !isMap(o.node)) continue;
    // A large file is parsed a piece at a time: the object's source is placed in the file, its nodes are not.
    const shift = o.source.start - (o.node.range?.[0] ?? 0);
    const piece = shift === 0 ? f.text : f.text.slice(shift);
    const ns = plain(o.node.get('namespace', true)) ?? defaultNamespace;
    const where = (at: number) => t('{0} line {1}', f.uri.slice(f.uri.lastIndexOf('/') + 1), f.text.slice(0, at).split('\n').length);
    const patch = (node: unknown) => {
      if (!isScalar(node) || typeof node.value !== 'string' || !labelIn(node.value, service.name)) return;
      const m = scalarText(node, piece);
      if (m) out.push(...inPatch(f.uri, m, shift, service, resolver, ns, where));
    };
    const target = (node: unknown) => {
      if (!isMap(node) || plain(node.get('kind', true)) !== 'Service' || (plain(node.get('namespace', true)) ?? ns) !== service.namespace) return;
      const group = plain(node.get('group', true));
      const name = node.get('name', true);
      if ((group !== undefined && group !== '') || !isScalar(name) || name.value !== service.name) return;
      const m = scalarText(name, piece);
      const span = m && mapped(m, 0, m.text.length, shift);
      const start = (name.range?.[0] ?? 0) + shift;
      if (span) out.push({ uri: f.uri, kind: 'companion', start: span.start, end: span.end, nameStart: span.start, nameEnd: span.end });
      else
        out.push({
          uri: f.uri,
          kind: 'companion',
          start,
          end: start,
          unrenamable: t('{0} selects it in a patch target written in a way NetLens cannot edit', where(start)),
        });
    };
    for (const key of ['patches', 'patchesStrategicMerge', 'patchesJson6902']) {
      const list = o.node.get(key, true);
      if (!isSeq(list)) continue;
      for (const item of list.items) {
        if (isMap(item)) {
          patch(item.get('patch', true));
          target(item.get('target', true));
        } else patch(item);
      }
    }
  }
  return out;
}

/** A plain string value of a node. */
function plain(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** The file range of characters `start..end` of a patch's text, when they are written there as such. */
function mapped(m: MappedText, start: number, end: number, shift: number): { start: number; end: number } | undefined {
  if (!m.exact) return undefined;
  const [s, e] = sourceRange(m, start, end);
  return e - s === end - start ? { start: s + shift, end: e + shift } : undefined;
}

/** One inline patch: its objects and references as if it were a file, placed back at their characters in the file. */
function inPatch(
  uri: string,
  m: MappedText,
  shift: number,
  service: ServiceKey,
  resolver: Resolver,
  namespace: string,
  where: (at: number) => string,
): Occurrence[] {
  const out: Occurrence[] = [];
  const at = m.offsets[0]! + shift;
  const parsed = parseManifest(uri, m.text);
  if (parsed.objects.length === 0) {
    const json = parsed.documents.some((d) => isSeq(d.contents));
    return [
      {
        uri,
        kind: 'companion',
        start: at,
        end: m.offsets[m.text.length]! + shift,
        unrenamable: json
          ? t('{0} is a JSON patch that writes "{1}"; change it by hand', where(at), service.name)
          : t('{0} is a patch NetLens cannot read that names "{1}"; change it by hand', where(at), service.name),
      },
    ];
  }
  const unplaced = (start: number, what: 'patches' | 'names'): Occurrence => {
    const s = m.offsets[start]! + shift;
    const unrenamable =
      what === 'patches'
        ? t('{0} patches it in a patch written in a way NetLens cannot edit', where(s))
        : t('{0} names it in a patch written in a way NetLens cannot edit', where(s));
    return { uri, kind: 'companion', start: s, end: s, unrenamable };
  };
  for (const o of parsed.objects) {
    if (!isService(o) || o.name !== service.name || namespaceOf(o, namespace) !== service.namespace) continue;
    const span = mapped(m, o.source.nameStart, o.source.nameEnd, shift);
    out.push(
      span ? { uri, kind: 'companion', start: span.start, end: span.end, nameStart: span.start, nameEnd: span.end } : unplaced(o.source.nameStart, 'patches'),
    );
  }
  for (const ref of scanReferences(parsed, { zone: resolver.zone, defaultNamespace: namespace })) {
    const key = serviceOf(ref, resolver);
    if (!key || key.namespace !== service.namespace || key.name !== service.name) continue;
    const span = nameSpan(ref, service, resolver.zone);
    const name = span && mapped(m, span.start, span.end, shift);
    if (!name) {
      out.push(unplaced(ref.hostStart, 'names'));
      continue;
    }
    const whole = mapped(m, ref.start, ref.end, shift) ?? name;
    const host = mapped(m, ref.hostStart, ref.hostEnd, shift) ?? name;
    out.push({
      uri,
      kind: 'reference',
      start: whole.start,
      end: whole.end,
      nameStart: name.start,
      nameEnd: name.end,
      reference: { ...ref, start: whole.start, end: whole.end, hostStart: host.start, hostEnd: host.end },
    });
  }
  return out;
}

export interface TextEdit {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export type RenameResult = { readonly ok: true; readonly edits: readonly TextEdit[] } | { readonly ok: false; readonly message: string };

/** A Service name as the API server accepts it (RFC 1035 label: starts with a letter). */
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The edits that rename a Service everywhere its name is written, each occurrence in its own spelling; refused, with
 * the reason, where one cannot be made as text. A name inside base64 Secret data is renamed by encoding the value
 * again.
 */
export function renameEdits(service: ServiceKey, newName: string, found: readonly Occurrence[], texts: ReadonlyMap<string, string>): RenameResult {
  if (!SERVICE_NAME.test(newName))
    return {
      ok: false,
      message: t('"{0}" is not a valid Service name: lower-case letters, digits and "-", starting with a letter, at most 63 characters.', newName),
    };
  if (newName === service.name) return { ok: true, edits: [] };
  const blocked = found.find((o) => o.unrenamable);
  if (blocked) return { ok: false, message: t('Service {0} cannot be renamed as text: {1}.', `${service.namespace}/${service.name}`, blocked.unrenamable!) };
  const edits: TextEdit[] = [];
  const encoded = new Map<string, { start: number; end: number; refs: Occurrence[] }>();
  for (const o of found) {
    if (o.nameStart !== undefined && o.nameEnd !== undefined) {
      edits.push({ uri: o.uri, start: o.nameStart, end: o.nameEnd, newText: newName });
      continue;
    }
    // A reference inside base64 data: its range is the whole value.
    const key = `${o.uri}#${o.start}`;
    const entry = encoded.get(key) ?? { start: o.start, end: o.end, refs: [] };
    entry.refs.push(o);
    encoded.set(key, entry);
  }
  for (const [key, e] of encoded) {
    const uri = key.slice(0, key.lastIndexOf('#'));
    const text = texts.get(uri);
    const bytes = text !== undefined ? decodeBase64(text.slice(e.start, e.end)) : undefined;
    const decoded = bytes && utf8Text(bytes);
    if (decoded === undefined) return { ok: false, message: t('a reference in {0} is in data NetLens cannot decode again.', uri) };
    // Rename the label wherever the decoded text spells the Service's name as a host (bounded by non-name characters).
    const renamed = decoded.replace(new RegExp(`(?<![A-Za-z0-9-])${service.name}(?=$|[.:/,\\s"'?#@])`, 'g'), newName);
    edits.push({ uri, start: e.start, end: e.end, newText: encodeBase64(renamed) });
  }
  // One edit per place: a name both declared and referenced at the same spot is edited once.
  const seen = new Set<string>();
  const unique = edits.filter((x) => {
    const k = `${x.uri}#${x.start}#${x.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  unique.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.start - b.start));
  return { ok: true, edits: unique };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** UTF-8 then base64, as Secret `data` holds text. */
export function encodeBase64(text: string): string {
  const bytes: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63]! : '=';
  }
  return out;
}
