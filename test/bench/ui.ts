/**
 * The extension in real VS Code (code-server and Chromium, as the e2e tier runs them) on the 10,000-pod cluster of
 * the live benchmark: from opening the NetLens view (which activates the extension) to a populated tree, the
 * first page of a 1,000-pod namespace, and the network map's first render (1,000 pods drawn one by one, the other
 * namespaces aggregated). The baseline, measured in the same run against the same API server, is
 * `kubectl get pods,services,endpointslices -A -o json`. Prints figures; never fails on them.
 *
 * Run by `npm run bench -- --only=ui` (it packages the extension, starts the control plane and loads the
 * cluster the first time, a few minutes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type CodeServer, installCodeServer, startCodeServer } from '../e2e/vscode';
import { expandTreeRow, launchBrowser, mapFrame, openNetLensView, openWorkbench, runCommand, screenshot, treeRow, whenTreeRowAppears } from '../e2e/workbench';
import { Kube } from '../live/kube';
import { startPlane } from '../live/plane';
import { ensureCluster, kubectl } from './live';
import { median } from './stats';

const RUNS = 3;
const WAIT = 300_000;

/** One live change to the map, in ms from the change (the API server's answer to it). */
interface MapUpdate {
  /** The map drawn again (the webview's clock) and the message with it received. */
  readonly ms: number;
  readonly receivedMs: number;
  /** The host had built the map (its log), and how long its requests and build took. */
  readonly hostMs: number | undefined;
  readonly buildMs: number | undefined;
  /** The webview's layout, and layout and drawing. */
  readonly layoutMs: number;
  readonly renderMs: number;
}

interface Run {
  readonly workbenchMs: number;
  readonly treeMs: number;
  /** From the extension host's activation of NetLens (its log) to the namespaces listed. */
  readonly activationMs: number | undefined;
  readonly podsPageMs: number;
  /** From the namespaces listed to their counts complete (every list read). */
  readonly completeMs: number;
  readonly map?: {
    readonly ms: number;
    readonly layoutMs: number;
    readonly renderMs: number;
    readonly nodes: number;
    readonly podNodes: number;
    /**
     * A pod of another namespace turns not ready, then ready, in turn: from the change to the map drawn again; when the
     * host had built the map (from its log) and how long it took; the webview's layout, and layout and drawing.
     */
    readonly updates: readonly MapUpdate[];
  };
}

async function once(kubeconfig: string, kube: Kube, withMap: boolean): Promise<Run> {
  const workspace = mkdtempSync(join(tmpdir(), 'netlens-ui-bench-'));
  writeFileSync(
    join(workspace, 'client.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: client, namespace: bench-00}\ndata:\n  UPSTREAM: http://svc-000.bench-00:80\n',
  );
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ workspace, kubeconfig, settings: { 'netlens.cluster.enabled': true } });
    browser = await launchBrowser();
    const page: Page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const workbenchMs = await openWorkbench(page, server.url, WAIT);
    // The extension activates when its view opens: from the click to the namespaces of the cluster listed.
    // The moments the rows come, by the page's own clock (Playwright's waits poll).
    const shown = await whenTreeRowAppears(page, 'bench-09');
    const complete = await whenTreeRowAppears(page, 'bench-09', 'loading');
    let t = Date.now();
    await openNetLensView(page, WAIT);
    const listed = await shown(WAIT);
    const treeMs = listed - t;
    const activated = server.activatedAt('netlens.netlens');
    const activationMs = activated === undefined ? undefined : listed - activated;
    // The namespaces show as the first pages of the lists come; their counts are complete when "loading" goes.
    const completeMs = (await complete(WAIT)) - listed;
    await expandTreeRow(page, 'bench-00', WAIT);
    t = Date.now();
    await expandTreeRow(page, 'Pods', WAIT);
    await treeRow(page, 'svc-000-0').first().waitFor({ state: 'visible', timeout: WAIT });
    const podsPageMs = Date.now() - t;
    let map: Run['map'] | undefined;
    if (withMap) {
      t = Date.now();
      await runCommand(page, 'NetLens: Show Network Map', WAIT);
      const frame = await mapFrame(page, WAIT);
      const ms = Date.now() - t;
      const canvas = frame.locator('svg.canvas').first();
      map = {
        updates: [],
        ms,
        layoutMs: Number(await canvas.getAttribute('data-layout-ms')),
        renderMs: Number(await canvas.getAttribute('data-render-ms')),
        nodes: Number(await canvas.getAttribute('data-nodes')),
        podNodes: await frame.locator('svg.canvas g.node.pod').count(),
      };
      await screenshot(page, 'bench-map-10000');
      // One pod of an aggregated namespace turns not ready, then ready again, five times: only that namespace is laid
      // out again. Each change is timed to the map drawn again; the extension's log says when the host had built it.
      const pod = { ns: 'bench-05', name: 'svc-000-0' };
      const current = await kube.must('GET', `/api/v1/namespaces/${pod.ns}/pods/${pod.name}`);
      const updates: MapUpdate[] = [];
      for (let i = 0; i < 6; i++) {
        const renders = Number(await canvas.getAttribute('data-renders'));
        t = Date.now();
        await kube.setPodStatus(pod.ns, pod.name, [current.status.podIP], current.status.hostIP, i % 2 === 1);
        await frame.locator(`svg.canvas[data-state="ready"][data-renders="${renders + 1}"]`).waitFor({ state: 'attached', timeout: WAIT });
        // The page's own times, not the moment Playwright's polling saw the change.
        const drawnAt = Number(await canvas.getAttribute('data-drawn-at'));
        const receivedAt = Number(await canvas.getAttribute('data-received-at'));
        const built = server.logged('Network map:').find((l) => l.at >= t);
        updates.push({
          ms: drawnAt - t,
          receivedMs: receivedAt - t,
          hostMs: built ? built.at - t : undefined,
          buildMs: built ? Number(/built in (\d+) ms/.exec(built.line)?.[1]) : undefined,
          layoutMs: Number(await canvas.getAttribute('data-layout-ms')),
          renderMs: Number(await canvas.getAttribute('data-render-ms')),
        });
        // The next change after the map's own throttle interval, as a person would make one.
        await new Promise((r) => setTimeout(r, 600));
      }
      if (updates.length % 2 === 0) await kube.setPodStatus(pod.ns, pod.name, [current.status.podIP], current.status.hostIP, true);
      map = { ...map, updates };
    }
    await screenshot(page, 'bench-tree-10000');
    return { workbenchMs, treeMs, activationMs, completeMs, podsPageMs, ...(map ? { map } : {}) };
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

