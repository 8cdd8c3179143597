/**
 * The live model: list+watch of Namespaces, Services, EndpointSlices, Pods and Nodes for one kubeconfig context,
 * each object reduced on arrival, published as ClusterSnapshots (debounced) with a change event.
 *
 * Lists are paginated; watches resume from the last resourceVersion with bookmarks; a 410 Gone or a broken
 * connection leads to a fresh list that replaces what was held, so the model converges without stale,
 * duplicate or missing objects. While a stream is disconnected the model says it is stale rather than
 * presenting old data as current. Where RBAC forbids a cluster-wide list, the model falls back to the
 * namespaces the user can read and says so.
 */
import type { ClusterObjects, EndpointSlice, Namespace, Node, Pod, Service } from '../core/model';
import { Interner, reduceEndpointSlice, reduceNamespace, reduceNode, reducePod, reduceService, type Json } from '../core/reduce';
import { ClusterSnapshot } from '../core/snapshot';
import { ApiClient, ApiError, type ApiErrorKind, type WatchEvent } from './api';
import { loadKubeconfig, type KubeconfigOptions, type LoadedKubeconfig } from './kubeconfig';

export type ResourceName = 'namespaces' | 'services' | 'endpointslices' | 'pods' | 'nodes';

interface ResourceInfo {
  readonly base: string;
  readonly namespaced: boolean;
}

const RESOURCES: Record<ResourceName, ResourceInfo> = {
  namespaces: { base: '/api/v1', namespaced: false },
  services: { base: '/api/v1', namespaced: true },
  endpointslices: { base: '/apis/discovery.k8s.io/v1', namespaced: true },
  pods: { base: '/api/v1', namespaced: true },
  nodes: { base: '/api/v1', namespaced: false },
};
export const RESOURCE_NAMES = Object.keys(RESOURCES) as ResourceName[];

type Reduced = Namespace | Service | EndpointSlice | Pod | Node;

export interface ResourceStatus {
  /** `cluster`: one cluster-wide watch; `namespaces`: RBAC forbids that, so one watch per readable namespace. */
  readonly scope: 'cluster' | 'namespaces';
  /** The initial list has arrived (in every namespace of the scope that is readable). */
  readonly synced: boolean;
  /** A watch is down and reconnecting: what is held may be out of date. */
  readonly stale: boolean;
  readonly count: number;
  /** Namespaces (or `*` for the whole cluster) this resource may not be read in. */
  readonly denied: readonly string[];
  readonly error?: { readonly kind: ApiErrorKind; readonly message: string };
}

export type ModelState = 'connecting' | 'ready' | 'stale' | 'failed';

export interface ModelStatus {
  readonly state: ModelState;
  readonly context: string;
  readonly server: string;
  /** Set when the state is `failed` or `stale`: the error that a person should read. */
  readonly error?: { readonly kind: ApiErrorKind; readonly message: string };
  readonly resources: Readonly<Record<ResourceName, ResourceStatus>>;
  /** Sentences that qualify a ready model, such as the namespaces RBAC hides. */
  readonly notes: readonly string[];
}

export interface LiveModelOptions extends KubeconfigOptions {
  /** Minimum time between two change events, in ms. */
  readonly debounceMs?: number;
  /** Items per page of the initial lists. */
  readonly pageSize?: number;
  /** Server-side timeout of one watch request, in seconds (a new one follows at once). */
  readonly watchTimeoutSeconds?: number;
  readonly maxBackoffMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** One list+watch loop: a resource across the cluster, or in one namespace. */
class Stream {
  readonly store = new Map<string, Reduced>();
  synced = false;
  stale = false;
  denied = false;
  error: ApiError | undefined;
  private resourceVersion = '';
  private readonly controller = new AbortController();

  constructor(
    private readonly model: LiveModel,
    readonly resource: ResourceName,
    readonly namespace: string | undefined,
  ) {}

  get path(): string {
    const info = RESOURCES[this.resource];
    return this.namespace === undefined ? `${info.base}/${this.resource}` : `${info.base}/namespaces/${encodeURIComponent(this.namespace)}/${this.resource}`;
  }

  stop(): void {
    this.controller.abort();
  }

