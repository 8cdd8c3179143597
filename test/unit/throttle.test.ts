// The throttle between model changes and view redraws, on mocked timers.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { throttle } from '../../src/extension/throttle';

/** Lets the promise callbacks queued so far run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('throttle', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it('runs the first call at once, and a burst after it once, at the end of the interval', async () => {
    const runs: number[] = [];
    const t = throttle(async () => void runs.push(Date.now()), 1000);
    t.run();
    mock.timers.tick(0);
    await settle();
    assert.deepEqual(runs, [1_000_000]);
    for (let i = 0; i < 10; i++) {
      mock.timers.tick(50);
      t.run();
    }
    await settle();
    assert.equal(runs.length, 1, 'nothing more within the interval');
    mock.timers.tick(499);
    await settle();
    assert.equal(runs.length, 1);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(runs, [1_000_000, 1_001_000]);
    // Quiet for longer than the interval: the next call runs at once again.
    mock.timers.tick(5000);
    t.run();
    mock.timers.tick(0);
    await settle();
    assert.deepEqual(runs, [1_000_000, 1_001_000, 1_006_000]);
    t.dispose();
  });

  it('an interval given as a function is read at each call: shorter while loading, longer after', async () => {
    const runs: number[] = [];
    let loading = true;
    const t = throttle(
      async () => void runs.push(Date.now()),
      () => (loading ? 250 : 1000),
    );
    t.run();
    mock.timers.tick(0);
    await settle();
    mock.timers.tick(10);
    t.run();
    mock.timers.tick(239);
    await settle();
    assert.deepEqual(runs, [1_000_000]);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(runs, [1_000_000, 1_000_250]);
    loading = false;
    t.run();
    mock.timers.tick(999);
    await settle();
    assert.equal(runs.length, 2);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual(runs, [1_000_000, 1_000_250, 1_001_250]);
    t.dispose();
  });

  it('never overlaps a run still under way; a call during it runs once after it', async () => {
    let active = 0;
    let most = 0;
    let finish: (() => void) | undefined;
    let count = 0;
    const t = throttle(async () => {
      count++;
      active++;
      most = Math.max(most, active);
      await new Promise<void>((resolve) => (finish = resolve));
      active--;
    }, 100);
    t.run();
    mock.timers.tick(0);
    await settle();
    assert.equal(count, 1);
    t.run();
    mock.timers.tick(500);
    t.run();
    mock.timers.tick(500);
    await settle();
    assert.equal(count, 1, 'the first run has not finished');
    finish!();
    await settle();
    mock.timers.tick(100);
    await settle();
    assert.equal(count, 2, 'one more run after it');
    finish!();
    await settle();
    mock.timers.tick(1000);
    await settle();
    assert.equal(count, 2, 'and no other');
    assert.equal(most, 1);
    t.dispose();
  });

  it('dispose cancels a run that is waiting', async () => {
    let count = 0;
    const t = throttle(async () => void count++, 1000);
    t.run();
    mock.timers.tick(0);
    await settle();
    t.run();
    t.dispose();
    mock.timers.tick(5000);
    await settle();
    assert.equal(count, 1);
  });
});
