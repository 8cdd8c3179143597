/**
 * The NetworkPolicies of real third-party manifests (test/corpus), judged on the connections those applications
 * make. Every expected verdict was worked out by hand from the policies' text; the reason is beside it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseManifest } from '../../src/core/manifests';
import type { Pod, Protocol } from '../../src/core/model';
import { type Coverage, type Decision, dnsVerdict, PolicyIndex, serviceVerdict, type TrafficPeer, verdict } from '../../src/core/policy';
import { buildWorkspaceModel, type WorkspaceModel } from '../../src/core/workspace';
import { pod } from '../support/policy';
import { corpusDir } from '../support/repo';

function load(files: string[], defaultNamespace = 'default'): { model: WorkspaceModel; index: PolicyIndex } {
  const model = buildWorkspaceModel(
    files.map((f) => parseManifest(f, readFileSync(f, 'utf8'))),
    { defaultNamespace },
  );
  return { model, index: PolicyIndex.build(model.objects) };
}

function podOf(model: WorkspaceModel, namespace: string, name: string): Pod {
  const p = model.snapshot.pod(namespace, name);
  assert.ok(p, `pod ${namespace}/${name}`);
  return p;
}

/** [source pod, Service, port, expected verdict, why]. */
type ServiceCase = [string, string, number, Coverage, string];

function checkServices(model: WorkspaceModel, index: PolicyIndex, namespace: string, cases: ServiceCase[]): void {
  for (const [from, to, port, expected, why] of cases) {
    const svc = model.snapshot.service(namespace, to);
    assert.ok(svc, `Service ${namespace}/${to}`);
    const v = serviceVerdict(index, model.snapshot, { pod: podOf(model, namespace, from) }, svc, port);
    assert.equal(v.verdict, expected, `${from} -> ${to}:${port}: ${why}\n${v.summary}`);
  }
}

describe('Online Boutique with its 13 NetworkPolicies', () => {
  const dir = join(corpusDir(), 'online-boutique');
  const { model, index } = load(['kubernetes-manifests.yaml', 'network-policies.yaml', 'shoppingassistantservice.yaml'].map((f) => join(dir, f)));

  it('reads all 13 policies', () => {
    assert.equal(model.objects.networkPolicies?.length, 13);
    assert.equal(model.report.problems.filter((p) => p.message.includes('NetworkPolicy')).length, 0);
  });

  it('allows every connection the *_ADDR settings name, and blocks the one to the optional shopping assistant', () => {
    checkServices(model, index, 'default', [
      ['frontend', 'productcatalogservice', 3550, 'allowed', 'productcatalogservice#ingress[0] admits app=frontend on 3550; frontend egress is [{}]'],
      ['frontend', 'currencyservice', 7000, 'allowed', 'currencyservice#ingress[0] admits frontend on 7000'],
      ['frontend', 'cartservice', 7070, 'allowed', 'cartservice#ingress[0] admits frontend on 7070'],
      ['frontend', 'recommendationservice', 8080, 'allowed', 'recommendationservice#ingress[0] admits frontend on 8080'],
      ['frontend', 'shippingservice', 50051, 'allowed', 'shippingservice#ingress[0] admits frontend on 50051'],
      ['frontend', 'checkoutservice', 5050, 'allowed', 'checkoutservice#ingress[0] admits frontend on 5050'],
      ['frontend', 'adservice', 9555, 'allowed', 'adservice#ingress[0] admits frontend on 9555'],
      ['checkoutservice', 'productcatalogservice', 3550, 'allowed', 'productcatalogservice admits checkoutservice'],
      ['checkoutservice', 'shippingservice', 50051, 'allowed', 'shippingservice admits checkoutservice'],
      ['checkoutservice', 'paymentservice', 50051, 'allowed', 'paymentservice admits only checkoutservice, on 50051'],
      ['checkoutservice', 'emailservice', 5000, 'allowed', 'Service port 5000 goes to target port 8080, which emailservice#ingress[0] admits'],
      ['checkoutservice', 'currencyservice', 7000, 'allowed', 'currencyservice admits checkoutservice'],
      ['checkoutservice', 'cartservice', 7070, 'allowed', 'cartservice admits checkoutservice'],
      ['recommendationservice', 'productcatalogservice', 3550, 'allowed', 'productcatalogservice admits recommendationservice'],
      ['cartservice', 'redis-cart', 6379, 'allowed', 'redis-cart#ingress[0] admits cartservice on 6379'],
      ['loadgenerator', 'frontend', 80, 'allowed', 'frontend#ingress[0] is {} (all); loadgenerator egress is [{}]'],
      ['frontend', 'shoppingassistantservice', 80, 'blocked', 'deny-all isolates it and no policy of the component admits anything to it'],
      ['recommendationservice', 'cartservice', 7070, 'blocked', 'cartservice admits frontend and checkoutservice only'],
      ['frontend', 'paymentservice', 50051, 'blocked', 'paymentservice admits checkoutservice only'],
    ]);
  });

  it('explains a blocked call: the isolating policies and the rule that lacks the peer', () => {
    const v = serviceVerdict(
      index,
      model.snapshot,
      { pod: podOf(model, 'default', 'recommendationservice') },
      model.snapshot.service('default', 'cartservice')!,
      7070,
    );
    const ingress = v.paths[0]!.verdict.ingress;
    assert.deepEqual(ingress.isolatedBy, ['default/cartservice', 'default/deny-all']);
    assert.deepEqual(ingress.closest, { rule: 'default/cartservice#ingress[0]', policy: 'default/cartservice', missing: ['peer'] });
  });

  it('lets every pod but the shopping assistant reach the cluster DNS', () => {
    // Each app's policy has `egress: [{}]`; deny-all alone selects the shopping assistant for egress.
    for (const name of ['frontend', 'cartservice', 'loadgenerator', 'redis-cart']) {
      assert.equal(dnsVerdict(index, model.snapshot, { pod: podOf(model, 'default', name) }).verdict, 'allowed', name);
    }
    const assistant = dnsVerdict(index, model.snapshot, { pod: podOf(model, 'default', 'shoppingassistantservice') });
    assert.equal(assistant.verdict, 'blocked');
    assert.match(assistant.summary, /isolated by default\/deny-all; no rule admits any traffic/);
  });
});

