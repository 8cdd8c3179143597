// The real manifests of ../shared/corpus (third-party YAML, read-only: only read here, never written).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ManifestObject, type ParsedManifest, parseManifest } from '../../src/core/manifests';
import { Resolver } from '../../src/core/resolver';
import { buildWorkspaceModel, type WorkspaceModel } from '../../src/core/workspace';
import { corpusDir } from '../support/repo';

/** The repository root: the nearest folder above this file with the project's package.json. */

const corpus = corpusDir();
const boutiqueDir = join(corpus, 'online-boutique');
const argoDir = join(corpus, 'argo-cd-ha');
const skipBoutique = existsSync(join(boutiqueDir, 'kubernetes-manifests.yaml'))
  ? false
  : `the corpus is not at ${boutiqueDir} (a clone with shared/ beside it is needed)`;
const skipArgo = existsSync(join(argoDir, 'install.yaml')) ? false : `the corpus is not at ${argoDir} (a clone with shared/ beside it is needed)`;

function load(dir: string, file: string): ParsedManifest {
  return parseManifest(`${dir.split(/[\\/]/).pop()}/${file}`, readFileSync(join(dir, file), 'utf8'));
}

type Json = Record<string, unknown>;
const asObj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The pod spec of a workload or a Pod, read from the parsed YAML. */
function podSpecOf(o: ManifestObject): Json | undefined {
  const v = o.value();
  const spec = asObj(v.spec);
  if (o.kind === 'Pod') return spec;
  if (o.kind === 'CronJob') return asObj(asObj(asObj(asObj(spec?.jobTemplate)?.spec)?.template)?.spec);
  return asObj(asObj(spec?.template)?.spec);
}

interface AddrEnv {
  readonly workload: string;
  readonly namespace: string;
  readonly env: string;
  readonly host: string;
  readonly port: number;
}

/** Every `*_ADDR` env value of every container (and init container), found by walking the objects. */
function addrEnvs(manifest: ParsedManifest, defaultNamespace: string): AddrEnv[] {
  const out: AddrEnv[] = [];
  for (const o of manifest.objects) {
    const spec = podSpecOf(o);
    if (!spec) continue;
    for (const c of [...asArr(spec.containers), ...asArr(spec.initContainers)]) {
      for (const e of asArr(asObj(c)?.env)) {
        const name = asObj(e)?.name;
        const value = asObj(e)?.value;
        if (typeof name !== 'string' || !name.endsWith('_ADDR') || typeof value !== 'string') continue;
        const m = /^([a-z0-9.-]+):(\d+)$/.exec(value);
        assert.ok(m, `${o.kind} ${o.name} ${name}=${value} has the form host:port`);
        out.push({ workload: `${o.kind}/${o.name}`, namespace: o.namespace ?? defaultNamespace, env: name, host: m[1]!, port: Number(m[2]) });
      }
    }
  }
  return out;
}

/** Asserts that `host`, asked from `namespace` as a pod asks (search path, A), is Service `host` and has `port`. */
function assertReachesService(model: WorkspaceModel, a: AddrEnv): void {
  const what = `${a.workload} ${a.env}=${a.host}:${a.port}`;
  const result = new Resolver(model.snapshot).resolve(a.host, { namespace: a.namespace, qtype: 'A' });
  assert.ok(result.ok, what);
  const answer = result.answer;
  const fqdn = `${a.host}.${a.namespace}.svc.cluster.local.`;
  assert.equal(answer.rcode, 'NOERROR', `${what}: ${answer.explanation.summary}`);
  assert.equal(answer.qname, fqdn, what);
  assert.ok(answer.answers.length > 0, `${what} has addresses`);
  for (const r of answer.answers) assert.deepEqual([r.name, r.type], [fqdn, 'A'], what);
  assert.equal(answer.explanation.matchedStep, 0, `${what} matches the first search domain`);
  assert.deepEqual(
    answer.explanation.service && { ...answer.explanation.service },
    { namespace: a.namespace, name: a.host, type: 'ClusterIP', headless: false },
    what,
  );
  const svc = model.snapshot.service(a.namespace, a.host)!;
  assert.ok(
    svc.ports.some((p) => p.port === a.port),
    `${what}: port ${a.port} is one of ${svc.ports.map((p) => p.port).join(', ')}`,
  );
}

