/** Percentiles, medians and the table the benchmark prints. */

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length === 0 ? NaN : sum / values.length;
}

export interface Row {
  readonly figure: string;
  readonly value: string;
  readonly goal: string;
  /** Value divided by goal, for figures with a goal. */
  readonly ratio: string;
  readonly verdict: string;
}

/** A row for a figure with an upper bound: ratio = value / goal. */
export function against(figure: string, value: number, goal: number, unit: string, digits = 1): Row {
  const ratio = value / goal;
  return {
    figure,
    value: unit === '×' ? `${value.toFixed(digits)}×` : `${value.toFixed(digits)} ${unit}`.trim(),
    goal: unit === '×' ? `≤ ${goal}×` : `≤ ${goal} ${unit}`.trim(),
    ratio: `${ratio.toFixed(2)}×`,
    verdict: ratio <= 1 ? 'meets goal' : 'misses goal',
  };
}

export function info(figure: string, value: string): Row {
  return { figure, value, goal: '', ratio: '', verdict: '' };
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAligned.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function figureTable(rows: readonly Row[]): string {
  return table(
    ['Figure', 'Value', 'Goal', 'Ratio', 'Verdict'],
    rows.map((r) => [r.figure, r.value, r.goal, r.ratio, r.verdict]),
    new Set([1, 3]),
  );
}

export function bytes(n: number): string {
  if (Math.abs(n) >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (Math.abs(n) >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n.toFixed(0)} B`;
}
