/**
 * Maps the output of `kustomize build` back to its source files. Each object carries the origin annotation that
 * `buildMetadata: [originAnnotations]` asks for (the file it was read from, or the kustomization whose generator
 * made it); the annotation is removed from the text handed on. Within the source file, each rendered value is
 * found by its place in the object (the same path of keys, list items matched by their name), since Kustomize
 * rewrites the whole document (keys sorted, indentation normalised). A value that is not in the source object as
 * it is rendered is looked for in the patches of the build that target the object: the patch that introduces the
 * text is where it comes from. A value changed by a transformer (a name prefix, a namespace) maps to its source
 * with `produced: 'expression'`.
 *
 * Pure code apart from the file reads the caller provides.
 */
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Pair,
  parseAllDocuments,
  parseDocument,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
  type Node as YamlNode,
} from 'yaml';
import { lineStartsOf, type MappedLine, type MappedPart, type Produced, type SourceFile, type SourceMapTable } from './source-map';
import { lineIndex } from './template-lines';

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

/** A patch as a kustomization lists it: a file, or inline text at an offset of the kustomization file. */
export interface PatchRef {
  /** The file that holds the patch's text: a patch file, or the kustomization itself for inline patches. */
  readonly file: string;
  /** For inline patches: the scalar's offsets in the kustomization and how to map the content back. */
  readonly inline?: InlineText;
  /** `target:` kind and name, when given (patches without a target name their object themselves). */
  readonly targetKind?: string;
  readonly targetName?: string;
  readonly json6902: boolean;
}

/** Text inside a YAML block scalar: its value, and the offsets in the file of each of its lines. */
export interface InlineText {
  readonly value: string;
  /** For each line of `value`: the offset in the file where it starts (indentation removed). */
  readonly lineOffsets: readonly number[];
}

/**
 * The offsets in the file of each line of a block scalar's value (`patch: |-` and its indented lines), so that a
 * position in the inline patch can be told in the kustomization. Quoted and plain scalars keep one line.
 */
export function inlineText(fileText: string, node: Scalar): InlineText {
  const value = String(node.value);
  const [start, end] = node.range ?? [0, 0];
  const lineOffsets: number[] = [];
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    // The header line (`|-`) ends at the first newline; each value line is a source line minus the indentation.
    let p = fileText.indexOf('\n', start) + 1;
    let indent = -1;
    const valueLines = value.split('\n');
    for (let k = 0; k < valueLines.length && p > 0 && p <= end; k++) {
      const lineEnd = fileText.indexOf('\n', p);
      const raw = fileText.slice(p, lineEnd < 0 ? fileText.length : lineEnd);
      if (indent < 0 && raw.trim() !== '') indent = raw.length - raw.trimStart().length;
      lineOffsets.push(p + Math.min(Math.max(indent, 0), raw.length - raw.trimStart().length));
      p = lineEnd < 0 ? -1 : lineEnd + 1;
    }
  } else {
    lineOffsets.push(start + (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0));
  }
  return { value, lineOffsets };
}

/** Maps an offset in an inline text's value to an offset in its file. */
export function inlineOffset(inline: InlineText, offset: number): number {
  let line = 0;
  let lineStart = 0;
  for (let p = inline.value.indexOf('\n'); p >= 0 && p < offset; p = inline.value.indexOf('\n', p + 1)) {
    line++;
    lineStart = p + 1;
  }
  const base = inline.lineOffsets[Math.min(line, inline.lineOffsets.length - 1)] ?? 0;
  return base + (offset - lineStart);
}

export interface Origin {
  /** The file the object was read from (absolute). */
  readonly path?: string;
  /** For generated objects: the kustomization that configured the generator (absolute), and its kind. */
  readonly configuredIn?: string;
  readonly configuredBy?: string;
}

export interface KustomizeAssembly {
  readonly text: string;
  readonly map: SourceMapTable;
  /** Objects whose source could not be found (their lines point nowhere). */
  readonly unmapped: number;
}

export interface KustomizeMapOptions {
  /** Resolves a path from an origin annotation (relative to the wrapper folder) to an absolute path. */
  readonly resolveOrigin: (path: string) => string;
  /** Reads a source file; undefined when it cannot be read. */
  readonly read: (path: string) => string | undefined;
  /** The patches of the build, from every kustomization it includes. */
  readonly patches: readonly PatchRef[];
  /** The files a kustomization's generators read (by the kustomization's path), to find generated values in. */
  readonly generatorInputs?: (kustomizationFile: string) => readonly string[];
  readonly pause?: () => Promise<void>;
}