describe('corpus: online-boutique', { skip: skipBoutique }, () => {
  const SHOPPING = 'SHOPPING_ASSISTANT_SERVICE_ADDR';

  it('parses without problems', () => {
    const m = load(boutiqueDir, 'kubernetes-manifests.yaml');
    assert.deepEqual(m.problems, []);
    const model = buildWorkspaceModel([m]);
    assert.deepEqual(model.report.problems, []);
    assert.ok((model.report.objects.Service ?? 0) >= 12);
  });

  it('every *_ADDR value resolves to its Service and port, except the shopping assistant (NXDOMAIN)', () => {
    const m = load(boutiqueDir, 'kubernetes-manifests.yaml');
    const model = buildWorkspaceModel([m]);
    const addrs = addrEnvs(m, 'default');
    assert.ok(addrs.length > 8, `found ${addrs.length} *_ADDR values`);
    const shopping = addrs.filter((a) => a.env === SHOPPING);
    assert.deepEqual(
      shopping.map((a) => [a.workload, a.host, a.port]),
      [['Deployment/frontend', 'shoppingassistantservice', 80]],
    );
    for (const a of addrs) {
      if (a.env === SHOPPING) {
        const r = new Resolver(model.snapshot).resolve(a.host, { namespace: a.namespace, qtype: 'A' });
        assert.ok(r.ok);
        assert.equal(r.answer.rcode, 'NXDOMAIN', `${a.host} is not declared in kubernetes-manifests.yaml`);
        assert.deepEqual(r.answer.answers, []);
        assert.equal(r.answer.explanation.matchedStep, undefined);
        continue;
      }
      assertReachesService(model, a);
    }
    const services = new Set(addrs.filter((a) => a.env !== SHOPPING).map((a) => a.host));
    assert.ok(services.size >= 8, `${services.size} distinct Services named`);
  });

  it('with shoppingassistantservice.yaml loaded too, every *_ADDR value resolves', () => {
    const main = load(boutiqueDir, 'kubernetes-manifests.yaml');
    const extra = load(boutiqueDir, 'shoppingassistantservice.yaml');
    const model = buildWorkspaceModel([main, extra]);
    assert.deepEqual(model.report.problems, []);
    const addrs = addrEnvs(main, 'default');
    assert.ok(addrs.some((a) => a.env === SHOPPING));
    for (const a of addrs) assertReachesService(model, a);
    assert.ok(model.snapshot.slicesOf('default', 'shoppingassistantservice').length > 0, 'its Deployment backs it');
  });

  it('network-policies.yaml: its 13 NetworkPolicies load, and they add no Service or pod', () => {
    const text = readFileSync(join(boutiqueDir, 'network-policies.yaml'), 'utf8');
    const policies = load(boutiqueDir, 'network-policies.yaml');
    const main = load(boutiqueDir, 'kubernetes-manifests.yaml');
    const model = buildWorkspaceModel([main, policies]);
    assert.deepEqual(policies.problems, []);
    assert.ok(policies.objects.every((o) => o.kind === 'NetworkPolicy'));
    assert.equal(policies.objects.length, (text.match(/^kind: NetworkPolicy$/gm) ?? []).length);
    assert.equal(policies.objects.length, 13);
    // The Services and their answers are those of kubernetes-manifests.yaml alone.
    assert.equal(model.objects.services.length, buildWorkspaceModel([main]).objects.services.length);
    const r = new Resolver(model.snapshot).resolve('cartservice', { namespace: 'default' });
    assert.ok(r.ok && r.answer.rcode === 'NOERROR');
  });
});

