/**
 * NetworkPolicies and Namespace labels watched by the live model on the real control plane: policies created,
 * changed and deleted change the verdicts once the model has them; a Namespace relabelled changes what a
 * namespaceSelector admits; a user who may not list NetworkPolicies gets unknown verdicts, never allowed ones; and a
 * policy API NetLens does not evaluate (a Cilium CRD, served by the API server) makes the verdicts it may bear on
 * unknown.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LiveModel } from '../../src/cluster/live-model';
import type { Pod } from '../../src/core/model';
import { judge, type Reach, reachModel } from '../../src/core/reach';
import type { ClusterSnapshot } from '../../src/core/snapshot';
import { writeKubeconfig } from '../support/kubeconfig';
import { repoRoot } from '../support/repo';
import { loadFixtures, NAMESPACES } from './fixtures';
import { Kube } from './kube';
import { type Plane, startPlane } from './plane';
import { endpointsSettled, eventually, untilModel } from './wait';

const scratch = mkdtempSync(join(tmpdir(), 'netlens-policies-'));

/** web-0 (shop, app=web) to Service `namespace/name` on `port`, in a snapshot. */
function reach(snapshot: ClusterSnapshot, from: string, namespace: string, name: string, port: number | string): Reach {
  const [ns, pod] = from.split('/') as [string, string];
  const source: Pod | undefined = snapshot.pod(ns, pod);
  assert.ok(source, `pod ${from}`);
  const service = snapshot.service(namespace, name);
  assert.ok(service, `Service ${namespace}/${name}`);
  return judge(reachModel(snapshot), [source], { kind: 'Service', service, port });
}

const policy = (namespace: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace, name },
  spec,
});

