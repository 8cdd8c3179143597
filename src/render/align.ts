/**
 * Aligns a Go template with what it rendered: each rendered line is assigned the template line that produced it,
 * and each part of the rendered line the template characters behind it (literal text, or the action whose output
 * it is). Literal pieces of template lines are matched against rendered lines in order (the longest chain of
 * matches, weighted by the literal characters they share); lines between two matches are output of the actions
 * between them, or later passes of a `range` loop.
 *
 * Pure code (no Node API).
 */

/** How rendered text came to be: copied from the source, or computed there (by a template action, a transformer). */
import type { Produced } from './source-map';
import { lineIndex, matchLine, type TemplateLine, type TemplateLines } from './template-lines';

export type { Produced };

/** A part of a rendered line and the source characters behind it (offsets in the rendered line and the template). */
export interface LinePart {
  readonly start: number;
  readonly end: number;
  readonly sourceStart: number;
  readonly sourceEnd: number;
  readonly produced: Produced;
}

export interface LineAssignment {
  /** 0-based template line, or -1 when nothing could be told (the line is then unmapped). */
  readonly templateLine: number;
  readonly parts: readonly LinePart[];
}

/** Beyond this many cells a region is aligned greedily rather than by dynamic programming. */
const MAX_CELLS = 2_000_000;

/** Assigns each rendered line (without newlines) a template line and its parts. */
export function alignTemplate(tpl: TemplateLines, rendered: readonly string[]): LineAssignment[] {
  const lines = tpl.lines;
  const matched = new Int32Array(rendered.length).fill(-1);
  const exact = new Map<string, number[]>();
  for (const tl of lines) {
    if (!tl.literalOnly || tl.weight === 0) continue;
    const key = trimEnd(tpl.text.slice(tl.start, tl.end));
    const list = exact.get(key);
    if (list) list.push(tl.line);
    else exact.set(key, [tl.line]);
  }

  // Anchors: literal lines that occur once in the template and once in the output, in increasing order on both
  // sides (the longest such chain). They cut the problem into small regions, as patience diff does.
  const renderedCount = new Map<string, number>();
  for (const r of rendered) {
    const k = trimEnd(r);
    if (exact.has(k)) renderedCount.set(k, (renderedCount.get(k) ?? 0) + 1);
  }
  const pairs: [number, number][] = [];
  rendered.forEach((r, j) => {
    const k = trimEnd(r);
    const t = exact.get(k);
    if (t && t.length === 1 && renderedCount.get(k) === 1) pairs.push([t[0]!, j]);
  });
  const anchors = longestIncreasing(pairs);
  let prevT = -1;
  let prevR = -1;
  for (const [t, j] of [...anchors, [lines.length, rendered.length] as [number, number]]) {
    alignRegion(lines, rendered, prevT + 1, t, prevR + 1, j, matched);
    if (j < rendered.length) matched[j] = t;
    prevT = t;
    prevR = j;
  }
  oneBranch(tpl, matched);
  return fillGaps(tpl, rendered, matched);
}

/**
 * An `if` (or `with`) outside any loop renders one of its branches. When lines of several branches were matched
 * (a `value: {{ ... }}` line fits either branch), the branch with the most matched text is the one that rendered;
 * the other matches are undone, and the gap filling places those lines again.
 */
function oneBranch(tpl: TemplateLines, matched: Int32Array): void {
  const loops = tpl.blocks.filter((b) => b.keyword === 'range');
  for (const b of tpl.blocks) {
    if ((b.keyword !== 'if' && b.keyword !== 'with') || b.elseLines.length === 0) continue;
    if (loops.some((l) => l.startLine < b.startLine && b.endLine < l.endLine)) continue;
    const bounds = [b.startLine, ...b.elseLines, b.endLine];
    const branchOf = (t: number): number => {
      for (let k = 0; k + 1 < bounds.length; k++) if (t > bounds[k]! && t < bounds[k + 1]!) return k;
      return -1;
    };
    const weight = new Array<number>(bounds.length - 1).fill(0);
    for (const t of matched) {
      const k = t >= 0 ? branchOf(t) : -1;
      if (k >= 0) weight[k]! += tpl.lines[t]!.weight;
    }
    if (weight.filter((w) => w > 0).length < 2) continue;
    const best = weight.indexOf(Math.max(...weight));
    for (let j = 0; j < matched.length; j++) {
      const t = matched[j]!;
      if (t >= 0 && branchOf(t) >= 0 && branchOf(t) !== best) matched[j] = -1;
    }
  }
}

/** The longest chain of pairs increasing in both coordinates (pairs come sorted by the second). */
function longestIncreasing(pairs: readonly [number, number][]): [number, number][] {
  const tails: number[] = [];
  const prev = new Int32Array(pairs.length).fill(-1);
  for (let i = 0; i < pairs.length; i++) {
    const v = pairs[i]![0];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![0] < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const out: [number, number][] = [];
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) out.push(pairs[i]!);
  return out.reverse();
}