  async run(): Promise<void> {
    let backoff = 250;
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === '') await this.list(signal);
        await this.watch(signal);
        backoff = 250;
      } catch (e) {
        if (signal.aborted) return;
        const err = e instanceof ApiError ? e : new ApiError('http', String((e as Error).message ?? e));
        if (err.kind === 'aborted') return;
        if (err.kind === 'gone') {
          // The watch fell behind the server's history: list again (at once).
          this.resourceVersion = '';
          continue;
        }
        if (err.kind === 'forbidden') {
          this.denied = true;
          this.error = err;
          this.synced = true;
          this.model.streamDenied(this);
          return;
        }
        this.error = err;
        if (this.synced) this.stale = true;
        // After a broken connection, list afresh: objects may have come and gone meanwhile.
        this.resourceVersion = '';
        this.model.streamChanged(this, false);
        await delay(backoff + Math.random() * backoff * 0.2, signal);
        backoff = Math.min(backoff * 2, this.model.maxBackoffMs);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, Reduced>();
    let token = '';
    let rv = '';
    do {
      const query = new URLSearchParams({ limit: String(this.model.pageSize) });
      if (token) query.set('continue', token);
      let page: Json;
      try {
        page = await this.model.api.getJson(`${this.path}?${query}`, signal);
      } catch (e) {
        // An expired continue token: start the list over.
        if (e instanceof ApiError && e.kind === 'gone' && token) {
          fresh.clear();
          token = '';
          continue;
        }
        throw e;
      }
      const meta = (page.metadata ?? {}) as { continue?: string; resourceVersion?: string };
      for (const item of (page.items ?? []) as Json[]) {
        const reduced = this.model.reduce(this.resource, item);
        if (reduced) fresh.set(keyOf(reduced), reduced);
      }
      token = meta.continue ?? '';
      rv = meta.resourceVersion ?? rv;
    } while (token);
    this.store.clear();
    for (const [k, v] of fresh) this.store.set(k, v);
    this.resourceVersion = rv;
    this.synced = true;
    this.stale = false;
    this.error = undefined;
    this.model.streamChanged(this, true);
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const query = new URLSearchParams({
      watch: '1',
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.model.watchTimeoutSeconds),
    });
    await this.model.api.watch(
      `${this.path}?${query}`,
      (event: WatchEvent) => {
        const meta = (event.object.metadata ?? {}) as { resourceVersion?: string };
        if (meta.resourceVersion) this.resourceVersion = meta.resourceVersion;
        if (event.type === 'BOOKMARK') return;
        const reduced = this.model.reduce(this.resource, event.object);
        if (!reduced) return;
        if (event.type === 'DELETED') this.store.delete(keyOf(reduced));
        else this.store.set(keyOf(reduced), reduced);
        this.model.streamChanged(this, true);
      },
      signal,
      () => {
        if (this.stale || this.error) {
          this.stale = false;
          this.error = undefined;
          this.model.streamChanged(this, false);
        }
      },
    );
  }
}

function keyOf(o: Reduced): string {
  return 'namespace' in o ? `${o.namespace}/${o.name}` : o.name;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolvePromise) => {
    if (signal.aborted) return resolvePromise();
    const t = setTimeout(resolvePromise, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolvePromise();
      },
      { once: true },
    );
  });
}

export class LiveModel {
  readonly api: ApiClient;
  readonly kubeconfig: LoadedKubeconfig;
  readonly pageSize: number;
  readonly watchTimeoutSeconds: number;
  readonly maxBackoffMs: number;
  private readonly debounceMs: number;
  private readonly log: NonNullable<LiveModelOptions['log']>;
  private readonly intern = new Interner();
  private readonly streams = new Map<string, Stream>();
  private readonly scope: Record<ResourceName, 'cluster' | 'namespaces'> = {
    namespaces: 'cluster',
    services: 'cluster',
    endpointslices: 'cluster',
    pods: 'cluster',
    nodes: 'cluster',
  };
  private readonly listeners = new Set<(snapshot: ClusterSnapshot, status: ModelStatus) => void>();
  private cached: ClusterSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastEmit = 0;
  private stopped = false;
  private readyWaiters: (() => void)[] = [];

