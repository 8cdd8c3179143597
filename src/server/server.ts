/**
 * The language server's logic, independent of the connection: documents in, diagnostics, hovers, inlay hints,
 * code actions and definitions out. Everything it needs from the outside (publishing, logging, reading the
 * workspace, the live model) is passed in, so tests drive it without a socket.
 *
 * Only Kubernetes documents (with `apiVersion` and `kind`) yield results. The models: the live cluster when
 * one is configured and readable, and the workspace's manifests; answers come from the cluster first and the
 * workspace as fallback, each naming its source.
 */

import { pathToFileURL } from 'node:url';
import { type CodeAction, type Diagnostic, type Hover, type InlayHint, InlayHintKind, type Location, type Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type Analysis, analyzeManifest } from '../core/analyze';
import { type CheckSource, DIAGNOSTICS, type DiagnosticCode, whyUnchecked } from '../core/check';
import { type ChunkedManifest, ManifestCache } from '../core/incremental';
import { t } from '../core/l10n';
import type { ParsedManifest } from '../core/manifests';
import { serviceFqdn } from '../core/names';
import type { ScannedFile } from '../core/navigate';
import { reachModel, referenceVerdict } from '../core/reach';
import type { Reference, ScanOptions } from '../core/references';
import { type DnsAnswer, type QueryType, Resolver } from '../core/resolver';
import type { ClusterSnapshot } from '../core/snapshot';
import { buildWorkspaceModel, type WorkspaceModel } from '../core/workspace';
import type { ModelInfo, NamespaceView } from '../protocol/requests';
import { type Build, type BuildOptions, placeOf, renderedAs } from '../render/builds';
import type { HoverFormat } from './capabilities';
import { ServiceClients } from './clients';
import { fixesOf, noteDiagnostic, toCodeAction, toDiagnostic, toRange } from './convert';
import type { NavigationSource } from './navigation';
import { type Answered, hoverText, inlayText } from './present';
import { placeLocation, type RenderedState, type SourceReference } from './renders';
import { DEFAULT_SETTINGS, dnsServiceOf, type ServerSettings } from './settings';
import { NamespaceViews, namespaceCounts } from './views';

export { DEFAULT_SETTINGS, type ServerSettings } from './settings';

/** What the server needs from its connection. */
export interface ServerClient {
  publishDiagnostics(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /**
   * The workspace model changed (a file read, opened, edited or closed): inlay hints of other documents may have
   * changed, and the views too (its objects, or beside a live cluster the clients its references make).
   */
  workspaceChanged?(): void;
  /** What the views show changed (the clients of Services, computed in the background): they should ask again. */
  viewsChanged?(): void;
}

/** A live cluster model, as the server sees it: a snapshot when there is one, and its name. */
export interface LiveSource {
  /** The current snapshot, or undefined while none can be trusted (connecting, failed). */
  snapshot(): ClusterSnapshot | undefined;
  readonly name: string;
  /** The model's state, for the views. */
  info?(): Omit<ModelInfo, 'namespaces' | 'kind'>;
  /** The snapshot to show even when it may be stale or still partial (the views mark it: reconnecting, loading). */
  latest?(): ClusterSnapshot | undefined;
}

/** Files larger than this are analysed up to the budget of references and say so. */
export const MAX_REFERENCES = 20_000;

interface DocState {
  document: TextDocument;
  cache: ManifestCache;
  parsed?: ChunkedManifest;
  analysis?: Analysis;
  /** References sorted by start, for lookups by offset. */
  sorted?: readonly Reference[];
}

export class NetLensServer {
  private readonly docs = new Map<string, DocState>();
  /** Workspace files read from disk, by URI (open documents take precedence). */
  private readonly disk = new Map<string, ParsedManifest>();
  /** While `loadWorkspaceFiles` runs: the files that changed on disk meanwhile. */
  private changedDuringLoad: Set<string> | undefined;
  private workspace: WorkspaceModel | undefined;
  private workspaceResolver: Resolver | undefined;
  private live: LiveSource | undefined;
  private liveResolver: { snapshot: ClusterSnapshot; resolver: Resolver } | undefined;
  /** Answers already computed for references, until a model changes. */
  private answers = new WeakMap<Reference, Answered | null>();
  /**
   * The workspace files are being read: a finding now could be false (a Service in a file not read yet), so
   * diagnostics wait until the reading is done. Hovers answer meanwhile.
   */
  private workspacePending = false;
  /** The workspace's charts and overlays as rendered (renders.ts), when rendering is on. */
  private rendered: RenderedState | undefined;
  /** A resolver over each rendered build's own objects, for the hovers of its references. */
  private buildResolvers = new WeakMap<Build, Resolver>();

