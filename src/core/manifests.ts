/**
 * Multi-document YAML manifests, parsed once with source positions kept. A document that fails to parse is
 * reported with its line and column and left out; every other document of the file is kept.
 */
import { Composer, CST, type Document, isMap, isScalar, isSeq, LineCounter, Parser, type Node as YamlNode } from 'yaml';
import { isBlockRead, plainData, readBlockYaml } from './block-yaml';
import { t } from './l10n';
import type { SourceRef } from './model';

export type ProblemCode = 'yaml-syntax' | 'alias-limit' | 'too-deep' | 'duplicate-object' | 'duplicate-key' | 'invalid-value' | 'not-text';

export interface ManifestProblem {
  readonly uri: string;
  readonly code: ProblemCode;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly offset: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Another offset the message names (the first of a key written twice). */
  readonly related?: number;
}

/** A Kubernetes object declared in a manifest: a document, or an item of a `kind: List` document. */
export interface ManifestObject {
  readonly uri: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** `metadata.namespace` as written; undefined when the manifest leaves it to the default. */
  readonly namespace: string | undefined;
  /**
   * For an object without `metadata.namespace`: the one namespace that the file's other objects all name. Such a
   * file can only be applied to that namespace (`kubectl apply -n` refuses objects of another), so the object
   * lands there.
   */
  readonly impliedNamespace?: string;
  readonly source: SourceRef;
  /** The node of the object in its document (for positions of fields). */
  readonly node: YamlNode;
  /** The object as plain data, converted on first use. */
  value(): Record<string, unknown>;
}

export interface ParsedManifest {
  readonly uri: string;
  readonly text: string;
  readonly documents: readonly Document.Parsed[];
  readonly objects: readonly ManifestObject[];
  readonly problems: readonly ManifestProblem[];
  /** Documents that are not Kubernetes objects (no `apiVersion` and `kind`), including empty ones. */
  readonly skipped: number;
  readonly lineCounter: LineCounter;
}

/** The namespace an object lands in: as written, else the one its file implies, else the default. */
export function namespaceOf(obj: Pick<ManifestObject, 'namespace' | 'impliedNamespace'>, defaultNamespace: string): string {
  return obj.namespace ?? obj.impliedNamespace ?? defaultNamespace;
}

/**
 * The namespace that every object of a file naming one names, or undefined when they name none or several. Objects
 * that name none are applied with `kubectl apply -n`, which must then be that namespace.
 */
export function impliedNamespace(objects: readonly Pick<ManifestObject, 'namespace'>[]): string | undefined {
  let found: string | undefined;
  for (const o of objects) {
    if (o.namespace === undefined) continue;
    if (found === undefined) found = o.namespace;
    else if (found !== o.namespace) return undefined;
  }
  return found;
}

/** The objects with the namespace their file implies set, where they name none. */
export function withImpliedNamespace(objects: readonly ManifestObject[]): ManifestObject[] {
  const implied = impliedNamespace(objects);
  return objects.map((o) =>
    o.namespace === undefined && implied !== undefined && o.impliedNamespace !== implied ? { ...o, value: o.value, impliedNamespace: implied } : o,
  );
}

/** Aliases a document may expand before it is refused: enough for real manifests, far too few for a bomb. */
export const MAX_ALIAS_COUNT = 1000;

/**
 * Collections a document may nest before it is refused unread. The YAML composer, `toJS` and the scanners recurse
 * once a level, and about 1,000 levels (`- - - …` on one line, `[[[…`) use up Node's stack: the composer catches
 * the overflow, but a regular expression that V8 compiles at that depth (its second run, when V8 recompiles it to
 * machine code) ends the process with a fatal out-of-memory error that nothing can catch. Real manifests nest far
 * less (the deepest CRD schemas about 40 levels).
 */
export const MAX_DEPTH = 256;

/** The offset of the first collection of a document nested more than `MAX_DEPTH` deep, or -1; walked without recursion. */
function tooDeepAt(doc: CST.Document): number {
  const stack: [CST.Token | null | undefined, number][] = [[doc.value, 1]];
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!CST.isCollection(token)) continue;
    if (depth > MAX_DEPTH) return token.offset;
    for (const item of token.items) stack.push([item.key, depth + 1], [item.value, depth + 1]);
  }
  return -1;
}

/** The syntax trees of `tokens` but for the documents nested too deep, whose offsets go to `refused`. */
function* shallow(tokens: Iterable<CST.Token>, refused: number[]): Generator<CST.Token> {
  for (const token of tokens) {
    const deep = token.type === 'document' ? tooDeepAt(token) : -1;
    if (deep >= 0) refused.push(deep);
    else yield token;
  }
}

/**
 * As kubectl reads YAML (go-yaml through sigs.k8s.io/yaml): a key written twice keeps its later value, and `<<` merge
 * keys are expanded. A duplicate key is reported, not a reason to drop the object. The YAML library's warnings (a
 * template's `{{ x }}: 1` key made a string) would go to the process's stderr: errors are reported here.
 */
