/**
 * The cluster DNS naming itself: NS at the zone apex and the A/AAAA records of ns.dns.<zone>, as CoreDNS's
 * kubernetes plugin gives them (plugin/kubernetes/ns.go nsAddrs, kubernetes.go Services, plugin/backend_lookup.go
 * NS; the tables of ns_test.go, kubernetes_apex_test.go and kubernetes_test.go TestServicesAuthority), on the
 * live model's snapshots and on the workspace model's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifest } from '../../src/core/manifests';
import type { ClusterObjects, Endpoint, EndpointSlice, Service } from '../../src/core/model';
import { type QueryType, Resolver } from '../../src/core/resolver';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { buildWorkspaceModel } from '../../src/core/workspace';

function svc(ns: string, name: string, over: Partial<Service> = {}): Service {
  return {
    namespace: ns,
    name,
    type: 'ClusterIP',
    headless: false,
    clusterIPs: [],
    clusterIPPending: false,
    ipFamilies: ['IPv4'],
    ports: [{ name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' }],
    publishNotReadyAddresses: false,
    externalIPs: [],
    loadBalancerIngress: [],
    ...over,
  };
}

function endpoint(address: string, pod?: string, ready = true): Endpoint {
  return {
    addresses: [address],
    ready,
    serving: ready,
    terminating: false,
    ...(pod ? { targetRef: { kind: 'Pod', namespace: 'kube-system', name: pod } } : {}),
  };
}

function slice(service: string, name: string, endpoints: Endpoint[]): EndpointSlice {
  const v6 = endpoints[0]?.addresses[0]?.includes(':') ?? false;
  return {
    namespace: 'kube-system',
    name,
    serviceName: service,
    addressType: v6 ? 'IPv6' : 'IPv4',
    endpoints,
    ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
  };
}

type Row = [qname: string, qtype: QueryType, rcode: string, answers: string[], additional?: string[]];

function show(records: readonly { name: string; type: string; data: string | null }[]): string[] {
  return records.map((r) => `${r.name} ${r.type} ${r.data}`).sort();
}

function check(resolver: Resolver, rows: Row[]): void {
  for (const [qname, qtype, rcode, answers, additional = []] of rows) {
    it(`${qname} ${qtype} → ${rcode} ${answers.length === 0 ? '(no records)' : answers.join(', ')}`, () => {
      const a = resolver.query(qname, qtype);
      assert.equal(a.rcode, rcode, a.explanation.summary);
      assert.deepEqual(show(a.answers), [...answers].sort(), a.explanation.summary);
      assert.deepEqual(show(a.additional), [...additional].sort());
    });
  }
}

describe('ns_test.go TestNsAddrs: three Services hold the DNS pod 10.244.0.20 as a ready endpoint', () => {
  // APIConnTest of ns_test.go: a ClusterIP Service, a headless one and an IPv6 one, all in front of the same pod.
  const Z = 'inter.webs.test.';
  const objects: ClusterObjects = {
    namespaces: [{ name: 'kube-system' }],
    services: [
      svc('kube-system', 'dns-service', { clusterIPs: ['10.0.0.111'] }),
      svc('kube-system', 'hdls-dns-service', { headless: true }),
      svc('kube-system', 'dns6-service', { clusterIPs: ['10::111'], ipFamilies: ['IPv6'] }),
    ],
    endpointSlices: [
      slice('dns-service', 'dns-service-slice1', [endpoint('10.244.0.20', 'coredns-0')]),
      slice('hdls-dns-service', 'hdls-dns-service-slice1', [endpoint('10.244.0.20', 'coredns-0')]),
      slice('dns6-service', 'dns6-service-slice1', [endpoint('10.244.0.20', 'coredns-0')]),
    ],
    pods: [],
    nodes: [],
  };
  const r = new Resolver(ClusterSnapshot.build(objects), { zone: 'inter.webs.test', dnsService: { namespace: 'kube-system', name: 'dns-service' } });
  const names = [`dns-service.kube-system.svc.${Z}`, `10-244-0-20.hdls-dns-service.kube-system.svc.${Z}`, `dns6-service.kube-system.svc.${Z}`];
  const addresses = [`${names[0]} A 10.0.0.111`, `${names[1]} A 10.244.0.20`, `${names[2]} AAAA 10::111`];
  check(r, [
    // One NS record per name of nsAddrs, each name's address in the additional section.
    [Z, 'NS', 'NOERROR', names.map((n) => `${Z} NS ${n}`), addresses],
    // kubernetes.go Services, isDefaultNS: the addresses of the family asked, under the name asked.
    [`ns.dns.${Z}`, 'A', 'NOERROR', [`ns.dns.${Z} A 10.0.0.111`, `ns.dns.${Z} A 10.244.0.20`]],
    [`ns.dns.${Z}`, 'AAAA', 'NOERROR', [`ns.dns.${Z} AAAA 10::111`]],
    // Other types: Services gives nothing there (NODATA); TXT and PTR go through Records, which refuses "dns".
    [`ns.dns.${Z}`, 'SRV', 'NOERROR', []],
    [`ns.dns.${Z}`, 'CNAME', 'NOERROR', []],
    [`ns.dns.${Z}`, 'NS', 'NOERROR', []],
    [`ns.dns.${Z}`, 'TXT', 'NXDOMAIN', []],
    [`ns.dns.${Z}`, 'PTR', 'NXDOMAIN', []],
    [`dns.${Z}`, 'A', 'NXDOMAIN', []],
    [`x.ns.dns.${Z}`, 'A', 'NXDOMAIN', []],
  ]);
});

describe('kubernetes_apex_test.go: a DNS server that is no endpoint of any Service names itself ns.dns.<zone>', () => {
  const Z = 'cluster.local.';
  // A live cluster whose DNS Service has no ready endpoint, and one without a DNS Service: the DNS server runs
  // outside. CoreDNS answers with the addresses it listens on (127.0.0.1 in the upstream test), which no snapshot holds.
  const withoutEndpoints: ClusterObjects = {
    namespaces: [{ name: 'kube-system' }],
    services: [svc('kube-system', 'kube-dns', { clusterIPs: ['10.96.0.10'] })],
    endpointSlices: [slice('kube-dns', 'kube-dns-1', [endpoint('10.244.0.7', 'coredns-a', false)])],
    pods: [],
    nodes: [],
  };
  for (const [title, objects] of [
    ['a DNS Service without ready endpoints', withoutEndpoints],
    ['no DNS Service', { namespaces: [], services: [], endpointSlices: [], pods: [], nodes: [] }],
  ] as const) {
    describe(title, () => {
      const r = new Resolver(ClusterSnapshot.build(objects), { sourceName: 'the cluster' });
      check(r, [
        [Z, 'NS', 'NOERROR', [`${Z} NS ns.dns.${Z}`], []],
        [Z, 'A', 'NOERROR', []],
        [Z, 'AAAA', 'NOERROR', []],
        [Z, 'SRV', 'NOERROR', []],
        [`ns.dns.${Z}`, 'A', 'NOERROR', []],
      ]);
      it('says where the addresses are', () => {
        const a = r.query(Z, 'NS');
        assert.match(a.explanation.summary, /runs outside the cluster and names itself ns\.dns\.cluster\.local/);
        assert.match(a.explanation.details.join(' '), /addresses are those it listens on/);
      });
    });
  }
});

describe('a dual-stack DNS pod and Service: each address once', () => {
  const Z = 'cluster.local.';
  const objects: ClusterObjects = {
    namespaces: [{ name: 'kube-system' }],
    services: [
      svc('kube-system', 'kube-dns', { clusterIPs: ['10.96.0.10', 'fd00:10:96::a'], ipFamilies: ['IPv4', 'IPv6'] }),
      // Another Service in front of the same pods (a metrics Service, say) is named too, as nsAddrs does.
      svc('kube-system', 'coredns-metrics', { clusterIPs: ['10.96.0.11'] }),
      // Not ready here: a Service whose endpoint for the pod is not ready does not count.
      svc('kube-system', 'coredns-canary', { clusterIPs: ['10.96.0.12'] }),
    ],
    endpointSlices: [
      slice('kube-dns', 'kube-dns-v4', [endpoint('10.244.0.7', 'coredns-a'), endpoint('10.244.1.9', 'coredns-b')]),
      slice('kube-dns', 'kube-dns-v6', [endpoint('fd00:10:244::7', 'coredns-a'), endpoint('fd00:10:244:1::9', 'coredns-b')]),
      slice('coredns-metrics', 'coredns-metrics-v4', [endpoint('10.244.0.7', 'coredns-a'), endpoint('10.244.1.9', 'coredns-b')]),
      slice('coredns-canary', 'coredns-canary-v4', [endpoint('10.244.0.7', 'coredns-a', false)]),
    ],
    pods: [],
    nodes: [],
  };
  const r = new Resolver(ClusterSnapshot.build(objects));
  check(r, [
    [
      Z,
      'NS',
      'NOERROR',
      [`${Z} NS kube-dns.kube-system.svc.${Z}`, `${Z} NS coredns-metrics.kube-system.svc.${Z}`],
      [`kube-dns.kube-system.svc.${Z} A 10.96.0.10`, `kube-dns.kube-system.svc.${Z} AAAA fd00:10:96::a`, `coredns-metrics.kube-system.svc.${Z} A 10.96.0.11`],
    ],
    [`ns.dns.${Z}`, 'A', 'NOERROR', [`ns.dns.${Z} A 10.96.0.10`, `ns.dns.${Z} A 10.96.0.11`]],
    [`ns.dns.${Z}`, 'AAAA', 'NOERROR', [`ns.dns.${Z} AAAA fd00:10:96::a`]],
  ]);
});

describe('the workspace model: the DNS Service stands for the cluster DNS pods the manifests do not hold', () => {
  const Z = 'cluster.local.';
  const model = (text: string, dnsService?: { namespace: string; name: string }) =>
    new Resolver(buildWorkspaceModel(text ? [parseManifest('file:///ws/a.yaml', text)] : [], dnsService ? { dnsService } : {}).snapshot, {
      sourceName: 'the workspace manifests',
      ...(dnsService ? { dnsService } : {}),
    });

  describe('no manifest of it: the built-in kube-dns, its cluster IP allocated by the cluster', () => {
    const r = model('');
    check(r, [
      [Z, 'NS', 'NOERROR', [`${Z} NS kube-dns.kube-system.svc.${Z}`], [`kube-dns.kube-system.svc.${Z} A null`]],
      [`ns.dns.${Z}`, 'A', 'NOERROR', [`ns.dns.${Z} A null`]],
      [`ns.dns.${Z}`, 'AAAA', 'NOERROR', []],
    ]);
    it('explains that the Service stands for the DNS pods', () => {
      const a = r.query(Z, 'NS');
      assert.match(a.explanation.summary, /runs behind Service kube-system\/kube-dns/);
      assert.equal(a.explanation.pending, true);
      assert.equal(a.explanation.service?.name, 'kube-dns');
    });
  });

  describe('another DNS Service configured', () => {
    check(model('', { namespace: 'dns', name: 'coredns' }), [[Z, 'NS', 'NOERROR', [`${Z} NS coredns.dns.svc.${Z}`], [`coredns.dns.svc.${Z} A null`]]]);
  });

  describe("a declared kube-dns with its cluster IP (kubeadm's manifest)", () => {
    const text = `apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: 10.96.0.10
  selector: {k8s-app: kube-dns}
  ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]
`;
    check(model(text), [
      [Z, 'NS', 'NOERROR', [`${Z} NS kube-dns.kube-system.svc.${Z}`], [`kube-dns.kube-system.svc.${Z} A 10.96.0.10`]],
      [`ns.dns.${Z}`, 'A', 'NOERROR', [`ns.dns.${Z} A 10.96.0.10`]],
    ]);
  });

  describe('a DNS pod with its IP in the manifests: the Services in front of it, as in a cluster', () => {
    const text = `apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec:
  clusterIP: 10.96.0.10
  selector: {k8s-app: kube-dns}
  ports: [{name: dns, port: 53, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: coredns-metrics, namespace: kube-system}
spec:
  clusterIP: 10.96.0.11
  selector: {k8s-app: kube-dns}
  ports: [{name: metrics, port: 9153}]
---
apiVersion: v1
kind: Pod
metadata: {name: coredns-a, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  containers: [{name: coredns, image: coredns/coredns, ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: metrics, containerPort: 9153}]}]
status:
  phase: Running
  podIP: 10.244.0.7
  podIPs: [{ip: 10.244.0.7}]
  conditions: [{type: Ready, status: "True"}]
`;
    check(model(text), [
      [
        Z,
        'NS',
        'NOERROR',
        [`${Z} NS kube-dns.kube-system.svc.${Z}`, `${Z} NS coredns-metrics.kube-system.svc.${Z}`],
        [`kube-dns.kube-system.svc.${Z} A 10.96.0.10`, `coredns-metrics.kube-system.svc.${Z} A 10.96.0.11`],
      ],
    ]);
  });
});
