// The render tier: real charts and Kustomize trees of the corpus (podinfo, robot-shop, argo-cd; Online Boutique's
// base, components and test overlays), rendered by helm v3.22.0 and kustomize v5.8.2 built from the Go module proxy
// (test/tools/build.sh). Each reference of a render is asserted with its rendered value, what it reaches, and the
// source file and line it comes from; breaking a chart or an overlay gives a finding at the line that breaks.
// The corpus is read-only: every test that changes a file works on a copy in a temporary folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CheckArgs, type Located, runCheckWithRenders } from '../../src/cli/check';
import { analyzeBuilds, renderedBuildAsync } from '../../src/render/builds';
import { discover, type RenderTarget } from '../../src/render/discover';
import { Renderer } from '../../src/render/renderer';
import type { RenderResult } from '../../src/render/result';
import { toSource } from '../../src/render/source-map';
import { corpusDir, repoRoot } from '../support/repo';
import { corpusCopy, lineOf, type RefRow, referenceRows, tools, writeKubebuilderConfig } from './support';

const corpus = corpusDir();
const podinfo = join(corpus, 'charts', 'podinfo', 'charts', 'podinfo');
const robotShop = join(corpus, 'charts', 'robot-shop', 'K8s', 'helm');
const argo = join(corpus, 'charts', 'argo-cd', 'charts', 'argo-cd');
const boutique = join(corpus, 'kustomize', 'online-boutique', 'kustomize');

let helm = '';
let kustomize = '';
const copies: string[] = [];

before(() => {
  ({ helm, kustomize } = tools());
});

after(() => {
  for (const c of copies) rmSync(c, { recursive: true, force: true });
});

function copy(rel: string): string {
  const c = corpusCopy(rel);
  copies.push(c);
  return c;
}

async function renderOne(target: RenderTarget, settings: ConstructorParameters<typeof Renderer>[0] = {}): Promise<RenderResult> {
  const renderer = new Renderer({ helmPath: helm, kustomizePath: kustomize, searchPath: '', ...settings });
  try {
    return await renderer.render(target);
  } finally {
    renderer.dispose();
  }
}

async function chartTarget(dir: string): Promise<RenderTarget> {
  const t = (await discover([dir])).charts[0];
  assert.ok(t, `no chart in ${dir}`);
  return t;
}

async function kustomizeTarget(dir: string): Promise<RenderTarget> {
  const t = (await discover([dir])).kustomizations.find((k) => k.dir === dir);
  assert.ok(t, `no kustomization entry point at ${dir}`);
  return t;
}

/** An expected reference: the line is found here, by a needle in the file (not by the code under test). */
function row(rendered: string, reaches: string, file: string, base: string, needle: string, produced: 'literal' | 'expression', nth = 0): RefRow {
  const text = readFileSync(join(base, file), 'utf8');
  let line = 0;
  for (let k = 0; k <= nth; k++) line = lineOf(text, needle, line);
  return { rendered, reaches, at: `${file}:${line}`, produced };
}

/** `netlens check` in-process with the built tools. */
async function check(
  paths: string[],
  options: Partial<CheckArgs> = {},
  render: Record<string, unknown> = {},
): Promise<{ status: number; located: Located[]; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCheckWithRenders(
    {
      paths,
      format: 'json',
      namespace: 'default',
      podRecords: 'insecure',
      render: { helmPath: helm, kustomizePath: kustomize, searchPath: '', ...render },
      ...options,
    },
    (s) => (stdout += s),
    (s) => (stderr += s),
    '/',
  );
  return { status, located: JSON.parse(stdout) as Located[], stderr };
}

