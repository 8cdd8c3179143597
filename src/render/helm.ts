/**
 * Renders a Helm chart with `helm template` and maps the output back to its templates.
 *
 * The chart is rendered where it is, read-only. When a dependency listed in Chart.yaml is not vendored under
 * charts/, helm refuses to render (it asks for `helm dependency build`, which would download); NetLens never
 * downloads, so it renders a mirror of the chart in a temporary folder (links to the chart's files, which helm
 * follows) whose own Chart.yaml leaves those dependencies out, and says so. Unsaved editor buffers are rendered
 * the same way, written into the mirror in place of their links. `helm template` talks to no cluster (`lookup`
 * returns nothing), runs no post-renderer (none is passed) and no plugin (HELM_PLUGINS is an empty folder).
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type Document, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { t } from '../core/l10n';
import { DEFAULT_NAMESPACE } from '../core/names';
import type { ChartTarget } from './discover';
import { assembleHelm, splitHelmOutput, type TemplateCache } from './helm-map';
import { emptyMap, problemAt, type RenderProblem, type RenderResult } from './result';
import type { SourceFile } from './source-map';
import { runTool, sandboxEnv, type ToolLocation } from './tools';

export interface HelmOptions {
  readonly release: string;
  /** The release namespace; default the chart's name. */
  readonly namespace?: string;
  /** No setting chose the namespace: it is the chart's name, an assumption (RenderResult.namespaceAssumed). */
  readonly namespaceAssumed?: boolean;
  /** Values files beside the chart's own values.yaml, absolute (resolved by the caller). */
  readonly valuesFiles: readonly string[];
  /** `--kube-version`, when the chart's Capabilities should say another version than helm's default. */
  readonly kubeVersion?: string;
  readonly timeoutMs: number;
}

export interface HelmContext {
  /** A private folder for helm's home, cache and config (and mirrors of charts). */
  readonly workDir: string;
  /** An empty folder: HELM_PLUGINS and PATH point at it. */
  readonly emptyDir: string;
  readonly cache: TemplateCache;
  readonly pause?: () => Promise<void>;
  /** Contents already read for the cache key (unsaved editor buffers among them), by path; others come from disk. */
  readonly files: ReadonlyMap<string, string>;
  /** Files whose content differs from the disk (unsaved editor buffers): the chart is rendered from a mirror. */
  readonly overridden: readonly string[];
  /** The mirrors kept between renders, by chart folder (owned by the renderer, removed with its folder). */
  readonly mirrors: Map<string, MirrorState>;
}

interface Dependency {
  readonly name: string;
  readonly alias?: string;
  readonly condition?: string;
  readonly start: number;
  readonly end: number;
}

/** The arguments of `helm template` for a chart (without the program), as run and as shown in messages. */
export function helmArgs(chartDir: string, options: HelmOptions, namespace: string): string[] {
  const args = ['template', options.release, chartDir, '--namespace', namespace];
  for (const f of options.valuesFiles) args.push('--values', f);
  if (options.kubeVersion) args.push('--kube-version', options.kubeVersion);
  return args;
}

