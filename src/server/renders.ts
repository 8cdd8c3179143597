/**
 * Helm charts and Kustomize overlays in the language server: the workspace folders' charts and entry-point
 * kustomizations are rendered (src/render: the user's helm and kustomize, no plugins, a time limit, results cached
 * by input content), and each build is analysed as `netlens check` analyses it. What the editor gets:
 *
 * - diagnostics on the template or base line that produced a broken reference, in place of the plain reading of
 *   those files (a template is not YAML; a base read alone has neither its overlay's namespace nor its prefix);
 * - a render that fails, on its `Chart.yaml` or `kustomization.yaml`;
 * - for hovers and inlay hints, each rendered reference placed at its source, with its rendered text;
 * - the rendered objects, for the workspace model that answers the other files.
 *
 * Rendering runs programs, so it is off unless the client says the workspace is trusted (VS Code's workspace
 * trust; other editors pass `workspaceTrusted` in the initialization options). The tools' paths come from the
 * initialization options only, never from settings a folder could hold.
 */
import { pathToFileURL } from 'node:url';
import { ManifestCache } from '../core/incremental';
import type { ParsedManifest } from '../core/manifests';
import type { ScanOptions } from '../core/references';
import {
  analyzeBuildsAsync,
  type Build,
  type BuildFinding,
  type BuildOptions,
  BuildsMemo,
  type Place,
  type PlacedReference,
  placeReferences,
  renderedBuildAsync,
} from '../render/builds';
import { discover, type RenderTarget } from '../render/discover';
import { Renderer, type RenderSettings } from '../render/renderer';
import type { RenderProblem, RenderResult } from '../render/result';
import type { Log } from './guard';

/** A rendered reference at its place in a user's file, with the build it came from. */
export interface SourceReference extends PlacedReference {
  readonly build: Build;
}

/** What the renders of the workspace hold, by file URI. */
export interface RenderedState {
  readonly findings: ReadonlyMap<string, readonly BuildFinding[]>;
  readonly problems: ReadonlyMap<string, readonly RenderProblem[]>;
  readonly references: ReadonlyMap<string, readonly SourceReference[]>;
  /** The files the builds read (templates, bases, patches, values): their plain reading gives way to the builds'. */
  readonly covered: ReadonlySet<string>;
  /**
   * YAML files that their folder's kustomization lists only in a comment (discover.ts): switched off, so not in the
   * model, and no findings; hovers still answer.
   */
  readonly leftOut: ReadonlySet<string>;
  /** The rendered objects, one manifest per build. */
  readonly manifests: readonly ParsedManifest[];
  readonly builds: readonly Build[];
}

export interface RenderHost {
  /** The workspace folders (absolute paths). */
  folders(): readonly string[];
  scan(): ScanOptions;
  buildOptions(): BuildOptions;
  log: Log;
  /** A new state: diagnostics, hints and the model follow. */
  changed(state: RenderedState): void;
}

const EMPTY: RenderedState = {
  findings: new Map(),
  problems: new Map(),
  references: new Map(),
  covered: new Set(),
  leftOut: new Set(),
  manifests: [],
  builds: [],
};

export class WorkspaceRenders {
  private renderer: Renderer | undefined;
  private current: RenderedState = EMPTY;
  private running: Promise<void> | undefined;
  private again = false;
  /** Parsed rendered text per target, kept between renders so that only changed documents are parsed again. */
  private readonly caches = new Map<string, ManifestCache>();
  private readonly saidMissing = new Set<string>();
  /** Each build's last analysis: a build that did not change is not analysed again (see BuildsMemo). */
  private readonly memo = new BuildsMemo();

  private rendererSettings = '';

  /** `settings` is read at each pass: a changed release or values list renders with a new Renderer. */
  constructor(
    private readonly host: RenderHost,
    private readonly settings: () => RenderSettings,
  ) {}

  get state(): RenderedState {
    return this.current;
  }

  /** Renders the workspace again (inputs unchanged are answered from the cache); runs one pass at a time. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } catch (e) {
        this.host.log('error', `Rendering the workspace's charts and overlays failed: ${(e as Error).stack ?? e}`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  dispose(): void {
    this.renderer?.dispose();
  }

  private async pass(): Promise<void> {
    const found = await discover([...this.host.folders()]);
    const targets: RenderTarget[] = [...found.charts, ...found.kustomizations];
    if (targets.length === 0 && this.current === EMPTY) return;
    const settings = this.settings();
    const key = JSON.stringify(settings);
    if (this.renderer && key !== this.rendererSettings) {
      this.renderer.dispose();
      this.renderer = undefined;
    }
    this.rendererSettings = key;
    this.renderer ??= new Renderer(settings);
    const renders: RenderResult[] = [];
    for (const t of targets) renders.push(await this.renderer.render(t));
    for (const m of this.renderer.missingTools()) {
      if (this.saidMissing.has(m.tool)) continue;
      this.saidMissing.add(m.tool);
      this.host.log('warn', `${m.reason}; charts and overlays are not rendered. NetLens would have run:\n${m.wouldRun.map((w) => `  ${w}`).join('\n')}`);
    }
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    const builds: Build[] = [];
    for (const r of renders) {
      if (r.text === '') continue;
      let cache = this.caches.get(r.id);
      if (!cache) this.caches.set(r.id, (cache = new ManifestCache(this.host.scan())));
      builds.push(await renderedBuildAsync(r, this.host.scan(), pause, r.label, cache));
    }
    const analysis = await analyzeBuildsAsync(builds, this.host.buildOptions(), pause, this.memo);
    const findings = new Map<string, BuildFinding[]>();
    for (const f of analysis.findings) push(findings, fileUri(f.place.file), f);
    const problems = new Map<string, RenderProblem[]>();
    for (const r of renders) for (const p of r.problems) push(problems, fileUri(p.file), p);
    const references = new Map<string, SourceReference[]>();
    for (const b of builds) for (const p of placeReferences(b)) push(references, fileUri(p.place.file), { ...p, build: b });
    const covered = new Set<string>();
    for (const r of renders) if (r.text !== '') for (const input of r.inputs) covered.add(fileUri(input));
    const leftOut = new Set(found.leftOut.map(fileUri));
    this.current = { findings, problems, references, covered, leftOut, manifests: builds.flatMap((b) => b.manifests), builds };
    this.host.changed(this.current);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A place in the user's files (1-based lines and columns) as an LSP location. */
export function placeLocation(p: Place): { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } } {
  return {
    uri: fileUri(p.file),
    range: { start: { line: p.line - 1, character: p.column - 1 }, end: { line: p.endLine - 1, character: p.endColumn - 1 } },
  };
}

/** A file's URI from a path (places are paths; render URIs are kept as they are). */
export function fileUri(path: string): string {
  return path.startsWith('/') ? pathToFileURL(path).href : path;
}