describe('Helm charts: each reference, what it reaches and its template line', () => {
  it('podinfo with values-prod.yaml (redis enabled): names built from template expressions', async () => {
    const r = await renderOne(await chartTarget(podinfo), { helmValues: ['values-prod.yaml'] });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(referenceRows(r, podinfo), [
      row(
        'tcp://release-podinfo-redis:6379',
        'podinfo/release-podinfo-redis',
        'templates/deployment.yaml',
        podinfo,
        '--cache-server=tcp://{{ template',
        'expression',
      ),
      // The probes' commands: `localhost` is written in the template, the port comes from an expression. The
      // template has three such lines; the first, the startup probe's, is not rendered with these values.
      row('localhost:9898', 'NXDOMAIN', 'templates/deployment.yaml', podinfo, '- localhost:{{ .Values.service.httpPort', 'literal', 1),
      row('localhost:9898', 'NXDOMAIN', 'templates/deployment.yaml', podinfo, '- localhost:{{ .Values.service.httpPort', 'literal', 2),
      row('release-podinfo.podinfo:9999', 'podinfo/release-podinfo', 'templates/tests/grpc.yaml', podinfo, '-addr={{ template', 'expression'),
      row(
        'release-podinfo.podinfo:9898',
        'podinfo/release-podinfo',
        'templates/tests/jwt.yaml',
        podinfo,
        'value: "{{ template "podinfo.fullname"',
        'expression',
      ),
      row(
        'release-podinfo.podinfo:9898',
        'podinfo/release-podinfo',
        'templates/tests/service.yaml',
        podinfo,
        'value: "{{ template "podinfo.fullname"',
        'expression',
      ),
    ]);
  });

  it('podinfo with its defaults has no redis, and the release name and namespace come from the settings', async () => {
    const r = await renderOne(await chartTarget(podinfo), { release: 'web', namespace: 'edge' });
    assert.deepEqual(
      referenceRows(r, podinfo).map((x) => [x.rendered, x.reaches]),
      [
        ['localhost:9898', 'NXDOMAIN'],
        ['localhost:9898', 'NXDOMAIN'],
        ['web-podinfo.edge:9999', 'edge/web-podinfo'],
        ['web-podinfo.edge:9898', 'edge/web-podinfo'],
        ['web-podinfo.edge:9898', 'edge/web-podinfo'],
      ],
    );
    assert.deepEqual(r.command, ['helm', 'template', 'web', podinfo, '--namespace', 'edge']);
  });

  it('robot-shop: a literal serviceName, on its line; objects without a namespace get the release namespace', async () => {
    const r = await renderOne(await chartTarget(robotShop));
    assert.deepEqual(referenceRows(r, robotShop), [
      row('redis', 'robot-shop/redis', 'templates/redis-statefulset.yaml', robotShop, 'serviceName: redis', 'literal'),
    ]);
    // robot-shop's templates name no namespace; the rendered objects are placed in the release namespace.
    assert.equal(
      (r.text.match(/^ {2}namespace: robot-shop$/gm) ?? []).length,
      (r.text.match(/^kind: /gm) ?? []).length - (r.text.match(/^kind: (ClusterRole|ClusterRoleBinding|PodSecurityPolicy)$/gm) ?? []).length,
    );
  });

  it('argo-cd: references in helpers included into ConfigMaps and args, the missing redis-ha dependency reported', async () => {
    const r = await renderOne(await chartTarget(argo));
    assert.deepEqual(
      r.problems.map((p) => [p.code, p.severity, p.line]),
      [['dependency-missing', 'information', lineOf(readFileSync(join(argo, 'Chart.yaml'), 'utf8'), '- name: redis-ha')]],
    );
    const params = 'templates/argocd-configs/argocd-cmd-params-cm.yaml';
    const helper = '{{- include "argo-cd.config.params" . | trim | nindent 2 }}';
    // In helm's order of kinds: ConfigMaps, then the Deployment, then the StatefulSet.
    assert.deepEqual(referenceRows(r, argo), [
      row(
        'https://argocd.example.com',
        'NXDOMAIN',
        'templates/argocd-configs/argocd-cm.yaml',
        argo,
        '{{- include "argo-cd.config.cm" . | trim | nindent 2 }}',
        'expression',
      ),
      row('release-argocd-redis:6379', 'argo-cd/release-argocd-redis', params, argo, helper, 'expression'),
      row('release-argocd-repo-server:8081', 'argo-cd/release-argocd-repo-server', params, argo, helper, 'expression'),
      row('https://release-argocd-dex-server:5556', 'argo-cd/release-argocd-dex-server', params, argo, helper, 'expression'),
      row('https://argocd.example.com', 'NXDOMAIN', 'templates/argocd-configs/argocd-notifications-cm.yaml', argo, 'argocdUrl: {{', 'expression'),
      row('localhost', 'NXDOMAIN', 'templates/redis/health-configmap.yaml', argo, '-h localhost', 'literal', 0),
      row('localhost', 'NXDOMAIN', 'templates/redis/health-configmap.yaml', argo, '-h localhost', 'literal', 1),
      row(
        'release-argocd-repo-server:8081',
        'argo-cd/release-argocd-repo-server',
        'templates/argocd-notifications/deployment.yaml',
        argo,
        '--argocd-repo-server={{ template',
        'expression',
      ),
      row(
        'release-argocd-application-controller',
        'NXDOMAIN',
        'templates/argocd-application-controller/statefulset.yaml',
        argo,
        'serviceName: {{ include "argo-cd.controller.fullname" . }}',
        'expression',
      ),
    ]);
  });

  it('unsaved edits are rendered from a mirror of the chart, and the chart on disk is left as it is', async () => {
    const renderer = new Renderer({ helmPath: helm, searchPath: '' });
    try {
      const chart = join(copy('charts/podinfo'), 'charts', 'podinfo');
      const target = await chartTarget(chart);
      const file = join(chart, 'templates', 'service.yaml');
      const disk = readFileSync(file, 'utf8');
      const edited = disk.replace('name: {{ template "podinfo.fullname" . }}', 'name: {{ template "podinfo.fullname" . }}-edited');
      assert.notEqual(edited, disk);
      const r = await renderer.render(target, { overrides: new Map([[file, edited]]) });
      assert.match(r.text, /^ {2}name: release-podinfo-edited$/m);
      // The map points at the user's file, with the edited text.
      const at = r.text.indexOf('release-podinfo-edited');
      const s = toSource(r.map, at, at + 5)!;
      assert.equal(s.path, file);
      assert.equal(r.map.sources.find((x) => x.path === file)!.text, edited);
      assert.equal(readFileSync(file, 'utf8'), disk);
      // A second edit of the same buffer is written into the mirror's own copy, never through to the chart.
      const again = await renderer.render(target, { overrides: new Map([[file, edited.replace('-edited', '-again')]]) });
      assert.match(again.text, /^ {2}name: release-podinfo-again$/m);
      assert.equal(readFileSync(file, 'utf8'), disk);
      const back = await renderer.render(target);
      assert.ok(!back.fromCache);
      assert.doesNotMatch(back.text, /release-podinfo-edited/);
    } finally {
      renderer.dispose();
    }
  });

  it('argo-cd with redis-ha enabled: helm fails without the dependency, and says why on Chart.yaml', async () => {
    const r = await renderOne(await chartTarget(argo), { helmValues: ['ci/ha-static-values.yaml'] });
    assert.equal(r.text, '');
    const codes = r.problems.map((p) => [p.code, p.severity]);
    assert.deepEqual(codes, [
      ['dependency-missing', 'warning'],
      ['render-failed', 'error'],
    ]);
    const failed = r.problems[1]!;
    assert.equal(failed.file, join(argo, 'Chart.yaml'));
    assert.match(failed.message, /no template "redis-ha\.fullname"/);
    assert.doesNotMatch(failed.message, /symbolic link|netlens-render-/, 'the mirror NetLens renders from is not shown');
  });
});

