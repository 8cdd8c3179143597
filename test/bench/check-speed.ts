/**
 * `netlens check` as a user waits for it (`npm run bench -- --only=check`), whole processes, against baselines
 * measured in the same run:
 *
 *   1. The kube-prometheus manifests of the corpus: `node dist/cli.js check` against kube-score's `score` of the
 *      same files (kube-score v1.20.0, built from the Go module proxy by test/tools/build.sh into the cache), both
 *      run alternately, medians. Goal: at most 3× kube-score.
 *   2. A generated GitOps-style repository of 20,000 files and 100,000 objects (test/support/gitops-repo.ts):
 *      wall time, peak RSS and the cores used (CPU time over wall time) of `netlens check` with its default worker
 *      threads, beside the same check in one thread (`--jobs 1`) and kube-score on the same documents. Goals: at
 *      most 20 s and 1 GB.
 *
 * Each figure comes with the command that reproduces it, and the machine's load and a noise line (the spread of
 * `node -e 0`, timed the same way alongside) are printed with them: other processes on the machine skew them all.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectManifestFiles } from '../../src/cli/files';
import { writeGitOpsRepo } from '../support/gitops-repo';
import { corpusDir } from '../support/repo';
import { against, bytes, figureTable, info, median, type Row } from './stats';

const GOAL_KUBE_SCORE_RATIO = 3;
const GOAL_REPO_SECONDS = 20;
const GOAL_REPO_BYTES = 1024 * 1024 * 1024;
const REPO = { files: 20_000, namespaces: 100, seed: 20240501 };

export interface CheckSpeedOptions {
  readonly repoRoot: string;
  /** Runs of each command on kube-prometheus (alternated). */
  readonly runs: number;
  /** Where the generated repository goes (kept); default: a temporary folder, removed at the end. */
  readonly gitopsDir?: string;
}

interface Run {
  readonly ms: number;
  readonly status: number | null;
  /** Peak RSS of the whole process (all its threads), CPU time (user + system), from process.resourceUsage(). */
  readonly maxRss?: number;
  readonly cpuMs?: number;
}

