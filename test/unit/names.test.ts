import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDns1035Label, isDns1123Label, labelsUnder, normalizeName, normalizeZone } from '../../src/core/names';

function ok(input: string) {
  const r = normalizeName(input);
  assert.ok(r.ok, `expected ${JSON.stringify(input)} to be valid: ${r.ok ? '' : r.error.message}`);
  return r.name;
}
function err(input: string) {
  const r = normalizeName(input);
  assert.ok(!r.ok, `expected ${JSON.stringify(input)} to be invalid`);
  return r.error;
}

describe('normalizeName', () => {
  it('lower-cases and adds the trailing dot', () => {
    assert.deepEqual(ok('Web.Shop.SVC.cluster.local'), { fqdn: 'web.shop.svc.cluster.local.', absolute: false, dots: 4 });
    assert.deepEqual(ok('web.shop.svc.cluster.local.'), { fqdn: 'web.shop.svc.cluster.local.', absolute: true, dots: 4 });
    assert.deepEqual(ok('web'), { fqdn: 'web.', absolute: false, dots: 0 });
  });
  it('accepts SRV labels', () => {
    assert.equal(ok('_http._tcp.web.shop.svc.cluster.local').fqdn, '_http._tcp.web.shop.svc.cluster.local.');
  });
  it('refuses what no DNS name holds, saying where', () => {
    assert.equal(err('').code, 'empty');
    assert.equal(err('   ').code, 'empty');
    assert.equal(err('wéb.shop').code, 'non-ascii');
    assert.equal(err('wéb.shop').offset, 1);
    assert.equal(err('web shop').code, 'invalid-character');
    assert.equal(err('web..shop').code, 'empty-label');
    assert.equal(err('.web').code, 'empty-label');
    assert.equal(err('http://web').code, 'invalid-character');
  });
  it('enforces 63-character labels and 253-character names', () => {
    assert.ok(normalizeName(`${'a'.repeat(63)}.b`).ok);
    assert.equal(err(`${'a'.repeat(64)}.b`).code, 'label-too-long');
    const name253 = Array.from({ length: 4 }, () => 'a'.repeat(62)).join('.') + '.' + 'b';
    assert.equal(name253.length, 253);
    assert.ok(normalizeName(name253).ok);
    assert.ok(normalizeName(name253 + '.').ok, 'a trailing dot does not count');
    assert.equal(err(name253 + 'b').code, 'too-long');
  });
});

describe('zones and labels', () => {
  it('normalises the zone parameter', () => {
    assert.equal(normalizeZone('Cluster.Local.'), 'cluster.local');
    assert.equal(normalizeZone('k8s.example.com'), 'k8s.example.com');
    assert.throws(() => normalizeZone('bad zone'), /Invalid cluster domain/);
  });
  it('splits the labels before the zone', () => {
    assert.deepEqual(labelsUnder('web.shop.svc.cluster.local.', 'cluster.local'), ['web', 'shop', 'svc']);
    assert.deepEqual(labelsUnder('cluster.local.', 'cluster.local'), []);
    assert.equal(labelsUnder('web.shop.svc.mycluster.local.', 'cluster.local'), undefined);
    assert.equal(labelsUnder('example.com.', 'cluster.local'), undefined);
  });
  it('RFC 1123 and RFC 1035 labels', () => {
    assert.ok(isDns1123Label('0web'));
    assert.ok(!isDns1035Label('0web'));
    assert.ok(!isDns1123Label('Web'));
    assert.ok(!isDns1123Label('web-'));
    assert.ok(!isDns1123Label('a'.repeat(64)));
  });
});
