// From a Service to every place that names it, and the edits that rename it, each place in its own spelling.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManifestCache } from '../../src/core/incremental';
import { encodeBase64, occurrences, renameEdits, type ScannedFile } from '../../src/core/navigate';
import { Resolver } from '../../src/core/resolver';
import { buildWorkspaceModel } from '../../src/core/workspace';

const SERVICES = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: apiary, namespace: shop}
spec:
  selector: {app: apiary}
  ports: [{port: 80}]
`;

const CLIENTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: web
          image: x
          env:
            - {name: API_ADDR, value: "api:8080"}
            - {name: API_URL, value: "http://api.shop.svc.cluster.local:8080/v1"}
            - {name: OTHER, value: "apiary:80"}
          args: ["--upstream", "api.shop:8080"]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: api, port: {number: 8080}}}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
data:
  URL: ${encodeBase64('http://user:pw@api:8080/x')}
`;

function files(texts: Record<string, string>): { list: ScannedFile[]; resolver: Resolver; model: ReturnType<typeof buildWorkspaceModel> } {
  const scan = { zone: 'cluster.local', defaultNamespace: 'default' };
  const list = Object.entries(texts).map(([uri, text]) => {
    const c = new ManifestCache(scan).parse(uri, text);
    return { uri, text, manifest: c.manifest, references: c.references };
  });
  const model = buildWorkspaceModel(list.map((f) => f.manifest));
  return { list, resolver: new Resolver(model.snapshot), model };
}

