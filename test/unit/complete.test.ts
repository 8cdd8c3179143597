// Completion in reference positions: the cursor is marked with |; each case says what is offered there.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completions } from '../../src/core/complete';
import { parseManifest } from '../../src/core/manifests';
import { buildWorkspaceModel } from '../../src/core/workspace';

const CLUSTER = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{name: http, port: 8080, targetPort: 8080}, {name: metrics, port: 9090}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec: {template: {metadata: {labels: {app: api, tier: backend}}, spec: {containers: [{name: a, image: x}]}}}
---
apiVersion: v1
kind: Service
metadata: {name: apiary, namespace: edge}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: shop}
spec: {clusterIP: None, selector: {app: redis}, ports: [{port: 6379}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: shop}
spec: {serviceName: redis, replicas: 2, template: {metadata: {labels: {app: redis}}, spec: {containers: [{name: r, image: redis}]}}}
`;
const snapshot = buildWorkspaceModel([parseManifest('cluster.yaml', CLUSTER)]).snapshot;

function at(marked: string): string[] {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return completions(text, offset, { snapshot, zone: 'cluster.local', defaultNamespace: 'default' }).map((c) => {
    assert.equal(c.end, offset);
    return c.insertText;
  });
}

const deployment = (line: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: web
          env:
${line}`;

describe('completion', () => {
  it('Service names in a host position: short in the pod’s namespace, name.namespace elsewhere', () => {
    assert.deepEqual(at(deployment('            - name: API_HOST\n              value: ap|')).sort(), ['api', 'apiary.edge']);
    assert.deepEqual(at(deployment('            - {name: API_ADDR, value: "ap|')).sort(), ['api', 'apiary.edge']);
    assert.deepEqual(at(deployment('            - {name: API_URL, value: "http://ap|')).sort(), ['api', 'apiary.edge']);
  });

  it('nothing where no host goes', () => {
    assert.deepEqual(at(deployment('            - {name: LOG_LEVEL, value: "ap|')), []);
  });

  it('a word of 100,000 characters before the cursor is answered at once (found by fuzzing)', () => {
    // The word was found by a regular expression that took time quadratic in its length: 16 s here.
    const started = performance.now();
    assert.deepEqual(at(`${deployment(`            - {name: API_HOST, value: "${'a'.repeat(100_000)}`)}!|`), []);
    // In a selector, after a character no label holds: every pair of the namespace, as for an empty word.
    assert.ok(
      at(`apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\nspec:\n  selector: {app: ${'a'.repeat(100_000)}é|`).includes('app: api'),
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2_000, `took ${elapsed.toFixed(0)} ms`);
  });

  it('ports after host:, namespaces after svc., the zone after .svc.', () => {
    assert.deepEqual(at(deployment('            - {name: API_ADDR, value: "api:|')).sort(), ['8080', '9090']);
    assert.deepEqual(at(deployment('            - {name: API_ADDR, value: "api.|')), ['api.shop']);
    assert.deepEqual(at(deployment('            - {name: API_ADDR, value: "api.shop.s|')), ['api.shop.svc']);
    assert.deepEqual(at(deployment('            - {name: API_ADDR, value: "api.shop.svc.c|')), ['api.shop.svc.cluster.local']);
  });

  it('endpoint hostnames of a headless Service', () => {
    assert.deepEqual(at(deployment('            - {name: PRIMARY_HOST, value: "redis-0.r|')), ['redis-0.redis']);
  });

  it('Service names in structured fields: an Ingress backend, a StatefulSet serviceName', () => {
    const ingress = `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: w, namespace: shop}\nspec:\n  defaultBackend:\n    service:\n      name: a|`;
    assert.deepEqual(at(ingress).sort(), ['api', 'apiary.edge']);
    assert.deepEqual(at('apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: c, namespace: shop}\nspec:\n  serviceName: re|'), ['redis']);
  });

  it('in a selector, the label pairs the namespace’s pods carry', () => {
    const svc = `apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: shop}\nspec:\n  selector:\n    ti|`;
    assert.deepEqual(at(svc), ['tier: backend']);
  });

  it('names of the pod’s namespace first, then the others by name, up to the limit; each snapshot answers for itself', () => {
    const more = `${CLUSTER}---\napiVersion: v1\nkind: Service\nmetadata: {name: apigw, namespace: edge}\nspec: {ports: [{port: 80}]}\n`;
    const bigger = buildWorkspaceModel([parseManifest('cluster.yaml', more)]).snapshot;
    const text = deployment('            - {name: API_ADDR, value: "ap');
    const labels = (snap: typeof snapshot, limit?: number) =>
      completions(text, text.length, { snapshot: snap, zone: 'cluster.local', defaultNamespace: 'default', ...(limit ? { limit } : {}) }).map((c) => c.label);
    assert.deepEqual(labels(snapshot), ['api', 'apiary.edge']);
    assert.deepEqual(labels(bigger), ['api', 'apiary.edge', 'apigw.edge']);
    assert.deepEqual(labels(bigger, 2), ['api', 'apiary.edge']);
    assert.deepEqual(labels(snapshot), ['api', 'apiary.edge'], 'the first snapshot does not see the second one’s Service');
  });

  it('at the end of a document’s last line, before the next `---`, the namespace is that document’s', () => {
    const next = '\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: edge}\n';
    assert.deepEqual(at(`apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: shop}\nspec:\n  selector:\n    ti|${next}`), ['tier: backend']);
    assert.deepEqual(at(`${deployment('            - {name: API_ADDR, value: "ap|')}${next}`).sort(), ['api', 'apiary.edge']);
  });
});
