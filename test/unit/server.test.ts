// The language server's logic, driven in-process through a fake client: documents in, diagnostics, hovers,
// inlay hints, code actions and definitions out. Fixtures mark the cursor with `|`.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, mock } from 'node:test';
import { type CodeAction, type Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isMap, isScalar, isSeq, parseAllDocuments, type Scalar, type Node as YamlNode } from 'yaml';
import { type ChunkedManifest, ManifestCache } from '../../src/core/incremental';
import { parseManifest } from '../../src/core/manifests';
import { buildWorkspaceModel } from '../../src/core/workspace';
import { DEFAULT_SETTINGS, type LiveSource, MAX_REFERENCES, NetLensServer, type ServerClient, type ServerSettings } from '../../src/server/server';
import { corpusDir } from '../support/repo';

// ---- harness ----

interface Published {
  readonly uri: string;
  readonly version: number | undefined;
  readonly diagnostics: Diagnostic[];
}

/** Records what the server sends: published diagnostics and log lines. */
class FakeClient implements ServerClient {
  readonly published: Published[] = [];
  readonly logs: { level: 'info' | 'warn' | 'error'; message: string }[] = [];
  /** How many times the server said the workspace model (the one the views show) changed. */
  workspaceChanges = 0;

  workspaceChanged(): void {
    this.workspaceChanges++;
  }

  publishDiagnostics(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void {
    this.published.push({ uri, version, diagnostics });
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.logs.push({ level, message });
  }

  /** The diagnostics last published for a document. */
  last(uri: string): Published {
    for (let i = this.published.length - 1; i >= 0; i--) if (this.published[i]!.uri === uri) return this.published[i]!;
    assert.fail(`nothing was published for ${uri}`);
  }

  errors(): string[] {
    return this.logs.filter((l) => l.level === 'error').map((l) => l.message);
  }
}

/** Strips the one marker that shows the cursor and returns the text and the cursor's offset. */
function cursor(marked: string, marker = '|'): { text: string; offset: number } {
  const offset = marked.indexOf(marker);
  assert.ok(offset >= 0, `no ${marker} marks the cursor`);
  assert.equal(marked.indexOf(marker, offset + 1), -1, `more than one ${marker} in the fixture`);
  return { text: marked.slice(0, offset) + marked.slice(offset + marker.length), offset };
}

/** Markdown as a person reads it: escapes removed. */
function plain(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1');
}

/** The hover at an offset, in markdown. */
function hoverMarkdown(server: NetLensServer, uri: string, offset: number): string {
  const hover = server.hover(uri, offset, 'markdown');
  assert.ok(hover, `a hover at ${offset}`);
  assert.equal((hover.contents as { kind: string }).kind, 'markdown');
  return (hover.contents as { value: string }).value;
}

/** The text a range covers. */
function textAt(text: string, range: Range): string {
  const doc = TextDocument.create('file:///x', 'yaml', 0, text);
  return text.slice(doc.offsetAt(range.start), doc.offsetAt(range.end));
}

/** The offset just after `before` in `text` (which must occur once), for ranges computed independently. */
function offsetAfter(text: string, before: string): number {
  const i = text.indexOf(before);
  assert.ok(i >= 0 && text.indexOf(before, i + 1) < 0, `"${before}" occurs once`);
  return i + before.length;
}

function applyAction(text: string, uri: string, action: CodeAction): string {
  const edits = action.edit?.changes?.[uri];
  assert.ok(edits && edits.length > 0, `"${action.title}" edits ${uri}`);
  return TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 0, text), edits);
}

const WHOLE: Range = { start: { line: 0, character: 0 }, end: { line: 1_000_000, character: 0 } };

// ---- fixtures ----

const SHOP_URI = 'file:///ws/shop.yaml';
/** The cluster the references point into: Services, the workloads they select, and one Pod with its status. */
const SHOP = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  clusterIP: 10.96.4.2
  selector: {app: api}
  ports:
    - {name: http, port: 8080, targetPort: http}
    - {name: metrics, port: 9090, targetPort: 9090}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: example/api:2
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  clusterIP: 10.96.0.10
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: Service
metadata:
  name: redis
  namespace: shop
spec:
  clusterIP: None
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
  namespace: shop
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers: [{name: redis, image: redis:7}]
---
apiVersion: v1
kind: Pod
metadata:
  name: db-0
  namespace: shop
  labels: {app: db}
spec:
  containers:
    - name: db
      image: postgres:16
      ports: [{name: pg, containerPort: 5432}]
status:
  phase: Running
  podIP: 10.244.1.7
  podIPs: [{ip: 10.244.1.7}]
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Service
metadata:
  name: db
  namespace: shop
spec:
  clusterIP: 10.96.0.20
  selector: {app: db}
  ports: [{name: pg, port: 5432, targetPort: pg}]
`;

/** A Deployment in `namespace` whose one container has the env var `name: "value"`. */
function workload(namespace: string, name: string, value: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: ${namespace}}
spec:
  template:
    spec:
      containers:
        - name: client
          image: example/client
          env:
            - name: ${name}
              value: "${value}"
`;
}

/**
 * A Service of namespace shop with pods of its own, for fixtures that need the manifests to hold shop's Services (a
 * namespace whose Services the manifests do not declare is managed elsewhere, and names in it are not checked).
 */
const OTHER_SHOP_SERVICE = `apiVersion: v1
kind: Service
metadata: {name: other, namespace: shop}
spec:
  ports: [{port: 80}]
`;

function shopServer(settings: ServerSettings = DEFAULT_SETTINGS): { client: FakeClient; server: NetLensServer } {
  const client = new FakeClient();
  const server = new NetLensServer(client, settings);
  server.open(SHOP_URI, SHOP, 1);
  return { client, server };
}

// ---- tests ----

describe('server: the workspace fixture', () => {
  it('has no findings of its own', () => {
    const { client } = shopServer();
    assert.deepEqual(client.last(SHOP_URI).diagnostics, []);
    assert.deepEqual(client.errors(), []);
  });
});

