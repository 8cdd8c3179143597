/**
 * The fixture cluster of the live tests: nodes, namespaces, Services of every type and pods whose status is
 * set to Running (ready or not) with IPs, so that the controller manager writes real EndpointSlices.
 */
import type { Kube } from './kube';

export interface FixturePod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly ips: string[];
  readonly node: string;
  readonly ready: boolean;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly ports?: { name: string; containerPort: number; protocol?: string }[];
}

export const NODES = [
  { name: 'node-a', ip: '172.18.0.2' },
  { name: 'node-b', ip: '172.18.0.3' },
  { name: 'node-c', ip: '172.18.0.4' },
];

export const NAMESPACES = ['shop', 'data', 'edge', 'quiet'];

let podCounter = 0;
export function podIPs(dual: boolean): string[] {
  podCounter++;
  const v4 = `10.244.${Math.floor(podCounter / 250)}.${(podCounter % 250) + 2}`;
  return dual ? [v4, `fd00:10:244::${podCounter.toString(16)}`] : [v4];
}

const web = [
  { name: 'http', containerPort: 8080 },
  { name: 'metrics', containerPort: 9090 },
];

export function fixturePods(): FixturePod[] {
  const pods: FixturePod[] = [];
  const node = (i: number) => NODES[i % NODES.length]!.name;
  for (let i = 0; i < 4; i++)
    pods.push({ namespace: 'shop', name: `web-${i}`, labels: { app: 'web' }, ips: podIPs(i % 2 === 0), node: node(i), ready: true, ports: web });
  pods.push({ namespace: 'shop', name: 'web-slow', labels: { app: 'web' }, ips: podIPs(false), node: node(1), ready: false, ports: web });
  for (let i = 0; i < 2; i++)
    pods.push({
      namespace: 'shop',
      name: `api-${i}`,
      labels: { app: 'api' },
      ips: podIPs(true),
      node: node(i),
      ready: true,
      ports: [{ name: 'grpc', containerPort: 50051 }],
    });
  for (let i = 0; i < 3; i++) {
    pods.push({
      namespace: 'data',
      name: `db-${i}`,
      labels: { app: 'db' },
      ips: podIPs(false),
      node: node(i),
      ready: true,
      hostname: `db-${i}`,
      subdomain: 'db',
      ports: [{ name: 'pg', containerPort: 5432 }],
    });
  }
  for (let i = 0; i < 3; i++) pods.push({ namespace: 'data', name: `cache-${i}`, labels: { app: 'cache' }, ips: podIPs(false), node: node(i), ready: true });
  for (let i = 0; i < 2; i++) pods.push({ namespace: 'data', name: `warm-${i}`, labels: { app: 'warm' }, ips: podIPs(false), node: node(i), ready: false });
  for (let i = 0; i < 2; i++)
    pods.push({
      namespace: 'data',
      name: `peer-${i}`,
      labels: { app: 'peer' },
      ips: podIPs(false),
      node: node(i),
      ready: false,
      hostname: `peer-${i}`,
      subdomain: 'peer',
    });
  pods.push({ namespace: 'edge', name: 'proxy-0', labels: { app: 'proxy' }, ips: podIPs(false), node: node(0), ready: true });
  pods.push({
    namespace: 'edge',
    name: 'lonely',
    labels: { app: 'lonely' },
    ips: podIPs(false),
    node: node(2),
    ready: true,
    hostname: 'lonely',
    subdomain: 'nowhere',
  });
  return pods;
}

const port = (name: string, p: number, target: number | string = p, protocol = 'TCP') => ({ name, port: p, targetPort: target, protocol });

