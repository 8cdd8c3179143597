/**
 * The live model: list+watch of Namespaces, Services, EndpointSlices, Pods and Nodes for one kubeconfig context,
 * and of NetworkPolicies and the policies of other APIs that NetLens reports without evaluating (AdminNetworkPolicy,
 * Calico, Cilium: those the API server serves, found by discovery), each object reduced on arrival, published as
 * ClusterSnapshots (debounced) with a change event.
 *
 * Lists are paginated; watches resume from the last resourceVersion with bookmarks; a 410 Gone or a broken
 * connection leads to a fresh list that replaces what was held, so the model converges without stale,
 * duplicate or missing objects. While a stream is disconnected the model says it is stale rather than
 * presenting old data as current. Where RBAC forbids a cluster-wide list, the model falls back to the
 * namespaces the user can read and says so.
 */
import type { ClusterObjects, EndpointSlice, Namespace, NetworkPolicy, Node, OtherPolicy, Pod, Service } from '../core/model';
import { OTHER_POLICY_KINDS, type OtherPolicyKind } from '../core/policy/kinds';
import { reduceNetworkPolicy, reduceOtherPolicy } from '../core/policy/reduce';
import { Interner, type Json, reduceEndpointSlice, reduceNamespace, reduceNode, reducePod, reduceService, shareWithPods } from '../core/reduce';
import { ClusterSnapshot } from '../core/snapshot';
import { ApiClient, ApiError, type ApiErrorKind, type WatchEvent } from './api';
import { type KubeconfigOptions, type LoadedKubeconfig, loadKubeconfig } from './kubeconfig';

export type ResourceName = 'namespaces' | 'services' | 'endpointslices' | 'pods' | 'nodes' | 'networkpolicies';

/** A stream's resource: one of RESOURCES, or `policy:<group>/<plural>` for a policy API found by discovery. */
type StreamResource = ResourceName | `policy:${string}`;

interface ResourceInfo {
  readonly base: string;
  /** The resource's plural name, in its path. */
  readonly plural: string;
  readonly namespaced: boolean;
  /**
   * Answers go on without it: a forbidden or missing list leaves it unread (what it says is unknown), never a failure
   * of the model, and never a watch per namespace (policies known in some namespaces only are not known at all).
   */
  readonly optional?: boolean;
}

const RESOURCES: Record<ResourceName, ResourceInfo> = {
  namespaces: { base: '/api/v1', plural: 'namespaces', namespaced: false },
  services: { base: '/api/v1', plural: 'services', namespaced: true },
  endpointslices: { base: '/apis/discovery.k8s.io/v1', plural: 'endpointslices', namespaced: true },
  pods: { base: '/api/v1', plural: 'pods', namespaced: true },
  nodes: { base: '/api/v1', plural: 'nodes', namespaced: false },
  networkpolicies: { base: '/apis/networking.k8s.io/v1', plural: 'networkpolicies', namespaced: true, optional: true },
};
export const RESOURCE_NAMES = Object.keys(RESOURCES) as ResourceName[];

