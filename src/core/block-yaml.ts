/**
 * A fast reader for the YAML that manifests are written in: one document of block mappings and sequences, keys and
 * values on one line each (plain or quoted), literal and folded block scalars, `{}`, one-line flow sequences of
 * scalars, comments. It makes the same nodes as the YAML library's composer (the same classes, values, types and
 * ranges), about five times faster (4.6–5.0× on the documents of the GitOps benchmark) and with far less garbage.
 * A text with anything else (anchors, aliases, tags, flow mappings with items, nested flow collections, multi-line
 * plain or quoted scalars, tabs, CR, directives, a second document, an error of any kind) is not read here, and the
 * caller parses it with the library. The nodes carry no comments and no `spaceBefore`: nothing in NetLens reads them,
 * and no document is written back from them.
 *
 * The equality with the library's nodes is checked on the corpus, on generated block YAML and on damaged copies of
 * the corpus (test/unit/block-yaml.test.ts, test/fuzz/block-yaml.test.ts).
 */
import { CST, Document, type DocumentOptions, isScalar, Pair, type ParseOptions, Scalar, type ScalarTag, type SchemaOptions, YAMLMap, YAMLSeq } from 'yaml';

type Options = DocumentOptions & ParseOptions & SchemaOptions;

/** Thrown inside the reader when the text is not of the subset it reads; caught in `readBlockYaml`. */
const OUTSIDE = Symbol('outside the subset');

const SPACE = 0x20;
const NEWLINE = 0x0a;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const DOUBLE = 0x22;
const SINGLE = 0x27;

