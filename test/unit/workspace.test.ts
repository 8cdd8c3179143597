import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifest } from '../../src/core/manifests';
import type { EndpointSlice, Pod, Service } from '../../src/core/model';
import { type DnsAnswer, type QueryType, Resolver } from '../../src/core/resolver';
import { BUILT_IN_NAMESPACES, buildWorkspaceModel, type WorkspaceModel, type WorkspaceOptions } from '../../src/core/workspace';

/** A workspace of one or more files, given as [uri, text] pairs or as one text. */
function workspace(files: string | [string, string][], options: WorkspaceOptions = {}): WorkspaceModel {
  const list = typeof files === 'string' ? [['ws.yaml', files] as [string, string]] : files;
  return buildWorkspaceModel(
    list.map(([uri, text]) => parseManifest(uri, text)),
    options,
  );
}

function service(model: WorkspaceModel, namespace: string, name: string): Service {
  const svc = model.snapshot.service(namespace, name);
  assert.ok(svc, `Service ${namespace}/${name} is in the snapshot`);
  return svc;
}

function pod(model: WorkspaceModel, namespace: string, name: string): Pod {
  const p = model.snapshot.pod(namespace, name);
  assert.ok(p, `pod ${namespace}/${name} is in the snapshot`);
  return p;
}

function slices(model: WorkspaceModel, namespace: string, name: string): readonly EndpointSlice[] {
  return model.snapshot.slicesOf(namespace, name);
}