describe('server: hover', () => {
  it('on "api.shop:8080" shows the Service, its ClusterIP, the matched port, the endpoints and the source', () => {
    const { server } = shopServer();
    const { text, offset } = cursor(`apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: front
          env:
            - name: API_ADDR
              value: "api.sh|op:8080"
`);
    server.open('file:///ws/front.yaml', text, 1);
    const hover = server.hover('file:///ws/front.yaml', offset);
    assert.ok(hover, 'a hover');
    assert.equal(textAt(text, hover.range!), 'api.shop:8080');
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /^`api\.shop:8080` → `api\.shop\.svc\.cluster\.local\.`\n- A `10\.96\.4\.2`\n/);
    assert.match(value, /^\*\*Service\*\* `shop\/api` · ClusterIP · `10\.96\.4\.2`$/m);
    assert.match(value, /^\| 8080 ← \| `http` \| TCP \| `http` \|$/m, 'the port written is marked');
    assert.match(value, /^\| 9090 \| `metrics` \| TCP \| `9090` \|$/m, 'other ports are listed unmarked');
    // The three replicas of Deployment api are the endpoints; the hover and the inlay hint count them alike.
    assert.match(value, /^Endpoints: 3 ready\n- 3 × Deployment `api` · _IPs allocated by the cluster_$/m);
    assert.match(
      value,
      /^Search path from namespace `shop`:\n1\. `api\.shop\.shop\.svc\.cluster\.local\.` · NXDOMAIN\n2\. `api\.shop\.svc\.cluster\.local\.` · 1 record ← answered$/m,
    );
    assert.match(value, /\n\n_Source: the workspace manifests_$/);
  });

  it('on a Service without clusterIP says the cluster allocates it', () => {
    const { server } = shopServer();
    const { text, offset } = cursor(workload('shop', 'WEB_URL', 'http://w|eb/index.html'));
    server.open('file:///ws/front.yaml', text, 1);
    const hover = server.hover('file:///ws/front.yaml', offset);
    assert.ok(hover);
    assert.equal(textAt(text, hover.range!), 'http://web');
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /^\*\*Service\*\* `shop\/web` · ClusterIP · _cluster IP allocated by the cluster_$/m);
    assert.match(value, /^- A _\(allocated by the cluster\)_$/m);
    assert.match(value, /^Endpoints: 2 ready$/m);
  });

  it('counts pods, not endpoint records: a headless Service of a StatefulSet, a dual-stack Service', () => {
    const { server } = shopServer();
    const headless = cursor(workload('shop', 'CACHE_ADDR', 're|dis:6379'));
    server.open('file:///ws/cache.yaml', headless.text, 1);
    const value = hoverMarkdown(server, 'file:///ws/cache.yaml', headless.offset);
    assert.match(value, /^\*\*Service\*\* `shop\/redis` · ClusterIP · headless$/m);
    assert.match(value, /^Endpoints: 3 ready$/m);
    assert.match(value, /^- `redis-0` · StatefulSet `redis` · _IP allocated by the cluster_\n- `redis-1` .*\n- `redis-2` /m, 'each pod with its hostname');

    const dual = cursor(`apiVersion: v1
kind: Service
metadata: {name: dual, namespace: shop}
spec:
  ipFamilyPolicy: RequireDualStack
  ipFamilies: [IPv4, IPv6]
  clusterIPs: [10.96.9.9, "fd00::99"]
  selector: {app: dual}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dual, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: dual}}
  template:
    metadata: {labels: {app: dual}}
    spec:
      containers: [{name: dual, image: example/dual, env: [{name: SELF_ADDR, value: "du|al:80"}]}]
`);
    server.open('file:///ws/dual.yaml', dual.text, 1);
    const dualValue = hoverMarkdown(server, 'file:///ws/dual.yaml', dual.offset);
    assert.match(dualValue, /^Endpoints: 3 ready$/m);
    assert.deepEqual(
      server.inlayHints('file:///ws/dual.yaml', WHOLE).map((h) => h.label),
      ['→ 10.96.9.9:80 · 3 ready'],
    );
  });

  it('on a pod IP shows its owners: the pod and the Service it is an endpoint of', () => {
    const { server } = shopServer();
    const { text, offset } = cursor(workload('shop', 'DB_HOST', '10.244.|1.7'));
    server.open('file:///ws/front.yaml', text, 1);
    const hover = server.hover('file:///ws/front.yaml', offset);
    assert.ok(hover);
    const value = (hover.contents as { value: string }).value;
    assert.equal(
      value,
      [
        '`10.244.1.7` → `7.1.244.10.in-addr.arpa.`',
        '- PTR `10-244-1-7.db.shop.svc.cluster.local.`',
        '',
        '**Owners**',
        '- pod `shop/db-0` (Running, ready)',
        '- a ready endpoint of Service `shop/db`',
        '',
        '_Source: the workspace manifests_',
      ].join('\n'),
      'each owner once, and no sentence that repeats them',
    );
  });

  it('on a cluster IP names its Service', () => {
    const { server } = shopServer();
    const { text, offset } = cursor(workload('shop', 'API_HOST', '|10.96.4.2'));
    server.open('file:///ws/front.yaml', text, 1);
    const value = hoverMarkdown(server, 'file:///ws/front.yaml', offset);
    // The Service is shown, and the owner that only repeats it ("the cluster IP of Service shop/api") is not.
    assert.match(value, /^- PTR `api\.shop\.svc\.cluster\.local\.`$/m);
    assert.match(value, /^\*\*Service\*\* `shop\/api` · ClusterIP · `10\.96\.4\.2`$/m);
    assert.doesNotMatch(value, /Owners|the cluster IP of/);
  });

  it('answers nothing off a reference', () => {
    const { server } = shopServer();
    const { text, offset } = cursor(workload('shop', 'API_A|DDR', 'api.shop:8080'));
    server.open('file:///ws/front.yaml', text, 1);
    assert.equal(server.hover('file:///ws/front.yaml', offset), null);
    assert.equal(server.hover('file:///ws/not-open.yaml', 0), null);
  });

  it('treats a short bare name as a reference in a host position only', () => {
    const { server } = shopServer();
    const host = cursor(workload('shop', 'API_HOST', 'a|pi'));
    server.open('file:///ws/a.yaml', host.text, 1);
    assert.ok(server.hover('file:///ws/a.yaml', host.offset), 'API_HOST is a host position');
    const other = cursor(workload('shop', 'GREETING', 'a|pi'));
    server.open('file:///ws/b.yaml', other.text, 1);
    assert.equal(server.hover('file:///ws/b.yaml', other.offset), null, 'GREETING is not');
  });
});

describe('server: inlay hints', () => {
  it('give the short answer after each reference', () => {
    const { server } = shopServer();
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: front
          env:
            - {name: API_ADDR, value: "api.shop:8080"}
            - {name: WEB_URL, value: "http://web/"}
            - {name: DB_HOST, value: "10.244.1.7"}
`;
    const uri = 'file:///ws/front.yaml';
    server.open(uri, text, 1);
    const doc = TextDocument.create(uri, 'yaml', 1, text);
    const hints = server.inlayHints(uri, WHOLE).map((h) => ({ at: doc.offsetAt(h.position), label: h.label }));
    assert.deepEqual(hints, [
      { at: offsetAfter(text, '"api.shop:8080'), label: '→ 10.96.4.2:8080 · 3 ready' },
      { at: offsetAfter(text, '"http://web'), label: '→ allocated IP · 2 ready' },
      { at: offsetAfter(text, '"10.244.1.7'), label: '→ Pod shop/db-0 (+1)' },
    ]);
  });

  it('are limited to the range asked for', () => {
    const { server } = shopServer();
    const text = `${workload('shop', 'API_ADDR', 'api.shop:8080')}            - name: WEB_ADDR\n              value: "web:80"\n`;
    server.open('file:///ws/front.yaml', text, 1);
    const lastLine = text.split('\n').length - 2;
    const hints = server.inlayHints('file:///ws/front.yaml', { start: { line: lastLine, character: 0 }, end: { line: lastLine + 1, character: 0 } });
    assert.deepEqual(
      hints.map((h) => h.label),
      ['→ allocated IP:80 · 2 ready'],
    );
  });

  it('can be switched off in the settings', () => {
    const { server } = shopServer({ ...DEFAULT_SETTINGS, inlayHints: false });
    const { text, offset } = cursor(workload('shop', 'API_ADDR', 'a|pi.shop:8080'));
    server.open('file:///ws/front.yaml', text, 1);
    assert.deepEqual(server.inlayHints('file:///ws/front.yaml', WHOLE), []);
    assert.ok(server.hover('file:///ws/front.yaml', offset), 'hovers stay');
  });
});

describe('server: YAML that is not a Kubernetes manifest gets nothing', () => {
  const WORKFLOW = `name: CI
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    services:
      redis:
        image: redis
        ports: ["6379:6379"]
    env:
      API_URL: http://api.shop.svc.cluster.local:8080
      DB_HOST: 10.244.1.7
      WEB_HOST: web.default.services.cluster.local
    steps:
      - uses: actions/checkout@v4
      - run: curl http://web.shop.svc.mycluster.local:80/
`;
  const COMPOSE = `services:
  web:
    image: nginx
    ports: ["8080:80"]
    environment:
      API_ADDR: "apu:8080"
      DB_URL: postgres://10.244.1.7:5432/orders
  api:
    image: example/api
    ports:
      - "9999:8080"
`;
  for (const [name, text] of [
    ['a GitHub workflow', WORKFLOW],
    ['a docker-compose file', COMPOSE],
  ] as const) {
    it(`${name}: no diagnostics, no hovers, no hints, no definitions`, () => {
      const { client, server } = shopServer();
      const uri = `file:///ws/${name.replace(/\W+/g, '-')}.yaml`;
      server.open(uri, text, 1);
      assert.deepEqual(client.last(uri).diagnostics, []);
      for (let i = 0; i <= text.length; i++) {
        assert.equal(server.hover(uri, i), null, `no hover at offset ${i}`);
        assert.equal(server.definition(uri, i), null, `no definition at offset ${i}`);
      }
      assert.deepEqual(server.inlayHints(uri, WHOLE), []);
      assert.deepEqual(client.errors(), []);
    });
  }
});

