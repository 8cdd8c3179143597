/**
 * Analysis of a workspace made of builds: the plain manifests (one build, read together as today), and each
 * rendered chart and Kustomize entry point (one build each). A reference resolves in its own build first, then in
 * the other builds; but a rendered build that is an alternative of the reference's own (they read a file in common:
 * the dev and prod overlays of one base, all in `default`) never answers for a namespace that the own build defines,
 * so that alternatives do not hide each other's broken references. Renders that read nothing in common are deployed
 * side by side, and answer for each other everywhere. The plain manifests are no alternative of any render: they answer for
 * renders, and renders for them, in every namespace. Findings in rendered text are carried back to their source file and line through the
 * render's map; a finding that several builds share (a base used by several overlays) is reported once and says
 * which builds it holds in.
 *
 * Pure code over core (no Node API): the CLI runs the renders, and the language server can do the same.
 */
import { analyzeManifestSteps } from '../core/analyze';
import type { CheckSource, Finding } from '../core/check';
import { ManifestCache } from '../core/incremental';
import { t } from '../core/l10n';
import { type ManifestProblem, namespaceOf, type ParsedManifest } from '../core/manifests';
import type { Reference, ScanOptions } from '../core/references';
import { type PodRecordsMode, Resolver } from '../core/resolver';
import { buildWorkspaceModel } from '../core/workspace';
import type { RenderResult } from './result';
import { type Produced, toSource } from './source-map';

export interface Build {
  /** Stable identity (the render's id, or `plain`). */
  readonly id: string;
  /** Named in messages: `the manifests`, `helm template release charts/podinfo`. */
  readonly label: string;
  readonly manifests: readonly ParsedManifest[];
  /** References already found per manifest (as the CLI's file reading finds them), else scanned here. */
  readonly references?: readonly (readonly Reference[])[];
  /** For rendered builds: the render, whose map carries positions back to the sources. */
  readonly render?: RenderResult;
}

/**
 * A rendered build: its text parsed under the render's uri as the language server parses files (a piece per
 * document, CustomResourceDefinitions recognised and not parsed), with its references.
 */
export function renderedBuild(render: RenderResult, scan: ScanOptions, label = render.label, cache = new ManifestCache(scan)): Build {
  const parsed = cache.parse(render.uri, render.text);
  return { id: render.id, label, manifests: [parsed.manifest], references: [parsed.references], render };
}

/**
 * The same, without holding the thread: the rendered text is parsed a document at a time, awaiting `pause` after
 * each (for an editor). Keeping `cache` between renders of one target parses only the documents that changed.
 */
export async function renderedBuildAsync(
  render: RenderResult,
  scan: ScanOptions,
  pause: () => Promise<void>,
  label = render.label,
  cache = new ManifestCache(scan),
): Promise<Build> {
  await cache.prepare(render.uri, render.text, pause);
  return renderedBuild(render, scan, label, cache);
}

export interface BuildOptions {
  readonly zone?: string;
  readonly defaultNamespace: string;
  readonly podRecords: PodRecordsMode;
  /**
   * The manifests to analyse (all when absent); the models are made of every manifest all the same. A worker thread
   * of `netlens check` analyses its share of the files against the model of all of them.
   */
  readonly only?: ReadonlySet<ParsedManifest>;
  /**
   * Told when a build's models are made, before its manifests are analysed: the values of the objects are not read
   * again in that build (a worker thread with one build lets them go).
   */
  readonly modelled?: (build: Build) => void;
  /** Told after each manifest's analysis (for a progress line). */
  readonly analyzed?: (manifest: ParsedManifest) => void;
}

/** A place in a file the user has: the source of rendered text, or a plain manifest itself. */
export interface Place {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** For rendered text: whether the characters there are the ones rendered (`literal`) or computed there. */
  readonly produced?: Produced;
}

export interface BuildFinding {
  readonly finding: Finding;
  readonly place: Place;
  /** The builds it holds in (more than one for a base shared by several overlays). */
  readonly builds: readonly string[];
  /** For rendered text: the rendered text of the finding (the name as rendered). */
  readonly rendered?: string;
  /**
   * The finding's fixes as edits of the user's files. A fix of rendered text is kept only when each of its edits
   * lands on characters copied from a source (a template's literal text, a base's value): an edit of text that an
   * expression or a transformer computed would not change what is rendered the same way.
   */
  readonly fixes: readonly SourceFix[];
}

/** ` (rendered as "…")` for a finding in text a template expression computed; else nothing. */
export function renderedAs(f: Pick<BuildFinding, 'rendered' | 'place'>): string {
  return f.rendered !== undefined && f.place.produced === 'expression' ? t(' (rendered as "{0}")', f.rendered) : '';
}

