/**
 * Turns the output of `helm template` into the rendered manifest handed on and its source map. Each document
 * carries a `# Source: <chart>/templates/<file>` header; its lines are aligned with that template (align.ts).
 * Objects that name no namespace get the release namespace written in (an added line, without a source), as the
 * API server would place them on `helm install --namespace`, so that the rendered text can be analysed beside
 * manifests of other namespaces.
 *
 * Pure code (no Node API): the caller reads the files and runs helm.
 */
import { isCustomResourceDefinition } from '../core/incremental';
import { alignTemplate, type LineAssignment } from './align';
import { lineStartsOf, type MappedLine, type SourceFile, type SourceMapTable } from './source-map';
import { templateLines, type TemplateLines } from './template-lines';

/** Kinds that live outside namespaces: no namespace is written into them. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'GatewayClass',
  'ClusterIssuer',
  'PodSecurityPolicy',
  'ComponentStatus',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
]);

export interface HelmDocument {
  /** The path in the `# Source:` header, as helm wrote it (`podinfo/templates/service.yaml`). */
  readonly sourcePath: string;
  /** The document's lines after the header. */
  readonly lines: readonly string[];
}

/** Splits `helm template` output into documents with their `# Source:` paths. */
export function splitHelmOutput(stdout: string): HelmDocument[] {
  const docs: HelmDocument[] = [];
  let current: { sourcePath: string; lines: string[] } | undefined;
  const all = stdout.split('\n');
  if (all[all.length - 1] === '') all.pop();
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!;
    if (/^---\s*$/.test(line)) {
      const header = /^# Source: (.+?)\s*$/.exec(all[i + 1] ?? '');
      if (header) {
        if (current) docs.push(current);
        current = { sourcePath: header[1]!, lines: [] };
        i++;
        continue;
      }
    }
    if (current) current.lines.push(line);
  }
  if (current) docs.push(current);
  return docs;
}

export interface TemplateCache {
  get(text: string): TemplateLines;
  /** Alignments of a template with a document, kept while both texts stay the same. */
  align(tpl: TemplateLines, lines: readonly string[]): LineAssignment[];
}

/** A cache of parsed templates and alignments (keyed by their texts), to re-render after one edit cheaply. */
export function templateCache(maxEntries = 2000): TemplateCache {
  const parsed = new Map<string, TemplateLines>();
  const aligned = new Map<string, LineAssignment[]>();
  const keyOf = new WeakMap<TemplateLines, number>();
  let next = 0;
  const bound = <V>(m: Map<string, V>) => {
    while (m.size > maxEntries) m.delete(m.keys().next().value as string);
  };
  return {
    get(text) {
      let t = parsed.get(text);
      if (!t) {
        t = templateLines(text);
        parsed.set(text, t);
        bound(parsed);
      }
      return t;
    },
    align(tpl, lines) {
      let id = keyOf.get(tpl);
      if (id === undefined) {
        id = next++;
        keyOf.set(tpl, id);
      }
      const key = `${id}\u0000${lines.join('\n')}`;
      let a = aligned.get(key);
      if (!a) {
        a = alignTemplate(tpl, lines);
        aligned.set(key, a);
        bound(aligned);
      }
      return a;
    },
  };
}

export interface HelmAssembly {
  readonly text: string;
  readonly map: SourceMapTable;
  /** `# Source:` paths that no file could be found for (a packaged sub-chart, say). */
  readonly unmapped: readonly string[];
}

export interface AssembleOptions {
  /** The namespace written into objects that name none (the release namespace). */
  readonly namespace: string;
  /** The file of a `# Source:` path with its text, or undefined when there is none to read. */
  readonly sourceOf: (sourcePath: string) => SourceFile | undefined;
  readonly cache?: TemplateCache;
  /** Awaited between documents, so that a large chart does not hold the thread for all of its documents. */
  readonly pause?: () => Promise<void>;
}