const loads = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export function runCheckSpeedBench(opts: CheckSpeedOptions, out: (s?: string) => void): void {
  const rows: Row[] = [];
  const cli = join(opts.repoRoot, 'dist', 'cli.js');
  const built = spawnSync(process.execPath, [join(opts.repoRoot, 'scripts', 'build.mjs')], { cwd: opts.repoRoot, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('scripts/build.mjs failed');
  const kubeScore = buildKubeScore(opts.repoRoot, out);
  // Each child process reports its own resource usage when it exits (all threads: peak RSS and CPU time).
  const rusage = join(opts.repoRoot, 'out', 'bench', 'rusage.js');
  mkdirSync(join(opts.repoRoot, 'out', 'bench'), { recursive: true });
  writeFileSync(
    rusage,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.NETLENS_BENCH_RUSAGE, JSON.stringify(process.resourceUsage())));\n",
  );
  const time = (cmd: string, args: readonly string[], measure = false, stdin?: string): Run => {
    const file = join(tmpdir(), `netlens-rusage-${process.pid}.json`);
    const input = stdin === undefined ? 'ignore' : openSync(stdin, 'r');
    const t0 = performance.now();
    const r = spawnSync(cmd, measure ? ['-r', rusage, ...args] : args, {
      cwd: opts.repoRoot,
      env: { ...process.env, NETLENS_BENCH_RUSAGE: file },
      stdio: [input, 'ignore', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    const ms = performance.now() - t0;
    if (typeof input === 'number') closeSync(input);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ').slice(0, 200)} exited ${r.status}: ${r.stderr.toString().split('\n')[0]}`);
    if (!measure) return { ms, status: r.status };
    const u = JSON.parse(readFileSync(file, 'utf8')) as NodeJS.ResourceUsage;
    rmSync(file, { force: true });
    return { ms, status: r.status, maxRss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 };
  };

  out(`\nnetlens check against kube-score (whole processes; load average at the start: ${loads()}, ${availableParallelism()} cores)`);
  out();
  kubePrometheus(opts, cli, kubeScore, time, rows, out);
  gitopsRepository(opts, cli, kubeScore, time, rows, out);
  out();
  out(figureTable(rows));
  out(`Load average at the end: ${loads()}.`);
}

/** kube-score from the cache, built on first use (test/tools/build.sh); undefined when it cannot be built. */
function buildKubeScore(repoRoot: string, out: (s?: string) => void): string | undefined {
  const r = spawnSync('bash', [join(repoRoot, 'test', 'tools', 'build.sh'), 'kube-score'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status === 0) return r.stdout.trim().split('\n').pop();
  out(`kube-score could not be built (test/tools/build.sh kube-score): ${r.stderr.trim().split('\n').pop()}`);
  return undefined;
}

type Timer = (cmd: string, args: readonly string[], measure?: boolean, stdin?: string) => Run;

function kubePrometheus(opts: CheckSpeedOptions, cli: string, kubeScore: string | undefined, time: Timer, rows: Row[], out: (s?: string) => void): void {
  const dir = join(corpusDir(), 'kube-prometheus', 'manifests');
  if (!existsSync(dir)) {
    rows.push(info('netlens check kube-prometheus / kube-score', `not measured: ${dir} is missing`));
    return;
  }
  const files = collectManifestFiles([dir]).files;
  const netlens = [cli, 'check', dir, '--format', 'json'];
  const score = ['score', ...files];
  const nodeRuns: number[] = [];
  const netlensRuns: number[] = [];
  const scoreRuns: number[] = [];
  // One warm-up of each (the page cache, the binaries), then alternated runs.
  time(process.execPath, netlens);
  if (kubeScore) time(kubeScore, score);
  for (let i = 0; i < opts.runs; i++) {
    nodeRuns.push(time(process.execPath, ['-e', '0']).ms);
    netlensRuns.push(time(process.execPath, netlens).ms);
    if (kubeScore) scoreRuns.push(time(kubeScore, score).ms);
  }
  const n = median(netlensRuns);
  const spread = (runs: number[]) => `${Math.min(...runs).toFixed(0)}–${Math.max(...runs).toFixed(0)} ms`;
  out(`kube-prometheus: ${files.length} files of ${dir} (${opts.runs} alternated runs of each after one warm-up; medians)`);
  out(`  netlens:    node dist/cli.js check ${dir} --format json`);
  out(`  kube-score: ${kubeScore ?? 'kube-score'} score $(find ${dir} -name '*.yaml' | sort)`);
  out(`  noise:      node -e 0, timed the same way between them: median ${median(nodeRuns).toFixed(0)} ms, ${spread(nodeRuns)}`);
  out(`  spreads:    netlens ${spread(netlensRuns)}${kubeScore ? `, kube-score ${spread(scoreRuns)}` : ''}`);
  if (!kubeScore) {
    rows.push(info('netlens check kube-prometheus (kube-score not built)', `${n.toFixed(0)} ms`));
    return;
  }
  const k = median(scoreRuns);
  rows.push(against('netlens check kube-prometheus / kube-score score (whole process)', n / k, GOAL_KUBE_SCORE_RATIO, '×', 2));
  rows.push(info('  medians: netlens / kube-score / node -e 0', `${n.toFixed(0)} / ${k.toFixed(0)} / ${median(nodeRuns).toFixed(0)} ms`));
}

function gitopsRepository(opts: CheckSpeedOptions, cli: string, kubeScore: string | undefined, time: Timer, rows: Row[], out: (s?: string) => void): void {
  const kept = opts.gitopsDir !== undefined;
  const root = opts.gitopsDir ?? mkdtempSync(join(tmpdir(), 'netlens-gitops-'));
  try {
    const t0 = performance.now();
    const fresh = !existsSync(root) || readdirSync(root).length === 0;
    const repo = fresh ? writeGitOpsRepo(root, REPO) : undefined;
    out();
    out(
      fresh
        ? `GitOps repository: ${repo!.files.toLocaleString('en')} files, ${repo!.objects.toLocaleString('en')} objects, ${bytes(repo!.bytes)}, ${repo!.broken} broken references, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s into ${root} (seed ${REPO.seed})`
        : `GitOps repository: reused ${root} (as --gitops-dir wrote it)`,
    );
    const args = [cli, 'check', root, '--format', 'json'];
    const threads = [time(process.execPath, args, true), time(process.execPath, args, true)];
    const best = threads.reduce((a, b) => (b.ms < a.ms ? b : a));
    const one = time(process.execPath, [...args, '--jobs', '1'], true);
    // kube-score opens every file it is given at once, more than the 20,000 descriptors a process may hold here:
    // it reads the files joined into one stream instead (`score -`), the same documents.
    const joined = join(tmpdir(), `netlens-gitops-${process.pid}.yaml`);
    if (kubeScore)
      writeFileSync(
        joined,
        collectManifestFiles([root])
          .files.map((f) => readFileSync(f, 'utf8'))
          .join('---\n'),
      );
    const score = kubeScore ? time(kubeScore, ['score', '-'], false, joined) : undefined;
    rmSync(joined, { force: true });
    const s = (r: Run) => `${(r.ms / 1000).toFixed(1)} s`;
    const cores = (r: Run) => (r.cpuMs! / r.ms).toFixed(2);
    out(`  netlens:      node dist/cli.js check ${root} --format json            (worker threads, one per core: ${availableParallelism()})`);
    out(`  one thread:   node dist/cli.js check ${root} --format json --jobs 1`);
    out(
      `  kube-score:   find ${root} -name '*.yaml' | sort | (n=; while read -r f; do [ -n "$n" ] && echo ---; n=1; cat "$f"; done) | ${kubeScore ?? 'kube-score'} score -`,
    );
    out(`  (npm run bench -- --only=check --gitops-dir=DIR writes the repository to DIR and keeps it.)`);
    out(
      `  netlens runs: ${threads.map((r) => `${s(r)}, ${bytes(r.maxRss!)}, ${cores(r)} cores`).join('; ')}; one thread: ${s(one)}, ${bytes(one.maxRss!)}, ${cores(one)} cores${score ? `; kube-score: ${s(score)}` : ''}`,
    );
    out(`  load average after them: ${loads()}`);
    rows.push(against('netlens check, 20,000 files / 100,000 objects: wall time (best of 2)', best.ms / 1000, GOAL_REPO_SECONDS, 's', 1));
    rows.push(against('  peak RSS of that run', best.maxRss! / GOAL_REPO_BYTES, 1, 'GB', 2));
    rows.push(info('  cores used (CPU time / wall time)', `${cores(best)} of ${availableParallelism()}`));
    rows.push(info('  the same in one thread (--jobs 1): wall time, peak RSS', `${s(one)}, ${bytes(one.maxRss!)}`));
    if (score) rows.push(info('  kube-score score on the same files', s(score)));
  } finally {
    if (!kept) rmSync(root, { recursive: true, force: true });
  }
}