describe('server: templates and comments are not references', () => {
  it('gets no diagnostics and no hints for templated values and commented-out lines', () => {
    const { client, server } = shopServer();
    const uri = 'file:///ws/templated.yaml';
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: templated, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: templated
          env:
            - {name: API_URL, value: "http://\${API_HOST}:9999/v1"}
            - {name: PEER_ADDR, value: "$(POD_NAME).nosuch.shop.svc.cluster.local:9999"}
            - {name: CHART_ADDR, value: "{{ .Values.host }}:9999"}
            - {name: GLUED_ADDR, value: "\${SERVICE}-announce-0.\${NAMESPACE}.svc:9999"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: templated, namespace: shop}
data:
  upstream.conf: |
    # server apu.shop.svc.cluster.local:9999;
    ; server apu.shop.svc.cluster.local:9999;
    // server apu.shop.svc.cluster.local:9999;
`;
    server.open(uri, text, 1);
    assert.deepEqual(client.last(uri).diagnostics, []);
    assert.deepEqual(server.inlayHints(uri, WHOLE), []);
  });
});

describe('server: diagnostics and their quick fixes', () => {
  interface FixCase {
    readonly code: string;
    readonly why: string;
    readonly namespace: string;
    readonly env: string;
    readonly value: string;
    /** The characters the diagnostic covers. */
    readonly covers: string;
    /** The preferred quick fix. */
    readonly fix: string;
    /** The value once the fix is applied. */
    readonly fixed: string;
    readonly message: RegExp;
  }
  const CASES: FixCase[] = [
    {
      code: 'NL001',
      why: 'unknown Service, did you mean',
      namespace: 'shop',
      env: 'API_ADDR',
      value: 'apu:8080',
      covers: 'apu',
      fix: 'Change to api',
      fixed: 'api:8080',
      message: /No Service "apu" in namespace shop .*did you mean api\?/,
    },
    {
      code: 'NL001',
      why: 'a short name that crosses namespaces',
      namespace: 'default',
      env: 'API_ADDR',
      value: 'api:8080',
      covers: 'api',
      fix: 'Qualify as api.shop (Service shop/api)',
      fixed: 'api.shop:8080',
      message: /a Service of that name is in namespace shop/,
    },
    {
      code: 'NL001',
      why: 'unknown Service, two letters swapped',
      namespace: 'shop',
      env: 'API_ADDR',
      value: 'aip.shop:8080',
      covers: 'aip.shop',
      fix: 'Change to api.shop',
      fixed: 'api.shop:8080',
      message: /No Service "aip" in namespace shop .*did you mean api\?/,
    },
    {
      code: 'NL002',
      why: 'unknown namespace',
      namespace: 'shop',
      env: 'API_ADDR',
      value: 'api.shopp:8080',
      covers: 'api.shopp',
      fix: 'Change the namespace to shop',
      fixed: 'api.shop:8080',
      message: /no namespace "shopp".*did you mean shop\?/,
    },
    {
      code: 'NL003',
      why: 'a port the Service lacks',
      namespace: 'shop',
      env: 'API_ADDR',
      value: 'api.shop:9999',
      covers: '9999',
      fix: 'Change the port to 8080',
      fixed: 'api.shop:8080',
      message: /does not expose port 9999; it exposes http 8080\/TCP, metrics 9090\/TCP/,
    },
    {
      code: 'NL003',
      why: 'the target port instead of the port',
      namespace: 'shop',
      env: 'WEB_ADDR',
      value: 'web:8080',
      covers: '8080',
      fix: 'Change the port to 80',
      fixed: 'web:80',
      message: /8080 is the target port of its port http: clients connect to 80/,
    },
    {
      code: 'NL007',
      why: 'a hard-coded pod IP',
      namespace: 'shop',
      env: 'DB_HOST',
      value: '10.244.1.7',
      covers: '10.244.1.7',
      fix: 'Use Service shop/db instead',
      fixed: 'db',
      message: /10\.244\.1\.7 is the IP of pod shop\/db-0/,
    },
    {
      code: 'NL007',
      why: 'a hard-coded pod IP in a URL',
      namespace: 'shop',
      env: 'DB_URL',
      value: 'postgres://10.244.1.7:5432/orders',
      covers: '10.244.1.7',
      fix: 'Use Service shop/db instead',
      fixed: 'postgres://db:5432/orders',
      message: /Use the Service that selects it: shop\/db/,
    },
    {
      code: 'NL007',
      why: 'a pod IP from another namespace',
      namespace: 'default',
      env: 'DB_HOST',
      value: '10.244.1.7',
      covers: '10.244.1.7',
      fix: 'Use Service shop/db instead',
      fixed: 'db.shop',
      message: /pod shop\/db-0/,
    },
    {
      code: 'NL008',
      why: '".services." for ".svc."',
      namespace: 'shop',
      env: 'WEB_HOST',
      value: 'web.default.services.cluster.local',
      covers: 'web.default.services.cluster.local',
      fix: 'Change to web.default.svc.cluster.local',
      fixed: 'web.default.svc.cluster.local',
      message: /The correct form is web\.default\.svc\.cluster\.local/,
    },
    {
      code: 'NL008',
      why: '".pods." without a namespace',
      namespace: 'default',
      env: 'DB_HOST',
      value: '10-244-1-7.pods.cluster.local',
      covers: '10-244-1-7.pods.cluster.local',
      fix: 'Change to 10-244-1-7.shop.pod.cluster.local',
      fixed: '10-244-1-7.shop.pod.cluster.local',
      message: /The correct form is 10-244-1-7\.shop\.pod\.cluster\.local/,
    },
    {
      code: 'NL008',
      why: 'a name without ".svc"',
      namespace: 'shop',
      env: 'API_ADDR',
      value: 'api.shop.cluster.local:8080',
      covers: 'api.shop.cluster.local',
      fix: 'Change to api.shop.svc.cluster.local',
      fixed: 'api.shop.svc.cluster.local:8080',
      message: /lacks "\.svc"/,
    },
    {
      code: 'NL009',
      why: 'an endpoint name the headless Service lacks',
      namespace: 'shop',
      env: 'CACHE_ADDR',
      value: 'redis-5.redis:6379',
      covers: 'redis-5.redis',
      fix: 'Change to redis-0.redis',
      fixed: 'redis-0.redis:6379',
      message: /no endpoint named "redis-5"; its endpoints are redis-0, redis-1, redis-2/,
    },
    {
      code: 'NL009',
      why: 'an endpoint name qualified up to ".svc"',
      namespace: 'default',
      env: 'CACHE_ADDR',
      value: 'redis-9.redis.shop.svc:6379',
      covers: 'redis-9.redis.shop.svc',
      fix: 'Change to redis-0.redis.shop.svc',
      fixed: 'redis-0.redis.shop.svc:6379',
      message: /Service shop\/redis has no endpoint named "redis-9"/,
    },
    {
      code: 'NL010',
      why: 'another cluster domain',
      namespace: 'shop',
      env: 'WEB_HOST',
      value: 'web.shop.svc.mycluster.local',
      covers: 'web.shop.svc.mycluster.local',
      fix: 'Change the domain to cluster.local',
      fixed: 'web.shop.svc.cluster.local',
      message: /under the cluster domain "mycluster\.local"/,
    },
  ];

  for (const c of CASES) {
    it(`${c.code} (${c.why}): ${c.env}=${c.value}, fixed by "${c.fix}"`, () => {
      const { client, server } = shopServer();
      const uri = 'file:///ws/client.yaml';
      const text = workload(c.namespace, c.env, c.value);
      server.open(uri, text, 1);
      const published = client.last(uri);
      assert.equal(published.version, 1);
      assert.deepEqual(
        published.diagnostics.map((d) => d.code),
        [c.code],
        published.diagnostics.map((d) => d.message).join('\n'),
      );
      const d = published.diagnostics[0]!;
      assert.equal(d.source, 'netlens');
      assert.equal(textAt(text, d.range), c.covers);
      assert.match(d.message, c.message);

      const actions = server.codeActions(uri, d.range, [d]);
      const preferred = actions.filter((a) => a.isPreferred);
      assert.equal(preferred.length, 1, 'one preferred fix');
      assert.equal(preferred[0]!.title, c.fix);
      assert.equal(preferred[0]!.kind, 'quickfix');
      assert.deepEqual(preferred[0]!.diagnostics, [d]);
      const fixed = applyAction(text, uri, preferred[0]!);
      assert.equal(fixed, workload(c.namespace, c.env, c.fixed));

      server.change(uri, fixed, 2);
      assert.deepEqual(client.last(uri), { uri, version: 2, diagnostics: [] }, 'the fix leaves nothing to report');
      assert.deepEqual(client.errors(), []);
    });
  }

  it('NL008 on the pod form "1-10-0-0-1.pods.cluster.local", whose fix removes it', () => {
    const { client, server } = shopServer();
    const uri = 'file:///ws/client.yaml';
    const text = workload('shop', 'POD_HOST', '1-10-0-0-1.pods.cluster.local');
    server.open(uri, text, 1);
    const [d, ...rest] = client.last(uri).diagnostics;
    assert.deepEqual(rest, []);
    assert.equal(d!.code, 'NL008');
    assert.equal(textAt(text, d!.range), '1-10-0-0-1.pods.cluster.local');
    assert.match(d!.message, /Pod names have the form <a-b-c-d>\.<namespace>\.pod\.cluster\.local/);
    const [fix] = server.codeActions(uri, d!.range, [d!]);
    assert.ok(fix);
    server.change(uri, applyAction(text, uri, fix), 2);
    assert.ok(!client.last(uri).diagnostics.some((x) => x.code === 'NL008'), 'the malformed form is gone');
  });

  it('NL001 in a structured reference (an Ingress backend), with a did-you-mean fix', () => {
    const { client, server } = shopServer();
    const uri = 'file:///ws/ingress.yaml';
    const text = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: wen, port: {number: 80}}
`;
    server.open(uri, text, 1);
    const [d, ...rest] = client.last(uri).diagnostics;
    assert.deepEqual(rest, []);
    assert.equal(d!.code, 'NL001');
    assert.equal(textAt(text, d!.range), 'wen');
    const [fix] = server.codeActions(uri, d!.range, [d!]);
    assert.equal(fix!.title, 'Change to web');
    server.change(uri, applyAction(text, uri, fix!), 2);
    assert.deepEqual(client.last(uri).diagnostics, []);
  });

  it('NL003 on a named port the Service does not have, with the names as fixes', () => {
    const { client, server } = shopServer();
    const uri = 'file:///ws/ingress.yaml';
    const text = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  defaultBackend:
    service: {name: api, port: {name: htp}}
`;
    server.open(uri, text, 1);
    const [d, ...rest] = client.last(uri).diagnostics;
    assert.deepEqual(rest, []);
    assert.equal(d!.code, 'NL003');
    assert.equal(textAt(text, d!.range), 'htp');
    const actions = server.codeActions(uri, d!.range, [d!]);
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Change the port to http', 'Change the port to metrics'],
    );
    server.change(uri, applyAction(text, uri, actions[0]!), 2);
    assert.deepEqual(client.last(uri).diagnostics, []);
  });

  it('NL005 on the selector pair no pod has, NL006 on the targetPort, NL011 on the name: where the fix goes', () => {
    const { client, server } = shopServer();
    const uri = 'file:///ws/services.yaml';
    const text = `apiVersion: v1
kind: Service
metadata:
  name: orphan
  namespace: shop
spec:
  selector: {app: nothing-has-this-label}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: api-metrics
  namespace: shop
spec:
  selector: {app: api}
  ports: [{name: metrics, port: 9090, targetPort: metrics}]
---
apiVersion: v1
kind: Service
metadata:
  name: legacy-db
  namespace: shop
spec:
  type: ExternalName
  externalName: 192.0.2.10
`;
    server.open(uri, text, 1);
    const found = client.last(uri).diagnostics.map((d) => ({ code: d.code, at: textAt(text, d.range), severity: d.severity }));
    assert.deepEqual(found, [
      { code: 'NL005', at: 'app: nothing-has-this-label', severity: DiagnosticSeverity.Warning },
      { code: 'NL006', at: 'metrics', severity: DiagnosticSeverity.Warning },
      { code: 'NL011', at: 'legacy-db', severity: DiagnosticSeverity.Warning },
    ]);
    assert.equal(client.last(uri).diagnostics[1]!.range.start.line, 16, 'the targetPort on the ports line, not the name');
    const messages = client.last(uri).diagnostics.map((d) => d.message);
    assert.match(
      messages[0]!,
      /selector of Service shop\/orphan \(app=nothing-has-this-label\) matches nothing: no pod or workload template in namespace shop has app=nothing-has-this-label/,
    );
    assert.match(messages[1]!, /targets the port named "metrics", which no selected container declares \(1 pod selected; they name http\)/);
    assert.match(messages[2]!, /ExternalName for the IP 192\.0\.2\.10/);
  });

  it('NL004 from a live source: a Service without ready endpoints', () => {
    const live = buildWorkspaceModel([
      parseManifest(
        'live',
        `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  clusterIP: 10.96.4.2
  selector: {app: api}
  ports: [{name: http, port: 8080, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: api-0, namespace: shop, labels: {app: api}}
spec: {containers: [{name: api, image: example/api}]}
status:
  phase: Running
  podIP: 10.244.2.9
  conditions: [{type: Ready, status: "False"}]
`,
      ),
    ]).snapshot;
    const { client, server } = shopServer();
    server.setLive({ name: 'cluster test', snapshot: () => live });
    const uri = 'file:///ws/client.yaml';
    server.open(uri, workload('shop', 'API_ADDR', 'api.shop:8080'), 1);
    const [d, ...rest] = client.last(uri).diagnostics;
    assert.deepEqual(rest, []);
    assert.equal(d!.code, 'NL004');
    assert.match(d!.message, /Service shop\/api has no ready endpoints in cluster test/);
  });

  it('a quick fix is offered only for the diagnostics given, and none for foreign ones', () => {
    const { client, server } = shopServer();
    const uri = 'file:///ws/client.yaml';
    server.open(uri, workload('shop', 'API_ADDR', 'apu:8080'), 1);
    const [d] = client.last(uri).diagnostics;
    assert.deepEqual(server.codeActions(uri, d!.range, []), []);
    assert.deepEqual(server.codeActions(uri, d!.range, [{ ...d!, source: 'yaml' }]), []);
    assert.deepEqual(server.codeActions('file:///ws/not-open.yaml', d!.range, [d!]), []);
  });
});

describe('server: settings', () => {
  const TWO = `apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: client
          env:
            - {name: API_ADDR, value: "api.shop:9999"}
            - {name: CART_ADDR, value: "apu:8080"}
`;

  it('a severity set to "off" drops the code; another severity replaces the default', () => {
    const { client, server } = shopServer({ ...DEFAULT_SETTINGS, severities: { NL003: 'off', NL001: 'warning' } });
    const uri = 'file:///ws/client.yaml';
    server.open(uri, TWO, 1);
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => [d.code, d.severity]),
      [['NL001', DiagnosticSeverity.Warning]],
    );
  });

  it('new settings re-validate the open documents', () => {
    const { client, server } = shopServer({ ...DEFAULT_SETTINGS, severities: { NL003: 'off' } });
    const uri = 'file:///ws/client.yaml';
    server.open(uri, TWO, 1);
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL001'],
    );
    server.updateSettings({ ...DEFAULT_SETTINGS, severities: { NL001: 'hint' } });
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => [d.code, d.severity]),
      [
        ['NL003', DiagnosticSeverity.Error],
        ['NL001', DiagnosticSeverity.Hint],
      ],
    );
  });

  it('another cluster domain changes what is malformed', () => {
    const { client, server } = shopServer({ ...DEFAULT_SETTINGS, clusterDomain: 'mycluster.local' });
    const uri = 'file:///ws/client.yaml';
    server.open(uri, workload('shop', 'WEB_HOST', 'web.shop.svc.mycluster.local'), 1);
    assert.deepEqual(client.last(uri).diagnostics, []);
    server.change(uri, workload('shop', 'WEB_HOST', 'web.shop.svc.cluster.local'), 2);
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL010'],
    );
  });
});

describe('server: go to definition', () => {
  it('from a reference lands on the Service metadata.name in another open document', () => {
    const { server } = shopServer();
    const { text, offset } = cursor(workload('shop', 'API_ADDR', 'api.s|hop:8080'));
    server.open('file:///ws/front.yaml', text, 1);
    const location = server.definition('file:///ws/front.yaml', offset);
    const name = offsetAfter(SHOP, 'kind: Service\nmetadata:\n  name: api') - 'api'.length;
    const shop = TextDocument.create(SHOP_URI, 'yaml', 1, SHOP);
    assert.deepEqual(location, { uri: SHOP_URI, range: { start: shop.positionAt(name), end: shop.positionAt(name + 'api'.length) } });
  });

  it('from a structured reference (an Ingress backend)', () => {
    const { server } = shopServer();
    const { text, offset } = cursor(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  defaultBackend:
    service: {name: w|eb, port: {number: 80}}
`);
    server.open('file:///ws/ingress.yaml', text, 1);
    const location = server.definition('file:///ws/ingress.yaml', offset);
    assert.ok(location);
    assert.equal(location.uri, SHOP_URI);
    assert.equal(textAt(SHOP, location.range), 'web');
    const name = offsetAfter(SHOP, 'kind: Service\nmetadata:\n  name: web\n  namespace: shop') - '\n  namespace: shop'.length - 'web'.length;
    assert.equal(TextDocument.create(SHOP_URI, 'yaml', 1, SHOP).offsetAt(location.range.start), name);
  });

  it('into a workspace file that is not open', async () => {
    const client = new FakeClient();
    const server = new NetLensServer(client);
    const disk = `apiVersion: v1
kind: Service
metadata: {name: cache, namespace: shop}
spec: {clusterIP: 10.96.7.7, ports: [{port: 6379}]}
`;
    await server.loadWorkspaceFiles(new Map([['file:///ws/disk.yaml', disk]]), async () => {});
    const { text, offset } = cursor(workload('shop', 'CACHE_ADDR', 'cac|he.shop:6379'));
    server.open('file:///ws/front.yaml', text, 1);
    assert.deepEqual(client.last('file:///ws/front.yaml').diagnostics, []);
    const location = server.definition('file:///ws/front.yaml', offset);
    assert.ok(location);
    assert.equal(location.uri, 'file:///ws/disk.yaml');
    assert.equal(textAt(disk, location.range), 'cache');
  });

  it('answers nothing for an unknown name', () => {
    const { server } = shopServer();
    const { text, offset } = cursor(workload('shop', 'API_ADDR', 'no|such:8080'));
    server.open('file:///ws/front.yaml', text, 1);
    assert.equal(server.definition('file:///ws/front.yaml', offset), null);
  });
});

