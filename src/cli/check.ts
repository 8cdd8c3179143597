/**
 * `netlens check PATH... [--format text|json|sarif|github|junit]`: the language server's findings, from the same
 * code, for terminals and CI. Exit status 1 when a finding has error severity, 2 for bad usage, unreadable input or a
 * chart or kustomization that fails to render.
 *
 * Folders are searched for Helm charts and Kustomize entry points, which are rendered (src/render) and checked as
 * builds of their own; findings in rendered text are reported at the source file and line that produced it.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { analyzeManifest } from '../core/analyze';
import { DIAGNOSTICS, type Finding } from '../core/check';
import { t } from '../core/l10n';
import type { ManifestProblem, ParsedManifest } from '../core/manifests';
import { DEFAULT_ZONE } from '../core/names';
import { type PodRecordsMode, Resolver } from '../core/resolver';
import { buildWorkspaceModel } from '../core/workspace';
import { analyzeBuilds, type Build, renderedBuild } from '../render/builds';
import { discover, type RenderTarget } from '../render/discover';
import { Renderer, type RenderSettings } from '../render/renderer';
import type { RenderResult } from '../render/result';
import { checkInThreads } from './check-threads';
import { collectManifestFiles, displayPath, loadManifests, readManifests } from './files';
import { type CheckFormat, formatCheck, type Located, problemText } from './format';
import { byPlace, locatedOf, renderedBy, shownPath } from './located';
import { progressLine } from './progress';

export type { Located } from './format';

export interface CheckArgs {
  readonly paths: readonly string[];
  readonly format: CheckFormat;
  /** Colour in the text format (on a terminal without NO_COLOR; see useColor). */
  readonly color?: boolean;
  readonly namespace: string;
  readonly zone?: string;
  readonly podRecords: PodRecordsMode;
  /** Render the charts and kustomizations found in folders (with these settings); false: read them as files. */
  readonly render?: RenderSettings | false;
  /**
   * Worker threads for plain manifests (see check-threads.ts): 1 checks in this thread; more, that many threads;
   * undefined, as many as the machine has cores when the files are many (else this thread).
   */
  readonly jobs?: number;
}

/** Files from which a check without `--jobs` runs in worker threads: below, starting them costs more than it gains. */
export const THREADED_FROM_FILES = 200;

/** How many worker threads check these files (0: none, this thread does). */
export function workerCount(jobs: number | undefined, files: number, cores = availableParallelism()): number {
  if (jobs !== undefined) return jobs <= 1 ? 0 : Math.min(jobs, Math.max(1, files));
  return files >= THREADED_FROM_FILES ? Math.min(cores, Math.ceil(files / 64)) : 0;
}

/** Runs the checks on files and folders read as plain manifests (nothing is rendered); returns the exit status. */
export function runCheck(args: CheckArgs, out: (s: string) => void, err: (s: string) => void): number {
  const loaded = loadManifests(args.paths, { zone: args.zone ?? DEFAULT_ZONE, defaultNamespace: args.namespace });
  for (const p of loaded.unreadable) err(`netlens: ${problemText(p)}\n`);
  if (loaded.unreadable.length > 0) return 2;
  const model = buildWorkspaceModel(loaded.manifests, { defaultNamespace: args.namespace });
  // Duplicate keys are findings (NL015) of the file's own; the other problems go to stderr.
  for (const p of model.report.problems) if (p.code !== 'duplicate-key') err(`netlens: ${problemText(p)}\n`);
  const manifests = t('the manifests');
  const resolver = new Resolver(model.snapshot, { ...(args.zone ? { zone: args.zone } : {}), podRecords: args.podRecords, sourceName: manifests });
  const located: Located[] = [];
  loaded.manifests.forEach((manifest, i) => {
    const analysis = analyzeManifest(
      manifest,
      {
        zone: resolver.zone,
        defaultNamespace: args.namespace,
        sources: [{ name: manifests, resolver, live: false, facts: model.facts }],
        workspace: model.snapshot,
      },
      loaded.references[i],
    );
    for (const f of analysis.findings) located.push(locate(manifest, f));
  });
  out(
    formatCheck(args.format, { findings: located, files: loaded.manifests.map((m) => m.uri), renders: 0 }, Object.values(DIAGNOSTICS), {
      color: args.color === true,
    }),
  );
  return located.some((l) => l.severity === 'error') ? 1 : 0;
}

/**
 * `netlens check` with rendering: folders are sorted into charts, Kustomize entry points and plain manifests;
 * the renders run (two at a time) and every build is checked. With `render: false` nothing is run: chart folders
 * are left out (templates are not manifests) and kustomization trees are read as plain files, as before.
 */