/** Splits `kustomize build` output into documents (at `---` lines). */
function splitDocuments(stdout: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  const lines = stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    if (/^---\s*$/.test(line)) {
      if (current.length > 0) out.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  if (current.length > 0) out.push(current.join('\n'));
  return out;
}

/**
 * Removes the origin annotation from a document (and the `annotations:` key when nothing else is left under it),
 * and returns what it said.
 */
export function stripOrigin(docText: string): { text: string; origin: Record<string, unknown> | undefined } {
  const doc = parseDocument(docText);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return { text: docText, origin: undefined };
  const metadata = doc.contents.get('metadata', true);
  const annotations = isMap(metadata) ? metadata.get('annotations', true) : undefined;
  if (!isMap(annotations)) return { text: docText, origin: undefined };
  const pair = annotations.items.find((p) => isScalar(p.key) && p.key.value === ORIGIN_ANNOTATION);
  if (!pair || !isScalar(pair.key) || !pair.key.range) return { text: docText, origin: undefined };
  let origin: Record<string, unknown> | undefined;
  try {
    const v: unknown = parseDocument(String(isScalar(pair.value) ? pair.value.value : '')).toJS();
    origin = v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    origin = undefined;
  }
  const starts = lineStartsOf(docText);
  const onlyOne = annotations.items.length === 1;
  const annotationsPair = isMap(metadata) ? metadata.items.find((p) => isScalar(p.key) && p.key.value === 'annotations') : undefined;
  const from = onlyOne && annotationsPair && isScalar(annotationsPair.key) && annotationsPair.key.range ? annotationsPair.key.range[0] : pair.key.range[0];
  const valueEnd = isScalar(pair.value) && pair.value.range ? pair.value.range[2] : pair.key.range[2];
  const cutStart = starts[lineIndex(starts, from)]!;
  // The value's node end lies at the start of the next line for block scalars; cut whole lines.
  let cutEnd = valueEnd;
  if (cutEnd > 0 && docText[cutEnd - 1] !== '\n') {
    const nl = docText.indexOf('\n', cutEnd);
    cutEnd = nl < 0 ? docText.length : nl + 1;
  }
  return { text: docText.slice(0, cutStart) + docText.slice(cutEnd), origin };
}

/** Reads an origin annotation's fields. */
function originOf(raw: Record<string, unknown> | undefined, resolve: (p: string) => string): Origin {
  if (!raw) return {};
  const path = typeof raw.path === 'string' && raw.repo === undefined ? resolve(raw.path) : undefined;
  const configuredIn = typeof raw.configuredIn === 'string' ? resolve(raw.configuredIn) : undefined;
  const by = raw.configuredBy as { kind?: unknown } | undefined;
  return {
    ...(path ? { path } : {}),
    ...(configuredIn ? { configuredIn } : {}),
    ...(by && typeof by.kind === 'string' ? { configuredBy: by.kind } : {}),
  };
}

interface ParsedSource {
  readonly file: SourceFile;
  readonly docs: Document.Parsed[];
}

interface ParsedPatch {
  readonly ref: PatchRef;
  readonly fileText: string;
  readonly docs: Document.Parsed[];
}

type PathStep = { readonly key: string } | { readonly index: number; readonly id?: readonly [string, string]; readonly value?: string };

const ID_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'devicePath', 'ip', 'hostname', 'key', 'path', 'topologyKey'];

