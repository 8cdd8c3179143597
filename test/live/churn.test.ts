/**
 * Two minutes of churn while the live model watches (the soak benchmark's short run, `npm run bench -- --only=soak`
 * for 30 minutes): pods and Services created, relabelled, given addresses and deleted in the `churn` namespace,
 * and the API server killed and restarted three times. After each restart the model is ready again and sees a pod
 * created after it; at the end it holds exactly what fresh lists return, with no duplicate and nothing lost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LiveModel } from '../../src/cluster/live-model';
import { CHURN_NAMESPACE, churn, resetChurnNamespace, settleAgainstCluster } from './churn';
import { loadFixtures } from './fixtures';
import { Kube } from './kube';
import { type Plane, startPlane } from './plane';

describe('churn and API server restarts while the model watches', { timeout: 15 * 60 * 1000 }, () => {
  let plane: Plane;
  let kube: Kube;

  before(async () => {
    plane = startPlane();
    kube = new Kube(plane.kubeconfig);
    await loadFixtures(kube);
    await resetChurnNamespace(kube);
  });

  after(() => kube?.close());

  it('stays equal to the cluster: every restart converges, and the end is a fresh list', async () => {
    // Listeners left behind by each reconnection would show as this warning after ten of them.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const model = new LiveModel({ path: plane.kubeconfig, debounceMs: 50, maxBackoffMs: 1000 });
    model.start();
    try {
      assert.equal((await model.whenSettled(30_000)).state, 'ready');
      const result = await churn(plane, kube, model, {
        durationMs: 120_000,
        restarts: 3,
        opsPerSecond: 10,
        maxPods: 60,
        maxServices: 15,
        sampleEveryMs: 10_000,
        seed: 20261202,
        log: (line) => console.log(`# ${line}`),
      });
      console.log(`# churn: ${JSON.stringify(result.ops)}`);
      assert.equal(result.restarts.length, 3);
      // The churn did churn: every kind of change happened, most of them while the API server was up.
      for (const op of ['createPod', 'createService', 'relabel', 'address', 'deletePod', 'deleteService'] as const)
        assert.ok(result.ops[op] > 0, `${op} happened (${JSON.stringify(result.ops)})`);
      const { model: held, cluster } = await settleAgainstCluster(model, kube);
      for (const kind of ['pods', 'services', 'endpointSlices'] as const) {
        assert.deepEqual(held[kind], cluster[kind], `${kind}: the model holds exactly what a fresh list returns`);
        const names = held[kind].map((line) => line.split(' ')[0]);
        assert.equal(new Set(names).size, names.length, `${kind}: no duplicates`);
      }
      assert.ok(
        held.pods.some((line) => line.startsWith(`${CHURN_NAMESPACE}/`)),
        'the churned namespace is in the model',
      );
      assert.deepEqual(
        warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')),
        [],
      );
    } finally {
      process.off('warning', onWarning);
      model.stop();
    }
  });
});