describe('Kustomize: Online Boutique base, components and test overlays', () => {
  const base = (file: string, needle: string, rendered: string, reaches: string, nth = 0) =>
    row(rendered, reaches, `base/${file}`, boutique, needle, 'literal', nth);
  const otel = (nth: number) =>
    row(
      'opentelemetrycollector:4317',
      'default/opentelemetrycollector',
      'components/google-cloud-operations/kustomization.yaml',
      boutique,
      'value: "opentelemetrycollector:4317"',
      'literal',
      nth,
    );

  it('memorystore-with-all-components: base references on their lines, patch-added ones on the patch', async () => {
    const r = await renderOne(await kustomizeTarget(join(boutique, 'tests', 'memorystore-with-all-components')));
    assert.deepEqual(r.problems, []);
    assert.ok(!r.text.includes('config.kubernetes.io/origin'), 'origin annotations are removed from the text handed on');
    assert.deepEqual(referenceRows(r, boutique), [
      otel(0),
      base('checkoutservice.yaml', 'value: "productcatalogservice:3550"', 'productcatalogservice:3550', 'default/productcatalogservice'),
      base('checkoutservice.yaml', 'value: "shippingservice:50051"', 'shippingservice:50051', 'default/shippingservice'),
      base('checkoutservice.yaml', 'value: "paymentservice:50051"', 'paymentservice:50051', 'default/paymentservice'),
      base('checkoutservice.yaml', 'value: "emailservice:5000"', 'emailservice:5000', 'default/emailservice'),
      base('checkoutservice.yaml', 'value: "currencyservice:7000"', 'currencyservice:7000', 'default/currencyservice'),
      base('checkoutservice.yaml', 'value: "cartservice:7070"', 'cartservice:7070', 'default/cartservice'),
      otel(1),
      otel(2),
      otel(3),
      base('frontend.yaml', 'value: "productcatalogservice:3550"', 'productcatalogservice:3550', 'default/productcatalogservice'),
      base('frontend.yaml', 'value: "currencyservice:7000"', 'currencyservice:7000', 'default/currencyservice'),
      base('frontend.yaml', 'value: "cartservice:7070"', 'cartservice:7070', 'default/cartservice'),
      base('frontend.yaml', 'value: "recommendationservice:8080"', 'recommendationservice:8080', 'default/recommendationservice'),
      base('frontend.yaml', 'value: "shippingservice:50051"', 'shippingservice:50051', 'default/shippingservice'),
      base('frontend.yaml', 'value: "checkoutservice:5050"', 'checkoutservice:5050', 'default/checkoutservice'),
      base('frontend.yaml', 'value: "adservice:9555"', 'adservice:9555', 'default/adservice'),
      base('frontend.yaml', 'value: "shoppingassistantservice:80"', 'shoppingassistantservice:80', 'NXDOMAIN'),
      base('loadgenerator.yaml', 'value: "frontend:80"', 'frontend:80', 'default/frontend', 0),
      base('loadgenerator.yaml', 'value: "frontend:80"', 'frontend:80', 'default/frontend', 1),
      // A URL in a shell script of the collector component, on its line of the block scalar.
      row(
        'http://metadata.google.internal',
        'NXDOMAIN',
        'components/google-cloud-operations/otel-collector.yaml',
        boutique,
        'http://metadata.google.internal',
        'literal',
      ),
      otel(4),
      otel(5),
      otel(6),
      base('recommendationservice.yaml', 'value: "productcatalogservice:3550"', 'productcatalogservice:3550', 'default/productcatalogservice'),
    ]);
  });

  it('the other overlays and the root kustomization map the same base lines', async () => {
    for (const dir of [join(boutique, 'tests', 'spanner-with-all-components'), join(boutique, 'tests', 'service-mesh-istio-with-all-components'), boutique]) {
      const r = await renderOne(await kustomizeTarget(dir));
      assert.deepEqual(r.problems, [], dir);
      const rows = referenceRows(r, boutique);
      const cart = rows.filter((x) => x.rendered === 'cartservice:7070');
      assert.deepEqual(
        cart.map((x) => x.at),
        [
          `base/checkoutservice.yaml:${lineOf(readFileSync(join(boutique, 'base/checkoutservice.yaml'), 'utf8'), 'cartservice:7070')}`,
          `base/frontend.yaml:${lineOf(readFileSync(join(boutique, 'base/frontend.yaml'), 'utf8'), 'cartservice:7070')}`,
        ],
        dir,
      );
      assert.ok(
        rows.every((x) => x.at !== '?' && x.produced === 'literal'),
        `${dir}: ${JSON.stringify(rows.filter((x) => x.at === '?' || x.produced !== 'literal'))}`,
      );
    }
  });
});

