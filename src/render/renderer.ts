/**
 * The rendering service: finds the tools once, renders charts and kustomizations, and keeps each result until
 * one of its inputs changes (the cache key is a hash of every input file's path and content, the tool and the
 * options). Results are kept in memory only: rendered Secrets never land on disk.
 *
 * Used by `netlens check` and meant for the language server: `render()` is asynchronous, the tools run as child
 * processes, and the mapping work pauses between documents so that an editor's event loop stays free.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { t } from '../core/l10n';
import { DEFAULT_NAMESPACE } from '../core/names';
import type { ChartTarget, KustomizeTarget, RenderTarget } from './discover';
import { chartFiles, helmArgs, type MirrorState, renderChart } from './helm';
import { type TemplateCache, templateCache } from './helm-map';
import { kustomizationGraph } from './kustomization';
import { kustomizeCommand, renderKustomization } from './kustomize';
import { emptyMap, problemAt, type RenderResult } from './result';
import { findTool, type ToolLocation, type ToolName } from './tools';

export interface RenderSettings {
  /** Absolute paths of the tools (settings `netlens.helm.path`, `netlens.kustomize.path`; flags `--helm`, `--kustomize`). */
  readonly helmPath?: string;
  readonly kustomizePath?: string;
  /** `kubectl`, for `kubectl kustomize` when no kustomize is found. */
  readonly kubectlPath?: string;
  /** The PATH searched when no explicit path is given (default: the process's PATH; relative entries are skipped). */
  readonly searchPath?: string;
  /** The Helm release name; default `release`. */
  readonly release?: string;
  /** The release namespace; default each chart's name. */
  readonly namespace?: string;
  /**
   * Values files beside each chart's values.yaml: absolute paths, or paths and globs (`ci/*-values.yaml`) relative
   * to each chart's folder (a chart without a match gets none).
   */
  readonly helmValues?: readonly string[];
  readonly kubeVersion?: string;
  /** Time limit of one tool run; default 60 s. */
  readonly timeoutMs?: number;
}

/** A tool that was needed and not found: said once, with what it would have done. */
export interface MissingTool {
  readonly tool: 'helm' | 'kustomize';
  /** Why it is missing: not on PATH, or the configured path is not usable. */
  readonly reason: string;
  /** The commands NetLens would have run. */
  readonly wouldRun: string[];
}

export interface RenderRequest {
  /** File contents to use in place of the disk (unsaved editor buffers), by absolute path. Helm charts only. */
  readonly overrides?: ReadonlyMap<string, string>;
}

export class Renderer {
  private readonly workDir: string;
  private readonly emptyDir: string;
  private readonly cache = new Map<string, { key: string; result: RenderResult }>();
  private readonly templates: TemplateCache = templateCache();
  private readonly tools = new Map<ToolName, ToolLocation | { error: string } | undefined>();
  private readonly missing = new Map<'helm' | 'kustomize', MissingTool>();
  private readonly digests = new Map<string, { size: number; mtimeMs: number; ctimeMs: number; digest: string }>();
  private readonly mirrors = new Map<string, MirrorState>();
  /** The render in progress for each target: a target's renders run one after the other (they share a mirror). */
  private readonly running = new Map<string, Promise<unknown>>();
  private disposed = false;

  constructor(private readonly settings: RenderSettings = {}) {
    this.workDir = mkdtempSync(join(tmpdir(), 'netlens-render-'));
    this.emptyDir = join(this.workDir, 'empty');
    mkdirSync(this.emptyDir);
  }

  /** The tools that were needed and missing, each once. */
  missingTools(): MissingTool[] {
    return [...this.missing.values()];
  }

  /** Renders a chart or a kustomization, from the cache when none of its inputs changed. */
  async render(target: RenderTarget, request: RenderRequest = {}): Promise<RenderResult> {
    if (this.disposed) throw new Error('the renderer was disposed');
    const before = this.running.get(target.entryFile) ?? Promise.resolve();
    const next = before.then(
      () => (target.kind === 'helm' ? this.renderHelm(target, request) : this.renderKustomize(target)),
      () => (target.kind === 'helm' ? this.renderHelm(target, request) : this.renderKustomize(target)),
    );
    this.running.set(target.entryFile, next);
    try {
      return await next;
    } finally {
      if (this.running.get(target.entryFile) === next) this.running.delete(target.entryFile);
    }
  }

