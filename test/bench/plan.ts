/**
 * A generated cluster at Kubernetes' published scale limits (150,000 pods, 10,000 Services, 5,000 nodes),
 * seeded: Namespaces, Nodes, Pods of Deployments, StatefulSets, DaemonSets and Jobs, Services of every type,
 * and the EndpointSlices the EndpointSlice controller writes for them (per address family, at most 100
 * endpoints per slice). This is the plan, what the API server would hold; cluster.ts turns it into records.
 */
import type { AddressType, IPFamilyName, Protocol, ServiceType } from '../../src/core/model';
import { Rng } from './prng';

export interface ClusterShape {
  readonly pods: number;
  readonly services: number;
  readonly nodes: number;
  /** Endpoints per EndpointSlice, as the controller's --max-endpoints-per-slice (default 100). */
  readonly maxEndpointsPerSlice: number;
}

/** Kubernetes' published limits (kubernetes.io/docs/setup/best-practices/cluster-large). */
export const SCALE_LIMITS: ClusterShape = { pods: 150_000, services: 10_000, nodes: 5_000, maxEndpointsPerSlice: 100 };

export type LabelList = readonly (readonly [string, string])[];

export interface NodePlan {
  readonly name: string;
  readonly addresses: readonly { readonly type: string; readonly address: string }[];
}