/** Characters that cannot begin a plain scalar (`-`, `?` and `:` can, when not followed by a space). */
const INDICATOR = new Set([...',[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

/** The tags of the core schema all test texts that begin with one of these, or the empty text. */
const MAY_NOT_BE_STRING = /^[-+.0-9~nNtTfF]/;

/** Nesting beyond which the library's reader is left to refuse the document (manifests.ts's MAX_DEPTH). */
const MAX_NESTING = 256;

/** The longest implicit key YAML allows. */
const MAX_KEY = 1024;

type Node = Scalar | YAMLMap | YAMLSeq;

class Reader {
  /** The start of the next line not read yet. */
  pos = 0;
  private readonly len: number;
  private readonly tags: Document['schema']['tags'];

  constructor(
    private readonly text: string,
    private readonly doc: Document,
  ) {
    this.len = text.length;
    this.tags = doc.schema.tags;
  }

  private outside(): never {
    throw OUTSIDE;
  }

  /** The end of the line that `p` is on: its newline, or the end of the text. */
  private eol(p: number): number {
    const n = this.text.indexOf('\n', p);
    return n < 0 ? this.len : n;
  }

  /** After the newline of the line that `p` is on (or the end of the text). */
  private nextLine(p: number): number {
    const n = this.text.indexOf('\n', p);
    return n < 0 ? this.len : n + 1;
  }

  private spacesFrom(p: number): number {
    const t = this.text;
    while (p < this.len && t.charCodeAt(p) === SPACE) p++;
    return p;
  }

  /**
   * The next line from `from` (a line start) with content, past blank lines and comment lines: its start and where its
   * content begins; and whether comment lines were passed, and the indent of the deepest.
   */
  peek(from: number): Peek {
    let p = from;
    let comments = false;
    let deepest = -1;
    while (p < this.len) {
      const c = this.spacesFrom(p);
      if (c >= this.len) return { line: -1, content: this.len, indent: -1, comments, deepest };
      const ch = this.text.charCodeAt(c);
      if (ch === NEWLINE) {
        p = c + 1;
        continue;
      }
      if (ch === HASH) {
        comments = true;
        deepest = Math.max(deepest, c - p);
        p = this.nextLine(c);
        continue;
      }
      return { line: p, content: c, indent: c - p, comments, deepest };
    }
    return { line: -1, content: this.len, indent: -1, comments, deepest };
  }

  /** Whether `c` begins `- ` (or a `-` that ends its line): a sequence item. */
  private isItem(c: number): boolean {
    if (this.text.charCodeAt(c) !== DASH) return false;
    const next = c + 1 < this.len ? this.text.charCodeAt(c + 1) : NEWLINE;
    return next === SPACE || next === NEWLINE;
  }

  /** The `:` of an implicit key that begins at `c`, or -1 when the line there is not `key: …`. */
  private colonOf(c: number): number {
    const t = this.text;
    const first = t.charCodeAt(c);
    if (first === DOUBLE || first === SINGLE) {
      const close = this.closingQuote(c);
      if (close < 0) return -1;
      return t.charCodeAt(close) === COLON && this.endsToken(close + 1) ? close : -1;
    }
    const end = this.eol(c);
    for (let i = c; i < end; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON && this.endsToken(i + 1)) return i;
      if (ch === HASH && i > c && t.charCodeAt(i - 1) === SPACE) return -1;
    }
    return -1;
  }

  /** Whether `p` is a space, a newline or the end of the text. */
  private endsToken(p: number): boolean {
    if (p >= this.len) return true;
    const ch = this.text.charCodeAt(p);
    return ch === SPACE || ch === NEWLINE;
  }

  /** After the closing quote of the one-line quoted scalar at `c`, or -1. */
  private closingQuote(c: number): number {
    const t = this.text;
    const quote = t.charCodeAt(c);
    for (let i = c + 1; i < this.len; i++) {
      const ch = t.charCodeAt(i);
      if (ch === NEWLINE) return -1;
      if (quote === DOUBLE && ch === 0x5c) {
        i++;
        continue;
      }
      if (ch === quote) {
        if (quote === SINGLE && t.charCodeAt(i + 1) === SINGLE) {
          i++;
          continue;
        }
        return i + 1;
      }
    }
    return -1;
  }

  /** The node whose content begins at `c`, on a line of indent `indent`: a mapping or a sequence. */
  block(c: number, indent: number, depth: number): YAMLMap | YAMLSeq {
    if (depth > MAX_NESTING) this.outside();
    if (this.isItem(c)) return this.sequence(c, indent, depth);
    if (this.colonOf(c) >= 0) return this.mapping(c, indent, depth);
    return this.outside();
  }

  private mapping(first: number, indent: number, depth: number): YAMLMap {
    const map = new YAMLMap(this.doc.schema);
    let c = first;
    let end = first;
    for (;;) {
      const colon = this.colonOf(c);
      if (colon < 0) this.outside();
      const key = this.key(c, colon);
      const value = this.value(colon + 1, indent, depth, true);
      map.items.push(new Pair(key, value));
      end = value.range![2];
      const next = this.peek(this.pos);
      if (next.line >= 0 && next.indent === indent && !this.isItem(next.content)) {
        this.pos = next.line;
        c = next.content;
        continue;
      }
      // A line more indented than the keys, or an item beside them, is an error (or a value the reader does not take).
      if (next.line >= 0 && next.indent >= indent) this.outside();
      map.range = [first, end, this.trailing(indent, next, end)];
      return map;
    }
  }

  private sequence(first: number, indent: number, depth: number): YAMLSeq {
    const seq = new YAMLSeq(this.doc.schema);
    let c = first;
    let end = first;
    for (;;) {
      const item = this.item(c, indent, depth);
      seq.items.push(item);
      end = item.range![2];
      const next = this.peek(this.pos);
      if (next.line >= 0 && next.indent === indent && this.isItem(next.content)) {
        this.pos = next.line;
        c = next.content;
        continue;
      }
      if (next.line >= 0 && next.indent > indent) this.outside();
      seq.range = [first, end, this.trailing(indent, next, end)];
      return seq;
    }
  }

  /**
   * The end of a collection of indent `indent` whose last item ends at `end`, with the comment lines after it: as
   * the library's parser does, they stay in the collection (its range goes on to the next content) when one of
   * them is at least as indented as it, unless it is at the margin; else they are left to the collection around.
   */
  private trailing(indent: number, next: Peek, end: number): number {
    if (!next.comments || indent === 0 || next.deepest < indent) return end;
    this.pos = next.line >= 0 ? next.line : this.len;
    return next.content;
  }

  /** The sequence item whose `-` is at `c`. */
  private item(c: number, indent: number, depth: number): Node {
    const after = c + 1;
    const v = this.spacesFrom(after);
    if (v < this.len && this.isItem(v)) this.outside();
    if (v < this.len && this.text.charCodeAt(v) !== NEWLINE && this.text.charCodeAt(v) !== HASH && this.colonOf(v) >= 0) {
      // A mapping begun on the item's line: its keys are at the column of the first.
      const lineStart = this.text.lastIndexOf('\n', c) + 1;
      return this.mapping(v, v - lineStart, depth + 1);
    }
    return this.value(after, indent, depth, false);
  }

  /**
   * The value that follows the indicator ending before `p` (a key's `:` or an item's `-`) in a collection of indent
   * `indent`: on the same line, on the lines below, or empty.
   */
  private value(p: number, indent: number, depth: number, inMap: boolean): Node {
    const t = this.text;
    const v = this.spacesFrom(p);
    const ch = v < this.len ? t.charCodeAt(v) : NEWLINE;
    if (ch === NEWLINE || (ch === HASH && v > p)) {
      const lineEnd = this.eol(v);
      this.pos = lineEnd < this.len ? lineEnd + 1 : this.len;
      const next = this.peek(this.pos);
      const below = next.line >= 0 && (next.indent > indent || (inMap && next.indent === indent && this.isItem(next.content)));
      if (below) {
        this.pos = next.line;
        return this.block(next.content, next.indent, depth + 1);
      }
      // An empty value; comment lines after it would go into its range. An empty item (rare) keeps the lines after
      // it in ways not worth following here.
      if (next.comments || !inMap) this.outside();
      const empty = this.plain('', v, v);
      // With a comment on its line, the empty value's range ends where the library's tokens after the `:` do: at the
      // next content (past its indent) when it ends the mapping or follows at once, else at the end of the first
      // blank line (the lines after it go to the next key).
      if (ch === HASH) empty.range![2] = next.line === this.pos || next.line < 0 || next.indent < indent ? next.content : this.eol(this.pos);
      return empty;
    }
    let node: Node;
    if (ch === 0x7c || ch === 0x3e) return this.blockScalar(v, indent);
    if (ch === DOUBLE || ch === SINGLE) node = this.quoted(v);
    else if (ch === 0x5b || ch === 0x7b) node = this.flow(v);
    else {
      this.plainStart(v, false);
      node = this.plainValue(v);
    }
    this.lineAfter(node, indent);
    return node;
  }

  /** A one-line plain scalar value at `v`, ended by the line's end or a comment. */
  private plainValue(v: number): Scalar {
    const t = this.text;
    const lineEnd = this.eol(v);
    let end = lineEnd;
    for (let i = v + 1; i < lineEnd; i++) {
      const ch = t.charCodeAt(i);
      if (ch === HASH && t.charCodeAt(i - 1) === SPACE) {
        end = i;
        break;
      }
      // `a: b: c` and `a: b:` are errors.
      if (ch === COLON && (i + 1 === lineEnd || t.charCodeAt(i + 1) === SPACE)) this.outside();
    }
    while (end > v && t.charCodeAt(end - 1) === SPACE) end--;
    return this.plain(t.slice(v, end), v, end);
  }

  /**
   * After a value that ends on its line: the comment lines more indented than its collection that follow (blank
   * lines between) go into its range, as the library's parser gives them to the value; and no line below may
   * continue it.
   */
  private lineAfter(node: Node, indent: number): void {
    const t = this.text;
    const start = node.range![1];
    let rest = this.spacesFrom(start);
    if (rest > start && rest < this.len && t.charCodeAt(rest) === HASH) rest = this.eol(rest);
    if (rest < this.len && t.charCodeAt(rest) !== NEWLINE) this.outside();
    let end = rest < this.len ? rest + 1 : this.len;
    // Comments more indented than the collection, with blank lines before them, join the value.
    for (let p = end; p < this.len; ) {
      const c = this.spacesFrom(p);
      if (c >= this.len) break;
      const ch = t.charCodeAt(c);
      if (ch === NEWLINE) {
        p = c + 1;
        continue;
      }
      if (ch !== HASH || c - p <= indent) break;
      end = this.nextLine(c);
      p = end;
    }
    this.pos = end;
    node.range![2] = end;
    const next = this.peek(end);
    if (next.line >= 0 && next.indent > indent) this.outside();
  }

  /** Refuses a plain scalar at `c` that begins with an indicator (`-`, `?` and `:` only when a space or the end follows). */
  private plainStart(c: number, flow: boolean): void {
    const first = this.text.charCodeAt(c);
    if (INDICATOR.has(first)) this.outside();
    if ((first === DASH || first === 0x3f || first === COLON) && (flow ? this.endsFlowToken(c + 1) : this.endsToken(c + 1))) this.outside();
  }

  private key(c: number, colon: number): Scalar {
    const t = this.text;
    const first = t.charCodeAt(c);
    let key: Scalar;
    if (first === DOUBLE || first === SINGLE) key = this.quoted(c);
    else {
      this.plainStart(c, false);
      if (t.charCodeAt(colon - 1) === SPACE) this.outside();
      const source = t.slice(c, colon);
      if (source === '<<') this.outside();
      key = this.plain(source, c, colon);
    }
    if (colon - c > MAX_KEY) this.outside();
    return key;
  }

  /** A plain scalar, resolved by the tags of the core schema as the library's composer does. */
  private plain(source: string, start: number, end: number): Scalar {
    let scalar: Scalar | undefined;
    if (source === '' || MAY_NOT_BE_STRING.test(source)) {
      const tag = this.tags.find((tg) => tg.default === true && tg.test?.test(source)) as ScalarTag | undefined;
      if (tag) {
        const res = tag.resolve(source, () => this.outside(), this.doc.options);
        scalar = isScalar(res) ? res : new Scalar(res);
        if (tag.format) scalar.format = tag.format;
      }
    }
    scalar ??= new Scalar(source);
    scalar.range = [start, end, end];
    scalar.source = source;
    scalar.type = 'PLAIN';
    return scalar;
  }

  /** A one-line quoted scalar at `c`. */
  private quoted(c: number): Scalar {
    const close = this.closingQuote(c);
    if (close < 0) this.outside();
    const t = this.text;
    const double = t.charCodeAt(c) === DOUBLE;
    let value = t.slice(c + 1, close - 1);
    if (double && value.includes('\\')) {
      const resolved = CST.resolveAsScalar({ type: 'double-quoted-scalar', offset: c, indent: 0, source: t.slice(c, close) }, true, () => this.outside());
      value = resolved.value;
    } else if (!double && value.includes("''")) value = value.replaceAll("''", "'");
    const scalar = new Scalar(value);
    scalar.range = [c, close, close];
    scalar.source = value;
    scalar.type = double ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
    return scalar;
  }

  /** `{}`, `[]`, or a one-line sequence of plain and quoted scalars (`[a, "b", 1]`); spaces allowed inside. */
  private flow(c: number): YAMLMap | YAMLSeq {
    const t = this.text;
    const open = t.charCodeAt(c);
    const node = open === 0x5b ? new YAMLSeq(this.doc.schema) : new YAMLMap(this.doc.schema);
    node.flow = true;
    let p = this.spacesFrom(c + 1);
    if (open === 0x7b) {
      if (p >= this.len || t.charCodeAt(p) !== 0x7d) this.outside();
    } else {
      while (p < this.len && t.charCodeAt(p) !== 0x5d) {
        const item = this.flowItem(p);
        (node as YAMLSeq).items.push(item);
        p = item.range![2];
        const ch = t.charCodeAt(p);
        if (ch === 0x2c) p = this.spacesFrom(p + 1);
        else if (ch !== 0x5d) this.outside();
      }
      if (p >= this.len) this.outside();
    }
    node.range = [c, p + 1, p + 1];
    return node;
  }

  /** An item of a one-line flow sequence at `p`: its range goes on over the spaces after it. */
  private flowItem(p: number): Scalar {
    const t = this.text;
    const first = t.charCodeAt(p);
    let item: Scalar;
    if (first === DOUBLE || first === SINGLE) item = this.quoted(p);
    else {
      this.plainStart(p, true);
      let e = p;
      for (; e < this.len; e++) {
        const ch = t.charCodeAt(e);
        if (ch === 0x2c || ch === 0x5d || ch === NEWLINE) break;
        if (ch === 0x5b || ch === 0x7b || ch === 0x7d || (ch === HASH && t.charCodeAt(e - 1) === SPACE)) this.outside();
        // `a: b` and `a:` make a pair in a flow sequence.
        if (ch === COLON && this.endsFlowToken(e + 1)) this.outside();
      }
      while (e > p && t.charCodeAt(e - 1) === SPACE) e--;
      item = this.plain(t.slice(p, e), p, e);
    }
    item.range![2] = this.spacesFrom(item.range![1]);
    return item;
  }

  /** Whether `p` ends a plain scalar's indicator in a flow collection: a space, newline, `,`, `]` or the end. */
  private endsFlowToken(p: number): boolean {
    if (p >= this.len) return true;
    const ch = this.text.charCodeAt(p);
    return ch === SPACE || ch === NEWLINE || ch === 0x2c || ch === 0x5d || ch === 0x7d;
  }

  /** A literal or folded block scalar whose header is at `h`, in a collection of indent `indent`. */
  private blockScalar(h: number, indent: number): Scalar {
    const t = this.text;
    const folded = t.charCodeAt(h) === 0x3e;
    let p = h + 1;
    const strip = t.charCodeAt(p) === DASH;
    if (strip) p++;
    const headerEnd = this.spacesFrom(p);
    if (headerEnd < this.len && t.charCodeAt(headerEnd) !== NEWLINE && !(t.charCodeAt(headerEnd) === HASH && headerEnd > p)) this.outside();
    const bodyStart = this.nextLine(headerEnd);
    if (bodyStart >= this.len) this.outside();
    // The content's indent: that of its first line with text.
    let contentIndent = -1;
    for (let q = bodyStart; q < this.len; q = this.nextLine(q)) {
      const c = this.spacesFrom(q);
      if (c < this.len && t.charCodeAt(c) !== NEWLINE) {
        contentIndent = c - q;
        break;
      }
    }
    if (contentIndent <= indent) this.outside();
    const lines: string[] = [];
    let lastText = -1;
    let end = bodyStart;
    for (let q = bodyStart; q < this.len; ) {
      const c = this.spacesFrom(q);
      const lineEnd = this.eol(q);
      if (c === lineEnd) {
        // Spaces beyond the content's indent on a blank line are text (or an error before the first line).
        if (c - q > contentIndent) this.outside();
        lines.push('');
        q = lineEnd < this.len ? lineEnd + 1 : this.len;
        continue;
      }
      if (c - q < contentIndent) break;
      const line = t.slice(q + contentIndent, lineEnd);
      if (folded && line.charCodeAt(0) === SPACE) this.outside();
      lines.push(line);
      lastText = lines.length;
      q = lineEnd < this.len ? lineEnd + 1 : this.len;
      end = q;
    }
    lines.length = lastText;
    let value: string;
    if (folded) {
      value = '';
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (line === '') value += '\n';
        else value += i > 0 && lines[i - 1] !== '' ? ` ${line}` : line;
      }
    } else value = lines.join('\n');
    if (!strip) value += '\n';
    const scalar = new Scalar(value);
    scalar.range = [h, end, end];
    scalar.source = value;
    scalar.type = folded ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL';
    this.pos = end;
    return scalar;
  }
}