  /** Removes the temporary folder. */
  dispose(): void {
    this.disposed = true;
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private tool(name: ToolName): ToolLocation | { error: string } | undefined {
    if (!this.tools.has(name)) {
      const explicit = name === 'helm' ? this.settings.helmPath : name === 'kustomize' ? this.settings.kustomizePath : this.settings.kubectlPath;
      this.tools.set(name, findTool(name, explicit, this.settings.searchPath));
    }
    return this.tools.get(name);
  }

  private pause = (): Promise<void> => new Promise((r) => setImmediate(r));

  /**
   * The cache key of a render: the parts given, then each input's path and a digest of its content (an unsaved
   * buffer's in place of the disk's). A file is read and digested again only when its size or times changed
   * since the last time, so that checking a large chart for changes costs a stat per file. Returns the contents
   * it read (the others are read from disk when needed).
   */
  private async inputKey(
    parts: readonly string[],
    files: readonly string[],
    overrides?: ReadonlyMap<string, string>,
  ): Promise<{ key: string; files: Map<string, string> }> {
    const read = new Map<string, string>();
    const stats = await Promise.all(files.map((f) => (overrides?.has(f) ? Promise.resolve(undefined) : stat(f).catch(() => null))));
    const stale = files.filter((f, i) => {
      const st = stats[i];
      const memo = this.digests.get(f);
      return st && !(memo && memo.size === st.size && memo.mtimeMs === st.mtimeMs && memo.ctimeMs === st.ctimeMs);
    });
    const texts = await Promise.all(stale.map((f) => readFile(f, 'utf8').catch(() => undefined)));
    stale.forEach((f, i) => {
      const text = texts[i];
      const st = stats[files.indexOf(f)]!;
      if (text === undefined) return;
      read.set(f, text);
      this.digests.set(f, { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, digest: digest(text) });
    });
    const h = createHash('sha256');
    for (const p of parts) h.update(p).update('\0');
    files.forEach((f, i) => {
      const o = overrides?.get(f);
      if (o !== undefined) read.set(f, o);
      const d = o !== undefined ? digest(o) : stats[i] ? (this.digests.get(f)?.digest ?? 'unreadable') : 'missing';
      h.update(f).update('\0').update(d).update('\0');
    });
    return { key: h.digest('hex'), files: read };
  }

  private async renderHelm(target: ChartTarget, request: RenderRequest): Promise<RenderResult> {
    const release = this.settings.release || 'release';
    const namespace = this.settings.namespace || target.name || DEFAULT_NAMESPACE;
    const valuesFiles = resolveValuesFiles(target.dir, this.settings.helmValues ?? []);
    const options = {
      release,
      namespace,
      namespaceAssumed: !this.settings.namespace,
      valuesFiles,
      ...(this.settings.kubeVersion ? { kubeVersion: this.settings.kubeVersion } : {}),
      timeoutMs: this.settings.timeoutMs ?? 60_000,
    };
    const tool = this.tool('helm');
    const inputs = [...(await chartFiles(target.dir)), ...valuesFiles.filter((f) => !f.startsWith(target.dir + sep))];
    if (!tool || 'error' in tool) {
      const wouldRun = ['helm', ...helmArgs(target.dir, options, namespace)];
      return this.toolMissing(target, 'helm', tool ? tool.error : t('{0} was not found on PATH', 'helm'), wouldRun, inputs, namespace);
    }
    const { key, files } = await this.inputKey(['helm', tool.path, toolStamp(tool.path), JSON.stringify(options)], inputs, request.overrides);
    const id = `${target.entryFile}#${release}`;
    const hit = this.cache.get(id);
    if (hit && hit.key === key) return { ...hit.result, fromCache: true, toolMs: 0, mapMs: 0 };
    const overridden = [...(request.overrides?.keys() ?? [])].filter((f) => inputs.includes(f));
    const result = await renderChart(
      target,
      tool,
      options,
      { workDir: this.workDir, emptyDir: this.emptyDir, cache: this.templates, pause: this.pause, files, overridden, mirrors: this.mirrors },
      inputs,
    );
    this.cache.set(id, { key, result });
    return result;
  }

  private async renderKustomize(target: KustomizeTarget): Promise<RenderResult> {
    const graph = kustomizationGraph(target.entryFile);
    const inputs = [...new Set(graph.flatMap((k) => [k.file, ...k.resourceFiles, ...k.otherFiles]))].sort();
    let tool = this.tool('kustomize');
    let reason = tool && 'error' in tool ? tool.error : t('{0} was not found on PATH', 'kustomize');
    if (!tool || 'error' in tool) {
      const kubectl = this.tool('kubectl');
      if (kubectl && !('error' in kubectl)) tool = kubectl;
      else reason = kubectl && 'error' in kubectl ? t('{0}, and {1}', reason, kubectl.error) : t('{0}, nor kubectl (for kubectl kustomize)', reason);
    }
    if (!tool || 'error' in tool) return this.toolMissing(target, 'kustomize', reason, kustomizeCommand('kustomize', target.dir), inputs, undefined);
    const { key } = await this.inputKey(['kustomize', tool.path, toolStamp(tool.path)], inputs);
    const hit = this.cache.get(target.entryFile);
    if (hit && hit.key === key) return { ...hit.result, fromCache: true, toolMs: 0, mapMs: 0 };
    const result = await renderKustomization(
      target,
      tool,
      { timeoutMs: this.settings.timeoutMs ?? 60_000 },
      { workDir: this.workDir, emptyDir: this.emptyDir, graph, pause: this.pause },
      inputs,
    );
    this.cache.set(target.entryFile, { key, result });
    return result;
  }

  private toolMissing(
    target: RenderTarget,
    tool: 'helm' | 'kustomize',
    reason: string,
    wouldRun: string[],
    inputs: readonly string[],
    namespace: string | undefined,
  ): RenderResult {
    const entry = this.missing.get(tool) ?? { tool, reason, wouldRun: [] };
    entry.wouldRun.push(wouldRun.join(' '));
    this.missing.set(tool, entry);
    let text = '';
    try {
      text = readFileSync(target.entryFile, 'utf8');
    } catch {
      text = '';
    }
    const setting = tool === 'helm' ? 'netlens.helm.path (or --helm)' : 'netlens.kustomize.path (or --kustomize)';
    return {
      target,
      id: target.entryFile,
      uri: `netlens-render:${target.entryFile}`,
      label: wouldRun.join(' '),
      text: '',
      map: emptyMap(),
      inputs,
      problems: [
        problemAt(
          target.entryFile,
          text,
          0,
          0,
          'tool-missing',
          'warning',
          t('{0}: NetLens would have run {1} and checked what it renders. Install it, or set {2}.', reason, `\`${wouldRun.join(' ')}\``, setting),
        ),
      ],
      namespace,
      missingDependencies: [],
      command: wouldRun,
      toolMs: 0,
      mapMs: 0,
      fromCache: false,
    };
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A tool binary's identity for the cache: its size and modification time (a new version is a new binary). */
function toolStamp(path: string): string {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return '';
  }
}

/**
 * Values files for a chart: absolute paths as they are; relative ones (globs allowed in their last segments) in
 * the chart's folder, sorted, and only those that exist and stay inside it. A URL is never passed to helm.
 */
export function resolveValuesFiles(chartDir: string, patterns: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) continue;
    if (isAbsolute(p)) {
      if (isFile(p)) out.push(p);
      continue;
    }
    for (const f of expandGlob(
      chartDir,
      p.split(/[\\/]/).filter((s) => s !== '' && s !== '.'),
    )) {
      const rel = relative(chartDir, f);
      if (!rel.startsWith('..') && isFile(f)) out.push(f);
    }
  }
  return [...new Set(out)];
}

function expandGlob(dir: string, segments: readonly string[]): string[] {
  if (segments.length === 0) return [dir];
  const [head, ...rest] = segments;
  if (!/[*?[]/.test(head!)) return expandGlob(resolve(dir, head!), rest);
  const re = new RegExp(
    `^${head!
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.filter((n) => re.test(n)).flatMap((n) => expandGlob(join(dir, n), rest));
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