describe('server: documents that change', () => {
  it('a change updates the diagnostics, with the new version', () => {
    const { client, server } = shopServer();
    const uri = 'file:///ws/client.yaml';
    server.open(uri, workload('shop', 'API_ADDR', 'api.shop:8080'), 1);
    assert.deepEqual(client.last(uri), { uri, version: 1, diagnostics: [] });
    server.change(uri, workload('shop', 'API_ADDR', 'api.shop:9999'), 2);
    assert.equal(client.last(uri).version, 2);
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL003'],
    );
    server.change(uri, workload('shop', 'API_ADDR', 'api.shop:8080'), 3);
    assert.deepEqual(client.last(uri), { uri, version: 3, diagnostics: [] });
  });

  it('a change to the document declaring a Service updates the diagnostics of the other open documents', () => {
    const { client, server } = shopServer();
    const { text, offset } = cursor(workload('shop', 'API_ADDR', 'api.sh|op:8080'));
    const uri = 'file:///ws/client.yaml';
    server.open(uri, text, 1);
    assert.deepEqual(client.last(uri).diagnostics, []);
    server.change(SHOP_URI, SHOP.replace('port: 8080, targetPort: http', 'port: 8081, targetPort: http'), 2);
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL003'],
    );
    assert.equal(client.last(uri).version, 1, 'published for the unchanged document, at its own version');
    assert.match(hoverMarkdown(server, uri, offset), /^\| 8081 \| `http` \| TCP \| `http` \|$/m);
    server.change(SHOP_URI, SHOP, 3);
    assert.deepEqual(client.last(uri).diagnostics, []);
  });

  it('opening and closing the document that declares a Service updates the others', () => {
    const client = new FakeClient();
    const server = new NetLensServer(client);
    const uri = 'file:///ws/client.yaml';
    server.open(uri, `${workload('shop', 'API_ADDR', 'api.shop:8080')}---\n${OTHER_SHOP_SERVICE}`, 1);
    // The client's file declares a Service of namespace shop, which has no Service api yet.
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL001'],
    );
    server.open(SHOP_URI, SHOP.replace('port: 8080, targetPort: http', 'port: 8081, targetPort: http'), 1);
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL003'],
    );
    server.close(SHOP_URI);
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL001'],
    );
  });

  it('closing a document clears its diagnostics', () => {
    const { client, server } = shopServer();
    const uri = 'file:///ws/client.yaml';
    server.open(uri, workload('shop', 'API_ADDR', 'apu:8080'), 1);
    assert.equal(client.last(uri).diagnostics.length, 1);
    server.close(uri);
    assert.deepEqual(client.last(uri), { uri, version: undefined, diagnostics: [] });
    assert.equal(server.hover(uri, 0), null);
  });
});

