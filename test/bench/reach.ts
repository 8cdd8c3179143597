/**
 * NetworkPolicy verdicts: what they add to `netlens check`, and the `netlens reach --matrix` table, on the corpus.
 *
 * 1. Argo CD HA's install.yaml (its 8 NetworkPolicies included): the check of every file with the policy findings
 *    and a verdict asked for every reference (what the hovers would show, cached per model), against the same check
 *    without the policy findings. Both parse the file and build the model, as `netlens check` does.
 * 2. Online Boutique (its 13 NetworkPolicies with its manifests): the workload × workload matrix (parse, model, every
 *    pair on the ports each target serves, and each source's DNS) against the check of the same files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { collectManifestFiles } from '../../src/cli/files';
import { analyzeManifest } from '../../src/core/analyze';
import { ManifestCache } from '../../src/core/incremental';
import { checkPolicies, reachMatrix, referenceVerdict } from '../../src/core/reach';
import { Resolver } from '../../src/core/resolver';
import { buildWorkspaceModel } from '../../src/core/workspace';
import { corpusDir } from '../support/repo';
import { against, info, median, type Row, table } from './stats';

const GOAL_RATIO = 1.5;
const ZONE = 'cluster.local';

interface Files {
  readonly label: string;
  readonly namespace: string;
  readonly files: readonly { uri: string; text: string }[];
}

function read(label: string, paths: string[], namespace: string): Files {
  const corpus = corpusDir();
  const files = collectManifestFiles(paths.map((p) => join(corpus, p))).files.map((f) => ({ uri: f.slice(corpus.length + 1), text: readFileSync(f, 'utf8') }));
  return { label, namespace, files };
}

interface CheckCounts {
  references: number;
  findings: number;
  verdicts: Record<string, number>;
}

/** `netlens check` in-process on the files: parse, model, analyse every file; with `verdicts`, a verdict per reference. */
function check(f: Files, policyChecks: boolean, verdicts: boolean, counts?: CheckCounts): number {
  const scan = { zone: ZONE, defaultNamespace: f.namespace };
  const parsed = f.files.map((x) => new ManifestCache(scan).parse(x.uri, x.text));
  const model = buildWorkspaceModel(
    parsed.map((p) => p.manifest),
    { defaultNamespace: f.namespace },
  );
  const sources = [{ name: 'the manifests', resolver: new Resolver(model.snapshot, { podRecords: 'insecure' as const }), live: false, facts: model.facts }];
  let n = 0;
  for (const p of parsed) {
    const a = analyzeManifest(p.manifest, { zone: ZONE, defaultNamespace: f.namespace, sources, workspace: model.snapshot, policyChecks }, p.references);
    n += a.findings.length;
    if (counts) {
      counts.references += a.references.length;
      counts.findings += a.findings.length;
    }
    if (!verdicts) continue;
    for (const ref of a.references) {
      const v = referenceVerdict(ref, { sources, workspace: model.snapshot });
      if (counts && v) counts.verdicts[v.reach.verdict] = (counts.verdicts[v.reach.verdict] ?? 0) + 1;
    }
  }
  return n;
}

/**
 * The policy pass alone, cold (a fresh model, so no verdict is cached), in a timer of its own: what it adds to the
 * check without the noise of parsing 1.9 MB on a shared machine.
 */
function passAlone(f: Files, gc: () => void, runs = 15): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const scan = { zone: ZONE, defaultNamespace: f.namespace };
    const parsed = f.files.map((x) => new ManifestCache(scan).parse(x.uri, x.text));
    const model = buildWorkspaceModel(
      parsed.map((p) => p.manifest),
      { defaultNamespace: f.namespace },
    );
    const sources = [{ name: 'the manifests', resolver: new Resolver(model.snapshot, { podRecords: 'insecure' as const }), live: false, facts: model.facts }];
    gc();
    const t0 = performance.now();
    for (const p of parsed) {
      checkPolicies(p.manifest, p.references, { sources, workspace: model.snapshot });
      for (const ref of p.references) referenceVerdict(ref, { sources, workspace: model.snapshot });
    }
    out.push(performance.now() - t0);
  }
  return out;
}