export async function renderChart(
  target: ChartTarget,
  tool: ToolLocation,
  options: HelmOptions,
  ctx: HelmContext,
  inputs: readonly string[],
): Promise<RenderResult> {
  const read = (f: string) => ctx.files.get(f) ?? readFileSync(f, 'utf8');
  const chartText = read(target.entryFile);
  const namespace = options.namespace || target.name || DEFAULT_NAMESPACE;
  const deps = dependencies(chartText);
  const vendored = vendoredCharts(target.dir);
  const missing = deps.filter((d) => !vendored.has(d.name));
  const { problems, missingEnabled } = missingDependencies(target, chartText, missing, [join(target.dir, 'values.yaml'), ...options.valuesFiles], read);
  const { chartDir, mirrored } = await chartToRender(ctx, target, inputs, read, chartText, missing);
  // Values files inside the chart are read from the mirror too, where an unsaved buffer has been written.
  const inMirror = (f: string) => (mirrored && f.startsWith(target.dir + sep) ? join(chartDir, relative(target.dir, f)) : f);
  const args = helmArgs(chartDir, { ...options, valuesFiles: options.valuesFiles.map(inMirror) }, namespace);
  const shown = helmArgs(target.dir, options, namespace);
  const env = helmEnv(ctx);
  const run = await runTool(tool.path, args, { env, cwd: ctx.workDir, timeoutMs: options.timeoutMs });
  const base = {
    target,
    id: `${target.entryFile}#${options.release}`,
    uri: `netlens-render:${target.entryFile}`,
    label: `helm template ${options.release} ${target.dir}`,
    inputs,
    namespace,
    ...(options.namespaceAssumed ? { namespaceAssumed: true as const } : {}),
    missingDependencies: missingEnabled,
    command: ['helm', ...shown],
    toolMs: run.ms,
    fromCache: false,
  };
  if (run.timedOut || run.code !== 0) {
    const why = run.timedOut
      ? t('{0} did not finish within {1} s and was stopped.', 'helm template', Math.round(options.timeoutMs / 1000))
      : run.spawnError
        ? t('{0} could not be started ({1}): {2}.', 'helm', tool.path, run.spawnError)
        : t('{0} failed:\n{1}', 'helm template', cleanStderr(run.stderr, chartDir, target.dir));
    problems.push(problemAt(target.entryFile, chartText, 0, 0, run.timedOut ? 'render-timeout' : 'render-failed', 'error', why));
    return { ...base, text: '', map: emptyMap(), problems, mapMs: 0 };
  }

  const started = Date.now();
  const docs = splitHelmOutput(run.stdout);
  const layout = chartLayout(target.dir, target.name);
  const sourceOf = (sourcePath: string): SourceFile | undefined => {
    const file = layout(sourcePath);
    if (!file) return undefined;
    try {
      return { path: file, text: read(file) };
    } catch {
      return undefined;
    }
  };
  const assembled = await assembleHelm(docs, { namespace, sourceOf, cache: ctx.cache, ...(ctx.pause ? { pause: ctx.pause } : {}) });
  if (assembled.unmapped.length > 0) {
    problems.push(
      problemAt(
        target.entryFile,
        chartText,
        0,
        0,
        'unmapped-output',
        'information',
        t(
          'Rendered from files NetLens cannot open ({0}); findings there are shown on Chart.yaml.',
          `${assembled.unmapped.slice(0, 3).join(', ')}${assembled.unmapped.length > 3 ? ', …' : ''}`,
        ),
      ),
    );
  }
  return { ...base, text: assembled.text, map: assembled.map, problems, mapMs: Date.now() - started };
}

/**
 * A problem for each dependency that is not vendored (a warning when its condition holds, so that its objects are
 * missing), and the names (and aliases) of those enabled.
 */
function missingDependencies(
  target: ChartTarget,
  chartText: string,
  missing: readonly Dependency[],
  valuesFiles: readonly string[],
  read: (f: string) => string,
): { problems: RenderProblem[]; missingEnabled: string[] } {
  const problems: RenderProblem[] = [];
  const missingEnabled: string[] = [];
  for (const d of missing) {
    const enabled = conditionHolds(valuesFiles, read, d.condition);
    if (enabled) missingEnabled.push(d.name, ...(d.alias ? [d.alias] : []));
    problems.push(
      problemAt(
        target.entryFile,
        chartText,
        d.start,
        d.end,
        'dependency-missing',
        enabled ? 'warning' : 'information',
        enabled
          ? t(
              'The dependency {0} is not vendored under charts/ (NetLens does not download it): the chart was rendered without it, so its objects are missing and references to them are not checked.',
              d.name,
            )
          : t('The dependency {0} is not vendored under charts/; it is disabled ({1}), and the chart was rendered without it.', d.name, String(d.condition)),
      ),
    );
  }

  return { problems, missingEnabled };
}

/**
 * Where to render: in place, unless Chart.yaml must lose its missing dependencies or unsaved edits must be seen;
 * then in a mirror, so that the user's files are never written. The mirror is kept for the next render.
 */
async function chartToRender(
  ctx: HelmContext,
  target: ChartTarget,
  inputs: readonly string[],
  read: (f: string) => string,
  chartText: string,
  missing: readonly Dependency[],
): Promise<{ chartDir: string; mirrored: boolean }> {
  const overridden = ctx.overridden.filter((f) => f.startsWith(target.dir + sep));
  if (missing.length > 0 || overridden.length > 0) {
    const written = new Map<string, string>(overridden.map((f) => [f, read(f)]));
    if (missing.length > 0) written.set(target.entryFile, withoutDependencies(chartText, new Set(missing.map((d) => d.name))));
    const state = await mirror(
      ctx,
      target,
      inputs.filter((f) => f.startsWith(target.dir + sep)),
      written,
    );
    return { chartDir: state.chartDir, mirrored: true };
  }
  await dropMirror(ctx, target.dir);
  return { chartDir: target.dir, mirrored: false };
}