  constructor(
    private readonly client: ServerClient,
    private settings: ServerSettings = DEFAULT_SETTINGS,
  ) {}

  updateSettings(settings: ServerSettings): void {
    this.settings = settings;
    this.workspaceInvalidated();
    this.liveResolver = undefined;
    for (const d of this.docs.values()) d.cache = new ManifestCache(this.scanOptions());
    this.revalidateAll();
  }

  setLive(live: LiveSource | undefined): void {
    this.live = live;
    this.liveResolver = undefined;
    // Answers cached from the previous cluster must not outlive it.
    this.answers = new WeakMap();
  }

  /** The live model changed: answers and diagnostics follow. */
  liveChanged(): void {
    this.liveResolver = undefined;
    // The cache was dropped only when a new snapshot arrived: a cluster that went away kept answering hovers.
    this.answers = new WeakMap();
    this.revalidateAll();
  }

  /**
   * Reads the workspace files (uri → text) into the model a file at a time, awaiting `pause` after each so that
   * the requests that come meanwhile (hovers, edits of open documents) are answered, not queued behind the whole
   * workspace; the model takes the files at the end, all at once. A file changed on disk while they were read
   * (`setDiskFile`) keeps its newer text.
   */
  async loadWorkspaceFiles(files: ReadonlyMap<string, string>, pause: () => Promise<void>): Promise<void> {
    const loaded = new Map<string, ParsedManifest>();
    const changed = new Set<string>();
    this.changedDuringLoad = changed;
    try {
      for (const [uri, text] of files) {
        loaded.set(uri, diskManifest(uri, text));
        await pause();
      }
    } finally {
      this.changedDuringLoad = undefined;
      this.workspacePending = false;
    }
    for (const [uri, manifest] of loaded) if (!changed.has(uri)) this.disk.set(uri, manifest);
    this.workspaceInvalidated();
    this.revalidateAll();
  }

  /**
   * The workspace's files are about to be read (`loadWorkspaceFiles` follows): until then no diagnostics are
   * published, since they would be made from part of the workspace.
   */
  expectWorkspace(): void {
    this.workspacePending = true;
  }

  /** The workspace could not be read after all: findings are made from what there is. */
  workspaceUnavailable(): void {
    if (!this.workspacePending) return;
    this.workspacePending = false;
    this.revalidateAll();
  }

  /** New renders of the workspace's charts and overlays: the model, diagnostics and hints follow. */
  setRendered(state: RenderedState | undefined): void {
    this.rendered = state;
    this.buildResolvers = new WeakMap();
    this.workspaceInvalidated();
    this.revalidateAll();
  }

  /** Whether a file is read by a render (a template, a base, a patch): its builds speak for it. */
  private coveredByRender(uri: string): boolean {
    return this.rendered?.covered.has(uri) === true;
  }

  /** A file its folder's kustomization lists only in a comment: not deployed, so not modelled nor checked. */
  private leftOutOfBuilds(uri: string): boolean {
    return this.rendered?.leftOut.has(uri) === true;
  }

  /** How many workspace files the model holds from disk, and whether it holds this one. */
  diskFiles(uri?: string): { count: number; has: boolean } {
    return { count: this.disk.size, has: uri !== undefined && this.disk.has(uri) };
  }

  /** The URIs of the workspace files the model holds from disk. */
  diskUris(): string[] {
    return [...this.disk.keys()];
  }

  /** A workspace file changed on disk (`text`) or was deleted (`undefined`); an open document still overrides it. */
  setDiskFile(uri: string, text: string | undefined): void {
    this.setDiskFiles(new Map([[uri, text]]));
  }

  /**
   * Workspace files changed on disk (uri → text) or deleted (uri → undefined), taken together: the model is built
   * again once for a checkout of a hundred files. A file whose text did not change (touched, or reported twice)
   * changes nothing; open documents still override their files.
   */
  setDiskFiles(changes: ReadonlyMap<string, string | undefined>): void {
    let changed = false;
    for (const [uri, text] of changes) {
      this.changedDuringLoad?.add(uri);
      if (text === undefined) {
        this.scanned.delete(uri);
        if (!this.disk.delete(uri)) continue;
      } else {
        if (this.disk.get(uri)?.text === text) continue;
        this.disk.set(uri, diskManifest(uri, text));
      }
      if (!this.docs.has(uri)) changed = true;
    }
    if (!changed) return;
    this.workspaceInvalidated();
    this.revalidateAll();
  }

  /** The workspace model must be built again; the client is told. */
  private workspaceInvalidated(): void {
    this.workspace = undefined;
    this.client.workspaceChanged?.();
  }