/** Builds the text handed on (origin annotations removed) and its map. */
export async function assembleKustomize(stdout: string, options: KustomizeMapOptions): Promise<KustomizeAssembly> {
  const sources = new Sources(options.read);
  const patches = parsePatches(options);
  const out: string[] = [];
  const lines: (MappedLine | null)[] = [];
  let unmapped = 0;
  let offset = 0;
  for (const raw of splitDocuments(stdout)) {
    if (options.pause) await options.pause();
    const { text: docText, origin: rawOrigin } = stripOrigin(raw);
    const origin = originOf(rawOrigin, options.resolveOrigin);
    const docLines = docText.split('\n');
    out.push('---');
    lines.push(null);
    const docStart = offset + 4;
    offset = docStart + docText.length + 1;
    const root = parseDocument(docText).contents;
    const kind = isMap(root) ? scalarString(root.get('kind', true)) : undefined;
    const name = isMap(root) ? objectName(root) : undefined;

    const srcPath = origin.path ?? origin.configuredIn;
    const src = srcPath ? sources.parsed(srcPath) : undefined;
    if (!src) unmapped++;
    const srcDoc = src && origin.path ? pickDocument(src.docs, kind, name) : undefined;
    const srcName = srcDoc && isMap(srcDoc.contents) ? objectName(srcDoc.contents) : undefined;
    const perLine: (LineEntry | undefined)[] = new Array(docLines.length);
    if (src && isMap(root)) {
      const targeting = patches.filter((p) => patchTargets(p, kind, srcName ?? name));
      new DocumentMapper({ docText, docStart, perLine, sources, src, srcDoc, targeting, options }).visit(root, []);
    }

    docLines.forEach((line, i) => {
      out.push(line);
      const e = perLine[i];
      if (e) lines.push({ source: e.source, line: e.line, parts: e.parts.sort((a, b) => a.start - b.start) });
      else if (src) {
        // A line with nothing found for it (a key kustomize added): the object's place in its source.
        const objStart = srcDoc?.contents?.range?.[0] ?? 0;
        lines.push({ source: sources.indexOf(src.file), line: sources.line(src.file, objStart), parts: [] });
      } else lines.push(null);
    });
  }
  const text = out.length > 0 ? `${out.join('\n')}\n` : '';
  return { text, map: { sources: sources.files, lineStarts: lineStartsOf(text), lines }, unmapped };
}

function objectName(root: YAMLMap): string | undefined {
  return scalarString((root.get('metadata', true) as YAMLMap | undefined)?.get?.('name', true));
}

/** The patches of the build, read and parsed once (documents that do not parse are left out). */
function parsePatches(options: KustomizeMapOptions): ParsedPatch[] {
  const patches: ParsedPatch[] = [];
  for (const ref of options.patches) {
    const fileText = options.read(ref.file);
    if (fileText === undefined) continue;
    const body = ref.inline ? ref.inline.value : fileText;
    let docs: Document.Parsed[] = [];
    try {
      docs = (parseAllDocuments(body) as Document.Parsed[]).filter((d) => d.errors.length === 0);
    } catch {
      docs = [];
    }
    patches.push({ ref, fileText, docs });
  }
  return patches;
}

/** The source files of a build's output: each listed once, read, parsed and split into lines on first use. */
class Sources {
  readonly files: SourceFile[] = [];
  private readonly index = new Map<string, number>();
  private readonly parsedSources = new Map<string, ParsedSource | null>();
  private readonly lineStarts = new Map<string, number[]>();

  constructor(private readonly read: (path: string) => string | undefined) {}

  /** The file's index in the map's list of sources (added on first use). */
  indexOf(file: SourceFile): number {
    let i = this.index.get(file.path);
    if (i === undefined) {
      i = this.files.length;
      this.files.push(file);
      this.index.set(file.path, i);
    }
    return i;
  }

  parsed(path: string): ParsedSource | undefined {
    if (this.parsedSources.has(path)) return this.parsedSources.get(path) ?? undefined;
    const text = this.read(path);
    const p = text === undefined ? null : { file: { path, text }, docs: parseAllDocuments(text) as Document.Parsed[] };
    this.parsedSources.set(path, p);
    return p ?? undefined;
  }

  /** The line of an offset in a file. */
  line(file: SourceFile, at: number): number {
    let starts = this.lineStarts.get(file.path);
    if (!starts) {
      starts = lineStartsOf(file.text);
      this.lineStarts.set(file.path, starts);
    }
    return lineIndex(starts, at);
  }
}

/** What a rendered line maps to: one source file, its line, and the parts of the line found in it. */
interface LineEntry {
  source: number;
  line: number;
  parts: MappedPart[];
  /** A value (not only a key) was found on the line. */
  hasValue: boolean;
}

interface DocumentInput {
  /** The rendered document (origin annotation removed), and its offset in the text handed on. */
  readonly docText: string;
  readonly docStart: number;
  /** Filled in: what each line of the document maps to. */
  readonly perLine: (LineEntry | undefined)[];
  readonly sources: Sources;
  /** The file the object was read from (or whose generator made it), and the object's document in it. */
  readonly src: ParsedSource;
  readonly srcDoc: Document.Parsed | undefined;
  /** The patches that target the object, in the order the build applies them. */
  readonly targeting: readonly ParsedPatch[];
  readonly options: KustomizeMapOptions;
}