describe('NetworkPolicies and Namespace labels in the live model', { timeout: 5 * 60 * 1000 }, () => {
  let plane: Plane;
  let kube: Kube;
  let model: LiveModel;
  const made: any[] = [];

  before(async () => {
    plane = startPlane();
    kube = new Kube(plane.kubeconfig);
    await loadFixtures(kube);
    model = new LiveModel({ path: plane.kubeconfig, debounceMs: 20 });
    model.start();
    assert.equal((await model.whenSettled(60_000)).state, 'ready');
    // The fixture's pods are created afresh: wait until the controller has written their endpoints.
    await untilModel(model, (s) => endpointsSettled(s, NAMESPACES), 60_000);
  });

  after(async () => {
    model?.stop();
    for (const o of made.reverse()) await kube.delete(o).catch(() => undefined);
    await kube?.must('PATCH', '/api/v1/namespaces/shop', { metadata: { labels: { team: null } } }, 'application/merge-patch+json').catch(() => undefined);
    kube?.close();
  });

  async function create(o: any): Promise<void> {
    made.push(o);
    await kube.create(o);
  }

  it('reads NetworkPolicies (none yet: verdicts are allowed, not unknown)', () => {
    const s = model.snapshot();
    assert.deepEqual(s.networkPolicies, []);
    assert.deepEqual(s.otherPolicies, [], 'no policy API of another kind is served');
    const r = reach(s, 'shop/web-0', 'shop', 'api', 50051);
    assert.equal(r.verdict, 'allowed');
    assert.ok(r.paths.length >= 2, 'one path per endpoint of api');
  });

  it('a policy created isolates api: blocked, with the closest rule; a second one admits web: allowed', async () => {
    await create(
      policy('shop', 'api-from-proxy', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'proxy' } } }], ports: [{ port: 50051 }] }],
      }),
    );
    await untilModel(model, (s) => reach(s, 'shop/web-0', 'shop', 'api', 50051).verdict === 'blocked', 30_000);
    const blocked = reach(model.snapshot(), 'shop/web-0', 'shop', 'api', 50051);
    assert.deepEqual(blocked.paths[0]!.ingress.closest, { rule: 'shop/api-from-proxy#ingress[0]', policy: 'shop/api-from-proxy', missing: ['peer'] });
    await create(
      policy('shop', 'api-from-web', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'grpc' }] }],
      }),
    );
    await untilModel(model, (s) => reach(s, 'shop/web-0', 'shop', 'api', 50051).verdict === 'allowed', 30_000);
    assert.deepEqual(
      [...new Set(reach(model.snapshot(), 'shop/web-0', 'shop', 'api', 50051).paths.flatMap((p) => p.ingress.allowedBy))],
      ['shop/api-from-web#ingress[0]'],
      'the named port grpc resolves on the api pods',
    );
  });

  it('a Namespace relabelled changes what a namespaceSelector admits', async () => {
    await create(
      policy('data', 'db-from-team-shop', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } } }] }],
      }),
    );
    await untilModel(model, (s) => reach(s, 'shop/web-0', 'data', 'db', 5432).verdict === 'blocked', 30_000);
    await kube.must('PATCH', '/api/v1/namespaces/shop', { metadata: { labels: { team: 'shop' } } }, 'application/merge-patch+json');
    await untilModel(model, (s) => reach(s, 'shop/web-0', 'data', 'db', 5432).verdict === 'allowed', 30_000);
    assert.equal(reach(model.snapshot(), 'edge/proxy-0', 'data', 'db', 5432).verdict, 'blocked', 'edge carries no team label');
  });

  it("netlens reach without -f: a Deployment's pod template read from the API server, judged with the live policies", async () => {
    const cli = join(repoRoot(), 'dist', 'cli.js');
    if (!existsSync(cli)) assert.equal(spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'build.mjs')]).status, 0);
    // No controller makes its pods here: the command judges the template as the pod the controller would create.
    await create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { namespace: 'shop', name: 'client' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'registry.invalid/none' }] } },
      },
    });
    const run = (source: string, target: string) => {
      const r = spawnSync(process.execPath, [cli, 'reach', source, target, '--json'], {
        encoding: 'utf8',
        env: { ...process.env, KUBECONFIG: plane.kubeconfig },
        timeout: 60_000,
      });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { verdict: string; model: string; source: { pods: string[] } };
    };
    const a = run('shop/Deployment/client', 'api:50051');
    assert.equal(a.verdict, 'allowed', 'api-from-web admits app=web');
    assert.match(a.model, /^the cluster of context /);
    assert.deepEqual(a.source.pods, ['shop/client']);
    assert.equal(run('edge/proxy-0', 'api.shop:50051').verdict, 'blocked', 'api-from-proxy admits app=proxy of namespace shop only');
  });

  it('policies deleted: allowed again', async () => {
    for (const o of made.filter((x) => x.kind === 'NetworkPolicy')) await kube.delete(o);
    await untilModel(model, (s) => s.networkPolicies?.length === 0, 30_000);
    assert.equal(reach(model.snapshot(), 'shop/web-0', 'shop', 'api', 50051).verdict, 'allowed');
    assert.equal(reach(model.snapshot(), 'edge/proxy-0', 'data', 'db', 5432).verdict, 'allowed');
  });

  it('a user who may not list NetworkPolicies: the model is ready, the verdicts unknown, and the status says why', async () => {
    await create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'netlens-test-no-policies' },
      rules: [
        { apiGroups: [''], resources: ['namespaces', 'services', 'pods', 'nodes'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    });
    await create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'netlens-test-no-policies' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'netlens-test-no-policies' },
      subjects: [{ kind: 'User', name: 'limited', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    const path = writeKubeconfig(scratch, {
      name: 'no-policies',
      server: plane.env.APISERVER_URL!,
      ca: plane.env.CA_CERT!,
      user: { token: plane.env.LIMITED_TOKEN! },
    });
    // RBAC takes effect when the authorizer's informers catch up: ask until the Services may be listed.
    await eventually(async () => {
      const probe = new LiveModel({ path, maxBackoffMs: 200 });
      probe.start();
      const st = await probe.whenSettled(20_000);
      probe.stop();
      return st.state === 'ready' && st.resources.services.scope === 'cluster';
    }, 60_000);
    const limited = new LiveModel({ path, maxBackoffMs: 200 });
    limited.start();
    try {
      const status = await limited.whenSettled(30_000);
      assert.equal(status.state, 'ready', JSON.stringify(status));
      assert.deepEqual(status.resources.networkpolicies.denied, ['*']);
      assert.equal(status.resources.networkpolicies.scope, 'cluster', 'no watch per namespace: policies of some namespaces are not knowledge of isolation');
      assert.match(status.notes.join(' '), /You may not list networkpolicies across the cluster; NetworkPolicy verdicts are unknown\./);
      const s = limited.snapshot();
      assert.equal(s.networkPolicies, undefined);
      const r = reach(s, 'shop/web-0', 'shop', 'api', 50051);
      assert.equal(r.verdict, 'unknown');
      assert.equal(r.reason, 'policies-unknown');
    } finally {
      limited.stop();
    }
  });

  it('a policy API NetLens does not evaluate (a Cilium CRD): found by discovery, its objects make verdicts unknown', async () => {
    await create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'ciliumnetworkpolicies.cilium.io' },
      spec: {
        group: 'cilium.io',
        scope: 'Namespaced',
        names: { plural: 'ciliumnetworkpolicies', singular: 'ciliumnetworkpolicy', kind: 'CiliumNetworkPolicy', shortNames: ['cnp'] },
        versions: [{ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    // The CRD is served once it is established; the object can be created then.
    await eventually(async () => (await kube.request('GET', '/apis/cilium.io/v2/namespaces/shop/ciliumnetworkpolicies')).status === 200, 60_000);
    await create({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { namespace: 'shop', name: 'l7' }, spec: { endpointSelector: {} } });
    const fresh = new LiveModel({ path: plane.kubeconfig, debounceMs: 20 });
    fresh.start();
    try {
      assert.equal((await fresh.whenSettled(60_000)).state, 'ready');
      await untilModel(fresh, (s) => (s.otherPolicies ?? []).some((o) => o.name === 'l7'), 30_000);
      const r = reach(fresh.snapshot(), 'shop/web-0', 'shop', 'api', 50051);
      assert.equal(r.verdict, 'unknown');
      assert.equal(r.networkPolicies, 'allowed');
      assert.deepEqual(r.notEvaluated, ['CiliumNetworkPolicy shop/l7']);
      assert.equal(reach(fresh.snapshot(), 'edge/proxy-0', 'data', 'db', 5432).verdict, 'allowed', 'namespaces the policy is not in are not touched');
    } finally {
      fresh.stop();
    }
  });
});