describe('server: workspace files that change on disk', () => {
  const CACHE = `apiVersion: v1
kind: Service
metadata: {name: cache, namespace: shop}
spec: {clusterIP: 10.96.7.7, ports: [{port: 6379}]}
`;

  it('a file written, changed and deleted on disk changes the answers and the diagnostics of open documents', () => {
    const client = new FakeClient();
    const server = new NetLensServer(client);
    const uri = 'file:///ws/front.yaml';
    server.open(uri, `${workload('shop', 'CACHE_ADDR', 'cache.shop:6379')}---\n${OTHER_SHOP_SERVICE}`, 1);
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL001'],
    );
    server.setDiskFile('file:///ws/cache.yaml', CACHE);
    assert.deepEqual(client.last(uri).diagnostics, []);
    server.setDiskFile('file:///ws/cache.yaml', CACHE.replace('port: 6379', 'port: 6380'));
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL003'],
    );
    server.setDiskFile('file:///ws/cache.yaml', undefined);
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL001'],
    );
    assert.equal(server.declaration('Service', 'shop', 'cache'), undefined);
  });

  it('an open document overrides its file on disk until it is closed', () => {
    const client = new FakeClient();
    const server = new NetLensServer(client);
    const cacheUri = 'file:///ws/cache.yaml';
    server.open(cacheUri, CACHE, 1);
    server.setDiskFile(cacheUri, CACHE.replace('name: cache', 'name: other'));
    assert.ok(server.declaration('Service', 'shop', 'cache'), 'the open text is the model');
    assert.equal(server.declaration('Service', 'shop', 'other'), undefined);
    server.close(cacheUri);
    assert.ok(server.declaration('Service', 'shop', 'other'), 'closed: the disk is the model');
  });

  it('tells the client when the workspace model changes, and whether the views show it', async () => {
    const client = new FakeClient();
    const server = new NetLensServer(client);
    await server.loadWorkspaceFiles(new Map([['file:///ws/cache.yaml', CACHE]]), async () => {});
    const afterRead = client.workspaceChanges;
    assert.ok(afterRead >= 1);
    server.open('file:///ws/front.yaml', workload('shop', 'CACHE_ADDR', 'cache.shop:6379'), 1);
    server.change('file:///ws/front.yaml', workload('shop', 'CACHE_ADDR', 'cache.shop:6380'), 2);
    server.setDiskFile('file:///ws/new.yaml', CACHE.replace('name: cache', 'name: new'));
    assert.ok(client.workspaceChanges >= afterRead + 3, `${client.workspaceChanges}`);
    assert.equal(server.showsCluster, false);
    const snapshot = buildWorkspaceModel([], { defaultNamespace: 'default' }).snapshot;
    server.setLive({ name: 'cluster test', snapshot: () => snapshot });
    assert.equal(server.showsCluster, true);
    const withLive = client.workspaceChanges;
    server.setDiskFile('file:///ws/new.yaml', undefined);
    assert.equal(client.workspaceChanges, withLive + 1, 'inlay hints still depend on the workspace');
  });

  it('reads the workspace a file at a time: requests are answered between files, and the model takes them at the end', async () => {
    const client = new FakeClient();
    const server = new NetLensServer(client);
    const { text, offset } = cursor(workload('shop', 'CACHE_ADDR', 'ca|che.shop:6379'));
    server.open('file:///ws/front.yaml', text, 1);
    const files = new Map<string, string>();
    for (let i = 0; i < 5; i++) files.set(`file:///ws/other-${i}.yaml`, CACHE.replace('name: cache', `name: other-${i}`));
    files.set('file:///ws/cache.yaml', CACHE);
    files.set('file:///ws/late.yaml', CACHE.replace('name: cache', 'name: late'));
    const between: (string | undefined)[] = [];
    let pauses = 0;
    await server.loadWorkspaceFiles(files, async () => {
      pauses++;
      // A hover while the workspace loads: answered at once, from the model as it was.
      between.push((server.hover('file:///ws/front.yaml', offset)?.contents as { value: string } | undefined)?.value);
      // A file deleted on disk while the load runs stays deleted.
      if (pauses === 2) server.setDiskFile('file:///ws/late.yaml', undefined);
    });
    assert.equal(pauses, files.size);
    assert.ok(
      between.every((h) => h !== undefined && /NXDOMAIN/.test(plain(h))),
      'hovers answered meanwhile, before the files are in',
    );
    assert.ok(server.declaration('Service', 'shop', 'cache'), 'the model has the files at the end');
    assert.ok(server.declaration('Service', 'shop', 'other-4'));
    assert.equal(server.declaration('Service', 'shop', 'late'), undefined, 'a file deleted during the load is not brought back');
    assert.deepEqual(client.last('file:///ws/front.yaml').diagnostics, [], 'diagnostics follow the loaded model');
  });

  it('finds where the workspace declares a Service, a Namespace and a pod of a workload', () => {
    const { server } = shopServer();
    const svc = server.declaration('Service', 'shop', 'api');
    assert.ok(svc);
    assert.equal(svc.uri, SHOP_URI);
    assert.equal(textAt(SHOP, svc.range), 'api');
    assert.equal(server.declaration('Service', 'other', 'api'), undefined);
    assert.equal(server.declaration('Pod', 'shop', 'nosuch'), undefined);
  });
});