/**
 * Maps one rendered object to its sources: walks it, and finds each key and scalar in the source object at the
 * same path, else in the patches that target it (the last one applied first), else in a generator's inputs, else
 * at the nearest enclosing node the source has.
 */
class DocumentMapper {
  private readonly docLineStarts: number[];

  constructor(private readonly d: DocumentInput) {
    this.docLineStarts = lineStartsOf(d.docText);
  }

  /**
   * One source per rendered line: a value's source wins over its key's (a patch that sets `value:` under a key
   * the base has is where the value comes from), and the first value recorded on a line keeps its place.
   */
  private record(
    renderedStart: number,
    renderedEnd: number,
    file: SourceFile,
    sourceStart: number,
    sourceEnd: number,
    produced: Produced,
    isKey = false,
  ): void {
    const { perLine, sources, docStart } = this.d;
    const l = lineIndex(this.docLineStarts, renderedStart);
    const fileIdx = sources.indexOf(file);
    const srcLine = sources.line(file, sourceStart);
    const entry = perLine[l];
    const part: MappedPart = { start: docStart + renderedStart, end: docStart + renderedEnd, sourceStart, sourceEnd, produced };
    if (!entry) perLine[l] = { source: fileIdx, line: srcLine, parts: [part], hasValue: !isKey };
    else if (entry.source === fileIdx) {
      entry.parts.push(part);
      entry.hasValue ||= !isKey;
    } else if (!isKey && !entry.hasValue) perLine[l] = { source: fileIdx, line: srcLine, parts: [part], hasValue: true };
  }

  visit(node: YamlNode, path: PathStep[]): void {
    if (isMap(node)) {
      for (const pair of node.items as Pair<YamlNode, YamlNode>[]) {
        if (!isScalar(pair.key)) continue;
        const step: PathStep = { key: String(pair.key.value) };
        this.locateKey(pair, [...path, step]);
        if (pair.value) this.visit(pair.value, [...path, step]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const id = isMap(item) ? idOf(item) : undefined;
        const value = isScalar(item) ? String(item.value) : undefined;
        this.visit(item as YamlNode, [...path, { index, ...(id ? { id } : {}), ...(value !== undefined ? { value } : {}) }]);
      });
    } else if (isScalar(node)) this.locateScalar(node, path);
  }

  private locateKey(pair: Pair<YamlNode, YamlNode>, path: PathStep[]): void {
    const { src, srcDoc, targeting } = this.d;
    const key = pair.key as Scalar;
    if (!key.range) return;
    const found = srcDoc ? nodeAt(srcDoc.contents as YamlNode, path, true) : undefined;
    if (found && isScalar(found) && found.range) {
      this.record(key.range[0], key.range[1], src.file, found.range[0], found.range[1], 'literal', true);
      return;
    }
    for (const p of [...targeting].reverse()) {
      for (const d of p.docs) {
        const k = nodeAt(d.contents as YamlNode, path, true);
        if (k && isScalar(k) && k.range) {
          const file = { path: p.ref.file, text: p.fileText };
          this.record(key.range[0], key.range[1], file, patchOffset(p, k.range[0]), patchOffset(p, k.range[1]), 'literal', true);
          return;
        }
      }
    }
  }

  private locateScalar(node: Scalar, path: PathStep[]): void {
    const { src, srcDoc } = this.d;
    if (!node.range) return;
    const value = String(node.value);
    const srcNode = srcDoc ? nodeAt(srcDoc.contents as YamlNode, path, false) : undefined;
    if (srcNode && isScalar(srcNode) && String(srcNode.value) === value && srcNode.range) {
      this.mapScalar(node, src.file, srcNode, src.file.text, (o) => o, 'literal');
      return;
    }
    if (this.locateInPatches(node, path, value)) return;
    if (srcNode && isScalar(srcNode) && srcNode.range) {
      this.mapWhole(node, src.file, srcNode.range[0], srcNode.range[1], 'expression');
      return;
    }
    if (!srcDoc) {
      this.locateGenerated(node);
      return;
    }
    // Nothing at that place in the source or a patch: the nearest enclosing node that the source has.
    for (let k = path.length - 1; k >= 0; k--) {
      const anc = nodeAt(srcDoc.contents as YamlNode, path.slice(0, k), false);
      const keyNode = k > 0 ? nodeAt(srcDoc.contents as YamlNode, path.slice(0, k), true) : undefined;
      const at = keyNode && isScalar(keyNode) && keyNode.range ? keyNode.range : anc?.range;
      if (at) {
        this.mapWhole(node, src.file, at[0], at[1], 'expression');
        return;
      }
    }
  }

