// `netlens reach`: in-process (runReach, with a stand-in for the live cluster) and as a user runs it (the bundled
// dist/cli.js in a child process); its JSON contract, its exit statuses, and its answers on the corpus (Online
// Boutique's matrix, kube-prometheus, Argo CD HA), each expectation worked out by hand from the policies' text.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REACH_USAGE, runReach } from '../../src/cli/reach';
import type { LiveModel } from '../../src/cluster/live-model';
import { parseManifest } from '../../src/core/manifests';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { buildWorkspaceModel } from '../../src/core/workspace';
import { corpusDir, repoRoot } from '../support/repo';

const root = repoRoot();
const cli = join(root, 'dist', 'cli.js');
const corpus = corpusDir();
const boutique = join(corpus, 'online-boutique');
let tmp = '';
let fixture = '';

/** A namespace with cluster IPs written, a headless StatefulSet, and policies that isolate api and web. */
const FIXTURE = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: example/web, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: example/api, ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  clusterIP: 10.96.0.20
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: http}, {name: metrics, port: 9090}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres, ports: [{containerPort: 5432}]}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-out, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: api}}}, {podSelector: {matchLabels: {statefulset.kubernetes.io/pod-name: db-0}}}]
  - to: [{ipBlock: {cidr: 203.0.113.0/24}}]
    ports: [{port: 443}]
`;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `netlens reach` in-process; `live` stands in for the cluster when no -f is given. */
async function reach(args: string[], live?: LiveModel): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await runReach(
    args,
    (s) => (stdout += s),
    (s) => (stderr += s),
    {
      connect: async () => {
        if (!live) throw new Error('no cluster in this test');
        return live;
      },
    },
  );
  return { status, stdout, stderr };
}

async function json(args: string[], live?: LiveModel): Promise<Record<string, any>> {
  const r = await reach([...args, '--json'], live);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line of JSON, got: ${r.stdout}`);
  return JSON.parse(lines[0]!) as Record<string, any>;
}