/** Builds the rendered text and its map from helm's documents. */
export async function assembleHelm(docs: readonly HelmDocument[], options: AssembleOptions): Promise<HelmAssembly> {
  const cache = options.cache ?? templateCache();
  const sources: SourceFile[] = [];
  const sourceIndex = new Map<string, number>();
  const unmapped = new Set<string>();
  const out: string[] = [];
  const mapped: (MappedLine | null)[] = [];
  let offset = 0;
  const push = (line: string, m: MappedLine | null) => {
    out.push(line);
    mapped.push(m);
    offset += line.length + 1;
  };
  for (const doc of docs) {
    if (options.pause) await options.pause();
    push('---', null);
    push(`# Source: ${doc.sourcePath}`, null);
    const file = options.sourceOf(doc.sourcePath);
    let index = -1;
    if (file) {
      index = sourceIndex.get(file.path) ?? -1;
      if (index < 0) {
        index = sources.length;
        sources.push(file);
        sourceIndex.set(file.path, index);
      }
    } else unmapped.add(doc.sourcePath);
    const body = doc.lines.join('\n');
    // A CustomResourceDefinition is not analysed (its schema names nothing a pod reaches): its lines point at
    // the file only, which spares aligning the largest documents of a chart.
    const crd = isCustomResourceDefinition(body);
    const assigned = file && !crd ? cache.align(cache.get(file.text), doc.lines) : undefined;
    const insertAt = crd ? undefined : namespaceInsertion(body, options.namespace);
    // Lines with a file but no place in it (a CRD's) share one entry.
    const fileOnly: MappedLine | null = index < 0 ? null : { source: index, line: 0, parts: [] };
    for (let i = 0; i < doc.lines.length; i++) {
      if (insertAt && insertAt.line === i) push(`${' '.repeat(insertAt.indent)}namespace: ${options.namespace}`, null);
      const line = doc.lines[i]!;
      const a = assigned?.[i];
      if (index < 0) push(line, null);
      else if (!a || a.templateLine < 0) push(line, fileOnly);
      else push(line, { source: index, line: a.templateLine, parts: a.parts.map((p) => ({ ...p, start: p.start + offset, end: p.end + offset })) });
    }
  }
  const text = out.length > 0 ? `${out.join('\n')}\n` : '';
  return { text, map: { sources, lineStarts: lineStartsOf(text), lines: mapped }, unmapped: [...unmapped] };
}

/**
 * Where to write `namespace: <ns>` into a document whose object names none: before the first key of its
 * `metadata` map (0-based line of the document, and the indentation of that key). Undefined for documents that
 * name a namespace, are cluster-scoped, are not an object, or whose `metadata` is not a block map. The text is
 * read line by line (helm's output is regular YAML): parsing every document again would cost more than the
 * alignment itself on large charts.
 */
export function namespaceInsertion(body: string, namespace: string): { line: number; indent: number } | undefined {
  if (namespace === '') return undefined;
  const kind = /^kind:[ \t]*["']?([A-Za-z0-9]+)["']?[ \t]*(?:#.*)?$/m.exec(body)?.[1];
  if (kind === undefined || CLUSTER_SCOPED_KINDS.has(kind) || kind.endsWith('List') || !/^apiVersion:/m.test(body)) return undefined;
  const lines = body.split('\n');
  const meta = lines.findIndex((l) => /^metadata:[ \t]*(?:#.*)?$/.test(l));
  if (meta < 0) return undefined;
  let first = -1;
  let indent = -1;
  for (let i = meta + 1; i < lines.length; i++) {
    const l = lines[i]!;
    const t = l.trimStart();
    if (t === '' || t.startsWith('#')) continue;
    const n = l.length - t.length;
    if (indent < 0) {
      if (n === 0 || t.startsWith('- ')) return undefined;
      indent = n;
      first = i;
    }
    if (n < indent) break;
    if (n === indent && /^namespace:(?:[ \t]|$)/.test(t)) return undefined;
  }
  return first < 0 ? undefined : { line: first, indent };
}
