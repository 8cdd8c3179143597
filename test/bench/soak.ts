/**
 * The churn soak (`npm run bench -- --only=soak`, 30 minutes; `--soak-minutes=N` for another length): on the local
 * control plane, pods and Services created, relabelled, given addresses and deleted at a bounded rate while a live
 * model watches (test/live/churn.ts), and the API server killed and restarted 20 times. Prints the model's heap
 * over the run (after a collection), the restarts and how long the model took to converge after each, and whether
 * it ends equal to fresh lists. The live tier runs a 2-minute version as a test (test/live/churn.test.ts).
 */
import { LiveModel } from '../../src/cluster/live-model';
import { churn, resetChurnNamespace, settleAgainstCluster } from '../live/churn';
import { loadFixtures } from '../live/fixtures';
import { Kube } from '../live/kube';
import { startPlane } from '../live/plane';
import { against, bytes, figureTable, info, median, type Row, table } from './stats';

export async function runSoakBench(minutes: number, seed: number): Promise<void> {
  console.log(`\nChurn soak on the control plane (${minutes} min, 20 API server restarts)`);
  console.log(`  reproduce: npm run bench -- --only=soak --soak-minutes=${minutes} --seed=${seed}`);
  const plane = startPlane();
  const kube = new Kube(plane.kubeconfig);
  const model = new LiveModel({ path: plane.kubeconfig, debounceMs: 100, maxBackoffMs: 2000 });
  try {
    await loadFixtures(kube);
    await resetChurnNamespace(kube);
    model.start();
    await model.whenSettled(60_000);
    const result = await churn(plane, kube, model, {
      durationMs: minutes * 60_000,
      restarts: 20,
      opsPerSecond: 20,
      maxPods: 400,
      maxServices: 60,
      sampleEveryMs: 30_000,
      seed,
      log: (line) => console.log(`  ${line}`),
    });
    const { model: held, cluster } = await settleAgainstCluster(model, kube);
    const differing = (['pods', 'services', 'endpointSlices'] as const).map((kind) => {
      const a = new Set(held[kind]);
      const b = new Set(cluster[kind]);
      return `${kind} ${[...a].filter((x) => !b.has(x)).length} extra, ${[...b].filter((x) => !a.has(x)).length} missing, ${held[kind].length - new Set(held[kind].map((l) => l.split(' ')[0])).size} duplicated`;
    });
    const equal = JSON.stringify(held) === JSON.stringify(cluster);

    // Heap per minute (the sample nearest each minute), then its growth after the first third of the run.
    const perMinute = result.samples.filter(
      (s, i, all) => i === 0 || i === all.length - 1 || Math.floor(s.atMs / 60_000) !== Math.floor(all[i - 1]!.atMs / 60_000),
    );
    console.log(
      table(
        ['minute', 'heap used', 'objects in the model'],
        perMinute.map((s) => [(s.atMs / 60_000).toFixed(1), bytes(s.heapBytes), String(s.objects)]),
        new Set([0, 1, 2]),
      ),
    );
    const warm = result.samples.find((s) => s.atMs >= (minutes * 60_000) / 3) ?? result.samples[0]!;
    const last = result.samples[result.samples.length - 1]!;
    const growth = last.heapBytes / warm.heapBytes;
    const rows: Row[] = [
      info('Operations (failed ones were sent while the API server was down)', JSON.stringify(result.ops)),
      info('Heap after the first third → at the end', `${bytes(warm.heapBytes)} → ${bytes(last.heapBytes)} (${warm.objects} → ${last.objects} objects)`),
      against('Heap growth after the first third (flat is 1.0×)', growth, 1.1, '×', 2),
      info('API server restarts', `${result.restarts.length}; down median ${median(result.restarts.map((r) => r.downMs)).toFixed(0)} ms`),
      info(
        'Model converged after a restart (ready, and a pod created after it seen)',
        `median ${median(result.restarts.map((r) => r.convergedMs)).toFixed(0)} ms, longest ${Math.max(...result.restarts.map((r) => r.convergedMs))} ms`,
      ),
      info('At the end, the model against fresh lists', `${equal ? 'equal' : 'NOT equal'}: ${differing.join('; ')}`),
    ];
    console.log(figureTable(rows));
  } finally {
    model.stop();
    // The bench cluster serves the other benchmarks too: the churned objects go.
    await resetChurnNamespace(kube).catch(() => undefined);
    kube.close();
  }
}