describe('corpus: argo-cd-ha install.yaml', { skip: skipArgo }, () => {
  const ns = 'argocd';
  // Parsed and modelled once: the file is 1.9 MB.
  let cached: { manifest: ParsedManifest; model: WorkspaceModel } | undefined;
  const install = () => {
    if (!cached) {
      const manifest = load(argoDir, 'install.yaml');
      cached = { manifest, model: buildWorkspaceModel([manifest], { defaultNamespace: ns }) };
    }
    return cached;
  };
  const resolver = () => new Resolver(install().model.snapshot);
  const object = (kind: string, name: string): ManifestObject => {
    const o = install().manifest.objects.find((x) => x.kind === kind && x.name === name);
    assert.ok(o, `${kind} ${name} is in install.yaml`);
    return o;
  };

  it('parses its 70 objects, none with a namespace, without problems', () => {
    const { manifest, model } = install();
    assert.equal(manifest.objects.length, 70);
    assert.deepEqual(manifest.problems, []);
    assert.deepEqual(model.report.problems, []);
    const namespaced = manifest.objects.filter((o) => o.namespace !== undefined);
    assert.deepEqual(
      namespaced.map((o) => `${o.kind}/${o.name}`),
      [],
    );
    assert.equal(model.report.objects.Service, 12);
    assert.equal(model.report.objects.StatefulSet, 2);
  });

  it('argocd-redis-ha-haproxy (redis.server in argocd-cmd-params-cm) resolves to its Service in the install namespace', () => {
    const data = asObj(object('ConfigMap', 'argocd-cmd-params-cm').value().data);
    const redisServer = data?.['redis.server'];
    assert.equal(redisServer, 'argocd-redis-ha-haproxy:6379');
    const [host, port] = (redisServer as string).split(':');
    const r = resolver().resolve(host!, { namespace: ns, qtype: 'A' });
    assert.ok(r.ok);
    assert.equal(r.answer.rcode, 'NOERROR');
    assert.equal(r.answer.qname, 'argocd-redis-ha-haproxy.argocd.svc.cluster.local.');
    assert.equal(r.answer.explanation.service?.namespace, ns);
    assert.equal(r.answer.explanation.service?.name, 'argocd-redis-ha-haproxy');
    assert.ok(r.answer.answers.length > 0 && r.answer.answers.every((a) => a.data === null), 'its cluster IP is allocated by the cluster');
    assert.ok(
      install()
        .model.snapshot.service(ns, host!)!
        .ports.some((p) => p.port === Number(port)),
    );
    const fromDefault = resolver().resolve(host!, { namespace: 'default', qtype: 'A' });
    assert.ok(fromDefault.ok);
    assert.equal(fromDefault.answer.rcode, 'NXDOMAIN', 'the short name does not reach it from another namespace');
  });

  it('the argocd-redis-ha-server pods are named under the headless Service the StatefulSet declares', () => {
    const spec = asObj(object('StatefulSet', 'argocd-redis-ha-server').value().spec)!;
    const serviceName = spec.serviceName as string;
    const replicas = spec.replicas as number;
    assert.equal(serviceName, 'argocd-redis-ha');
    assert.equal(replicas, 3);
    const svc = install().model.snapshot.service(ns, serviceName);
    assert.ok(svc?.headless, `${serviceName} is a headless Service`);
    for (let i = 0; i < replicas; i++) {
      const fqdn = `argocd-redis-ha-server-${i}.argocd-redis-ha.argocd.svc.cluster.local.`;
      const r = resolver().resolve(fqdn, { qtype: 'A' });
      assert.ok(r.ok);
      assert.equal(r.answer.rcode, 'NOERROR', fqdn);
      assert.ok(r.answer.answers.length > 0 && r.answer.answers.every((a) => a.name === fqdn && a.type === 'A' && a.data === null), fqdn);
    }
    const beyond = resolver().resolve(`argocd-redis-ha-server-${replicas}.argocd-redis-ha.argocd.svc.cluster.local.`, { qtype: 'A' });
    assert.ok(beyond.ok);
    assert.equal(beyond.answer.rcode, 'NXDOMAIN');
    const srv = resolver().resolve('_tcp-sentinel._tcp.argocd-redis-ha.argocd.svc.cluster.local.', { qtype: 'SRV' });
    assert.ok(srv.ok);
    assert.deepEqual(
      srv.answer.answers.map((a) => a.data!.split(' ').slice(2).join(' ')),
      [0, 1, 2].map((i) => `26379 argocd-redis-ha-server-${i}.argocd-redis-ha.argocd.svc.cluster.local.`),
    );
  });

  it('each argocd-redis-ha-announce-N Service selects exactly pod argocd-redis-ha-server-N', () => {
    const { model } = install();
    for (const i of [0, 1, 2]) {
      const name = `argocd-redis-ha-announce-${i}`;
      const svc = model.snapshot.service(ns, name);
      assert.ok(svc, name);
      assert.equal(svc.selector?.['statefulset.kubernetes.io/pod-name'], `argocd-redis-ha-server-${i}`);
      assert.equal(svc.publishNotReadyAddresses, true);
      const pods = model.snapshot.slicesOf(ns, name).flatMap((s) => s.endpoints.map((e) => e.targetRef?.name));
      assert.deepEqual(pods, [`argocd-redis-ha-server-${i}`], name);
      const ports = model.snapshot.slicesOf(ns, name).flatMap((s) => s.ports.map((p) => p.port));
      assert.deepEqual(ports, [6379, 26379], `${name}: the named target ports are the pod's redis and sentinel ports`);
    }
  });
});
