import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countEndpoints, countsText, serviceAddressText } from '../../src/core/endpoints';
import type { Endpoint } from '../../src/core/model';
import { buildMapGraph, loadMapGraph, type MapSource, mapCsp, mapHtml, mapTargets, planMap } from '../../src/extension/map-data';
import type { ClientView, EndpointView, ModelInfo, NamespaceView, PodView, ServiceView } from '../../src/protocol/requests';
import type { MapNode, MapServiceNode } from '../../src/protocol/webview';

function pod(namespace: string, name: string, ip: string, over: Partial<PodView> = {}): PodView {
  return { namespace, name, ips: [ip], phase: 'Running', ready: true, terminating: false, ports: [], dnsNames: [], services: [], labels: {}, ...over };
}

function endpoint(p: PodView, ports: Record<string, number>, over: Partial<EndpointView> = {}): EndpointView {
  return {
    addresses: p.ips,
    ready: p.ready,
    serving: p.ready,
    terminating: false,
    pod: p.name,
    ports: Object.entries(ports).map(([name, port]) => ({ name, port, protocol: 'TCP' })),
    ...over,
  };
}

/**
 * A Service view as the server sends it: its address, and the counts of its endpoints made by the core's own
 * functions (the map shows them, it does not count).
 */
function service(
  namespace: string,
  name: string,
  ports: [string, number, number | string][],
  endpoints: EndpointView[],
  over: Partial<ServiceView> = {},
): ServiceView {
  const base = {
    namespace,
    name,
    fqdn: `${name}.${namespace}.svc.cluster.local`,
    type: 'ClusterIP',
    headless: false,
    clusterIPs: ['10.96.0.10'],
    clusterIPPending: false,
    selector: { app: name },
    ports: ports.map(([n, port, targetPort]) => ({ name: n, port, targetPort, protocol: 'TCP' })),
    endpoints,
    ...over,
  };
  const counts = countEndpoints(base.endpoints.map((e) => coreEndpoint(namespace, e)));
  return { address: serviceAddressText(base), counts, readiness: countsText(counts), ...base };
}

function coreEndpoint(namespace: string, e: EndpointView): Endpoint {
  return {
    addresses: e.addresses,
    ready: e.ready,
    serving: e.serving,
    terminating: e.terminating,
    ...(e.pod ? { targetRef: { kind: 'Pod', namespace, name: e.pod } } : {}),
    ...(e.pending !== undefined ? { pending: { workload: { kind: 'Deployment', namespace, name: e.pod ?? 'workload' }, replicas: e.pending } } : {}),
  };
}

function ns(namespace: string, services: ServiceView[], pods: PodView[], total = pods.length): NamespaceView {
  return { namespace, services, pods, total };
}

const byId = (nodes: readonly MapNode[], id: string) => nodes.find((n) => n.id === id);

/** The shop namespace: api (two ports, one pod not ready), web (ready), a selector that matches nothing, a Service whose pods are all not ready, and an ExternalName. */
function shop(): NamespaceView {
  const api0 = pod('shop', 'api-0', '10.244.0.5', { labels: { app: 'api' } });
  const api1 = pod('shop', 'api-1', '10.244.0.6', { labels: { app: 'api' }, ready: false });
  const web0 = pod('shop', 'web-0', '10.244.0.7', { labels: { app: 'web' } });
  const db0 = pod('shop', 'db-0', '10.244.0.8', { labels: { app: 'db' }, ready: false });
  const lonely = pod('shop', 'batch-job', '10.244.0.9');
  return ns(
    'shop',
    [
      service(
        'shop',
        'api',
        [
          ['http', 8080, 'http'],
          ['metrics', 9090, 'metrics'],
        ],
        [endpoint(api0, { http: 8080, metrics: 9090 }), endpoint(api1, { http: 8080, metrics: 9090 })],
      ),
      service('shop', 'web', [['http', 80, 8080]], [endpoint(web0, { http: 8080 })]),
      service('shop', 'ghost', [['http', 80, 80]], [], { selector: { app: 'nothing-has-this' } }),
      service('shop', 'db', [['pg', 5432, 5432]], [endpoint(db0, { pg: 5432 })]),
      service('shop', 'manual', [['http', 80, 80]], [], { selector: undefined }),
      service('shop', 'payments', [], [], { type: 'ExternalName', externalName: 'pay.example.com', clusterIPs: [], selector: undefined }),
    ],
    [api0, api1, db0, lonely, web0],
  );
}