export async function runUiBench(repoRoot: string): Promise<void> {
  const pkg = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (pkg.status !== 0) throw new Error('npm run package failed');
  installCodeServer();
  const plane = startPlane();
  const kube = new Kube(plane.kubeconfig);
  const kubectlMs: number[] = [];
  const runs: Run[] = [];
  try {
    await ensureCluster(kube);
    for (let i = 0; i < RUNS; i++) {
      kubectlMs.push(await kubectl(plane.env.KUBECTL!, plane.kubeconfig));
      runs.push(await once(plane.kubeconfig, kube, i === 0));
    }
  } finally {
    kube.close();
  }
  const k = median(kubectlMs);
  const tree = median(runs.map((r) => r.treeMs));
  const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log('');
  console.log('The extension in VS Code (code-server, Chromium) on the live benchmark cluster (10,000 pods, 1,000 Services)');
  console.log(`  kubectl get pods,services,endpointslices -A -o json   median ${k.toFixed(0)} ms  (runs: ${list(kubectlMs)})`);
  console.log(`  workbench loaded                                      median ${median(runs.map((r) => r.workbenchMs)).toFixed(0)} ms`);
  const activation = runs.map((r) => r.activationMs).filter((x): x is number => x !== undefined);
  console.log(`  NetLens view clicked → namespaces listed              median ${tree.toFixed(0)} ms  (runs: ${list(runs.map((r) => r.treeMs))})`);
  if (activation.length > 0) {
    const a = median(activation);
    console.log(`  extension activated → namespaces listed               median ${a.toFixed(0)} ms  (runs: ${list(activation)})`);
    console.log(`  ratio activation-to-tree / kubectl                    ${(a / k).toFixed(2)}x`);
  }
  console.log(
    `  namespaces listed → counts complete (lists read)       median ${median(runs.map((r) => r.completeMs)).toFixed(0)} ms  (runs: ${list(runs.map((r) => r.completeMs))})`,
  );
  console.log(`  a 1,000-pod namespace: Pods expanded → first page     median ${median(runs.map((r) => r.podsPageMs)).toFixed(0)} ms`);
  const map = runs[0]!.map;
  if (map) {
    console.log(
      `  network map, command → drawn                          ${map.ms} ms  (${map.podNodes} pods drawn one by one, ${map.nodes} nodes in all; layout ${map.layoutMs} ms, layout and drawing ${map.renderMs} ms)`,
    );
    const u = map.updates;
    const med = (f: (x: (typeof u)[number]) => number | undefined) => median(u.map(f).filter((x): x is number => x !== undefined));
    console.log(
      `  network map, a pod in another namespace changes → drawn again   median ${med((x) => x.ms).toFixed(0)} ms  (runs: ${list(u.map((x) => x.ms))})`,
    );
    console.log(
      `    of which: change → map built by the host ${med((x) => x.hostMs).toFixed(0)} ms (its requests and build ${med((x) => x.buildMs).toFixed(0)} ms), → received by the webview ${med((x) => x.receivedMs).toFixed(0)} ms; the webview's layout ${med((x) => x.layoutMs).toFixed(0)} ms, layout and drawing ${med((x) => x.renderMs).toFixed(0)} ms (medians)`,
    );
  }
}