describe('server: what the views show of the workspace', () => {
  it('only namespaces that the manifests declare or put something in, none without manifests', () => {
    const server = new NetLensServer(new FakeClient());
    assert.deepEqual(server.modelInfo(), { kind: 'workspace', state: 'ready', notes: [], namespaces: [] }, 'default and kube-* are known, but not shown');
    server.open('file:///ws/front.yaml', workload('shop', 'API_ADDR', 'api.shop:8080'), 1);
    server.open('file:///ws/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: empty}\n', 1);
    assert.deepEqual(
      server
        .modelInfo()
        .namespaces.map((n) => n.name)
        .sort(),
      ['empty', 'shop'],
    );
  });
});

describe('server: a live cluster first, the workspace as fallback', () => {
  it('each answer names its source, and a cluster that goes away leaves the workspace answering', () => {
    const snapshot = buildWorkspaceModel([
      parseManifest(
        'live',
        `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {clusterIP: 10.96.100.1, ports: [{name: http, port: 8080}]}
`,
      ),
    ]).snapshot;
    let connected = true;
    const live: LiveSource = { name: 'cluster kind-test', snapshot: () => (connected ? snapshot : undefined) };
    const { server } = shopServer();
    server.setLive(live);
    const { text, offset } = cursor(workload('shop', 'API_ADDR', 'api.sh|op:8080'));
    server.open('file:///ws/front.yaml', text, 1);
    const first = plain((server.hover('file:///ws/front.yaml', offset)!.contents as { value: string }).value);
    assert.match(first, /A `10\.96\.100\.1`/);
    assert.match(first, /_Source: cluster kind-test_/);
    connected = false;
    server.liveChanged();
    const second = plain((server.hover('file:///ws/front.yaml', offset)!.contents as { value: string }).value);
    assert.match(second, /A `10\.96\.4\.2`/);
    assert.match(second, /_Source: the workspace manifests_/);
  });

  it('a cluster whose snapshot goes away without a change event stops answering too', () => {
    const snapshot = buildWorkspaceModel([
      parseManifest(
        'live',
        `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {clusterIP: 10.96.100.1, ports: [{name: http, port: 8080}]}
`,
      ),
    ]).snapshot;
    let connected = true;
    const { server } = shopServer();
    server.setLive({ name: 'cluster kind-test', snapshot: () => (connected ? snapshot : undefined) });
    const { text, offset } = cursor(workload('shop', 'API_ADDR', 'api.sh|op:8080'));
    server.open('file:///ws/front.yaml', text, 1);
    assert.match(plain((server.hover('file:///ws/front.yaml', offset)!.contents as { value: string }).value), /_Source: cluster kind-test_/);
    connected = false;
    assert.match(plain((server.hover('file:///ws/front.yaml', offset)!.contents as { value: string }).value), /_Source: the workspace manifests_/);
    server.setLive(undefined);
    assert.match(plain((server.hover('file:///ws/front.yaml', offset)!.contents as { value: string }).value), /_Source: the workspace manifests_/);
  });

  it('a name only the workspace knows is answered by the workspace', () => {
    const snapshot = buildWorkspaceModel([]).snapshot;
    const { client, server } = shopServer();
    server.setLive({ name: 'cluster empty', snapshot: () => snapshot });
    const { text, offset } = cursor(workload('shop', 'DB_ADDR', 'd|b:5432'));
    server.open('file:///ws/front.yaml', text, 1);
    assert.deepEqual(client.last('file:///ws/front.yaml').diagnostics, []);
    assert.match(plain((server.hover('file:///ws/front.yaml', offset)!.contents as { value: string }).value), /_Source: the workspace manifests_/);
  });
});

