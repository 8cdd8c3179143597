// What counts as a reference, class by class: each fixture marks the host it must find with ⟦…⟧ (and the port with
// ⟪…⟫); a correct fixture has no finding, the host broken (misspelt) gives exactly one finding on its line, and the
// port broken (one the Service does not expose) exactly one NL003 on the port's line. Then what must never be a
// finding: names the pod answers itself, templates, weak positions without a near name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeManifest } from '../../src/core/analyze';
import type { Finding } from '../../src/core/check';
import { ManifestCache } from '../../src/core/incremental';
import type { Reference } from '../../src/core/references';
import { Resolver } from '../../src/core/resolver';
import { buildWorkspaceModel } from '../../src/core/workspace';

const ZONE = 'cluster.local';

/** The cluster the fixtures point into: Services of namespace shop with the pods they select. */
const CLUSTER = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 8080, targetPort: 8080}, {name: metrics, port: 9090}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, version: v1}}
    spec:
      containers: [{name: api, image: example/api, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres}]
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: shop}
spec:
  clusterIP: None
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: shop}
spec:
  serviceName: redis
  replicas: 2
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers: [{name: redis, image: redis}]
`;

interface Marked {
  readonly text: string;
  readonly host?: { readonly start: number; readonly end: number; readonly value: string };
  readonly port?: { readonly start: number; readonly end: number; readonly value: string };
}

/** Strips ⟦host⟧ and ⟪port⟫ and says where they were. */
function marked(source: string): Marked {
  let text = '';
  let host: Marked['host'];
  let port: Marked['port'];
  for (let i = 0; i < source.length; ) {
    const open = source[i];
    if (open === '⟦' || open === '⟪') {
      const close = source.indexOf(open === '⟦' ? '⟧' : '⟫', i);
      const value = source.slice(i + 1, close);
      const at = { start: text.length, end: text.length + value.length, value };
      if (open === '⟦') host = at;
      else port = at;
      text += value;
      i = close + 1;
    } else {
      text += open;
      i++;
    }
  }
  return { text, ...(host ? { host } : {}), ...(port ? { port } : {}) };
}

interface Result {
  readonly references: readonly Reference[];
  readonly findings: readonly (Finding & { line: number })[];
}

/** Analyses a file beside the cluster fixture (and any other files), as `netlens check` does. */
function analyse(text: string, others: readonly string[] = [CLUSTER]): Result {
  const scan = { zone: ZONE, defaultNamespace: 'default' };
  const files = [text, ...others].map((t, i) => new ManifestCache(scan).parse(`file:///ws/${i}.yaml`, t));
  const model = buildWorkspaceModel(
    files.map((f) => f.manifest),
    {},
  );
  const resolver = new Resolver(model.snapshot, { podRecords: 'insecure', sourceName: 'the manifests' });
  const first = files[0]!;
  const analysis = analyzeManifest(
    first.manifest,
    { zone: ZONE, defaultNamespace: 'default', sources: [{ name: 'the manifests', resolver, live: false, facts: model.facts }], workspace: model.snapshot },
    first.references,
  );
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  return { references: analysis.references, findings: analysis.findings.map((f) => ({ ...f, line: lineOf(f.start) })) };
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Asserts the three properties of a marked fixture: found, no finding, one finding per break. */
function assertReference(name: string, source: string, others: readonly string[] = [CLUSTER]): void {
  const m = marked(source);
  assert.ok(m.host, `${name}: the fixture marks a host`);
  const ok = analyse(m.text, others);
  // The mark is the Service's label; the reference's host may be the whole name around it (an FQDN).
  const ref = ok.references.find((r) => r.hostStart <= m.host!.start && m.host!.end <= r.hostEnd);
  assert.ok(ref, `${name}: a reference at ${m.host!.value} (found: ${ok.references.map((r) => `${r.host}@${r.hostStart}`).join(', ') || 'none'})`);
  if (m.port) assert.deepEqual([ref.portStart, ref.portEnd], [m.port.start, m.port.end], `${name}: its port`);
  assert.deepEqual(
    ok.findings.map((f) => `${f.code} ${f.message}`),
    [],
    `${name}: no finding when it is right`,
  );
  // Misspell the Service's name: swap the first two letters of the label that names it.
  const value = m.host!.value;
  const broken = `${value[1]}${value[0]}${value.slice(2)}`;
  const badHost = m.text.slice(0, m.host!.start) + broken + m.text.slice(m.host!.end);
  const hostLine = lineOf(m.text, m.host!.start);
  const afterHost = analyse(badHost, others).findings;
  assert.equal(afterHost.length, 1, `${name}: one finding for ${broken}, got ${afterHost.map((f) => `${f.line}:${f.code}`).join(', ') || 'none'}`);
  assert.equal(afterHost[0]!.line, hostLine, `${name}: on the host's line`);
  if (m.port) {
    const badPort = m.text.slice(0, m.port.start) + '4999' + m.text.slice(m.port.end);
    const afterPort = analyse(badPort, others).findings;
    assert.deepEqual(
      afterPort.map((f) => [f.code, f.line]),
      [['NL003', lineOf(m.text, m.port.start)]],
      `${name}: one NL003 on the port's line`,
    );
  }
}