type Reduced = Namespace | Service | EndpointSlice | Pod | Node | NetworkPolicy | OtherPolicy;

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
  /** The API server does not serve this resource (404): an optional one is then simply absent. */
  missing = false;
  error: ApiError | undefined;
  private resourceVersion = '';
  private readonly controller = new AbortController();

  constructor(
    private readonly model: LiveModel,
    readonly resource: StreamResource,
    readonly namespace: string | undefined,
    readonly info: ResourceInfo,
  ) {}

  get path(): string {
    const info = this.info;
    return this.namespace === undefined ? `${info.base}/${info.plural}` : `${info.base}/namespaces/${encodeURIComponent(this.namespace)}/${info.plural}`;
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
        if (err.kind === 'not-found' && this.info.optional) {
          this.missing = true;
          this.synced = true;
          this.model.streamChanged(this, true);
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

  /**
   * Lists the resource a page at a time. The first list of a stream shows each page as it comes (the views fill in
   * while a large cluster is read, and say they are loading); a list again, after a watch broke, replaces the
   * objects at once when it is complete, so that the views never lose what they showed meanwhile.
   */
  private async list(signal: AbortSignal): Promise<void> {
    const progressive = !this.synced;
    const fresh = progressive ? this.store : new Map<string, Reduced>();
    if (progressive) this.store.clear();
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
      if (progressive && token) this.model.streamChanged(this, true);
    } while (token);
    if (!progressive) {
      this.store.clear();
      for (const [k, v] of fresh) this.store.set(k, v);
    }
    this.resourceVersion = rv;
    if (this.resource === 'pods') this.model.podsListed(this.namespace);
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
        if (!reduced) {
          // An object the model cannot use (a policy it would refuse) leaves by its name all the same.
          if (event.type === 'DELETED' && this.store.delete(rawKey(event.object))) this.model.streamChanged(this, true);
          return;
        }
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
  return 'namespace' in o && o.namespace !== undefined ? `${o.namespace}/${o.name}` : o.name;
}

function rawKey(o: Json): string {
  const m = (o.metadata ?? {}) as { namespace?: string; name?: string };
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

/** Waits `ms`, or less when `signal` aborts; the abort listener goes with the wait (a model that reconnects for hours adds none). */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolvePromise) => {
    if (signal.aborted) return resolvePromise();
    const onAbort = () => {
      clearTimeout(t);
      resolvePromise();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolvePromise();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
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
    networkpolicies: 'cluster',
  };
  /** The policy APIs found by discovery, by stream resource: what their objects are. */
  private readonly policyKinds = new Map<string, { readonly apiVersion: string; readonly row: OtherPolicyKind }>();
  /** Discovery of the policy APIs the server serves: under way, done, or failed (with why). */
  private discovery: { state: 'pending' | 'done' } | { state: 'failed'; message: string } = { state: 'pending' };
  private readonly listeners = new Set<(snapshot: ClusterSnapshot, status: ModelStatus) => void>();
  private cached: ClusterSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastEmit = 0;
  /** Whether the first list of namespaces is complete (its pages are told at once). */
  private namespacesListed = false;
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

  /** Starts every watch, and the discovery of the policy APIs that NetLens reports without evaluating. */
  start(): void {
    for (const r of RESOURCE_NAMES) this.startStream(r, undefined);
    void this.discoverPolicyApis();
  }

  /**
   * Finds which of the policy APIs of kinds.ts (AdminNetworkPolicy, Calico, Cilium, …) the API server serves, and
   * watches those. Their objects are never evaluated, only listed, so that no verdict is `allowed` where they may
   * decide; a server that cannot be asked leaves every verdict unknown rather than quietly allowed.
   */
  private async discoverPolicyApis(): Promise<void> {
    const byGroup = new Map<string, OtherPolicyKind[]>();
    for (const row of OTHER_POLICY_KINDS) byGroup.set(row.group, [...(byGroup.get(row.group) ?? []), row]);
    try {
      const groups = ((await this.api.getJson('/apis')).groups ?? []) as { name?: string; preferredVersion?: { groupVersion?: string } }[];
      for (const g of groups) {
        const rows = g.name ? byGroup.get(g.name) : undefined;
        const groupVersion = g.preferredVersion?.groupVersion;
        if (!rows || !groupVersion || this.stopped) continue;
        const list = ((await this.api.getJson(`/apis/${groupVersion}`)).resources ?? []) as { name?: string; kind?: string; namespaced?: boolean }[];
        for (const r of list) {
          const row = rows.find((x) => x.kind === r.kind);
          // Subresources (`networkpolicies/status`) share the kind; only the collection is listed.
          if (!row || !r.name || r.name.includes('/')) continue;
          const resource = `policy:${g.name}/${r.name}` as const;
          this.policyKinds.set(resource, { apiVersion: groupVersion, row });
          this.startStream(resource, undefined, { base: `/apis/${groupVersion}`, plural: r.name, namespaced: r.namespaced === true, optional: true });
        }
      }
      this.discovery = { state: 'done' };
    } catch (e) {
      if (this.stopped) return;
      const message = e instanceof ApiError ? e.message : String((e as Error).message ?? e);
      this.discovery = { state: 'failed', message };
      this.log('warn', `The API groups could not be listed (${message}); NetworkPolicy verdicts are unknown.`);
    }
    this.cached = undefined;
    this.schedule();
    for (const w of [...this.readyWaiters]) w();
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
    const lists: Record<ResourceName, Reduced[]> = { namespaces: [], services: [], endpointslices: [], pods: [], nodes: [], networkpolicies: [] };
    for (const s of this.streams.values()) if (!s.resource.startsWith('policy:')) for (const v of s.store.values()) lists[s.resource as ResourceName].push(v);
    const policies = this.streams.get('networkpolicies');
    // Known only when the cluster-wide list came through: without it, no verdict may say "nothing isolates this pod".
    const policiesKnown = policies?.synced && !policies.denied && !policies.missing;
    const otherPolicies = this.otherPolicies();
    return {
      namespaces: lists.namespaces as Namespace[],
      services: lists.services as Service[],
      endpointSlices: lists.endpointslices as EndpointSlice[],
      pods: lists.pods as Pod[],
      nodes: lists.nodes as Node[],
      ...(policiesKnown ? { networkPolicies: lists.networkpolicies as NetworkPolicy[] } : {}),
      ...(otherPolicies ? { otherPolicies } : {}),
    };
  }

  /**
   * The policies of other APIs: those listed, and for an API that may not be read (or a discovery that failed), a
   * cluster-wide entry that stands for what cannot be seen, so that every verdict they may bear on is unknown.
   */
  private otherPolicies(): OtherPolicy[] | undefined {
    if (this.discovery.state === 'pending') return undefined;
    if (this.discovery.state === 'failed') return [{ apiVersion: '', kind: 'policies of other APIs', name: '(the API groups could not be listed)' }];
    const out: OtherPolicy[] = [];
    for (const [resource, { apiVersion, row }] of this.policyKinds) {
      const s = this.streams.get(resource);
      if (!s || s.missing) continue;
      if (s.denied) out.push({ apiVersion, kind: row.kind, name: '(not readable)' });
      else for (const v of s.store.values()) out.push(v as OtherPolicy);
    }
    return out;
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
      if (RESOURCES[r].optional) {
        const s = streams[0];
        if (s?.denied) notes.push(`You may not list ${r} across the cluster; NetworkPolicy verdicts are unknown.`);
        else if (s?.missing) notes.push(`The API server serves no ${r} (${RESOURCES[r].base.slice('/apis/'.length)}); NetworkPolicy verdicts are unknown.`);
      } else if (this.scope[r] === 'namespaces') {
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
    for (const [resource, { row }] of this.policyKinds) {
      const s = this.streams.get(resource);
      if (s?.denied) notes.push(`You may not list ${s.info.plural}.${row.group} (${row.label}); verdicts they may bear on are unknown.`);
      if (s && !s.synced) allSynced = false;
    }
    if (this.discovery.state === 'pending') allSynced = false;
    else if (this.discovery.state === 'failed')
      notes.push(`The API groups could not be listed (${this.discovery.message}): policies of other APIs may apply, so NetworkPolicy verdicts are unknown.`);
    const streams = [...this.streams.values()];
    const required = streams.filter((s) => !s.info.optional);
    if (required.length > 0 && required.every((s) => s.denied)) {
      // Nothing at all may be read: that is a failure to explain, not an empty cluster.
      fatal = required[0]!.error ?? new ApiError('forbidden', 'Every list is forbidden.');
      allSynced = false;
      notes.length = 0;
      notes.push(
        `The user of context ${this.kubeconfig.context} may not list anything NetLens needs (namespaces, services, endpointslices, pods, nodes) in namespace ${this.kubeconfig.namespace} or across the cluster.`,
      );
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
  reduce(resource: StreamResource, item: Json): Reduced | undefined {
    const warn = (m: string) => this.log('warn', m);
    switch (resource) {
      case 'networkpolicies':
        return reduceNetworkPolicy(item, warn);
      case 'namespaces':
        return reduceNamespace(item);
      case 'services':
        return reduceService(item, this.intern, warn);
      case 'endpointslices':
        return reduceEndpointSlice(item, this.intern, warn, undefined, this.podOf);
      case 'pods':
        return reducePod(item, this.intern, warn);
      case 'nodes':
        return reduceNode(item, this.intern);
      default: {
        // A policy API found by discovery: list items may leave out their apiVersion and kind, which the stream knows.
        const kind = this.policyKinds.get(resource);
        return kind ? reduceOtherPolicy({ ...item, apiVersion: kind.apiVersion, kind: kind.row.kind }) : undefined;
      }
    }
  }

  /** The pod the model holds by namespace and name (an endpoint that targets it shares its strings). */
  private readonly podOf = (namespace: string, name: string): Pod | undefined => {
    const key = `${namespace}/${name}`;
    const pod = this.streams.get('pods')?.store.get(key) ?? this.streams.get(`pods/${namespace}`)?.store.get(key);
    return pod as Pod | undefined;
  };

  /**
   * @internal The pods are listed: the slices listed before them share their pods' strings from now on (in a
   * large cluster the slices' lists end first, and their copies would otherwise stay until each slice changes).
   */
  podsListed(namespace: string | undefined): void {
    for (const s of this.streams.values()) {
      if (s.resource !== 'endpointslices' || (namespace !== undefined && s.namespace !== undefined && s.namespace !== namespace)) continue;
      for (const [key, slice] of s.store) {
        if (namespace !== undefined && (slice as EndpointSlice).namespace !== namespace) continue;
        const shared = shareWithPods(slice as EndpointSlice, this.podOf);
        if (shared !== slice) s.store.set(key, shared);
      }
    }
  }

  /** @internal A stream's data or state changed. */
  streamChanged(stream: Stream, dataChanged: boolean): void {
    if (this.stopped) return;
    if (dataChanged) this.cached = undefined;
    if (stream.resource === 'namespaces' && dataChanged) this.reconcileNamespaceStreams();
    if (stream.error && !stream.denied) this.log('warn', `${stream.path}: ${stream.error.message}`);
    // The pages of the first list of namespaces are told at once, not after the debounce: while the other lists'
    // pages keep the thread busy, a timer of 100 ms fired some 200 ms late, and the views showed nothing meanwhile.
    const first = stream.resource === 'namespaces' && dataChanged && !this.namespacesListed;
    if (first && stream.synced) this.namespacesListed = true;
    this.schedule(first);
    for (const w of [...this.readyWaiters]) w();
  }

  /**
   * @internal RBAC refused a stream. A cluster-wide one of a required resource falls back to one stream per readable
   * namespace; an optional one (policies) is left unread.
   */
  streamDenied(stream: Stream): void {
    if (this.stopped) return;
    this.log('warn', `${stream.path}: ${stream.error?.message ?? 'forbidden'}`);
    if (stream.namespace === undefined && stream.info.namespaced && !stream.info.optional && stream.resource in RESOURCES) {
      this.scope[stream.resource as ResourceName] = 'namespaces';
      this.streams.delete(stream.resource);
      this.reconcileNamespaceStreams();
    }
    if (stream.resource === 'namespaces') this.reconcileNamespaceStreams();
    this.cached = undefined;
    this.schedule();
    for (const w of [...this.readyWaiters]) w();
  }

  private startStream(resource: StreamResource, namespace: string | undefined, info: ResourceInfo = RESOURCES[resource as ResourceName]): void {
    const key = namespace === undefined ? resource : `${resource}/${namespace}`;
    if (this.streams.has(key) || this.stopped) return;
    const s = new Stream(this, resource, namespace, info);
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

  /** Tells the listeners after the debounce interval; `now`: in the next turn of the event loop. */
  private schedule(now = false): void {
    if ((this.timer && !now) || this.listeners.size === 0) return;
    clearTimeout(this.timer);
    const wait = now ? 0 : Math.max(0, this.lastEmit + this.debounceMs - Date.now());
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
