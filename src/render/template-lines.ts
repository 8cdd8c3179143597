/**
 * The lines of a Go template (a Helm chart's template file) as patterns of rendered text: the literal pieces
 * that reach the output verbatim, and the gaps where actions (`{{ ... }}`) write what they compute. Trim markers
 * (`{{-` and `-}}`) are applied the way text/template applies them, so a line's pattern holds only the characters
 * that survive rendering.
 *
 * Pure code (no Node API): the aligner matches these patterns against the lines that `helm template` printed.
 */

export interface Action {
  /** Offsets of the whole action, `{{` to `}}` inclusive. */
  readonly start: number;
  readonly end: number;
  /** The action's words, without delimiters, trim markers and surrounding spaces. */
  readonly body: string;
  readonly trimLeft: boolean;
  readonly trimRight: boolean;
  /** Whether the action can write text: `{{ .Values.x }}`, `{{ include ... }}`, `{{ template ... }}`. */
  readonly output: boolean;
  /** The block keyword it opens, continues or closes, if any. */
  readonly keyword: 'if' | 'range' | 'with' | 'define' | 'block' | 'else' | 'end' | undefined;
  /** `indent N` or `nindent N` in the pipeline: the indentation it gives every line it writes. */
  readonly indent: number | undefined;
}

/** A piece of a template line: literal text that is printed as is, or a gap filled by one or more actions. */
export type Piece =
  | { readonly kind: 'text'; readonly start: number; readonly end: number; readonly text: string }
  | { readonly kind: 'gap'; readonly start: number; readonly end: number; readonly actions: readonly number[] };

export interface TemplateLine {
  /** 0-based line number and the offsets of the line (without its newline). */
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly pieces: readonly Piece[];
  /** The rendered line must begin with the first piece (its newline before was not trimmed away). */
  readonly anchoredStart: boolean;
  /** The rendered line must end with the last piece (its own newline survives rendering). */
  readonly anchoredEnd: boolean;
  /** Non-blank literal characters: how much evidence a match of this line is. 0: the line cannot be matched. */
  readonly weight: number;
  /** Every piece is text: the line is printed exactly (a match is an equality). */
  readonly literalOnly: boolean;
  /** Indices of the actions that start on this line and may write text. */
  readonly outputActions: readonly number[];
}

export interface Block {
  readonly keyword: 'if' | 'range' | 'with' | 'define' | 'block';
  /** 0-based lines of the opening and the closing action. */
  readonly startLine: number;
  readonly endLine: number;
  /** 0-based lines of its `else` (and `else if`) actions: where its branches begin. */
  readonly elseLines: readonly number[];
}

export interface TemplateLines {
  readonly text: string;
  readonly actions: readonly Action[];
  readonly lines: readonly TemplateLine[];
  readonly blocks: readonly Block[];
  /** Offsets where each 0-based line starts. */
  readonly lineStarts: readonly number[];
}

const NO_OUTPUT = /^(?:if|else|end|range|with|define|break|continue)\b/;
const KEYWORD = /^(if|range|with|define|block|else|end)\b/;
const ASSIGNMENT = /^\$[\w]*\s*:?=/;

/** Finds the actions of a template: `{{` ... `}}`, skipping quoted strings, raw strings and comments inside. */
export function scanActions(text: string): Action[] {
  const actions: Action[] = [];
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    let j = open + 2;
    const trimLeft = text[j] === '-' && isSpace(text[j + 1]);
    if (trimLeft) j += 1;
    let close = -1;
    while (j < text.length) {
      const c = text[j]!;
      if (c === '"' || c === "'") {
        j = skipQuoted(text, j, c);
        continue;
      }
      if (c === '`') {
        const e = text.indexOf('`', j + 1);
        j = e < 0 ? text.length : e + 1;
        continue;
      }
      if (c === '/' && text[j + 1] === '*') {
        const e = text.indexOf('*/', j + 2);
        j = e < 0 ? text.length : e + 2;
        continue;
      }
      if (c === '}' && text[j + 1] === '}') {
        close = j;
        break;
      }
      j++;
    }
    if (close < 0) break;
    const trimRight = text[close - 1] === '-' && isSpace(text[close - 2]);
    const innerStart = open + (trimLeft ? 3 : 2);
    const innerEnd = trimRight ? close - 1 : close;
    const body = text.slice(innerStart, innerEnd).trim();
    const kw = KEYWORD.exec(body)?.[1] as Action['keyword'];
    const comment = body.startsWith('/*');
    const output = !comment && body !== '' && !NO_OUTPUT.test(body) && !ASSIGNMENT.test(body);
    const indentMatch = /\bn?indent\s+(\d+)/.exec(body);
    actions.push({
      start: open,
      end: close + 2,
      body,
      trimLeft,
      trimRight,
      output,
      keyword: comment ? undefined : kw,
      indent: indentMatch ? Number(indentMatch[1]) : undefined,
    });
    i = close + 2;
  }
  return actions;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function skipQuoted(text: string, at: number, quote: string): number {
  let j = at + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '\\') j += 2;
    else if (c === quote) return j + 1;
    else if (c === '\n') return j;
    else j++;
  }
  return j;
}