describe('the map graph', () => {
  it('draws an edge per Service port and endpoint, with the endpoint port and readiness', () => {
    const graph = buildMapGraph([shop()]);
    const [shopNs] = graph.namespaces;
    assert.ok(shopNs);
    assert.equal(shopNs.mode, 'pods');
    const api = shopNs.edges.filter((e) => e.source === 'svc/shop/api');
    assert.deepEqual(
      api.map((e) => [e.sourcePort, e.target, e.targetPort, e.ready]),
      [
        ['svc/shop/api#0', 'pod/shop/api-0', 8080, true],
        ['svc/shop/api#1', 'pod/shop/api-0', 9090, true],
        ['svc/shop/api#0', 'pod/shop/api-1', 8080, false],
        ['svc/shop/api#1', 'pod/shop/api-1', 9090, false],
      ],
    );
    const apiNode = byId(shopNs.nodes, 'svc/shop/api') as MapServiceNode;
    assert.deepEqual(
      apiNode.ports.map((p) => [p.id, p.name, p.port, p.targetPort]),
      [
        ['svc/shop/api#0', 'http', 8080, 'http'],
        ['svc/shop/api#1', 'metrics', 9090, 'metrics'],
      ],
    );
    assert.equal(apiNode.ready, 1);
    assert.equal(apiNode.endpoints, 2);
    assert.equal(apiNode.problem, undefined);
    // A pod behind no Service is still on the map, unconnected.
    assert.ok(byId(shopNs.nodes, 'pod/shop/batch-job'));
    assert.equal(shopNs.edges.filter((e) => e.target === 'pod/shop/batch-job').length, 0);
  });

  it('marks what reaches nothing, and says why', () => {
    const [shopNs] = buildMapGraph([shop()]).namespaces;
    const problem = (name: string) => (byId(shopNs!.nodes, `svc/shop/${name}`) as MapServiceNode).problem;
    assert.deepEqual(problem('ghost'), { code: 'selector-matches-nothing', message: 'selector matches no pod' });
    assert.equal(problem('db')?.code, 'no-ready-endpoints');
    assert.match(problem('db')!.message, /no ready endpoint/);
    assert.equal(problem('manual')?.code, 'no-endpoints');
    assert.equal(problem('payments'), undefined);
    assert.equal(problem('web'), undefined);
    assert.equal(shopNs!.broken, 3);
  });

  it('says when pods match the selector but have no address yet', () => {
    const starting = pod('ns', 'web-0', '', { ips: [], labels: { app: 'web' }, ready: false, phase: 'Pending' });
    const [graph] = buildMapGraph([ns('ns', [service('ns', 'web', [['http', 80, 80]], [])], [starting])]).namespaces;
    assert.deepEqual((byId(graph!.nodes, 'svc/ns/web') as MapServiceNode).problem, { code: 'no-ready-endpoints', message: '1 matching pod has no address' });
  });

  it('merges a dual-stack pod into one edge, and draws endpoints without a pod as addresses', () => {
    const p = pod('ns', 'web-0', '10.0.0.1', { ips: ['10.0.0.1', 'fd00::1'] });
    const view = ns(
      'ns',
      [
        service(
          'ns',
          'web',
          [['http', 80, 8080]],
          [endpoint(p, { http: 8080 }, { addresses: ['10.0.0.1'] }), endpoint(p, { http: 8080 }, { addresses: ['fd00::1'] })],
        ),
        service(
          'ns',
          'legacy',
          [['http', 80, 80]],
          [{ addresses: ['192.168.1.10'], ready: true, serving: true, terminating: false, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }],
          { selector: undefined },
        ),
      ],
      [p],
    );
    const [graph] = buildMapGraph([view]).namespaces;
    assert.equal(graph!.edges.filter((e) => e.source === 'svc/ns/web').length, 1);
    assert.ok(byId(graph!.nodes, 'addr/ns/192.168.1.10'));
    assert.deepEqual(
      graph!.edges.filter((e) => e.source === 'svc/ns/legacy').map((e) => e.target),
      ['addr/ns/192.168.1.10'],
    );
  });

  it('draws a workspace template as one pod standing for its replicas', () => {
    const template = pod('shop', 'web-abc12', '', { ips: [], pending: { kind: 'Deployment', name: 'web', replicas: 3 } });
    const view = ns(
      'shop',
      [
        service(
          'shop',
          'web',
          [['http', 80, 'http']],
          [
            {
              addresses: [],
              ready: true,
              serving: true,
              terminating: false,
              pod: 'web-abc12',
              pending: 3,
              ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
            },
          ],
        ),
      ],
      [template],
    );
    const [graph] = buildMapGraph([view]).namespaces;
    const web = byId(graph!.nodes, 'svc/shop/web') as MapServiceNode;
    assert.equal(web.ready, 3);
    assert.equal(web.problem, undefined);
    assert.equal((byId(graph!.nodes, 'pod/shop/web-abc12') as Extract<MapNode, { kind: 'pod' }>).replicas, 3);
  });

  it("beyond the bound, draws a Service's pods as one node with counts per port, and keeps small namespaces whole", () => {
    const bigPods = Array.from({ length: 1200 }, (_, i) => pod('big', `web-${i}`, `10.1.${i >> 8}.${i & 255}`, { ready: i % 4 !== 0 }));
    const big = ns(
      'big',
      [
        service(
          'big',
          'web',
          [
            ['http', 80, 8080],
            ['admin', 81, 9000],
          ],
          bigPods.map((p) => endpoint(p, { http: 8080, admin: 9000 })),
        ),
      ],
      [],
      1300,
    );
    const small = shop();
    const graph = buildMapGraph([big, small]);
    const bigNs = graph.namespaces.find((n) => n.name === 'big')!;
    const smallNs = graph.namespaces.find((n) => n.name === 'shop')!;
    assert.equal(bigNs.mode, 'aggregate');
    assert.equal(smallNs.mode, 'pods');
    assert.equal(bigNs.nodes.filter((n) => n.kind === 'pod').length, 0);
    assert.deepEqual(byId(bigNs.nodes, 'pods/big/web'), {
      kind: 'pods',
      id: 'pods/big/web',
      namespace: 'big',
      reveal: 'svc/big/web',
      search: 'web big pods',
      count: 1200,
      ready: 900,
      readiness: '900 ready, 300 not ready',
      service: 'web',
    });
    assert.deepEqual(
      bigNs.edges.map((e) => [e.sourcePort, e.target, e.targetPort, e.count, e.readyCount, e.ready]),
      [
        ['svc/big/web#0', 'pods/big/web', 8080, 1200, 900, true],
        ['svc/big/web#1', 'pods/big/web', 9000, 1200, 900, true],
      ],
    );
    // The 100 pods behind no Service are counted in one node.
    assert.equal((byId(bigNs.nodes, 'pods/big/') as Extract<MapNode, { kind: 'pods' }>).count, 100);
    assert.equal(graph.totals.pods, 1305);
    assert.equal(graph.totals.podNodes, 5);
    assert.ok(graph.totals.podNodes <= graph.podBound);
  });

  it('draws exactly 1,000 pods one by one', () => {
    const pods = Array.from({ length: 1000 }, (_, i) => pod('ns', `p-${i}`, `10.2.${i >> 8}.${i & 255}`));
    const graph = buildMapGraph([
      ns(
        'ns',
        [
          service(
            'ns',
            'web',
            [['http', 80, 80]],
            pods.map((p) => endpoint(p, { http: 80 })),
          ),
        ],
        pods,
      ),
    ]);
    assert.equal(graph.namespaces[0]!.mode, 'pods');
    assert.equal(graph.totals.podNodes, 1000);
    assert.equal(graph.namespaces[0]!.edges.length, 1000);
  });

  it('collapses a namespace with too many Services, unless the user opened it', () => {
    const many = ns(
      'huge',
      Array.from({ length: 250 }, (_, i) => service('huge', `s${i}`, [['http', 80, 80]], [])),
      [],
      0,
    );
    const collapsed = buildMapGraph([many]).namespaces[0]!;
    assert.equal(collapsed.mode, 'collapsed');
    assert.equal(collapsed.nodes.length, 0);
    assert.equal(collapsed.broken, 250);
    const opened = buildMapGraph([many], { expanded: ['huge'] }).namespaces[0]!;
    assert.notEqual(opened.mode, 'collapsed');
    assert.equal(opened.nodes.length, 250);
  });

  it('leaves empty namespaces off, and names them', () => {
    const graph = buildMapGraph([ns('kube-public', [], []), shop()]);
    assert.deepEqual(
      graph.namespaces.map((n) => n.name),
      ['shop'],
    );
    assert.deepEqual(graph.empty, ['kube-public']);
  });

  it('keeps hostile names as plain data (the webview draws them as text)', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const p = pod('ns', evil, '10.0.0.1');
    const graph = buildMapGraph([ns('ns', [service('ns', '<script>alert(1)</script>', [['http', 80, 80]], [endpoint(p, { http: 80 })])], [p])]);
    const names = graph.namespaces[0]!.nodes.map((n) => ('name' in n ? n.name : ''));
    assert.deepEqual(names.sort(), ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>']);
  });
});

