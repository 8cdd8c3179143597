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
import { type TemplateLines, templateLines } from './template-lines';

/** Kinds that live outside namespaces: no namespace is written into them. */
const CLUSTER_SCOPED_KINDS = new Set([
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
  /** The document's text after the header, without its last newline. */
  readonly text: string;
}

const HEADER = '---\n# Source: ';

/**
 * Splits `helm template` output into documents with their `# Source:` paths (found by searching for the header,
 * not by reading every line: the output of a chart with CRDs runs to tens of thousands of lines).
 */
export function splitHelmOutput(stdout: string): HelmDocument[] {
  const docs: HelmDocument[] = [];
  const text = stdout.replace(/\r\n/g, '\n');
  let at = text.startsWith(HEADER) ? 0 : text.indexOf(`\n${HEADER}`) + 1;
  while (at > 0 || (at === 0 && text.startsWith(HEADER))) {
    const pathStart = at + HEADER.length;
    const pathEnd = text.indexOf('\n', pathStart);
    if (pathEnd < 0) break;
    const next = text.indexOf(`\n${HEADER}`, pathEnd);
    const bodyEnd = next < 0 ? text.length : next;
    let body = text.slice(pathEnd + 1, bodyEnd);
    if (body.endsWith('\n')) body = body.slice(0, -1);
    docs.push({ sourcePath: text.slice(pathStart, pathEnd).trim(), text: body });
    if (next < 0) break;
    at = next + 1;
  }
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
    // Lines with a file but no place in it share one entry.
    const fileOnly: MappedLine | null = index < 0 ? null : { source: index, line: 0, parts: [] };
    // A CustomResourceDefinition is not analysed (its schema names nothing a pod reaches): its lines point at the
    // file only, and are copied as one piece, which spares the largest documents of a chart line-by-line work.
    // Its kind and apiVersion are at its top, so its first lines tell.
    const head = doc.text.length > 4000 ? doc.text.slice(0, doc.text.indexOf('\n', 4000) < 0 ? doc.text.length : doc.text.indexOf('\n', 4000)) : doc.text;
    if (isCustomResourceDefinition(head) && isCustomResourceDefinition(doc.text)) {
      let lines = 1;
      for (let p = doc.text.indexOf('\n'); p >= 0; p = doc.text.indexOf('\n', p + 1)) lines++;
      out.push(doc.text);
      for (let i = 0; i < lines; i++) mapped.push(fileOnly);
      offset += doc.text.length + 1;
      continue;
    }
    const docLines = doc.text.split('\n');
    const assigned = file ? cache.align(cache.get(file.text), docLines) : undefined;
    const insertAt = namespaceInsertion(doc.text, options.namespace);
    for (let i = 0; i < docLines.length; i++) {
      if (insertAt && insertAt.line === i) push(`${' '.repeat(insertAt.indent)}namespace: ${options.namespace}`, null);
      const line = docLines[i]!;
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
