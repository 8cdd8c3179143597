// Who talks to whom (core/reach/clients.ts): the connections the references of a workspace make, one per workload
// and Service, with the policy verdict merged over the places that write them; and the pods a live cluster runs for
// a workload of the workspace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckSource } from '../../src/core/check';
import { ManifestCache } from '../../src/core/incremental';
import type { Pod } from '../../src/core/model';
import { connections, podsRunning } from '../../src/core/reach';
import { Resolver } from '../../src/core/resolver';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { buildWorkspaceModel } from '../../src/core/workspace';

const BACKEND = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 8080, targetPort: http}, {name: admin, port: 9000, targetPort: 9000}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: x, ports: [{name: http, containerPort: 8080}, {containerPort: 9000}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-http-only, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{ports: [{port: http}]}]
`;

const CLIENTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: x
        env:
        - {name: API_URL, value: "http://api:8080/v1"}
        - {name: API_ADMIN, value: "api.shop.svc.cluster.local:9000"}
        envFrom: [{configMapRef: {name: shared}}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec:
          containers:
          - name: report
            image: x
            envFrom: [{configMapRef: {name: shared}}]
            args: ["--admin", "api:9000"]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: shared, namespace: shop}
data:
  API: "api:8080"
`;

function workspace(files: Record<string, string>) {
  const parsed = Object.entries(files).map(([uri, text]) => ({
    name: uri,
    ...new ManifestCache({ zone: 'cluster.local', defaultNamespace: 'default' }).parse(uri, text),
  }));
  const model = buildWorkspaceModel(parsed.map((p) => p.manifest));
  const source: CheckSource = { name: 'the workspace manifests', resolver: new Resolver(model.snapshot), live: false, facts: model.facts };
  const placed = parsed.flatMap((p) =>
    p.references.map((reference) => ({ reference, place: `${p.name}:${p.manifest.text.slice(reference.start, reference.end)}` })),
  );
  return { model, source, placed };
}

describe('who talks to whom', () => {
  it('one connection per workload and Service, the verdict merged over its references, the places kept', () => {
    const { model, source, placed } = workspace({ 'backend.yaml': BACKEND, 'clients.yaml': CLIENTS });
    const found = connections(placed, { sources: [source], workspace: model.snapshot });
    const summary = found.map((c) => `${c.from.kind}/${c.from.name} → ${c.to.namespace}/${c.to.name} ${c.verdict} [${c.ports.join(' ')}]`);
    assert.deepEqual(summary, [
      // report: its own api:9000 (the policy admits http only) and the ConfigMap's api:8080 (admitted), ports in
      // the order the workspace writes them.
      'CronJob/report → shop/api partial [9000/TCP 8080/TCP]',
      // web: http://api:8080 and the ConfigMap's api:8080 admitted, api…:9000 not.
      'Deployment/web → shop/api partial [8080/TCP 9000/TCP]',
    ]);
    const web = found.find((c) => c.from.name === 'web')!;
    assert.equal(web.isolated, true);
    // The line says most: the blocked reference's, with the policy that isolates api.
    assert.match(web.line, /^Policy: blocked — .*shop\/api-http-only/);
    assert.deepEqual(web.places, ['clients.yaml:http://api:8080', 'clients.yaml:api.shop.svc.cluster.local:9000', 'clients.yaml:api:8080']);
    const report = found.find((c) => c.from.name === 'report')!;
    assert.deepEqual(report.places, ['clients.yaml:api:9000', 'clients.yaml:api:8080']);
  });

  it('allowed and not isolated where no policy selects either end; blocked where every reference is', () => {
    const open = workspace({ 'backend.yaml': BACKEND.slice(0, BACKEND.indexOf('---\napiVersion: networking')), 'clients.yaml': CLIENTS });
    const free = connections(open.placed, { sources: [open.source], workspace: open.model.snapshot });
    assert.deepEqual(
      free.map((c) => [c.from.name, c.verdict, c.isolated]),
      [
        ['report', 'allowed', false],
        ['web', 'allowed', false],
      ],
    );
    const denied = workspace({
      'backend.yaml': BACKEND.replace('  ingress: [{ports: [{port: http}]}]\n', '  policyTypes: [Ingress]\n'),
      'clients.yaml': CLIENTS,
    });
    const none = connections(denied.placed, { sources: [denied.source], workspace: denied.model.snapshot });
    assert.deepEqual(
      none.map((c) => [c.from.name, c.verdict]),
      [
        ['report', 'blocked'],
        ['web', 'blocked'],
      ],
    );
  });

  it('a reference no pod makes (an Ingress backend, a probe the kubelet runs) is no connection', () => {
    const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: front, namespace: shop}
spec:
  defaultBackend: {service: {name: api, port: {number: 8080}}}
`;
    const { model, source, placed } = workspace({ 'backend.yaml': BACKEND, 'ingress.yaml': ingress });
    assert.deepEqual(connections(placed, { sources: [source], workspace: model.snapshot }), []);
  });
});

describe('the pods a cluster runs for a workload of the workspace', () => {
  const { model } = workspace({
    'clients.yaml': CLIENTS,
    'db.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: x}]}
`,
  });
  const livePod = (name: string, labels: Record<string, string>, namespace = 'shop'): Pod => ({
    namespace,
    name,
    ips: ['10.0.0.1'],
    labels,
    ready: true,
    hostNetwork: false,
    terminating: false,
    ports: [],
    phase: 'Running',
  });
  const live = ClusterSnapshot.build({
    namespaces: [],
    services: [],
    endpointSlices: [],
    nodes: [],
    pods: [
      livePod('web-7d9-abcde', { app: 'web', 'pod-template-hash': '7d9' }),
      livePod('web-7d9-fghij', { app: 'web', 'pod-template-hash': '7d9' }),
      livePod('web-elsewhere', { app: 'web' }, 'other'),
      livePod('api-1', { app: 'api' }),
      livePod('db-0', { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0' }),
      livePod('db-1', { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-1' }),
    ],
  });

  it('those of its namespace with every label of its pod template', () => {
    const names = (kind: string, name: string) => podsRunning({ kind, namespace: 'shop', name }, model.snapshot, live).map((p) => p.name);
    assert.deepEqual(names('Deployment', 'web'), ['web-7d9-abcde', 'web-7d9-fghij']);
    // The labels every replica carries: a StatefulSet's pods differ in their pod-name label.
    assert.deepEqual(names('StatefulSet', 'db'), ['db-0', 'db-1']);
    assert.deepEqual(names('Deployment', 'nothing'), []);
  });

  it('in the workspace model, the pods made from its template', () => {
    const names = podsRunning({ kind: 'Deployment', namespace: 'shop', name: 'web' }, model.snapshot, model.snapshot).map((p) => p.name);
    assert.equal(names.length, 1);
    assert.ok(model.snapshot.pod('shop', names[0]!)?.template, 'a template pod');
  });
});
