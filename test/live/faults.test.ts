/**
 * Faults on the real control plane: the API server killed and restarted during watches, a bad token, a user
 * limited by RBAC, an unreachable server, a certificate the kubeconfig does not trust, a failing exec plugin.
 * Each is a distinct, typed state with a message a person understands; nothing crashes; no secret leaks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LiveModel, type ModelStatus } from '../../src/cluster/live-model';
import { Resolver } from '../../src/core/resolver';
import { writeKubeconfig } from '../support/kubeconfig';
import { loadFixtures } from './fixtures';
import { Kube } from './kube';
import { killApiServer, type Plane, startPlane } from './plane';
import { eventually, untilModel } from './wait';

const scratch = mkdtempSync(join(tmpdir(), 'netlens-faults-'));

function kubeconfig(name: string, server: string, ca: string, user: Record<string, unknown>, namespace = 'default'): string {
  return writeKubeconfig(scratch, { name, server, ca, user, namespace });
}

/** Starts a model and waits until it has settled (ready or failed); the logs it wrote come back too. */
async function settle(path: string): Promise<{ model: LiveModel; status: ModelStatus; logs: string[] }> {
  const logs: string[] = [];
  const model = new LiveModel({ path, maxBackoffMs: 500, log: (level, message) => logs.push(`${level} ${message}`) });
  model.start();
  const status = await model.whenSettled(30_000);
  return { model, status, logs };
}