/** A Deployment of namespace shop whose container has the given fields (indented for `containers:`). */
function container(fields: string, podFields = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: shop}
spec:
  template:
    spec:
${podFields}      containers:
        - name: client
          image: example/client
${fields}`;
}

describe('recognition: env values', () => {
  it('host:port, URLs and bare names in host positions', () => {
    assertReference('ADDR', container(`          env:\n            - {name: API_ADDR, value: "⟦api⟧:⟪8080⟫"}\n`));
    assertReference('URL', container(`          env:\n            - {name: API_URL, value: "http://⟦api⟧:⟪8080⟫/v1"}\n`));
    assertReference(
      'HOST with PORT beside it',
      container(`          env:\n            - {name: DB_HOST, value: ⟦db⟧}\n            - {name: DB_PORT, value: "⟪5432⟫"}\n`),
    );
    assertReference(
      'an FQDN anywhere in a value',
      container(`          env:\n            - {name: OPTS, value: "--upstream=⟦api⟧.shop.svc.cluster.local:⟪8080⟫ --fast"}\n`),
    );
    assertReference('a StatefulSet pod under its Service', container(`          env:\n            - {name: PRIMARY, value: "redis-0.⟦redis⟧:⟪6379⟫"}\n`));
  });
});

describe('recognition: commands', () => {
  it('the conventions of the usual tools', () => {
    const cmd = (line: string) => container(`          command: ["sh", "-c"]\n          args: ["${line}"]\n`);
    assertReference('nc -zv HOST PORT', cmd('until nc -zv ⟦db⟧ ⟪5432⟫; do sleep 1; done'));
    assertReference('curl URL', cmd('curl -fsS http://⟦api⟧:⟪8080⟫/healthz'));
    assertReference('wget host:port/path', cmd('wget -qO- ⟦api⟧:⟪8080⟫/ready'));
    assertReference('nslookup NAME', cmd('nslookup ⟦db⟧.shop.svc.cluster.local'));
    assertReference('pg_isready -h H -p P', cmd('pg_isready -h ⟦db⟧ -p ⟪5432⟫ -U app'));
    assertReference('psql --host=H', cmd('psql --host=⟦db⟧ --port=⟪5432⟫ -c select'));
    assertReference('mysql -hH -PP', container(`          command: ["mysql", "-h⟦db⟧", "-P⟪5432⟫", "-e", "select 1"]\n`));
    assertReference('redis-cli -h H -p P', cmd('redis-cli -h ⟦redis⟧ -p ⟪6379⟫ ping'));
    assertReference('mongosh --host H', cmd('mongosh --host ⟦db⟧ --port ⟪5432⟫ --eval 1'));
    assertReference('--join HOST', container(`          args: ["start", "--join", "⟦api⟧"]\n`));
    assertReference('--peer=HOST:PORT', container(`          args: ["--peer=⟦api⟧:⟪8080⟫"]\n`));
    assertReference('a shell command substitution is a command', cmd('test \\"$(redis-cli -h ⟦redis⟧ -p ⟪6379⟫ ping)\\" = PONG'));
    assertReference('a bash array of options', cmd('ARGS+=(\\"--join\\" \\"⟦db⟧\\"); exec app'));
  });

  it('exec probes, lifecycle hooks, init containers', () => {
    assertReference(
      'readiness exec probe',
      container(`          readinessProbe:\n            exec:\n              command: ["sh", "-c", "nc -z ⟦db⟧ ⟪5432⟫"]\n`),
    );
    assertReference(
      'postStart hook',
      container(`          lifecycle:\n            postStart:\n              exec:\n                command: ["curl", "http://⟦api⟧:⟪8080⟫/register"]\n`),
    );
    assertReference(
      'init container',
      container(
        '',
        `      initContainers:\n        - name: wait\n          image: busybox\n          command: ["sh", "-c", "until nslookup ⟦db⟧; do sleep 2; done"]\n`,
      ),
    );
    assertReference(
      'a folded script',
      container(
        `          command:\n            - /bin/bash\n            - -ecx\n            - exec app\n              --join redis-0.⟦redis⟧,redis-1.redis\n`,
      ),
    );
  });
});

describe('recognition: ConfigMap and Secret data', () => {
  const configMap = (data: string, kind = 'ConfigMap', field = 'data') =>
    `apiVersion: v1\nkind: ${kind}\nmetadata: {name: conf, namespace: shop}\n${field}:\n${data}`;

  it('values named like hosts, and config files by format', () => {
    assertReference('a value', configMap('  DB_HOST: ⟦db⟧\n  DB_PORT: "⟪5432⟫"\n'));
    assertReference('embedded YAML with host and port keys', configMap('  app.yaml: |\n    database:\n      host: ⟦db⟧\n      port: ⟪5432⟫\n'));
    assertReference('embedded JSON', configMap('  app.json: |\n    {"redis": {"host": "⟦redis⟧", "port": ⟪6379⟫}}\n'));
    assertReference('TOML', configMap('  app.toml: |\n    [database]\n    host = "⟦db⟧"\n    port = ⟪5432⟫\n'));
    assertReference('INI', configMap('  app.ini: |\n    [redis]\n    host=⟦redis⟧\n    port=⟪6379⟫\n'));
    assertReference('properties', configMap('  application.properties: |\n    spring.datasource.url=jdbc:postgresql://⟦db⟧:⟪5432⟫/app\n'));
    assertReference('fluent-bit style', configMap('  fluent-bit.conf: |\n    [OUTPUT]\n        Name  http\n        Host  ⟦api⟧\n        Port  ⟪8080⟫\n'));
    assertReference(
      'nginx proxy_pass',
      configMap('  nginx.conf: |\n    server {\n      listen 80;\n      location / { proxy_pass http://⟦api⟧:⟪8080⟫; }\n    }\n'),
    );
    assertReference('nginx upstream server', configMap('  nginx.conf: |\n    upstream backend {\n      server ⟦api⟧:⟪8080⟫ weight=5;\n    }\n'));
    assertReference('haproxy server', configMap('  haproxy.cfg: |\n    backend be\n      server s1 ⟦redis⟧:⟪6379⟫ check inter 1s\n'));
    assertReference('redis replicaof', configMap('  redis.conf: |\n    replicaof ⟦redis⟧ ⟪6379⟫\n'));
    assertReference('a shell script', configMap('  init.sh: |\n    #!/bin/sh\n    until redis-cli -h ⟦redis⟧ ping; do sleep 1; done\n'));
    assertReference('a libpq connection string', configMap('  DSN: "host=⟦db⟧ port=⟪5432⟫ dbname=app sslmode=disable"\n'));
    assertReference('a second MongoDB host', configMap('  MONGO_URL: "mongodb://api:8080,⟦db⟧:⟪5432⟫/app"\n'));
    assertReference('a Kafka bootstrap list', configMap('  BOOTSTRAP_SERVERS: "api:8080,⟦redis⟧:⟪6379⟫"\n'));
    assertReference('amqp URL with credentials', configMap('  AMQP_URL: "amqp://user:secret@⟦api⟧:⟪8080⟫/vhost"\n'));
  });

  it('config lines with long runs of blanks are read at once, with the same positions', () => {
    // The line regular expressions took time quadratic in a run of blanks: 40 s for 200,000.
    const blanks = ' '.repeat(200_000);
    const started = performance.now();
    assertReference('before a comment', configMap(`  app.ini: |\n    [db]\n    host = ⟦db⟧${blanks}# the primary\n    port = ⟪5432⟫\n`));
    assertReference('at the end of a value', configMap(`  app.ini: |\n    [db]\n    host = ⟦db⟧${blanks}\n    port = ⟪5432⟫\n`));
    assertReference('tabs before the value', configMap(`  fluent-bit.conf: |\n    [OUTPUT]\n        Host${'\t'.repeat(200_000)}⟦api⟧\n        Port  ⟪8080⟫\n`));
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 3_000, `took ${elapsed.toFixed(0)} ms`);
  });

  it('Secret stringData, and data that decodes to text', () => {
    assertReference('stringData', configMap('  config.yaml: |\n    url: http://⟦api⟧:⟪8080⟫\n', 'Secret', 'stringData'));
    const encoded = Buffer.from('postgres://app:hunter2@db:5432/app').toString('base64');
    const ok = analyse(configMap(`  DATABASE_URL: ${encoded}\n`, 'Secret'));
    const ref = ok.references.find((r) => r.host === 'db');
    assert.ok(ref, 'the base64 value is read');
    assert.equal(ref.secret, true);
    assert.equal(ref.port, 5432);
    assert.deepEqual(ok.findings, []);
    const broken = analyse(configMap(`  DATABASE_URL: ${Buffer.from('postgres://app:hunter2@dbx:5432/app').toString('base64')}\n`, 'Secret')).findings;
    assert.deepEqual(
      broken.map((f) => [f.code, f.line]),
      [['NL001', 5]],
    );
    assert.ok(!broken[0]!.message.includes('hunter2') && !broken[0]!.message.includes('app:'), 'no secret text in the message');
    assert.deepEqual(broken[0]!.fixes, [], 'no fix edits inside base64');
  });
});

