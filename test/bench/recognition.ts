/**
 * `netlens check` on the whole development corpus (test/corpus or ../shared/corpus): the whole process, as a user
 * waits for it, and, in this process, what the reference scan and the checks add to reading the same files.
 *
 * Baseline, measured in the same run: reading every YAML file of the corpus, parsing it as `netlens check` does (a
 * piece per document, CustomResourceDefinitions recognised and not parsed) and building the workspace model, with no
 * reference scan. Measured: the same with the scan of every file and the checks of `netlens check`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { collectManifestFiles } from '../../src/cli/files';
import { analyzeManifest } from '../../src/core/analyze';
import { ManifestCache } from '../../src/core/incremental';
import { Resolver } from '../../src/core/resolver';
import { buildWorkspaceModel } from '../../src/core/workspace';
import { corpusDir } from '../support/repo';
import { against, info, median, type Row, table } from './stats';

const GOAL_WHOLE_S = 3;
const GOAL_SCAN_OVERHEAD = 0.2;
const ZONE = 'cluster.local';

export function runRecognitionBench(repoRoot: string, rows: Row[], out: (s?: string) => void, gc: () => void): void {
  const corpus = corpusDir();
  // The folders of plain manifests: charts and kustomizations are rendered by tools, measured below as a whole.
  const plain = ['online-boutique', 'argo-workflows', 'kube-prometheus', 'istio-bookinfo', 'podinfo', 'argo-cd-ha', 'netpol'].map((d) => join(corpus, d));
  const files = collectManifestFiles(plain).files.map((f) => ({ uri: f.slice(corpus.length + 1), text: readFileSync(f, 'utf8') }));
  const bytes = files.reduce((n, f) => n + f.text.length, 0);

  const read = (): number => {
    const manifests = files.map((f) => new ManifestCache().parse(f.uri, f.text).manifest);
    return buildWorkspaceModel(manifests).snapshot.size.services;
  };
  let references = 0;
  let findings = 0;
  const check = (): number => {
    const scan = { zone: ZONE, defaultNamespace: 'default' };
    const parsed = files.map((f) => new ManifestCache(scan).parse(f.uri, f.text));
    const model = buildWorkspaceModel(parsed.map((p) => p.manifest));
    const resolver = new Resolver(model.snapshot, { podRecords: 'insecure', sourceName: 'the manifests' });
    references = 0;
    findings = 0;
    for (const p of parsed) {
      const a = analyzeManifest(
        p.manifest,
        { zone: ZONE, defaultNamespace: 'default', sources: [{ name: 'the manifests', resolver, live: false, facts: model.facts }], workspace: model.snapshot },
        p.references,
      );
      references += a.references.length;
      findings += a.findings.length;
    }
    return model.snapshot.size.services;
  };
  const time = (f: () => number): number => {
    gc();
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };
  for (let i = 0; i < 2; i++) {
    time(read);
    time(check);
  }
  const readRuns: number[] = [];
  const checkRuns: number[] = [];
  for (let i = 0; i < 8; i++) {
    if (i % 2 === 0) {
      readRuns.push(time(read));
      checkRuns.push(time(check));
    } else {
      checkRuns.push(time(check));
      readRuns.push(time(read));
    }
  }
  const r = median(readRuns);
  const c = median(checkRuns);
  out(
    `Recognition: the plain manifests of the corpus (${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB; ${references} references, ${findings} findings),`,
  );
  out('read and modelled with and without the reference scan and the checks; 2 warm-up rounds, then 8 interleaved, GC before each.');
  out();
  out(
    table(
      ['Run', 'median ms', 'min ms', 'max ms'],
      [
        ['read, parse, model (baseline)', r.toFixed(1), Math.min(...readRuns).toFixed(1), Math.max(...readRuns).toFixed(1)],
        ['+ reference scan and checks', c.toFixed(1), Math.min(...checkRuns).toFixed(1), Math.max(...checkRuns).toFixed(1)],
      ],
      new Set([1, 2, 3]),
    ),
  );
  out();
  rows.push(against('Reference scan and checks / reading the same files', c / r - 1, GOAL_SCAN_OVERHEAD, '×', 2));
  rows.push(info('  medians (scan + checks / baseline)', `${c.toFixed(1)} ms / ${r.toFixed(1)} ms`));

  // The whole process, as a user runs it, on the whole corpus (charts and kustomizations rendered when the tools
  // are in the cache, as the render tier builds them).
  const cli = join(repoRoot, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    rows.push(info('netlens check, whole corpus', 'not measured: dist/cli.js is not built (npm run build)'));
    return;
  }
  const bin = join(process.env.NETLENS_CACHE ?? join(homedir(), '.cache', 'netlens'), 'bin');
  const helm = join(bin, 'helm-v3.22.0');
  const kustomize = join(bin, 'kustomize-v5.8.2');
  const tools = existsSync(helm) && existsSync(kustomize) ? ['--helm', helm, '--kustomize', kustomize] : ['--no-render'];
  const whole = (args: string[]): number => {
    const t0 = performance.now();
    const res = spawnSync(process.execPath, [cli, 'check', corpus, '--format', 'json', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (res.status !== 0 && res.status !== 1) throw new Error(`netlens check exited ${res.status}: ${res.stderr.split('\n')[0]}`);
    return performance.now() - t0;
  };
  const node = (): number => {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - t0;
  };
  const wholeRuns = [whole(tools), whole(tools), whole(tools)];
  const plainRuns = [whole(['--no-render']), whole(['--no-render']), whole(['--no-render'])];
  const nodeRuns = [node(), node(), node()];
  const w = median(wholeRuns);
  rows.push(
    against(
      `netlens check, whole corpus (${tools[0] === '--no-render' ? 'tools not built: no rendering' : 'charts and overlays rendered'})`,
      w / 1000,
      GOAL_WHOLE_S,
      's',
      2,
    ),
  );
  rows.push(info('  without rendering (--no-render) / node -e 0', `${(median(plainRuns) / 1000).toFixed(2)} s / ${(median(nodeRuns) / 1000).toFixed(2)} s`));
}