  /**
   * Parses a large document's pieces ahead of `open`, a piece at a time with `pause` between them, into a cache
   * that `open` then uses: opening a 2 MB file does not hold the server for the whole parse.
   */
  async prepare(uri: string, text: string, pause: () => Promise<void>): Promise<ManifestCache> {
    const cache = new ManifestCache(this.scanOptions());
    await cache.prepare(uri, text, pause);
    return cache;
  }

  open(uri: string, text: string, version: number, prepared?: ManifestCache): void {
    const state: DocState = { document: TextDocument.create(uri, 'yaml', version, text), cache: prepared ?? new ManifestCache(this.scanOptions()) };
    this.docs.set(uri, state);
    this.workspaceInvalidated();
    this.validate(uri);
    this.revalidateOthers(uri);
  }

  change(uri: string, text: string, version: number): void {
    const state = this.docs.get(uri);
    if (!state) return this.open(uri, text, version);
    state.document = TextDocument.create(uri, 'yaml', version, text);
    state.parsed = undefined;
    state.analysis = undefined;
    this.workspaceInvalidated();
    this.validate(uri);
    this.revalidateOthers(uri);
  }

  close(uri: string): void {
    this.docs.delete(uri);
    this.workspaceInvalidated();
    this.client.publishDiagnostics(uri, undefined, []);
    this.revalidateOthers(uri);
  }

  /** Diagnostics of one open document, computed and published. */
  validate(uri: string): Diagnostic[] {
    const state = this.docs.get(uri);
    if (!state || this.workspacePending) return [];
    try {
      const doc = state.document;
      if (this.coveredByRender(uri) || this.rendered?.problems.has(uri)) {
        const diagnostics = this.renderedDiagnostics(state);
        this.client.publishDiagnostics(uri, doc.version, diagnostics);
        return diagnostics;
      }
      if (this.leftOutOfBuilds(uri)) {
        this.client.publishDiagnostics(uri, doc.version, []);
        return [];
      }
      const analysis = this.analysis(state);
      const diagnostics: Diagnostic[] = analysis.findings.map((f) => toDiagnostic(doc, f));
      for (const p of state.parsed!.manifest.problems) {
        // YAML errors are the YAML extension's to report; alias bombs and documents nested too deep are ours to explain.
        if (p.code === 'alias-limit' || p.code === 'too-deep') diagnostics.push(noteDiagnostic(doc, p.offset, p.offset + 1, 'warning', p.message));
      }
      if (analysis.truncated) {
        const last = analysis.references[analysis.references.length - 1]!;
        const message = t('NetLens analysed the first {0} references of this file and stopped here; the rest is not checked.', MAX_REFERENCES);
        diagnostics.push(noteDiagnostic(doc, last.end, last.end, 'information', message));
      }
      this.client.publishDiagnostics(uri, doc.version, diagnostics);
      return diagnostics;
    } catch (e) {
      this.client.log('error', `Analysis of ${uri} failed: ${(e as Error).stack ?? e}`);
      this.client.publishDiagnostics(uri, state.document.version, []);
      return [];
    }
  }

  /** The hover of the reference at `offset`, in the richest format the client takes. */
  hover(uri: string, offset: number, format: HoverFormat = 'markdown'): Hover | null {
    if (this.coveredByRender(uri)) return this.renderedHover(uri, offset, format);
    const found = this.referenceAt(uri, offset);
    if (!found) return null;
    const { state, ref } = found;
    const answered = this.answer(ref);
    if (!answered) return null;
    const sources = this.sources();
    const note = whyUnchecked(ref, sources);
    const policy = ref.local ? undefined : referenceVerdict(ref, { sources, workspace: this.workspaceModel().snapshot })?.line;
    // The name that answered, asked as is: its explanation without the sentences the search path adds.
    const direct = answered.resolver.query(answered.answer.qname, answered.answer.qtype).explanation;
    const value = hoverText({ ref, answered, direct, ...(note ? { note } : {}), ...(policy ? { policy } : {}) }, format);
    return { contents: { kind: format, value }, range: toRange(state.document, ref.start, ref.end) };
  }

