/**
 * A cluster read a page at a time: the first list of each resource shows its pages as they come, so that the views
 * fill in while a large cluster is read (the model still says `connecting`, and no answer rests on it); once every
 * list is complete, the model is the same as a model that waited for all of them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LiveModel, type ModelStatus } from '../../src/cluster/live-model';
import { loadFixtures, NAMESPACES } from './fixtures';
import { Kube } from './kube';
import { type Plane, startPlane } from './plane';

describe('the first lists, a page at a time', { timeout: 5 * 60 * 1000 }, () => {
  let plane: Plane;
  let kube: Kube;

  before(async () => {
    plane = startPlane();
    kube = new Kube(plane.kubeconfig);
    await loadFixtures(kube);
  });

  after(() => kube?.close());

  it('pods appear while the model is connecting, and the complete model equals one read at once', async () => {
    const seen: { state: ModelStatus['state']; pods: number }[] = [];
    // Pages of 2 objects: the fixture's pods come in several pages.
    const paged = new LiveModel({ path: plane.kubeconfig, pageSize: 2, debounceMs: 0 });
    paged.onChange((snapshot, status) => seen.push({ state: status.state, pods: [...snapshot.pods()].length }));
    paged.start();
    const settled = await paged.whenSettled(60_000);
    const whole = new LiveModel({ path: plane.kubeconfig, pageSize: 500 });
    whole.start();
    await whole.whenSettled(60_000);
    try {
      assert.equal(settled.state, 'ready');
      const total = [...whole.snapshot().pods()].length;
      assert.ok(total > 4, `the fixture has pods (${total})`);
      const partial = seen.filter((s) => s.state === 'connecting' && s.pods > 0 && s.pods < total);
      assert.ok(partial.length > 0, `some pods shown before the list was complete: ${JSON.stringify(seen.slice(0, 20))}`);
      const names = (m: LiveModel) =>
        [...m.snapshot().pods()]
          .map((p) => `${p.namespace}/${p.name}`)
          .sort()
          .join('\n');
      assert.equal(names(paged), names(whole));
      assert.equal([...paged.snapshot().services()].length, [...whole.snapshot().services()].length);
    } finally {
      paged.stop();
      whole.stop();
    }
  });

  it('the first namespaces are told at once, not after the debounce interval', async () => {
    // A debounce longer than the test, and a page per namespace: the first change is told at once, and then only the
    // pages of namespaces can be told within the test.
    const model = new LiveModel({ path: plane.kubeconfig, pageSize: 1, debounceMs: 10 * 60 * 1000 });
    const told = new Promise<readonly string[]>((resolve) => {
      model.onChange((snapshot) => {
        const names = snapshot.namespaceNames();
        if (NAMESPACES.every((n) => names.includes(n))) resolve(names);
      });
    });
    model.start();
    try {
      const names = await told;
      assert.ok(names.includes('shop'));
    } finally {
      model.stop();
    }
  });
});