describe('server: hostile documents', () => {
  /** Opens a document, then asks for everything at every offset (or every `step`): nothing may throw. */
  function survive(server: NetLensServer, client: FakeClient, uri: string, text: string, step = 1): void {
    server.open(uri, text, 1);
    assert.equal(client.last(uri).version, 1, 'diagnostics are published');
    for (let i = 0; i <= text.length; i += step) {
      server.hover(uri, i);
      server.definition(uri, i);
    }
    server.inlayHints(uri, WHOLE);
    server.codeActions(uri, WHOLE, client.last(uri).diagnostics);
    server.change(uri, `${text}\n# edited`, 2);
    assert.equal(client.last(uri).version, 2);
    assert.deepEqual(client.errors(), [], 'no handler failed');
  }

  it('invalid YAML', () => {
    const { client, server } = shopServer();
    const text = 'apiVersion: v1\nkind: Service\nmetadata: {name: x\n  ports: [\n\t- : : :\n---\napiVersion: v1\nkind: [\n"unterminated\n';
    survive(server, client, 'file:///ws/invalid.yaml', text);
    // YAML errors are the YAML extension's to report.
    assert.deepEqual(client.last('file:///ws/invalid.yaml').diagnostics, []);
  });

  const BOMB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bomb
  namespace: shop
  annotations:
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
spec:
  template:
    spec:
      containers:
        - name: c
          env: [{name: API_ADDR, value: "api.shop:9999"}]
`;

  it('a YAML alias bomb is refused, and the rest of the document is still checked', () => {
    const { client, server } = shopServer();
    survive(server, client, 'file:///ws/bomb.yaml', BOMB);
    assert.ok(
      client.last('file:///ws/bomb.yaml').diagnostics.some((d) => d.code === 'NL003'),
      'the reference beside the bomb is checked',
    );
  });

  it('a YAML alias bomb is explained by a diagnostic', () => {
    const { client, server } = shopServer();
    server.open('file:///ws/bomb.yaml', BOMB, 1);
    assert.ok(client.last('file:///ws/bomb.yaml').diagnostics.some((d) => /alias/i.test(d.message)));
  });

  it('a document nested thousands of levels deep is refused and explained, edit after edit, and the others are checked (found by fuzzing)', () => {
    // Parsed twice, `- - - …` on one line took the process down: V8 recompiled a regular expression with the stack used up.
    const { client, server } = shopServer();
    const uri = 'file:///ws/deep.yaml';
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers: [{name: c, env: [{name: API_ADDR, value: "api.shop:9999"}]}]
`;
    const text = (n: number) => `${'- '.repeat(n)}1\n---\n${pod}`;
    server.open(uri, text(2_000), 1);
    for (let version = 2; version < 5; version++) server.change(uri, text(2_000 + version), version);
    const { diagnostics } = client.last(uri);
    assert.ok(
      diagnostics.some((d) => /256 levels deep/.test(d.message) && d.range.start.line === 0),
      diagnostics.map((d) => d.message).join('; '),
    );
    assert.ok(
      diagnostics.some((d) => d.code === 'NL003'),
      'the next document is checked',
    );
  });

  it('binary-ish content: NUL and control characters, lone surrogates, replacement characters', () => {
    const { client, server } = shopServer();
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "b\\0in", namespace: shop}\ndata:\n  x: "\u0000\u0001\u0002\uFFFD\uD800 api.shop.svc.cluster.local:9999"\n  API_HOST: "\uDC00api\u0000"\n\u0000\u0000\u0007\u001b[31m\n';
    survive(server, client, 'file:///ws/binary.yaml', text);
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    survive(server, client, 'file:///ws/random.yaml', `apiVersion: v1\nkind: ConfigMap\n${binary}`, 7);
  });

  it('a reference budget: a file with more references than the budget is analysed up to it and says so', () => {
    const { client, server } = shopServer();
    const count = MAX_REFERENCES + 5_000;
    const lines = Array.from({ length: count }, () => '    server api.shop.svc.cluster.local:8080;').join('\n');
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: upstreams, namespace: shop}
data:
  upstreams.conf: |
${lines}
`;
    const uri = 'file:///ws/upstreams.yaml';
    server.open(uri, text, 1);
    const diagnostics = client.last(uri).diagnostics;
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.severity, DiagnosticSeverity.Information);
    assert.match(diagnostics[0]!.message, new RegExp(`analysed the first ${MAX_REFERENCES} references of this file and stopped here`));
    const lastLine = 5 + MAX_REFERENCES - 1;
    assert.equal(diagnostics[0]!.range.start.line, lastLine, 'it stops after the last reference analysed');
    const around = server.inlayHints(uri, { start: { line: lastLine - 2, character: 0 }, end: { line: lastLine + 3, character: 0 } });
    assert.deepEqual(
      around.map((h) => h.position.line),
      [lastLine - 2, lastLine - 1, lastLine],
      'hints up to the budget, none after',
    );
    assert.deepEqual(client.errors(), []);
  });

  describe('a 5 MB generated multi-document file', () => {
    const GROUPS = 290;
    const padding = Array.from({ length: 200 }, (_, k) => `    # line ${k} of the generated configuration, padding the file as a bundled chart does`).join(
      '\n',
    );
    const group = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: bulk}
spec:
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      containers:
        - name: main
          image: example/app
          ports: [{name: http, containerPort: 8080}]
          env:
            - {name: NEXT_ADDR, value: "svc-${(i + 1) % GROUPS}:80"}