interface Peek {
  /** The start of the line with content, or -1 at the end of the text. */
  readonly line: number;
  /** Where its content begins (the end of the text when there is none). */
  readonly content: number;
  readonly indent: number;
  /** Whether comment lines were passed, and the indent of the deepest. */
  readonly comments: boolean;
  readonly deepest: number;
}

/** The documents this reader made: their nodes hold no aliases, merge keys or tags. */
const READ = new WeakSet<Document>();

/** Whether `doc` was made by the block reader. */
export function isBlockRead(doc: Document): boolean {
  return READ.has(doc);
}

/**
 * The data of a node of a document the block reader made, as the library's `toJS` gives it: mappings are plain
 * objects (a key written twice keeps its later value; `__proto__` and other inherited names become own properties),
 * keys their scalars' text (`null` as the empty text). With no alias, merge key or tag to follow, it is several times
 * faster than `toJS`.
 */
export function plainData(node: unknown): unknown {
  if (node instanceof Scalar) return typeof node.value === 'bigint' ? Number(node.value) : node.value;
  if (node instanceof YAMLSeq) return node.items.map(plainData);
  if (node instanceof YAMLMap) {
    const data: Record<string, unknown> = {};
    for (const pair of node.items as Pair[]) {
      const key = plainData(pair.key);
      const name = key === null ? '' : String(key);
      const value = plainData(pair.value);
      if (name in data) Object.defineProperty(data, name, { value, writable: true, enumerable: true, configurable: true });
      else data[name] = value;
    }
    return data;
  }
  return null;
}

