/**
 * "Open YAML" on the real control plane: the object as the API server returns it, as YAML a person reads, a
 * Service with its EndpointSlices, without managedFields; a missing object is "not-found".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ApiError } from '../../src/cluster/api';
import { LiveModel } from '../../src/cluster/live-model';
import { objectYaml } from '../../src/cluster/objects';
import { loadFixtures } from './fixtures';
import { Kube } from './kube';
import { type Plane, startPlane } from './plane';

function documents(text: string): Record<string, any>[] {
  const docs = parseAllDocuments(text);
  assert.ok(Array.isArray(docs), 'a stream of documents');
  for (const d of docs) assert.deepEqual(d.errors, [], 'valid YAML');
  return docs.map((d) => d.toJS() as Record<string, any>);
}

describe('live objects as YAML, on a real control plane', { timeout: 5 * 60 * 1000 }, () => {
  let plane: Plane;
  let model: LiveModel;

  before(async () => {
    plane = startPlane();
    const kube = new Kube(plane.kubeconfig);
    try {
      await loadFixtures(kube);
    } finally {
      kube.close();
    }
    model = new LiveModel({ path: plane.kubeconfig });
  });

  after(() => model?.stop());

  it('a Service comes with its EndpointSlices, without managedFields, under a header naming the context', async () => {
    const text = await objectYaml(model.api, { kind: 'Service', namespace: 'edge', name: 'manual' }, model.kubeconfig.context);
    const [header] = text.split('\n');
    assert.match(
      header!,
      new RegExp(`^# Service edge/manual, with its 1 EndpointSlice, as the API server of context ${model.kubeconfig.context} returned it$`),
    );
    const [service, slice, ...rest] = documents(text);
    assert.equal(rest.length, 0);
    assert.equal(service!.kind, 'Service');
    assert.equal(service!.metadata.name, 'manual');
    assert.equal(service!.metadata.managedFields, undefined);
    assert.match(text, new RegExp(`resourceVersion ${service!.metadata.resourceVersion}`));
    assert.equal(slice!.kind, 'EndpointSlice');
    assert.equal(slice!.apiVersion, 'discovery.k8s.io/v1');
    assert.equal(slice!.metadata.name, 'manual-1');
    assert.equal(slice!.metadata.managedFields, undefined);
    assert.deepEqual(
      slice!.endpoints.map((e: { addresses: string[] }) => e.addresses[0]),
      ['192.0.2.10', '192.0.2.11', '192.0.2.12'],
    );
    assert.ok(plane.env.ADMIN_TOKEN && !text.includes(plane.env.ADMIN_TOKEN), 'no credential in the text');
  });

  it('a pod is the pod object with its status', async () => {
    const [pod, ...rest] = documents(await objectYaml(model.api, { kind: 'Pod', namespace: 'shop', name: 'web-0' }, model.kubeconfig.context));
    assert.equal(rest.length, 0);
    assert.equal(pod!.kind, 'Pod');
    assert.equal(pod!.metadata.namespace, 'shop');
    assert.deepEqual(pod!.metadata.labels, { app: 'web' });
    assert.match(pod!.status.podIP, /^10\.244\./);
  });

  it('a namespace is the namespace object', async () => {
    const [ns] = documents(await objectYaml(model.api, { kind: 'Namespace', name: 'data' }, model.kubeconfig.context));
    assert.equal(ns!.kind, 'Namespace');
    assert.equal(ns!.metadata.name, 'data');
  });

  it('an object that does not exist is "not-found"', async () => {
    await assert.rejects(
      objectYaml(model.api, { kind: 'Pod', namespace: 'shop', name: 'nosuch' }, model.kubeconfig.context),
      (e) => e instanceof ApiError && e.kind === 'not-found',
    );
  });
});