describe('Argo CD HA install.yaml with its 8 NetworkPolicies (installed in namespace argocd)', () => {
  const { model, index } = load([join(corpusDir(), 'argo-cd-ha', 'install.yaml')], 'argocd');

  it('reads the 8 policies, with Egress only where policyTypes says so', () => {
    assert.equal(model.objects.networkPolicies?.length, 8);
    assert.deepEqual(
      model.objects.networkPolicies?.filter((p) => p.policyTypes.includes('Egress')).map((p) => p.name),
      ['argocd-redis-ha-server-network-policy'],
    );
  });

  it('allows the connections its configuration names', () => {
    checkServices(model, index, 'argocd', [
      ['argocd-server', 'argocd-repo-server', 8081, 'allowed', 'repo-server#ingress[0] admits argocd-server on 8081 (repo.server)'],
      ['argocd-server', 'argocd-redis-ha-haproxy', 6379, 'allowed', 'redis-ha-proxy#ingress[0] admits argocd-server; target port redis = 6379 (redis.server)'],
      ['argocd-server', 'argocd-dex-server', 5556, 'allowed', 'dex-server#ingress[0] admits argocd-server on 5556'],
      ['argocd-application-controller-0', 'argocd-repo-server', 8081, 'allowed', 'repo-server#ingress[0] admits the application controller'],
      ['argocd-application-controller-0', 'argocd-redis-ha-haproxy', 6379, 'allowed', 'redis-ha-proxy#ingress[0] admits the application controller'],
      ['argocd-repo-server', 'argocd-redis-ha-haproxy', 6379, 'allowed', 'redis-ha-proxy#ingress[0] admits the repo server'],
      ['argocd-notifications-controller', 'argocd-repo-server', 8081, 'allowed', 'repo-server#ingress[0] admits the notifications controller'],
      ['argocd-applicationset-controller', 'argocd-repo-server', 8081, 'allowed', 'repo-server#ingress[0] admits the applicationset controller'],
      [
        'argocd-redis-ha-haproxy',
        'argocd-redis-ha-announce-0',
        6379,
        'allowed',
        'haproxy has no egress policy; redis-ha-server#ingress[0] admits haproxy on 6379',
      ],
      ['argocd-redis-ha-haproxy', 'argocd-redis-ha-announce-1', 26379, 'allowed', 'redis-ha-server#ingress[0] admits haproxy on the sentinel port 26379'],
      [
        'argocd-redis-ha-server-0',
        'argocd-redis-ha-announce-2',
        26379,
        'allowed',
        'redis-ha-server egress#0 admits redis-ha pods on 26379, its ingress#0 admits redis-ha pods',
      ],
      ['argocd-redis-ha-server-1', 'argocd-repo-server', 8081, 'blocked', 'redis-ha-server egress admits only redis-ha pods on 6379/26379 and port 53'],
      ['argocd-dex-server', 'argocd-redis-ha-haproxy', 6379, 'blocked', 'redis-ha-proxy#ingress[0] lists server, repo server and controller, not dex'],
      ['argocd-repo-server', 'argocd-redis-ha-announce-0', 6379, 'blocked', 'redis-ha-server#ingress[0] admits haproxy and redis-ha pods only'],
    ]);
  });

  it('admits metrics scrapes from pods of any namespace but not from addresses outside the pods', () => {
    const scraper = pod('monitoring', 'prometheus-k8s-0', { 'app.kubernetes.io/name': 'prometheus' }, { ips: ['10.4.0.9'] });
    const repo = podOf(model, 'argocd', 'argocd-repo-server');
    // repo-server#ingress[1]: from namespaceSelector {} on 8084: every pod of every namespace, and no ipBlock.
    assert.equal(verdict(index, { pod: scraper }, { pod: repo }, 8084).verdict, 'allowed');
    assert.equal(verdict(index, { pod: scraper }, { pod: repo }, 8081).verdict, 'blocked', '8081 is for the Argo CD components only');
    assert.equal(verdict(index, { ip: '203.0.113.10' }, { pod: repo }, 8084).verdict, 'blocked', 'namespaceSelector matches pods, not outside addresses');
    // argocd-server-network-policy: ingress [{}], everything.
    assert.equal(verdict(index, { ip: '203.0.113.10' }, { pod: podOf(model, 'argocd', 'argocd-server') }, 8080).verdict, 'allowed');
  });

  it('lets the Redis servers reach the cluster DNS through their port-53 egress rule', () => {
    const v = dnsVerdict(index, model.snapshot, { pod: podOf(model, 'argocd', 'argocd-redis-ha-server-0') });
    assert.equal(v.verdict, 'allowed');
    assert.deepEqual(
      v.paths.map((p) => p.verdict.egress.allowedBy.join()),
      ['argocd/argocd-redis-ha-server-network-policy#egress[1]', 'argocd/argocd-redis-ha-server-network-policy#egress[1]'],
    );
  });
});