/** The bundled CLI in a child process, as a user runs it. */
function netlens(args: string[]): Run {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', LC_ALL: 'C.UTF-8' },
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  // `npm test` bundles before the unit tests; when they run on their own, bundle once here.
  if (!existsSync(cli)) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `bundling failed: ${r.stderr}`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'netlens-reach-'));
  fixture = join(tmp, 'shop.yaml');
  writeFileSync(fixture, FIXTURE);
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('netlens reach --json', () => {
  it('follows the contract: source, target, verdict, dns, paths with both directions, notEvaluated', async () => {
    const a = await json(['default/Deployment/frontend', 'cartservice:7070', '-f', boutique]);
    assert.deepEqual(Object.keys(a).sort(), ['dns', 'model', 'notEvaluated', 'paths', 'source', 'summary', 'target', 'verdict']);
    assert.deepEqual(a.source, { namespace: 'default', kind: 'Deployment', name: 'frontend', pods: ['default/frontend'] });
    assert.deepEqual(a.target, { input: 'cartservice:7070', kind: 'Service', namespace: 'default', name: 'cartservice', port: 7070, protocol: 'TCP' });
    assert.equal(a.verdict, 'allowed');
    assert.equal(a.dns, 'allowed', "frontend's egress [{}] admits port 53 to the DNS pods");
    assert.deepEqual(a.paths, [
      {
        from: 'default/frontend',
        pod: 'default/cartservice',
        port: 7070,
        protocol: 'TCP',
        egress: { isolated: true, isolatedBy: ['default/deny-all', 'default/frontend'], allowedBy: ['default/frontend#egress[0]'] },
        ingress: { isolated: true, isolatedBy: ['default/cartservice', 'default/deny-all'], allowedBy: ['default/cartservice#ingress[0]'] },
        verdict: 'allowed',
      },
    ]);
    assert.deepEqual(a.notEvaluated, []);
    assert.equal(a.summary, 'Policy: allowed — egress by default/frontend#egress[0], ingress by default/cartservice#ingress[0]');
  });

  it('a blocked call: the closest rule and what it lacks, in the blocked direction', async () => {
    const a = await json(['default/Deployment/recommendationservice', 'cartservice', '-f', boutique]);
    assert.equal(a.verdict, 'blocked', 'cartservice#ingress[0] admits frontend and checkoutservice only');
    assert.deepEqual(a.paths[0].ingress.closest, { rule: 'default/cartservice#ingress[0]', policy: 'default/cartservice', missing: ['peer'] });
    assert.equal(a.paths[0].port, 7070, 'the Service port 7070 goes to target port 7070');
  });

  it('a Service port name, a workload target, a pod source, an endpoint name, a cluster IP and an address', async () => {
    // --port by name: the Service port http (80) goes to the container port named http (8080), which api admits.
    assert.equal((await json(['shop/Deployment/web', 'api', '--port', 'http', '-f', fixture])).verdict, 'allowed');
    // Without a port the Service's two ports are judged; api#ingress[0] admits http only.
    const both = await json(['shop/web', 'shop/Service/api', '-f', fixture]);
    assert.equal(both.verdict, 'unknown');
    assert.equal(both.reason, 'port-unknown');
    assert.deepEqual(
      both.paths.map((p: any) => `${p.port} ${p.verdict}`),
      ['8080 allowed', '9090 blocked'],
    );
    // A workload reached directly, on each port its Service sends traffic to.
    const pods = await json(['shop/Deployment/web', 'shop/Deployment/api', '-f', fixture]);
    assert.equal(pods.verdict, 'partial');
    assert.equal(pods.dns, 'not-needed');
    assert.deepEqual(pods.target.ports, [
      { port: 8080, protocol: 'TCP' },
      { port: 9090, protocol: 'TCP' },
    ]);
    // The endpoint name db-1.db reaches pod db-1 alone, which web-out's egress rule does not name (db-0 only).
    const db1 = await json(['shop/Deployment/web', 'db-1.db:5432', '-f', fixture]);
    assert.equal(db1.verdict, 'blocked');
    assert.deepEqual(
      db1.paths.map((p: any) => p.pod),
      ['shop/db-1'],
    );
    assert.equal((await json(['shop/Deployment/web', 'db-0.db:5432', '-f', fixture])).verdict, 'allowed');
    // The headless Service by name: both pods, on the port as written.
    assert.equal((await json(['shop/Deployment/web', 'db:5432', '-f', fixture])).verdict, 'partial');
    // A cluster IP is its Service.
    const ip = await json(['shop/Deployment/web', '10.96.0.20:80', '-f', fixture]);
    assert.equal(ip.target.name, 'api');
    assert.equal(ip.dns, 'not-needed', 'an IP is not looked up');
    // An address that is no pod's: web-out's second rule admits 203.0.113.0/24 on 443 only.
    assert.equal((await json(['shop/Deployment/web', '203.0.113.9:443', '-f', fixture])).verdict, 'allowed');
    assert.equal((await json(['shop/Deployment/web', '203.0.113.9:80', '-f', fixture])).verdict, 'blocked');
  });

  it('a name outside the cluster: only egress can stop it; an ipBlock rule makes it depend on the address', async () => {
    const out = await json(['shop/Deployment/web', 'api.github.com:443', '-f', fixture]);
    assert.equal(out.target.kind, 'Outside');
    assert.equal(out.verdict, 'unknown', 'web-out#egress[1] admits 203.0.113.0/24 on 443, which the name may resolve to');
    assert.equal(
      (await json(['shop/Deployment/web', 'api.github.com:80', '-f', fixture])).verdict,
      'blocked',
      'no egress rule of web-out admits port 80 to an address outside the pods',
    );
    assert.equal((await json(['shop/Deployment/api', 'api.github.com:80', '-f', fixture])).verdict, 'allowed', 'api is not isolated for egress');
    const assistant = await json(['default/Deployment/shoppingassistantservice', 'generativelanguage.googleapis.com:443', '-f', boutique]);
    assert.equal(assistant.verdict, 'blocked', 'deny-all isolates its egress and no policy admits anything');
    assert.equal(assistant.dns, 'blocked');
  });

  it('a name that resolves to nothing is an answer (unknown, exit 0)', async () => {
    const a = await json(['shop/Deployment/web', 'nope:80', '-f', fixture]);
    assert.equal(a.verdict, 'unknown');
    assert.equal(a.target.kind, 'NotFound');
  });
});

