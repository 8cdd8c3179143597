// The context keys the welcome views read, and the status bar's text, from the model's typed state and errorKind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextKeys, statusText } from '../../src/extension/model-state';
import type { ModelInfo } from '../../src/protocol/requests';

const cluster = (over: Partial<ModelInfo>): ModelInfo => ({
  kind: 'cluster',
  context: 'kind',
  server: 'https://k',
  state: 'ready',
  notes: [],
  namespaces: [],
  ...over,
});
const workspace = (over: Partial<ModelInfo> = {}): ModelInfo => ({ kind: 'workspace', state: 'ready', notes: [], namespaces: [], ...over });

describe('model state: context keys', () => {
  it('a cluster that failed names its kind; network, TLS and credential failures are unreachable', () => {
    assert.deepEqual(contextKeys(cluster({ state: 'failed', errorKind: 'forbidden' })), {
      'netlens.state': 'failed.forbidden',
      'netlens.forbidden': true,
      'netlens.unreachable': false,
      'netlens.noCluster': false,
      'netlens.hasCluster': true,
    });
    for (const kind of ['unreachable', 'tls', 'unauthorized', 'credentials', 'timeout', 'http'] as const) {
      assert.equal(contextKeys(cluster({ state: 'failed', errorKind: kind }))['netlens.unreachable'], true, kind);
    }
    assert.equal(contextKeys(cluster({ state: 'failed', errorKind: 'gone' }))['netlens.unreachable'], false);
    assert.equal(contextKeys(cluster({ state: 'failed' }))['netlens.state'], 'failed.unknown');
    assert.equal(contextKeys(cluster({ state: 'stale', errorKind: 'unreachable' }))['netlens.unreachable'], false, 'only a failed cluster');
  });

  it('the workspace: no kubeconfig, a kubeconfig that cannot be used, or none asked for', () => {
    assert.equal(contextKeys(workspace({ errorKind: 'config:not-found' }))['netlens.state'], 'noKubeconfig');
    assert.equal(contextKeys(workspace({ errorKind: 'config:malformed' }))['netlens.state'], 'badKubeconfig');
    assert.equal(contextKeys(workspace({ errorKind: 'config:malformed' }))['netlens.noCluster'], true);
    assert.equal(contextKeys(workspace())['netlens.state'], 'workspace');
    assert.equal(contextKeys(undefined)['netlens.state'], 'none');
  });
});

describe('model state: the status bar', () => {
  it('the context and the namespaces shown, or the workspace', () => {
    assert.equal(statusText(cluster({}), 'shop').text, '$(cloud) kind · shop');
    assert.equal(statusText(cluster({ state: 'failed', message: 'refused' }), '').text, '$(error) kind');
    assert.match(statusText(cluster({ state: 'failed', message: 'refused' }), '').tooltip, /ready|failed: refused/);
    assert.equal(statusText(workspace(), '').text, '$(file-code) NetLens: workspace');
    assert.match(statusText(workspace({ message: 'no kubeconfig' }), '').tooltip, /\(no cluster: no kubeconfig\)/);
  });
});
