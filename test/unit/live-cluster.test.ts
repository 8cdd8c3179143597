// The live cluster in the language server, with a fake model: its state is logged once per change of state, not
// once per retry; each of the model's own messages once until it is ready again; and the server and the views hear
// only of changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeconfigError } from '../../src/cluster/kubeconfig';
import type { LiveModelOptions, ModelStatus } from '../../src/cluster/live-model';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { LiveCluster, type LiveModelLike } from '../../src/server/live-cluster';
import type { LiveSource } from '../../src/server/server';

const empty = () => ClusterSnapshot.build({ namespaces: [], services: [], endpointSlices: [], pods: [], nodes: [] });

/** A model whose status and snapshot the test sets, and whose change events it fires, as LiveModel does. */
class FakeModel {
  status_: ModelStatus = { state: 'connecting', context: 'kind-test', server: 'https://127.0.0.1:6443', resources: {} as ModelStatus['resources'], notes: [] };
  snapshot_ = empty();
  listener: ((snapshot: ClusterSnapshot, status: ModelStatus) => void) | undefined;
  stopped = false;
  readonly kubeconfig = { context: 'kind-test' } as LiveModelLike['kubeconfig'];
  readonly api = {} as LiveModelLike['api'];

  constructor(readonly options: LiveModelOptions) {}

  status(): ModelStatus {
    return this.status_;
  }
  snapshot(): ClusterSnapshot {
    return this.snapshot_;
  }
  onChange(l: (snapshot: ClusterSnapshot, status: ModelStatus) => void): () => void {
    this.listener = l;
    return () => undefined;
  }
  start(): void {}
  stop(): void {
    this.stopped = true;
  }
  /** What LiveModel does on a retry or a change: say what happened, then tell its listeners. */
  emit(status: Partial<ModelStatus>, said?: string): void {
    this.status_ = { ...this.status_, ...status };
    if (said) this.options.log?.('warn', said);
    this.listener?.(this.snapshot_, this.status_);
  }
}

function harness() {
  const logs: { level: string; message: string }[] = [];
  const calls = { liveChanged: 0, changed: 0 };
  let live: LiveSource | undefined;
  let model: FakeModel | undefined;
  const cluster = new LiveCluster({
    server: { setLive: (l) => void (live = l), liveChanged: () => void calls.liveChanged++ },
    log: (level, message) => logs.push({ level, message }),
    changed: () => void calls.changed++,
    create: (options) => (model = new FakeModel(options)) as unknown as LiveModelLike,
  });
  return { cluster, logs, calls, live: () => live, model: () => model! };
}

const unreachable = { kind: 'unreachable' as const, message: 'connect ECONNREFUSED 127.0.0.1:6443' };

