// The reduction of API objects to model records: what it shares between records (a large cluster's memory) and
// that sharing never changes what a record says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointSlice, Pod } from '../../src/core/model';
import { Interner, type Json, reduceEndpointSlice, reducePod, reduceService, shareWithPods } from '../../src/core/reduce';

const noWarn = (m: string): void => assert.fail(`unexpected warning: ${m}`);

/** A pod as the API server sends it (a fresh parse each time, as a watch delivers it). */
function podObject(name: string, ip: string, extra: { hostNetwork?: boolean; hostname?: string; subdomain?: string } = {}): Json {
  return JSON.parse(
    JSON.stringify({
      metadata: { name, namespace: 'shop', labels: { app: 'web' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'web', ports: [{ containerPort: 8080 }] }], ...extra },
      status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] },
    }),
  ) as Json;
}

function sliceObject(endpoints: { ip: string; pod: string; hostname?: string }[]): Json {
  return JSON.parse(
    JSON.stringify({
      metadata: { name: 'web-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: endpoints.map((e) => ({
        addresses: [e.ip],
        conditions: { ready: true },
        nodeName: 'node-1',
        ...(e.hostname ? { hostname: e.hostname } : {}),
        targetRef: { kind: 'Pod', namespace: 'shop', name: e.pod },
      })),
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }),
  ) as Json;
}

/** A slice as plain data: every field an endpoint says, whether it holds it or reads it from its pod. */
function plain(slice: EndpointSlice): unknown {
  return {
    ...slice,
    endpoints: slice.endpoints.map((e) => ({
      addresses: [...e.addresses],
      ready: e.ready,
      serving: e.serving,
      terminating: e.terminating,
      hostname: e.hostname,
      nodeName: e.nodeName,
      targetRef: e.targetRef && { ...e.targetRef },
    })),
  };
}

describe('reduce: sharing between records', () => {
  it('an endpoint of a pod the model holds shares its IP list and says the same as one that does not', () => {
    const intern = new Interner();
    const pods = new Map<string, Pod>();
    for (const [name, ip] of [
      ['web-1', '10.0.0.1'],
      ['web-2', '10.0.0.2'],
    ] as const)
      pods.set(name, reducePod(podObject(name, ip), intern, noWarn));
    const podOf = (ns: string, name: string): Pod | undefined => (ns === 'shop' ? pods.get(name) : undefined);
    const raw = sliceObject([
      { ip: '10.0.0.1', pod: 'web-1' },
      { ip: '10.0.0.2', pod: 'web-2' },
      // Its pod is gone, or the address is not the pod's: nothing to share.
      { ip: '10.0.0.9', pod: 'web-9' },
      { ip: '10.0.0.3', pod: 'web-1' },
    ]);
    const shared = reduceEndpointSlice(raw, intern, noWarn, undefined, podOf)!;
    const alone = reduceEndpointSlice(raw, new Interner(), noWarn)!;
    // What each says, read field by field (an endpoint that says only what its pod says reads it from the pod).
    assert.deepEqual(plain(shared), plain(alone));
    const [e1, e2, e9, e3] = shared.endpoints;
    assert.equal(e1!.addresses, pods.get('web-1')!.ips);
    assert.equal(e2!.addresses, pods.get('web-2')!.ips);
    assert.notEqual(e9!.addresses, pods.get('web-1')!.ips);
    assert.notEqual(e3!.addresses, pods.get('web-1')!.ips);
    assert.deepEqual(e3!.addresses, ['10.0.0.3']);
  });

  it('slices read before their pods share them afterwards; a slice that shares already is returned as it is', () => {
    const intern = new Interner();
    const raw = sliceObject([{ ip: '10.0.0.1', pod: 'web-1', hostname: 'web-1' }]);
    const early = reduceEndpointSlice(raw, intern, noWarn)!;
    const pod = reducePod(podObject('web-1', '10.0.0.1', { hostname: 'web-1', subdomain: 'web' }), intern, noWarn);
    const podOf = (ns: string, name: string): Pod | undefined => (ns === 'shop' && name === 'web-1' ? pod : undefined);
    const late = shareWithPods(early, podOf);
    assert.notEqual(late, early);
    assert.deepEqual(plain(late), plain(early));
    assert.deepEqual(late.endpoints[0]!.targetRef, { kind: 'Pod', namespace: 'shop', name: 'web-1' });
    assert.equal(late.endpoints[0]!.hostname, 'web-1');
    assert.equal(late.endpoints[0]!.addresses, pod.ips);
    assert.equal(shareWithPods(late, podOf), late);
    // A pod that has other addresses now (it was replaced) shares nothing.
    const moved = reducePod(podObject('web-1', '10.0.0.7'), intern, noWarn);
    assert.equal(
      shareWithPods(early, () => moved),
      early,
    );
  });

  it('equal label sets, port lists and host-network IP lists are one object; different ones stay apart', () => {
    const intern = new Interner();
    const a = reducePod(podObject('web-1', '10.0.0.1'), intern, noWarn);
    const b = reducePod(podObject('web-2', '10.0.0.2'), intern, noWarn);
    assert.equal(a.labels, b.labels);
    assert.equal(a.ports, b.ports);
    assert.notEqual(a.ips, b.ips);
    const h1 = reducePod(podObject('agent-1', '192.168.1.10', { hostNetwork: true }), intern, noWarn);
    const h2 = reducePod(podObject('agent-2', '192.168.1.10', { hostNetwork: true }), intern, noWarn);
    const h3 = reducePod(podObject('agent-3', '192.168.1.11', { hostNetwork: true }), intern, noWarn);
    assert.equal(h1.ips, h2.ips);
    assert.deepEqual(h3.ips, ['192.168.1.11']);
    // A StatefulSet pod's hostname is its name.
    const s = reducePod(podObject('db-0', '10.0.0.5', { hostname: 'db-0', subdomain: 'db' }), intern, noWarn);
    assert.deepEqual([s.hostname, s.subdomain, s.nodeName, s.phase], ['db-0', 'db', 'node-1', 'Running']);

    const svc = (name: string, port: number): Json => ({
      metadata: { name, namespace: 'shop' },
      spec: { clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ name: 'http', port, targetPort: 'http' }] },
    });
    const s1 = reduceService(svc('web', 80), intern, noWarn);
    const s2 = reduceService(svc('web-canary', 80), intern, noWarn);
    const s3 = reduceService(svc('web-admin', 81), intern, noWarn);
    assert.equal(s1.ports, s2.ports);
    assert.equal(s1.selector, s2.selector);
    assert.notEqual(s1.ports, s3.ports);
    assert.deepEqual(
      s3.ports.map((p) => [p.name, p.port, p.targetPort, p.protocol]),
      [['http', 81, 'http', 'TCP']],
    );
  });

  it('two label sets whose content hashes collide are told apart', () => {
    // These two values give label sets whose 31-bit hashes (hash.ts's hashKey, a bit dropped) are equal (found by search).
    const intern = new Interner();
    const one = intern.labels({ app: 'v10553' });
    const other = intern.labels({ app: 'v33138' });
    assert.deepEqual([one.app, other.app], ['v10553', 'v33138']);
    assert.equal(intern.labels({ app: 'v33138' }), other);
    assert.equal(intern.labels({ app: 'v10553' }), one);
  });
});