  inlayHints(uri: string, range: Range): InlayHint[] {
    if (!this.settings.inlayHints) return [];
    const state = this.docs.get(uri);
    if (!state) return [];
    if (this.coveredByRender(uri)) return this.renderedHints(state, range);
    const doc = state.document;
    const from = doc.offsetAt(range.start);
    const to = doc.offsetAt(range.end);
    const refs = this.sorted(state);
    const hints: InlayHint[] = [];
    const findings = this.analysis(state).findings;
    for (let i = lowerBound(refs, from); i < refs.length && refs[i]!.start <= to; i++) {
      const ref = refs[i]!;
      if (ref.role === 'statefulset-service' || ref.local) continue;
      // The hint never contradicts the diagnostic on the same text: a finding there is what the hint says.
      const finding = findings.find((f) => overlaps(f, ref) && findingHint(ref, f.code) !== undefined);
      const answered = finding ? undefined : this.answer(ref);
      const label = finding
        ? findingHint(ref, finding.code)
        : answered && !(ref.strength === 'weak' || ref.template)
          ? inlayText(ref, answered)
          : answered && resolvedHint(ref, answered);
      if (label) hints.push({ position: doc.positionAt(ref.end), label, kind: InlayHintKind.Type, paddingLeft: true });
    }
    return hints;
  }

  /** The quick fixes of NetLens's diagnostics among those the client sends; the first of each is preferred. */
  codeActions(uri: string, range: Range, diagnostics: readonly Diagnostic[]): CodeAction[] {
    const state = this.docs.get(uri);
    if (!state) return [];
    void range;
    return diagnostics.flatMap((d) => fixesOf(d).map((fix, i) => toCodeAction(state.document, fix, d, i === 0)));
  }

  definition(uri: string, offset: number): Location | null {
    if (this.coveredByRender(uri)) {
      // A reference a template or a base makes: its Service in its own build, at the line that writes its name.
      const r = this.renderedReferenceAt(uri, offset);
      if (!r) return null;
      const info = this.renderedAnswer(r)?.answer.explanation.service;
      const svc = info && this.buildResolvers.get(r.build)?.snapshot.service(info.namespace, info.name);
      if (svc?.source && r.build.manifests.some((m) => m.uri === svc.source!.uri))
        return placeLocation(placeOf(r.build, svc.source.uri, svc.source.nameStart, svc.source.nameEnd));
      return (info && this.declaration('Service', info.namespace, info.name)) ?? null;
    }
    const found = this.referenceAt(uri, offset);
    if (!found) return null;
    const answered = this.answer(found.ref);
    const info = answered?.answer.explanation.service;
    return (info && this.declaration('Service', info.namespace, info.name)) ?? null;
  }

  /**
   * Where the workspace declares an object (its `metadata.name`), or undefined: a pod made from a workload's
   * template points at the workload.
   */
  declaration(kind: 'Namespace' | 'Service' | 'Pod' | 'NetworkPolicy', namespace: string | undefined, name: string): Location | undefined {
    const snapshot = this.workspaceModel().snapshot;
    const object =
      kind === 'Namespace'
        ? snapshot.namespace(name)
        : kind === 'Service'
          ? snapshot.service(namespace ?? '', name)
          : kind === 'NetworkPolicy'
            ? reachModel(snapshot).index.policy(namespace ?? '', name)
            : snapshot.pod(namespace ?? '', name);
    const source = object?.source;
    if (!source) return undefined;
    // An object of a rendered chart or overlay: where its source writes its name.
    const build = this.rendered?.builds.find((b) => b.render && b.manifests.some((m) => m.uri === source.uri));
    if (build) return placeLocation(placeOf(build, source.uri, source.nameStart, source.nameEnd));
    const text = this.docs.get(source.uri)?.document.getText() ?? this.disk.get(source.uri)?.text;
    if (text === undefined) return undefined;
    return { uri: source.uri, range: toRange(TextDocument.create(source.uri, 'yaml', 0, text), source.nameStart, source.nameEnd) };
  }

  /**
   * The files navigation reads (find references, rename, code lenses): open documents as they are, and workspace
   * files from disk, their references scanned on first use and kept while their text is the same.
   */
  navigationSource(): NavigationSource {
    return {
      files: () => {
        const out: ScannedFile[] = [];
        for (const uri of this.disk.keys()) if (!this.docs.has(uri)) out.push(this.scannedDisk(uri)!);
        for (const uri of this.docs.keys()) out.push(this.scannedOpen(uri)!);
        return out;
      },
      file: (uri) => this.scannedOpen(uri) ?? this.scannedDisk(uri),
      workspace: () => {
        const model = this.workspaceModel();
        return { snapshot: model.snapshot, resolver: this.workspaceResolver! };
      },
      shown: () => this.shownSnapshot() ?? this.workspaceModel().snapshot,
      zone: this.settings.clusterDomain,
      defaultNamespace: this.settings.defaultNamespace,
      verdict: (ref) => (ref.local ? undefined : referenceVerdict(ref, { sources: this.sources(), workspace: this.workspaceModel().snapshot })?.reach.verdict),
    };
  }

