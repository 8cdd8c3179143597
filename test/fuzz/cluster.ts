/**
 * What the name fuzzer resolves against: a small cluster as a live model holds it (addresses allocated, endpoints
 * with hostnames, IPv4, IPv6 and dual-stack Services, ExternalNames inside and outside the zone, a loop of them),
 * and the workspace model of the sample workspace and Online Boutique (addresses pending). The words the generators
 * build names of (namespaces, Services, endpoint hostnames, port names, addresses) come from the same objects, so
 * that generated names reach something as often as they miss.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reverseName } from '../../src/core/ip';
import { parseManifest } from '../../src/core/manifests';
import type { ClusterObjects, Endpoint, EndpointPort, EndpointSlice, Pod, Service, ServicePort } from '../../src/core/model';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { buildWorkspaceModel } from '../../src/core/workspace';
import { corpusDir, repoRoot } from '../support/repo';

const http: ServicePort = { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' };
const grpc: ServicePort = { name: 'grpc', port: 9090, targetPort: 9090, protocol: 'TCP' };
const dns: ServicePort[] = [
  { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
  { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
];

function svc(namespace: string, name: string, over: Partial<Service> = {}): Service {
  return {
    namespace,
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

function ep(address: string, over: Partial<Endpoint> = {}): Endpoint {
  return { addresses: [address], ready: true, serving: true, terminating: false, ...over };
}

function slice(
  namespace: string,
  service: string,
  endpoints: Endpoint[],
  ports: EndpointPort[] = [{ name: 'http', port: 8080, protocol: 'TCP' }],
): EndpointSlice {
  const v6 = endpoints[0]?.addresses[0]?.includes(':') ?? false;
  return { namespace, name: `${service}-${v6 ? 'v6' : 'v4'}`, serviceName: service, addressType: v6 ? 'IPv6' : 'IPv4', endpoints, ports };
}

function pod(namespace: string, name: string, ips: string[], over: Partial<Pod> = {}): Pod {
  return { namespace, name, ips, labels: {}, ready: true, phase: 'Running', hostNetwork: false, terminating: false, ports: [], ...over };
}

/** A cluster as a live model reads it: every address allocated. */
export const LIVE: ClusterObjects = {
  namespaces: ['default', 'kube-system', 'shop', 'data', 'edge', 'a'].map((name) => ({ name })),
  services: [
    svc('kube-system', 'kube-dns', { clusterIPs: ['10.96.0.10'], ports: dns }),
    svc('default', 'kubernetes', { clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }] }),
    svc('shop', 'web', { clusterIPs: ['10.96.4.1'], selector: { app: 'web' } }),
    svc('shop', 'api', { clusterIPs: ['10.96.4.2'], ports: [http, grpc] }),
    svc('shop', 'v6', { clusterIPs: ['fd00:10:96::4'], ipFamilies: ['IPv6'] }),
    svc('shop', 'dual', { clusterIPs: ['10.96.4.3', 'fd00:10:96::3'], ipFamilies: ['IPv4', 'IPv6'], ports: [http, grpc] }),
    svc('shop', 'pending', { clusterIPPending: true, ipFamilies: ['IPv4', 'IPv6'] }),
    svc('shop', 'noports', { clusterIPs: ['10.96.4.9'], ports: [] }),
    svc('data', 'redis', { headless: true, ports: [{ name: 'redis', port: 6379, targetPort: 6379, protocol: 'TCP' }] }),
    svc('data', 'db', { headless: true, ports: [] }),
    svc('data', 'empty', { headless: true }),
    svc('edge', 'payments', { type: 'ExternalName', externalName: 'api.payments.example.com' }),
    svc('edge', 'inside', { type: 'ExternalName', externalName: 'web.shop.svc.cluster.local' }),
    svc('edge', 'loop-a', { type: 'ExternalName', externalName: 'loop-b.edge.svc.cluster.local.' }),
    svc('edge', 'loop-b', { type: 'ExternalName', externalName: 'loop-a.edge.svc.cluster.local.' }),
    svc('edge', 'self', { type: 'ExternalName', externalName: 'self.edge.svc.cluster.local' }),
    svc('edge', 'by-ip', { type: 'ExternalName', externalName: '192.0.2.7' }),
    svc('edge', 'blank', { type: 'ExternalName', externalName: '' }),
    svc('edge', 'lb', {
      type: 'LoadBalancer',
      clusterIPs: ['10.96.7.1'],
      externalIPs: ['198.51.100.7'],
      loadBalancerIngress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.net' }],
    }),
    svc('a', 'b', { clusterIPs: ['10.96.9.9'] }),
  ],
  endpointSlices: [
    slice(
      'kube-system',
      'kube-dns',
      [ep('10.244.0.5', { targetRef: { kind: 'Pod', namespace: 'kube-system', name: 'coredns-0' } })],
      [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      ],
    ),
    slice('shop', 'web', [ep('10.244.1.2'), ep('10.244.1.3'), ep('10.244.1.4', { ready: false, serving: false })]),
    slice(
      'shop',
      'api',
      [ep('10.244.1.5', { hostname: 'api-0' })],
      [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: 'grpc', port: 9090, protocol: 'TCP' },
      ],
    ),
    slice('shop', 'dual', [ep('fd00:10:244::5')]),
    slice(
      'data',
      'redis',
      [ep('10.244.2.1', { hostname: 'redis-0' }), ep('10.244.2.2', { hostname: 'redis-1' }), ep('10.244.2.3', { hostname: 'redis-1' })],
      [{ name: 'redis', port: 6379, protocol: 'TCP' }],
    ),
    slice('data', 'redis', [ep('fd00:10:244::21', { hostname: 'redis-0' }), ep('fd00:10:244::')]),
    slice('data', 'db', [ep('10.244.3.1')], []),
  ],
  pods: [
    pod('kube-system', 'coredns-0', ['10.244.0.5']),
    pod('shop', 'web-1', ['10.244.1.2']),
    pod('shop', 'web-2', ['10.244.1.3']),
    pod('shop', 'web-3', ['10.244.1.4'], { ready: false }),
    pod('shop', 'api-0', ['10.244.1.5', 'fd00:10:244::5'], { hostname: 'api-0', subdomain: 'api' }),
    pod('data', 'redis-0', ['10.244.2.1', 'fd00:10:244::21'], { hostname: 'redis-0', subdomain: 'redis' }),
    pod('data', 'redis-1', ['10.244.2.2'], { hostname: 'redis-1', subdomain: 'redis' }),
    pod('data', 'old', ['10.244.2.9'], { phase: 'Succeeded', ready: false }),
    pod('data', 'host', ['192.168.1.10'], { hostNetwork: true }),
  ],
  nodes: [
    {
      name: 'node-1',
      addresses: [
        { type: 'InternalIP', address: '192.168.1.10' },
        { type: 'InternalIP', address: 'fd00:192:168::10' },
      ],
    },
  ],
};