/** helm's environment: its home, cache and config in the renderer's folder, no plugins, no repositories of the user. */
function helmEnv(ctx: HelmContext): ReturnType<typeof sandboxEnv> {
  const home = join(ctx.workDir, 'helm-home');
  const env = sandboxEnv(home, ctx.emptyDir, {
    HELM_PLUGINS: ctx.emptyDir,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    HELM_REPOSITORY_CONFIG: join(home, 'config', 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: join(home, 'cache', 'repository'),
    HELM_REGISTRY_CONFIG: join(home, 'config', 'registry.json'),
    HELM_NO_PLUGINS: '1',
  });
  return env;
}

/** A chart's mirror: a folder of links to the chart's files, with some files written instead. */
export interface MirrorState {
  readonly dir: string;
  readonly chartDir: string;
  /** The chart's files and the written ones when the mirror was made (a change means a new mirror). */
  readonly files: string;
  written: Map<string, string>;
}

/**
 * The mirror of a chart, made or brought up to date. Links follow the user's edits by themselves; the written
 * files (Chart.yaml without its missing dependencies, unsaved buffers) are real files in real folders of the
 * mirror, so they are rewritten in place when only their text changed. When the chart's files or the set of
 * written files change, the mirror is made again: writing through a link would write the user's file.
 */
async function mirror(ctx: HelmContext, target: ChartTarget, files: readonly string[], written: ReadonlyMap<string, string>): Promise<MirrorState> {
  const key = `${files.join('\n')}\u0000${[...written.keys()].sort().join('\n')}`;
  let state = ctx.mirrors.get(target.dir);
  if (state && state.files !== key) {
    // fs.rm removes links, never what they point at.
    await rm(state.dir, { recursive: true, force: true });
    ctx.mirrors.delete(target.dir);
    state = undefined;
  }
  if (!state) {
    const dir = await mkdtemp(join(ctx.workDir, 'chart-'));
    state = { dir, chartDir: join(dir, target.name || 'chart'), files: key, written: new Map(written) };
    await linkTree(target.dir, state.chartDir, written);
    ctx.mirrors.set(target.dir, state);
    return state;
  }
  for (const [f, text] of written) {
    if (state.written.get(f) !== text) await writeFile(join(state.chartDir, relative(target.dir, f)), text);
  }
  state.written = new Map(written);
  return state;
}

/**
 * Links a folder's entries into another, whole folders at once (helm follows links to folders), except along the
 * paths of written files, where folders are made and their other entries linked one by one.
 */
async function linkTree(from: string, to: string, written: ReadonlyMap<string, string>): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    if (e.name === '.git') continue;
    const text = written.get(src);
    if (text !== undefined) await writeFile(join(to, e.name), text);
    else if (e.isDirectory() && [...written.keys()].some((w) => w.startsWith(src + sep))) await linkTree(src, join(to, e.name), written);
    else await symlink(src, join(to, e.name));
  }
}

/** Removes a chart's mirror once it is no longer needed. */
async function dropMirror(ctx: HelmContext, chartDir: string): Promise<void> {
  const state = ctx.mirrors.get(chartDir);
  if (!state) return;
  ctx.mirrors.delete(chartDir);
  await rm(state.dir, { recursive: true, force: true });
}

/**
 * Helm's stderr, with the mirror's path shown as the chart's own, and without the warnings helm prints for each
 * link of the mirror (NetLens made them; they say nothing about the chart).
 */
function cleanStderr(stderr: string, renderedDir: string, chartDir: string): string {
  const lines = stderr
    .split('\n')
    .filter((l) => !(renderedDir !== chartDir && /found symbolic link in path/.test(l) && l.includes(renderedDir)))
    .join('\n')
    .split(renderedDir)
    .join(chartDir)
    .trim()
    .split('\n');
  return lines.slice(0, 40).join('\n') + (lines.length > 40 ? `\n… (${lines.length - 40} more lines)` : '');
}

/** The `dependencies` of a Chart.yaml, with the offsets of each entry. */
function dependencies(chartText: string): Dependency[] {
  const doc = parseDocument(chartText);
  if (!isMap(doc.contents)) return [];
  const seq = doc.contents.get('dependencies', true);
  if (!isSeq(seq)) return [];
  const out: Dependency[] = [];
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    const name = item.get('name', true);
    if (!isScalar(name)) continue;
    const alias = item.get('alias', true);
    const condition = item.get('condition', true);
    const range = name.range ?? item.range ?? [0, 0];
    out.push({
      name: String(name.value),
      ...(isScalar(alias) && alias.value ? { alias: String(alias.value) } : {}),
      ...(isScalar(condition) && condition.value ? { condition: String(condition.value) } : {}),
      start: range[0],
      end: range[1],
    });
  }
  return out;
}