describe('kube-prometheus manifests with their 8 NetworkPolicies', () => {
  const dir = join(corpusDir(), 'kube-prometheus', 'manifests');
  const files = [
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(dir, f)),
    join(dir, 'setup', 'namespace.yaml'),
  ];
  const { model, index } = load(files);
  // Prometheus and Alertmanager pods are made by the operator from the custom resources: these are the pods it
  // makes, with the CRs' podMetadata labels and the operator's container ports.
  const prometheus = pod(
    'monitoring',
    'prometheus-k8s-0',
    {
      'app.kubernetes.io/component': 'prometheus',
      'app.kubernetes.io/instance': 'k8s',
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/part-of': 'kube-prometheus',
    },
    { ports: ['web:9090', 'reloader-web:8080'] },
  );
  const alertmanager = pod(
    'monitoring',
    'alertmanager-main-0',
    {
      'app.kubernetes.io/component': 'alert-router',
      'app.kubernetes.io/instance': 'main',
      'app.kubernetes.io/name': 'alertmanager',
      'app.kubernetes.io/part-of': 'kube-prometheus',
    },
    { ports: ['web:9093', 'reloader-web:8080', 'mesh-tcp:9094', 'mesh-udp:9094/UDP'] },
  );
  const of = (name: string) => podOf(model, 'monitoring', name);

  /** [from, to, port, protocol, expected, why]. */
  const cases: [Pod | (() => Pod), Pod | (() => Pod), number, Protocol, Decision, string][] = [
    [prometheus, alertmanager, 9093, 'TCP', 'allowed', 'alertmanager-main#ingress[0] admits app.kubernetes.io/name=prometheus on 9093'],
    [alertmanager, alertmanager, 9094, 'UDP', 'allowed', 'alertmanager-main#ingress[1] admits alertmanager peers on 9094/UDP (gossip)'],
    [prometheus, () => of('grafana'), 3000, 'TCP', 'allowed', 'grafana#ingress[0] admits prometheus on 3000 (scrape)'],
    [prometheus, () => of('kube-state-metrics'), 8443, 'TCP', 'allowed', 'kube-state-metrics#ingress[0] admits prometheus on 8443'],
    [prometheus, () => of('kube-state-metrics'), 9443, 'TCP', 'allowed', 'kube-state-metrics#ingress[0] admits prometheus on 9443'],
    [prometheus, () => of('blackbox-exporter'), 9115, 'TCP', 'allowed', 'blackbox-exporter#ingress[0] admits prometheus on 9115'],
    [prometheus, () => of('prometheus-operator'), 8443, 'TCP', 'allowed', 'prometheus-operator#ingress[0] admits prometheus on 8443'],
    [() => of('grafana'), prometheus, 9090, 'TCP', 'allowed', 'prometheus-k8s#ingress[2] admits grafana on 9090 (the datasource)'],
    [() => of('prometheus-adapter'), prometheus, 9090, 'TCP', 'allowed', 'prometheus-k8s#ingress[1] admits prometheus-adapter on 9090'],
    [prometheus, () => of('node-exporter'), 9100, 'TCP', 'allowed', 'node-exporter#ingress[0] admits prometheus on 9100'],
    [
      () => of('grafana'),
      () => of('node-exporter'),
      9100,
      'TCP',
      'allowed',
      'node-exporter runs with hostNetwork: in the common implementation no podSelector selects it, its traffic is the node’s',
    ],
    [() => of('grafana'), alertmanager, 9093, 'TCP', 'blocked', 'alertmanager-main admits prometheus on 9093 and alertmanager on 9094 only'],
    [
      pod('ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' }),
      () => of('grafana'),
      3000,
      'TCP',
      'blocked',
      'grafana#ingress[0] admits prometheus pods of monitoring only: an ingress controller needs a policy of its own',
    ],
    [
      pod('kube-system', 'apiserver-proxy', {}),
      () => of('prometheus-adapter'),
      6443,
      'TCP',
      'allowed',
      'prometheus-adapter#ingress[0] is {} (the aggregated API is called from anywhere)',
    ],
  ];

  it('reads the 8 policies and the monitoring Namespace labels', () => {
    assert.equal(model.objects.networkPolicies?.length, 8);
    assert.equal(index.namespaceLabels('monitoring')['pod-security.kubernetes.io/warn'], 'privileged');
  });

  it('decides the stack’s own connections', () => {
    for (const [f, t, port, protocol, expected, why] of cases) {
      const from: TrafficPeer = { pod: typeof f === 'function' ? f() : f };
      const to: TrafficPeer = { pod: typeof t === 'function' ? t() : t };
      const v = verdict(index, from, to, port, protocol);
      assert.equal(v.verdict, expected, `${from.pod!.name} -> ${to.pod!.name}:${port}/${protocol}: ${why}\n${v.summary}`);
    }
  });

  it('names the closest rule for the blocked Grafana to Alertmanager call', () => {
    const v = verdict(index, { pod: of('grafana') }, { pod: alertmanager }, 9093);
    assert.deepEqual(v.ingress.closest, { rule: 'monitoring/alertmanager-main#ingress[0]', policy: 'monitoring/alertmanager-main', missing: ['peer'] });
  });
});