describe('planning and loading', () => {
  it('fills the pod budget with the smallest namespaces first', () => {
    const plan = planMap(
      [
        { name: 'a', services: 3, pods: 600 },
        { name: 'b', services: 3, pods: 300 },
        { name: 'c', services: 3, pods: 200 },
        { name: 'd', services: 300, pods: 5 },
      ],
      { pods: 1000, namespaceServices: 200 },
    );
    assert.deepEqual(plan, [
      { name: 'a', mode: 'aggregate', limit: 0 },
      { name: 'b', mode: 'pods', limit: 350 },
      { name: 'c', mode: 'pods', limit: 250 },
      { name: 'd', mode: 'collapsed', limit: 0 },
    ]);
  });

  it('asks for pods only where they are drawn', async () => {
    const asked: [string, number][] = [];
    const info: ModelInfo = {
      kind: 'cluster',
      context: 'kind-dev',
      state: 'ready',
      notes: [],
      namespaces: [
        { name: 'big', services: 1, pods: 10000 },
        { name: 'shop', services: 6, pods: 5 },
      ],
    };
    const source: MapSource = {
      modelInfo: async () => info,
      namespace: async (name, limit) => {
        asked.push([name, limit]);
        return name === 'shop' ? shop() : ns('big', [service('big', 'web', [['http', 80, 80]], [])], [], 10000);
      },
    };
    const graph = await loadMapGraph(source);
    assert.deepEqual(asked, [
      ['big', 0],
      ['shop', 55],
    ]);
    assert.equal(graph.title, 'context kind-dev');
    assert.equal(graph.message, undefined);
    assert.deepEqual(
      graph.namespaces.map((n) => [n.name, n.mode]),
      [
        ['big', 'aggregate'],
        ['shop', 'pods'],
      ],
    );
  });

  it('says why a map is empty', async () => {
    const info: ModelInfo = {
      kind: 'cluster',
      context: 'prod',
      state: 'failed',
      errorKind: 'forbidden',
      message: 'pods is forbidden',
      notes: [],
      namespaces: [],
    };
    const graph = await loadMapGraph({ modelInfo: async () => info, namespace: async () => assert.fail('no namespace to ask for') });
    assert.match(graph.message ?? '', /cannot be read: pods is forbidden/);
  });

  it('finds a tree item on the map: itself, else its aggregate, else its namespace', () => {
    assert.deepEqual(mapTargets({ kind: 'pod', namespace: 'shop', name: 'web-0', services: ['web'] }), [
      'pod/shop/web-0',
      'pods/shop/web',
      'pods/shop/',
      'ns/shop',
    ]);
    assert.deepEqual(mapTargets({ kind: 'service', namespace: 'shop', name: 'web' }), ['svc/shop/web', 'pods/shop/web', 'ns/shop']);
  });
});