/** The workspace model of the sample workspace and Online Boutique's manifests: what an editor without a cluster holds. */
export function workspaceSnapshot(): ClusterSnapshot {
  const files = [
    join(repoRoot(), 'test', 'sample-workspace', 'shop.yaml'),
    join(repoRoot(), 'test', 'sample-workspace', 'edge.yaml'),
    join(corpusDir(), 'online-boutique', 'kubernetes-manifests.yaml'),
  ];
  return buildWorkspaceModel(files.map((f) => parseManifest(f, readFileSync(f, 'utf8')))).snapshot;
}

/** The words of a snapshot that names are made of. */
export interface Vocabulary {
  readonly namespaces: readonly string[];
  readonly services: readonly string[];
  readonly hostnames: readonly string[];
  readonly ports: readonly string[];
  readonly ips: readonly string[];
}

export function vocabularyOf(snapshots: readonly ClusterSnapshot[]): Vocabulary {
  const namespaces = new Set<string>();
  const services = new Set<string>();
  const hostnames = new Set<string>();
  const ports = new Set<string>();
  const ips = new Set<string>();
  for (const s of snapshots) {
    for (const n of s.namespaceNames()) namespaces.add(n);
    for (const v of s.services()) {
      services.add(v.name);
      for (const p of v.ports) if (p.name) ports.add(p.name);
      for (const ip of [...v.clusterIPs, ...v.externalIPs]) ips.add(ip);
      for (const sl of s.slicesOf(v.namespace, v.name)) {
        for (const e of sl.endpoints) {
          if (e.hostname) hostnames.add(e.hostname);
          for (const a of e.addresses) ips.add(a);
        }
      }
    }
    for (const p of s.pods()) for (const ip of p.ips) ips.add(ip);
    for (const n of s.nodes()) for (const a of n.addresses) ips.add(a.address);
  }
  return { namespaces: [...namespaces], services: [...services], hostnames: [...hostnames], ports: [...ports], ips: [...ips] };
}

/**
 * The names a snapshot answers under `zone` (without their trailing dot): each Service, its endpoints by name, its
 * ports as SRV names, its pods by dashed address; and the reverse names of every address it holds.
 */
export function namesOf(snapshot: ClusterSnapshot, zone: string): string[] {
  const under = (name: string) => (zone === '' ? name : `${name}.${zone}`);
  const names: string[] = [];
  for (const v of snapshot.services()) {
    const base = `${v.name}.${v.namespace}.svc`;
    names.push(under(base));
    for (const p of v.ports) if (p.name) names.push(under(`_${p.name}._${p.protocol.toLowerCase()}.${base}`));
    for (const sl of snapshot.slicesOf(v.namespace, v.name)) {
      for (const e of sl.endpoints) {
        for (const a of e.addresses) names.push(under(`${e.hostname ?? a.replace(/[.:]/g, '-')}.${base}`));
      }
    }
  }
  for (const p of snapshot.pods()) for (const ip of p.ips) names.push(under(`${ip.replace(/[.:]/g, '-')}.${p.namespace}.pod`));
  for (const ip of vocabularyOf([snapshot]).ips) names.push(reverseName(ip)!.slice(0, -1));
  return names;
}

/** Both snapshots: the live one first. */
export function snapshots(): ClusterSnapshot[] {
  return [ClusterSnapshot.build(LIVE), workspaceSnapshot()];
}