  private readonly scanned = new Map<string, { text: string; file: ScannedFile }>();

  private scannedDisk(uri: string, prepared?: ManifestCache): ScannedFile | undefined {
    const manifest = this.disk.get(uri);
    if (!manifest) return undefined;
    const kept = this.scanned.get(uri);
    if (kept?.text === manifest.text) return kept.file;
    // Disk files are parsed for their objects only; their references are found when navigation first needs them.
    const parsed = (prepared ?? new ManifestCache(this.scanOptions())).parse(uri, manifest.text);
    const file = { uri, text: manifest.text, manifest: parsed.manifest, references: parsed.references };
    this.scanned.set(uri, { text: manifest.text, file });
    return file;
  }

  private scannedOpen(uri: string): ScannedFile | undefined {
    const state = this.docs.get(uri);
    if (!state) return undefined;
    const parsed = this.parsed(state);
    return { uri, text: state.document.getText(), manifest: parsed.manifest, references: parsed.references };
  }

  get codeLensEnabled(): boolean {
    return this.settings.codeLens !== false;
  }

  /** Whether the views show a live cluster (else the workspace manifests). */
  get showsCluster(): boolean {
    return this.live !== undefined;
  }

  /** What the views show: the live cluster when there is one, else the workspace manifests. */
  modelInfo(): ModelInfo {
    const shown = this.shownSnapshot();
    const info = this.live?.info?.();
    if (this.live && info) return { kind: 'cluster', ...info, namespaces: shown ? namespaceCounts(shown) : [] };
    // The workspace model knows default and kube-* without a manifest (a reference to them is not broken); the
    // views show only namespaces the manifests declare or put something in.
    const snapshot = shown!;
    const namespaces = namespaceCounts(snapshot).filter((n) => n.services + n.pods > 0 || snapshot.namespace(n.name)?.source !== undefined);
    return { kind: 'workspace', state: 'ready', notes: [], namespaces };
  }

  /** A namespace's view; `known`: the revision the caller holds, answered with `unchanged` when it still is the view. */
  namespace(namespace: string, offset?: number, limit?: number, known?: string): NamespaceView {
    const shown = this.shownSnapshot();
    if (!shown) return { namespace, services: [], pods: [], total: 0 };
    return this.namespaceViews.view(shown, this.settings.clusterDomain, namespace, offset, limit, this.serviceClients.current(), known);
  }

  private readonly namespaceViews = new NamespaceViews();

  /** Who talks to whom (clients.ts): computed in the background, the views told when done. */
  private readonly serviceClients = new ServiceClients({
    fileUris: () => [...[...this.disk.keys()].filter((uri) => !this.docs.has(uri)), ...this.docs.keys()],
    scanned: async (uri, pause) => {
      const open = this.scannedOpen(uri);
      if (open) return open;
      const text = this.disk.get(uri)?.text;
      if (text === undefined) return undefined;
      if (this.scanned.get(uri)?.text === text) return this.scannedDisk(uri);
      // Scanned for the first time: a document at a time, the event loop free between them (a file may be megabytes).
      const cache = new ManifestCache(this.scanOptions());
      await cache.prepare(uri, text, pause);
      return this.disk.get(uri)?.text === text ? this.scannedDisk(uri, cache) : undefined;
    },
    covered: (uri) => this.coveredByRender(uri) || this.leftOutOfBuilds(uri),
    rendered: () => this.rendered?.references.values() ?? [],
    models: () => {
      const shown = this.shownSnapshot();
      return shown && { workspace: this.workspaceModel(), shown, sources: this.sources() };
    },
    changed: () => this.client.viewsChanged?.(),
    pause: () => new Promise((resolve) => setImmediate(resolve)),
  });

  /** Resolves when the views' clients of the models as they are now are computed (for tests and the CLI). */
  clientsSettled(): Promise<void> {
    return this.serviceClients.settled();
  }

  private shownSnapshot(): ClusterSnapshot | undefined {
    if (this.live) return this.live.latest?.() ?? this.live.snapshot();
    return this.workspaceModel().snapshot;
  }

  /** Resolves what a person typed (a name or an IP), from the first source that knows it. */
  resolveInput(
    input: string,
    namespace: string | undefined,
    qtype: QueryType | undefined,
  ): { ok: true; answer: DnsAnswer; source: string } | { ok: false; message: string } {
    let first: { ok: true; answer: DnsAnswer; source: string } | undefined;
    for (const s of this.sources()) {
      const r = s.resolver.resolve(input, { namespace: namespace ?? this.settings.defaultNamespace, ...(qtype ? { qtype } : {}) });
      if (!r.ok) return { ok: false, message: r.error.message };
      const a = { ok: true as const, answer: r.answer, source: s.name };
      if (!first) first = a;
      if (r.answer.answers.length > 0 || (r.answer.explanation.owners?.length ?? 0) > 0) return a;
    }
    return first!;
  }