export const COMPOSER_OPTIONS = { prettyErrors: false, uniqueKeys: false, merge: true, logLevel: 'error' } as const;

/**
 * The documents of `text`, as `parseAllDocuments` gives them, but for those nested too deep: `refuse` is told where
 * each is, and it is left out.
 */
function parseDocuments(text: string, refuse: (offset: number) => void): Document.Parsed[] {
  // Most manifests are plain block YAML, which the block reader makes the same nodes of, several times faster.
  const quick = readBlockYaml(text, COMPOSER_OPTIONS);
  if (quick) return [quick];
  let source = text;
  const blanked: number[] = [];
  for (;;) {
    const refused: number[] = [];
    const parser = new Parser();
    try {
      const composer = new Composer(COMPOSER_OPTIONS);
      const documents = Array.from(composer.compose(shallow(parser.parse(source), refused)));
      for (const offset of [...blanked, ...refused].sort((a, b) => a - b)) refuse(offset);
      return documents;
    } catch (e) {
      // The parser recurses too, once a level, when one line closes many collections (2,000 `- ` on a line, then a
      // line less indented): past the stack, the document is blanked out, its offsets kept, and the text parsed again.
      // No regular expression runs in that recursion, so the overflow is an ordinary RangeError.
      if (!(e instanceof RangeError)) throw e;
      const { offset, rest } = blankDocument(source, Math.min(parser.offset, source.length));
      blanked.push(offset);
      source = rest;
    }
  }
}

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

/**
 * `text` with the document around `at` made blank (each character but line ends a space, so that every offset
 * stays), and where its text began. The document ends before the next marker line after `at`; a blank one cannot
 * overflow the parser, and when the document was blank already, the rest of the text is blanked instead.
 */
function blankDocument(text: string, at: number): { offset: number; rest: string } {
  let start = 0;
  let end = text.length;
  for (const m of text.matchAll(DOCUMENT_MARKER)) {
    if (m.index! < at) start = m.index! + m[0].length;
    else if (m.index! > start) {
      end = m.index!;
      break;
    }
  }
  const blank = (s: string) => s.replace(/[^\r\n]/g, ' ');
  const region = text.slice(start, end);
  const first = region.search(/\S/);
  if (first < 0) return { offset: start, rest: text.slice(0, start) + blank(text.slice(start)) };
  return { offset: start + first, rest: text.slice(0, start) + blank(region) + text.slice(end) };
}

/**
 * The line starts of `text` (lines end at LF, as the YAML parser reads them), counted from the text itself. The
 * parser's own count misses the line breaks inside a multi-line plain scalar that it reads while recovering from a
 * syntax error (yaml 2.9: `{{ x }}` on the first line of a Helm template, then a scalar over several lines), and
 * every later line and column would be off by as many lines.
 */
export function lineCounterOf(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return lineCounter;
}

export function parseManifest(uri: string, text: string): ParsedManifest {
  const lineCounter = lineCounterOf(text);
  const problems: ManifestProblem[] = [];
  const objects: ManifestObject[] = [];
  let skipped = 0;
  const problem = (code: ProblemCode, severity: 'error' | 'warning', message: string, offset: number, related?: number): void => {
    const pos = lineCounter.linePos(offset);
    problems.push({ uri, code, severity, message, offset, line: pos.line, column: pos.col, ...(related !== undefined ? { related } : {}) });
  };

  const documents = parseDocuments(text, (offset) =>
    problem('too-deep', 'error', t('This document nests collections more than {0} levels deep; NetLens does not read it.', MAX_DEPTH), offset),
  );
  for (const doc of documents) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problem('yaml-syntax', 'error', `YAML syntax: ${firstLine(e.message)}`, e.pos[0]);
      continue;
    }
    for (const d of dropDuplicateKeys(doc.contents))
      problem('duplicate-key', 'warning', duplicateKeyMessage(d.key, lineCounter.linePos(d.firstOffset).line), d.offset, d.firstOffset);
    const root = doc.contents;
    if (!isMap(root)) {
      skipped++;
      continue;
    }
    const apiVersion = scalarString(root.get('apiVersion', true));
    const kind = scalarString(root.get('kind', true));
    if (apiVersion === undefined || kind === undefined) {
      skipped++;
      continue;
    }
    if (kind.endsWith('List') && isSeq(root.get('items', true))) {
      const items = root.get('items', true);
      if (isSeq(items)) {
        for (const item of items.items) {
          if (!isMap(item)) continue;
          const obj = objectOf(uri, text, doc, item as YamlNode, problem);
          if (obj) objects.push(obj);
          else skipped++;
        }
      }
      continue;
    }
    const obj = objectOf(uri, text, doc, root, problem);
    if (obj) objects.push(obj);
    else skipped++;
  }
  return { uri, text, documents, objects: withImpliedNamespace(objects), problems, skipped, lineCounter };
}

/** The message of a key written twice, naming the line of its first writing. */
export function duplicateKeyMessage(key: string, firstLine: number): string {
  return t('The key "{0}" is written twice in this mapping (first on line {1}); kubectl keeps this later value.', key, firstLine);
}

