// The progress line of a long `netlens check`: rewritten in place on a terminal, absent everywhere else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressLine } from '../../src/cli/progress';

/** A stream that records what is written, and a clock the test moves. */
function setup(isTTY: boolean | undefined) {
  const written: string[] = [];
  let now = 1_000;
  const stream = { ...(isTTY === undefined ? {} : { isTTY }), write: (s: string) => written.push(s) };
  const progress = progressLine(stream, () => now);
  return { written, progress, advance: (ms: number) => (now += ms) };
}

describe('progressLine', () => {
  it('writes nothing when the stream is not a terminal (a pipe, a file, a CI log)', () => {
    for (const isTTY of [false, undefined]) {
      const { written, progress, advance } = setup(isTTY);
      for (let i = 0; i < 10; i++) {
        advance(500);
        progress.update(`${i} of 10 files read`);
      }
      progress.done();
      assert.deepEqual(written, [], `isTTY ${isTTY}`);
    }
  });

  it('on a terminal: after a quarter second, one line rewritten with \\r at most ten times a second, then cleared', () => {
    const { written, progress, advance } = setup(true);
    progress.update('netlens: 10 of 300 files read');
    assert.deepEqual(written, [], 'a check that ends at once shows nothing');
    advance(300);
    progress.update('netlens: 100 of 300 files read');
    advance(50);
    progress.update('netlens: 150 of 300 files read');
    advance(100);
    progress.update('netlens: 9 of 300 checked');
    progress.done();
    assert.deepEqual(written, [
      '\rnetlens: 100 of 300 files read',
      // A shorter line covers the end of the longer one with spaces.
      '\rnetlens: 9 of 300 checked     ',
      `\r${' '.repeat('netlens: 9 of 300 checked'.length)}\r`,
    ]);
  });

  it('clears nothing when it showed nothing', () => {
    const { written, progress } = setup(true);
    progress.done();
    assert.deepEqual(written, []);
  });
});