  /** The answer to a reference from the first source that knows its target (cached until a model changes). */
  answer(ref: Reference): Answered | undefined {
    const sources = this.sources();
    const cached = this.answers.get(ref);
    if (cached !== undefined) return cached ?? undefined;
    const computed = this.computeAnswer(ref, sources);
    this.answers.set(ref, computed ?? null);
    return computed;
  }

  private computeAnswer(ref: Reference, sources: CheckSource[]): Answered | undefined {
    let first: Answered | undefined;
    for (const s of sources) {
      const answer = this.resolveRef(ref, s.resolver);
      if (!answer) return undefined;
      const a: Answered = { answer, source: s.name, snapshot: s.resolver.snapshot, resolver: s.resolver };
      if (!first) first = a;
      if (answer.rcode === 'NOERROR' && (answer.answers.length > 0 || ref.kind === 'ip' || ref.kind === 'service')) return a;
      if (ref.kind === 'ip' && (answer.explanation.owners?.length ?? 0) > 0) return a;
    }
    return first;
  }

  private resolveRef(ref: Reference, resolver: Resolver) {
    if (ref.kind === 'service') {
      const ns = ref.serviceNamespace ?? ref.namespace;
      return resolver.query(`${serviceFqdn(ref.host, ns, resolver.zone)}.`, 'A');
    }
    const r = resolver.resolve(ref.host, { namespace: ref.namespace, qtype: 'A' });
    return r.ok ? r.answer : undefined;
  }

  private sources(): CheckSource[] {
    const out: CheckSource[] = [];
    const liveSnapshot = this.live?.snapshot();
    if (this.live && liveSnapshot) {
      if (!this.liveResolver || this.liveResolver.snapshot !== liveSnapshot) {
        this.liveResolver = { snapshot: liveSnapshot, resolver: new Resolver(liveSnapshot, this.resolverOptions(this.live.name)) };
        this.answers = new WeakMap();
      }
      out.push({ name: this.live.name, resolver: this.liveResolver.resolver, live: true, facts: this.workspaceModel().facts });
    } else if (this.liveResolver) {
      // The cluster went away (failed, stale) without a change event: drop its resolver and the answers it gave.
      this.liveResolver = undefined;
      this.answers = new WeakMap();
    }
    const workspace = this.workspaceModel();
    out.push({ name: t('the workspace manifests'), resolver: this.workspaceResolver!, live: false, facts: workspace.facts });
    return out;
  }

  /**
   * A file that renders read: the findings of its builds placed on its lines, and the problems of its renders. Only
   * while the editor's text is the text on disk that was rendered: after an unsaved edit the places may have moved,
   * and a stale finding is worse than none (the file is rendered again when saved).
   */
  private renderedDiagnostics(state: DocState): Diagnostic[] {
    const uri = state.document.uri;
    const doc = state.document;
    if (!this.matchesDisk(state)) return [];
    const out: Diagnostic[] = [];
    for (const p of this.rendered?.problems.get(uri) ?? []) out.push(noteDiagnostic(doc, p.start, Math.max(p.end, p.start + 1), p.severity, p.message));
    for (const f of this.rendered?.findings.get(uri) ?? []) {
      const severity = this.settings.severities[f.finding.code];
      if (severity === 'off') continue;
      const rendered = renderedAs(f);
      const builds = f.builds.length > 0 ? t(' [rendered by {0}]', f.builds.join('; ')) : '';
      out.push(
        toDiagnostic(doc, {
          ...f.finding,
          ...(severity ? { severity } : {}),
          start: f.place.start,
          end: f.place.end,
          message: `${f.finding.message}${rendered}${builds}`,
          // Fixes of rendered text are the builds' own edits of this file (kept only where the text is literal).
          fixes: f.fixes
            .filter((x) => x.edits.every((e) => pathToFileURL(e.file).href === uri))
            .map((x) => ({ title: x.title, edits: x.edits.map((e) => ({ start: e.start, end: e.end, newText: e.newText })) })),
        }),
      );
    }
    return out;
  }

  private matchesDisk(state: DocState): boolean {
    const disk = this.disk.get(state.document.uri);
    return disk === undefined || disk.text === state.document.getText();
  }

