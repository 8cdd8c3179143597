/**
 * The live cluster in the language server: the LiveModel of a kubeconfig context, started, switched and stopped;
 * what the server sees of it (a `LiveSource`); and what is said about it. A cluster's state is logged once each
 * time it changes (connecting, ready, stale, failed and why), not once per retry; each of the model's own messages
 * is logged once until the cluster is ready again; and the server and the views hear of a change only when the snapshot or the state
 * did change, so a cluster that keeps failing the same way costs nothing.
 */

import type { LiveModel, LiveModelOptions, ModelStatus } from '../cluster/live-model';
import { t } from '../core/l10n';
import type { ClusterSnapshot } from '../core/snapshot';
import type { ModelInfo } from '../protocol/requests';
import { type ModelFailure, modelFailure } from './errors';
import type { Log } from './guard';
import type { LiveSource, NetLensServer } from './server';

/** What the server uses of a LiveModel; tests give a fake one. */
export type LiveModelLike = Pick<LiveModel, 'kubeconfig' | 'api' | 'status' | 'snapshot' | 'onChange' | 'start' | 'stop'>;

export interface LiveClusterOptions {
  readonly server: Pick<NetLensServer, 'setLive' | 'liveChanged'>;
  readonly log: Log;
  /** The model or its state changed: views and inlay hints should ask again. */
  readonly changed: () => void;
  /** Makes the model of a kubeconfig context; throws a KubeconfigError when there is none to use. */
  readonly create?: (options: LiveModelOptions) => LiveModelLike;
}

export interface LiveStart {
  readonly kubeconfig?: string;
  readonly context?: string;
}

/**
 * The Kubernetes client and the live model, loaded when a cluster is first read rather than when the server starts:
 * they are most of the server's code, and `initialize` is answered before anything needs them. (A `require` in a
 * function: the bundler keeps the module in the bundle and runs it on this first call.)
 */
type ClusterModules = typeof import('../cluster/live-model') &
  typeof import('../cluster/kubeconfig') &
  typeof import('../cluster/objects') &
  typeof import('../cluster/api');
let cluster: ClusterModules | undefined;

export function clusterModules(): ClusterModules {
  cluster ??= {
    ...(require('../cluster/live-model') as typeof import('../cluster/live-model')),
    ...(require('../cluster/kubeconfig') as typeof import('../cluster/kubeconfig')),
    ...(require('../cluster/objects') as typeof import('../cluster/objects')),
    ...(require('../cluster/api') as typeof import('../cluster/api')),
  };
  return cluster;
}

export class LiveCluster {
  private current: LiveModelLike | undefined;
  private failure: ModelFailure | undefined;
  private started: LiveStart = {};
  /** The state last logged, and the model's messages logged since the cluster was last ready. */
  private loggedState = '';
  private readonly loggedMessages = new Set<string>();
  private lastSnapshot: ClusterSnapshot | undefined;
  private lastInfo = '';

  constructor(private readonly options: LiveClusterOptions) {}

  /** The model, while one runs. */
  get model(): LiveModelLike | undefined {
    return this.current;
  }

  /** Why no model runs: the kubeconfig is missing or cannot be used. */
  get configFailure(): ModelFailure | undefined {
    return this.failure;
  }

  /** Starts the model of a context (the kubeconfig's current one unless named); the old one, if any, stops. */
  start(start: LiveStart): void {
    this.started = start;
    this.stopModel();
    const create = this.options.create ?? ((o: LiveModelOptions) => new (clusterModules().LiveModel)(o));
    let model: LiveModelLike;
    try {
      model = create({
        ...(start.kubeconfig ? { path: start.kubeconfig } : {}),
        ...(start.context ? { context: start.context } : {}),
        log: (level, message) => this.modelSaid(level, message),
      });
    } catch (e) {
      // No kubeconfig, or a broken one: the workspace manifests are the model, and the views say why.
      this.failure = modelFailure(e);
      this.options.log('info', `No live cluster: ${this.failure.message}`);
      this.options.server.setLive(undefined);
      return;
    }
    this.current = model;
    this.options.server.setLive(liveSource(model));
    model.onChange((snapshot, status) => this.modelChanged(snapshot, status));
    this.logState(model.status());
    model.start();
  }

  /** Switches to another context of the same kubeconfig. */
  switchContext(context: string): void {
    this.start({ ...this.started, context });
    this.options.server.liveChanged();
    this.options.changed();
  }

  stop(): void {
    this.stopModel();
  }

  /** The contexts of the kubeconfig, and the one shown. */
  contexts(): { contexts: string[]; current?: string; error?: string } {
    try {
      const k = clusterModules().loadKubeconfig({ ...(this.started.kubeconfig ? { path: this.started.kubeconfig } : {}) });
      return { contexts: k.kubeConfig.getContexts().map((c) => c.name), current: this.current?.kubeconfig.context ?? k.context };
    } catch (e) {
      return { contexts: [], error: modelFailure(e).message };
    }
  }

  private stopModel(): void {
    this.current?.stop();
    this.current = undefined;
    this.failure = undefined;
    this.loggedState = '';
    this.loggedMessages.clear();
    this.lastSnapshot = undefined;
    this.lastInfo = '';
  }

  private modelChanged(snapshot: ClusterSnapshot, status: ModelStatus): void {
    this.logState(status);
    const info = JSON.stringify(infoOf(status));
    if (snapshot === this.lastSnapshot && info === this.lastInfo) return;
    this.lastSnapshot = snapshot;
    this.lastInfo = info;
    this.options.server.liveChanged();
    this.options.changed();
  }

  /** One line when the state changes; credentials never appear in the model's messages. */
  private logState(status: ModelStatus): void {
    const key = `${status.state} ${status.error?.kind ?? ''} ${status.error?.message ?? ''}`;
    if (key === this.loggedState) return;
    this.loggedState = key;
    // The model says what failed before it reports the state: its messages are forgotten only once it recovered.
    if (status.state === 'ready') this.loggedMessages.clear();
    const where = `Cluster ${status.context} (${status.server})`;
    const why = status.error ? ` (${status.error.kind}): ${status.error.message}` : '.';
    if (status.state === 'failed') this.options.log('warn', `${where} cannot be read${why}`);
    else if (status.state === 'stale') this.options.log('warn', `${where} is out of date while it reconnects${why}`);
    else this.options.log('info', `${where}: ${status.state}.`);
  }

  /** The model's own messages (a watch that failed, an object it could not read), each once until it is ready again. */
  private modelSaid(level: 'info' | 'warn' | 'error', message: string): void {
    if (level !== 'error') {
      if (this.loggedMessages.has(message)) return;
      this.loggedMessages.add(message);
    }
    this.options.log(level, message);
  }
}

/** What the server sees of a model: a snapshot while one can be trusted, its name, its state for the views. */
function liveSource(model: LiveModelLike): LiveSource {
  return {
    name: t('cluster {0}', model.kubeconfig.context),
    snapshot: () => (model.status().state === 'ready' ? model.snapshot() : undefined),
    // The views show what the lists gave so far while the cluster is read (they say it is loading); answers wait.
    latest: () => (model.status().state === 'failed' ? undefined : model.snapshot()),
    info: () => infoOf(model.status()),
  };
}

function infoOf(st: ModelStatus): Omit<ModelInfo, 'namespaces' | 'kind'> {
  return {
    context: st.context,
    server: st.server,
    state: st.state,
    // ApiErrorKind is assignable to the protocol's ClusterErrorKind: a kind added to one and not the other fails here.
    ...(st.error ? { errorKind: st.error.kind, message: st.error.message } : {}),
    notes: st.notes,
  };
}