describe('recognition: routes', () => {
  it('Ingress of every version', () => {
    const ingress = (apiVersion: string, backend: string) =>
      `apiVersion: ${apiVersion}\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            backend:\n${backend}`;
    assertReference(
      'networking.k8s.io/v1',
      ingress('networking.k8s.io/v1', '              service:\n                name: ⟦api⟧\n                port: {number: ⟪8080⟫}\n'),
    );
    assertReference('networking.k8s.io/v1beta1', ingress('networking.k8s.io/v1beta1', '              serviceName: ⟦api⟧\n              servicePort: ⟪8080⟫\n'));
    assertReference('extensions/v1beta1', ingress('extensions/v1beta1', '              serviceName: ⟦api⟧\n              servicePort: ⟪8080⟫\n'));
    assertReference(
      'the auth-url annotation',
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n    nginx.ingress.kubernetes.io/auth-url: "http://⟦api⟧.shop.svc.cluster.local:⟪8080⟫/auth"\nspec: {}\n`,
    );
  });

  it('Gateway API routes of every kind', () => {
    for (const kind of ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute']) {
      assertReference(
        kind,
        `apiVersion: gateway.networking.k8s.io/v1\nkind: ${kind}\nmetadata: {name: r, namespace: shop}\nspec:\n  rules:\n    - backendRefs:\n        - name: ⟦api⟧\n          port: ⟪8080⟫\n`,
      );
    }
  });

  it('a backendRef to another namespace needs a ReferenceGrant there', () => {
    const route = `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: edge}\nspec:\n  rules:\n    - backendRefs:\n        - {name: api, namespace: shop, port: 8080}\n`;
    assert.deepEqual(
      analyse(route).findings.map((f) => [f.code, f.line]),
      [['NL014', 7]],
    );
    const grant = `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: from-edge, namespace: shop}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: edge}]\n  to: [{group: "", kind: Service}]\n`;
    assert.deepEqual(analyse(route, [CLUSTER, grant]).findings, []);
  });

  it('Istio: a short host is taken in the namespace of the rule', () => {
    const vs = (host: string) =>
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: api, namespace: shop}\nspec:\n  hosts: [api]\n  http:\n    - route:\n        - destination:\n            host: ${host}\n            port: {number: ⟪8080⟫}\n`;
    assertReference('VirtualService http destination', vs('⟦api⟧'));
    assertReference('an FQDN host', vs('⟦api⟧.shop.svc.cluster.local'));
    assertReference(
      'tcp route',
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: db, namespace: shop}\nspec:\n  tcp:\n    - route:\n        - destination: {host: ⟦db⟧, port: {number: ⟪5432⟫}}\n`,
    );
    assertReference(
      'DestinationRule host',
      `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: api, namespace: shop}\nspec:\n  host: ⟦api⟧\n`,
    );
    // A rule in another namespace takes `api` in its own namespace, where there is none: both its `hosts` entry and
    // its destination name nothing there.
    const elsewhere = vs('api').replace('namespace: shop', 'namespace: edge').replace(/⟪|⟫/g, '');
    assert.deepEqual(
      analyse(elsewhere, [CLUSTER, 'apiVersion: v1\nkind: Service\nmetadata: {name: gw, namespace: edge}\nspec: {ports: [{port: 80}]}\n']).findings.map((f) => [
        f.code,
        f.line,
      ]),
      [
        ['NL001', 5],
        ['NL001', 9],
      ],
    );
    // A dotted host that is no FQDN is a ServiceEntry's to answer, not a finding.
    assert.deepEqual(analyse(vs('api.shop').replace(/⟪|⟫/g, '')).findings, []);
  });

  it('Istio subsets: routed to but not defined, and defined with labels no pod carries', () => {
    const dr = (labels: string) =>
      `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: api, namespace: shop}\nspec:\n  host: api\n  subsets:\n    - name: v1\n      labels: {${labels}}\n`;
    const vs = (subset: string) =>
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: api, namespace: shop}\nspec:\n  http:\n    - route:\n        - destination: {host: api, subset: ${subset}}\n`;
    assert.deepEqual(analyse(vs('v1'), [CLUSTER, dr('version: v1')]).findings, []);
    assert.deepEqual(
      analyse(vs('v2'), [CLUSTER, dr('version: v1')]).findings.map((f) => [f.code, f.line]),
      [['NL013', 7]],
      'a route to a subset no DestinationRule defines',
    );
    assert.deepEqual(
      analyse(dr('version: v9'), [CLUSTER, vs('v1')]).findings.map((f) => [f.code, f.line]),
      [['NL013', 8]],
      'a routed subset whose labels select no pod, at its labels',
    );
    assert.deepEqual(analyse(dr('version: v9'), [CLUSTER]).findings, [], 'a subset nothing routes to may wait for its version');
  });
});