export interface SourceFix {
  readonly title: string;
  readonly edits: readonly { readonly file: string; readonly start: number; readonly end: number; readonly newText: string }[];
}

export interface BuildsAnalysis {
  readonly findings: readonly BuildFinding[];
  /** Problems of reading the objects of each build (duplicates, invalid values), placed in the user's files. */
  readonly problems: readonly (ManifestProblem & { readonly builds: readonly string[] })[];
}

const CLUSTER_WIDE = new Set(['Namespace', 'Node']);

/**
 * Whether two renders are alternatives of each other: they read a file in common (a base, a component, a chart), so
 * that one or the other is deployed, not both.
 */
function alternatives(a: RenderResult, b: RenderResult): boolean {
  const read = new Set(a.inputs);
  return b.inputs.some((f) => read.has(f));
}

/**
 * The Services of charts rendered into a namespace NetLens assumed (the chart's name), by name, with their build's
 * label: a user installs a chart into a namespace of their own choosing, where these Services answer.
 */
function movableServices(builds: readonly Build[], options: BuildOptions): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const b of builds) {
    if (!b.render?.namespaceAssumed) continue;
    for (const m of b.manifests)
      for (const o of m.objects)
        if (o.kind === 'Service' && namespaceOf(o, options.defaultNamespace) === b.render.namespace && !out.has(o.name.toLowerCase()))
          out.set(o.name.toLowerCase(), b.label);
  }
  return out;
}

/** The namespaces a build puts objects in (or declares). */
function namespacesOf(build: Build, defaultNamespace: string): Set<string> {
  const out = new Set<string>();
  for (const m of build.manifests) {
    for (const o of m.objects) {
      if (o.kind === 'Namespace') out.add(o.name);
      else if (!CLUSTER_WIDE.has(o.kind)) out.add(namespaceOf(o, defaultNamespace));
    }
  }
  return out;
}

/** A manifest with only the objects outside some namespaces (for the other builds' model). */
function without(m: ParsedManifest, namespaces: ReadonlySet<string>, defaultNamespace: string): ParsedManifest {
  return {
    ...m,
    objects: m.objects.filter((o) =>
      o.kind === 'Namespace' ? !namespaces.has(o.name) : CLUSTER_WIDE.has(o.kind) || !namespaces.has(namespaceOf(o, defaultNamespace)),
    ),
    problems: [],
  };
}

/** Codes of findings about a name that may be an object of a dependency the render left out. */
const UNKNOWN_NAME_CODES = new Set(['NL001', 'NL002', 'NL003', 'NL009']);

