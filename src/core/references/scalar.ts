/**
 * The text of a YAML scalar as a program reads it (escapes decoded, block indentation removed, lines folded),
 * with the offset in the file of every character. Scanners read the decoded text, which is what the pod sees,
 * and report positions in the file, so that hovers and fixes land on the characters as written.
 *
 * The decoding is checked against the YAML library's own value: when they disagree (a construct this decoder
 * does not follow), the whole text maps to the scalar's range, which is coarse but never wrong.
 */
import type { Scalar } from 'yaml';

export interface MappedText {
  readonly text: string;
  /** The file offset of each character of `text`, and one past the last at `text.length`. */
  readonly offsets: Int32Array;
  /** Every character maps exactly to its own place in the file (false after a coarse fallback). */
  readonly exact: boolean;
}

/** The range in the file of the characters `start..end` of a mapped text. */
export function sourceRange(m: MappedText, start: number, end: number): [number, number] {
  if (!m.exact) return [m.offsets[0]!, m.offsets[m.text.length]!];
  if (end <= start) return [m.offsets[start]!, m.offsets[start]!];
  return [m.offsets[start]!, m.offsets[end - 1]! + 1];
}

/** A text whose characters all stand for one range of the file (base64 data, a fallback). */
export function coarse(text: string, start: number, end: number): MappedText {
  const offsets = new Int32Array(text.length + 1).fill(start);
  offsets[text.length] = end;
  return { text, offsets, exact: false };
}

/** A text that is its own source: offsets count from `base`. */
export function verbatim(text: string, base: number): MappedText {
  const offsets = new Int32Array(text.length + 1);
  for (let i = 0; i <= text.length; i++) offsets[i] = base + i;
  return { text, offsets, exact: true };
}

/** A part of a mapped text, keeping its offsets. */
export function slice(m: MappedText, start: number, end: number): MappedText {
  return { text: m.text.slice(start, end), offsets: m.offsets.slice(start, end + 1), exact: m.exact };
}

/** The decoded text of a string or number scalar, mapped to the file; undefined for other values. */
export function scalarText(node: Scalar, file: string): MappedText | undefined {
  const v = node.value;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') return undefined;
  const [start, end] = node.range ?? [0, 0];
  const source = file.slice(start, end);
  const value = String(v);
  let decoded: Builder | undefined;
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      decoded = doubleQuoted(source, start);
      break;
    case 'QUOTE_SINGLE':
      decoded = flow(source.slice(1, -1), start + 1, (b, s, i) => {
        if (s[i] !== "'" || s[i + 1] !== "'") return 0;
        b.push("'", i);
        return 2;
      });
      break;
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      decoded = block(source, start, node.type === 'BLOCK_FOLDED');
      break;
    default:
      // A plain number keeps its source spelling (`08080`), which is what a scanner should see.
      if (typeof v !== 'string') return verbatim(source, start);
      decoded = flow(source, start, () => 0);
  }
  if (decoded && decoded.text() === value) return decoded.done();
  return coarse(value, start, end);
}

/** Decoded text and the file offset of each of its UTF-16 code units, grown in runs. */
class Builder {
  private readonly parts: string[] = [];
  private at = new Int32Array(64);
  private length = 0;
  constructor(private readonly base: number) {}
  private reserve(n: number): void {
    if (this.length + n <= this.at.length) return;
    let size = this.at.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Int32Array(size);
    next.set(this.at.subarray(0, this.length));
    this.at = next;
  }
  /** Appends `s`, every code unit of it placed at `offset` (relative to the base). */
  push(s: string, offset: number): void {
    this.reserve(s.length);
    this.parts.push(s);
    this.at.fill(this.base + offset, this.length, this.length + s.length);
    this.length += s.length;
  }
  /** Appends source text that stands at its own place: `s` starts at `offset`. */
  run(s: string, offset: number): void {
    this.reserve(s.length);
    this.parts.push(s);
    for (let k = 0; k < s.length; k++) this.at[this.length + k] = this.base + offset + k;
    this.length += s.length;
  }
  own(c: string, offset: number): void {
    this.run(c, offset);
  }
  /** Drops trailing characters found in `chars` (whitespace before a folded line break). */
  popTrailing(chars: string): void {
    while (this.parts.length > 0) {
      const last = this.parts[this.parts.length - 1]!;
      let cut = last.length;
      while (cut > 0 && chars.includes(last[cut - 1]!)) cut--;
      this.length -= last.length - cut;
      if (cut > 0) {
        this.parts[this.parts.length - 1] = last.slice(0, cut);
        return;
      }
      this.parts.pop();
    }
  }
  text(): string {
    const joined = this.parts.join('');
    this.parts.length = 0;
    this.parts.push(joined);
    return joined;
  }
  done(endOffset?: number): MappedText {
    const text = this.text();
    const offsets = new Int32Array(text.length + 1);
    offsets.set(this.at.subarray(0, text.length));
    offsets[text.length] = endOffset ?? (text.length > 0 ? offsets[text.length - 1]! + 1 : this.base);
    return { text, offsets, exact: true };
  }
}