describe('recognition: custom resources, from the table', () => {
  it('each row reads its fields', () => {
    assertReference(
      'Prometheus alerting.alertmanagers',
      `apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: shop}\nspec:\n  alerting:\n    alertmanagers:\n      - {name: ⟦api⟧, namespace: shop, port: ⟪metrics⟫}\n`,
    );
    assertReference(
      'Dapr Component metadata, host and port as separate entries',
      `apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: state, namespace: shop}\nspec:\n  type: state.redis\n  metadata:\n    - {name: redisHost, value: ⟦redis⟧}\n    - {name: port, value: "⟪6379⟫"}\n`,
    );
    assertReference(
      'Dapr Configuration tracing endpoint',
      `apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: tracing, namespace: shop}\nspec:\n  tracing:\n    zipkin:\n      endpointAddress: "http://⟦api⟧:⟪8080⟫/api/v2/spans"\n`,
    );
    assertReference(
      'Traefik IngressRoute',
      `apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {name: web, namespace: shop}\nspec:\n  routes:\n    - match: PathPrefix(\`/\`)\n      services:\n        - {name: ⟦api⟧, port: ⟪8080⟫}\n`,
    );
    assertReference(
      'Contour HTTPProxy',
      `apiVersion: projectcontour.io/v1\nkind: HTTPProxy\nmetadata: {name: web, namespace: shop}\nspec:\n  routes:\n    - services:\n        - name: ⟦api⟧\n          port: ⟪8080⟫\n`,
    );
    assertReference(
      'KEDA ScaledObject trigger',
      `apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: api, namespace: shop}\nspec:\n  triggers:\n    - type: redis\n      metadata:\n        address: ⟦redis⟧:⟪6379⟫\n        listName: jobs\n`,
    );
    assertReference(
      'NGINX VirtualServer upstream',
      `apiVersion: k8s.nginx.org/v1\nkind: VirtualServer\nmetadata: {name: web, namespace: shop}\nspec:\n  upstreams:\n    - {name: api, service: ⟦api⟧, port: ⟪8080⟫}\n`,
    );
  });

  it('Argo Rollouts, APISIX, Ambassador, Velero, Consul', () => {
    assertReference(
      'Rollout blueGreen activeService',
      `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web, namespace: shop}\nspec:\n  strategy:\n    blueGreen:\n      activeService: ⟦api⟧\n`,
    );
    assertReference(
      'Rollout canary stableService',
      `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web, namespace: shop}\nspec:\n  strategy:\n    canary:\n      stableService: ⟦db⟧\n`,
    );
    assertReference(
      'ApisixRoute backend',
      `apiVersion: apisix.apache.org/v2\nkind: ApisixRoute\nmetadata: {name: r, namespace: shop}\nspec:\n  http:\n    - name: rule\n      backends:\n        - serviceName: ⟦api⟧\n          servicePort: ⟪8080⟫\n`,
    );
    assertReference(
      'Ambassador Mapping service',
      `apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: m, namespace: shop}\nspec:\n  prefix: /\n  service: ⟦api⟧:⟪8080⟫\n`,
    );
    assertReference(
      'Velero BackupStorageLocation s3Url',
      `apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: default, namespace: shop}\nspec:\n  config:\n    s3Url: http://⟦api⟧.shop.svc:⟪8080⟫\n`,
    );
    // Consul's names for Services: reported only with a near name (weak), and the upstream's port is the pod's own.
    const upstreams = (v: string) =>
      container('', `      annotations: {}\n`).replace(
        '  template:\n',
        `  template:\n    metadata:\n      annotations:\n        consul.hashicorp.com/connect-service-upstreams: "${v}"\n`,
      );
    const quiet = analyse(upstreams('api:9999,db:15432'));
    assert.deepEqual(quiet.findings, [], 'local ports are no Service ports');
    assert.ok(quiet.references.some((r) => r.host === 'db' && r.kind === 'service' && r.strength === 'weak'));
    assert.deepEqual(
      analyse(upstreams('apii:9999')).findings.map((f) => f.code),
      ['NL001'],
    );
    const intentions = (name: string) =>
      `apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceIntentions\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  destination: {name: ${name}}\n  sources: [{name: api, action: allow}]\n`;
    assert.deepEqual(analyse(intentions('db')).findings, []);
    assert.deepEqual(
      analyse(intentions('dbx')).findings.map((f) => f.code),
      ['NL001'],
      'its own name is no operator-made Service',
    );
  });

  it('config formats and commands seen in real repositories', () => {
    const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata:\n${data}`;
    assertReference('NATS routes', cm('  nats.conf: |\n    cluster {\n      routes [\n        nats://redis-0.⟦redis⟧.shop.svc:⟪6379⟫\n      ]\n    }\n'));
    assertReference(
      'MASTER_HOST in a SQL string of a script',
      container(`          command: ["bash", "-c", "mysql -h127.0.0.1 -e \\"CHANGE MASTER TO MASTER_HOST='⟦db⟧', MASTER_PORT=5432\\""]\n`),
    );
    assertReference('an FQDN with its trailing dot, in a URL', container(`          args: ["--upstream=http://⟦api⟧.shop.svc.cluster.local.:⟪8080⟫"]\n`));
    assertReference('--*-store HOST', container(`          args: ["--configuration-store", "⟦db⟧"]\n`));
    assertReference('PGHOST', container(`          env:\n            - {name: PGHOST, value: ⟦db⟧}\n`));
  });

  it('an advertised URL is looked up by other pods, even when it spells the pod’s own name', () => {
    const etcd = (url: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: shop, labels: {app: db}}\nspec:\n  containers:\n    - name: etcd\n      image: etcd\n      command: ["etcd", "--name", "db", "--advertise-client-urls", "${url}", "--listen-client-urls", "http://0.0.0.0:5432"]\n`;
    assert.deepEqual(analyse(etcd('http://db:5432')).findings, []);
    assert.deepEqual(
      analyse(etcd('http://db:2379')).findings.map((f) => f.code),
      ['NL003'],
    );
    const local = analyse(etcd('http://db:5432').replace('"--advertise-client-urls", ', '"--data-url", ')).references.find((r) => r.host === 'db');
    assert.equal(local?.local, 'own-hostname', 'elsewhere the pod answers its own name itself');
  });

  it('SRV names: the Service, and a port of that name', () => {
    const srv = (name: string) => container(`          args: ["--store=dnssrv+${name}"]\n`);
    assert.deepEqual(analyse(srv('_http._tcp.api.shop.svc.cluster.local')).findings, []);
    assert.deepEqual(
      analyse(srv('_htp._tcp.api.shop.svc.cluster.local')).findings.map((f) => [f.code, f.fixes[0]?.title]),
      [['NL003', 'Change the port name to http']],
    );
    assert.deepEqual(
      analyse(srv('_http._tcp.apii.shop.svc.cluster.local')).findings.map((f) => f.code),
      ['NL001'],
    );
  });

  it('database names are no hosts (POSTGRES_DB, DB_DATABASE)', () => {
    const r = analyse(
      container(
        `          env:\n            - {name: POSTGRES_DB, value: apis}\n            - {name: DB_DATABASE, value: dbs}\n            - {name: MYSQL_DATABASE, value: api}\n`,
      ),
    );
    assert.deepEqual(r.findings, []);
  });

  it('ServiceMonitor: its selector must select a Service, and its port must be one of theirs', () => {
    const labelled = CLUSTER.replace(
      'metadata: {name: api, namespace: shop}\nspec:\n  selector: {app: api}',
      'metadata: {name: api, namespace: shop, labels: {app: api}}\nspec:\n  selector: {app: api}',
    );
    const sm = (label: string, port: string) =>
      `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: api, namespace: shop}\nspec:\n  selector:\n    matchLabels: {app: ${label}}\n  endpoints:\n    - port: ${port}\n`;
    assert.deepEqual(analyse(sm('api', 'metrics'), [labelled]).findings, []);
    assert.deepEqual(
      analyse(sm('apx', 'metrics'), [labelled]).findings.map((f) => [f.code, f.line]),
      [['NL016', 6]],
    );
    assert.deepEqual(
      analyse(sm('api', 'metrix'), [labelled]).findings.map((f) => [f.code, f.line, f.fixes[0]?.title]),
      [['NL003', 8, 'Change the port to metrics']],
    );
    // Over any namespace the manifests hold only some of the cluster's: a misspelt value is reported, another is not.
    const anyNs = (label: string) => `${sm(label, 'metrics')}  namespaceSelector: {any: true}\n`;
    assert.deepEqual(
      analyse(anyNs('apx'), [labelled]).findings.map((f) => [f.code, f.line]),
      [['NL016', 6]],
    );
    assert.deepEqual(analyse(anyNs('istiod'), [labelled]).findings, []);
  });

  it("an operator's pods and Services: Prometheus podMetadata, prometheus-operated; names an unknown operator may create", () => {
    const prometheus = `apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: shop}\nspec:\n  replicas: 2\n  podMetadata:\n    labels: {app.kubernetes.io/component: prometheus}\n`;
    const svc = `apiVersion: v1\nkind: Service\nmetadata: {name: prometheus-k8s, namespace: shop}\nspec:\n  selector: {app.kubernetes.io/component: prometheus, app.kubernetes.io/name: prometheus}\n  ports: [{name: web, port: 9090, targetPort: web}]\n`;
    assert.deepEqual(analyse(svc, [CLUSTER, prometheus]).findings, [], 'the operator makes pods with those labels and a web port');
    assert.deepEqual(
      analyse(svc, [CLUSTER]).findings.map((f) => f.code),
      ['NL005'],
      'without the Prometheus, nothing runs them',
    );
    assert.deepEqual(
      analyse(container(`          env:\n            - {name: PROM_URL, value: "http://prometheus-operated:9090"}\n`), [CLUSTER, prometheus]).findings,
      [],
    );
    const cnpg = `apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: shop}\nspec: {instances: 3}\n`;
    assert.deepEqual(
      analyse(container(`          env:\n            - {name: DB_HOST, value: pg-rw}\n`), [CLUSTER, cnpg]).findings,
      [],
      'pg-rw may be the operator’s',
    );
    assert.deepEqual(
      analyse(container(`          env:\n            - {name: DB_HOST, value: pg-rw}\n`), [CLUSTER]).findings.map((f) => f.code),
      ['NL001'],
    );
  });
});