describe('the NetworkPolicy examples of the Kubernetes documentation', () => {
  const dir = join(corpusDir(), 'netpol', 'k8s-website', 'service', 'networking');
  /** One example policy file with the documentation's nginx Deployment and Service, in namespace default. */
  const example = (file: string) => load([file, 'run-my-nginx.yaml', 'nginx-svc.yaml'].map((f) => join(dir, f)));
  const db = pod('default', 'db', { role: 'db' }, { ips: ['10.244.0.5'] });
  const frontend = pod('default', 'frontend', { role: 'frontend' }, { ips: ['10.244.0.6'] });
  const other = pod('default', 'other', {}, { ips: ['10.244.0.7'] });
  const inMyProject = pod('myproject', 'client', {}, { ips: ['10.244.1.2'] });
  const elsewhere = pod('elsewhere', 'client', {}, { ips: ['10.244.2.2'] });

  it('networkpolicy.yaml: the page’s own reading of test-network-policy', () => {
    const { model } = example('networkpolicy.yaml');
    const index = PolicyIndex.build({ ...model.objects, namespaces: [...model.objects.namespaces, { name: 'myproject', labels: { project: 'myproject' } }] });
    const d = (from: TrafficPeer, to: TrafficPeer, port: number) => verdict(index, from, to, port).verdict;
    // "any pod in the default namespace with the label role=frontend"
    assert.equal(d({ pod: frontend }, { pod: db }, 6379), 'allowed');
    // "any pod in a namespace with the label project=myproject"
    assert.equal(d({ pod: inMyProject }, { pod: db }, 6379), 'allowed');
    assert.equal(d({ pod: elsewhere }, { pod: db }, 6379), 'blocked');
    assert.equal(d({ pod: other }, { pod: db }, 6379), 'blocked');
    // "IP addresses in the ranges 172.17.0.0–172.17.0.255 and 172.17.2.0–172.17.255.255"
    assert.equal(d({ ip: '172.17.0.255' }, { pod: db }, 6379), 'allowed');
    assert.equal(d({ ip: '172.17.1.9' }, { pod: db }, 6379), 'blocked');
    assert.equal(d({ ip: '172.17.2.0' }, { pod: db }, 6379), 'allowed');
    // "connections to TCP port 6379" only
    assert.equal(d({ pod: frontend }, { pod: db }, 6380), 'blocked');
    // Egress: "from any pod in the default namespace with the label role=db to CIDR 10.0.0.0/24 on TCP port 5978"
    assert.equal(d({ pod: db }, { ip: '10.0.0.200' }, 5978), 'allowed');
    assert.equal(d({ pod: db }, { ip: '10.0.1.1' }, 5978), 'blocked');
    assert.equal(d({ pod: db }, { pod: frontend }, 5978), 'blocked', 'the frontend pod is not in 10.0.0.0/24');
    // role=db pods may not even resolve names: their egress admits 10.0.0.0/24:5978 only.
    assert.equal(dnsVerdict(index, model.snapshot, { pod: db }).verdict, 'blocked');
  });

  it('networkpolicy-multiport-egress.yaml: TCP 32000 to 32768 to 10.0.0.0/24', () => {
    const { index } = example('networkpolicy-multiport-egress.yaml');
    const d = (port: number, protocol: Protocol = 'TCP') => verdict(index, { pod: db }, { ip: '10.0.0.1' }, port, protocol).verdict;
    assert.deepEqual([d(31999), d(32000), d(32500), d(32768), d(32769), d(32000, 'UDP')], ['blocked', 'allowed', 'allowed', 'allowed', 'blocked', 'blocked']);
  });

  it('the default policies: deny and allow all ingress, egress, or both', () => {
    const nginx = (file: string, from: TrafficPeer) => {
      const { model, index } = example(file);
      return serviceVerdict(index, model.snapshot, from, model.snapshot.service('default', 'my-nginx')!, 80).verdict;
    };
    const nginxOut = (file: string) => {
      const { model, index } = example(file);
      return verdict(index, { pod: podOf(model, 'default', 'my-nginx') }, { ip: '93.184.216.34' }, 443).verdict;
    };
    assert.equal(nginx('network-policy-default-deny-ingress.yaml', { pod: other }), 'blocked', 'podSelector {} with Ingress and no rules');
    assert.equal(nginx('network-policy-allow-all-ingress.yaml', { ip: '198.51.100.1' }), 'allowed', 'ingress [{}]');
    assert.equal(nginxOut('network-policy-default-deny-egress.yaml'), 'blocked', 'podSelector {} with Egress and no rules');
    assert.equal(nginx('network-policy-default-deny-egress.yaml', { pod: elsewhere }), 'allowed', 'egress isolation leaves ingress open');
    assert.equal(nginxOut('network-policy-allow-all-egress.yaml'), 'allowed', 'egress [{}]');
    assert.equal(nginx('network-policy-default-deny-all.yaml', { pod: elsewhere }), 'blocked');
    assert.equal(nginxOut('network-policy-default-deny-all.yaml'), 'blocked');
  });

  it('nginx-policy.yaml: only pods labelled access=true reach nginx (the documentation’s Declare Network Policy task)', () => {
    const { model, index } = example('nginx-policy.yaml');
    // The policy selects app.kubernetes.io/name=nginx; the my-nginx Deployment of this corpus is run=my-nginx.
    assert.deepEqual(index.policiesFor(podOf(model, 'default', 'my-nginx')).ingress, [], 'selects none of the corpus pods');
    const nginx = pod('default', 'nginx', { 'app.kubernetes.io/name': 'nginx' }, { ips: ['10.244.0.9'] });
    const busybox = (labels: Record<string, string>) => ({ pod: pod('default', 'busybox', labels, { ips: ['10.244.0.10'] }) });
    assert.equal(verdict(index, busybox({ access: 'true' }), { pod: nginx }, 80).verdict, 'allowed');
    assert.equal(verdict(index, busybox({}), { pod: nginx }, 80).verdict, 'blocked');
  });
});