/**
 * Removes the earlier pairs of keys written twice in a mapping, anywhere in a document, and says where each later
 * one is: kubectl keeps the later value, and so does the model.
 */
function dropDuplicateKeys(root: unknown): { key: string; offset: number; firstOffset: number }[] {
  const found: { key: string; offset: number; firstOffset: number }[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown, depth: number): void => {
    if (depth > 200 || seen.has(node)) return;
    seen.add(node);
    if (isMap(node)) {
      const last = new Map<string, number>();
      node.items.forEach((p, i) => {
        if (isScalar(p.key) && (typeof p.key.value === 'string' || typeof p.key.value === 'number')) {
          const k = String(p.key.value);
          const before = last.get(k);
          if (before !== undefined) {
            const first = node.items[before]!.key as YamlNode;
            found.push({ key: k, offset: p.key.range?.[0] ?? 0, firstOffset: first.range?.[0] ?? 0 });
          }
          last.set(k, i);
        }
      });
      if (last.size < node.items.length) {
        const keep = new Set(last.values());
        node.items = node.items.filter((p, i) => !(isScalar(p.key) && (typeof p.key.value === 'string' || typeof p.key.value === 'number')) || keep.has(i));
      }
      for (const p of node.items) walk(p.value, depth + 1);
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, depth + 1);
    }
  };
  walk(root, 0);
  return found;
}

type Report = (code: ProblemCode, severity: 'error' | 'warning', message: string, offset: number) => void;

/**
 * Whether `value` contains itself: an alias inside its own anchor (`&a [1, *a]`) makes the object a cycle, which no
 * JSON holds and every walk of it follows forever. Walked without recursion; values that aliases share are walked once.
 */
function containsItself(value: unknown): boolean {
  const open = new Set<object>();
  const done = new Set<object>();
  const stack: { readonly node: object; readonly leave: boolean }[] = [];
  const enter = (v: unknown) => {
    if (v !== null && typeof v === 'object') stack.push({ node: v, leave: false });
  };
  enter(value);
  while (stack.length > 0) {
    const { node, leave } = stack.pop()!;
    if (leave) {
      open.delete(node);
      done.add(node);
      continue;
    }
    if (open.has(node)) return true;
    if (done.has(node)) continue;
    open.add(node);
    stack.push({ node, leave: true });
    const children = node instanceof Map || node instanceof Set ? [...node.values()] : Array.isArray(node) ? node : Object.values(node);
    for (const child of children) enter(child);
  }
  return false;
}

function objectOf(uri: string, text: string, doc: Document.Parsed, node: YamlNode, report: Report): ManifestObject | undefined {
  if (!isMap(node)) return undefined;
  const apiVersion = scalarString(node.get('apiVersion', true));
  const kind = scalarString(node.get('kind', true));
  if (apiVersion === undefined || kind === undefined) return undefined;
  const metadata = node.get('metadata', true);
  const nameNode = isMap(metadata) ? metadata.get('name', true) : undefined;
  const name = scalarString(nameNode) ?? '';
  const namespace = isMap(metadata) ? scalarString(metadata.get('namespace', true)) : undefined;
  const range = node.range ?? [0, 0, 0];
  const nameRange = isScalar(nameNode) && nameNode.range ? nameNode.range : range;
  const source: SourceRef = { uri, start: range[0], end: range[2], nameStart: nameRange[0], nameEnd: nameRange[1] };
  // Only an alias can make an object contain itself, and an alias is written with a `*`.
  const aliased = text.slice(range[0], range[2]).includes('*');
  // A document of the block reader has no alias and no merge key: its data is read without the library's toJS.
  const blockRead = isBlockRead(doc);
  let cached: Record<string, unknown> | undefined;
  return {
    uri,
    apiVersion,
    kind,
    name,
    namespace: namespace === '' ? undefined : namespace,
    source,
    node,
    value() {
      if (cached) return cached;
      if (blockRead) {
        const data = plainData(node);
        cached = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
        return cached;
      }
      try {
        const js: unknown = node.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT });
        if (aliased && containsItself(js)) {
          // go-yaml, and so kubectl, refuses it too: "anchor value contains itself".
          report('alias-limit', 'error', t('{0} {1}: an alias stands inside its own anchor, so the object never ends.', kind, name || '(unnamed)'), range[0]);
          cached = {};
          return cached;
        }
        cached = js !== null && typeof js === 'object' && !Array.isArray(js) ? (js as Record<string, unknown>) : {};
      } catch (e) {
        // An alias bomb (or an alias to nothing) must not take the process down: refuse this object alone.
        report('alias-limit', 'error', `${kind} ${name || '(unnamed)'}: ${firstLine(String((e as Error).message ?? e))}`, range[0]);
        cached = {};
      }
      return cached;
    },
  };
}

function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}

/** 1-based line and column of an offset in a parsed manifest. */
export function positionOf(manifest: ParsedManifest, offset: number): { line: number; column: number } {
  const p = manifest.lineCounter.linePos(offset);
  return { line: p.line, column: p.col };
}