describe('recognition: structure', () => {
  it("a StatefulSet's serviceName that names no Service (NL012), at serviceName", () => {
    const sts = (name: string) =>
      `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: cache, namespace: shop}\nspec:\n  serviceName: ${name}\n  selector: {matchLabels: {app: cache}}\n  template:\n    metadata: {labels: {app: cache}}\n    spec: {containers: [{name: c, image: redis}]}\n`;
    assert.deepEqual(analyse(sts('redis')).findings, []);
    assert.deepEqual(
      analyse(sts('cache')).findings.map((f) => [f.code, f.severity, f.line]),
      [['NL012', 'warning', 5]],
    );
  });

  it('NL005 on the selector pair no pod has; NL006 on the targetPort', () => {
    const svc = (selector: string, targetPort: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: front, namespace: shop}\nspec:\n  selector:\n${selector}  ports:\n    - port: 80\n      targetPort: ${targetPort}\n`;
    assert.deepEqual(analyse(svc('    app: api\n    version: v1\n', 'http')).findings, []);
    assert.deepEqual(
      analyse(svc('    app: api\n    version: v2\n', 'http')).findings.map((f) => [f.code, f.line]),
      [['NL005', 7]],
    );
    assert.deepEqual(
      analyse(svc('    app: api\n', 'htp')).findings.map((f) => [f.code, f.line, f.fixes[0]?.title]),
      [['NL006', 9, 'Change the target port to http']],
    );
  });

  it('NL006 on the Services of an Argo Rollout: its template is known', () => {
    const rollout = `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: x, ports: [{name: http, containerPort: 80}]}]}\n`;
    const svc = (tp: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: ${tp}}]\n`;
    assert.deepEqual(analyse(svc('http'), [CLUSTER, rollout]).findings, []);
    assert.deepEqual(
      analyse(svc('htp'), [CLUSTER, rollout]).findings.map((f) => f.code),
      ['NL006'],
    );
  });

  it("a preview Service selects the pods of an Argo Rollout's canary experiment, under the experiment's labels", () => {
    const rollout = (labels: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: x, ports: [{name: http, containerPort: 80}]}]}\n  strategy:\n    canary:\n      steps:\n      - experiment:\n          templates:\n          - name: preview\n            specRef: canary\n            selector: {matchLabels: ${labels}}\n            metadata: {labels: ${labels}}\n`;
    const preview = `apiVersion: v1\nkind: Service\nmetadata: {name: web-preview, namespace: shop}\nspec:\n  selector: {app: web-preview}\n  ports: [{port: 80, targetPort: http}]\n`;
    assert.deepEqual(analyse(preview, [CLUSTER, rollout('{app: web-preview}')]).findings, []);
    assert.deepEqual(
      analyse(preview, [CLUSTER, rollout('{app: web-canary}')]).findings.map((f) => f.code),
      ['NL005'],
    );
  });

  it('the line NL015 names is the file’s, in a document after others', () => {
    const text = `${CLUSTER}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata:\n  A: "1"\n  A: "2"\n`;
    const first = text.split('\n').indexOf('  A: "1"') + 1;
    const r = analyse(text, []);
    assert.deepEqual(
      r.findings.map((f) => [f.code, f.line]),
      [['NL015', first + 1]],
    );
    assert.match(r.findings[0]!.message, new RegExp(`first on line ${first}\\)`));
  });

  it('a key written twice: read as kubectl does (the later wins), NL015 at the second', () => {
    const text = container(
      `          env:\n            - {name: API_ADDR, value: "api:8080"}\n          resources: {limits: {cpu: "1"}}\n          resources: {}\n`,
    );
    const r = analyse(text);
    assert.deepEqual(
      r.findings.map((f) => [f.code, f.line]),
      [['NL015', 13]],
    );
    assert.ok(
      r.references.some((ref) => ref.host === 'api'),
      'the rest of the Deployment is still read',
    );
  });

  it('objects without a namespace, in a file whose others all name one, are in that namespace', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata:\n  app.yaml: "endpoint: minio:9000"\n---\napiVersion: v1\nkind: Service\nmetadata: {name: minio}\nspec: {selector: {app: minio}, ports: [{port: 9000}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: minio}\nspec:\n  template:\n    metadata: {labels: {app: minio}}\n    spec: {containers: [{name: m, image: minio}]}\n`;
    assert.deepEqual(analyse(text).findings, []);
  });
});

