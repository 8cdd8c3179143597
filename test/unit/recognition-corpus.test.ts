// Recognition on the real repositories of the corpus (read-only; mutations happen in memory): every finding that
// `netlens check` makes on them is listed here with the reason it is true, and real references of each class, broken
// in a copy (the Service's name misspelt, or a port the Service does not expose), give exactly one finding on their
// line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectManifestFiles, loadManifests } from '../../src/cli/files';
import { analyzeManifest } from '../../src/core/analyze';
import type { Finding } from '../../src/core/check';
import { ManifestCache } from '../../src/core/incremental';
import type { ParsedManifest } from '../../src/core/manifests';
import type { Reference } from '../../src/core/references';
import { Resolver } from '../../src/core/resolver';
import { buildWorkspaceModel } from '../../src/core/workspace';
import { corpusDir } from '../support/repo';

const corpus = corpusDir();
const ZONE = 'cluster.local';

interface Project {
  readonly files: Map<string, string>;
}

/** A project folder's files, by path relative to the corpus. */
function project(dir: string): Project {
  const files = new Map<string, string>();
  for (const f of collectManifestFiles([join(corpus, dir)]).files) files.set(f.slice(corpus.length + 1), readFileSync(f, 'utf8'));
  return { files };
}

interface Located extends Finding {
  readonly file: string;
  readonly line: number;
}

