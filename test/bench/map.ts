/**
 * The network map's layout (`npm run bench -- --only=map`): src/webview/layout.ts on the graphs the map draws for
 * generated clusters, against elkjs's layered layout that the map used before (map-elk.ts), timed on the same graphs
 * in the same run. Two graphs: 1,000 pods drawn one by one (a 1,000-pod cluster), and a 10,000-pod cluster as the
 * map draws it (1,000 pods one by one, each other Service's pods as one node). The layout runs in the page's only
 * thread, so its time is also the longest task it gives the page. The whole path (command → map drawn in VS Code)
 * is measured by `--only=ui`. Text is measured as 7 px a character, as the page's canvas roughly does.
 */

import { ClusterSnapshot } from '../../src/core/snapshot';
import { buildMapGraph, planMap } from '../../src/extension/map-data';
import type { MapGraph } from '../../src/protocol/webview';
import { namespaceCounts, namespaceView } from '../../src/server/views';
import { forgetLayouts, layoutGraph, type Measure } from '../../src/webview/layout';
import { generateCluster } from './cluster';
import { elkLayout } from './map-elk';
import { against, figureTable, info, median, type Row } from './stats';

const measure: Measure = { width: (text, size) => (text.length * 7 * size) / 12 };
const ASPECT = 1.8;

/** The map of a generated cluster of `pods` pods, as the host builds it from the server's views. */
function mapOf(seed: number, pods: number, services: number): MapGraph {
  const cluster = generateCluster(seed, 'live', { pods, services, nodes: Math.max(3, pods / 30), maxEndpointsPerSlice: 100 });
  const snapshot = ClusterSnapshot.build(cluster.objects);
  const plan = planMap(namespaceCounts(snapshot));
  const views = plan.map((p) => namespaceView(snapshot, 'cluster.local', p.name, 0, p.limit));
  return buildMapGraph(views, { plan });
}

function timed(f: () => void): number {
  const started = performance.now();
  f();
  return performance.now() - started;
}

async function measureGraph(name: string, graph: MapGraph, goalMs: number): Promise<Row[]> {
  const nodes = graph.namespaces.reduce((n, ns) => n + ns.nodes.length, 0);
  const edges = graph.namespaces.reduce((n, ns) => n + ns.edges.length, 0);
  const runs: number[] = [];
  for (let i = 0; i < 9; i++) {
    forgetLayouts();
    runs.push(timed(() => layoutGraph(graph, measure, ASPECT)));
  }
  // A live update: one namespace's content changes (a pod turns not ready), the others are reused.
  const changed = graph.namespaces.findIndex((ns) => ns.nodes.some((n) => n.kind === 'pod' || n.kind === 'pods'));
  const update = timed(() =>
    layoutGraph({ ...graph, namespaces: graph.namespaces.map((ns, i) => (i === changed ? { ...ns, broken: ns.broken + 1 } : ns)) }, measure, ASPECT),
  );
  const elkStarted = performance.now();
  const elk = await elkLayout(graph, measure, ASPECT);
  const elkMs = performance.now() - elkStarted;
  const layout = median(runs);
  return [
    info(
      `${name}: the graph`,
      `${graph.totals.podNodes.toLocaleString('en-US')} pods drawn one by one of ${graph.totals.pods.toLocaleString('en-US')}; ${nodes.toLocaleString('en-US')} nodes, ${edges.toLocaleString('en-US')} edges, ${graph.namespaces.length} namespaces`,
    ),
    info(`${name}: elkjs layered (the layout before), one run`, `${elkMs.toFixed(0)} ms (longest namespace ${elk.longestMs.toFixed(0)} ms)`),
    against(`${name}: layout (median of 9), the page's longest task in it`, layout, goalMs, 'ms', 1),
    info(`${name}: ratio to elkjs`, `${(layout / elkMs).toFixed(4)}× (${(elkMs / layout).toFixed(0)} times faster)`),
    info(`${name}: one namespace changed, laid out again`, `${update.toFixed(1)} ms`),
  ];
}

export async function runMapBench(seed: number): Promise<void> {
  console.log('\nNetwork map layout (src/webview/layout.ts against elkjs, the same graphs, the same run)');
  console.log(`  reproduce: npm run bench -- --only=map --seed=${seed}`);
  // The page's budget for a task is 100 ms (issue goal); the layout is a part of the draw, so half of it.
  const rows = [...(await measureGraph('1,000 pods', mapOf(seed, 1_000, 100), 50)), ...(await measureGraph('10,000 pods', mapOf(seed, 10_000, 700), 50))];
  console.log(figureTable(rows));
}