describe('Kustomize: generators, JSON and strategic-merge patches, transformers', () => {
  it('places each value on the literal, the generator file, the patch or the base that holds it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'netlens-kustomize-'));
    copies.push(root);
    const files: Record<string, string> = {
      'base/kustomization.yaml':
        'resources:\n- app.yaml\nconfigMapGenerator:\n- name: app-config\n  literals:\n  - DB_HOST=postgres:5432\n  files:\n  - app.properties\n',
      'base/app.properties': 'cache.url=http://memcached:11211\n',
      'base/app.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n        env:\n        - name: API_ADDR\n          value: api:8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports:\n  - port: 8080\n',
      'dev/kustomization.yaml':
        'resources:\n- ../base\nnamespace: dev\nnamePrefix: dev-\npatches:\n- target:\n    kind: Deployment\n    name: app\n  patch: |-\n    - op: add\n      path: /spec/template/spec/containers/0/env/-\n      value:\n        name: AUDIT_ADDR\n        value: audit:9000\n- path: smp.yaml\n',
      'dev/smp.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        env:\n        - name: TRACE_URL\n          value: http://jaeger:14268/api\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    const r = await renderOne(await kustomizeTarget(join(root, 'dev')));
    assert.deepEqual(r.problems, []);
    const at = (rel: string, needle: string) => `${rel}:${lineOf(files[rel]!, needle)}`;
    assert.deepEqual(
      referenceRows(r, root).map((x) => [x.rendered, x.at, x.produced]),
      [
        ['postgres:5432', at('base/kustomization.yaml', 'DB_HOST=postgres:5432'), 'literal'],
        ['http://memcached:11211', at('base/app.properties', 'memcached'), 'literal'],
        ['http://jaeger:14268', at('dev/smp.yaml', 'jaeger'), 'literal'],
        // The prefix renames the Service, not the env value: api:8080 reaches nothing in the dev build.
        ['api:8080', at('base/app.yaml', 'api:8080'), 'literal'],
        ['audit:9000', at('dev/kustomization.yaml', 'audit:9000'), 'literal'],
      ],
    );
    const name = r.text.indexOf('name: dev-api') + 'name: '.length;
    const s = toSource(r.map, name, name + 'dev-api'.length)!;
    assert.deepEqual([s.path, s.line, s.produced], [join(root, 'base/app.yaml'), lineOf(files['base/app.yaml']!, 'name: api'), 'expression']);
  });
});

