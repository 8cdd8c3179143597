// One Service, three views: the hover, the tree and the map say the same counts, address and DNS name, since the
// server derives them once (core/endpoints.ts, core/names.ts) and the extension only shows them. Two fixtures: a
// workspace Deployment of 3 replicas (pending: the cluster allocates their IPs), and a live-like snapshot whose
// EndpointSlices hold a ready dual-stack pod (listed once per family), a not-ready pod and a terminating one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint, Pod } from '../../src/core/model';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { buildMapGraph } from '../../src/extension/map-data';
import { clientText, policiesText, policyNodes, portText, serviceText } from '../../src/extension/tree-items';
import type { ServiceView } from '../../src/protocol/requests';
import type { MapNode, MapServiceNode } from '../../src/protocol/webview';
import { DEFAULT_SETTINGS, NetLensServer, type ServerClient } from '../../src/server/server';

const quiet: ServerClient = { publishDiagnostics: () => {}, log: () => {}, workspaceChanged: () => {} };

const FRONT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: front
          image: example/front
          env:
            - name: API_ADDR
              value: "api.shop:8080"
`;

const API = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  clusterIP: 10.96.4.2
  selector: {app: api}
  ports: [{name: http, port: 8080, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: example/api, ports: [{name: http, containerPort: 8080}]}]
`;

function pod(name: string, ips: string[], over: Partial<Pod> = {}): Pod {
  return {
    namespace: 'shop',
    name,
    ips,
    labels: { app: 'api' },
    phase: 'Running',
    ready: true,
    hostNetwork: false,
    terminating: false,
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP', container: 'api' }],
    ...over,
  };
}

function endpoint(p: Pod, address: string, conditions: Pick<Endpoint, 'ready' | 'serving' | 'terminating'>): Endpoint {
  return { addresses: [address], ...conditions, targetRef: { kind: 'Pod', namespace: 'shop', name: p.name }, nodeName: 'node-1' };
}

/** As the API server would list them: api-a ready in both families, api-b not ready, api-c terminating. */
function liveSnapshot(): ClusterSnapshot {
  const a = pod('api-a', ['10.244.0.5', 'fd00::5']);
  const b = pod('api-b', ['10.244.0.6'], { ready: false });
  const c = pod('api-c', ['10.244.0.7'], { ready: false, terminating: true });
  const ports = [{ name: 'http', port: 8080, protocol: 'TCP' as const }];
  return ClusterSnapshot.build({
    namespaces: [{ name: 'shop' }],
    services: [
      {
        namespace: 'shop',
        name: 'api',
        type: 'ClusterIP',
        headless: false,
        clusterIPs: ['10.96.4.2', 'fd00:96::42'],
        clusterIPPending: false,
        ipFamilies: ['IPv4', 'IPv6'],
        selector: { app: 'api' },
        ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
        publishNotReadyAddresses: false,
        externalIPs: [],
        loadBalancerIngress: [],
      },
    ],
    endpointSlices: [
      {
        namespace: 'shop',
        name: 'api-v4',
        serviceName: 'api',
        addressType: 'IPv4',
        ports,
        endpoints: [
          endpoint(a, '10.244.0.5', { ready: true, serving: true, terminating: false }),
          endpoint(b, '10.244.0.6', { ready: false, serving: false, terminating: false }),
          endpoint(c, '10.244.0.7', { ready: false, serving: true, terminating: true }),
        ],
      },
      {
        namespace: 'shop',
        name: 'api-v6',
        serviceName: 'api',
        addressType: 'IPv6',
        ports,
        endpoints: [endpoint(a, 'fd00::5', { ready: true, serving: true, terminating: false })],
      },
    ],
    pods: [a, b, c],
    nodes: [],
  });
}

interface Seen {
  readonly hover: string;
  readonly inlay: string;
  readonly view: ServiceView;
  readonly map: MapServiceNode;
  readonly aggregate: Extract<MapNode, { kind: 'pods' }>;
}

/** What each view shows of Service shop/api, with the live snapshot when one is given. */
function seen(live?: ClusterSnapshot): Seen {
  const server = new NetLensServer(quiet, DEFAULT_SETTINGS);
  server.open('file:///ws/api.yaml', API, 1);
  server.open('file:///ws/front.yaml', FRONT, 1);
  if (live) server.setLive({ name: 'cluster test', snapshot: () => live, info: () => ({ state: 'ready', notes: [] }) });
  const at = FRONT.indexOf('api.shop:8080') + 2;
  const hover = server.hover('file:///ws/front.yaml', at, 'markdown');
  assert.ok(hover, 'a hover on api.shop:8080');
  const inlay = server.inlayHints('file:///ws/front.yaml', { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } });
  const namespace = server.namespace('shop');
  const view = namespace.services.find((s) => s.name === 'api');
  assert.ok(view, 'the view of shop/api');
  const drawn = buildMapGraph([namespace]).namespaces[0]!;
  const aggregated = buildMapGraph([namespace], { bounds: { pods: 0, namespaceServices: 10 } }).namespaces[0]!;
  return {
    hover: (hover.contents as { value: string }).value,
    inlay: String(inlay[0]?.label),
    view,
    map: drawn.nodes.find((n) => n.id === 'svc/shop/api') as MapServiceNode,
    aggregate: aggregated.nodes.find((n) => n.id === 'pods/shop/api') as Extract<MapNode, { kind: 'pods' }>,
  };
}