  /** The rendered reference placed at `offset` of a file, the smallest that holds it. */
  private renderedReferenceAt(uri: string, offset: number): SourceReference | undefined {
    let best: SourceReference | undefined;
    for (const r of this.rendered?.references.get(uri) ?? []) {
      if (r.place.start <= offset && offset <= r.place.end && (!best || r.place.end - r.place.start < best.place.end - best.place.start)) best = r;
    }
    return best;
  }

  /** What a rendered reference reaches in its own build (the build's objects, as `netlens check` reads them). */
  private renderedAnswer(r: SourceReference): Answered | undefined {
    let resolver = this.buildResolvers.get(r.build);
    if (!resolver) {
      const model = buildWorkspaceModel([...r.build.manifests], { defaultNamespace: this.settings.defaultNamespace, dnsService: dnsServiceOf(this.settings) });
      resolver = new Resolver(model.snapshot, this.resolverOptions(r.build.label));
      this.buildResolvers.set(r.build, resolver);
    }
    const answer = this.resolveRef(r.reference, resolver);
    return answer && { answer, source: r.build.label, snapshot: resolver.snapshot, resolver };
  }

  private renderedHover(uri: string, offset: number, format: HoverFormat): Hover | null {
    const state = this.docs.get(uri);
    const r = this.renderedReferenceAt(uri, offset);
    if (!state || !r || !this.matchesDisk(state)) return null;
    const answered = this.renderedAnswer(r);
    if (!answered) return null;
    const direct = answered.resolver.query(answered.answer.qname, answered.answer.qtype).explanation;
    const rendered =
      format === 'markdown' ? t('Rendered as {0} by {1}', `\`${r.rendered}\``, `\`${r.build.label}\``) : t('Rendered as {0} by {1}', r.rendered, r.build.label);
    const value = `${rendered}\n\n${hoverText({ ref: r.reference, answered, direct }, format)}`;
    return { contents: { kind: format, value }, range: toRange(state.document, r.place.start, r.place.end) };
  }

  /** After each reference a template computes: its rendered value and what it reaches. */
  private renderedHints(state: DocState, range: Range): InlayHint[] {
    if (!this.matchesDisk(state)) return [];
    const doc = state.document;
    const from = doc.offsetAt(range.start);
    const to = doc.offsetAt(range.end);
    const findings = this.rendered?.findings.get(doc.uri) ?? [];
    const hints: InlayHint[] = [];
    const seen = new Set<number>();
    for (const r of this.rendered?.references.get(doc.uri) ?? []) {
      if (r.place.produced !== 'expression' || r.place.end < from || r.place.start > to || seen.has(r.place.end)) continue;
      if (r.reference.local || findings.some((f) => f.place.start <= r.place.end && r.place.start <= f.place.end)) continue;
      seen.add(r.place.end);
      const answered = this.renderedAnswer(r);
      const reaches = answered && inlayText(r.reference, answered);
      hints.push({
        position: doc.positionAt(r.place.end),
        label: `= ${r.rendered}${reaches ? ` ${reaches}` : ''}`,
        kind: InlayHintKind.Type,
        paddingLeft: true,
      });
    }
    return hints;
  }

  private resolverOptions(sourceName: string) {
    return { zone: this.settings.clusterDomain, podRecords: this.settings.podRecords, sourceName, dnsService: dnsServiceOf(this.settings) };
  }

  private workspaceModel(): WorkspaceModel {
    if (!this.workspace) {
      const manifests: ParsedManifest[] = [];
      // A file a render reads is in the model as rendered (its overlay's namespace, prefix and patches), not as is.
      const plain = (uri: string) => !this.coveredByRender(uri) && !this.leftOutOfBuilds(uri);
      for (const [uri, m] of this.disk) if (!this.docs.has(uri) && plain(uri)) manifests.push(m);
      for (const state of this.docs.values()) if (plain(state.document.uri)) manifests.push(this.parsed(state).manifest);
      manifests.push(...(this.rendered?.manifests ?? []));
      this.workspace = buildWorkspaceModel(manifests, { defaultNamespace: this.settings.defaultNamespace, dnsService: dnsServiceOf(this.settings) });
      this.workspaceResolver = new Resolver(this.workspace.snapshot, this.resolverOptions(t('the workspace manifests')));
      this.answers = new WeakMap();
      for (const d of this.docs.values()) d.analysis = undefined;
    }
    return this.workspace;
  }

  private parsed(state: DocState): ChunkedManifest {
    if (!state.parsed) state.parsed = state.cache.parse(state.document.uri, state.document.getText());
    return state.parsed;
  }