/**
 * A flow scalar (plain or quoted) without its quotes: line breaks fold into a space, or into one newline per
 * empty line, and the whitespace around a break is dropped. `special` consumes an escape and returns its length.
 */
function flow(s: string, base: number, special: (b: Builder, s: string, i: number) => number): Builder {
  const b = new Builder(base);
  let i = 0;
  while (i < s.length) {
    const n = special(b, s, i);
    if (n > 0) {
      i += n;
      continue;
    }
    const c = s[i]!;
    if (c === '\n' || (c === '\r' && s[i + 1] === '\n')) {
      b.popTrailing(' \t');
      const breakAt = i;
      let empty = 0;
      i += c === '\r' ? 2 : 1;
      for (;;) {
        while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
        if (s[i] === '\n') {
          empty++;
          i++;
        } else if (s[i] === '\r' && s[i + 1] === '\n') {
          empty++;
          i += 2;
        } else break;
      }
      if (empty === 0) b.push(' ', breakAt);
      else for (let k = 0; k < empty; k++) b.push('\n', breakAt);
      continue;
    }
    // A run of ordinary characters at once.
    let j = i + 1;
    while (j < s.length && s[j] !== '\n' && s[j] !== '\r' && s[j] !== '\\' && s[j] !== "'") j++;
    b.run(s.slice(i, j), i);
    i = j;
  }
  return b;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

function doubleQuoted(source: string, start: number): Builder {
  const inner = source.slice(1, -1);
  return flow(inner, start + 1, (b, s, i) => {
    if (s[i] !== '\\') return 0;
    const e = s[i + 1];
    if (e === undefined) return 0;
    if (e === '\n' || e === '\r') {
      // An escaped line break joins the lines with nothing between them.
      let j = i + 1 + (e === '\r' && s[i + 2] === '\n' ? 2 : 1);
      while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
      return j - i;
    }
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      b.push(simple, i);
      return 2;
    }
    const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = s.slice(i + 2, i + 2 + len);
    if (len > 0 && hex.length === len && /^[0-9a-fA-F]+$/.test(hex)) {
      b.push(String.fromCodePoint(parseInt(hex, 16)), i);
      return 2 + len;
    }
    return 0;
  });
}

/** A literal (`|`) or folded (`>`) block scalar, from its header to its last line. */
function block(source: string, start: number, folded: boolean): Builder | undefined {
  const headerEnd = source.indexOf('\n');
  if (headerEnd < 0) return new Builder(start);
  const header = source
    .slice(0, headerEnd)
    .replace(/\s+#.*$/, '')
    .trim();
  const m = /^[|>]([-+]?)([1-9]?)([-+]?)$/.exec(header);
  if (!m) return undefined;
  const chomp = m[1] || m[3] || '';
  const lines: { text: string; at: number }[] = [];
  let at = headerEnd + 1;
  for (const raw of source.slice(headerEnd + 1).split('\n')) {
    lines.push({ text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, at });
    at += raw.length + 1;
  }
  // The last element after a final newline is not a line.
  if (lines.length > 0 && lines[lines.length - 1]!.text === '' && source.endsWith('\n')) lines.pop();
  let indent = m[2] ? Number(m[2]) : 0;
  if (!indent) {
    const first = lines.find((l) => l.text.trim() !== '');
    if (!first) return new Builder(start);
    indent = first.text.length - first.text.trimStart().length;
  }
  // The parent's indentation is unknown here, so an explicit indicator is relative to it: leave that to the
  // library's value (the check in scalarText falls back when they differ).
  const b = new Builder(start);
  let prevKind: 'none' | 'normal' | 'more' | 'empty' = 'none';
  let pendingBreak: number | undefined;
  let emptyRun: number[] = [];
  for (const line of lines) {
    const content = line.text.length > indent ? line.text.slice(indent) : '';
    const blank = line.text.trim() === '' && line.text.length <= indent;
    if (blank) {
      emptyRun.push(line.at);
      continue;
    }
    const more = /^[ \t]/.test(content);
    if (prevKind !== 'none') {
      if (folded && prevKind === 'normal' && !more && emptyRun.length === 0) b.push(' ', pendingBreak!);
      else if (folded && prevKind === 'normal' && !more) for (const e of emptyRun) b.push('\n', e);
      else {
        b.push('\n', pendingBreak!);
        for (const e of emptyRun) b.push('\n', e);
      }
    } else {
      for (const e of emptyRun) b.push('\n', e);
    }
    emptyRun = [];
    b.run(content, line.at + indent);
    pendingBreak = line.at + line.text.length;
    prevKind = more ? 'more' : 'normal';
  }
  if (prevKind !== 'none') {
    if (chomp === '+') {
      b.push('\n', pendingBreak!);
      for (const e of emptyRun) b.push('\n', e);
    } else if (chomp === '') {
      b.push('\n', pendingBreak!);
    }
  }
  return b;
}