describe('faults on a real control plane', { timeout: 10 * 60 * 1000 }, () => {
  let plane: Plane;
  let kube: Kube;
  let server: string;
  let ca: string;

  before(async () => {
    plane = startPlane();
    kube = new Kube(plane.kubeconfig);
    await loadFixtures(kube);
    server = plane.env.APISERVER_URL!;
    ca = plane.env.CA_CERT!;
  });

  after(() => kube?.close());

  it('a rejected token is "unauthorized", and the token appears nowhere', async () => {
    const token = 'not-a-valid-token-7f3a9c';
    const { model, status, logs } = await settle(kubeconfig('bad-token', server, ca, { token }));
    model.stop();
    assert.equal(status.state, 'failed');
    assert.equal(status.error?.kind, 'unauthorized');
    assert.match(status.error!.message, /credentials/);
    assert.ok(!JSON.stringify(status).includes(token) && !logs.join('\n').includes(token), 'the token leaked');
  });

  it('an unreachable server is "unreachable"', async () => {
    const { model, status } = await settle(kubeconfig('closed', 'https://127.0.0.1:9', ca, { token: 'x' }));
    model.stop();
    assert.equal(status.state, 'failed');
    assert.equal(status.error?.kind, 'unreachable');
    assert.match(status.error!.message, /Cannot reach the API server at https:\/\/127\.0\.0\.1:9/);
  });

  it('a certificate the kubeconfig does not trust is "tls"', async () => {
    // Trust some other CA: the server's own certificate then fails verification.
    const otherCA = join(scratch, 'other-ca.crt');
    writeFileSync(otherCA, readFileSync(join(plane.dir, 'pki', 'apiserver.crt')));
    const { model, status } = await settle(kubeconfig('wrong-ca', server, otherCA, { token: plane.env.ADMIN_TOKEN! }));
    model.stop();
    assert.equal(status.state, 'failed');
    assert.equal(status.error?.kind, 'tls');
    assert.match(status.error!.message, /certificate/);
  });

  it('a failing exec credential plugin is "credentials"', async () => {
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'sh',
      args: ['-c', 'echo "login expired: run sso login" >&2; exit 3'],
      interactiveMode: 'Never',
    };
    const { model, status } = await settle(kubeconfig('exec', server, ca, { exec }));
    model.stop();
    assert.equal(status.state, 'failed');
    assert.equal(status.error?.kind, 'credentials');
  });

  it('a user who may read nothing is "forbidden", not an empty cluster', async () => {
    const { model, status } = await settle(kubeconfig('nothing', server, ca, { token: plane.env.LIMITED_TOKEN! }));
    model.stop();
    assert.equal(status.state, 'failed');
    assert.equal(status.error?.kind, 'forbidden');
    assert.match(status.notes.join(' '), /may not list anything/);
  });

  it('a user limited to one namespace sees that namespace, and is told so', async () => {
    await kube.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'netlens-test-reader' },
      rules: [
        { apiGroups: [''], resources: ['services', 'pods'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    });
    await kube.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { namespace: 'shop', name: 'netlens-test-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'netlens-test-reader' },
      subjects: [{ kind: 'User', name: 'limited', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    const { model, status } = await settle(kubeconfig('shop-only', server, ca, { token: plane.env.LIMITED_TOKEN! }, 'shop'));
    try {
      assert.equal(status.state, 'ready', JSON.stringify(status));
      assert.equal(status.resources.pods.scope, 'namespaces');
      assert.deepEqual(status.resources.nodes.denied, ['*']);
      assert.match(status.notes.join(' '), /pods .* in shop only/);
      const answer = new Resolver(model.snapshot()).query('web.shop.svc.cluster.local.', 'A');
      assert.equal(answer.rcode, 'NOERROR');
      assert.equal(answer.answers.length, 1);
      assert.equal(
        new Resolver(model.snapshot()).query('db.data.svc.cluster.local.', 'A').rcode,
        'NXDOMAIN',
        'data is not readable, so it does not exist for this user',
      );
    } finally {
      model.stop();
    }
  });

  it('converges to a fresh list after the API server is killed and restarted during watches', async () => {
    const model = new LiveModel({ path: plane.kubeconfig, debounceMs: 20, maxBackoffMs: 500 });
    model.start();
    try {
      assert.equal((await model.whenSettled(30_000)).state, 'ready');
      const stale = new Promise<void>((resolve) => {
        const off = model.onChange((_s, st) => {
          if (st.state === 'stale') {
            off();
            resolve();
          }
        });
      });
      const startAgain = await killApiServer(plane);
      await stale;
      assert.equal(model.status().state, 'stale', 'while the server is down the model says its data may be out of date');
      startAgain();
      // Changes made right after the restart must reach the model; nothing from before may linger twice.
      await untilModel(model, () => model.status().state === 'ready', 120_000);
      // The API server lists before its service IP allocator has caught up ("range is full" until then): wait
      // until it says it is ready, and give the allocator the moment it may still need.
      await eventually(async () => (await kube.request('GET', '/readyz')).status === 200, 60_000);
      const afterRestart = { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'quiet', name: 'after-restart' }, spec: { ports: [{ port: 80 }] } };
      await eventually(async () => {
        const r = await kube.request('POST', '/api/v1/namespaces/quiet/services', afterRestart);
        if (r.status === 201 || r.status === 409) return true;
        if (r.status === 500 && /range is full/.test(JSON.stringify(r.body))) return false;
        throw new Error(`POST after-restart: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }, 30_000);
      await kube.delete({ kind: 'Service', metadata: { namespace: 'edge', name: 'np' } });
      await untilModel(model, (s) => s.service('quiet', 'after-restart') !== undefined && s.service('edge', 'np') === undefined, 60_000);
      const names = (resource: 'pods' | 'services' | 'endpointSlices') =>
        model
          .objects()
          [resource].map((o) => `${o.namespace}/${o.name}`)
          .sort();
      for (const [resource, path] of [
        ['pods', '/api/v1/pods'],
        ['services', '/api/v1/services'],
        ['endpointSlices', '/apis/discovery.k8s.io/v1/endpointslices'],
      ] as const) {
        // The controller manager may still be writing: compare with a fresh list until both agree.
        let fresh: string[] = [];
        for (let attempt = 0; attempt < 5; attempt++) {
          fresh = (await kube.must('GET', path)).items.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
          const want = JSON.stringify(fresh);
          try {
            await untilModel(model, () => JSON.stringify(names(resource)) === want, 10_000);
            break;
          } catch {
            /* the cluster moved on meanwhile: list again */
          }
        }
        const held = names(resource);
        assert.deepEqual(held, fresh, `${resource}: the model holds exactly what a fresh list returns`);
        assert.equal(new Set(held).size, held.length, `${resource}: no duplicates`);
      }
    } finally {
      model.stop();
    }
  });
});