export async function runCheckWithRenders(args: CheckArgs, out: (s: string) => void, err: (s: string) => void, cwd = process.cwd()): Promise<number> {
  const files: string[] = [];
  const dirs: string[] = [];
  for (const p of args.paths) {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      dir = false;
    }
    (dir ? dirs : files).push(p);
  }
  const found = await discover(dirs.map((d) => resolve(cwd, d)));
  const targets: RenderTarget[] = [...found.charts, ...found.kustomizations];
  const shown = (f: string) => shownPath(f, cwd);
  let plainPaths = [...files, ...found.plainFiles.map(shown)];
  if (args.render === false) {
    // Without rendering, the files a kustomization reads are manifests as they are; chart folders hold templates.
    plainPaths = [...files, ...[...found.plainFiles, ...found.kustomizeInputs, ...found.leftOut].sort().map(shown)];
    if (found.charts.length > 0) {
      const dirs = found.charts.map((c) => shown(c.dir)).join(', ');
      const n = found.charts.length;
      err(`netlens: ${n === 1 ? t('1 Helm chart not rendered (--no-render): {0}', dirs) : t('{0} Helm charts not rendered (--no-render): {1}', n, dirs)}\n`);
    }
  }
  for (const s of found.skipped) err(`netlens: ${t('{0}: skipped: {1}', shown(s.file), s.reason)}\n`);
  if (args.render !== false && found.leftOut.length > 0) {
    const names = found.leftOut.slice(0, 3).map(shown).join(', ') + (found.leftOut.length > 3 ? ', …' : '');
    err(`netlens: ${t("not checked, switched off in their folder's kustomization (a commented-out entry): {0} ({1})", found.leftOut.length, names)}\n`);
  }

  const scan = { zone: args.zone ?? DEFAULT_ZONE, defaultNamespace: args.namespace };
  const collected = collectManifestFiles(plainPaths);
  // Nothing to render: plain manifests only, which worker threads check as this thread would.
  const workers = args.render === false || targets.length === 0 ? workerCount(args.jobs, collected.files.length) : 0;
  if (workers > 0) return checkPlainInThreads(args, collected, workers, out, err, cwd);
  const loaded = readManifests(collected, scan, cwd);
  for (const p of loaded.unreadable) err(`netlens: ${problemText(p)}\n`);
  if (loaded.unreadable.length > 0) return 2;

  const renders: RenderResult[] = [];
  let renderFailed = false;
  if (args.render !== false && targets.length > 0) {
    const renderer = new Renderer(args.render ?? {});
    try {
      renders.push(...(await pool(targets, 2, (t) => renderer.render(t))));
      for (const m of renderer.missingTools()) {
        err(`netlens: ${t('{0}; not rendered (what NetLens would have run):', m.reason)}\n${m.wouldRun.map((w) => `  ${w}`).join('\n')}\n`);
      }
    } finally {
      renderer.dispose();
    }
    // A kustomization shared by several entry points is read by each build: its problem is printed once.
    const printed = new Set<string>();
    for (const r of renders) {
      for (const p of r.problems) {
        if (p.code === 'tool-missing') continue;
        if (p.severity === 'error') renderFailed = true;
        const line = `${shown(p.file)}:${p.line}:${p.column}: ${p.severity}: ${p.message}\n`;
        if (!printed.has(line)) err(line);
        printed.add(line);
      }
    }
  }

  const builds: Build[] = [];
  if (loaded.manifests.length > 0) builds.push({ id: 'plain', label: t('the manifests'), manifests: loaded.manifests, references: loaded.references });
  const labels = new Map(renders.map((r) => [r.label, shownLabel(r, shown)]));
  for (const r of renders)
    if (r.text !== '') builds.push(renderedBuild(r, { zone: args.zone ?? DEFAULT_ZONE, defaultNamespace: args.namespace }, labels.get(r.label)));
  const analysis = analyzeBuilds(builds, { ...(args.zone ? { zone: args.zone } : {}), defaultNamespace: args.namespace, podRecords: args.podRecords });
  for (const p of analysis.problems) err(`netlens: ${problemText({ ...p, uri: shown(p.uri) })}${renderedBy(p.builds, labels)}\n`);
  const located: Located[] = analysis.findings.map((f) => locatedOf(f, shown, labels)).sort(byPlace);
  const report = { findings: located, files: loaded.manifests.map((m) => m.uri), renders: renders.filter((r) => r.text !== '').length };
  out(formatCheck(args.format, report, Object.values(DIAGNOSTICS), { color: args.color === true }));
  if (renderFailed) return 2;
  return located.some((l) => l.severity === 'error') ? 1 : 0;
}

/** `netlens check` of plain manifests in worker threads: the same output as in this thread, with a progress line. */
async function checkPlainInThreads(
  args: CheckArgs,
  collected: { files: readonly string[]; unreadable: readonly ManifestProblem[] },
  workers: number,
  out: (s: string) => void,
  err: (s: string) => void,
  cwd: string,
): Promise<number> {
  const files = collected.files.map((file, index) => ({ index, file, shown: displayPath(file, cwd) }));
  const progress = progressLine(process.stderr);
  const result = await checkInThreads(
    files,
    workers,
    {
      scan: { zone: args.zone ?? DEFAULT_ZONE, defaultNamespace: args.namespace },
      ...(args.zone ? { zone: args.zone } : {}),
      defaultNamespace: args.namespace,
      podRecords: args.podRecords,
      cwd,
    },
    progress,
  ).finally(() => progress.done());
  const unreadable = [...collected.unreadable, ...result.unreadable];
  for (const p of unreadable) err(`netlens: ${problemText(p)}\n`);
  if (unreadable.length > 0) return 2;
  const noRenders = new Map<string, string>();
  for (const p of result.problems) err(`netlens: ${problemText({ ...p, uri: shownPath(p.uri, cwd) })}${renderedBy(p.builds, noRenders)}\n`);
  const report = { findings: result.located, files: files.map((f) => f.shown), renders: 0 };
  out(formatCheck(args.format, report, Object.values(DIAGNOSTICS), { color: args.color === true }));
  return result.located.some((l) => l.severity === 'error') ? 1 : 0;
}

/** A render's name as the user would type it: its command, with the folder relative to the current one. */
function shownLabel(r: RenderResult, shown: (f: string) => string): string {
  return r.command.map((a) => (a === r.target.dir ? shown(a) : a)).join(' ');
}

/** Runs tasks with at most `n` at a time, keeping their order in the results. */
async function pool<T, R>(items: readonly T[], n: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}

function locate(manifest: ParsedManifest, f: Finding): Located {
  const a = manifest.lineCounter.linePos(f.start);
  const b = manifest.lineCounter.linePos(f.end);
  return { file: manifest.uri, line: a.line, column: a.col, endLine: b.line, endColumn: b.col, code: f.code, severity: f.severity, message: f.message };
}