describe('netlens check on folders with charts and overlays', () => {
  it('a Service renamed in a template gives a finding at the template line that names it', async () => {
    const dir = copy('charts/podinfo');
    const chart = join(dir, 'charts', 'podinfo');
    const svc = join(chart, 'templates', 'redis', 'service.yaml');
    writeFileSync(svc, readFileSync(svc, 'utf8').replace('name: {{ template "podinfo.fullname" . }}-redis', 'name: {{ template "podinfo.fullname" . }}-cache'));
    const r = await check([dir], {}, { helmValues: ['values-prod.yaml'] });
    const deployment = readFileSync(join(chart, 'templates', 'deployment.yaml'), 'utf8');
    const line = lineOf(deployment, '--cache-server=tcp://');
    assert.deepEqual(
      r.located.map((l) => [l.file, l.line, l.code]),
      [[join(chart, 'templates', 'deployment.yaml').slice(1), line, 'NL001']],
      r.stderr,
    );
    const f = r.located[0]!;
    // The finding covers what built the name (the expression and the literal suffix, not the port), and says what
    // it rendered to.
    const lineText = deployment.split('\n')[line - 1]!;
    assert.equal(lineText.slice(f.column - 1, f.endColumn - 1), '{{ template "podinfo.fullname" . }}-redis');
    assert.match(f.message, /release-podinfo-redis/);
    assert.match(f.message, /rendered as "release-podinfo-redis"/);
    assert.equal(r.status, 1);
  });

  it('a patch that removes a Service breaks the references to it in that overlay only', async () => {
    const dir = copy('kustomize/online-boutique/kustomize');
    const overlay = join(dir, 'tests', 'spanner-with-all-components', 'kustomization.yaml');
    writeFileSync(
      overlay,
      `${readFileSync(overlay, 'utf8')}patches:\n- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: cartservice\n    $patch: delete\n`,
    );
    const r = await check([dir]);
    const checkout = readFileSync(join(dir, 'base', 'checkoutservice.yaml'), 'utf8');
    const frontend = readFileSync(join(dir, 'base', 'frontend.yaml'), 'utf8');
    const rel = (f: string) => join(dir, f).slice(1);
    const cart = r.located.filter((l) => l.message.includes('"cartservice"'));
    assert.deepEqual(
      cart.map((l) => [l.file, l.line, l.column, l.code]),
      [
        [
          rel('base/checkoutservice.yaml'),
          lineOf(checkout, 'value: "cartservice:7070"'),
          lineOf(checkout, 'value: "cartservice:7070"') && checkout.split('\n')[lineOf(checkout, 'value: "cartservice:7070"') - 1]!.indexOf('cartservice') + 1,
          'NL001',
        ],
        [
          rel('base/frontend.yaml'),
          lineOf(frontend, 'value: "cartservice:7070"'),
          frontend.split('\n')[lineOf(frontend, 'value: "cartservice:7070"') - 1]!.indexOf('cartservice') + 1,
          'NL001',
        ],
      ],
    );
    for (const l of cart) {
      assert.match(
        l.message,
        /\[rendered by kustomize build \S+spanner-with-all-components\]$/,
        'the finding holds in the overlay that deleted the Service only',
      );
    }
    // The base's one real gap (Online Boutique's optional shopping assistant) holds in all four builds, reported once.
    const assistant = r.located.filter((l) => l.message.includes('"shoppingassistantservice"'));
    assert.equal(assistant.length, 1);
    assert.equal(assistant[0]!.line, lineOf(frontend, 'shoppingassistantservice:80'));
    assert.equal((/\[rendered by (.*)\]$/.exec(assistant[0]!.message)?.[1]?.split('; ') ?? []).length, 4);
    // The NetworkPolicy findings of the overlays that apply the network-policies component, each true: with
    // google-cloud-operations, deny-all isolates the OpenTelemetry collector and no policy of the component admits
    // anything to it, so every service's COLLECTOR_SERVICE_ADDR is dropped (NL018, at the component's patch); with
    // memorystore or spanner, the redis-cart Deployment is deleted and its policy selects nothing (NL020).
    const policy = r.located.filter((l) => /^NL0(1[7-9]|2[01])$/.test(l.code));
    const operations = readFileSync(join(dir, 'components', 'google-cloud-operations', 'kustomization.yaml'), 'utf8');
    const collectorLines = operations.split('\n').flatMap((line, i) => (line.includes('value: "opentelemetrycollector:4317"') ? [i + 1] : []));
    const redis = readFileSync(join(dir, 'components', 'network-policies', 'network-policy-redis.yaml'), 'utf8');
    assert.deepEqual(
      policy.map((l) => [l.file, l.line, l.code]),
      [
        ...collectorLines.map((line) => [rel('components/google-cloud-operations/kustomization.yaml'), line, 'NL018']),
        [rel('components/network-policies/network-policy-redis.yaml'), lineOf(redis, 'app: redis-cart'), 'NL020'],
      ],
    );
    assert.equal(collectorLines.length, 7);
    assert.match(
      policy.find((l) => l.code === 'NL020')!.message,
      /\[rendered by kustomize build \S+memorystore-with-all-components; kustomize build \S+spanner-with-all-components\]$/,
    );
    assert.equal(r.located.length - policy.length, 3, JSON.stringify(r.located, null, 2));
  });

  it('a patch that adds a reference to a Service that does not exist gives the finding on the patch', async () => {
    const dir = copy('kustomize/online-boutique/kustomize');
    const component = join(dir, 'components', 'google-cloud-operations', 'kustomization.yaml');
    const text = readFileSync(component, 'utf8');
    const at = text.indexOf('value: "opentelemetrycollector:4317"');
    writeFileSync(component, `${text.slice(0, at)}value: "otel-collector:4317"${text.slice(at + 'value: "opentelemetrycollector:4317"'.length)}`);
    const r = await check([join(dir, 'tests', 'memorystore-with-all-components')]);
    const otel = r.located.filter((l) => l.message.includes('"otel-collector"'));
    assert.deepEqual(
      otel.map((l) => [l.file, l.line, l.code]),
      [[component.slice(1), lineOf(text, 'value: "opentelemetrycollector:4317"'), 'NL001']],
    );
  });

  it('a remote resource is not fetched: a warning on its line, once for a base two overlays share, and the rest is checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-remote-'));
    copies.push(dir);
    const remote = 'https://example.com/remote.yaml';
    for (const [path, text] of Object.entries({
      'base/kustomization.yaml': `resources:\n- app.yaml\n- ${remote}\n`,
      'base/app.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: app}\nspec: {ports: [{port: 80}]}\n',
      'dev/kustomization.yaml': 'resources:\n- ../base\n',
      'prod/kustomization.yaml': 'resources:\n- ../base\n',
      'plain/client.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata: {name: client}\nspec:\n  containers:\n  - name: c\n    image: c\n    env: [{name: API_URL, value: "http://apii:80"}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {ports: [{port: 80}]}\n',
    })) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const cli = join(repoRoot(), 'dist', 'cli.js');
    if (!existsSync(cli)) assert.equal(spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'build.mjs')]).status, 0);
    const r = spawnSync(process.execPath, [cli, 'check', '.', '--kustomize', kustomize, '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    const warnings = r.stderr.split('\n').filter((l) => l.includes(remote));
    assert.deepEqual(warnings, [
      `base/kustomization.yaml:3:3: warning: ${remote} would be fetched over the network; NetLens builds only what is on disk, so this build was not run.`,
    ]);
    // Not a failed render: the exit status is the findings' (the plain manifest's misspelt Service).
    assert.deepEqual(
      (JSON.parse(r.stdout) as Located[]).map((l) => [l.file, l.line, l.code]),
      [['plain/client.yaml', 8, 'NL001']],
    );
    assert.equal(r.status, 1, r.stderr);
  });

  it("a file its folder's kustomization lists only in a comment is switched off: not checked, and said so", () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-left-out-'));
    copies.push(dir);
    writeKubebuilderConfig(dir);
    const cli = join(repoRoot(), 'dist', 'cli.js');
    if (!existsSync(cli)) assert.equal(spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'build.mjs')]).status, 0);
    const run = (...more: string[]) => spawnSync(process.execPath, [cli, 'check', 'config', '--format', 'json', ...more], { cwd: dir, encoding: 'utf8' });
    const rendered = run('--kustomize', kustomize);
    assert.deepEqual(JSON.parse(rendered.stdout), [], 'its Service selects pods of namespace system, which the build renames: no NL005');
    assert.match(
      rendered.stderr,
      /not checked, switched off in their folder's kustomization \(a commented-out entry\): 1 \(config\/rbac\/auth_proxy_service\.yaml\)/,
    );
    assert.equal(rendered.status, 0, rendered.stderr);
    // Without rendering every file is a manifest as it is, this one too.
    const plain = run('--no-render');
    assert.doesNotMatch(plain.stderr, /not checked/);
    assert.equal(plain.status, 0, plain.stderr);
  });

  it('JSON names source files; the exit status says a render failed; --no-render runs nothing', async () => {
    const r = await check([join(corpus, 'charts', 'argo-cd')], {}, { helmValues: ['ci/ha-static-values.yaml'] });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Chart\.yaml:1:1: error: helm template failed/);

    // The bundled CLI, with a fake helm on PATH that would leave a mark if it ran.
    const cli = join(repoRoot(), 'dist', 'cli.js');
    if (!existsSync(cli)) assert.equal(spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'build.mjs')]).status, 0);
    const bin = mkdtempSync(join(tmpdir(), 'netlens-fake-tools-'));
    copies.push(bin);
    const mark = join(bin, 'ran');
    // The tools run with an empty PATH: the fake ones call touch by its full path.
    for (const name of ['helm', 'kustomize']) writeFileSync(join(bin, name), `#!/bin/sh\n/usr/bin/touch ${mark}\nexit 3\n`, { mode: 0o755 });
    const run = spawnSync(process.execPath, [cli, 'check', join(corpus, 'charts'), join(corpus, 'kustomize'), '--no-render', '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    assert.ok(!existsSync(mark), 'nothing ran with --no-render');
    assert.match(run.stderr, /3 Helm charts not rendered \(--no-render\)/);
    const located = JSON.parse(run.stdout) as Located[];
    assert.ok(
      located.every((l) => !l.file.includes('/templates/')),
      'chart templates are not read as manifests',
    );

    // With rendering, the tools are taken from PATH: the fake helm ran, failed, and the check says so.
    const rendered = spawnSync(process.execPath, [cli, 'check', join(corpus, 'charts', 'podinfo'), '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    assert.ok(existsSync(mark));
    assert.equal(rendered.status, 2, rendered.stderr);
  });
});