function matrix(f: Files): number {
  const parsed = f.files.map((x) => new ManifestCache().parse(x.uri, x.text));
  const model = buildWorkspaceModel(
    parsed.map((p) => p.manifest),
    { defaultNamespace: f.namespace },
  );
  return reachMatrix(model.snapshot).cells.length;
}

/** Medians of two runs interleaved (warm-up rounds first, GC before each run). */
function compare(a: () => unknown, b: () => unknown, gc: () => void, rounds = 16): { a: number[]; b: number[] } {
  const time = (f: () => unknown): number => {
    gc();
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) {
    time(a);
    time(b);
  }
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      ra.push(time(a));
      rb.push(time(b));
    } else {
      rb.push(time(b));
      ra.push(time(a));
    }
  }
  return { a: ra, b: rb };
}

const fmt = (runs: number[]) => [median(runs).toFixed(1), Math.min(...runs).toFixed(1), Math.max(...runs).toFixed(1)];

export function runReachBench(rows: Row[], out: (s?: string) => void, gc: () => void): void {
  const argo = read('argo-cd-ha/install.yaml', ['argo-cd-ha/install.yaml'], 'argocd');
  const counts: CheckCounts = { references: 0, findings: 0, verdicts: {} };
  check(argo, true, true, counts);
  const a = compare(
    () => check(argo, false, false),
    () => check(argo, true, true),
    gc,
  );
  const verdictText = Object.entries(counts.verdicts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  out(
    `Reach: Argo CD HA install.yaml (${(argo.files[0]!.text.length / 1024 / 1024).toFixed(1)} MB, 8 NetworkPolicies; ${counts.references} references, ${Object.values(counts.verdicts).reduce((x, y) => x + y, 0)} with a verdict: ${verdictText}),`,
  );
  out('checked as netlens check does (parse, model, every check) without and with the policy findings and a verdict asked for');
  out('every reference; then the Online Boutique matrix against the check of the same files. 3 warm-up rounds, then 16 interleaved.');
  out();
  const boutique = read('online-boutique', ['online-boutique'], 'default');
  const m = compare(
    () => check(boutique, true, false),
    () => matrix(boutique),
    gc,
  );
  out(
    table(
      ['Run', 'median ms', 'min ms', 'max ms'],
      [
        ['argo-cd-ha: check without policy findings (baseline)', ...fmt(a.a)],
        ['argo-cd-ha: check with NL017-NL021 + a verdict per reference', ...fmt(a.b)],
        ['online-boutique: netlens check (baseline)', ...fmt(m.a)],
        [`online-boutique: reach --matrix (${matrix(boutique)} cells)`, ...fmt(m.b)],
      ],
      new Set([1, 2, 3]),
    ),
  );
  out();
  rows.push(against('Verdicts for every reference of argo-cd-ha / its check without them', median(a.b) / median(a.a), GOAL_RATIO, '×', 2));
  rows.push(info('  medians (with / without)', `${median(a.b).toFixed(1)} ms / ${median(a.a).toFixed(1)} ms`));
  const alone = passAlone(argo, gc);
  rows.push(info('  the policy pass alone, cold (median, max of 15)', `${median(alone).toFixed(2)} ms, ${Math.max(...alone).toFixed(2)} ms`));
  rows.push(
    info(
      '  fastest runs (with / without), less hit by other load',
      `${Math.min(...a.b).toFixed(1)} ms / ${Math.min(...a.a).toFixed(1)} ms = ${(Math.min(...a.b) / Math.min(...a.a)).toFixed(2)}×`,
    ),
  );
  rows.push(against('Online Boutique matrix / its check', median(m.b) / median(m.a), GOAL_RATIO, '×', 2));
  rows.push(info('  medians (matrix / check)', `${median(m.b).toFixed(1)} ms / ${median(m.a).toFixed(1)} ms`));
  rows.push(
    info(
      '  fastest runs (matrix / check)',
      `${Math.min(...m.b).toFixed(1)} ms / ${Math.min(...m.a).toFixed(1)} ms = ${(Math.min(...m.b) / Math.min(...m.a)).toFixed(2)}×`,
    ),
  );
}