---
apiVersion: v1
kind: Service
metadata: {name: svc-${i}, namespace: bulk}
spec:
  selector: {app: app-${i}}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: conf-${i}, namespace: bulk}
data:
  nginx.conf: |
    upstream next { server svc-${(i + 1) % GROUPS}.bulk.svc.cluster.local:80; }
${padding}
`;
    const text = Array.from({ length: GROUPS }, (_, i) => group(i)).join('---\n');
    const uri = 'file:///ws/bundle.yaml';

    it('is analysed, and an edit re-parses only the pieces it touched', () => {
      assert.ok(text.length >= 5 * 1024 * 1024, `${text.length} characters`);
      const client = new FakeClient();
      const server = new NetLensServer(client);
      const parse = mock.method(ManifestCache.prototype, 'parse');
      try {
        server.open(uri, text, 1);
        assert.deepEqual(client.last(uri), { uri, version: 1, diagnostics: [] });
        const first = parse.mock.calls.at(-1)!.result as ChunkedManifest;
        assert.equal(first.pieces, GROUPS * 3);
        assert.equal(first.parsedPieces, GROUPS * 3);

        // One port changed in the middle of the file: one piece parsed again, one finding where the port is.
        const at = offsetAfter(text, '"svc-126:');
        const edited = `${text.slice(0, at)}81${text.slice(at + 2)}`;
        server.change(uri, edited, 2);
        const second = parse.mock.calls.at(-1)!.result as ChunkedManifest;
        assert.equal(second.parsedPieces, 1);
        assert.equal(second.pieces, GROUPS * 3);
        const [d, ...rest] = client.last(uri).diagnostics;
        assert.deepEqual(rest, []);
        assert.equal(d!.code, 'NL003');
        assert.equal(client.last(uri).version, 2);
        const doc = TextDocument.create(uri, 'yaml', 2, edited);
        assert.deepEqual([doc.offsetAt(d!.range.start), doc.offsetAt(d!.range.end)], [at, at + 2]);

        // A document added at the end: only it is parsed.
        const appended = `${edited}---\n${workload('bulk', 'API_ADDR', 'svc-0:80')}`;
        server.change(uri, appended, 3);
        const third = parse.mock.calls.at(-1)!.result as ChunkedManifest;
        assert.equal(third.parsedPieces, 1);
        assert.equal(third.pieces, GROUPS * 3 + 1);
        assert.deepEqual(
          client.last(uri).diagnostics.map((x) => x.code),
          ['NL003'],
        );
        // Hovers work at both ends of the file.
        const end = cursor(`${edited}---\n${workload('bulk', 'API_ADDR', 'svc-§0:80')}`, '§');
        server.change(uri, end.text, 4);
        assert.equal(parse.mock.calls.at(-1)!.result!.parsedPieces, 0);
        assert.match(hoverMarkdown(server, uri, end.offset), /\*\*Service\*\* `bulk\/svc-0`/);
        assert.deepEqual(client.errors(), []);
      } finally {
        parse.mock.restore();
      }
    });
  });
});

// ---- the corpus ----

const boutique = join(corpusDir(), 'online-boutique');
const skipBoutique = existsSync(join(boutique, 'kubernetes-manifests.yaml')) ? false : `the corpus is not at ${boutique}`;

/** Every `*_ADDR` env value of a multi-document file, as scalars with their ranges (found by walking the YAML). */
function addrValues(text: string): { env: string; node: Scalar }[] {
  const out: { env: string; node: Scalar }[] = [];
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      const name = node.get('name', true);
      const value = node.get('value', true);
      if (isScalar(name) && typeof name.value === 'string' && name.value.endsWith('_ADDR') && isScalar(value)) out.push({ env: name.value, node: value });
      for (const pair of node.items) visit(pair.value);
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item as YamlNode);
    }
  };
  for (const doc of parseAllDocuments(text)) if (!Array.isArray(doc)) visit(doc.contents);
  return out;
}

describe('server: online-boutique', { skip: skipBoutique }, () => {
  it('one finding (the shopping assistant), and a hover naming its Service on every other *_ADDR value', () => {
    const text = readFileSync(join(boutique, 'kubernetes-manifests.yaml'), 'utf8');
    const uri = 'file:///corpus/online-boutique/kubernetes-manifests.yaml';
    const client = new FakeClient();
    const server = new NetLensServer(client);
    server.open(uri, text, 1);
    const diagnostics = client.last(uri).diagnostics;
    assert.deepEqual(
      diagnostics.map((d) => [d.code, textAt(text, d.range)]),
      [['NL001', 'shoppingassistantservice']],
    );
    const values = addrValues(text);
    assert.ok(values.length >= 15, `${values.length} *_ADDR values`);
    for (const { env, node } of values) {
      const host = String(node.value).split(':')[0]!;
      const hover = server.hover(uri, node.range![0] + 2);
      assert.ok(hover, `a hover on ${env}`);
      const value = plain((hover.contents as { value: string }).value);
      if (host === 'shoppingassistantservice') assert.match(value, /NXDOMAIN/, env);
      else assert.match(value, new RegExp(`\\*\\*Service\\*\\* \`default/${host}\` · ClusterIP`), env);
    }
  });
});

describe('server: early answers are honest', () => {
  it('no diagnostics while the workspace is read; then the ones the whole workspace gives', async () => {
    const client = new FakeClient();
    const server = new NetLensServer(client);
    server.expectWorkspace();
    const uri = 'file:///ws/front.yaml';
    // The Service it names is in a file the server has not read yet: a finding now would be false.
    server.open(uri, workload('shop', 'API_ADDR', 'api.shop:8080'), 1);
    assert.equal(client.published.filter((p) => p.uri === uri).length, 0, 'nothing published while the workspace is pending');
    await server.loadWorkspaceFiles(new Map([[SHOP_URI, SHOP]]), () => Promise.resolve());
    assert.deepEqual(client.last(uri).diagnostics, []);
  });

  it('a workspace that cannot be read does not hold diagnostics back', () => {
    const client = new FakeClient();
    const server = new NetLensServer(client);
    server.expectWorkspace();
    const uri = 'file:///ws/front.yaml';
    server.open(uri, `${workload('shop', 'API_ADDR', 'nosuch.shop:8080')}---\n${OTHER_SHOP_SERVICE}`, 1);
    server.workspaceUnavailable();
    assert.deepEqual(
      client.last(uri).diagnostics.map((d) => d.code),
      ['NL001'],
    );
  });
});

describe('server: hovers say why a name is not checked', () => {
  it('localhost is the pod itself; a template is filled in by another program', () => {
    const { server } = shopServer();
    const { text, offset } = cursor(workload('shop', 'A_URL', 'http://local|host:8080/healthz'));
    server.open('file:///ws/local.yaml', text, 1);
    const local = server.hover('file:///ws/local.yaml', offset);
    assert.ok(local);
    assert.match(
      plain((local.contents as { value: string }).value),
      /localhost is the pod's own loopback interface: \/etc\/hosts answers it, the cluster DNS is never asked/,
    );
    const t = cursor(workload('shop', 'LINK_URL', 'http://a|pi:8080/?ns=${NAMESPACE}'));
    server.open('file:///ws/template.yaml', t.text, 1);
    const h = server.hover('file:///ws/template.yaml', t.offset);
    assert.ok(h);
    const md = plain((h.contents as { value: string }).value);
    assert.match(md, /\*\*Service\*\* `shop\/api`/, 'the literal host still resolves');
    assert.match(md, /placeholders that another program fills in first/);
  });
});
