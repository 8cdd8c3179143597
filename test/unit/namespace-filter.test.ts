// The views' namespace filter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chosenFilter, describeFilter, filterKey, filterModel } from '../../src/extension/namespace-filter';
import type { ModelInfo } from '../../src/protocol/requests';

const info: ModelInfo = {
  kind: 'cluster',
  context: 'prod',
  state: 'ready',
  notes: [],
  namespaces: ['data', 'edge', 'shop'].map((name) => ({ name, services: 1, pods: 2 })),
};

describe('namespace filter', () => {
  it('keeps only the chosen namespaces, and every one without a filter', () => {
    assert.deepEqual(
      filterModel(info, ['shop', 'data']).namespaces.map((n) => n.name),
      ['data', 'shop'],
    );
    assert.equal(filterModel(info, undefined), info);
    assert.equal(filterModel(info, []), info);
    assert.deepEqual(filterModel(info, ['gone']).namespaces, [], 'a chosen namespace that no longer exists shows nothing');
  });

  it('treats choosing none or all as no filter', () => {
    assert.equal(chosenFilter([], ['data', 'shop']), undefined);
    assert.equal(chosenFilter(['shop', 'data'], ['data', 'shop']), undefined);
    assert.deepEqual(chosenFilter(['shop', 'data', 'shop'], ['data', 'edge', 'shop']), ['data', 'shop']);
  });

  it('describes itself briefly, and keys by context', () => {
    assert.equal(describeFilter(undefined), '');
    assert.equal(describeFilter(['shop']), 'shop');
    assert.equal(describeFilter(['data', 'shop']), 'data, shop');
    assert.equal(describeFilter(['a', 'b', 'c']), '3 namespaces');
    assert.equal(filterKey(info), 'context:prod');
    assert.equal(filterKey({ kind: 'workspace' }), 'workspace');
  });
});