export function fixtureServices(): any[] {
  const svc = (ns: string, name: string, spec: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec });
  return [
    svc('shop', 'web', { selector: { app: 'web' }, ports: [port('http', 80, 'http'), port('metrics', 9090, 'metrics')] }),
    svc('shop', 'api', { selector: { app: 'api' }, ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'], ports: [port('grpc', 50051)] }),
    svc('shop', 'api6', { selector: { app: 'api' }, ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'], ports: [port('grpc', 50051)] }),
    svc('shop', 'single', { selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 8080 }] }),
    svc('shop', 'dns', { selector: { app: 'web' }, ports: [port('dns', 53, 53, 'UDP'), port('dns-tcp', 53, 53, 'TCP')] }),
    svc('shop', 'empty', { selector: { app: 'nothing' }, ports: [port('http', 80)] }),
    svc('data', 'db', { clusterIP: 'None', selector: { app: 'db' }, ports: [port('pg', 5432)] }),
    svc('data', 'cache', { clusterIP: 'None', selector: { app: 'cache' }, ports: [port('redis', 6379), port('sentinel', 26379)] }),
    svc('data', 'cache-noports', { clusterIP: 'None', selector: { app: 'cache' } }),
    svc('data', 'warm', { clusterIP: 'None', selector: { app: 'warm' }, ports: [port('http', 80)] }),
    svc('data', 'peer', { clusterIP: 'None', selector: { app: 'peer' }, publishNotReadyAddresses: true, ports: [port('gossip', 7946)] }),
    svc('edge', 'np', { type: 'NodePort', selector: { app: 'proxy' }, ports: [port('http', 80)] }),
    svc('edge', 'lb', { type: 'LoadBalancer', selector: { app: 'proxy' }, ports: [port('https', 443)] }),
    svc('edge', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
    svc('edge', 'ext-in', { type: 'ExternalName', externalName: 'web.shop.svc.cluster.local' }),
    svc('edge', 'ext-ip', { type: 'ExternalName', externalName: '1.2.3.4' }),
    svc('edge', 'manual', { ports: [port('http', 80)] }),
  ];
}

export function manualSlice(): any {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace: 'edge',
      name: 'manual-1',
      labels: { 'kubernetes.io/service-name': 'manual', 'endpointslice.kubernetes.io/managed-by': 'netlens-tests' },
    },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['192.0.2.10'], hostname: 'left', conditions: { ready: true } },
      { addresses: ['192.0.2.11'], conditions: { ready: true } },
      { addresses: ['192.0.2.12'], conditions: { ready: false } },
    ],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  };
}

export function podObject(p: FixturePod): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: p.namespace, name: p.name, labels: p.labels },
    spec: {
      nodeName: p.node,
      ...(p.hostname ? { hostname: p.hostname } : {}),
      ...(p.subdomain ? { subdomain: p.subdomain } : {}),
      containers: [{ name: 'main', image: 'registry.invalid/none', ...(p.ports ? { ports: p.ports } : {}) }],
    },
  };
}

export async function createPod(kube: Kube, p: FixturePod): Promise<void> {
  await kube.create(podObject(p));
  const hostIP = NODES.find((n) => n.name === p.node)!.ip;
  await kube.setPodStatus(p.namespace, p.name, p.ips, hostIP, p.ready);
}

/** Loads the whole fixture; returns the pods created. */
export async function loadFixtures(kube: Kube): Promise<FixturePod[]> {
  await kube.all(NODES, (n) =>
    kube.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name }, status: { addresses: [{ type: 'InternalIP', address: n.ip }] } }).then(() =>
      kube.must(
        'PATCH',
        `/api/v1/nodes/${n.name}/status`,
        {
          status: {
            addresses: [
              { type: 'InternalIP', address: n.ip },
              { type: 'Hostname', address: n.name },
            ],
          },
        },
        'application/merge-patch+json',
      ),
    ),
  );
  await kube.all(NAMESPACES, (ns) => kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  await kube.all(fixtureServices(), (s) => kube.create(s));
  await kube.create(manualSlice());
  const pods = fixturePods();
  await kube.all(pods, (p) => createPod(kube, p));
  return pods;
}