describe('live cluster: what is said and when', () => {
  it('an unreachable cluster is logged once, however often it retries, and changes nothing meanwhile', () => {
    const { cluster, logs, calls, model } = harness();
    cluster.start({});
    assert.deepEqual(logs, [{ level: 'info', message: 'Cluster kind-test (https://127.0.0.1:6443): connecting.' }]);
    model().emit({ state: 'failed', error: unreachable }, '/api/v1/pods: connect ECONNREFUSED 127.0.0.1:6443');
    const afterFirst = { logs: logs.length, liveChanged: calls.liveChanged, changed: calls.changed };
    // The model says what failed, then reports its state.
    assert.deepEqual(logs.slice(1), [
      { level: 'warn', message: '/api/v1/pods: connect ECONNREFUSED 127.0.0.1:6443' },
      { level: 'warn', message: 'Cluster kind-test (https://127.0.0.1:6443) cannot be read (unreachable): connect ECONNREFUSED 127.0.0.1:6443' },
    ]);
    assert.equal(afterFirst.changed, 1, 'the views hear of the failure');
    // Five resources retrying, five times over: the same state, the same messages.
    for (let retry = 0; retry < 5; retry++) {
      for (const r of ['namespaces', 'services', 'endpointslices', 'pods', 'nodes'])
        model().emit({ state: 'failed', error: unreachable }, r === 'pods' ? '/api/v1/pods: connect ECONNREFUSED 127.0.0.1:6443' : undefined);
    }
    assert.deepEqual({ logs: logs.length, liveChanged: calls.liveChanged, changed: calls.changed }, afterFirst);
  });

  it('each change of state is logged once, and what failed is said again after the cluster was ready', () => {
    const { cluster, logs, calls, model } = harness();
    cluster.start({});
    model().emit({ state: 'failed', error: unreachable }, '/api/v1/pods: refused');
    model().emit({ state: 'ready', error: undefined });
    model().emit({ state: 'ready', error: undefined });
    model().emit({ state: 'stale', error: unreachable }, '/api/v1/pods: refused');
    model().emit({ state: 'stale', error: unreachable }, '/api/v1/pods: refused');
    assert.deepEqual(
      logs.map((l) => l.message),
      [
        'Cluster kind-test (https://127.0.0.1:6443): connecting.',
        '/api/v1/pods: refused',
        'Cluster kind-test (https://127.0.0.1:6443) cannot be read (unreachable): connect ECONNREFUSED 127.0.0.1:6443',
        'Cluster kind-test (https://127.0.0.1:6443): ready.',
        '/api/v1/pods: refused',
        'Cluster kind-test (https://127.0.0.1:6443) is out of date while it reconnects (unreachable): connect ECONNREFUSED 127.0.0.1:6443',
      ],
    );
    assert.equal(calls.changed, 3, 'failed, ready, stale');
  });

  it('a new snapshot in the same state reaches the server and the views', () => {
    const { cluster, calls, model } = harness();
    cluster.start({});
    model().emit({ state: 'ready' });
    const before = calls.liveChanged;
    model().snapshot_ = empty();
    model().emit({ state: 'ready' });
    assert.equal(calls.liveChanged, before + 1);
  });

  it('errors of the model are always logged', () => {
    const { cluster, logs, model } = harness();
    cluster.start({});
    model().options.log?.('error', 'A change listener failed: x');
    model().options.log?.('error', 'A change listener failed: x');
    assert.equal(logs.filter((l) => l.level === 'error').length, 2);
  });

  it('without a usable kubeconfig there is no live source, and the failure has a typed kind', () => {
    const logs: string[] = [];
    let live: LiveSource | undefined = { name: 'x', snapshot: () => undefined };
    const cluster = new LiveCluster({
      server: { setLive: (l) => void (live = l), liveChanged: () => undefined },
      log: (_l, m) => logs.push(m),
      changed: () => undefined,
      create: () => {
        throw new KubeconfigError('not-found', 'No kubeconfig: KUBECONFIG is unset and ~/.kube/config does not exist.');
      },
    });
    cluster.start({});
    assert.equal(live, undefined);
    assert.deepEqual(cluster.configFailure, { kind: 'config:not-found', message: 'No kubeconfig: KUBECONFIG is unset and ~/.kube/config does not exist.' });
    assert.deepEqual(logs, ['No live cluster: No kubeconfig: KUBECONFIG is unset and ~/.kube/config does not exist.']);
  });

  it('switching context stops the old model and starts one for the new context', () => {
    const { cluster, model, live } = harness();
    cluster.start({ kubeconfig: '/k/config' });
    const first = model();
    cluster.switchContext('other');
    assert.equal(first.stopped, true);
    assert.notEqual(model(), first);
    assert.deepEqual({ path: model().options.path, context: model().options.context }, { path: '/k/config', context: 'other' });
    model().emit({ state: 'failed', error: { kind: 'forbidden', message: 'pods is forbidden' } });
    assert.deepEqual(live()!.info!(), {
      context: 'kind-test',
      server: 'https://127.0.0.1:6443',
      state: 'failed',
      errorKind: 'forbidden',
      message: 'pods is forbidden',
      notes: [],
    });
  });
});
