/**
 * The resolver against the question → answer tables of CoreDNS's own tests (plugin/kubernetes handler_test.go,
 * handler_pod_*_test.go, reverse_test.go), on the same fixtures, plus the rules of the DNS specification.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterObjects, Endpoint, EndpointPort, EndpointSlice, Pod, Service, ServicePort } from '../../src/core/model';
import { type DnsAnswer, type PodRecordsMode, type QueryType, Resolver } from '../../src/core/resolver';
import { ClusterSnapshot } from '../../src/core/snapshot';

const http: ServicePort = { name: 'http', port: 80, targetPort: 80, protocol: 'TCP' };

function svc(ns: string, name: string, over: Partial<Service> = {}): Service {
  return {
    namespace: ns,
    name,
    type: 'ClusterIP',
    headless: false,
    clusterIPs: [],
    clusterIPPending: false,
    ipFamilies: ['IPv4'],
    ports: [http],
    publishNotReadyAddresses: false,
    externalIPs: [],
    loadBalancerIngress: [],
    ...over,
  };
}

function ep(address: string, hostname?: string, ready = true): Endpoint {
  return { addresses: [address], ready, serving: ready, terminating: false, ...(hostname ? { hostname } : {}) };
}

function slice(
  ns: string,
  service: string,
  name: string,
  endpoints: Endpoint[],
  ports: EndpointPort[] = [{ name: 'http', port: 80, protocol: 'TCP' }],
): EndpointSlice {
  return { namespace: ns, name, serviceName: service, addressType: endpoints[0]?.addresses[0]?.includes(':') ? 'IPv6' : 'IPv4', endpoints, ports };
}

function pod(ns: string, name: string, ip: string, over: Partial<Pod> = {}): Pod {
  return { namespace: ns, name, ips: [ip], labels: {}, ready: true, phase: 'Running', hostNetwork: false, terminating: false, ports: [], ...over };
}

/** handler_test.go's APIConnServeTest, in NetLens's model. */
const handlerFixture: ClusterObjects = {
  namespaces: ['testns', 'kube-system', 'podns', 'svcns'].map((name) => ({ name })),
  services: [
    svc('kube-system', 'kubedns', { clusterIPs: ['10.0.0.10'], ports: [{ name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' }] }),
    svc('testns', 'svc1', { clusterIPs: ['10.0.0.1'] }),
    svc('testns', 'svcempty', { clusterIPs: ['10.0.0.1'] }),
    svc('testns', 'svc6', { clusterIPs: ['1234:abcd::1'], ipFamilies: ['IPv6'] }),
    svc('testns', 'hdls1', { headless: true, ports: [] }),
    svc('testns', 'hdlsprtls', { headless: true, ports: [] }),
    svc('testns', 'external', { type: 'ExternalName', externalName: 'ext.interwebs.test' }),
    svc('testns', 'external-to-service', { type: 'ExternalName', externalName: 'svc1.testns.svc.cluster.local.' }),
    svc('testns', 'external-ip', { type: 'ExternalName', externalName: '1.2.3.4' }),
    svc('testns', 'svc-dual-stack', { clusterIPs: ['10.0.0.3', '10::3'], ipFamilies: ['IPv4', 'IPv6'] }),
  ],
  endpointSlices: [
    slice('kube-system', 'kubedns', 'kubedns', [ep('172.0.0.100')], [{ name: 'dns', port: 53, protocol: 'UDP' }]),
    slice('testns', 'svc1', 'svc1-slice1', [ep('172.0.0.1', 'ep1a')]),
    slice('testns', 'svcempty', 'svcempty-slice1', []),
    slice('testns', 'hdls1', 'hdls1-slice1', [ep('172.0.0.2'), ep('172.0.0.3'), ep('172.0.0.4', 'dup-name'), ep('172.0.0.5', 'dup-name')]),
    slice('testns', 'hdls1', 'hdls1-slice2', [ep('5678:abcd::1'), ep('5678:abcd::2')]),
    slice('testns', 'hdlsprtls', 'hdlsprtls-slice1', [ep('172.0.0.20')], []),
  ],
  pods: [pod('podns', 'foo', '10.240.0.1')],
  nodes: [],
};

type Row = [qname: string, qtype: QueryType, rcode: string, answers: string[], additional?: string[]];

function show(records: readonly { name: string; type: string; data: string | null }[]): string[] {
  return records.map((r) => `${r.name} ${r.type} ${r.data}`).sort();
}

function check(resolver: Resolver, rows: Row[]): void {
  for (const [qname, qtype, rcode, answers, additional] of rows) {
    it(`${qname} ${qtype} → ${rcode} ${answers.length === 0 ? '(no records)' : answers.join(', ')}`, () => {
      const a: DnsAnswer = resolver.query(qname, qtype);
      assert.equal(a.rcode, rcode, a.explanation.summary);
      assert.deepEqual(show(a.answers), [...answers].sort());
      if (additional) assert.deepEqual(show(a.additional), [...additional].sort());
    });
  }
}

const Z = 'cluster.local.';

describe('CoreDNS handler_test.go table (pods disabled)', () => {
  const r = new Resolver(ClusterSnapshot.build(handlerFixture), { podRecords: 'disabled' });
  check(r, [
    [`svc1.testns.svc.${Z}`, 'A', 'NOERROR', [`svc1.testns.svc.${Z} A 10.0.0.1`]],
    [`svcempty.testns.svc.${Z}`, 'A', 'NOERROR', [`svcempty.testns.svc.${Z} A 10.0.0.1`]],
    [`svc1.testns.svc.${Z}`, 'SRV', 'NOERROR', [`svc1.testns.svc.${Z} SRV 0 100 80 svc1.testns.svc.${Z}`], [`svc1.testns.svc.${Z} A 10.0.0.1`]],
    [`svc6.testns.svc.${Z}`, 'SRV', 'NOERROR', [`svc6.testns.svc.${Z} SRV 0 100 80 svc6.testns.svc.${Z}`], [`svc6.testns.svc.${Z} AAAA 1234:abcd::1`]],
    [
      `_http._tcp.svc1.testns.svc.${Z}`,
      'SRV',
      'NOERROR',
      [`_http._tcp.svc1.testns.svc.${Z} SRV 0 100 80 svc1.testns.svc.${Z}`],
      [`svc1.testns.svc.${Z} A 10.0.0.1`],
    ],
    [`hdls1.testns.svc.${Z}`, 'A', 'NOERROR', ['172.0.0.2', '172.0.0.3', '172.0.0.4', '172.0.0.5'].map((ip) => `hdls1.testns.svc.${Z} A ${ip}`)],
    [`hdlsprtls.testns.svc.${Z}`, 'A', 'NOERROR', [`hdlsprtls.testns.svc.${Z} A 172.0.0.20`]],
    [`svc1.testns.svc.${Z}`, 'AAAA', 'NOERROR', []],
    [`svc0.testns.svc.${Z}`, 'AAAA', 'NXDOMAIN', []],
    [`svc0.testns.svc.${Z}`, 'A', 'NXDOMAIN', []],
    [`svc0.svc-nons.svc.${Z}`, 'A', 'NXDOMAIN', []],
    [`dns-version.${Z}`, 'TXT', 'NOERROR', [`dns-version.${Z} TXT "1.1.0"`]],
    [`svc1.testns.svc.${Z}`, 'TXT', 'NOERROR', []],
    [`svc0.svc-nons.svc.${Z}`, 'TXT', 'NXDOMAIN', []],
    [`bogusendpoint.hdls1.testns.svc.${Z}`, 'A', 'NXDOMAIN', []],
    [`bogusendpoint.svc0.testns.svc.${Z}`, 'A', 'NXDOMAIN', []],
    [`svc6.testns.svc.${Z}`, 'AAAA', 'NOERROR', [`svc6.testns.svc.${Z} AAAA 1234:abcd::1`]],
    [`hdls1.testns.svc.${Z}`, 'AAAA', 'NOERROR', [`hdls1.testns.svc.${Z} AAAA 5678:abcd::1`, `hdls1.testns.svc.${Z} AAAA 5678:abcd::2`]],
    [`svc.${Z}`, 'A', 'NOERROR', []],
    [`pod.${Z}`, 'A', 'NOERROR', []],
    [`testns.svc.${Z}`, 'A', 'NOERROR', []],
    [`svc.${Z}`, 'NS', 'NOERROR', []],
    [`testns.svc.${Z}`, 'NS', 'NOERROR', []],
    [`foo.${Z}`, 'NS', 'NXDOMAIN', []],
    [`foo.svc.${Z}`, 'NS', 'NXDOMAIN', []],
    [`svc-dual-stack.testns.svc.${Z}`, 'A', 'NOERROR', [`svc-dual-stack.testns.svc.${Z} A 10.0.0.3`]],
    [`svc-dual-stack.testns.svc.${Z}`, 'AAAA', 'NOERROR', [`svc-dual-stack.testns.svc.${Z} AAAA 10::3`]],
    [
      `svc-dual-stack.testns.svc.${Z}`,
      'SRV',
      'NOERROR',
      [`svc-dual-stack.testns.svc.${Z} SRV 0 50 80 svc-dual-stack.testns.svc.${Z}`],
      [`svc-dual-stack.testns.svc.${Z} A 10.0.0.3`, `svc-dual-stack.testns.svc.${Z} AAAA 10::3`],
    ],
    [`endpoint.external.testns.svc.${Z}`, 'CNAME', 'NXDOMAIN', []],
    [`subdomain.subdomain.external.testns.svc.${Z}`, 'CNAME', 'NXDOMAIN', []],
    [
      `_http._tcp.hdls1.testns.svc.${Z}`,
      'SRV',
      'NOERROR',
      ['172-0-0-2', '172-0-0-3', '5678-abcd--1', '5678-abcd--2', 'dup-name'].map(
        (h) => `_http._tcp.hdls1.testns.svc.${Z} SRV 0 16 80 ${h}.hdls1.testns.svc.${Z}`,
      ),
      [
        `172-0-0-2.hdls1.testns.svc.${Z} A 172.0.0.2`,
        `172-0-0-3.hdls1.testns.svc.${Z} A 172.0.0.3`,
        `5678-abcd--1.hdls1.testns.svc.${Z} AAAA 5678:abcd::1`,
        `5678-abcd--2.hdls1.testns.svc.${Z} AAAA 5678:abcd::2`,
        `dup-name.hdls1.testns.svc.${Z} A 172.0.0.4`,
        `dup-name.hdls1.testns.svc.${Z} A 172.0.0.5`,
      ],
    ],
    [`5678-abcd--2.hdls1.testns.svc.${Z}`, 'AAAA', 'NOERROR', [`5678-abcd--2.hdls1.testns.svc.${Z} AAAA 5678:abcd::2`]],
    [`172-0-0-20.hdlsprtls.testns.svc.${Z}`, 'A', 'NOERROR', [`172-0-0-20.hdlsprtls.testns.svc.${Z} A 172.0.0.20`]],
    [`172-0-0-2.hdls1.testns.svc.${Z}`, 'A', 'NOERROR', [`172-0-0-2.hdls1.testns.svc.${Z} A 172.0.0.2`]],
    [`dup-name.hdls1.testns.svc.${Z}`, 'A', 'NOERROR', [`dup-name.hdls1.testns.svc.${Z} A 172.0.0.4`, `dup-name.hdls1.testns.svc.${Z} A 172.0.0.5`]],
    [`external.testns.svc.${Z}`, 'CNAME', 'NOERROR', [`external.testns.svc.${Z} CNAME ext.interwebs.test.`]],
    [`external.testns.svc.${Z}`, 'A', 'NOERROR', [`external.testns.svc.${Z} CNAME ext.interwebs.test.`]],
    [
      `external-to-service.testns.svc.${Z}`,
      'A',
      'NOERROR',
      [`external-to-service.testns.svc.${Z} CNAME svc1.testns.svc.${Z}`, `svc1.testns.svc.${Z} A 10.0.0.1`],
    ],
    [`10-240-0-1.podns.pod.${Z}`, 'A', 'NXDOMAIN', []],
    [`SvC1.TeStNs.SvC.cLuStEr.LoCaL.`, 'A', 'NOERROR', [`svc1.testns.svc.${Z} A 10.0.0.1`]],
    [`not-a-service.testns.svc.ClUsTeR.lOcAl.`, 'A', 'NXDOMAIN', []],
  ]);
});

describe('rules derived from the CoreDNS code', () => {
  const r = new Resolver(ClusterSnapshot.build(handlerFixture), { podRecords: 'disabled' });
  check(r, [
    [Z, 'TXT', 'NXDOMAIN', []],
    [`testns.svc.${Z}`, 'TXT', 'NXDOMAIN', []],
    [`dns-version.${Z}`, 'A', 'NXDOMAIN', []],
    [`_http._tcp.svc1.testns.svc.${Z}`, 'A', 'NOERROR', [`_http._tcp.svc1.testns.svc.${Z} A 10.0.0.1`]],
    [`_https._tcp.svc1.testns.svc.${Z}`, 'SRV', 'NXDOMAIN', []],
    [`_http._udp.svc1.testns.svc.${Z}`, 'SRV', 'NXDOMAIN', []],
    [`_tcp.svc1.testns.svc.${Z}`, 'SRV', 'NXDOMAIN', []],
    [`ep1a.svc1.testns.svc.${Z}`, 'A', 'NOERROR', [`ep1a.svc1.testns.svc.${Z} A 172.0.0.1`]],
    [`172-0-0-1.svc1.testns.svc.${Z}`, 'A', 'NXDOMAIN', []],
    [`172-0-0-4.hdls1.testns.svc.${Z}`, 'A', 'NXDOMAIN', []],
    [`*.testns.svc.${Z}`, 'A', 'NXDOMAIN', []],
    [`hdlsprtls.testns.svc.${Z}`, 'SRV', 'NOERROR', []],
    [`external.testns.svc.${Z}`, 'SRV', 'NOERROR', []],
    [`_http._tcp.external.testns.svc.${Z}`, 'SRV', 'NXDOMAIN', []],
    [`external-ip.testns.svc.${Z}`, 'A', 'NXDOMAIN', []],
    [`svc1.testns.svc.${Z}`, 'ANY', 'NOERROR', []],
    [`a.b.c.svc1.testns.svc.${Z}`, 'A', 'NXDOMAIN', []],
    [`svc1.testns.pod.${Z}`, 'A', 'NXDOMAIN', []],
    [`svc1.testns.services.${Z}`, 'A', 'NXDOMAIN', []],
    [`svc1.testns.svc.${Z}`, 'CNAME', 'NOERROR', []],
    [`svc1.testns.svc.${Z}`, 'PTR', 'NOERROR', []],
    [`example.org.${Z}`, 'PTR', 'NXDOMAIN', []],
    [`${Z}`, 'A', 'NOERROR', []],
  ]);
  it('answers nothing outside its zones', () => {
    const a = r.query('example.com.', 'A');
    assert.equal(a.rcode, 'REFUSED');
    assert.match(a.explanation.summary, /outside the cluster domain/);
  });
  it('the zone is a parameter', () => {
    const other = new Resolver(ClusterSnapshot.build(handlerFixture), { zone: 'k8s.example.' });
    assert.deepEqual(show(other.query('svc1.testns.svc.k8s.example.', 'A').answers), ['svc1.testns.svc.k8s.example. A 10.0.0.1']);
    assert.equal(other.query(`svc1.testns.svc.${Z}`, 'A').rcode, 'REFUSED');
    assert.deepEqual(show(other.query('dns-version.k8s.example.', 'TXT').answers), ['dns-version.k8s.example. TXT "1.1.0"']);
  });
  it('explains a port the Service does not have, listing the ports it has', () => {
    const a = r.query(`_grpc._tcp.svc1.testns.svc.${Z}`, 'SRV');
    assert.equal(a.rcode, 'NXDOMAIN');
    assert.match(a.explanation.summary, /no port "grpc"/);
    assert.ok(a.explanation.details.some((d) => d.includes('http 80/TCP')));
  });
  it('a headless Service with no ready endpoints is NXDOMAIN; not-ready endpoints are named in the explanation', () => {
    const objects: ClusterObjects = {
      ...handlerFixture,
      services: [...handlerFixture.services, svc('testns', 'hdls-down', { headless: true })],
      endpointSlices: [...handlerFixture.endpointSlices, slice('testns', 'hdls-down', 'hdls-down-1', [ep('172.0.0.30', undefined, false)])],
    };
    const a = new Resolver(ClusterSnapshot.build(objects)).query(`hdls-down.testns.svc.${Z}`, 'A');
    assert.equal(a.rcode, 'NXDOMAIN');
    assert.ok(a.explanation.details.some((d) => /1 endpoint is not ready/.test(d)));
  });
});

describe('pod records', () => {
  const modes: [PodRecordsMode, Row[]][] = [
    ['disabled', [[`10-240-0-1.podns.pod.${Z}`, 'A', 'NXDOMAIN', []]]],
    [
      'insecure',
      [
        [`10-240-0-1.podns.pod.${Z}`, 'A', 'NOERROR', [`10-240-0-1.podns.pod.${Z} A 10.240.0.1`]],
        [`172-0-0-2.podns.pod.${Z}`, 'A', 'NOERROR', [`172-0-0-2.podns.pod.${Z} A 172.0.0.2`]],
        [`blah.podns.pod.${Z}`, 'A', 'NXDOMAIN', []],
        [`blah.podns.pod.${Z}`, 'AAAA', 'NXDOMAIN', []],
        [`blah.pod-nons.pod.${Z}`, 'A', 'NXDOMAIN', []],
        [`10-240-0-1.pod-nons.pod.${Z}`, 'A', 'NXDOMAIN', []],
        [`podns.pod.${Z}`, 'A', 'NOERROR', []],
        [`10-240-0-1.podns.pod.${Z}`, 'AAAA', 'NOERROR', []],
        [`fd00--1.podns.pod.${Z}`, 'AAAA', 'NOERROR', [`fd00--1.podns.pod.${Z} AAAA fd00::1`]],
        [`10-240-0-01.podns.pod.${Z}`, 'A', 'NXDOMAIN', []],
      ],
    ],
    [
      'verified',
      [
        [`10-240-0-1.podns.pod.${Z}`, 'A', 'NOERROR', [`10-240-0-1.podns.pod.${Z} A 10.240.0.1`]],
        [`172-0-0-2.podns.pod.${Z}`, 'A', 'NXDOMAIN', []],
        [`10-240-0-1.svcns.pod.${Z}`, 'A', 'NXDOMAIN', []],
        [`podns.pod.${Z}`, 'A', 'NOERROR', []],
        [`pod-nons.pod.${Z}`, 'A', 'NXDOMAIN', []],
        [`svcns.svc.${Z}`, 'A', 'NOERROR', []],
      ],
    ],
  ];
  for (const [mode, rows] of modes) {
    describe(mode, () => check(new Resolver(ClusterSnapshot.build(handlerFixture), { podRecords: mode }), rows));
  }
  it('verified mode ignores terminating and finished pods, and secondary IPs', () => {
    const objects: ClusterObjects = {
      ...handlerFixture,
      pods: [
        pod('podns', 'gone', '10.240.0.2', { terminating: true }),
        pod('podns', 'done', '10.240.0.3', { phase: 'Succeeded' }),
        pod('podns', 'dual', '10.240.0.4', { ips: ['10.240.0.4', 'fd00::4'] }),
      ],
    };
    const r = new Resolver(ClusterSnapshot.build(objects), { podRecords: 'verified' });
    assert.equal(r.query(`10-240-0-2.podns.pod.${Z}`, 'A').rcode, 'NXDOMAIN');
    assert.equal(r.query(`10-240-0-3.podns.pod.${Z}`, 'A').rcode, 'NXDOMAIN');
    assert.equal(r.query(`10-240-0-4.podns.pod.${Z}`, 'A').rcode, 'NOERROR');
    assert.equal(r.query(`fd00--4.podns.pod.${Z}`, 'AAAA').rcode, 'NXDOMAIN');
  });
});

describe('CoreDNS reverse_test.go table', () => {
  const objects: ClusterObjects = {
    namespaces: [{ name: 'testns' }],
    services: [svc('testns', 'svc1', { clusterIPs: ['192.168.1.100'] })],
    endpointSlices: [
      slice('testns', 'svc1', 'svc1-slice1', [ep('10.0.0.100', 'ep1a'), ep('10.0.0.99', 'double-ep')]),
      slice('testns', 'svc1', 'svc1-slice2', [ep('1234:abcd::1', 'ep1b'), ep('fd00:77:30::a', 'ip6svc1ex'), ep('fd00:77:30::2:9ba6', 'ip6svc1in')]),
      slice('testns', 'svc1', 'svc1-ccccc', [ep('10.0.0.100', 'ep1a')]),
      slice('testns', 'svc2', 'svc2-slice1', [ep('10.0.0.99', 'double-ep')]),
      slice('testns', 'svc3', 'svc3-slice1', [ep('10.0.0.98')]),
    ],
    pods: [pod('testns', 'p', '10.0.0.101')],
    nodes: [],
  };
  const r = new Resolver(ClusterSnapshot.build(objects));
  check(r, [
    ['100.0.0.10.in-addr.arpa.', 'PTR', 'NOERROR', [`100.0.0.10.in-addr.arpa. PTR ep1a.svc1.testns.svc.${Z}`]],
    ['100.1.168.192.in-addr.arpa.', 'PTR', 'NOERROR', [`100.1.168.192.in-addr.arpa. PTR svc1.testns.svc.${Z}`]],
    [
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.',
      'PTR',
      'NOERROR',
      [`1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa. PTR ep1b.svc1.testns.svc.${Z}`],
    ],
    [
      'a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa.',
      'PTR',
      'NOERROR',
      [`a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa. PTR ip6svc1ex.svc1.testns.svc.${Z}`],
    ],
    ['101.0.0.10.in-addr.arpa.', 'PTR', 'NXDOMAIN', []],
    [`svc1.testns.svc.0.10.in-addr.arpa.`, 'A', 'NXDOMAIN', []],
    [`100.0.0.10.${Z}`, 'PTR', 'NXDOMAIN', []],
    [
      '99.0.0.10.in-addr.arpa.',
      'PTR',
      'NOERROR',
      [`99.0.0.10.in-addr.arpa. PTR double-ep.svc1.testns.svc.${Z}`, `99.0.0.10.in-addr.arpa. PTR double-ep.svc2.testns.svc.${Z}`],
    ],
    ['98.0.0.10.in-addr.arpa.', 'PTR', 'NOERROR', [`98.0.0.10.in-addr.arpa. PTR 10-0-0-98.svc3.testns.svc.${Z}`]],
    ['in-addr.arpa.', 'PTR', 'NOERROR', []],
  ]);
  it('resolve() of an IP gives its PTR and names every owner', () => {
    const result = r.resolve('10.0.0.101');
    assert.ok(result.ok);
    assert.equal(result.answer.rcode, 'NXDOMAIN');
    assert.deepEqual(
      result.answer.explanation.owners?.map((o) => `${o.kind} ${o.namespace}/${o.name}`),
      ['Pod testns/p'],
    );
    const svcIP = r.resolve('192.168.1.100');
    assert.ok(svcIP.ok);
    assert.deepEqual(
      svcIP.answer.explanation.owners?.map((o) => o.kind),
      ['ClusterIP'],
    );
    const none = r.resolve('203.0.113.9');
    assert.ok(none.ok);
    assert.deepEqual(none.answer.explanation.owners, []);
    assert.match(none.answer.explanation.summary, /belongs to nothing/);
  });
});

describe('search path of a pod (ndots:5)', () => {
  const r = new Resolver(ClusterSnapshot.build(handlerFixture));
  it('a short name is found in the pod namespace first', () => {
    const res = r.resolve('svc1', { namespace: 'testns' });
    assert.ok(res.ok);
    assert.equal(res.answer.qname, `svc1.testns.svc.${Z}`);
    assert.equal(res.answer.explanation.matchedStep, 0);
    assert.deepEqual(show(res.answer.answers), [`svc1.testns.svc.${Z} A 10.0.0.1`]);
  });
  it('<service>.<namespace> from another namespace matches on the second step', () => {
    const res = r.resolve('svc1.testns', { namespace: 'kube-system' });
    assert.ok(res.ok);
    assert.equal(res.answer.qname, `svc1.testns.svc.${Z}`);
    assert.deepEqual(
      res.answer.explanation.search?.map((s) => `${s.name} ${s.rcode}`),
      [`svc1.testns.kube-system.svc.${Z} NXDOMAIN`, `svc1.testns.svc.${Z} NOERROR`],
    );
  });
  it('a name with five dots is tried as is first; a trailing dot skips the search', () => {
    const five = r.resolve('_http._tcp.svc1.testns.svc.cluster.local', { namespace: 'x', qtype: 'SRV' });
    assert.ok(five.ok);
    assert.equal(five.answer.explanation.matchedStep, 0);
    const abs = r.resolve(`svc1.testns.svc.${Z}`, { namespace: 'x' });
    assert.ok(abs.ok);
    assert.equal(abs.answer.explanation.search, undefined);
    assert.equal(abs.answer.answers.length, 1);
  });
  it('a name found nowhere is NXDOMAIN with every step listed', () => {
    const res = r.resolve('nothing', { namespace: 'testns' });
    assert.ok(res.ok);
    assert.equal(res.answer.rcode, 'NXDOMAIN');
    assert.equal(res.answer.explanation.search?.length, 4);
    assert.equal(res.answer.explanation.search?.[3]?.rcode, 'REFUSED');
  });
  it('notes that musl stops at an empty NOERROR on the way', () => {
    // "testns" from kube-system: testns.kube-system.svc (NXDOMAIN), testns.svc (a namespace: NODATA), ...
    const res = r.resolve('testns', { namespace: 'kube-system' });
    assert.ok(res.ok);
    assert.equal(res.answer.rcode, 'NOERROR');
    assert.equal(res.answer.answers.length, 0);
    assert.equal(res.answer.qname, `testns.svc.${Z}`);
  });
  it('invalid input is an error, never an exception', () => {
    for (const bad of ['', 'wéb', 'a..b', 'x'.repeat(64), `${'a.'.repeat(130)}b`, 'web shop']) {
      const res = r.resolve(bad);
      assert.equal(res.ok, false, bad);
    }
    assert.ok(r.resolve('[fd00::1]').ok, 'a bracketed IPv6 literal is an IP');
  });
});