/** The literal text between actions, shrunk by the trim markers around it: what text/template prints. */
function printedTexts(text: string, actions: readonly Action[]): { start: number; end: number }[] {
  const texts: { start: number; end: number }[] = [];
  let prev = 0;
  for (let k = 0; k <= actions.length; k++) {
    let start = prev;
    let end = k < actions.length ? actions[k]!.start : text.length;
    if (k > 0 && actions[k - 1]!.trimRight) while (start < end && isSpace(text[start])) start++;
    if (k < actions.length && actions[k]!.trimLeft) while (end > start && isSpace(text[end - 1])) end--;
    if (end > start) texts.push({ start, end });
    if (k < actions.length) prev = actions[k]!.end;
  }
  return texts;
}

/** A line's text and actions in order, before adjacent ones are merged. */
interface RawPiece {
  readonly kind: 'text' | 'action';
  readonly start: number;
  readonly end: number;
  /** The action's index, for an action. */
  readonly index?: number;
}

/** A line's pieces: adjacent texts merged into one text, adjacent actions into one gap. */
function piecesOf(raw: readonly RawPiece[], text: string): Piece[] {
  const pieces: Piece[] = [];
  for (const r of raw) {
    const last = pieces[pieces.length - 1];
    if (r.kind === 'text') {
      if (last?.kind === 'text' && last.end === r.start)
        pieces[pieces.length - 1] = { kind: 'text', start: last.start, end: r.end, text: text.slice(last.start, r.end) };
      else pieces.push({ kind: 'text', start: r.start, end: r.end, text: text.slice(r.start, r.end) });
    } else if (last?.kind === 'gap') pieces[pieces.length - 1] = { kind: 'gap', start: last.start, end: r.end, actions: [...last.actions, r.index!] };
    else pieces.push({ kind: 'gap', start: r.start, end: r.end, actions: [r.index!] });
  }
  return pieces;
}

/** Reads a template into line patterns (see the module comment). */
export function templateLines(text: string): TemplateLines {
  const actions = scanActions(text);
  const texts = printedTexts(text, actions);

  const lineStarts = [0];
  for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) lineStarts.push(p + 1);

  // Which newlines survive: a newline inside surviving text is printed; any other (trimmed, or inside an action)
  // is not, so the rendered line continues with what follows.
  const printedNewline = new Uint8Array(lineStarts.length);
  for (const t of texts) {
    for (let p = text.indexOf('\n', t.start); p >= 0 && p < t.end; p = text.indexOf('\n', p + 1)) {
      printedNewline[lineIndex(lineStarts, p)] = 1;
    }
  }

  const lines: TemplateLine[] = [];
  let ti = 0;
  let ai = 0;
  for (let l = 0; l < lineStarts.length; l++) {
    const ls = lineStarts[l]!;
    let le = l + 1 < lineStarts.length ? lineStarts[l + 1]! - 1 : text.length;
    if (le > ls && text[le - 1] === '\r') le--;
    const raw: RawPiece[] = [];
    while (ti < texts.length && texts[ti]!.end <= ls) ti++;
    while (ai < actions.length && actions[ai]!.end <= ls) ai++;
    for (let k = ti; k < texts.length && texts[k]!.start < le; k++) {
      const s = Math.max(ls, texts[k]!.start);
      const e = Math.min(le, texts[k]!.end);
      if (e > s) raw.push({ kind: 'text', start: s, end: e });
    }
    for (let k = ai; k < actions.length && actions[k]!.start < le; k++) {
      raw.push({ kind: 'action', start: Math.max(ls, actions[k]!.start), end: Math.min(le, actions[k]!.end), index: k });
    }
    raw.sort((a, b) => a.start - b.start);
    const pieces = piecesOf(raw, text);
    // A line continued from the one before (that line's newline did not survive) may have text before it.
    const anchoredStart = l === 0 || printedNewline[l - 1] === 1;
    const anchoredEnd = printedNewline[l] === 1 || l === lineStarts.length - 1;
    const outputActions: number[] = [];
    for (let k = ai; k < actions.length && actions[k]!.start < le; k++) if (actions[k]!.start >= ls && actions[k]!.output) outputActions.push(k);
    let weight = 0;
    for (const p of pieces) if (p.kind === 'text') weight += p.text.replace(/\s+/g, '').length;
    lines.push({
      line: l,
      start: ls,
      end: le,
      pieces,
      anchoredStart,
      anchoredEnd,
      weight,
      literalOnly: pieces.length > 0 && pieces.every((p) => p.kind === 'text') && anchoredStart && anchoredEnd,
      outputActions,
    });
  }

  return { text, actions, lines, blocks: blocksOf(actions, lineStarts), lineStarts };
}