describe('netlens reach: usage', () => {
  const bad: [string[], RegExp][] = [
    [[], /give a SOURCE and a TARGET/],
    [['shop/web'], /give a SOURCE and a TARGET/],
    [['shop/web', 'api', 'extra'], /got 3 arguments/],
    [['shop/web', 'api', '--protocol', 'ICMP'], /--protocol must be TCP, UDP or SCTP/],
    [['shop/web', 'api', '--port', '70000'], /--port must be 1 to 65535/],
    [['shop/web', 'api:80', '--port', '81'], /TARGET says port 80 and --port 81/],
    [['--matrix'], /--matrix reads manifests: give them with -f/],
    [['--matrix', 'shop/web', '-f', 'x'], /give no SOURCE or TARGET/],
    [['web', 'api'], /SOURCE must be NS\/NAME of a pod or NS\/KIND\/NAME/],
    [['shop/nothing', 'api'], /no pod shop\/nothing in the manifests/],
    [['shop/Deployment/nothing', 'api'], /no Deployment shop\/nothing with pods in the manifests/],
    [['shop/web', 'shop/Service/nothing'], /no Service shop\/nothing/],
    [['shop/web', '-f', '/x', '--context', 'c', 'api'], /give one or the other/],
    [['shop/web', '--bogus', 'api'], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of bad) {
    it(`exits 2 for: netlens reach ${args.join(' ')}`, async () => {
      const needsFile = args.length > 0 && !args.includes('-f') && !args.includes('--matrix') && !args.includes('--bogus');
      const r = await reach(needsFile ? [...args, '-f', fixture] : args);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.ok(r.stderr.endsWith(REACH_USAGE), 'the usage follows the message');
      assert.equal(r.stdout, '');
    });
  }

  it('an unreadable -f is exit 2 with the file named', async () => {
    const r = await reach(['shop/web', 'api', '-f', join(tmp, 'missing.yaml')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing\.yaml.*no such file or folder/);
  });
});

describe('netlens reach on a live cluster (a stand-in model)', () => {
  /** What LiveModel offers the command: its snapshot, its kubeconfig's context, the API for workload templates. */
  function liveOf(withPolicies: boolean): { live: LiveModel; asked: string[]; stopped: () => boolean } {
    const model = buildWorkspaceModel([parseManifest('shop.yaml', FIXTURE)]);
    const { networkPolicies, ...rest } = model.objects;
    const snapshot = ClusterSnapshot.build(withPolicies ? { ...rest, networkPolicies: networkPolicies! } : rest);
    const asked: string[] = [];
    let stopped = false;
    const live = {
      kubeconfig: { context: 'test' },
      snapshot: () => snapshot,
      stop: () => {
        stopped = true;
      },
      api: {
        getJson: async (path: string) => {
          asked.push(path);
          return {
            metadata: { name: 'web', namespace: 'shop' },
            spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'example/web' }] } } },
          };
        },
      },
    };
    return { live: live as unknown as LiveModel, asked, stopped: () => stopped };
  }

  it("reads the workload's pod template from the API server and judges it with the cluster's policies", async () => {
    const { live, asked, stopped } = liveOf(true);
    const a = await json(['shop/Deployment/web', 'api:80'], live);
    assert.deepEqual(asked, ['/apis/apps/v1/namespaces/shop/deployments/web']);
    assert.equal(a.verdict, 'allowed');
    assert.equal(a.model, 'the cluster of context test');
    assert.ok(stopped(), 'the watches are stopped after the answer');
  });

  it('a cluster whose NetworkPolicies cannot be read: unknown, and said on stderr', async () => {
    const { live } = liveOf(false);
    const r = await reach(['shop/Deployment/web', 'api:80', '--json'], live);
    assert.equal(r.status, 0);
    assert.equal(JSON.parse(r.stdout).verdict, 'unknown');
    assert.equal(JSON.parse(r.stdout).reason, 'policies-unknown');
    assert.match(r.stderr, /NetworkPolicies of the cluster of context test cannot be read; verdicts are unknown/);
  });

  it('--matrix needs manifests', async () => {
    const r = await reach(['--matrix'], liveOf(true).live);
    assert.equal(r.status, 2);
  });
});