export function analyzeBuilds(builds: readonly Build[], options: BuildOptions, memo?: BuildsMemo): BuildsAnalysis {
  const steps = analysisSteps(builds, options, memo);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same, without holding the thread (for an editor): `pause` is awaited after each build's models are made and
 * after each manifest is analysed.
 */
export async function analyzeBuildsAsync(
  builds: readonly Build[],
  options: BuildOptions,
  pause: () => Promise<void>,
  memo?: BuildsMemo,
): Promise<BuildsAnalysis> {
  const steps = analysisSteps(builds, options, memo);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

/** What one build's analysis found, before the builds' findings are merged. */
interface BuildResult {
  readonly findings: readonly { readonly key: string; readonly finding: Omit<BuildFinding, 'builds'> }[];
  readonly problems: readonly { readonly key: string; readonly problem: ManifestProblem }[];
  /** Whether any answer came from the other builds: if not, a change of another build cannot change this result. */
  readonly consultedOthers: boolean;
}

interface Remembered {
  readonly label: string;
  readonly text: string;
  readonly map: unknown;
  readonly result: BuildResult;
}

/**
 * The last analysis of each rendered build, kept between passes (the language server keeps one): a build whose render
 * is the same (the same text from the same map) is not analysed again when no other build changed, or when none of
 * its answers came from the other builds. The options must be the same from pass to pass (a new memo otherwise).
 */
export class BuildsMemo {
  private last = new Map<string, Remembered>();
  private options = '';

  /** The builds that changed since the last pass (added, removed or rendered differently), and a reset on new options. */
  begin(builds: readonly Build[], options: BuildOptions): Set<string> {
    const key = JSON.stringify([options.zone, options.defaultNamespace, options.podRecords]);
    if (key !== this.options) this.last.clear();
    this.options = key;
    const changed = new Set<string>(this.last.keys());
    for (const b of builds) {
      const prev = this.last.get(b.id);
      if (prev && b.render && prev.label === b.label && prev.text === b.render.text && prev.map === b.render.map) changed.delete(b.id);
      else changed.add(b.id);
    }
    return changed;
  }

  reusable(build: Build, changed: ReadonlySet<string>): BuildResult | undefined {
    if (changed.has(build.id)) return undefined;
    const prev = this.last.get(build.id);
    if (!prev) return undefined;
    const othersChanged = changed.size > 0;
    return othersChanged && prev.result.consultedOthers ? undefined : prev.result;
  }

  /** Keeps this pass's results (of rendered builds; the others are not remembered). */
  end(results: ReadonlyMap<Build, BuildResult>): void {
    this.last = new Map();
    for (const [b, result] of results) if (b.render) this.last.set(b.id, { label: b.label, text: b.render.text, map: b.render.map, result });
  }
}

function* analysisSteps(builds: readonly Build[], options: BuildOptions, memo: BuildsMemo | undefined): Generator<void, BuildsAnalysis> {
  const memoized = memo && !options.only ? memo : undefined;
  const changed = memoized?.begin(builds, options) ?? new Set<string>();
  const results = new Map<Build, BuildResult>();
  for (const build of builds) {
    const result = memoized?.reusable(build, changed) ?? (yield* buildSteps(build, builds, options));
    results.set(build, result);
  }
  memoized?.end(results);
  return merged(builds, results);
}

/** The findings of the builds in one list: a finding several builds share once, with the builds it holds in. */
function merged(builds: readonly Build[], results: ReadonlyMap<Build, BuildResult>): BuildsAnalysis {
  const findings = new Map<string, { f: Omit<BuildFinding, 'builds'>; builds: string[] }>();
  const problems = new Map<string, ManifestProblem & { builds: string[] }>();
  for (const build of builds) {
    const result = results.get(build)!;
    for (const { key, problem } of result.problems) {
      const prev = problems.get(key);
      if (prev) prev.builds.push(build.label);
      else problems.set(key, { ...problem, builds: [build.label] });
    }
    for (const { key, finding } of result.findings) {
      const prev = findings.get(key);
      if (!prev) findings.set(key, { f: finding, builds: [build.label] });
      else if (!prev.builds.includes(build.label)) prev.builds.push(build.label);
    }
  }
  return {
    findings: [...findings.values()].map(({ f, builds: b }) => ({ ...f, builds: b })),
    problems: [...problems.values()],
  };
}

/** The sources a build's references resolve in: its own objects, then (made when first asked for) the other builds'. */
function buildSources(build: Build, builds: readonly Build[], options: BuildOptions) {
  const resolverOptions = { ...(options.zone ? { zone: options.zone } : {}), podRecords: options.podRecords };
  const own = buildWorkspaceModel(build.manifests, { defaultNamespace: options.defaultNamespace });
  const ownResolver = new Resolver(own.snapshot, { ...resolverOptions, sourceName: build.label });
  const sources: CheckSource[] = [{ name: build.label, resolver: ownResolver, live: false, facts: own.facts }];
  const state = { consultedOthers: false };
  const others = builds.filter((b) => b !== build);
  if (others.length > 0) {
    let made: { resolver: Resolver; facts: CheckSource['facts']; movable: CheckSource['movable'] } | undefined;
    const make = () => {
      state.consultedOthers = true;
      if (made) return made;
      const defined = namespacesOf(build, options.defaultNamespace);
      const otherModel = buildWorkspaceModel(
        others.flatMap((b) =>
          b.manifests.map((m) =>
            build.render && b.render && alternatives(build.render, b.render) ? without(m, defined, options.defaultNamespace) : { ...m, problems: [] },
          ),
        ),
        { defaultNamespace: options.defaultNamespace },
      );
      const name = t('the other builds of the workspace');
      made = {
        resolver: new Resolver(otherModel.snapshot, { ...resolverOptions, sourceName: name }),
        facts: otherModel.facts,
        movable: movableServices(others, options),
      };
      return made;
    };
    sources.push({
      name: t('the other builds of the workspace'),
      live: false,
      get resolver() {
        return make().resolver;
      },
      get facts() {
        return make().facts;
      },
      get movable() {
        return make().movable;
      },
    });
  }
  return { own, ownResolver, sources, state };
}

/** One build's analysis, a manifest at a time. */
function* buildSteps(build: Build, builds: readonly Build[], options: BuildOptions): Generator<void, BuildResult> {
  const { own, ownResolver, sources, state } = buildSources(build, builds, options);
  const problems: BuildResult['problems'][number][] = [];
  for (const p of own.report.problems) {
    // A key written twice is a finding of the file's own (NL015), as in `netlens check` on plain files.
    if (p.code === 'duplicate-key') continue;
    const place = placeOf(build, p.uri, p.offset, p.offset);
    problems.push({
      key: `${place.file}:${place.start}:${p.code}:${p.message}`,
      problem: { ...p, uri: place.file, offset: place.start, line: place.line, column: place.column },
    });
  }
  options.modelled?.(build);
  yield;
  const findings: BuildResult['findings'][number][] = [];
  for (const [i, manifest] of build.manifests.entries()) {
    if (options.only && !options.only.has(manifest)) continue;
    const analysis = yield* analyzeManifestSteps(
      manifest,
      { zone: ownResolver.zone, defaultNamespace: options.defaultNamespace, sources, workspace: own.snapshot },
      build.references?.[i],
    );
    for (const f of analysis.findings) {
      if (build.render && build.render.missingDependencies.length > 0 && UNKNOWN_NAME_CODES.has(f.code)) {
        const ref = analysis.references.find((r) => r.start <= f.start && f.end <= r.end);
        const host = (ref?.host ?? manifest.text.slice(f.start, f.end)).toLowerCase();
        // The name may be an object of a chart dependency that is not vendored: NetLens cannot see it.
        if (build.render.missingDependencies.some((d) => host.includes(d.toLowerCase()))) continue;
      }
      const place = placeOf(build, manifest.uri, f.start, f.end);
      const rendered = build.render ? manifest.text.slice(f.start, f.end) : undefined;
      const finding = { finding: f, place, fixes: sourceFixes(build, manifest.uri, f), ...(rendered !== undefined ? { rendered } : {}) };
      findings.push({ key: `${place.file}:${place.start}:${place.end}:${f.code}`, finding });
    }
    options.analyzed?.(manifest);
    yield;
  }
  return { findings, problems, consultedOthers: state.consultedOthers };
}

/** A finding's fixes carried to the user's files (see BuildFinding.fixes). */
function sourceFixes(build: Build, uri: string, f: Finding): SourceFix[] {
  const out: SourceFix[] = [];
  for (const fix of f.fixes) {
    const edits: SourceFix['edits'][number][] = [];
    for (const e of fix.edits) {
      const place = placeOf(build, uri, e.start, e.end);
      if (place.produced === 'expression' || (build.render && place.end - place.start !== e.end - e.start)) break;
      edits.push({ file: place.file, start: place.start, end: place.end, newText: e.newText });
    }
    if (edits.length === fix.edits.length) out.push({ title: fix.title, edits });
  }
  return out;
}

/** A reference of rendered text, with its rendered text and its place in the user's files. */
export interface PlacedReference {
  readonly reference: Reference;
  /** The reference as rendered (`release-podinfo-redis:6379`). */
  readonly rendered: string;
  /** Where its host (or Service name) comes from. */
  readonly place: Place;
}

/**
 * The references of a rendered build placed in the user's files (for hovers and inlay hints in a template: an
 * `expression` place is text computed there, whose rendered value is worth showing beside it).
 */
export function placeReferences(build: Build): PlacedReference[] {
  const out: PlacedReference[] = [];
  build.manifests.forEach((m, i) => {
    const refs = build.references?.[i] ?? [];
    for (const r of refs) out.push({ reference: r, rendered: m.text.slice(r.start, r.end), place: placeOf(build, m.uri, r.hostStart, r.hostEnd) });
  });
  return out;
}

/** Where an offset of a build's manifest is in the user's files. */
export function placeOf(build: Build, uri: string, start: number, end: number): Place {
  const render = build.render;
  if (render && uri === render.uri) {
    const s = toSource(render.map, start, end);
    if (s)
      return { file: s.path, start: s.start, end: s.end, line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn, produced: s.produced };
    // Rendered text without a source (a file NetLens cannot open): the entry file, at its start.
    return { file: render.target.entryFile, start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1, produced: 'expression' };
  }
  const m = manifestNamed(build, uri);
  const a = m ? m.lineCounter.linePos(start) : { line: 1, col: 1 };
  const b = m ? m.lineCounter.linePos(end) : { line: 1, col: 1 };
  return { file: uri, start, end, line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

const byUri = new WeakMap<readonly ParsedManifest[], Map<string, ParsedManifest>>();

/** A build's manifest of a uri (the first, as a search would find it), by an index made once per build. */
function manifestNamed(build: Build, uri: string): ParsedManifest | undefined {
  let index = byUri.get(build.manifests);
  if (!index) {
    index = new Map();
    for (const m of build.manifests) if (!index.has(m.uri)) index.set(m.uri, m);
    byUri.set(build.manifests, index);
  }
  return index.get(uri);
}