/** Matches template lines [t0, t1) with rendered lines [r0, r1) in order, maximising the weight matched. */
function alignRegion(lines: readonly TemplateLine[], rendered: readonly string[], t0: number, t1: number, r0: number, r1: number, matched: Int32Array): void {
  const n = t1 - t0;
  const m = r1 - r0;
  if (n <= 0 || m <= 0) return;
  const candidates: number[] = [];
  for (let t = t0; t < t1; t++) if (lines[t]!.weight > 0) candidates.push(t);
  if (candidates.length === 0) return;
  const score = (t: number, j: number): number => {
    const tl = lines[t]!;
    if (!matchLine(tl, rendered[j]!)) return 0;
    return tl.weight + (tl.literalOnly ? 2 : 0);
  };
  const c = candidates.length;
  if (c * m > MAX_CELLS) {
    // Greedy: each rendered line takes the next template line that matches it.
    let at = 0;
    for (let j = r0; j < r1 && at < c; j++) {
      for (let k = at; k < c && k < at + 200; k++) {
        if (score(candidates[k]!, j) > 0) {
          matched[j] = candidates[k]!;
          at = k + 1;
          break;
        }
      }
    }
    return;
  }
  // dp[i][j]: the best weight aligning the first i candidates with the first j rendered lines of the region.
  const w = m + 1;
  const dp = new Int32Array((c + 1) * w);
  const took = new Uint8Array((c + 1) * w);
  for (let i = 1; i <= c; i++) {
    const t = candidates[i - 1]!;
    for (let j = 1; j <= m; j++) {
      const up = dp[(i - 1) * w + j]!;
      const left = dp[i * w + j - 1]!;
      let best = Math.max(up, left);
      let how = up >= left ? 1 : 2;
      const s = score(t, r0 + j - 1);
      if (s > 0 && dp[(i - 1) * w + j - 1]! + s > best) {
        best = dp[(i - 1) * w + j - 1]! + s;
        how = 3;
      }
      dp[i * w + j] = best;
      took[i * w + j] = how;
    }
  }
  let i = c;
  let j = m;
  while (i > 0 && j > 0) {
    const how = took[i * w + j];
    if (how === 3) {
      matched[r0 + j - 1] = candidates[i - 1]!;
      i--;
      j--;
    } else if (how === 1) i--;
    else j--;
  }
}

/**
 * Gives every rendered line its template line and parts: matched lines their pattern's pieces; the others, in
 * order of preference, a line of the same `range` loop that matches them (a later pass of the loop), the output
 * action between the matched lines around them whose indentation fits, a matching line anywhere, or the line before.
 */
function fillGaps(tpl: TemplateLines, rendered: readonly string[], matched: Int32Array): LineAssignment[] {
  const lines = tpl.lines;
  const out: LineAssignment[] = new Array(rendered.length);
  const ranges = tpl.blocks.filter((b) => b.keyword === 'range');
  let prev = -1;
  /** The gap action that the line before was assigned, to keep a multi-line output together. */
  let gapAction: { action: number; indent: number } | undefined;
  for (let j = 0; j < rendered.length; j++) {
    const r = rendered[j]!;
    const t = matched[j]!;
    if (t >= 0) {
      out[j] = assignMatched(tpl, lines[t]!, r) ?? { templateLine: t, parts: [] };
      prev = t;
      gapAction = undefined;
      continue;
    }
    let next = lines.length;
    for (let k = j + 1; k < rendered.length; k++) {
      if (matched[k]! >= 0) {
        next = matched[k]!;
        break;
      }
    }
    const indent = r.length - r.trimStart().length;
    let found = laterPass(tpl, ranges, prev, r);
    if (!found && r.trim() !== '') {
      // Output of an action: the one that wrote the line before, while the text stays inside its indentation,
      // else the first action between the matched lines around this one whose indentation fits.
      if (gapAction && indent >= gapAction.indent) found = actionAssignment(tpl, gapAction.action, r);
      else {
        const action = gapActionFor(tpl, prev, next, indent);
        if (action !== undefined) {
          found = actionAssignment(tpl, action, r);
          gapAction = { action, indent: tpl.actions[action]!.indent ?? indent };
        }
      }
    }
    if (!found && r.trim() !== '') found = matchAnywhere(tpl, r);
    if (!found) {
      const at = prev >= 0 ? prev : -1;
      found = {
        templateLine: at,
        parts:
          at >= 0 && r.trim() !== ''
            ? [{ start: 0, end: trimEnd(r).length, sourceStart: lines[at]!.start, sourceEnd: lines[at]!.end, produced: 'expression' }]
            : [],
      };
    }
    out[j] = found;
    if (found.templateLine >= 0) prev = found.templateLine;
  }
  return out;
}