describe('netlens reach --matrix on Online Boutique (13 NetworkPolicies)', () => {
  /**
   * What each workload's ingress admits, from its policy (deny-all isolates every pod of default both ways, and every
   * app's policy has `egress: [{}]` but the shopping assistant, which has no policy of its own).
   */
  const ADMITS: Record<string, [string[], string]> = {
    adservice: [['frontend'], 'adservice#ingress[0]: from app=frontend on 9555'],
    cartservice: [['frontend', 'checkoutservice'], 'cartservice#ingress[0]: frontend and checkoutservice on 7070'],
    checkoutservice: [['frontend'], 'checkoutservice#ingress[0]: frontend on 5050'],
    currencyservice: [['frontend', 'checkoutservice'], 'currencyservice#ingress[0]: frontend and checkoutservice on 7000'],
    emailservice: [['checkoutservice'], 'emailservice#ingress[0]: checkoutservice on 8080 (the Service’s 5000 → 8080)'],
    frontend: [['*'], 'frontend#ingress[0] is {}: every peer, every port'],
    paymentservice: [['checkoutservice'], 'paymentservice#ingress[0]: checkoutservice on 50051'],
    productcatalogservice: [['frontend', 'checkoutservice', 'recommendationservice'], 'productcatalogservice#ingress[0]: three clients on 3550'],
    recommendationservice: [['frontend'], 'recommendationservice#ingress[0]: frontend on 8080'],
    'redis-cart': [['cartservice'], 'redis-cart#ingress[0]: cartservice on 6379'],
    shippingservice: [['frontend', 'checkoutservice'], 'shippingservice#ingress[0]: frontend and checkoutservice on 50051'],
    shoppingassistantservice: [[], 'only deny-all selects it: no ingress at all'],
  };

  it('matches the hand-checked table, cell by cell', async () => {
    const m = await json(['--matrix', '-f', boutique]);
    const names = m.workloads.map((w: any) => w.name);
    assert.equal(names.length, 13);
    for (const cell of m.cells as { source: string; target: string; verdict: string }[]) {
      const source = cell.source.split('/')[2]!;
      const target = cell.target.split('/')[2]!;
      let expected: string;
      let why: string;
      if (target === 'loadgenerator') [expected, why] = ['none', 'the load generator serves no port: no Service, no container port'];
      else if (source === 'shoppingassistantservice') [expected, why] = ['blocked', 'deny-all isolates its egress and nothing admits any'];
      else {
        const [clients, reason] = ADMITS[target]!;
        expected = clients.includes('*') || clients.includes(source) ? 'allowed' : 'blocked';
        why = reason;
      }
      assert.equal(cell.verdict, expected, `${source} → ${target}: ${why}`);
    }
    for (const w of m.workloads as { name: string; dns: string }[]) {
      assert.equal(w.dns, w.name === 'shoppingassistantservice' ? 'blocked' : 'allowed', `${w.name}: egress [{}] admits port 53, except for the assistant`);
    }
  });

  it('prints the table for a terminal, with a legend and the ports judged', async () => {
    const r = await reach(['--matrix', '-f', boutique, '-n', 'default']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^Reach from each workload \(row\) to each workload \(column\) of the manifests in namespace default/);
    const frontend = lines.find((l) => /^ 6 default\/Deployment\/frontend /.test(l))!;
    // adservice cart checkout currency email frontend loadgen payment catalog recommendation redis shipping assistant; DNS
    assert.match(frontend, / \. {2}\. {2}\. {2}\. {2}X {2}\. {2}- {2}X {2}\. {2}\. {2}X {2}\. {2}X {2}\.$/);
    assert.ok(lines.includes(' 2 default/Deployment/cartservice: 7070/TCP'));
  });

  it('--port judges one port on every target', async () => {
    const m = await json(['--matrix', '-f', boutique, '--port', '8080']);
    const cell = (s: string, t: string) => m.cells.find((c: any) => c.source === `default/Deployment/${s}` && c.target === `default/Deployment/${t}`).verdict;
    assert.equal(cell('frontend', 'cartservice'), 'blocked', 'cartservice admits 7070 only');
    assert.equal(cell('checkoutservice', 'emailservice'), 'allowed', 'emailservice admits checkoutservice on 8080');
    assert.equal(cell('frontend', 'loadgenerator'), 'blocked', 'deny-all isolates the load generator for ingress');
  });
});