describe('the webview page', () => {
  // What VS Code gives a desktop webview: its resources are served from the extension's own folders.
  const cspSource = "'self' https://*.vscode-cdn.net";
  const scriptUri = 'https://file%2B.vscode-resource.vscode-cdn.net/ext/dist/webview.js';
  const styleUri = 'https://file%2B.vscode-resource.vscode-cdn.net/ext/media/map.css';
  const nonce = 'r4nd0m+N0nce/value==';
  const page = mapHtml({ cspSource, scriptUri, styleUri, nonce });

  it('has one script tag, with the nonce and the bundle', () => {
    const scripts = [...page.matchAll(/<script\b[^>]*>/gi)];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0]![0], `<script nonce="${nonce}" src="${scriptUri}">`);
    assert.doesNotMatch(page, /<script\b[^>]*>[^<]+<\/script>/i, 'no inline script');
  });

  it('sets the Content-Security-Policy that allows nothing else', () => {
    const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${cspSource}; img-src ${cspSource}; font-src ${cspSource}`;
    assert.equal(mapCsp(cspSource, nonce), csp);
    const metas = [...page.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
    assert.equal(metas.length, 1);
    assert.equal(metas[0]![1], csp.replace(/&/g, '&amp;'));
    assert.doesNotMatch(page, /unsafe-inline|unsafe-eval/);
  });

  it('has no inline style and no remote URL', () => {
    assert.doesNotMatch(page, /<style\b|\sstyle=/i);
    assert.equal([...page.matchAll(/<link\b/gi)].length, 1);
    // Outside the CSP, the only URLs are the webview's own resource URIs.
    const rest = page
      .replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, '')
      .replaceAll(scriptUri, '')
      .replaceAll(styleUri, '');
    assert.doesNotMatch(rest, /https?:|\/\/[a-z]/i);
  });
});

describe('the map: who talks to whom', () => {
  const client = (kind: string, namespace: string, name: string, pods: string[], over: Partial<ClientView> = {}): ClientView => ({
    kind,
    namespace,
    name,
    pods,
    podCount: pods.length,
    ports: ['8080/TCP'],
    verdict: 'allowed',
    isolated: false,
    line: 'Policy: allowed — egress not isolated, ingress not isolated',
    locations: [],
    references: 1,
    ...over,
  });

  /** shop with api's clients: web's pod, and a Deployment of another namespace whose pods the model does not run. */
  function withClients(clients: ClientView[]): NamespaceView {
    const view = shop();
    return { ...view, services: view.services.map((s) => (s.name === 'api' ? { ...s, clients } : s)) };
  }

  it('draws a connection from each drawn pod of a client to the Service, and counts clients with no pod drawn', () => {
    const graph = buildMapGraph([
      withClients([
        client('Deployment', 'shop', 'web', ['web-0'], { verdict: 'blocked', line: 'Policy: blocked — ingress of shop/api-0 isolated by shop/deny' }),
        client('Deployment', 'other', 'gone', []),
      ]),
    ]);
    assert.deepEqual(
      graph.connections.map((c) => [c.source, c.target, c.verdict, c.clients.join()]),
      [['pod/shop/web-0', 'svc/shop/api', 'blocked', 'Deployment shop/web']],
    );
    assert.match(graph.connections[0]!.lines[0]!, /isolated by shop\/deny/);
    assert.equal(graph.undrawnClients, 1);
  });

  it('in a grouped namespace the connection leaves the group the pods are in; two clients there make one connection', () => {
    const view = withClients([
      client('Deployment', 'shop', 'web', ['web-0']),
      client('CronJob', 'shop', 'batch', ['batch-job'], { verdict: 'blocked' }),
      client('Deployment', 'shop', 'db', ['db-0'], { verdict: 'blocked', references: 2 }),
    ]);
    const graph = buildMapGraph([view], { bounds: { pods: 1, namespaceServices: 100 } });
    assert.equal(graph.namespaces[0]!.mode, 'aggregate');
    const bySource = new Map(graph.connections.map((c) => [c.source, c]));
    assert.deepEqual([...bySource.keys()].sort(), ['pods/shop/', 'pods/shop/db', 'pods/shop/web']);
    assert.equal(bySource.get('pods/shop/web')!.verdict, 'allowed');
    assert.equal(bySource.get('pods/shop/')!.clients.join(), 'CronJob shop/batch', 'a pod behind no Service: the pods behind none');
    // Merged: the same two nodes, one allowed and one blocked client.
    const merged = buildMapGraph(
      [withClients([client('Deployment', 'shop', 'a', ['web-0']), client('Deployment', 'shop', 'b', ['web-0'], { verdict: 'blocked' })])],
      {
        bounds: { pods: 1, namespaceServices: 100 },
      },
    ).connections;
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.verdict, 'partial');
    assert.deepEqual(merged[0]!.clients, ['Deployment shop/a', 'Deployment shop/b']);
  });

  it('a collapsed namespace stands for its Services and its pods', () => {
    const many = ns(
      'huge',
      Array.from({ length: 5 }, (_, i) => service('huge', `s${i}`, [['http', 80, 80]], [])),
      [],
    );
    const caller = ns('front', [], [pod('front', 'ui-0', '10.244.1.1')]);
    const huge = { ...many, services: many.services.map((s) => (s.name === 's1' ? { ...s, clients: [client('Deployment', 'front', 'ui', ['ui-0'])] } : s)) };
    const graph = buildMapGraph([huge, caller], { bounds: { pods: 100, namespaceServices: 2 } });
    assert.deepEqual(
      graph.connections.map((c) => [c.source, c.target]),
      [['pod/front/ui-0', 'ns/huge']],
    );
  });
});