/** Every endpoint of a Service's slices as [address family, pod, ready, addresses, ports]. */
function endpointRows(model: WorkspaceModel, namespace: string, name: string) {
  return slices(model, namespace, name).flatMap((s) =>
    s.endpoints.map((e) => ({
      family: s.addressType,
      pod: e.targetRef?.name,
      ready: e.ready,
      addresses: e.addresses,
      ports: s.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`),
      ...(e.hostname ? { hostname: e.hostname } : {}),
    })),
  );
}

function ask(model: WorkspaceModel, name: string, request: { namespace?: string; qtype?: QueryType } = {}): DnsAnswer {
  const result = new Resolver(model.snapshot, {}).resolve(name, request);
  assert.ok(result.ok, `${name} is a valid name`);
  return result.answer;
}

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers:
        - name: web
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  clusterIP: 10.96.0.20
  selector: {app: api}
  ports: [{name: http, port: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: shop}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: redis
          ports: [{name: redis, containerPort: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: shop}
spec:
  clusterIP: None
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: payments, namespace: shop}
spec:
  type: ExternalName
  externalName: api.payments.example.com
`;

describe('workspace: Services as declared', () => {
  const model = workspace(`
apiVersion: v1
kind: Service
metadata: {name: given, namespace: s}
spec: {clusterIP: 10.96.0.10, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: pending, namespace: s}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: empty-ip, namespace: s}
spec: {clusterIP: "", ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: headless, namespace: s}
spec: {clusterIP: None, selector: {app: h}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: s}
spec: {type: ExternalName, externalName: db.example.com, selector: {app: h}}
---
apiVersion: v1
kind: Service
metadata: {name: dual, namespace: s}
spec:
  ipFamilyPolicy: RequireDualStack
  ipFamilies: [IPv6, IPv4]
  clusterIPs: ["FD00:10:96:0:0::20", 10.96.0.21]
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: dual-pending, namespace: s}
spec: {ipFamilies: [IPv4, IPv6], ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: v6-only, namespace: s}
spec: {clusterIP: "fd00::30", ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: ports, namespace: s}
spec:
  type: NodePort
  selector: {}
  ports:
    - {name: http, port: 80, targetPort: web}
    - {name: metrics, port: 9090, targetPort: "9091", nodePort: 30090}
    - {name: dns, port: 53, protocol: UDP}
    - {name: grpc, port: 5000, targetPort: 5001, appProtocol: grpc}
    - {name: broken}
`);

  it('a given cluster IP is kept, a missing or empty one is pending', () => {
    const given = service(model, 's', 'given');
    assert.deepEqual([given.clusterIPs, given.clusterIPPending, given.ipFamilies, given.headless], [['10.96.0.10'], false, ['IPv4'], false]);
    for (const name of ['pending', 'empty-ip']) {
      const svc = service(model, 's', name);
      assert.deepEqual([svc.clusterIPs, svc.clusterIPPending, svc.type], [[], true, 'ClusterIP'], name);
    }
  });

  it('headless and ExternalName Services have no cluster IP and none pending', () => {
    const headless = service(model, 's', 'headless');
    assert.deepEqual([headless.headless, headless.clusterIPs, headless.clusterIPPending], [true, [], false]);
    const ext = service(model, 's', 'ext');
    assert.deepEqual([ext.type, ext.externalName, ext.clusterIPs, ext.clusterIPPending, ext.headless], ['ExternalName', 'db.example.com', [], false, false]);
    assert.deepEqual(slices(model, 's', 'ext'), [], 'an ExternalName Service gets no endpoints, selector or not');
  });

  it('dual-stack: families and cluster IPs in the declared order, IPs in canonical form', () => {
    const dual = service(model, 's', 'dual');
    assert.deepEqual(dual.ipFamilies, ['IPv6', 'IPv4']);
    assert.deepEqual(dual.clusterIPs, ['fd00:10:96::20', '10.96.0.21']);
    assert.deepEqual(service(model, 's', 'v6-only').ipFamilies, ['IPv6'], 'the family follows the cluster IP when not declared');
    const pending = service(model, 's', 'dual-pending');
    assert.deepEqual([pending.ipFamilies, pending.clusterIPPending], [['IPv4', 'IPv6'], true]);
  });

  it('ports: names, numeric and named target ports, protocols, node ports', () => {
    const svc = service(model, 's', 'ports');
    assert.equal(svc.type, 'NodePort');
    assert.deepEqual(
      svc.ports.map((p) => ({ ...p })),
      [
        { name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' },
        { name: 'metrics', port: 9090, targetPort: 9091, protocol: 'TCP', nodePort: 30090 },
        { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
        { name: 'grpc', port: 5000, targetPort: 5001, protocol: 'TCP', appProtocol: 'grpc' },
      ],
    );
    assert.ok(model.report.problems.some((p) => p.code === 'invalid-value' && /Service ports: a port without a numeric "port"/.test(p.message)));
  });

  it('an empty selector is no selector', () => {
    assert.equal(service(model, 's', 'ports').selector, undefined);
    assert.deepEqual(service(model, 's', 'headless').selector, { app: 'h' });
  });

  it('counts the objects it used, by kind, and the source of each Service', () => {
    assert.equal(model.report.objects.Service, 9);
    const src = service(model, 's', 'dual').source!;
    assert.equal(src.uri, 'ws.yaml');
    assert.ok(src.nameEnd > src.nameStart);
  });

  it('answers with the cluster IP given, and null for one the cluster allocates', () => {
    const given = ask(model, 'given.s.svc.cluster.local.');
    assert.deepEqual(given.answers, [{ name: 'given.s.svc.cluster.local.', type: 'A', data: '10.96.0.10' }]);
    assert.equal(given.explanation.pending, undefined);
    const pending = ask(model, 'pending.s.svc.cluster.local.');
    assert.deepEqual(pending.answers, [{ name: 'pending.s.svc.cluster.local.', type: 'A', data: null }]);
    assert.equal(pending.explanation.pending, true);
    assert.deepEqual(ask(model, 'dual.s.svc.cluster.local.', { qtype: 'AAAA' }).answers, [
      { name: 'dual.s.svc.cluster.local.', type: 'AAAA', data: 'fd00:10:96::20' },
    ]);
    assert.deepEqual(ask(model, 'dual.s.svc.cluster.local.', { qtype: 'A' }).answers, [{ name: 'dual.s.svc.cluster.local.', type: 'A', data: '10.96.0.21' }]);
    assert.deepEqual(ask(model, 'dual-pending.s.svc.cluster.local.', { qtype: 'AAAA' }).answers, [
      { name: 'dual-pending.s.svc.cluster.local.', type: 'AAAA', data: null },
    ]);
    const v6 = ask(model, 'v6-only.s.svc.cluster.local.', { qtype: 'A' });
    assert.deepEqual([v6.rcode, v6.answers], ['NOERROR', []], 'an IPv6-only Service has no A records: NODATA');
    assert.deepEqual(ask(model, 'ext.s.svc.cluster.local.').answers, [{ name: 'ext.s.svc.cluster.local.', type: 'CNAME', data: 'db.example.com.' }]);
  });
});

describe('workspace: pods from workloads', () => {
  const model = workspace(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: w}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: main
          ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]
      initContainers:
        - name: init
          ports: [{name: init-port, containerPort: 9999}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: scaled-down, namespace: w}
spec:
  replicas: 0
  template: {metadata: {labels: {app: none}}, spec: {containers: [{name: c}]}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: w}
spec:
  serviceName: db-hl
  replicas: 2
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: pg, ports: [{name: pg, containerPort: 5432}]}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: lonely, namespace: w}
spec:
  template: {metadata: {labels: {app: lonely}}, spec: {containers: [{name: c}]}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: w}
spec:
  template: {metadata: {labels: {app: node-exporter}}, spec: {hostNetwork: true, nodeName: n1, containers: [{name: c}]}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs, namespace: w}
spec:
  replicas: 4
  template: {metadata: {labels: {app: rs}}, spec: {containers: [{name: c}]}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: w}
spec:
  parallelism: 2
  template: {metadata: {labels: {app: once}}, spec: {containers: [{name: c}]}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: w}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      parallelism: 3
      template: {metadata: {labels: {app: nightly}}, spec: {containers: [{name: c}]}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: no-template, namespace: w}
spec: {schedule: "0 0 * * *"}
---
apiVersion: v1
kind: Pod
metadata: {name: running, namespace: w, labels: {app: p}}
spec: {hostname: box, subdomain: sub, containers: [{name: c}]}
status:
  phase: Running
  podIPs: [{ip: 10.1.0.5}, {ip: "fd00:0::5"}]
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Pod
metadata: {name: declared-only, namespace: w}
spec: {containers: [{name: c}]}
`);

  it('a Deployment is one pod record standing for its replicas, with template labels and container ports', () => {
    const p = pod(model, 'w', 'web');
    assert.deepEqual(p.labels, { app: 'web' });
    assert.deepEqual(p.template, { workload: { kind: 'Deployment', namespace: 'w', name: 'web' }, replicas: 3 });
    assert.deepEqual(p.ips, []);
    assert.equal(p.ready, true);
    assert.deepEqual(
      p.ports.map((c) => [c.name, c.containerPort, c.protocol, c.container]),
      [
        ['http', 8080, 'TCP', 'main'],
        ['dns', 53, 'UDP', 'main'],
        ['init-port', 9999, 'TCP', 'init'],
      ],
    );
  });

  it('replicas: 0 runs no pods', () => {
    assert.equal(model.snapshot.pod('w', 'scaled-down'), undefined);
  });

  it('a StatefulSet runs <name>-<ordinal>, with hostname, subdomain = serviceName and the controller labels', () => {
    assert.equal(model.snapshot.pod('w', 'db'), undefined);
    for (const i of [0, 1]) {
      const p = pod(model, 'w', `db-${i}`);
      assert.equal(p.hostname, `db-${i}`);
      assert.equal(p.subdomain, 'db-hl');
      assert.deepEqual(p.labels, { app: 'db', 'statefulset.kubernetes.io/pod-name': `db-${i}`, 'apps.kubernetes.io/pod-index': String(i) });
      assert.deepEqual(p.template, { workload: { kind: 'StatefulSet', namespace: 'w', name: 'db' }, replicas: 1 });
    }
    assert.equal(model.snapshot.pod('w', 'db-2'), undefined);
    const lonely = pod(model, 'w', 'lonely-0');
    assert.equal(lonely.subdomain, undefined, 'no serviceName, no subdomain');
    assert.equal(model.snapshot.pod('w', 'lonely-1'), undefined, 'replicas defaults to 1');
  });

  it('DaemonSet, ReplicaSet, Job and CronJob templates become pods', () => {
    const replicas = (name: string) => pod(model, 'w', name).template?.replicas;
    assert.equal(replicas('node-exporter'), 1);
    assert.equal(pod(model, 'w', 'node-exporter').hostNetwork, true);
    assert.equal(pod(model, 'w', 'node-exporter').nodeName, 'n1');
    assert.equal(replicas('rs'), 4);
    assert.equal(replicas('once'), 2, 'a Job runs `parallelism` pods at once');
    assert.equal(replicas('nightly'), 3, 'a CronJob reads its jobTemplate');
    assert.deepEqual(pod(model, 'w', 'nightly').labels, { app: 'nightly' });
    assert.equal(pod(model, 'w', 'nightly').template?.workload.kind, 'CronJob');
    assert.equal(model.snapshot.pod('w', 'no-template'), undefined);
  });

  it('a Pod with a status keeps its IPs, readiness, phase, hostname and subdomain', () => {
    const p = pod(model, 'w', 'running');
    assert.deepEqual(p.ips, ['10.1.0.5', 'fd00::5']);
    assert.deepEqual([p.ready, p.phase, p.hostname, p.subdomain, p.template], [true, 'Running', 'box', 'sub', undefined]);
    assert.deepEqual(
      model.snapshot.podsWithIP('fd00::5').map((x) => x.name),
      ['running'],
    );
    const declared = pod(model, 'w', 'declared-only');
    assert.deepEqual([declared.ips, declared.template?.replicas], [[], 1], 'a Pod without a status waits for its IP');
  });

  it('the report counts workloads by kind', () => {
    assert.deepEqual({ ...model.report.objects }, { Deployment: 2, StatefulSet: 2, DaemonSet: 1, ReplicaSet: 1, Job: 1, CronJob: 2, Pod: 2 });
  });
});

describe('workspace: endpoints derived from selectors', () => {
  const model = workspace(`
apiVersion: v1
kind: Service
metadata: {name: app, namespace: e}
spec:
  ipFamilies: [IPv4, IPv6]
  selector: {app: a}
  ports: [{name: http, port: 80, targetPort: web}]
---
apiVersion: v1
kind: Pod
metadata: {name: a1, namespace: e, labels: {app: a, extra: "yes"}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 8080}]}]}
status:
  podIPs: [{ip: 10.1.0.1}, {ip: "fd00::1"}]
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Pod
metadata: {name: a2, namespace: e, labels: {app: a}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 9090}]}]}
status:
  podIP: 10.1.0.2
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Pod
metadata: {name: a3-no-port, namespace: e, labels: {app: a}}
spec: {containers: [{name: c}]}
status:
  podIP: 10.1.0.3
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Pod
metadata: {name: elsewhere, namespace: other, labels: {app: a}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 8080}]}]}
status: {podIP: 10.1.0.9, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other-label, namespace: e, labels: {app: b}}
spec: {containers: [{name: c}]}
status: {podIP: 10.1.0.8, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: finished, namespace: e, labels: {app: a}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 8080}]}]}
status: {phase: Succeeded, podIP: 10.1.0.4}
---
apiVersion: v1
kind: Pod
metadata: {name: named, namespace: e, labels: {app: h}}
spec: {hostname: box, subdomain: hs, containers: [{name: c}]}
status: {podIP: 10.2.0.1, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: v1
kind: Service
metadata: {name: hs, namespace: e}
spec: {clusterIP: None, selector: {app: h}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: other-hs, namespace: e}
spec: {clusterIP: None, selector: {app: h}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: slow, namespace: e, labels: {app: nr}}
spec: {containers: [{name: c}]}
status: {podIP: 10.3.0.1, conditions: [{type: Ready, status: "False"}]}
---
apiVersion: v1
kind: Service
metadata: {name: nr, namespace: e}
spec: {clusterIP: None, selector: {app: nr}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: nr-published, namespace: e}
spec: {clusterIP: None, publishNotReadyAddresses: true, selector: {app: nr}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: leaving, namespace: e, labels: {app: t}, deletionTimestamp: "2025-01-01T00:00:00Z"}
spec: {containers: [{name: c}]}
status: {podIP: 10.4.0.1, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: v1
kind: Service
metadata: {name: term, namespace: e}
spec: {clusterIP: None, selector: {app: t}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: term-published, namespace: e}
spec: {clusterIP: None, publishNotReadyAddresses: true, selector: {app: t}, ports: [{port: 80}]}
`);

  it('selects the pods of its namespace whose labels match, per address family, leaving out finished pods', () => {
    const rows = endpointRows(model, 'e', 'app');
    assert.deepEqual(rows.map((r) => [r.family, r.pod, r.addresses.join()]).sort(), [
      ['IPv4', 'a1', '10.1.0.1'],
      ['IPv4', 'a2', '10.1.0.2'],
      ['IPv4', 'a3-no-port', '10.1.0.3'],
      ['IPv6', 'a1', 'fd00::1'],
    ]);
    for (const s of slices(model, 'e', 'app')) {
      assert.equal(s.serviceName, 'app');
      assert.equal(s.namespace, 'e');
    }
  });

  it('resolves a named target port per pod; a pod without that port gets no port', () => {
    const byPod = new Map(
      endpointRows(model, 'e', 'app')
        .filter((r) => r.family === 'IPv4')
        .map((r) => [r.pod, r.ports]),
    );
    assert.deepEqual(byPod.get('a1'), ['http:8080/TCP']);
    assert.deepEqual(byPod.get('a2'), ['http:9090/TCP']);
    assert.deepEqual(byPod.get('a3-no-port'), []);
    const v4 = slices(model, 'e', 'app').filter((s) => s.addressType === 'IPv4');
    assert.equal(v4.length, 3, 'one slice per distinct port set, as the controller groups them');
  });

  it('an endpoint has a hostname only when the pod subdomain is the Service name', () => {
    assert.deepEqual(
      endpointRows(model, 'e', 'hs').map((r) => r.hostname),
      ['box'],
    );
    assert.deepEqual(
      endpointRows(model, 'e', 'other-hs').map((r) => r.hostname),
      [undefined],
    );
    assert.deepEqual(ask(model, 'box.hs.e.svc.cluster.local.').answers, [{ name: 'box.hs.e.svc.cluster.local.', type: 'A', data: '10.2.0.1' }]);
    assert.equal(ask(model, 'box.other-hs.e.svc.cluster.local.').rcode, 'NXDOMAIN');
    assert.deepEqual(
      ask(model, '10-2-0-1.other-hs.e.svc.cluster.local.').answers.map((a) => a.data),
      ['10.2.0.1'],
    );
  });

  it('a not-ready pod is a not-ready endpoint, unless the Service publishes not-ready addresses', () => {
    const [nr] = slices(model, 'e', 'nr').flatMap((s) => s.endpoints);
    assert.deepEqual([nr!.ready, nr!.serving], [false, false]);
    const [pub] = slices(model, 'e', 'nr-published').flatMap((s) => s.endpoints);
    assert.deepEqual([pub!.ready, pub!.serving], [true, false]);
    assert.equal(ask(model, 'nr.e.svc.cluster.local.').rcode, 'NXDOMAIN');
    assert.deepEqual(
      ask(model, 'nr-published.e.svc.cluster.local.').answers.map((a) => a.data),
      ['10.3.0.1'],
    );
  });

  it('a terminating pod is kept as a terminating, not-ready endpoint (still serving)', () => {
    const [t] = slices(model, 'e', 'term').flatMap((s) => s.endpoints);
    assert.deepEqual([t!.ready, t!.serving, t!.terminating], [false, true, true]);
    assert.equal(ask(model, 'term.e.svc.cluster.local.').rcode, 'NXDOMAIN');
    const [tp] = slices(model, 'e', 'term-published').flatMap((s) => s.endpoints);
    assert.deepEqual([tp!.ready, tp!.terminating], [true, true]);
  });

  it('the template pods of workloads are pending endpoints', () => {
    const shop = workspace(SHOP);
    const [web] = slices(shop, 'shop', 'web');
    assert.equal(web!.endpoints.length, 1);
    assert.deepEqual(web!.endpoints[0]!.pending, { workload: { kind: 'Deployment', namespace: 'shop', name: 'web' }, replicas: 3 });
    assert.deepEqual(web!.endpoints[0]!.addresses, []);
    assert.deepEqual(web!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }], 'targetPort "http" resolved against the template');
    const redis = endpointRows(shop, 'shop', 'redis');
    assert.deepEqual(
      redis.map((r) => [r.pod, r.hostname, r.ready]),
      [
        ['redis-0', 'redis-0', true],
        ['redis-1', 'redis-1', true],
        ['redis-2', 'redis-2', true],
      ],
    );
    assert.deepEqual(slices(shop, 'shop', 'api'), [], 'nothing matches app=api');
  });
});

describe('workspace: declared EndpointSlices and Endpoints', () => {
  const model = workspace(`
apiVersion: v1
kind: Service
metadata: {name: db, namespace: d}
spec: {clusterIP: 10.96.5.5, ports: [{name: pg, port: 5432}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: db, namespace: d}
subsets:
  - addresses: [{ip: 192.168.1.10, hostname: primary, nodeName: n1}, {ip: "not-an-ip"}, {ip: "FD00:0::10"}]
    notReadyAddresses: [{ip: 192.168.1.11, targetRef: {kind: Pod, name: db-replica}}]
    ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: selected, namespace: d}
spec: {clusterIP: None, selector: {app: nothing-matches}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: selected, namespace: d}
subsets:
  - addresses: [{ip: 192.168.1.20}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ext-abcde
  namespace: d
  labels: {kubernetes.io/service-name: ext}
addressType: IPv4
ports: [{name: https, port: 443, protocol: TCP}]
endpoints:
  - addresses: [10.9.9.9]
    hostname: e1
    nodeName: n2
    targetRef: {kind: Pod, name: ext-pod}
  - addresses: [10.9.9.10]
    conditions: {ready: false, terminating: true}
  - addresses: [10.9.9.256]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: weird, namespace: d}
addressType: AppleTalk
endpoints: []
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: d}
spec: {clusterIP: None, ports: [{name: https, port: 443}]}
`);

  it('keeps a declared EndpointSlice with its Service label, conditions and defaults', () => {
    const [slice] = slices(model, 'd', 'ext');
    assert.equal(slice!.name, 'ext-abcde');
    assert.equal(slice!.source?.uri, 'ws.yaml');
    assert.deepEqual(
      slice!.endpoints.map((e) => [e.addresses.join(), e.ready, e.serving, e.terminating, e.hostname, e.nodeName, e.targetRef?.name, e.targetRef?.namespace]),
      [
        ['10.9.9.9', true, true, false, 'e1', 'n2', 'ext-pod', 'd'],
        ['10.9.9.10', false, false, true, undefined, undefined, undefined, undefined],
        ['', true, true, false, undefined, undefined, undefined, undefined],
      ],
    );
    assert.deepEqual(slice!.ports, [{ name: 'https', port: 443, protocol: 'TCP' }]);
    assert.deepEqual(
      ask(model, '_https._tcp.ext.d.svc.cluster.local.', { qtype: 'SRV' }).answers.map((a) => a.data),
      ['0 100 443 e1.ext.d.svc.cluster.local.'],
    );
  });

  it('refuses an EndpointSlice with an unknown address type, saying so', () => {
    assert.ok(!model.objects.endpointSlices.some((s) => s.name === 'weird'));
    assert.ok(model.report.problems.some((p) => p.code === 'invalid-value' && /EndpointSlice weird: addressType "AppleTalk"/.test(p.message)));
  });

  it('mirrors Endpoints of a Service without selector, one slice per family, not-ready addresses included', () => {
    const rows = endpointRows(model, 'd', 'db');
    assert.deepEqual(
      rows.map((r) => [r.family, r.addresses.join(), r.ready, r.hostname, r.pod]),
      [
        ['IPv4', '192.168.1.10', true, 'primary', undefined],
        ['IPv4', '192.168.1.11', false, undefined, 'db-replica'],
        ['IPv6', 'fd00::10', true, undefined, undefined],
      ],
    );
    assert.deepEqual(
      ask(model, 'primary.db.d.svc.cluster.local.').answers.map((a) => a.data),
      ['192.168.1.10'],
    );
    assert.deepEqual(
      ask(model, 'db.d.svc.cluster.local.').answers.map((a) => a.data),
      ['10.96.5.5'],
    );
    const ptr = ask(model, '192.168.1.10');
    assert.deepEqual(
      ptr.answers.map((a) => a.data),
      ['primary.db.d.svc.cluster.local.'],
    );
  });

  it('does not mirror Endpoints of a Service with a selector: the controller owns those', () => {
    assert.deepEqual(slices(model, 'd', 'selected'), []);
    assert.equal(ask(model, 'selected.d.svc.cluster.local.').rcode, 'NXDOMAIN');
    assert.deepEqual(model.snapshot.ownersOf('192.168.1.20'), []);
  });

  it('mirrors no Endpoints that have no Service, so their addresses answer no PTR query', () => {
    const orphan = workspace(`apiVersion: v1
kind: Endpoints
metadata: {name: ghost, namespace: d}
subsets: [{addresses: [{ip: 192.168.7.7}], ports: [{port: 80}]}]
`);
    assert.deepEqual(orphan.objects.endpointSlices, []);
    const ptr = ask(orphan, '192.168.7.7');
    assert.equal(ptr.rcode, 'NXDOMAIN');
    assert.deepEqual(ptr.explanation.owners, []);
  });

  it('reports invalid addresses and drops them', () => {
    const messages = model.report.problems.filter((p) => p.code === 'invalid-value').map((p) => p.message);
    assert.ok(messages.some((m) => m.includes('Endpoints db') && m.includes('"not-an-ip"')));
    assert.ok(messages.some((m) => m.includes('EndpointSlice ext-abcde') && m.includes('"10.9.9.256"')));
    assert.deepEqual(model.snapshot.ownersOf('10.9.9.256'), []);
  });
});

describe('workspace: duplicates', () => {
  const a = `apiVersion: v1
kind: Service
metadata: {name: db, namespace: data}
spec: {clusterIP: 10.96.6.5, ports: [{port: 5432}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: db, namespace: data}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: other}
spec: {clusterIP: 10.96.6.7, ports: [{port: 5432}]}
`;
  const b = `# the second file
apiVersion: v1
kind: Service
metadata:
  name: db
  namespace: data
spec: {clusterIP: 10.96.6.6, ports: [{port: 5432}]}
`;
  const model = workspace([
    ['a.yaml', a],
    ['b.yaml', b],
  ]);

  it('the later declaration wins', () => {
    assert.deepEqual(service(model, 'data', 'db').clusterIPs, ['10.96.6.6']);
    assert.equal(service(model, 'data', 'db').source?.uri, 'b.yaml');
    assert.deepEqual(
      ask(model, 'db.data.svc.cluster.local.').answers.map((x) => x.data),
      ['10.96.6.6'],
    );
    assert.deepEqual(model.snapshot.ownersOf('10.96.6.5'), [], 'the replaced declaration leaves nothing behind');
    assert.equal(model.objects.services.filter((s) => s.name === 'db' && s.namespace === 'data').length, 1);
  });

  it('is reported once, at the later name, naming the earlier position', () => {
    const dups = model.report.problems.filter((p) => p.code === 'duplicate-object');
    assert.equal(dups.length, 1);
    const d = dups[0]!;
    assert.equal(d.uri, 'b.yaml');
    assert.equal(d.severity, 'warning');
    assert.deepEqual([d.line, d.column], [5, 9]);
    assert.equal(b.slice(d.offset, d.offset + 2), 'db');
    assert.match(d.message, /Service data\/db/);
    assert.match(d.message, /a\.yaml:1:1/);
  });

  it('the same name in another namespace or of another kind is no duplicate', () => {
    assert.deepEqual(service(model, 'other', 'db').clusterIPs, ['10.96.6.7']);
  });

  it('a duplicate within one file is reported too', () => {
    const one = workspace(
      'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {clusterIP: 10.0.0.1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {clusterIP: 10.0.0.2}\n',
    );
    assert.deepEqual(service(one, 'default', 'x').clusterIPs, ['10.0.0.2']);
    const dups = one.report.problems.filter((p) => p.code === 'duplicate-object');
    assert.deepEqual(
      dups.map((p) => [p.line, p.column]),
      [[8, 18]],
    );
  });

  it('a file that declares again many objects of another (alternative bundles) gets one problem that says so', () => {
    const svc = (name: string, ip: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: app}\nspec: {clusterIP: ${ip}}\n`;
    const names = ['api', 'db', 'cache', 'queue', 'web'];
    const install = names.map((n, i) => svc(n, `10.96.1.${i + 1}`)).join('---\n');
    const namespaced = names.map((n, i) => svc(n, `10.96.2.${i + 1}`)).join('---\n');
    const m = workspace([
      ['install.yaml', install],
      ['namespace-install.yaml', namespaced],
      ['extra.yaml', svc('web', '10.96.3.1')],
    ]);
    const dups = m.report.problems.filter((p) => p.code === 'duplicate-object');
    assert.deepEqual(
      dups.map((p) => [p.uri, p.line]),
      [
        ['namespace-install.yaml', 3],
        ['extra.yaml', 3],
      ],
    );
    assert.match(dups[0]!.message, /declares again 5 objects of install\.yaml \(from Service app\/api on\)/);
    assert.match(dups[1]!.message, /Service app\/web is declared again; this declaration replaces the one at namespace-install\.yaml:21:1/);
  });

  it('objects without a name (generateName) are each an object of their own, never a duplicate', () => {
    const job = (step: string) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: ${step}-, namespace: ops}\nspec:\n  template:\n    metadata: {labels: {step: ${step}}}\n    spec: {containers: [{name: c, image: x}]}\n`;
    const m = workspace([
      ['cleanup.yaml', job('cleanup')],
      ['migrate.yaml', job('migrate')],
    ]);
    assert.equal(m.report.problems.filter((p) => p.code === 'duplicate-object').length, 0);
    assert.equal(m.objects.pods.filter((p) => p.namespace === 'ops').length, 2);
  });

  it('a Service that another file declares again is marked redeclared; one redeclared in its own file is not', () => {
    assert.equal(service(model, 'data', 'db').redeclared, true);
    const one = workspace(
      'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {clusterIP: 10.0.0.1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {clusterIP: 10.0.0.2}\n',
    );
    assert.equal(service(one, 'default', 'x').redeclared, undefined);
  });

  it('an object without namespace and one in the default namespace are the same object', () => {
    const m = workspace('apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: team}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: x}\n', {
      defaultNamespace: 'team',
    });
    assert.equal(m.report.problems.filter((p) => p.code === 'duplicate-object').length, 1);
    assert.equal(m.objects.services.filter((s) => !s.implied).length, 1);
  });
});

describe('workspace: namespaces', () => {
  const text = `apiVersion: v1
kind: Service
metadata: {name: loose}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: pinned, namespace: fixed}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: declared}
`;

  it('objects without a namespace go to "default", or to the defaultNamespace option', () => {
    const files: [string, string][] = [
      ['loose.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: loose}\nspec: {ports: [{port: 80}]}\n'],
      ['pinned.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: pinned, namespace: fixed}\nspec: {ports: [{port: 80}]}\n'],
    ];
    const plain = workspace(files);
    assert.ok(plain.snapshot.service('default', 'loose'));
    const team = workspace(files, { defaultNamespace: 'team' });
    assert.ok(team.snapshot.service('team', 'loose'));
    assert.equal(team.snapshot.service('default', 'loose'), undefined);
    assert.ok(team.snapshot.service('fixed', 'pinned'), 'a namespace in the manifest is kept');
  });

  it('in a file whose other objects all name one namespace, an object that names none lands there', () => {
    // Such a file can only be applied with `kubectl apply -n fixed` (kubectl refuses objects of another namespace),
    // as Argo Workflows' quick start is.
    const m = workspace(text, { defaultNamespace: 'team' });
    assert.ok(m.snapshot.service('fixed', 'loose'));
    assert.equal(m.snapshot.service('team', 'loose'), undefined);
    const mixed = workspace(`${text}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: other}\n`, { defaultNamespace: 'team' });
    assert.ok(mixed.snapshot.service('team', 'loose'), 'two namespaces named: no namespace is implied');
  });

  it('namespaces used by objects, the default one and the built-in ones exist without a Namespace object', () => {
    const team = workspace(text, { defaultNamespace: 'team' });
    for (const ns of ['team', 'fixed', 'declared', ...BUILT_IN_NAMESPACES]) assert.ok(team.snapshot.hasNamespace(ns), ns);
    assert.equal(team.snapshot.hasNamespace('nowhere'), false);
    assert.ok(team.snapshot.namespace('declared')?.source, 'a declared Namespace keeps its source');
    assert.equal(team.snapshot.namespace('fixed'), undefined, 'an implicit namespace has no object');
    assert.equal(team.objects.namespaces.length, 1);
  });

  it('an existing namespace without the Service gives NXDOMAIN naming the Service; a missing one names the namespace', () => {
    const m = workspace(text);
    const inDeclared = ask(m, 'loose.declared.svc.cluster.local.');
    assert.equal(inDeclared.rcode, 'NXDOMAIN');
    assert.match(inDeclared.explanation.summary, /no Service "loose"/);
    const nowhere = ask(m, 'loose.nowhere.svc.cluster.local.');
    assert.equal(nowhere.rcode, 'NXDOMAIN');
    assert.match(nowhere.explanation.summary, /no namespace "nowhere"/);
    assert.equal(ask(m, 'declared.svc.cluster.local.').rcode, 'NOERROR', 'a namespace domain exists (NODATA)');
  });
});

describe('workspace: invalid IPs and values', () => {
  const text = `apiVersion: v1