  /** Loads the kubeconfig (throws a KubeconfigError naming the file or context) and prepares the watches. */
  constructor(options: LiveModelOptions = {}) {
    this.kubeconfig = loadKubeconfig(options);
    this.api = new ApiClient(this.kubeconfig.kubeConfig, this.kubeconfig.server);
    this.debounceMs = options.debounceMs ?? 100;
    this.pageSize = options.pageSize ?? 500;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.log = options.log ?? (() => {});
  }

  /** Starts every watch. */
  start(): void {
    for (const r of RESOURCE_NAMES) this.startStream(r, undefined);
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.streams.values()) s.stop();
    this.streams.clear();
    if (this.timer) clearTimeout(this.timer);
    this.api.close();
    for (const w of this.readyWaiters) w();
    this.readyWaiters = [];
  }

  /** Called with every new snapshot, at most once per debounce interval. Returns an unsubscribe function. */
  onChange(listener: (snapshot: ClusterSnapshot, status: ModelStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the model is ready, or failed, or stopped, or after `timeoutMs`. */
  whenSettled(timeoutMs = 30_000): Promise<ModelStatus> {
    return new Promise((resolvePromise) => {
      const done = () => {
        clearTimeout(t);
        resolvePromise(this.status());
      };
      const t = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== check);
        resolvePromise(this.status());
      }, timeoutMs);
      const check = () => {
        const s = this.status().state;
        if (s === 'ready' || s === 'failed' || this.stopped) {
          this.readyWaiters = this.readyWaiters.filter((w) => w !== check);
          done();
        }
      };
      this.readyWaiters.push(check);
      check();
    });
  }

  snapshot(): ClusterSnapshot {
    if (!this.cached) this.cached = ClusterSnapshot.build(this.objects(), { implicitNamespaces: this.implicitNamespaces() });
    return this.cached;
  }

  objects(): ClusterObjects {
    const lists: Record<ResourceName, Reduced[]> = { namespaces: [], services: [], endpointslices: [], pods: [], nodes: [] };
    for (const s of this.streams.values()) for (const v of s.store.values()) lists[s.resource].push(v);
    return {
      namespaces: lists.namespaces as Namespace[],
      services: lists.services as Service[],
      endpointSlices: lists.endpointslices as EndpointSlice[],
      pods: lists.pods as Pod[],
      nodes: lists.nodes as Node[],
    };
  }

  status(): ModelStatus {
    const resources = {} as Record<ResourceName, ResourceStatus>;
    let allSynced = true;
    let anyStale = false;
    let fatal: ApiError | undefined;
    const notes: string[] = [];
    for (const r of RESOURCE_NAMES) {
      const streams = [...this.streams.values()].filter((s) => s.resource === r);
      const denied = streams.filter((s) => s.denied).map((s) => s.namespace ?? '*');
      const synced = streams.length > 0 && streams.every((s) => s.synced);
      const stale = streams.some((s) => s.stale);
      const err = streams.find((s) => s.error && !s.denied)?.error;
      const count = streams.reduce((n, s) => n + s.store.size, 0);
      resources[r] = { scope: this.scope[r], synced, stale, count, denied, ...(err ? { error: { kind: err.kind, message: err.message } } : {}) };
      if (!synced) allSynced = false;
      if (stale) anyStale = true;
      if (err && !synced && !fatal) fatal = err;
      if (this.scope[r] === 'namespaces') {
        const readable = streams.filter((s) => !s.denied && s.namespace !== undefined).map((s) => s.namespace);
        notes.push(
          readable.length > 0
            ? `You may not list ${r} across the cluster; NetLens shows them in ${readable.join(', ')} only.`
            : `You may not list ${r} in any namespace NetLens knows of.`,
        );
      } else if (denied.includes('*')) {
        notes.push(`You may not list ${r}; answers that need them are incomplete.`);
      }
    }
    const streams = [...this.streams.values()];
    if (streams.length > 0 && streams.every((s) => s.denied)) {
      // Nothing at all may be read: that is a failure to explain, not an empty cluster.
      fatal = streams[0]!.error ?? new ApiError('forbidden', 'Every list is forbidden.');
      allSynced = false;
      notes.length = 0;
      notes.push(`The user of context ${this.kubeconfig.context} may not list anything NetLens needs (namespaces, services, endpointslices, pods, nodes) in namespace ${this.kubeconfig.namespace} or across the cluster.`);
    }
    let state: ModelState = allSynced ? (anyStale ? 'stale' : 'ready') : fatal ? 'failed' : 'connecting';
    if (state === 'ready' && [...this.streams.values()].some((s) => s.error && !s.denied)) state = 'stale';
    const shown = fatal ?? streams.find((s) => s.error && !s.denied)?.error;
    return {
      state,
      context: this.kubeconfig.context,
      server: this.kubeconfig.server,
      ...(shown && state !== 'ready' ? { error: { kind: shown.kind, message: shown.message } } : {}),
      resources,
      notes,
    };
  }

  /** Reduces one API object of a resource to the model (undefined when it cannot be used). */
  reduce(resource: ResourceName, item: Json): Reduced | undefined {
    const warn = (m: string) => this.log('warn', m);
    switch (resource) {
      case 'namespaces':
        return reduceNamespace(item);
      case 'services':
        return reduceService(item, this.intern, warn);
      case 'endpointslices':
        return reduceEndpointSlice(item, this.intern, warn);
      case 'pods':
        return reducePod(item, this.intern, warn);
      case 'nodes':
        return reduceNode(item, this.intern);
    }
  }

  /** @internal A stream's data or state changed. */
  streamChanged(stream: Stream, dataChanged: boolean): void {
    if (this.stopped) return;
    if (dataChanged) this.cached = undefined;
    if (stream.resource === 'namespaces' && dataChanged) this.reconcileNamespaceStreams();
    if (stream.error && !stream.denied) this.log('warn', `${stream.path}: ${stream.error.message}`);
    this.schedule();
    for (const w of [...this.readyWaiters]) w();
  }

  /** @internal RBAC refused a stream. A cluster-wide one falls back to one stream per readable namespace. */
  streamDenied(stream: Stream): void {
    if (this.stopped) return;
    this.log('warn', `${stream.path}: ${stream.error?.message ?? 'forbidden'}`);
    if (stream.namespace === undefined && RESOURCES[stream.resource].namespaced) {
      this.scope[stream.resource] = 'namespaces';
      this.streams.delete(stream.resource);
      this.reconcileNamespaceStreams();
    }
    if (stream.resource === 'namespaces') this.reconcileNamespaceStreams();
    this.cached = undefined;
    this.schedule();
    for (const w of [...this.readyWaiters]) w();
  }

  private startStream(resource: ResourceName, namespace: string | undefined): void {
    const key = namespace === undefined ? resource : `${resource}/${namespace}`;
    if (this.streams.has(key) || this.stopped) return;
    const s = new Stream(this, resource, namespace);
    this.streams.set(key, s);
    void s.run();
  }

  /** The namespaces to watch one by one: those listed, else (namespaces forbidden) the context's own. */
  private fallbackNamespaces(): string[] {
    const ns = this.streams.get('namespaces');
    if (ns && !ns.denied && ns.synced) return [...ns.store.keys()];
    return [this.kubeconfig.namespace];
  }

  private reconcileNamespaceStreams(): void {
    const wanted = new Set(this.fallbackNamespaces());
    for (const r of RESOURCE_NAMES) {
      if (this.scope[r] !== 'namespaces') continue;
      for (const ns of wanted) this.startStream(r, ns);
      for (const [key, s] of this.streams) {
        if (s.resource === r && s.namespace !== undefined && !wanted.has(s.namespace)) {
          s.stop();
          this.streams.delete(key);
        }
      }
    }
  }

  /** Namespaces that exist although the Namespace list cannot say so (it is forbidden). */
  private implicitNamespaces(): string[] {
    const ns = this.streams.get('namespaces');
    return ns && !ns.denied ? [] : this.fallbackNamespaces();
  }

  private schedule(): void {
    if (this.timer || this.listeners.size === 0) return;
    const wait = Math.max(0, this.lastEmit + this.debounceMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastEmit = Date.now();
      const snapshot = this.snapshot();
      const status = this.status();
      for (const l of this.listeners) {
        try {
          l(snapshot, status);
        } catch (e) {
          this.log('error', `A change listener failed: ${(e as Error).message}`);
        }
      }
    }, wait);
  }
}