  private analysis(state: DocState): Analysis {
    const parsed = this.parsed(state);
    const sources = this.sources();
    if (!state.analysis) {
      state.analysis = analyzeManifest(
        parsed.manifest,
        {
          zone: this.settings.clusterDomain,
          defaultNamespace: this.settings.defaultNamespace,
          sources,
          workspace: this.workspace!.snapshot,
          severities: this.settings.severities,
          maxReferences: MAX_REFERENCES,
        },
        parsed.references,
      );
      state.sorted = [...state.analysis.references].sort((a, b) => a.start - b.start);
    }
    return state.analysis;
  }

  private sorted(state: DocState): readonly Reference[] {
    this.analysis(state);
    return state.sorted!;
  }

  private referenceAt(uri: string, offset: number): { state: DocState; ref: Reference } | undefined {
    const state = this.docs.get(uri);
    if (!state) return undefined;
    const refs = this.sorted(state);
    // The last reference starting at or before the offset, if it covers it.
    let i = lowerBound(refs, offset + 1) - 1;
    for (; i >= 0 && i >= lowerBound(refs, offset + 1) - 3; i--) {
      const r = refs[i]!;
      if (r.start <= offset && offset <= r.end) return { state, ref: r };
    }
    return undefined;
  }

  /**
   * A document opened, changed or closed changes the workspace model, and with it the findings of the other open
   * documents (a Service renamed in one file breaks the references in another): they are published again, or
   * their diagnostics would stay stale until they are edited.
   */
  private revalidateOthers(uri: string): void {
    for (const other of this.docs.keys()) if (other !== uri) this.validate(other);
  }

  private revalidateAll(): void {
    for (const uri of this.docs.keys()) {
      const state = this.docs.get(uri)!;
      state.analysis = undefined;
      this.validate(uri);
    }
  }

  /** How renders are read and analysed: as open documents are scanned, with the settings' namespace and zone. */
  renderOptions(): { scan: ScanOptions; build: BuildOptions; release: string; helmValues: readonly string[] } {
    return {
      release: this.settings.helmRelease ?? 'release',
      helmValues: this.settings.helmValues ?? [],
      scan: this.scanOptions(),
      build: { zone: this.settings.clusterDomain, defaultNamespace: this.settings.defaultNamespace, podRecords: this.settings.podRecords },
    };
  }

  private scanOptions() {
    return { zone: this.settings.clusterDomain, defaultNamespace: this.settings.defaultNamespace, maxReferences: MAX_REFERENCES };
  }
}

/**
 * A workspace file read from disk, for its objects: parsed as open documents are (a piece per document, CRDs not
 * parsed), its references not scanned (they matter once it is opened).
 */
function diskManifest(uri: string, text: string): ParsedManifest {
  return new ManifestCache().parse(uri, text).manifest;
}

/** Whether a finding covers a reference's host or its port. */
function overlaps(f: { start: number; end: number }, ref: Reference): boolean {
  const within = (a: number, b: number) => f.start < b && a < f.end;
  return (
    within(ref.hostStart, ref.hostEnd) ||
    (ref.portStart !== undefined && within(ref.portStart, ref.portEnd!)) ||
    (f.start === f.end && f.start >= ref.start && f.start <= ref.end)
  );
}

/**
 * The inlay hint of a reference that has a finding: what is wrong, in a few words; undefined where the usual answer
 * agrees with the finding (a pod's IP still names that pod, a Service without ready endpoints shows 0 ready).
 */
function findingHint(ref: Reference, code: DiagnosticCode): string | undefined {
  switch (code) {
    case 'NL004':
    case 'NL007':
    case 'NL011':
    case 'NL015':
      return undefined;
    case 'NL001':
    case 'NL012':
      return t('→ no such Service');
    case 'NL002':
      return t('→ no such namespace');
    case 'NL003':
      return ref.port === undefined ? t('→ no port') : t('→ no port {0}', ref.port);
    case 'NL008':
      return t('→ no cluster answers this form');
    case 'NL009':
      return t('→ no such endpoint');
    case 'NL010':
      return t('→ another cluster domain');
    case 'NL013':
      return t('→ subset without pods');
    case 'NL014':
      return t('→ no ReferenceGrant');
    default:
      return `→ ${DIAGNOSTICS[code].name}`;
  }
}

/** A weak or templated reference gets a hint only when it reaches something: no noise where NetLens is unsure. */
function resolvedHint(ref: Reference, answered: Answered): string | undefined {
  if (answered.answer.rcode !== 'NOERROR' || answered.answer.answers.length === 0) return undefined;
  return inlayText(ref, answered);
}

function lowerBound(refs: readonly Reference[], offset: number): number {
  let lo = 0;
  let hi = refs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (refs[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