kind: Service
metadata: {name: bad-ip, namespace: x}
spec:
  clusterIP: 10.96.0.300
  externalIPs: [203.0.113.7, nope, "2001:DB8::1"]
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: odd-type, namespace: x}
spec: {type: Magic, clusterIP: 010.1.2.3, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: x}
spec: {containers: [{name: c}]}
status: {podIPs: [{ip: 10.1.1.1}, {ip: "fe80::1%eth0"}], conditions: [{type: Ready, status: "True"}]}
`;
  const model = workspace(text);

  it('drops an invalid cluster IP (the Service then waits for one) and keeps the valid external IPs', () => {
    const svc = service(model, 'x', 'bad-ip');
    assert.deepEqual([svc.clusterIPs, svc.clusterIPPending], [[], true]);
    assert.deepEqual(svc.externalIPs, ['203.0.113.7', '2001:db8::1']);
    assert.deepEqual(
      model.snapshot.ownersOf('2001:db8::1').map((o) => o.kind),
      ['ExternalIP'],
    );
    assert.deepEqual(service(model, 'x', 'odd-type').clusterIPs, [], 'leading zeros are not an IP Kubernetes accepts');
    assert.deepEqual(pod(model, 'x', 'p').ips, ['10.1.1.1']);
  });

  it('reports each dropped value with the file and the line of its object', () => {
    const problems = model.report.problems.filter((p) => p.code === 'invalid-value');
    const find = (re: RegExp) => {
      const p = problems.find((q) => re.test(q.message));
      assert.ok(p, `a problem matching ${re}`);
      return p;
    };
    const clusterIP = find(/Service bad-ip: cluster IP "10\.96\.0\.300" is not an IP address/);
    assert.deepEqual([clusterIP.uri, clusterIP.line, clusterIP.column], ['ws.yaml', 1, 1]);
    find(/Service bad-ip: external IP "nope"/);
    const oddType = find(/Service odd-type: unknown type "Magic"/);
    assert.equal(oddType.line, 9);
    assert.equal(service(model, 'x', 'odd-type').type, 'ClusterIP');
    find(/Service odd-type: cluster IP "010\.1\.2\.3"/);
    const podIP = find(/Pod p: pod IP "fe80::1%eth0"/);
    assert.equal(podIP.line, 14);
    assert.equal(problems.length, 5);
  });

  it('an alias bomb in one object is reported in the workspace report and the other objects are kept', () => {
    const lines = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: bomb, namespace: x}',
      'spec:',
      '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ];
    for (let i = 1; i <= 30; i++)
      lines.push(
        `  a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(',')}]`,
      );
    const bomb = `${lines.join('\n')}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: fine, namespace: x}\nspec: {clusterIP: 10.96.1.1}\n`;
    const m = workspace(bomb);
    assert.deepEqual(
      m.report.problems.filter((p) => p.code === 'alias-limit').map((p) => [p.uri, p.line]),
      [['ws.yaml', 1]],
    );
    assert.deepEqual(service(m, 'x', 'fine').clusterIPs, ['10.96.1.1']);
  });
});

describe('workspace: resolver answers', () => {
  const model = workspace(SHOP);

  it('relative names go through the search path and say which step matched', () => {
    const short = ask(model, 'web', { namespace: 'shop' });
    assert.deepEqual([short.qname, short.rcode, short.explanation.matchedStep], ['web.shop.svc.cluster.local.', 'NOERROR', 0]);
    assert.deepEqual(
      short.explanation.search?.map((s) => s.name),
      ['web.shop.svc.cluster.local.'],
    );

    const withNs = ask(model, 'web.shop', { namespace: 'default' });
    assert.equal(withNs.qname, 'web.shop.svc.cluster.local.');
    assert.equal(withNs.explanation.matchedStep, 1);
    assert.deepEqual(
      withNs.explanation.search?.map((s) => [s.name, s.rcode, s.answers]),
      [
        ['web.shop.default.svc.cluster.local.', 'NXDOMAIN', 0],
        ['web.shop.svc.cluster.local.', 'NOERROR', 1],
      ],
    );
    assert.match(withNs.explanation.summary, /search step 2 of 4/);

    const svcSuffix = ask(model, 'WEB.Shop.svc', { namespace: 'shop' });
    assert.deepEqual([svcSuffix.qname, svcSuffix.explanation.matchedStep], ['web.shop.svc.cluster.local.', 2]);

    const fromElsewhere = ask(model, 'web', { namespace: 'default' });
    assert.equal(fromElsewhere.rcode, 'NXDOMAIN', 'a short name does not reach another namespace');
    assert.equal(fromElsewhere.explanation.matchedStep, undefined);
    assert.deepEqual(
      fromElsewhere.explanation.search?.map((s) => s.name),
      ['web.default.svc.cluster.local.', 'web.svc.cluster.local.', 'web.cluster.local.', 'web.'],
    );
  });

  it('a name with five dots is tried as is first (ndots:5)', () => {
    const a = ask(model, 'redis-0.redis.shop.svc.cluster.local', { namespace: 'default' });
    assert.equal(a.explanation.matchedStep, 0);
    assert.equal(a.explanation.search?.[0]?.name, 'redis-0.redis.shop.svc.cluster.local.');
  });

  it('StatefulSet pod names resolve to a pending address', () => {
    const a = ask(model, 'redis-0.redis.shop.svc.cluster.local');
    assert.equal(a.rcode, 'NOERROR');
    assert.deepEqual(a.answers, [{ name: 'redis-0.redis.shop.svc.cluster.local.', type: 'A', data: null }]);
    assert.equal(a.explanation.pending, true);
    const relative = ask(model, 'redis-2.redis', { namespace: 'shop' });
    assert.deepEqual(relative.answers, [{ name: 'redis-2.redis.shop.svc.cluster.local.', type: 'A', data: null }]);
    assert.equal(ask(model, 'redis-3.redis.shop.svc.cluster.local.').rcode, 'NXDOMAIN', 'only three replicas');
  });

  it('the headless StatefulSet Service has one pending address per pod', () => {
    const a = ask(model, 'redis.shop.svc.cluster.local.');
    assert.equal(a.answers.length, 3);
    assert.ok(a.answers.every((r) => r.type === 'A' && r.data === null && r.name === 'redis.shop.svc.cluster.local.'));
  });

  it('SRV of the headless StatefulSet Service names each pod', () => {
    const expected = [0, 1, 2].map((i) => `0 33 6379 redis-${i}.redis.shop.svc.cluster.local.`);
    const named = ask(model, '_redis._tcp.redis.shop.svc.cluster.local.', { qtype: 'SRV' });
    assert.deepEqual(
      named.answers.map((r) => [r.name, r.type]),
      expected.map(() => ['_redis._tcp.redis.shop.svc.cluster.local.', 'SRV']),
    );
    assert.deepEqual(
      named.answers.map((r) => r.data),
      expected,
    );
    assert.deepEqual(
      named.additional.map((r) => [r.name, r.type, r.data]),
      [0, 1, 2].map((i) => [`redis-${i}.redis.shop.svc.cluster.local.`, 'A', null]),
    );
    const bare = ask(model, 'redis.shop.svc.cluster.local.', { qtype: 'SRV' });
    assert.deepEqual(
      bare.answers.map((r) => r.data),
      expected,
    );
    assert.equal(ask(model, '_nope._tcp.redis.shop.svc.cluster.local.', { qtype: 'SRV' }).rcode, 'NXDOMAIN');
  });

  it('SRV of a ClusterIP Service names the Service itself', () => {
    const a = ask(model, '_http._tcp.web.shop.svc.cluster.local.', { qtype: 'SRV' });
    assert.deepEqual(
      a.answers.map((r) => r.data),
      ['0 100 80 web.shop.svc.cluster.local.'],
    );
  });

  it('a cluster IP from the manifest is the answer; a pending one is null', () => {
    assert.deepEqual(ask(model, 'api', { namespace: 'shop' }).answers, [{ name: 'api.shop.svc.cluster.local.', type: 'A', data: '10.96.0.20' }]);
    assert.deepEqual(ask(model, 'web', { namespace: 'shop' }).answers, [{ name: 'web.shop.svc.cluster.local.', type: 'A', data: null }]);
    const ptr = ask(model, '10.96.0.20');
    assert.deepEqual(ptr.answers, [{ name: '20.0.96.10.in-addr.arpa.', type: 'PTR', data: 'api.shop.svc.cluster.local.' }]);
    assert.deepEqual(
      ptr.explanation.owners?.map((o) => [o.kind, o.namespace, o.name]),
      [['ClusterIP', 'shop', 'api']],
    );
  });

  it('an ExternalName answers with its CNAME', () => {
    const a = ask(model, 'payments', { namespace: 'shop' });
    assert.deepEqual(a.answers, [{ name: 'payments.shop.svc.cluster.local.', type: 'CNAME', data: 'api.payments.example.com.' }]);
  });

  it('a pending cluster IP is one A record however many ports the Service has', () => {
    const m = workspace('apiVersion: v1\nkind: Service\nmetadata: {name: two, namespace: p}\nspec: {ports: [{name: a, port: 80}, {name: b, port: 81}]}\n');
    assert.deepEqual(ask(m, 'two.p.svc.cluster.local.').answers, [{ name: 'two.p.svc.cluster.local.', type: 'A', data: null }]);
  });

  it('a pending StatefulSet pod is one A record, and one SRV extra, however many ports its Service has', () => {
    const m = workspace(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: p}
spec:
  serviceName: db
  replicas: 1
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: c}]}}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: p}
spec: {clusterIP: None, selector: {app: db}, ports: [{name: a, port: 80}, {name: b, port: 81}]}
`);
    assert.deepEqual(ask(m, 'db-0.db.p.svc.cluster.local.').answers, [{ name: 'db-0.db.p.svc.cluster.local.', type: 'A', data: null }]);
    const srv = ask(m, 'db.p.svc.cluster.local.', { qtype: 'SRV' });
    assert.equal(srv.answers.length, 2);
    assert.deepEqual(srv.additional, [{ name: 'db-0.db.p.svc.cluster.local.', type: 'A', data: null }]);
  });
});
