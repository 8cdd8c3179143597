// The server's namespace views kept between snapshots: a view is made again only when a record of its namespace
// changed, and a caller holding its revision gets `unchanged` instead of the content.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterObjects, EndpointSlice, Pod, Service } from '../../src/core/model';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { NamespaceViews, namespaceView } from '../../src/server/views';

function pod(namespace: string, name: string, ip: string, ready = true): Pod {
  return { namespace, name, ips: [ip], labels: { app: 'web' }, ready, hostNetwork: false, terminating: false, ports: [], nodeName: 'n1', phase: 'Running' };
}

function service(namespace: string): Service {
  return {
    namespace,
    name: 'web',
    type: 'ClusterIP',
    headless: false,
    clusterIPs: ['10.96.0.10'],
    clusterIPPending: false,
    ipFamilies: ['IPv4'],
    ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    selector: { app: 'web' },
    publishNotReadyAddresses: false,
    externalIPs: [],
    loadBalancerIngress: [],
  };
}

function slice(namespace: string, pods: readonly Pod[]): EndpointSlice {
  return {
    namespace,
    name: 'web-1',
    serviceName: 'web',
    addressType: 'IPv4',
    endpoints: pods.map((p) => ({
      addresses: p.ips,
      ready: p.ready,
      serving: p.ready,
      terminating: false,
      targetRef: { kind: 'Pod', namespace, name: p.name },
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

const NAMESPACES = [{ name: 'a' }, { name: 'b' }];

/** Two namespaces, as a live model gives them: unchanged records are the same objects in the next snapshot. */
function objects(a: { pods: Pod[]; slice: EndpointSlice; service: Service }, b: { pods: Pod[]; slice: EndpointSlice; service: Service }): ClusterObjects {
  return {
    namespaces: NAMESPACES,
    services: [a.service, b.service],
    endpointSlices: [a.slice, b.slice],
    pods: [...a.pods, ...b.pods],
    nodes: [],
  };
}

function namespaceOf(ns: string) {
  const pods = [pod(ns, 'web-1', ns === 'a' ? '10.0.0.1' : '10.0.1.1'), pod(ns, 'web-2', ns === 'a' ? '10.0.0.2' : '10.0.1.2')];
  return { pods, slice: slice(ns, pods), service: service(ns) };
}

/** Views over a snapshot of namespaces a and b, and the view of a, made first. */
function twoNamespaces() {
  const views = new NamespaceViews();
  const a = namespaceOf('a');
  const b = namespaceOf('b');
  const snapshot = ClusterSnapshot.build(objects(a, b));
  return { views, a, b, snapshot, va: views.view(snapshot, 'cluster.local', 'a') };
}

describe('server: namespace views kept between snapshots', () => {
  it('answers unchanged for the namespace whose records stayed, and a new view for the one that changed', () => {
    const { views, a, b, snapshot: first, va } = twoNamespaces();
    const vb = views.view(first, 'cluster.local', 'b');
    assert.ok(va.revision && vb.revision && va.revision !== vb.revision);
    // The view is the one namespaceView makes, with its revision.
    assert.deepEqual({ ...va, revision: undefined }, { ...namespaceView(first, 'cluster.local', 'a'), revision: undefined });

    // A pod of b turns not ready: its record and its slice are new, a's records are the same objects.
    const notReady = pod('b', 'web-2', '10.0.1.2', false);
    const b2 = { pods: [b.pods[0]!, notReady], slice: slice('b', [b.pods[0]!, notReady]), service: b.service };
    const second = ClusterSnapshot.build(objects(a, b2));
    const againA = views.view(second, 'cluster.local', 'a', 0, 500, undefined, va.revision);
    assert.deepEqual(againA, { namespace: 'a', services: [], pods: [], total: 2, revision: va.revision, unchanged: true });
    const againB = views.view(second, 'cluster.local', 'b', 0, 500, undefined, vb.revision);
    assert.equal(againB.unchanged, undefined);
    assert.notEqual(againB.revision, vb.revision);
    assert.deepEqual(
      againB.pods.map((p) => [p.name, p.ready]),
      [
        ['web-1', true],
        ['web-2', false],
      ],
    );
    // Without a revision, or with another one, the whole view comes back.
    assert.deepEqual(views.view(second, 'cluster.local', 'a').services.length, 1);
    assert.equal(views.view(second, 'cluster.local', 'a', 0, 500, undefined, 'other').unchanged, undefined);
    // Another page of pods is another view.
    assert.deepEqual(
      views.view(second, 'cluster.local', 'a', 1, 1).pods.map((p) => p.name),
      ['web-2'],
    );
  });

  it('a change in who connects to a Service, or records equal in content but new, make the view again', () => {
    const { views, b, snapshot, va: v1 } = twoNamespaces();
    const client = {
      kind: 'Deployment',
      namespace: 'b',
      name: 'shop',
      pods: [],
      podCount: 0,
      ports: ['80/TCP'],
      verdict: 'allowed' as const,
      isolated: false,
      line: 'http://web.a:80',
      locations: [],
      references: 1,
    };
    const v2 = views.view(snapshot, 'cluster.local', 'a', 0, 500, new Map([['a/web', [client]]]), v1.revision);
    assert.equal(v2.unchanged, undefined);
    assert.equal(v2.services[0]!.clients?.[0]?.name, 'shop');
    // A namespace keeps its two views asked for last: a third page drops the first.
    const page1 = views.view(snapshot, 'cluster.local', 'b', 0, 1);
    const page2 = views.view(snapshot, 'cluster.local', 'b', 1, 1);
    assert.equal(views.view(snapshot, 'cluster.local', 'b', 0, 1, undefined, page1.revision).unchanged, true);
    views.view(snapshot, 'cluster.local', 'b', 0, 500);
    assert.equal(views.view(snapshot, 'cluster.local', 'b', 1, 1, undefined, page2.revision).unchanged, undefined);
    // A workspace model rebuilt from its files makes new records even where nothing changed.
    const rebuilt = ClusterSnapshot.build(objects(namespaceOf('a'), b));
    assert.equal(views.view(rebuilt, 'cluster.local', 'a', 0, 500, undefined, v2.revision).unchanged, undefined);
  });
});