/** `netlens check` on a project, with one file's text replaced. */
function check(
  p: Project,
  namespace = 'default',
  replace?: { file: string; text: string },
): { findings: Located[]; references: Map<string, readonly Reference[]> } {
  const scan = { zone: ZONE, defaultNamespace: namespace };
  const parsed: { file: string; manifest: ParsedManifest; references: readonly Reference[] }[] = [];
  for (const [file, text] of p.files) {
    const t = replace?.file === file ? replace.text : text;
    const c = new ManifestCache(scan).parse(file, t);
    parsed.push({ file, manifest: c.manifest, references: c.references });
  }
  const model = buildWorkspaceModel(
    parsed.map((x) => x.manifest),
    { defaultNamespace: namespace },
  );
  const resolver = new Resolver(model.snapshot, { podRecords: 'insecure', sourceName: 'the manifests' });
  const findings: Located[] = [];
  const references = new Map<string, readonly Reference[]>();
  for (const x of parsed) {
    const a = analyzeManifest(
      x.manifest,
      { zone: ZONE, defaultNamespace: namespace, sources: [{ name: 'the manifests', resolver, live: false, facts: model.facts }], workspace: model.snapshot },
      x.references,
    );
    references.set(x.file, a.references);
    for (const f of a.findings) findings.push({ ...f, file: x.file, line: x.manifest.lineCounter.linePos(f.start).line });
  }
  return { findings, references };
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/**
 * A real reference, found by a text that occurs once in its file: `host` is the Service's label in it (misspelt to
 * break it), `port` the port text after it (if the reference writes one).
 */
interface RealReference {
  readonly what: string;
  readonly file: string;
  /** Text around the reference that occurs once in the file; the host and the port are found inside it. */
  readonly around: string;
  readonly host: string;
  readonly port?: string;
  /** Which occurrence of `around` (0-based), when it occurs more than once. */
  readonly nth?: number;
}

function assertBreaks(p: Project, r: RealReference, namespace = 'default'): void {
  const text = p.files.get(r.file);
  assert.ok(text, `${r.file} is in the project`);
  let at = text.indexOf(r.around);
  for (let k = 0; k < (r.nth ?? 0) && at >= 0; k++) at = text.indexOf(r.around, at + 1);
  assert.ok(
    at >= 0 && (r.nth !== undefined || text.indexOf(r.around, at + 1) < 0),
    `${r.what}: "${r.around}" occurs ${r.nth === undefined ? 'once' : `${r.nth + 1} times`} in ${r.file}`,
  );
  const hostAt = at + r.around.indexOf(r.host);
  const before = check(p, namespace);
  const ref = before.references.get(r.file)!.find((x) => x.hostStart <= hostAt && hostAt + r.host.length <= x.hostEnd);
  assert.ok(ref, `${r.what}: a reference at ${r.host} in ${r.file}:${lineOf(text, hostAt)}`);
  assert.equal(ref.template ?? false, false, `${r.what}: not a template`);
  assert.equal(before.findings.filter((f) => f.file === r.file && f.line === lineOf(text, hostAt)).length, 0, `${r.what}: no finding while it is right`);
  const broken = `${r.host[1]}${r.host[0]}${r.host.slice(2)}`;
  const after = check(p, namespace, { file: r.file, text: text.slice(0, hostAt) + broken + text.slice(hostAt + r.host.length) }).findings;
  const added = after.filter((f) => !before.findings.some((b) => b.file === f.file && b.line === f.line && b.code === f.code));
  assert.deepEqual(
    added.map((f) => [f.file, f.line]),
    [[r.file, lineOf(text, hostAt)]],
    `${r.what}: ${r.host} → ${broken} gives one finding on its line (${added.map((f) => `${f.line} ${f.code}: ${f.message}`).join(' | ')})`,
  );
  if (r.port) {
    const portAt = at + r.around.indexOf(r.port, r.around.indexOf(r.host));
    const afterPort = check(p, namespace, { file: r.file, text: text.slice(0, portAt) + '4999' + text.slice(portAt + r.port.length) }).findings;
    const addedPort = afterPort.filter((f) => !before.findings.some((b) => b.file === f.file && b.line === f.line && b.code === f.code));
    assert.deepEqual(
      addedPort.map((f) => [f.file, f.line, f.code]),
      [[r.file, lineOf(text, portAt), 'NL003']],
      `${r.what}: port ${r.port} → 4999 gives one NL003 on its line`,
    );
  }
}

/** The findings of a project as `file:line code`, sorted. */
const listed = (findings: readonly Located[]) => findings.map((f) => `${f.file}:${f.line} ${f.code}`).sort();

describe('recognition on the corpus: every finding is true', () => {
  it('online-boutique: one, NL018 — the frontend may not call the optional shopping assistant under the policies', () => {
    // Every *_ADDR names a Service and port of the set. True: network-policies.yaml's deny-all isolates every pod of
    // default for ingress, and no policy of the set selects app=shoppingassistantservice, so the connection that
    // the frontend's SHOPPING_ASSISTANT_SERVICE_ADDR names is dropped (upstream's policies predate the assistant).
    const p = project('online-boutique');
    const text = p.files.get('online-boutique/kubernetes-manifests.yaml')!;
    const line = lineOf(text, text.indexOf('shoppingassistantservice:80'));
    assert.deepEqual(listed(check(p).findings), [`online-boutique/kubernetes-manifests.yaml:${line} NL018`]);
  });

  it('argo-workflows: none; the link templates, the embedded config and the Secret URL resolve or are templates', () => {
    const p = project('argo-workflows');
    const r = check(p);
    assert.deepEqual(listed(r.findings), []);
    const refs = r.references.get('argo-workflows/quick-start-postgres.yaml')!;
    // Objects without a namespace (minio, postgres) land in argo, the only namespace the file names: it is applied
    // with `kubectl apply -n argo`.
    for (const host of ['minio', 'postgres', 'httpbin'])
      assert.ok(
        refs.some((x) => x.host === host && !x.template && x.namespace === 'argo'),
        host,
      );
    assert.ok(
      refs.filter((x) => x.host === 'logging-facility').every((x) => x.template || x.strength === 'weak'),
      'UI link templates',
    );
  });

  it('kube-prometheus: none; localhost and loopback are the pod, operator pods back the Services', () => {
    const r = check(project('kube-prometheus/manifests'));
    assert.deepEqual(listed(r.findings), []);
    const all = [...r.references.values()].flat();
    assert.ok(
      all.some((x) => x.host === 'localhost' && x.local === 'localhost'),
      '--webhook-url=http://localhost:19115',
    );
    assert.ok(
      all.some((x) => x.host === 'prometheus-k8s.monitoring.svc' && x.secret),
      "Grafana's datasource in Secret stringData",
    );
    assert.ok(
      all.some((x) => x.kind === 'service' && x.host === 'alertmanager-main' && x.port === 'web'),
      'Prometheus alerting.alertmanagers',
    );
  });

  it('podinfo: none; the exec probes call the pod itself', () => {
    const r = check(project('podinfo'));
    assert.deepEqual(listed(r.findings), []);
    assert.ok([...r.references.values()].flat().some((x) => x.host === 'localhost' && x.context.includes('livenessProbe')));
  });

  it('argo-cd-ha: one, NL012 — the application controller names a governing Service the file does not declare', () => {
    // True: StatefulSet argocd-application-controller has serviceName argocd-application-controller, and the only
    // Services of that component are argocd-metrics; so its pods get no DNS names (kube-score reports it too).
    const r = check(project('argo-cd-ha'), 'argocd');
    assert.deepEqual(
      r.findings.map((f) => `${f.line} ${f.code}`),
      [
        `${lineOf(readFileSync(join(corpus, 'argo-cd-ha/install.yaml'), 'utf8'), readFileSync(join(corpus, 'argo-cd-ha/install.yaml'), 'utf8').indexOf('  serviceName: argocd-application-controller'))} NL012`,
      ],
    );
  });

  it('istio-bookinfo: the routes to subsets whose versions this copy does not deploy', () => {
    // True for these files: the VirtualServices route ratings to v2, v2-mysql and v2-mysql-vm and details to v2,
    // whose Deployments are in bookinfo-ratings-v2.yaml, bookinfo-db.yaml, bookinfo-mysql.yaml and
    // bookinfo-details-v2.yaml upstream, which this copy does not hold: only version v1 of ratings and details runs.
    // The finding sits at the subset's labels in each DestinationRule that defines it.
    const r = check(project('istio-bookinfo'));
    const nl013 = r.findings.filter((f) => f.code === 'NL013');
    assert.equal(r.findings.length, nl013.length, 'nothing else');
    assert.deepEqual(
      nl013.map((f) => /Subset "([^"]+)" of Service default\/(\w+)/.exec(f.message)!.slice(1).join('/')).sort(),
      ['v2/details', 'v2/details', 'v2/ratings', 'v2/ratings', 'v2-mysql/ratings', 'v2-mysql/ratings', 'v2-mysql-vm/ratings', 'v2-mysql-vm/ratings'].sort(),
    );
    assert.deepEqual([...new Set(nl013.map((f) => f.file.split('/').pop()))].sort(), ['destination-rule-all-mtls.yaml', 'destination-rule-all.yaml']);
  });

  it('netpol/k8s-website: none', () => {
    assert.deepEqual(listed(check(project('netpol/k8s-website')).findings), []);
  });
});

