/**
 * The map from rendered manifest text back to the files that produced it: for each rendered line, the source file
 * and the parts of the line with the source characters behind each. Plain data (it can be sent as JSON); the
 * functions here answer the two questions the analysis asks: where does this rendered range come from, and
 * which rendered ranges come from this source range.
 *
 * Pure code (no Node API).
 */
import { lineIndex } from './template-lines';

/**
 * How rendered text came to be. `literal`: the characters are in the source as they are in the output, so an
 * edit there changes the output the same way. `expression`: computed there (a template action, a Kustomize
 * transformer such as a name prefix), so the source text differs and an edit (a rename) must not be offered.
 */
export type Produced = 'literal' | 'expression';

export interface SourceFile {
  /** Absolute path. */
  readonly path: string;
  readonly text: string;
}

/** A part of a rendered line, in offsets of the rendered text, with the source offsets behind it. */
export interface MappedPart {
  readonly start: number;
  readonly end: number;
  readonly sourceStart: number;
  readonly sourceEnd: number;
  readonly produced: Produced;
}

/** A rendered line: its source file (index into `sources`), the 0-based source line, and its parts. */
export interface MappedLine {
  readonly source: number;
  readonly line: number;
  readonly parts: readonly MappedPart[];
}

export interface SourceMapTable {
  readonly sources: readonly SourceFile[];
  /** Offsets where each rendered line starts. */
  readonly lineStarts: readonly number[];
  /** One entry per rendered line; null where the line has no source (a separator, a line NetLens added). */
  readonly lines: readonly (MappedLine | null)[];
}

/** A place in a source file: offsets, 1-based line and column of both ends, and how the text came to be. */
export interface SourceSpan {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly produced: Produced;
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) starts.push(p + 1);
  return starts;
}

/** Line starts of each source file, computed once per table. */
const sourceLineStarts = new WeakMap<SourceFile, number[]>();

function startsOf(file: SourceFile): number[] {
  let s = sourceLineStarts.get(file);
  if (!s) {
    s = lineStartsOf(file.text);
    sourceLineStarts.set(file, s);
  }
  return s;
}

/** Where a rendered range comes from; undefined when its line has no source. */
export function toSource(map: SourceMapTable, start: number, end: number): SourceSpan | undefined {
  const line = lineIndex(map.lineStarts, start);
  const ml = map.lines[line];
  if (!ml) return undefined;
  const file = map.sources[ml.source]!;
  const lineEnd = line + 1 < map.lineStarts.length ? map.lineStarts[line + 1]! - 1 : Number.MAX_SAFE_INTEGER;
  const e = Math.max(start, Math.min(end, lineEnd));
  const overlapping = ml.parts.filter((p) => p.start < Math.max(e, start + 1) && p.end > start);
  let s0: number;
  let s1: number;
  let produced: Produced;
  if (overlapping.length === 1 && overlapping[0]!.produced === 'literal' && overlapping[0]!.start <= start && e <= overlapping[0]!.end) {
    const p = overlapping[0]!;
    // A literal part is the same characters on both sides, so offsets inside it carry over one to one.
    s0 = p.sourceStart + (start - p.start);
    s1 = Math.min(p.sourceEnd, p.sourceStart + (e - p.start));
    produced = 'literal';
  } else if (overlapping.length > 0) {
    // Literal parts count only for the characters under the range; computed parts count whole.
    const clipped = overlapping.map((p) =>
      p.produced === 'literal'
        ? { a: p.sourceStart + Math.max(0, start - p.start), b: Math.min(p.sourceEnd, p.sourceStart + (Math.max(e, start + 1) - p.start)) }
        : { a: p.sourceStart, b: p.sourceEnd },
    );
    s0 = Math.min(...clipped.map((c) => c.a));
    s1 = Math.max(...clipped.map((c) => c.b));
    produced = overlapping.some((p) => p.produced === 'expression') ? 'expression' : 'literal';
    if (produced === 'literal' && overlapping.length > 1) produced = 'expression';
  } else {
    // Nothing of the line's parts is under the range (blanks, a key NetLens did not map): the source line.
    const starts = startsOf(file);
    s0 = starts[ml.line] ?? 0;
    s1 = ml.line + 1 < starts.length ? starts[ml.line + 1]! - 1 : file.text.length;
    produced = 'expression';
  }
  const starts = startsOf(file);
  const a = lineIndex(starts, s0);
  const b = lineIndex(starts, s1);
  return { path: file.path, start: s0, end: s1, line: a + 1, column: s0 - starts[a]! + 1, endLine: b + 1, endColumn: s1 - starts[b]! + 1, produced };
}

/** The rendered ranges whose source overlaps a source range (for hints and hovers in the source file). */
export function toRendered(map: SourceMapTable, path: string, start: number, end: number): { start: number; end: number; produced: Produced }[] {
  const index = map.sources.findIndex((s) => s.path === path);
  if (index < 0) return [];
  const out: { start: number; end: number; produced: Produced }[] = [];
  for (const ml of map.lines) {
    if (!ml || ml.source !== index) continue;
    for (const p of ml.parts) {
      if (p.sourceEnd <= start || p.sourceStart >= Math.max(end, start + 1)) continue;
      if (p.produced === 'literal') {
        const a = Math.max(start, p.sourceStart);
        const b = Math.min(Math.max(end, start), p.sourceEnd);
        out.push({ start: p.start + (a - p.sourceStart), end: p.start + (b - p.sourceStart), produced: 'literal' });
      } else out.push({ start: p.start, end: p.end, produced: 'expression' });
    }
  }
  return out;
}
