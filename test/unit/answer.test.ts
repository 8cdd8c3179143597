// What Resolve and Find Owner offer to do with an answer, from real answers of the resolver.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifest } from '../../src/core/manifests';
import { Resolver } from '../../src/core/resolver';
import { buildWorkspaceModel } from '../../src/core/workspace';
import { answerCopyValue, answerTarget, targetId } from '../../src/extension/answer';

const MANIFEST = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.4.2, selector: {app: web}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-0, namespace: shop, labels: {app: web}}
spec: {containers: [{name: web, image: example/web, ports: [{name: http, containerPort: 80}]}]}
status: {podIP: 10.244.1.7, podIPs: [{ip: 10.244.1.7}], phase: Running, conditions: [{type: Ready, status: "True"}]}
`;

const snapshot = buildWorkspaceModel([parseManifest('file:///ws/shop.yaml', MANIFEST)], { defaultNamespace: 'default' }).snapshot;
const resolver = new Resolver(snapshot, { zone: 'cluster.local', podRecords: 'insecure', sourceName: 'test' });

function answer(input: string) {
  const r = resolver.resolve(input, { namespace: 'shop' });
  assert.ok(r.ok);
  return r.answer;
}

describe('answer actions', () => {
  it('a Service name: copy its address, reveal the Service', () => {
    const a = answer('web');
    assert.equal(answerCopyValue(a), '10.96.4.2');
    assert.deepEqual(answerTarget(a), { kind: 'service', namespace: 'shop', name: 'web' });
    assert.equal(targetId(answerTarget(a)!), 'svc/shop/web');
  });

  it('a pod IP: copy the names that point back at it, reveal the pod', () => {
    const a = answer('10.244.1.7');
    assert.deepEqual(answerTarget(a), { kind: 'pod', namespace: 'shop', name: 'web-0' });
    assert.equal(targetId(answerTarget(a)!), 'pod/shop/web-0');
    const value = answerCopyValue(a);
    assert.ok(
      value?.split('\n').every((n) => n.endsWith('.cluster.local.') || n.endsWith('.cluster.local')),
      String(value),
    );
  });

  it('a cluster IP: reveal its Service', () => {
    assert.deepEqual(answerTarget(answer('10.96.4.2')), { kind: 'service', namespace: 'shop', name: 'web' });
  });

  it('an unknown name: nothing to copy or reveal', () => {
    const a = answer('nosuch.shop.svc.cluster.local');
    assert.equal(a.rcode, 'NXDOMAIN');
    assert.equal(answerCopyValue(a), undefined);
    assert.equal(answerTarget(a), undefined);
  });
});