describe('caching and performance figures', () => {
  it('argo-cd: first analysis against helm template alone, the cache, a re-render after one edit, the longest block', async () => {
    const dir = copy('charts/argo-cd');
    const chart = join(dir, 'charts', 'argo-cd');
    // helm template alone, on a copy whose Chart.yaml lists no redis-ha (helm refuses the chart otherwise), best of 3.
    const plain = copy('charts/argo-cd');
    const plainChart = join(plain, 'charts', 'argo-cd', 'Chart.yaml');
    writeFileSync(plainChart, readFileSync(plainChart, 'utf8').replace(/dependencies:\n(?: {2}.*\n)+/, ''));
    let helmMs = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const h = spawnSync(helm, ['template', 'release', join(plain, 'charts', 'argo-cd'), '--namespace', 'argo-cd'], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      helmMs = Math.min(helmMs, performance.now() - t);
      assert.equal(h.status, 0, h.stderr);
    }

    // The first analysis: discovery, the render and its map, parsing and checking, as `netlens check` does it.
    const t0 = performance.now();
    const first = await check([chart]);
    const firstMs = performance.now() - t0;
    // argo-cd's controller StatefulSet names a governing Service the chart does not make (a warning).
    const statefulset = 'templates/argocd-application-controller/statefulset.yaml';
    const governing = [['NL012', `${join(chart, statefulset).slice(1)}:${lineOf(readFileSync(join(chart, statefulset), 'utf8'), 'serviceName:')}`]];
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(
      first.located.map((l) => [l.code, `${l.file}:${l.line}`]),
      governing,
    );

    // As an editor would do it (render, then parse a document at a time), in a renderer of its own: the longest
    // time the event loop is held, from the gaps between ticks of a 1 ms timer.
    let longest = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 1);
    const editor = new Renderer({ helmPath: helm, searchPath: '' });
    try {
      const r = await editor.render(await chartTarget(chart));
      const build = await renderedBuildAsync(r, { zone: 'cluster.local', defaultNamespace: 'default' }, () => new Promise((done) => setImmediate(done)));
      assert.deepEqual(
        analyzeBuilds([build], { defaultNamespace: 'default', podRecords: 'insecure' }).findings.map((f) => [
          f.finding.code,
          `${f.place.file.slice(1)}:${f.place.line}`,
        ]),
        governing,
      );
    } finally {
      clearInterval(ticker);
      editor.dispose();
    }

    const renderer = new Renderer({ helmPath: helm, searchPath: '' });
    try {
      const target = await chartTarget(chart);
      const warm = await renderer.render(target);
      const t1 = performance.now();
      const cached = await renderer.render(target);
      const cachedMs = performance.now() - t1;
      assert.ok(cached.fromCache);
      assert.equal(cached.text, warm.text);

      const template = join(chart, 'templates', 'argocd-server', 'service.yaml');
      writeFileSync(template, readFileSync(template, 'utf8').replace(/^spec:$/m, 'spec:\n  # edited'));
      const t2 = performance.now();
      const edited = await renderer.render(target);
      const editMs = performance.now() - t2;
      assert.ok(!edited.fromCache);
      assert.match(edited.text, /^ {2}# edited$/m);
      // An edit that keeps the file's size is seen too (its modification time changed).
      writeFileSync(template, readFileSync(template, 'utf8').replace('# edited', '# EDITED'));
      const same = await renderer.render(target);
      assert.ok(!same.fromCache);
      assert.match(same.text, /^ {2}# EDITED$/m);
      console.log(
        [
          `argo-cd figures (${warm.text.split('\n').length} rendered lines):`,
          `  helm template alone: ${helmMs.toFixed(0)} ms (best of 3)`,
          `  first analysis (netlens check on the chart): ${firstMs.toFixed(0)} ms (${(firstMs / helmMs).toFixed(2)}x helm alone)`,
          `  longest event-loop block while rendering, mapping and parsing as an editor would: ${longest.toFixed(0)} ms`,
          `  render from the cache: ${cachedMs.toFixed(0)} ms`,
          `  re-render after editing one template: ${editMs.toFixed(0)} ms (helm ${edited.toolMs} ms, map ${edited.mapMs} ms)`,
        ].join('\n'),
      );
    } finally {
      renderer.dispose();
    }
  });
});