export interface ContainerPortPlan {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface PodPlan {
  readonly namespace: string;
  readonly name: string;
  readonly labels: LabelList;
  readonly ips: readonly string[];
  readonly nodeName: string | undefined;
  readonly phase: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly hostNetwork: boolean;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly container: string;
  readonly ports: readonly ContainerPortPlan[];
}

export interface ServicePortPlan {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number | string;
  readonly protocol: Protocol;
  readonly nodePort?: number;
  readonly appProtocol?: string;
}

export interface ServicePlan {
  readonly namespace: string;
  readonly name: string;
  readonly type: ServiceType;
  readonly headless: boolean;
  readonly clusterIPs: readonly string[];
  readonly ipFamilies: readonly IPFamilyName[];
  readonly ports: readonly ServicePortPlan[];
  readonly selector?: LabelList;
  readonly externalName?: string;
  readonly publishNotReadyAddresses: boolean;
  readonly loadBalancerIngress: readonly { readonly ip?: string; readonly hostname?: string }[];
}

export interface EndpointPlan {
  readonly address: string;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly hostname?: string;
  readonly nodeName?: string;
  /** The pod behind the endpoint (its targetRef). */
  readonly pod?: PodPlan;
}

export interface EndpointPortPlan {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly appProtocol?: string;
}

export interface SlicePlan {
  readonly namespace: string;
  readonly name: string;
  readonly serviceName: string;
  readonly addressType: AddressType;
  readonly endpoints: readonly EndpointPlan[];
  readonly ports: readonly EndpointPortPlan[];
}

export interface ClusterPlan {
  readonly namespaces: readonly string[];
  readonly nodes: readonly NodePlan[];
  readonly services: readonly ServicePlan[];
  readonly slices: readonly SlicePlan[];
  readonly pods: readonly PodPlan[];
  readonly counts: Readonly<Record<string, number>>;
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

const DOMAINS = [
  'payments',
  'checkout',
  'catalog',
  'search',
  'orders',
  'inventory',
  'shipping',
  'billing',
  'identity',
  'accounts',
  'pricing',
  'promotions',
  'reviews',
  'recommend',
  'media',
  'notifications',
  'messaging',
  'analytics',
  'reporting',
  'fraud',
  'risk',
  'ledger',
  'wallet',
  'loyalty',
  'partners',
  'vendors',
  'warehouse',
  'logistics',
  'fleet',
  'maps',
  'routing',
  'support',
  'crm',
  'marketing',
  'content',
  'cms',
  'assets',
  'storefront',
  'mobile-bff',
  'web-bff',
  'gateway',
  'edge',
  'auth',
  'sso',
  'audit',
  'compliance',
  'data-platform',
  'ml-platform',
  'features',
  'experiments',
  'scheduler',
  'workflow',
  'batch',
  'etl',
  'streaming',
  'events',
  'telemetry',
  'tracing',
  'alerting',
  'status',
  'docs',
  'devportal',
  'ci',
  'artifacts',
  'registry',
];
const DOMAIN_VARIANTS = ['core', 'edge', 'platform', 'data', 'internal', 'ml'];
const ENVS: readonly (readonly [string, number])[] = [
  ['prod', 3],
  ['staging', 1.5],
  ['dev', 1],
];
const COMPONENTS = [
  'api',
  'web',
  'worker',
  'gateway',
  'frontend',
  'backend',
  'consumer',
  'producer',
  'scheduler',
  'indexer',
  'notifier',
  'sync',
  'importer',
  'exporter',
  'cache',
  'proxy',
  'admin',
  'graphql',
  'grpc',
  'rest',
  'auth',
  'cart',
  'render',
  'thumbnailer',
  'resizer',
  'mailer',
  'sms',
  'webhook',
  'reconciler',
  'controller',
  'operator',
  'aggregator',
  'collector',
  'processor',
  'validator',
  'router',
  'matcher',
  'ranker',
  'scorer',
  'feed',
  'timeline',
  'profile',
  'settings',
  'query',
  'command',
  'projector',
  'archiver',
  'cleaner',
  'janitor',
];
const STATEFUL = ['postgres', 'redis', 'kafka', 'zookeeper', 'elasticsearch', 'rabbitmq', 'mongodb', 'cassandra', 'etcd', 'nats', 'memcached', 'minio'];
const JOBS = ['migrate', 'backfill', 'report', 'cleanup', 'reindex', 'export', 'rollup', 'snapshot'];

interface PortProfile {
  readonly container: readonly { readonly name: string; readonly port: number; readonly protocol: Protocol }[];
  readonly service: readonly {
    readonly name: string;
    readonly port: number;
    readonly target: number | string;
    readonly protocol: Protocol;
    readonly appProtocol?: string;
  }[];
}

const WEB: PortProfile = {
  container: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  service: [{ name: 'http', port: 80, target: 'http', protocol: 'TCP' }],
};
const WEB_METRICS: PortProfile = {
  container: [
    { name: 'http', port: 8080, protocol: 'TCP' },
    { name: 'metrics', port: 9090, protocol: 'TCP' },
  ],
  service: [
    { name: 'http', port: 80, target: 'http', protocol: 'TCP', appProtocol: 'http' },
    { name: 'metrics', port: 9090, target: 'metrics', protocol: 'TCP' },
  ],
};
const GRPC: PortProfile = {
  container: [
    { name: 'grpc', port: 50051, protocol: 'TCP' },
    { name: 'http-metrics', port: 9102, protocol: 'TCP' },
  ],
  service: [
    { name: 'grpc', port: 50051, target: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
    { name: 'http-metrics', port: 9102, target: 9102, protocol: 'TCP' },
  ],
};
const UNNAMED: PortProfile = {
  container: [{ name: '', port: 3000, protocol: 'TCP' }],
  service: [{ name: '', port: 80, target: 3000, protocol: 'TCP' }],
};
const STATEFUL_PORTS: Record<string, PortProfile> = {
  postgres: {
    container: [{ name: 'postgres', port: 5432, protocol: 'TCP' }],
    service: [{ name: 'postgres', port: 5432, target: 'postgres', protocol: 'TCP' }],
  },
  redis: { container: [{ name: 'redis', port: 6379, protocol: 'TCP' }], service: [{ name: 'tcp-redis', port: 6379, target: 'redis', protocol: 'TCP' }] },
  kafka: {
    container: [
      { name: 'kafka', port: 9092, protocol: 'TCP' },
      { name: 'controller', port: 9093, protocol: 'TCP' },
    ],
    service: [
      { name: 'tcp-kafka', port: 9092, target: 'kafka', protocol: 'TCP' },
      { name: 'tcp-controller', port: 9093, target: 'controller', protocol: 'TCP' },
    ],
  },
  zookeeper: {
    container: [
      { name: 'client', port: 2181, protocol: 'TCP' },
      { name: 'follower', port: 2888, protocol: 'TCP' },
      { name: 'election', port: 3888, protocol: 'TCP' },
    ],
    service: [
      { name: 'client', port: 2181, target: 'client', protocol: 'TCP' },
      { name: 'follower', port: 2888, target: 'follower', protocol: 'TCP' },
      { name: 'election', port: 3888, target: 'election', protocol: 'TCP' },
    ],
  },
  elasticsearch: {
    container: [
      { name: 'http', port: 9200, protocol: 'TCP' },
      { name: 'transport', port: 9300, protocol: 'TCP' },
    ],
    service: [
      { name: 'http', port: 9200, target: 'http', protocol: 'TCP' },
      { name: 'transport', port: 9300, target: 'transport', protocol: 'TCP' },
    ],
  },
  rabbitmq: {
    container: [
      { name: 'amqp', port: 5672, protocol: 'TCP' },
      { name: 'management', port: 15672, protocol: 'TCP' },
    ],
    service: [
      { name: 'amqp', port: 5672, target: 'amqp', protocol: 'TCP' },
      { name: 'management', port: 15672, target: 'management', protocol: 'TCP', appProtocol: 'http' },
    ],
  },
  mongodb: { container: [{ name: 'mongodb', port: 27017, protocol: 'TCP' }], service: [{ name: 'mongodb', port: 27017, target: 'mongodb', protocol: 'TCP' }] },
  cassandra: { container: [{ name: 'cql', port: 9042, protocol: 'TCP' }], service: [{ name: 'cql', port: 9042, target: 'cql', protocol: 'TCP' }] },
  etcd: {
    container: [
      { name: 'client', port: 2379, protocol: 'TCP' },
      { name: 'peer', port: 2380, protocol: 'TCP' },
    ],
    service: [
      { name: 'client', port: 2379, target: 'client', protocol: 'TCP' },
      { name: 'peer', port: 2380, target: 'peer', protocol: 'TCP' },
    ],
  },
  nats: { container: [{ name: 'client', port: 4222, protocol: 'TCP' }], service: [{ name: 'client', port: 4222, target: 'client', protocol: 'TCP' }] },
  memcached: {
    container: [
      { name: 'memcache', port: 11211, protocol: 'TCP' },
      { name: 'memcache-udp', port: 11211, protocol: 'UDP' },
    ],
    service: [
      { name: 'memcache', port: 11211, target: 'memcache', protocol: 'TCP' },
      { name: 'memcache-udp', port: 11211, target: 'memcache-udp', protocol: 'UDP' },
    ],
  },
  minio: { container: [{ name: 'api', port: 9000, protocol: 'TCP' }], service: [{ name: 'http-api', port: 9000, target: 'api', protocol: 'TCP' }] },
};
const DNS_PORTS: PortProfile = {
  container: [
    { name: 'dns', port: 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    { name: 'metrics', port: 9153, protocol: 'TCP' },
  ],
  service: [
    { name: 'dns', port: 53, target: 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, target: 53, protocol: 'TCP' },
    { name: 'metrics', port: 9153, target: 9153, protocol: 'TCP' },
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Addresses

function v4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
const NODE_NET = (10 << 24) >>> 0; // 10.0.0.0/16
const POD_NET = ((10 << 24) | (64 << 16)) >>> 0; // 10.64.0.0/11, a /24 per node
const SERVICE_NET = ((10 << 24) | (96 << 16)) >>> 0; // 10.96.0.0/12
const SERVICE_NET_SIZE = 1 << 20;

function podV6(node: number, host: number): string {
  return `fd00:10:244:${node.toString(16)}::${host.toString(16)}`;
}
function serviceV6(n: number): string {
  return `fd00:10:96::${n.toString(16)}`;
}

interface NodeSlot {
  readonly name: string;
  readonly index: number;
  readonly ip: string;
  nextHost: number;
}

interface Workload {
  readonly namespace: string;
  readonly name: string;
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';
  readonly ports: PortProfile;
  readonly dualStack: boolean;
  readonly pods: PodPlan[];
}

interface PodState {
  readonly phase: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly hostNetwork: boolean;
  readonly node: NodeSlot | undefined;
  readonly hasIP: boolean;
}

export function planCluster(seed: number, shape: ClusterShape = SCALE_LIMITS): ClusterPlan {
  const rng = new Rng(seed);
  const namespaces: string[] = [];
  const services: ServicePlan[] = [];
  const slices: SlicePlan[] = [];
  const pods: PodPlan[] = [];
  const nodes: NodePlan[] = [];
  const counts: Record<string, number> = {};
  const count = (key: string, n = 1): void => {
    counts[key] = (counts[key] ?? 0) + n;
  };

  // Namespaces: the built-in ones, a few platform ones, and team namespaces per environment.
  const systemNamespaces = [
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    'monitoring',
    'logging',
    'ingress-nginx',
    'cert-manager',
    'argocd',
    'istio-system',
  ];
  const teamNamespaces: string[] = [];
  const teamWeights: number[] = [];
  for (const d of DOMAINS) {
    for (const base of [d, `${d}-${rng.pick(DOMAIN_VARIANTS)}`]) {
      for (const [env, weight] of ENVS) {
        teamNamespaces.push(`${base}-${env}`);
        teamWeights.push(weight * (0.3 + rng.float() * 1.4));
      }
    }
  }
  namespaces.push(...systemNamespaces, ...teamNamespaces);

  // Nodes: AWS-style names, an InternalIP, a Hostname and, on some, an ExternalIP.
  const nodeSlots: NodeSlot[] = [];
  for (let k = 0; k < shape.nodes; k++) {
    const ip = v4(NODE_NET + 10 + k);
    const name = `ip-${ip.replace(/\./g, '-')}.eu-west-1.compute.internal`;
    const addresses = [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: name },
    ];
    if (rng.chance(0.1)) addresses.push({ type: 'ExternalIP', address: v4((((52 << 24) | (16 << 16)) >>> 0) + k) });
    nodes.push({ name, addresses });
    nodeSlots.push({ name, index: k, ip, nextHost: 2 });
  }

  const usedServiceIPs = new Set<number>();
  let v6Services = 0;
  const allocateServiceIP = (): string => {
    for (;;) {
      const n = rng.int(256, SERVICE_NET_SIZE - 2);
      if (!usedServiceIPs.has(n)) {
        usedServiceIPs.add(n);
        return v4(SERVICE_NET + n);
      }
    }
  };
  const names = new Map<string, Set<string>>();
  const uniqueName = (ns: string, base: string): string => {
    let set = names.get(ns);
    if (!set) names.set(ns, (set = new Set()));
    let name = base;
    for (let i = 2; set.has(name); i++) name = `${base}-${i}`;
    set.add(name);
    return name;
  };
  const pickNode = (): NodeSlot => {
    for (;;) {
      const slot = nodeSlots[rng.int(0, nodeSlots.length - 1)]!;
      if (slot.nextHost < 2 + 110) return slot; // the kubelet's default max-pods
    }
  };

  // ---- Pods
  const makePod = (w: Workload, name: string, labels: LabelList, state: PodState, identity?: { hostname: string; subdomain: string }): void => {
    let ips: string[] = [];
    if (state.hasIP && state.node) {
      if (state.hostNetwork) ips = [state.node.ip];
      else {
        const host = state.node.nextHost++;
        const ip = v4(POD_NET + state.node.index * 256 + host);
        ips = w.dualStack ? [ip, podV6(state.node.index, host)] : [ip];
      }
    }
    const pod: PodPlan = {
      namespace: w.namespace,
      name,
      labels,
      ips,
      nodeName: state.node?.name,
      phase: state.phase,
      ready: state.ready,
      terminating: state.terminating,
      hostNetwork: state.hostNetwork,
      container: w.name,
      ports: w.ports.container,
      ...(identity ?? {}),
    };
    w.pods.push(pod);
    pods.push(pod);
    count(`pods.${w.kind}`);
  };

  const runningState = (hostNetwork: boolean, node?: NodeSlot): PodState => {
    const x = rng.float();
    if (x < 0.015)
      return { phase: 'Pending', ready: false, terminating: false, hostNetwork, node: rng.chance(0.5) ? (node ?? pickNode()) : undefined, hasIP: false };
    const terminating = x < 0.022;
    return { phase: 'Running', ready: !terminating && rng.chance(0.97), terminating, hostNetwork, node: node ?? pickNode(), hasIP: true };
  };

  const newWorkload = (namespace: string, name: string, kind: Workload['kind'], ports: PortProfile, dualStack = false): Workload => {
    count(`workloads.${kind}`);
    return { namespace, name, kind, ports, dualStack, pods: [] };
  };

  // ---- Services and their EndpointSlices
  const addService = (
    namespace: string,
    name: string,
    opts: {
      type?: ServiceType;
      headless?: boolean;
      ports?: PortProfile;
      selector?: LabelList;
      externalName?: string;
      dualStack?: boolean;
      publishNotReadyAddresses?: boolean;
      clusterIP?: string;
    },
  ): ServicePlan => {
    const type = opts.type ?? 'ClusterIP';
    const headless = opts.headless ?? false;
    let clusterIPs: string[] = [];
    if (type !== 'ExternalName' && !headless) {
      const ip = opts.clusterIP ?? allocateServiceIP();
      clusterIPs = opts.dualStack ? [ip, serviceV6(++v6Services)] : [ip];
    }
    const ipFamilies: IPFamilyName[] = type === 'ExternalName' ? [] : opts.dualStack ? ['IPv4', 'IPv6'] : ['IPv4'];
    const ports: ServicePortPlan[] = (opts.ports?.service ?? []).map((p, i) => ({
      name: p.name,
      port: p.port,
      targetPort: p.target,
      protocol: p.protocol,
      ...(type === 'NodePort' || type === 'LoadBalancer' ? { nodePort: 30000 + ((services.length * 7 + i) % 2768) } : {}),
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    const ingress =
      type === 'LoadBalancer'
        ? [
            rng.chance(0.6)
              ? { ip: v4((((34 << 24) | (120 << 16)) >>> 0) + services.length) }
              : { hostname: `a${rng.suffix(31, '0123456789abcdef')}-${rng.int(1e8, 1e9 - 1)}.eu-west-1.elb.amazonaws.com` },
          ]
        : [];
    const svc: ServicePlan = {
      namespace,
      name,
      type,
      headless,
      clusterIPs,
      ipFamilies,
      ports,
      ...(opts.selector ? { selector: opts.selector } : {}),
      ...(opts.externalName ? { externalName: opts.externalName } : {}),
      publishNotReadyAddresses: opts.publishNotReadyAddresses ?? false,
      loadBalancerIngress: ingress,
    };
    services.push(svc);
    count(
      `services.${type === 'ClusterIP' && headless ? 'headless' : type}${opts.dualStack ? ' (dual-stack)' : ''}${type !== 'ExternalName' && !opts.selector ? ' (no selector)' : ''}`,
    );
    return svc;
  };

  /** The EndpointSlice controller's slices for a Service over the pods it selects. */
  const writeSlices = (svc: ServicePlan, w: Workload): void => {
    const ports: EndpointPortPlan[] = w.ports.service.map((sp) => {
      const port = typeof sp.target === 'number' ? sp.target : w.ports.container.find((c) => c.name === sp.target && c.protocol === sp.protocol)!.port;
      return { name: sp.name, port, protocol: sp.protocol, ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) };
    });
    for (const family of svc.ipFamilies) {
      const v6 = family === 'IPv6';
      let current: EndpointPlan[] = [];
      const flush = (): void => {
        if (current.length === 0) return;
        slices.push({ namespace: svc.namespace, name: `${svc.name}-${rng.suffix(5)}`, serviceName: svc.name, addressType: family, endpoints: current, ports });
        count('endpointSlices');
        count('endpoints', current.length);
        current = [];
      };
      for (const pod of w.pods) {
        if (pod.ips.length === 0 || pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
        const address = pod.ips.find((a) => a.includes(':') === v6);
        if (address === undefined) continue;
        current.push({
          address,
          ready: (pod.ready && !pod.terminating) || svc.publishNotReadyAddresses,
          serving: pod.ready,
          terminating: pod.terminating,
          ...(pod.hostname !== undefined && pod.subdomain === svc.name ? { hostname: pod.hostname } : {}),
          ...(pod.nodeName !== undefined ? { nodeName: pod.nodeName } : {}),
          pod,
        });
        if (current.length === shape.maxEndpointsPerSlice) flush();
      }
      flush();
    }
  };

  /** A Service without a selector, with the slice its owner writes by hand (an external database, say). */
  const manualSlice = (svc: ServicePlan, addresses: string[], port: EndpointPortPlan): void => {
    slices.push({
      namespace: svc.namespace,
      name: `${svc.name}-${rng.suffix(5)}`,
      serviceName: svc.name,
      addressType: 'IPv4',
      endpoints: addresses.map((address) => ({ address, ready: true, serving: true, terminating: false })),
      ports: [port],
    });
    count('endpointSlices');
    count('endpoints', addresses.length);
  };

  // ---- Platform: the API server, cluster DNS, and per-node daemons.
  const apiServer = addService('default', 'kubernetes', {
    clusterIP: v4(SERVICE_NET + 1),
    ports: { container: [], service: [{ name: 'https', port: 443, target: 6443, protocol: 'TCP' }] },
  });
  manualSlice(apiServer, [v4(NODE_NET + 1), v4(NODE_NET + 2), v4(NODE_NET + 3)], { name: 'https', port: 6443, protocol: 'TCP' });

  const coredns = newWorkload('kube-system', 'coredns', 'Deployment', DNS_PORTS);
  const corednsHash = rng.suffix(10);
  const corednsLabels: LabelList = [
    ['k8s-app', 'kube-dns'],
    ['pod-template-hash', corednsHash],
  ];
  for (let i = 0; i < Math.max(2, Math.round(shape.nodes / 80)); i++)
    makePod(coredns, `coredns-${corednsHash}-${rng.suffix(5)}`, corednsLabels, runningState(false));
  writeSlices(addService('kube-system', 'kube-dns', { clusterIP: v4(SERVICE_NET + 10), ports: DNS_PORTS, selector: [['k8s-app', 'kube-dns']] }), coredns);

  const daemonSets: readonly (readonly [string, string, boolean, PortProfile, 'headless' | 'ClusterIP' | undefined])[] = [
    ['kube-system', 'kube-proxy', true, { container: [{ name: 'metrics', port: 10249, protocol: 'TCP' }], service: [] }, undefined],
    ['kube-system', 'cilium', true, { container: [{ name: 'health', port: 4240, protocol: 'TCP' }], service: [] }, undefined],
    [
      'monitoring',
      'node-exporter',
      true,
      { container: [{ name: 'metrics', port: 9100, protocol: 'TCP' }], service: [{ name: 'metrics', port: 9100, target: 'metrics', protocol: 'TCP' }] },
      'headless',
    ],
    [
      'logging',
      'fluent-bit',
      false,
      { container: [{ name: 'http', port: 2020, protocol: 'TCP' }], service: [{ name: 'http', port: 2020, target: 'http', protocol: 'TCP' }] },
      'ClusterIP',
    ],
  ];
  for (const [ns, name, hostNetwork, ports, svcKind] of daemonSets) {
    const w = newWorkload(ns, name, 'DaemonSet', ports);
    const labels: LabelList = [
      ['app.kubernetes.io/name', name],
      ['controller-revision-hash', rng.suffix(10)],
      ['pod-template-generation', '1'],
    ];
    for (const node of nodeSlots) {
      const state = runningState(hostNetwork, node);
      makePod(w, `${name}-${rng.suffix(5)}`, labels, { ...state, node, hasIP: state.hasIP || hostNetwork });
    }
    if (svcKind) writeSlices(addService(ns, name, { headless: svcKind === 'headless', ports, selector: [['app.kubernetes.io/name', name]] }), w);
  }

  // ---- Team workloads, until the pod budget is spent; the Service budget keeps room for ExternalName and
  // selector-less Services.
  const externalNames = Math.round(shape.services * 0.04);
  const selectorless = Math.round(shape.services * 0.012);
  const workloadServiceBudget = shape.services - externalNames - selectorless;
  const serviceBudgetLeft = (): number => workloadServiceBudget - services.length;
  while (pods.length < shape.pods) {
    const namespace = teamNamespaces[rng.weighted(teamWeights)]!;
    const team = namespace.split('-')[0]!;
    const left = shape.pods - pods.length;
    const kind = rng.weighted([78, 12, 10]);
    if (kind === 1) {
      // StatefulSet: a headless governing Service, often a client Service too.
      const engine = rng.pick(STATEFUL);
      const name = uniqueName(namespace, rng.chance(0.5) ? engine : `${team}-${engine}`);
      const replicas = Math.min(left, rng.pick([1, 3, 3, 3, 5, 5, 7]));
      const ports = STATEFUL_PORTS[engine]!;
      const w = newWorkload(namespace, name, 'StatefulSet', ports);
      const governing = rng.chance(0.5) ? name : `${name}-headless`;
      const revision = `${name}-${rng.suffix(10)}`;
      for (let i = 0; i < replicas; i++) {
        const podName = `${name}-${i}`;
        const labels: LabelList = [
          ['app.kubernetes.io/name', engine],
          ['app.kubernetes.io/instance', name],
          ['controller-revision-hash', revision],
          ['statefulset.kubernetes.io/pod-name', podName],
          ['apps.kubernetes.io/pod-index', String(i)],
        ];
        makePod(w, podName, labels, runningState(false), { hostname: podName, subdomain: governing });
      }
      const selector: LabelList = [
        ['app.kubernetes.io/name', engine],
        ['app.kubernetes.io/instance', name],
      ];
      if (serviceBudgetLeft() > 0) {
        writeSlices(addService(namespace, governing, { headless: true, ports, selector, publishNotReadyAddresses: rng.chance(0.3) }), w);
        if (governing !== name && serviceBudgetLeft() > 0 && rng.chance(0.7)) writeSlices(addService(namespace, name, { ports, selector }), w);
      }
      continue;
    }
    if (kind === 2) {
      // Jobs (from CronJobs): no Service; many pods have completed.
      const name = uniqueName(namespace, `${team}-${rng.pick(JOBS)}-${rng.int(28_900_000, 29_000_000)}`);
      const w = newWorkload(namespace, name, 'Job', UNNAMED);
      const hex = '0123456789abcdef';
      const labels: LabelList = [
        ['batch.kubernetes.io/job-name', name],
        ['batch.kubernetes.io/controller-uid', `${rng.suffix(8, hex)}-${rng.suffix(4, hex)}-${rng.suffix(4, hex)}`],
      ];
      const n = Math.min(left, rng.int(1, 3));
      for (let i = 0; i < n; i++) {
        const x = rng.float();
        const state: PodState =
          x < 0.5
            ? { phase: 'Succeeded', ready: false, terminating: false, hostNetwork: false, node: pickNode(), hasIP: true }
            : x < 0.55
              ? { phase: 'Failed', ready: false, terminating: false, hostNetwork: false, node: pickNode(), hasIP: true }
              : runningState(false);
        makePod(w, `${name}-${rng.suffix(5)}`, labels, state);
      }
      continue;
    }
    // Deployment: most get a Service.
    const component = rng.pick(COMPONENTS);
    const name = uniqueName(namespace, rng.chance(0.6) ? `${team}-${component}` : component);
    const x = rng.float();
    const replicas = Math.min(left, x < 0.2 ? 1 : x < 0.6 ? rng.int(2, 3) : x < 0.85 ? rng.int(4, 10) : x < 0.97 ? rng.int(11, 50) : rng.int(51, 300));
    const ports = rng.pick([WEB, WEB, WEB_METRICS, WEB_METRICS, GRPC, UNNAMED]);
    const wantsService = serviceBudgetLeft() > 0 && rng.chance(0.93);
    const dualStack = wantsService && rng.chance(0.02);
    const w = newWorkload(namespace, name, 'Deployment', ports, dualStack);
    const hash = rng.suffix(10);
    const selector: LabelList = [
      ['app.kubernetes.io/name', name],
      ['app.kubernetes.io/part-of', team],
    ];
    const labels: LabelList = [...selector, ['app.kubernetes.io/version', `1.${rng.int(0, 40)}.${rng.int(0, 9)}`], ['pod-template-hash', hash]];
    for (let i = 0; i < replicas; i++) makePod(w, `${name}-${hash}-${rng.suffix(5)}`, labels, runningState(false));
    if (wantsService) {
      const type = rng.weighted([90, 7, 3]);
      writeSlices(addService(namespace, name, { type: type === 0 ? 'ClusterIP' : type === 1 ? 'NodePort' : 'LoadBalancer', ports, selector, dualStack }), w);
    }
  }

  // ---- ExternalName and selector-less Services fill the Service budget.
  while (services.length < shape.services) {
    const namespace = teamNamespaces[rng.weighted(teamWeights)]!;
    if (rng.float() < externalNames / (externalNames + selectorless)) {
      const x = rng.float();
      const target =
        x < 0.5
          ? `${rng.pick(['db', 'cache', 'queue', 'search'])}-${rng.suffix(6)}.${rng.suffix(12, 'abcdefghijklmnopqrstuvwxyz0123456789')}.eu-west-1.rds.amazonaws.com`
          : x < 0.8
            ? `${rng.pick(COMPONENTS)}.${rng.pick(DOMAINS)}.example.com`
            : `${rng.pick(COMPONENTS)}.${teamNamespaces[rng.int(0, teamNamespaces.length - 1)]}.svc.cluster.local`;
      addService(namespace, uniqueName(namespace, `${rng.pick(['legacy', 'external', 'shared', 'upstream'])}-${rng.pick(COMPONENTS)}`), {
        type: 'ExternalName',
        externalName: target,
      });
    } else {
      const engine = rng.pick(['postgres', 'mysql', 'oracle', 'mainframe']);
      const port = engine === 'postgres' ? 5432 : engine === 'mysql' ? 3306 : engine === 'oracle' ? 1521 : 8443;
      const svc = addService(namespace, uniqueName(namespace, `${engine}-external`), {
        ports: { container: [], service: [{ name: engine, port, target: port, protocol: 'TCP' }] },
      });
      const base = ((192 << 24) | (168 << 16)) >>> 0;
      const n = rng.int(1, 3);
      manualSlice(
        svc,
        Array.from({ length: n }, () => v4(base + rng.int(1, 65_000))),
        { name: engine, port, protocol: 'TCP' },
      );
    }
  }

  count('namespaces', namespaces.length);
  count('nodes', nodes.length);
  return { namespaces, nodes, services, slices, pods, counts };
}