describe('netlens reach on kube-prometheus and Argo CD HA', () => {
  const prom = join(corpus, 'kube-prometheus', 'manifests');
  const argo = join(corpus, 'argo-cd-ha', 'install.yaml');
  /** [source, target, expected verdict, dns, why]. */
  const cases: [string[], string, string, string][] = [
    [
      ['monitoring/Prometheus/k8s', 'alertmanager-main:9093', '-f', prom],
      'allowed',
      'allowed',
      'alertmanager-main#ingress[0] admits app.kubernetes.io/name=prometheus on 9093',
    ],
    [
      ['monitoring/Deployment/grafana', 'alertmanager-main:9093', '-f', prom],
      'blocked',
      'allowed',
      'alertmanager-main admits prometheus on 9093 and alertmanager on 9094 only',
    ],
    [
      ['monitoring/Deployment/grafana', 'prometheus-k8s:9090', '-f', prom],
      'allowed',
      'allowed',
      'prometheus-k8s#ingress[2] admits grafana on 9090 (its datasource)',
    ],
    [['monitoring/Deployment/grafana', 'prometheus-k8s', '-f', prom], 'unknown', 'allowed', 'no port written: 9090 is admitted, 8080 (reloader-web) is not'],
    [
      ['monitoring/Alertmanager/main', 'monitoring/Alertmanager/main', '-f', prom],
      'partial',
      'not-needed',
      'peers reach each other on 9094 TCP and UDP only (ingress[1]), not on 9093 or 8080',
    ],
    [
      ['argocd/Deployment/argocd-server', 'argocd-repo-server:8081', '-f', argo, '-n', 'argocd'],
      'allowed',
      'allowed',
      'repo-server#ingress[0] admits argocd-server on 8081 (repo.server)',
    ],
    [
      ['argocd/Deployment/argocd-dex-server', 'argocd-redis-ha-haproxy:6379', '-f', argo, '-n', 'argocd'],
      'blocked',
      'allowed',
      'redis-ha-proxy#ingress[0] lists server, repo server and controller, not dex',
    ],
    [
      ['argocd/StatefulSet/argocd-redis-ha-server', 'argocd-repo-server:8081', '-f', argo, '-n', 'argocd'],
      'blocked',
      'allowed',
      'redis-ha-server egress admits redis-ha pods on 6379 and 26379, and port 53',
    ],
    [
      ['argocd/StatefulSet/argocd-redis-ha-server', 'argocd-redis-ha-announce-2:26379', '-f', argo, '-n', 'argocd'],
      'allowed',
      'allowed',
      'its egress[0] and redis-ha-server#ingress[0] admit redis-ha pods on 26379',
    ],
  ];
  for (const [args, verdict, dns, why] of cases) {
    it(`${args[0]} → ${args[1]}: ${verdict} (${why})`, async () => {
      const a = await json(args);
      assert.equal(a.verdict, verdict, `${why}\n${a.summary}`);
      assert.equal(a.dns, dns);
    });
  }
});

describe('netlens reach as a child process (dist/cli.js)', () => {
  it('answers with exit 0 and one line of JSON', () => {
    const r = netlens(['reach', 'default/Deployment/frontend', 'shoppingassistantservice', '-f', boutique, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const a = JSON.parse(r.stdout) as { verdict: string; summary: string };
    assert.equal(a.verdict, 'blocked');
    assert.equal(
      a.summary,
      'Policy: blocked — ingress of default/shoppingassistantservice isolated by default/deny-all, whose policies admit no ingress at all',
    );
  });

  it('prints the verdict and each path for a terminal', () => {
    const r = netlens(['reach', 'default/Deployment/recommendationservice', 'productcatalogservice:3550', '-f', boutique]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'Policy: allowed — egress by default/recommendationservice#egress[0], ingress by default/productcatalogservice#ingress[0]',
        '  from Deployment default/recommendationservice (1 pod) to Service default/productcatalogservice on 3550/TCP, in the manifests',
        '  DNS: allowed (UDP allowed, TCP allowed; the DNS pods are assumed: kube-system, k8s-app=kube-dns)',
        '  default/recommendationservice → default/productcatalogservice 3550/TCP: allowed — egress by default/recommendationservice#egress[0], ingress by default/productcatalogservice#ingress[0]',
        '',
      ].join('\n'),
    );
  });

  it('bad usage is exit 2 with the usage on stderr', () => {
    const r = netlens(['reach', 'default/frontend']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /give a SOURCE and a TARGET/);
    assert.match(r.stderr, /netlens reach --matrix/);
  });

  it('--matrix --json is one line of JSON', () => {
    const r = netlens(['reach', '--matrix', '-f', boutique, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const m = JSON.parse(r.stdout) as { workloads: unknown[]; cells: unknown[] };
    assert.equal(m.cells.length, m.workloads.length ** 2);
  });
});