/**
 * The document of `text` as the library's composer would give it (one document, no errors), or undefined when the
 * text is not of the subset read here.
 */
export function readBlockYaml(text: string, options: Options): Document.Parsed | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  const doc = new Document(undefined, options);
  const reader = new Reader(text, doc);
  try {
    const read = readDocument(text, doc, reader);
    if (read) READ.add(read);
    return read;
  } catch {
    // Outside the subset (OUTSIDE), or anything unforeseen: the library reads the text, as it did before this reader.
    return undefined;
  }
}

function readDocument(text: string, doc: Document, reader: Reader): Document.Parsed | undefined {
  const first = reader.peek(0);
  if (first.line < 0) return undefined;
  let offset = first.line;
  let at = first;
  if (first.indent === 0 && text.startsWith('---', first.content) && [' ', '\n', undefined].includes(text[first.content + 3])) {
    const lineEnd = text.indexOf('\n', first.content);
    const rest = text.slice(first.content + 3, lineEnd < 0 ? text.length : lineEnd).trim();
    if (rest !== '' && !rest.startsWith('#')) return undefined;
    doc.directives!.docStart = true;
    offset = first.content;
    at = reader.peek(lineEnd < 0 ? text.length : lineEnd + 1);
    if (at.line < 0) return undefined;
  }
  const c = at.content;
  if (text.startsWith('---', c) || text.startsWith('...', c) || text.charCodeAt(c) === 0x25) return undefined;
  reader.pos = at.line;
  const contents = reader.block(c, at.indent, 0);
  // Nothing but blank and comment lines may follow.
  if (reader.peek(reader.pos).line >= 0) return undefined;
  doc.contents = contents;
  // The library keeps the blank lines after an empty last value with it, not after the document's contents.
  doc.range = [offset, contents.range![2], endsEmpty(contents) ? contents.range![2] : text.length];
  return doc as Document.Parsed;
}

/** Whether the last value of `node`, followed down its last items, is an empty one (`key:` with nothing after it). */
function endsEmpty(node: Node): boolean {
  if (node instanceof Scalar) return node.type === 'PLAIN' && node.source === '';
  const last = node.items[node.items.length - 1];
  if (last === undefined || node.flow) return false;
  return endsEmpty((last instanceof Pair ? last.value : last) as Node);
}