/** A later pass of a `range` loop: the best line of the innermost loop holding the line before that matches `r`. */
function laterPass(tpl: TemplateLines, ranges: readonly TemplateLines['blocks'][number][], prev: number, r: string): LineAssignment | undefined {
  const lines = tpl.lines;
  const loop = ranges.filter((b) => prev >= b.startLine && prev <= b.endLine);
  if (loop.length === 0) return undefined;
  const inner = loop.reduce((a, b) => (b.startLine >= a.startLine ? b : a));
  let best: { t: number; weight: number; distance: number } | undefined;
  for (let t2 = inner.startLine; t2 <= inner.endLine; t2++) {
    const tl = lines[t2]!;
    if (tl.weight === 0 || !matchLine(tl, r)) continue;
    const distance = t2 > prev ? t2 - prev : t2 - inner.startLine + (inner.endLine - prev) + 1;
    if (!best || tl.weight > best.weight || (tl.weight === best.weight && distance < best.distance)) best = { t: t2, weight: tl.weight, distance };
  }
  return best ? assignMatched(tpl, lines[best.t]!, r) : undefined;
}

/**
 * The output action that most likely wrote a line between the matched lines `prev` and `next`: the first whose
 * indentation is the line's, else the first that fits inside it, else the first.
 */
function gapActionFor(tpl: TemplateLines, prev: number, next: number, indent: number): number | undefined {
  const lines = tpl.lines;
  const choices: number[] = [];
  for (let t2 = Math.max(prev, 0); t2 < Math.min(next + 1, lines.length); t2++) {
    // The matched line before counts only for its last action (`key: {{ toYaml .x | nindent 4 }}`).
    const acts = lines[t2]!.outputActions;
    if (t2 === prev) {
      const last = acts[acts.length - 1];
      if (last !== undefined && lastPieceIsGap(lines[t2]!)) choices.push(last);
    } else choices.push(...acts);
  }
  const fits = choices.filter((a) => tpl.actions[a]!.indent === undefined || tpl.actions[a]!.indent! <= indent);
  const exactIndent = fits.find((a) => tpl.actions[a]!.indent === indent);
  return exactIndent ?? fits[0] ?? choices[0];
}

/** The heaviest template line anywhere that matches `r`, its parts marked as a guess of which pass made them. */
function matchAnywhere(tpl: TemplateLines, r: string): LineAssignment | undefined {
  let best: TemplateLine | undefined;
  for (const tl of tpl.lines) if (tl.weight > (best?.weight ?? 0) && matchLine(tl, r)) best = tl;
  if (!best) return undefined;
  const a = assignMatched(tpl, best, r);
  // Found out of order: the characters may be the template's, but which pass produced them is a guess.
  return a ? { templateLine: a.templateLine, parts: a.parts.map((p) => ({ ...p, produced: 'expression' as const })) } : undefined;
}

function lastPieceIsGap(tl: TemplateLine): boolean {
  return tl.pieces.length > 0 && tl.pieces[tl.pieces.length - 1]!.kind === 'gap';
}

/** The parts of a rendered line matched by a template line's pattern. */
function assignMatched(tpl: TemplateLines, tl: TemplateLine, rendered: string): LineAssignment | undefined {
  const spans = matchLine(tl, rendered);
  if (!spans) return undefined;
  const parts: LinePart[] = [];
  tl.pieces.forEach((p, k) => {
    const s = spans[k]!;
    if (s.end <= s.start) return;
    if (p.kind === 'text') {
      parts.push({ start: s.start, end: s.end, sourceStart: p.start, sourceEnd: p.start + (s.end - s.start), produced: 'literal' });
    } else {
      const first = tpl.actions[p.actions[0]!]!;
      const last = tpl.actions[p.actions[p.actions.length - 1]!]!;
      parts.push({ start: s.start, end: s.end, sourceStart: first.start, sourceEnd: last.end, produced: 'expression' });
    }
  });
  return { templateLine: tl.line, parts };
}

/** A rendered line written by one action: all of its text comes from the action's characters. */
function actionAssignment(tpl: TemplateLines, action: number, rendered: string): LineAssignment {
  const a = tpl.actions[action]!;
  const text = trimEnd(rendered);
  const lead = text.length - text.trimStart().length;
  const line = lineIndex(tpl.lineStarts, a.start);
  return {
    templateLine: line,
    parts: text.length > lead ? [{ start: lead, end: text.length, sourceStart: a.start, sourceEnd: a.end, produced: 'expression' }] : [],
  };
}

function trimEnd(s: string): string {
  return s.replace(/[ \t\r]+$/, '');
}