describe('recognition: never a finding', () => {
  /** The fixture's references all exist and none gives a finding. */
  const quiet = (text: string, others: readonly string[] = [CLUSTER]) => {
    const r = analyse(text, others);
    assert.deepEqual(
      r.findings.map((f) => `${f.line}: ${f.code} ${f.message}`),
      [],
    );
    return r;
  };

  it('names the pod answers itself, in every position', () => {
    const r = quiet(
      container(
        `          env:\n            - {name: A_URL, value: "http://localhost:8080"}\n            - {name: B_HOST, value: "metrics.localhost"}\n            - {name: C_ADDR, value: "127.0.0.1:9090"}\n            - {name: D_ADDR, value: "[::1]:9090"}\n            - {name: E_ADDR, value: "0.0.0.0:80"}\n            - {name: F_HOST, value: sidecar}\n            - {name: G_HOST, value: ip6-localhost}\n          args: ["--webhook-url=http://localhost:19115/-/reload"]\n`,
        `      hostAliases:\n        - {ip: 10.1.2.3, hostnames: [sidecar]}\n`,
      ),
    );
    const local = r.references.filter((ref) => ref.local).map((ref) => `${ref.host}:${ref.local}`);
    assert.deepEqual(
      local.sort(),
      [
        '0.0.0.0:unspecified',
        '127.0.0.1:loopback',
        '::1:loopback',
        'ip6-localhost:localhost',
        'localhost:localhost',
        'localhost:localhost',
        'metrics.localhost:localhost',
        'sidecar:host-alias',
      ].sort(),
    );
  });

  it('templates of other programs; the literal host is still a reference, for hovers', () => {
    const r = quiet(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: links, namespace: shop}\ndata:\n  links: |\n    - url: http://logging?ns=\${metadata.namespace}&pod=\${metadata.name}\n  a: "http://{{ .Values.host }}:8080"\n  b: "http://%(host)s:8080/"\n  c: "http://{service}:8080/"\n  d: "http://<your-service>:8080/"\n  nginx.conf: |\n    location / { proxy_pass http://$backend:3100; }\n  e: "$(API_HOST):8080"\n`,
    );
    const logging = r.references.find((ref) => ref.host === 'logging');
    assert.ok(logging?.template, 'the literal host of a templated URL is kept, marked as a template');
    assert.deepEqual(
      r.references.filter((ref) => !ref.template).map((ref) => ref.host),
      [],
      'nothing else: the hosts are the placeholders themselves',
    );
  });

  it('the Services every cluster has', () => {
    quiet(
      container(
        `          env:\n            - {name: K8S_URL, value: "https://kubernetes.default.svc:443"}\n            - {name: DNS_ADDR, value: "kube-dns.kube-system.svc.cluster.local:53"}\n`,
      ),
    );
    quiet(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n, namespace: shop}\ndata:\n  nginx.conf: |\n    resolver kube-dns.kube-system.svc.cluster.local valid=10s;\n`,
    );
  });

  it('weak positions: reported only when a near name makes a misspelling likely', () => {
    quiet(container(`          args: ["--backend=badger", "--server=production-cluster"]\n          env:\n            - {name: AUTH_SERVICE, value: oauth}\n`));
    // A longer name that begins alike is a name of its own, not a misspelling: `apiserver` beside the Service `api`.
    quiet(container(`          env:\n            - {name: AUTH_SERVICE, value: apiserver}\n`));
    assert.deepEqual(
      analyse(container(`          env:\n            - {name: API_SERVICE, value: apii}\n`)).findings.map((f) => [f.code, f.fixes[0]?.title]),
      [['NL001', 'Change to api']],
    );
  });

  it('bundles that are alternatives of each other, side by side: the ports of a Service both declare are not judged', () => {
    const bundle = (port: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: speaker-monitor, namespace: shop, labels: {app: speaker}}\nspec:\n  ports: [{name: ${port}, port: 9120}]\n---\n` +
      `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: speaker, namespace: shop}\nspec:\n  selector: {matchLabels: {app: speaker}}\n  endpoints: [{port: ${port}}]\n---\n` +
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: speaker, namespace: shop}\nspec:\n  defaultBackend: {service: {name: speaker-monitor, port: {name: ${port}}}}\n`;
    // The other bundle's file comes later and wins; this file's monitor and Ingress name this bundle's port.
    const r = analyse(bundle('frrmetrics'), [CLUSTER, bundle('metrics')]);
    assert.deepEqual(
      r.findings.map((f) => f.code),
      [],
    );
    // In one file, the later declaration is the one deployed: its ports are judged.
    assert.deepEqual(
      analyse(`${bundle('frrmetrics')}---\n${bundle('metrics').split('---\n')[0]}`).findings.map((f) => f.code),
      ['NL003', 'NL003'],
    );
  });

  it("an Ingress backend on the AWS Load Balancer Controller's port use-annotation names an action, not a Service", () => {
    const r = quiet(
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: alb\n  namespace: shop\n  annotations:\n    alb.ingress.kubernetes.io/actions.ssl-redirect: '{"Type": "redirect"}'\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: ssl-redirect, port: {name: use-annotation}}\n      - path: /api\n        pathType: Prefix\n        backend:\n          service: {name: api, port: {name: use-annotation}}\n`,
    );
    assert.deepEqual(
      r.references.map((ref) => ref.host),
      [],
    );
  });

  it('identifiers and code that only look like addresses: an Istio owner URI, a script of a ConfigMap', () => {
    quiet(
      container(
        `          env:\n            - {name: ISTIO_META_OWNER, value: "kubernetes://apis/apps/v1/namespaces/shop/deployments/web"}\n            - {name: GRPC_TARGET, value: "kubernetes:///api.shop:8080"}\n`,
      ),
    );
    const r = quiet(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: auth, namespace: shop}\ndata:\n  auth.js: |\n    const tokens = {\n      "token1": "user1",\n    };\n    const server = new Http.Server((req, res) => {});\n    server.listen(9002);\n  auth.conf: |\n    server = new Http.Server(handler)\n`,
    );
    assert.deepEqual(
      r.references.map((ref) => ref.host),
      [],
    );
  });

  it('labels in config files are no hosts (`service: gateway` in an alert route)', () => {
    quiet(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: am, namespace: shop}\ndata:\n  alertmanager.yml: |\n    route:\n      routes:\n        - match: {service: gatewya}\n`,
    );
  });

  it('names in namespaces whose Services the manifests do not declare, and external names', () => {
    quiet(
      container(
        `          env:\n            - {name: METRICS_URL, value: "http://metrics-server.kube-system.svc:443"}\n            - {name: PROM_URL, value: "http://prometheus.monitoring:9090"}\n            - {name: API_URL, value: "https://api.github.com"}\n`,
      ),
    );
  });
});