describe('recognition on the corpus: real references, broken in a copy, give one finding on their line', () => {
  it('env values (Online Boutique)', () => {
    const p = project('online-boutique');
    assertBreaks(p, {
      what: 'an *_ADDR env value',
      file: 'online-boutique/kubernetes-manifests.yaml',
      around: 'value: "cartservice:7070"',
      host: 'cartservice',
      port: '7070',
      nth: 1,
    });
  });

  it('config embedded in a ConfigMap, and a Secret URL (Argo Workflows)', () => {
    const p = project('argo-workflows');
    const file = 'argo-workflows/quick-start-postgres.yaml';
    const text = p.files.get(file)!;
    // host and port keys of the embedded persistence config: the first postgres block.
    assert.ok(text.includes('host: postgres\n      port: 5432'));
    assertBreaks(p, { what: 'host/port keys of embedded YAML', file, around: 'host: postgres\n      port: 5432', host: 'postgres', port: '5432', nth: 0 });
    assertBreaks(p, {
      what: 'an endpoint in embedded YAML in embedded YAML',
      file,
      around: 'endpoint: minio:9000\n        insecure',
      host: 'minio',
      port: '9000',
    });
    assertBreaks(p, { what: 'a URL in Secret stringData', file, around: 'http://httpbin:9100', host: 'httpbin', port: '9100' });
  });

  it('Prometheus alerting, args URLs and Grafana datasources (kube-prometheus)', () => {
    const p = project('kube-prometheus/manifests');
    assertBreaks(p, {
      what: 'Prometheus alerting.alertmanagers',
      file: 'kube-prometheus/manifests/prometheus-prometheus.yaml',
      around: 'name: alertmanager-main',
      host: 'alertmanager-main',
    });
    assertBreaks(p, {
      what: 'an args URL',
      file: 'kube-prometheus/manifests/prometheusAdapter-deployment.yaml',
      around: 'http://prometheus-k8s.monitoring.svc:9090',
      host: 'prometheus-k8s',
      port: '9090',
    });
    assertBreaks(p, {
      what: 'a datasource in Secret stringData',
      file: 'kube-prometheus/manifests/grafana-dashboardDatasources.yaml',
      around: 'http://prometheus-k8s.monitoring.svc:9090',
      host: 'prometheus-k8s',
      port: '9090',
    });
  });

  it('Istio destinations and DestinationRule hosts (Bookinfo)', () => {
    const p = project('istio-bookinfo');
    const dir = 'istio-bookinfo/samples/bookinfo/networking';
    assertBreaks(p, {
      what: 'a VirtualService destination',
      file: `${dir}/bookinfo-gateway.yaml`,
      around: 'host: productpage\n        port:\n          number: 9080',
      host: 'productpage',
      port: '9080',
    });
    assertBreaks(p, { what: 'a DestinationRule host', file: `${dir}/destination-rule-reviews.yaml`, around: 'host: reviews', host: 'reviews' });
  });

  it('haproxy config and a host:port value (Argo CD HA)', () => {
    const p = project('argo-cd-ha');
    const file = 'argo-cd-ha/install.yaml';
    assertBreaks(
      p,
      { what: 'a ConfigMap value', file, around: 'redis.server: argocd-redis-ha-haproxy:6379', host: 'argocd-redis-ha-haproxy', port: '6379' },
      'argocd',
    );
    // haproxy.cfg is a double-quoted scalar with `\n` escapes: the decoded text is what haproxy reads.
    assertBreaks(
      p,
      { what: 'an haproxy server line', file, around: 'server R0 argocd-redis-ha-announce-0:6379', host: 'argocd-redis-ha-announce-0', port: '6379' },
      'argocd',
    );
    assertBreaks(
      p,
      {
        what: 'the first of the sentinel servers',
        file,
        around: 'server R0 argocd-redis-ha-announce-0:26379',
        host: 'argocd-redis-ha-announce-0',
        port: '26379',
        nth: 0,
      },
      'argocd',
    );
  });

  it('a Service selector and a StatefulSet serviceName (the NetworkPolicy examples, Argo CD HA)', () => {
    const p = project('netpol/k8s-website');
    const file = 'netpol/k8s-website/service/networking/nginx-svc.yaml';
    const text = p.files.get(file)!;
    // The file is written as JSON; the selector's pair is the last `run: "my-nginx"`.
    const at = text.lastIndexOf('run: "my-nginx"');
    assert.ok(at > text.indexOf('selector'));
    const before = check(p).findings;
    const broken = `${text.slice(0, at)}run: "my-ngnix"${text.slice(at + 'run: "my-nginx"'.length)}`;
    const added = check(p, 'default', { file, text: broken }).findings.filter((f) => !before.some((b) => b.file === f.file && b.line === f.line));
    assert.deepEqual(
      added.map((f) => [f.file, f.line, f.code]),
      [[file, lineOf(text, at), 'NL005']],
    );
    const argo = project('argo-cd-ha');
    assertBreaks(
      argo,
      { what: 'a StatefulSet serviceName', file: 'argo-cd-ha/install.yaml', around: 'serviceName: argocd-redis-ha\n', host: 'argocd-redis-ha' },
      'argocd',
    );
  });
});

describe('recognition on the corpus: the CLI reads what the tests read', () => {
  it('loadManifests finds the same references as the per-file cache', () => {
    const loaded = loadManifests([join(corpus, 'podinfo')], { zone: ZONE, defaultNamespace: 'default' });
    assert.ok(loaded.references.flat().some((r) => r.host === 'localhost'));
  });
});