  /** A scalar that a patch introduces: found at its path in a strategic merge patch, by its text in a JSON patch. */
  private locateInPatches(node: Scalar, path: PathStep[], value: string): boolean {
    for (const p of [...this.d.targeting].reverse()) {
      const file = { path: p.ref.file, text: p.fileText };
      if (p.ref.json6902) {
        const at = findText(p.ref.inline ? p.ref.inline.value : p.fileText, value);
        if (at >= 0 && value.trim() !== '') {
          this.mapWhole(node, file, patchOffset(p, at), patchOffset(p, at + value.length), 'literal');
          return true;
        }
        continue;
      }
      for (const d of p.docs) {
        const pNode = nodeAt(d.contents as YamlNode, path, false);
        if (pNode && isScalar(pNode) && String(pNode.value) === value && pNode.range) {
          this.mapScalar(node, file, pNode, p.ref.inline ? p.ref.inline.value : p.fileText, (o) => patchOffset(p, o), 'literal');
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A value of a generated object: written in the kustomization (literals) or in the files it reads (a
   * properties file, an env file), found by its text, line by line for a file's whole content.
   */
  private locateGenerated(node: Scalar): void {
    const { src, options, docText } = this.d;
    const candidates = [
      src.file,
      ...(options.generatorInputs?.(src.file.path) ?? []).flatMap((f) => {
        const text = options.read(f);
        return text === undefined ? [] : [{ path: f, text }];
      }),
    ];
    const [rs, re] = inner(node, docText);
    let at = rs;
    for (const rl of docText.slice(rs, re).split('\n')) {
      const t = rl.trim();
      const lead = rl.length - rl.trimStart().length;
      if (t !== '') {
        const found = candidates.map((c) => ({ c, i: c.text.indexOf(t) })).find((x) => x.i >= 0);
        if (found) this.record(at + lead, at + lead + t.length, found.c, found.i, found.i + t.length, 'literal');
        else this.record(at + lead, at + lead + t.length, src.file, 0, 0, 'expression');
      }
      at += rl.length + 1;
    }
  }

  /** A scalar found with the same value: its characters map one to one (line by line for block scalars). */
  private mapScalar(node: Scalar, file: SourceFile, srcNode: Scalar, nodeText: string, offset: (o: number) => number, produced: Produced): void {
    const { docText } = this.d;
    const [rs, re] = inner(node, docText);
    const [ss, se] = inner(srcNode, nodeText);
    const rText = docText.slice(rs, re);
    const sText = nodeText.slice(ss, se);
    if (!rText.includes('\n')) {
      if (sText === rText) this.record(rs, re, file, offset(ss), offset(se), produced);
      else this.mapWhole(node, file, offset(ss), offset(se), 'expression');
      return;
    }
    // Block scalars: each rendered line is found among the source lines, in order, by its text.
    const sLines = sText.split('\n');
    const sLineStarts = lineStartsOf(sText);
    let cursor = 0;
    let at = rs;
    for (const rl of rText.split('\n')) {
      const t = rl.trim();
      if (t !== '') {
        let k = cursor;
        while (k < sLines.length && sLines[k]!.trim() !== t) k++;
        const lead = rl.length - rl.trimStart().length;
        if (k < sLines.length) {
          const sl = sLines[k]!;
          const sLead = sl.length - sl.trimStart().length;
          const srcAt = offset(ss + sLineStarts[k]! + sLead);
          this.record(at + lead, at + lead + t.length, file, srcAt, srcAt + t.length, produced);
          cursor = k + 1;
        } else this.record(at + lead, at + lead + t.length, file, offset(ss), offset(se), 'expression');
      }
      at += rl.length + 1;
    }
  }

  /** A scalar mapped as a whole to one source range (each of its lines, for a block scalar). */
  private mapWhole(node: Scalar, file: SourceFile, sourceStart: number, sourceEnd: number, produced: Produced): void {
    const { docText } = this.d;
    const [rs, re] = inner(node, docText);
    const rText = docText.slice(rs, re);
    if (!rText.includes('\n')) {
      this.record(rs, re, file, sourceStart, sourceEnd, produced);
      return;
    }
    let at = rs;
    for (const rl of rText.split('\n')) {
      const lead = rl.length - rl.trimStart().length;
      if (rl.trim() !== '') this.record(at + lead, at + rl.trimEnd().length, file, sourceStart, sourceEnd, produced);
      at += rl.length + 1;
    }
  }
}

function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** The source document of a rendered object: same kind, and the name it had before prefixes and suffixes. */
function pickDocument(docs: readonly Document.Parsed[], kind: string | undefined, name: string | undefined): Document.Parsed | undefined {
  let best: Document.Parsed | undefined;
  let bestScore = -1;
  for (const d of docs) {
    if (!isMap(d.contents)) continue;
    const k = scalarString(d.contents.get('kind', true));
    if (k !== kind) continue;
    const n = scalarString((d.contents.get('metadata', true) as YAMLMap | undefined)?.get?.('name', true)) ?? '';
    const score = n === name ? 1e6 : name && n && name.includes(n) ? n.length : 0;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** Whether a patch applies to an object of that kind and (source) name. */
function patchTargets(p: ParsedPatch, kind: string | undefined, name: string | undefined): boolean {
  if (p.ref.targetKind !== undefined || p.ref.targetName !== undefined) {
    if (p.ref.targetKind !== undefined && p.ref.targetKind !== kind) return false;
    if (p.ref.targetName !== undefined && name !== undefined) {
      try {
        if (!new RegExp(`^(?:${p.ref.targetName})$`).test(name)) return false;
      } catch {
        if (p.ref.targetName !== name) return false;
      }
    }
    return true;
  }
  // A patch without a target names its object in its own kind and metadata.name.
  return p.docs.some((d) => {
    if (!isMap(d.contents)) return false;
    const k = scalarString(d.contents.get('kind', true));
    const n = scalarString((d.contents.get('metadata', true) as YAMLMap | undefined)?.get?.('name', true));
    return k === kind && (n === undefined || n === name);
  });
}

function patchOffset(p: ParsedPatch, offset: number): number {
  return p.ref.inline ? inlineOffset(p.ref.inline, offset) : offset;
}

/** The identity of a list item: the first of the usual merge keys that it has. */
function idOf(item: YAMLMap): [string, string] | undefined {
  for (const k of ID_KEYS) {
    const v = scalarString(item.get(k, true));
    if (v !== undefined) return [k, v];
  }
  return undefined;
}

/**
 * The node at a path in a source object (or, with `key`, the key scalar of the last step). List items are found
 * by their identity (`name` and the like) when they have one, scalars of a list by their value, else by index.
 */
function nodeAt(root: YamlNode | null | undefined, path: readonly PathStep[], key: boolean): YamlNode | undefined {
  let node: YamlNode | undefined = root ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    const last = i === path.length - 1;
    if (!node) return undefined;
    if ('key' in step) {
      if (!isMap(node)) return undefined;
      const pair = (node as YAMLMap<YamlNode, YamlNode>).items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === step.key);
      if (!pair) return undefined;
      if (last && key) return pair.key as YamlNode;
      node = (pair.value ?? undefined) as YamlNode | undefined;
    } else {
      if (!isSeq(node)) return undefined;
      const items = (node as YAMLSeq<YamlNode>).items;
      let found: YamlNode | undefined;
      if (step.id) found = items.find((it) => isMap(it) && scalarString(it.get(step.id![0], true)) === step.id![1]);
      else if (step.value !== undefined) found = items.find((it) => isScalar(it) && String(it.value) === step.value) ?? items[step.index];
      else found = items[step.index];
      if (!found) return undefined;
      if (last && key) return undefined;
      node = found;
    }
  }
  return node;
}

/** A scalar's characters without its quotes or its block header (offsets). */
function inner(node: Scalar, text: string | undefined): [number, number] {
  const [start, end] = node.range!;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return [start + 1, end - 1];
  if ((node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && text !== undefined) {
    const nl = text.indexOf('\n', start);
    return nl < 0 || nl >= end ? [start, end] : [nl + 1, end];
  }
  return [start, end];
}

function findText(haystack: string, needle: string): number {
  return needle === '' ? -1 : haystack.indexOf(needle);
}