function apply(text: string, edits: readonly { start: number; end: number; newText: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

describe('navigate: the places that name a Service', () => {
  it('finds the declaration and every reference, in every spelling, and nothing of a Service of a near name', () => {
    const { list, resolver, model } = files({ 'svc.yaml': SERVICES, 'clients.yaml': CLIENTS });
    const api = { namespace: 'shop', name: 'api' };
    const found = occurrences(api, list, resolver, model.snapshot.service('shop', 'api'));
    const spelled = found.map((o) => `${o.uri}:${o.kind}:${list.find((f) => f.uri === o.uri)!.text.slice(o.start, o.end)}`);
    assert.ok(spelled.includes('svc.yaml:declaration:api'));
    for (const text of ['api:8080', 'http://api.shop.svc.cluster.local:8080', 'api.shop:8080', 'api']) {
      assert.ok(
        spelled.some((s) => s.startsWith('clients.yaml:reference:') && s.endsWith(`:${text}`)),
        `${text} in ${spelled.join(' | ')}`,
      );
    }
    assert.ok(
      found.some((o) => o.reference?.secret),
      'the URL inside base64 Secret data',
    );
    assert.ok(!spelled.some((s) => s.includes('apiary')), 'apiary is another Service');
  });

  it('renames the Service everywhere, each spelling kept, base64 data encoded again; nothing else changes', () => {
    const { list, resolver, model } = files({ 'svc.yaml': SERVICES, 'clients.yaml': CLIENTS });
    const api = { namespace: 'shop', name: 'api' };
    const found = occurrences(api, list, resolver, model.snapshot.service('shop', 'api'));
    const result = renameEdits(api, 'payments-api', found, new Map(list.map((f) => [f.uri, f.text])));
    assert.ok(result.ok, !result.ok ? result.message : '');
    const byUri = (uri: string) => result.edits.filter((e) => e.uri === uri);
    const svc = apply(SERVICES, byUri('svc.yaml'));
    const clients = apply(CLIENTS, byUri('clients.yaml'));
    assert.match(svc, /metadata: \{name: payments-api, namespace: shop\}/);
    assert.match(svc, /metadata: \{name: apiary, namespace: shop\}/, 'apiary untouched');
    assert.match(clients, /value: "payments-api:8080"/);
    assert.match(clients, /http:\/\/payments-api\.shop\.svc\.cluster\.local:8080\/v1/);
    assert.match(clients, /"--upstream", "payments-api\.shop:8080"/);
    assert.match(clients, /service: \{name: payments-api, port/);
    assert.match(clients, /value: "apiary:80"/);
    const data = /URL: (\S+)/.exec(clients)![1]!;
    assert.equal(Buffer.from(data, 'base64').toString('utf8'), 'http://user:pw@payments-api:8080/x');
    // After the rename the workspace holds no broken reference: every reference resolves again.
    const after = files({ 'svc.yaml': svc, 'clients.yaml': clients });
    const renamed = { namespace: 'shop', name: 'payments-api' };
    const again = occurrences(renamed, after.list, after.resolver, after.model.snapshot.service('shop', 'payments-api'));
    assert.equal(again.length, found.length);
  });

  it('refuses a name the API server would refuse', () => {
    const r = renameEdits({ namespace: 'shop', name: 'api' }, 'Payments_API', [], new Map());
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /not a valid Service name/);
  });

  it('a pod name under a headless Service renames the Service label only', () => {
    const text = `apiVersion: v1
kind: Service
metadata: {name: redis, namespace: shop}
spec: {clusterIP: None, selector: {app: redis}, ports: [{port: 6379}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: shop}
spec:
  serviceName: redis
  replicas: 2
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: r
          image: redis
          args: ["--replicaof", "redis-0.redis", "6379"]
`;
    const { list, resolver, model } = files({ 'r.yaml': text });
    const key = { namespace: 'shop', name: 'redis' };
    const found = occurrences(key, list, resolver, model.snapshot.service('shop', 'redis'));
    const result = renameEdits(key, 'cache', found, new Map([['r.yaml', text]]));
    assert.ok(result.ok);
    const out = apply(text, result.edits);
    assert.match(out, /metadata: \{name: cache, namespace: shop\}\nspec: \{clusterIP: None/);
    assert.match(out, /serviceName: cache/);
    assert.match(out, /"redis-0\.cache"/, 'the pod keeps its StatefulSet name, the Service label follows');
    assert.match(out, /metadata: \{name: redis, namespace: shop\}\nspec:\n {2}serviceName/, 'the StatefulSet is not renamed');
  });
});

describe('navigate: Kustomize patches that name a Service', () => {
  const BASE = `apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: x}]}
`;
  // As Online Boutique's components write them: patches inline in the Component, applied by name.
  const COMPONENT = `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
# the web Deployment reaches the Service through a patched env value
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          containers:
            - name: web
              env:
              - name: API_ADDR
                value: "api:8080"
              - name: OTEL_SERVICE_NAME
                value: "api"
# the api Deployment, which shares the Service's name, is not the Service
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      replicas: 2
# delete the Service
- patch: |-
    apiVersion: v1
    kind: Service
    metadata:
      name: api
    $patch: delete
- target:
    kind: Service
    name: api
  patch: |-
    - op: replace
      path: /spec/ports/0/port
      value: 8081
`;

  it('renames the patch of the Service, the target that selects it and the env value a patch sets; nothing else', () => {
    const { list, resolver, model } = files({ 'base.yaml': BASE, 'component/kustomization.yaml': COMPONENT });
    const key = { namespace: 'default', name: 'api' };
    const found = occurrences(key, list, resolver, model.snapshot.service('default', 'api'), 'default');
    const spelled = found.map((o) => `${o.uri}:${o.kind}:${list.find((f) => f.uri === o.uri)!.text.slice(o.nameStart, o.nameEnd)}`);
    assert.deepEqual(spelled.filter((s) => s.startsWith('component/')).length, 3, spelled.join(' | '));
    const result = renameEdits(key, 'backend', found, new Map(list.map((f) => [f.uri, f.text])));
    assert.ok(result.ok, !result.ok ? result.message : '');
    const after = apply(
      COMPONENT,
      result.edits.filter((e) => e.uri === 'component/kustomization.yaml'),
    );
    assert.equal(
      after,
      COMPONENT.replace('value: "api:8080"', 'value: "backend:8080"')
        .replace('kind: Service\n    metadata:\n      name: api', 'kind: Service\n    metadata:\n      name: backend')
        .replace('kind: Service\n    name: api', 'kind: Service\n    name: backend'),
    );
    assert.match(
      apply(
        BASE,
        result.edits.filter((e) => e.uri === 'base.yaml'),
      ),
      /^apiVersion: v1\nkind: Service\nmetadata: \{name: backend\}/,
    );
  });

  it('a JSON patch that writes the name refuses the rename, saying where', () => {
    const json = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../base]
patches:
- target: {kind: Deployment, name: web}
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/env/-
      value: {name: API_ADDR, value: "api:8080"}
`;
    const { list, resolver, model } = files({ 'base.yaml': BASE, 'overlay/kustomization.yaml': json });
    const key = { namespace: 'default', name: 'api' };
    const found = occurrences(key, list, resolver, model.snapshot.service('default', 'api'), 'default');
    const result = renameEdits(key, 'backend', found, new Map(list.map((f) => [f.uri, f.text])));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.message : '', /kustomization\.yaml line 7 is a JSON patch that writes "api"; change it by hand/);
    // A JSON patch that does not write the name is no reason to refuse.
    const other = json.replace('"api:8080"', '"apiary:80"');
    const again = files({ 'base.yaml': BASE, 'overlay/kustomization.yaml': other });
    const ok = renameEdits(key, 'backend', occurrences(key, again.list, again.resolver, again.model.snapshot.service('default', 'api')), new Map());
    assert.ok(ok.ok);
  });

  it('another declaration of the Service (an overlay’s patch file) is renamed with it', () => {
    const patchFile = `apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: NodePort
`;
    const { list, resolver, model } = files({ 'base.yaml': BASE, 'overlay/service-patch.yaml': patchFile });
    const key = { namespace: 'default', name: 'api' };
    const found = occurrences(key, list, resolver, model.snapshot.service('default', 'api'), 'default');
    const result = renameEdits(key, 'backend', found, new Map(list.map((f) => [f.uri, f.text])));
    assert.ok(result.ok);
    assert.deepEqual(result.edits.map((e) => `${e.uri}:${list.find((f) => f.uri === e.uri)!.text.slice(e.start, e.end)}`).sort(), [
      'base.yaml:api',
      'overlay/service-patch.yaml:api',
    ]);
  });
});