/** Names of the charts vendored under charts/: folders by their Chart.yaml name, archives by their file name. */
function vendoredCharts(chartDir: string): Set<string> {
  const names = new Set<string>();
  let entries: Dirent[];
  try {
    entries = readdirSync(join(chartDir, 'charts'), { withFileTypes: true });
  } catch {
    return names;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      const meta = chartName(join(chartDir, 'charts', e.name, 'Chart.yaml'));
      if (meta) names.add(meta);
    } else if (e.isFile() && e.name.endsWith('.tgz')) {
      names.add(e.name.replace(/-v?\d+\.\d+\.\d+[^/]*\.tgz$/, '').replace(/\.tgz$/, ''));
    }
  }
  return names;
}

function chartName(file: string): string | undefined {
  try {
    const doc = parseDocument(readFileSync(file, 'utf8'));
    const name = isMap(doc.contents) ? doc.contents.get('name', true) : undefined;
    return isScalar(name) ? String(name.value) : undefined;
  } catch {
    return undefined;
  }
}

/** Chart.yaml without the named dependencies (the rest of the file as written). */
function withoutDependencies(chartText: string, drop: ReadonlySet<string>): string {
  const doc: Document = parseDocument(chartText);
  if (!isMap(doc.contents)) return chartText;
  const seq = doc.contents.get('dependencies', true);
  if (!isSeq(seq)) return chartText;
  seq.items = seq.items.filter((item) => {
    const name = isMap(item) ? item.get('name', true) : undefined;
    return !(isScalar(name) && drop.has(String(name.value)));
  });
  if (seq.items.length === 0) doc.contents.delete('dependencies');
  return doc.toString();
}

/**
 * Maps a `# Source:` path (`<chart>/templates/x.yaml`, `<chart>/charts/<sub>/templates/y.yaml`) to the file in
 * the chart's folder: sub-charts are found by the name in their Chart.yaml, which need not be their folder's.
 */
function chartLayout(chartDir: string, rootName: string): (sourcePath: string) => string | undefined {
  const subDirs = new Map<string, Map<string, string>>();
  const subOf = (dir: string, name: string): string | undefined => {
    let m = subDirs.get(dir);
    if (!m) {
      m = new Map();
      try {
        for (const e of readdirSync(join(dir, 'charts'), { withFileTypes: true })) {
          if (!e.isDirectory()) continue;
          const n = chartName(join(dir, 'charts', e.name, 'Chart.yaml'));
          if (n && !m.has(n)) m.set(n, join(dir, 'charts', e.name));
        }
      } catch {
        // No charts/ folder.
      }
      subDirs.set(dir, m);
    }
    return m.get(name);
  };
  return (sourcePath) => {
    const parts = sourcePath.split('/');
    if (parts[0] !== rootName && rootName !== '') return undefined;
    let dir = chartDir;
    let k = 1;
    while (parts[k] === 'charts' && k + 2 < parts.length) {
      const sub = subOf(dir, parts[k + 1]!);
      if (!sub) return undefined;
      dir = sub;
      k += 2;
    }
    const file = join(dir, ...parts.slice(k));
    try {
      return statSync(file).isFile() ? file : undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * The value at a dotted path in the chart's values and the values files, the later file winning (as helm merges
 * them). Only the block of the path's top-level key is parsed: a chart's values.yaml can be thousands of lines.
 */
function valueAt(files: readonly string[], read: (f: string) => string, path: readonly string[]): unknown {
  let found: unknown;
  for (const f of files) {
    let text: string;
    try {
      text = read(f);
    } catch {
      continue;
    }
    const block = topLevelBlock(text, path[0]!);
    if (block === undefined) continue;
    let v: unknown;
    try {
      v = parseDocument(block).toJS();
    } catch {
      continue;
    }
    for (const key of path) v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
    if (v !== undefined) found = v;
  }
  return found;
}

/** The lines of a top-level key of a YAML map (the key's line up to the next line at column 0 that is not a comment). */
function topLevelBlock(text: string, key: string): string | undefined {
  const lines = text.split('\n');
  const quoted = new RegExp(`^(?:${escapeRegExp(key)}|"${escapeRegExp(key)}"|'${escapeRegExp(key)}')[ \t]*:`);
  const start = lines.findIndex((l) => quoted.test(l));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && (lines[end]!.trim() === '' || /^[ \t#]/.test(lines[end]!))) end++;
  return lines.slice(start, end).join('\n');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a dependency's condition holds, as helm reads it: the first of its comma-separated paths that names a
 * boolean decides; no condition (or none that resolves) means enabled.
 */
function conditionHolds(files: readonly string[], read: (f: string) => string, condition: string | undefined): boolean {
  if (!condition) return true;
  for (const path of condition
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const v = valueAt(files, read, path.split('.'));
    if (typeof v === 'boolean') return v;
  }
  return true;
}

/** Every file of a chart's folder (its inputs), sorted; version-control folders are left out. */
export async function chartFiles(chartDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === '.git') continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(full);
    }
  };
  await walk(chartDir);
  return out.sort();
}