/** The 0-based line that holds an offset. */
export function lineIndex(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function blocksOf(actions: readonly Action[], lineStarts: readonly number[]): Block[] {
  const blocks: Block[] = [];
  const open: { keyword: Block['keyword']; line: number; elseLines: number[] }[] = [];
  for (const a of actions) {
    const line = lineIndex(lineStarts, a.start);
    if (a.keyword === 'if' || a.keyword === 'range' || a.keyword === 'with' || a.keyword === 'define' || a.keyword === 'block') {
      open.push({ keyword: a.keyword, line, elseLines: [] });
    } else if (a.keyword === 'else') {
      open[open.length - 1]?.elseLines.push(line);
    } else if (a.keyword === 'end') {
      const o = open.pop();
      if (o) blocks.push({ keyword: o.keyword, startLine: o.line, endLine: lineIndex(lineStarts, a.start), elseLines: o.elseLines });
    }
  }
  return blocks;
}

/**
 * Where a template line's pieces fall in a rendered line, if the line can have produced it: each text piece found
 * in order (the first at the start and the last at the end when anchored), the gaps taking what lies between.
 * Leftmost matching of each middle piece is enough to decide (it leaves the most room for the rest).
 * Trailing blanks are ignored on both sides, since a gap that prints nothing leaves them behind.
 */
export function matchLine(tl: TemplateLine, rendered: string): { start: number; end: number }[] | undefined {
  const r = trimEnd(rendered);
  const pieces = tl.pieces;
  if (pieces.length === 0) return r === '' ? [] : undefined;
  const spans: { start: number; end: number }[] = new Array(pieces.length);
  let pos = 0;
  let lastText = -1;
  for (let k = 0; k < pieces.length; k++) {
    const p = pieces[k]!;
    if (p.kind === 'gap') continue;
    lastText = k;
    // A piece followed only by gaps may end the rendered line when they print nothing; its trailing blanks are
    // then gone with the line's.
    const mayEnd = pieces.slice(k + 1).every((q) => q.kind === 'gap');
    const full = k === pieces.length - 1 ? trimEnd(p.text) : p.text;
    const short = mayEnd ? trimEnd(full) : full;
    let at = -1;
    let len = full.length;
    if (k === 0 && tl.anchoredStart) {
      if (r.startsWith(full)) at = 0;
      else if (short !== full && r === short) {
        at = 0;
        len = short.length;
      }
    } else if (k === pieces.length - 1 && tl.anchoredEnd) {
      if (r.endsWith(full) && r.length - full.length >= pos) at = r.length - full.length;
    } else {
      at = r.indexOf(full, pos);
      if (at < 0 && short !== full && r.endsWith(short) && r.length - short.length >= pos) {
        at = r.length - short.length;
        len = short.length;
      }
    }
    if (at < 0) return undefined;
    spans[k] = { start: at, end: at + len };
    pos = at + len;
  }
  if (tl.anchoredEnd && lastText === pieces.length - 1 && pos !== r.length) return undefined;
  for (let k = 0; k < pieces.length; k++) {
    if (pieces[k]!.kind !== 'gap') continue;
    const start = k === 0 ? 0 : spans[k - 1]!.end;
    const end = k === pieces.length - 1 ? r.length : findNextStart(spans, k + 1, r.length);
    spans[k] = { start, end: Math.max(start, end) };
  }
  return spans;
}

function trimEnd(s: string): string {
  return s.replace(/[ \t\r]+$/, '');
}

function findNextStart(spans: { start: number; end: number }[], from: number, fallback: number): number {
  for (let k = from; k < spans.length; k++) if (spans[k]) return spans[k]!.start;
  return fallback;
}
