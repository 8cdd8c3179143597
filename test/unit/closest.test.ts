/**
 * `closest`, the near names a finding offers as fixes: against a plain reading of its definition (the whole
 * optimal-string-alignment table, no early exit), on names drawn by fast-check.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { closest } from '../../src/core/check';

/** Edit distance with adjacent swaps as one edit, the whole table. */
function plainDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

function plainClosest(word: string, candidates: string[], max: number, prefixes: boolean): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  return candidates
    .filter((c) => c !== w)
    .map((c): [string, number] => [c, plainDistance(w, c.toLowerCase())])
    .filter(([c, d]) => d <= limit || (prefixes && w.length >= 5 && (c.startsWith(w) || w.startsWith(c))))
    .map(([c, d]): [string, number] => [c, Math.min(d, limit + 1)])
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([c]) => c);
}

const name = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'A', '-', '0'), minLength: 1, maxLength: 14 });

describe('closest', () => {
  it('finds the names the whole distance table finds, in the same order', () => {
    fc.assert(
      fc.property(name, fc.array(name, { maxLength: 40 }), fc.boolean(), (word, others, prefixes) => {
        // Names near the word, by one or two edits, besides unrelated ones.
        const near = others.map((o, i) => (i % 2 === 0 ? word.slice(0, i % word.length) + o.slice(0, 2) + word.slice((i % word.length) + 1) : o));
        assert.deepEqual(closest(word, near, 3, prefixes), plainClosest(word, near, 3, prefixes));
      }),
      { numRuns: 3000, seed: 20240501 },
    );
  });

  it('counts a swap of neighbours as one edit, and stops past the limit', () => {
    assert.deepEqual(closest('web', ['wbe', 'bew', 'webs', 'api']), ['wbe', 'webs']);
    assert.deepEqual(closest('checkout', ['chekcout', 'checkout-v2', 'cart']), ['chekcout', 'checkout-v2']);
    assert.deepEqual(closest('checkout', ['payments', 'frontend']), []);
  });
});