function assertAgree(s: Seen, expected: { readiness: string; ready: number; total: number; address: string }): void {
  const { readiness, ready, total, address } = expected;
  // Counts.
  assert.deepEqual(s.view.readiness, readiness);
  assert.match(s.hover, new RegExp(`^Endpoints: ${readiness}$`, 'm'), 'the hover');
  assert.match(s.inlay, new RegExp(` · ${ready} ready$`), 'the inlay hint');
  const tree = serviceText(s.view);
  assert.ok(tree.tooltip?.split('\n').includes(`Endpoints: ${readiness}`), `the tree's tooltip: ${tree.tooltip}`);
  assert.match(portText(s.view, s.view.ports[0]!).description ?? '', new RegExp(` · ${ready} ready$`), "the tree's port");
  assert.equal(s.map.readiness, readiness, "the map's Service");
  assert.deepEqual([s.map.ready, s.map.endpoints], [ready, total]);
  assert.deepEqual([s.aggregate.ready, s.aggregate.count, s.aggregate.readiness], [ready, total, readiness], "the map's pods of the Service");
  // Address and DNS name.
  assert.equal(s.map.address, address);
  assert.ok(tree.description?.includes(` · ${address}`), `the tree's description: ${tree.description}`);
  assert.equal(s.view.fqdn, 'api.shop.svc.cluster.local');
  assert.match(s.hover, /→ `api\.shop\.svc\.cluster\.local\.`/);
  assert.ok(tree.tooltip?.split('\n').includes(s.view.fqdn));
  assert.ok(s.map.search.includes(s.view.fqdn));
  // Ids.
  assert.equal(tree.id, s.map.id);
  assert.equal(s.map.reveal, tree.id);
}

describe('hover, tree and map agree on a Service', () => {
  it('a workspace Deployment of 3 replicas: 3 ready, its cluster IP as written', () => {
    assertAgree(seen(), { readiness: '3 ready', ready: 3, total: 3, address: '10.96.4.2' });
  });

  it('a live snapshot: a dual-stack pod once, a not-ready and a terminating endpoint each named', () => {
    const s = seen(liveSnapshot());
    assertAgree(s, { readiness: '1 ready, 1 not ready, 1 terminating', ready: 1, total: 3, address: '10.96.4.2, fd00:96::42' });
    assert.match(s.hover, /_Source: cluster test_/);
    assert.match(s.hover, /^- `10\.244\.0\.7` · pod `api-c` · _terminating_$/m);
    assert.match(s.hover, /^- `10\.244\.0\.6` · pod `api-b` · _not ready_$/m);
  });
});

describe('hover, tree and map agree on who talks to whom', () => {
  /** The live snapshot with a pod of front's template (its labels and a pod-template-hash) and a policy read. */
  function withFront(): ClusterSnapshot {
    const base = liveSnapshot();
    const front = pod('front-5f7-x2x9q', ['10.244.0.9'], { labels: { app: 'front', 'pod-template-hash': '5f7' }, ports: [] });
    return ClusterSnapshot.build({
      namespaces: [{ name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } }],
      services: [...base.services()],
      endpointSlices: [...base.slicesOf('shop', 'api')],
      pods: [...base.pods(), front],
      nodes: [],
      networkPolicies: [
        {
          namespace: 'shop',
          name: 'api-from-front',
          podSelector: { matchLabels: { app: 'api' }, matchExpressions: [] },
          policyTypes: ['Ingress'],
          policyTypesDefaulted: false,
          ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'front' }, matchExpressions: [] } }], ports: [{ port: 'http', protocol: 'TCP' }] }],
          egress: [],
        },
      ],
    });
  }

  it("a live cluster: the hover's verdict is the tree's client and the map's connection, from the pod that runs front", async () => {
    const server = new NetLensServer(quiet, DEFAULT_SETTINGS);
    server.open('file:///ws/api.yaml', API, 1);
    const labelled = FRONT.replace('  template:\n    spec:', '  template:\n    metadata: {labels: {app: front}}\n    spec:');
    assert.notEqual(labelled, FRONT);
    server.open('file:///ws/front.yaml', labelled, 1);
    const live = withFront();
    server.setLive({ name: 'cluster test', snapshot: () => live, info: () => ({ state: 'ready', notes: [] }) });
    const hover = (server.hover('file:///ws/front.yaml', labelled.indexOf('api.shop:8080') + 2, 'markdown')!.contents as { value: string }).value;
    await server.clientsSettled();
    const view = server.namespace('shop');
    const [client] = view.services.find((s) => s.name === 'api')!.clients!;
    assert.equal(client!.verdict, 'allowed');
    // The hover's Markdown escapes what Markdown would read (`#`, `[`): read as text, it says the same line.
    assert.ok(hover.replace(/\\(.)/g, '$1').includes(client!.line), `the hover says the client's line: ${client!.line}`);
    assert.deepEqual(client!.pods, ['front-5f7-x2x9q']);
    const item = clientText({ kind: 'client', service: view.services.find((s) => s.name === 'api')!, client: client! });
    assert.equal(item.label, 'front');
    assert.equal(item.description, 'Deployment · allowed · 8080/TCP');
    assert.ok(item.tooltip?.split('\n').includes(client!.line));
    const graph = buildMapGraph([view]);
    assert.deepEqual(
      graph.connections.map((c) => [c.source, c.target, c.verdict, c.isolated]),
      [['pod/shop/front-5f7-x2x9q', 'svc/shop/api', 'allowed', true]],
    );
    // The api pods' Policies: the one policy, on ingress.
    const apiPod = view.pods.find((p) => p.name === 'api-a')!;
    assert.deepEqual(apiPod.policies, { ingress: ['shop/api-from-front'], egress: [] });
    const policies = { kind: 'policies' as const, pod: apiPod, policies: apiPod.policies! };
    assert.equal(policiesText(policies).description, 'ingress 1 · egress 0');
    assert.deepEqual(
      policyNodes(policies).map((n) => n.kind === 'policy' && [n.namespace, n.name, n.directions.join()]),
      [['shop', 'api-from-front', 'ingress']],
    );
  });
});
