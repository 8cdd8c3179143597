/**
 * The generated cluster of plan.ts turned into model records, in one of three ways:
 *
 * - `live`: as the live model does it. Each object is written as the API server sends it, goes through
 *   JSON.stringify and JSON.parse as a watch event does, and is reduced by src/core/reduce.ts with one Interner.
 * - `shared`: a reduction written for this benchmark to show what sharing can reach with the same record types:
 *   strings that recur between objects (namespaces, node names, label keys and values) are interned, label maps
 *   and port lists are shared between the pods of one workload and the slices of one Service (interned by a
 *   content hash, so the tables keep no key strings), an endpoint reuses the name, IP strings and IP list of the
 *   pod its targetRef names, records are object literals of one shape each, and lists have their exact size.
 * - `parsed`: nothing shared: every record keeps the strings, maps and lists of its own API object, as
 *   JSON.parse gives them (V8 shares only strings of up to 10 characters). The reference point.
 *
 * The intern tables are returned so that a measurement counts them: a live model keeps them for the objects
 * still to come.
 */
import type {
  ClusterObjects,
  ContainerPort,
  Endpoint,
  EndpointPort,
  EndpointSlice,
  IPFamilyName,
  Labels,
  LoadBalancerIngress,
  Namespace,
  Node,
  Pod,
  Service,
  ServicePort,
} from '../../src/core/model';
import { Interner, type Json, reduceEndpointSlice, reduceNamespace, reduceNode, reducePod, reduceService } from '../../src/core/reduce';
import { type ClusterPlan, type ClusterShape, type LabelList, type PodPlan, planCluster, SCALE_LIMITS, type ServicePlan, type SlicePlan } from './plan';

export type Reduction = 'live' | 'shared' | 'parsed';

export interface GeneratedCluster {
  readonly objects: ClusterObjects;
  /** What the reduction keeps to share strings and small objects between records. */
  readonly internTables: unknown;
  readonly counts: Readonly<Record<string, number>>;
  /** Values the reducer warned about (should be none). */
  readonly warnings: number;
}

export function generateCluster(seed: number, reduction: Reduction, shape: ClusterShape = SCALE_LIMITS): GeneratedCluster {
  const plan = planCluster(seed, shape);
  return reduction === 'live' ? reduceLive(plan) : reduceByHand(plan, reduction === 'shared');
}

// ---------------------------------------------------------------------------------------------------------------
// live: API objects through src/core/reduce.ts

/** An object as a watch event delivers it: serialised by the API server, parsed by the client. */
function overTheWire(o: unknown): Json {
  return JSON.parse(JSON.stringify(o)) as Json;
}

const CREATED = '2026-01-15T09:30:00Z';

function podObject(p: PodPlan): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: Object.fromEntries(p.labels),
      creationTimestamp: CREATED,
      ...(p.terminating ? { deletionTimestamp: CREATED, deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: {
      containers: [
        {
          name: p.container,
          image: `registry.example.com/${p.container}:1.0.0`,
          ports: p.ports.map((c) => ({ ...(c.name ? { name: c.name } : {}), containerPort: c.port, protocol: c.protocol })),
        },
      ],
      ...(p.nodeName !== undefined ? { nodeName: p.nodeName } : {}),
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
      ...(p.hostname !== undefined ? { hostname: p.hostname } : {}),
      ...(p.subdomain !== undefined ? { subdomain: p.subdomain } : {}),
    },
    status: {
      phase: p.phase,
      conditions: [
        { type: 'Ready', status: p.ready ? 'True' : 'False' },
        { type: 'PodScheduled', status: p.nodeName !== undefined ? 'True' : 'False' },
      ],
      ...(p.ips.length > 0 ? { podIP: p.ips[0], podIPs: p.ips.map((ip) => ({ ip })) } : {}),
    },
  };
}

function serviceObject(s: ServicePlan): unknown {
  const spec: Record<string, unknown> = { type: s.type };
  if (s.headless) Object.assign(spec, { clusterIP: 'None', clusterIPs: ['None'] });
  else if (s.clusterIPs.length > 0) Object.assign(spec, { clusterIP: s.clusterIPs[0], clusterIPs: s.clusterIPs });
  if (s.ipFamilies.length > 0) Object.assign(spec, { ipFamilies: s.ipFamilies, ipFamilyPolicy: s.ipFamilies.length > 1 ? 'RequireDualStack' : 'SingleStack' });
  spec.ports = s.ports.map((p) => ({
    ...(p.name ? { name: p.name } : {}),
    port: p.port,
    targetPort: p.targetPort,
    protocol: p.protocol,
    ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  }));
  if (s.selector) spec.selector = Object.fromEntries(s.selector);
  if (s.externalName) spec.externalName = s.externalName;
  if (s.publishNotReadyAddresses) spec.publishNotReadyAddresses = true;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace, creationTimestamp: CREATED },
    spec,
    status: { loadBalancer: s.loadBalancerIngress.length > 0 ? { ingress: s.loadBalancerIngress } : {} },
  };
}

function sliceObject(s: SlicePlan): unknown {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: s.name,
      namespace: s.namespace,
      labels: { 'kubernetes.io/service-name': s.serviceName, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      creationTimestamp: CREATED,
    },
    addressType: s.addressType,
    endpoints: s.endpoints.map((e) => ({
      addresses: [e.address],
      conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
      ...(e.hostname !== undefined ? { hostname: e.hostname } : {}),
      ...(e.nodeName !== undefined ? { nodeName: e.nodeName } : {}),
      ...(e.pod ? { targetRef: { kind: 'Pod', namespace: e.pod.namespace, name: e.pod.name } } : {}),
    })),
    ports: s.ports,
  };
}

function reduceLive(plan: ClusterPlan): GeneratedCluster {
  const intern = new Interner();
  let warnings = 0;
  const warn = (): void => {
    warnings++;
  };
  // Lists built by pushing, as the live model's objects() builds them from its stores.
  const namespaces: Namespace[] = [];
  const nodes: Node[] = [];
  const services: Service[] = [];
  const pods: Pod[] = [];
  const endpointSlices: EndpointSlice[] = [];
  for (const name of plan.namespaces) namespaces.push(reduceNamespace(overTheWire({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
  for (const n of plan.nodes)
    nodes.push(reduceNode(overTheWire({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name }, status: { addresses: n.addresses } }), intern));
  for (const s of plan.services) services.push(reduceService(overTheWire(serviceObject(s)), intern, warn));
  // The live model's pod store, keyed as it keys it: endpoints of a known pod share its strings.
  const podStore = new Map<string, Pod>();
  for (const p of plan.pods) {
    const pod = reducePod(overTheWire(podObject(p)), intern, warn);
    pods.push(pod);
    podStore.set(`${pod.namespace}/${pod.name}`, pod);
  }
  const podOf = (namespace: string, name: string): Pod | undefined => podStore.get(`${namespace}/${name}`);
  for (const s of plan.slices) {
    const slice = reduceEndpointSlice(overTheWire(sliceObject(s)), intern, warn, undefined, podOf);
    if (slice) endpointSlices.push(slice);
  }
  return { objects: { namespaces, services, endpointSlices, pods, nodes }, internTables: intern, counts: plan.counts, warnings };
}

// ---------------------------------------------------------------------------------------------------------------
// shared and parsed: records written directly

const ZERO: readonly never[] = Object.freeze([]);

/** A 31-bit FNV-1a hash of a string: a small integer, so that a table keyed by it keeps no key strings. */
function hash31(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 1;
}

/**
 * Hash-consing of small immutable values by a content hash; a hit is confirmed by comparing contents, and the
 * rare colliding value goes to an overflow table keyed by its full content.
 */
class InternTable<T> {
  private readonly byHash = new Map<number, T>();
  private readonly overflow = new Map<string, T>();

  constructor(private readonly keyOf: (value: T) => string) {}

  get(key: string, build: () => T): T {
    const h = hash31(key);
    const hit = this.byHash.get(h);
    if (hit === undefined) {
      const v = build();
      this.byHash.set(h, v);
      return v;
    }
    if (this.keyOf(hit) === key) return hit;
    let v = this.overflow.get(key);
    if (v === undefined) {
      v = build();
      this.overflow.set(key, v);
    }
    return v;
  }
}

const labelsKey = (entries: Iterable<readonly [string, string]>): string => {
  let key = '';
  for (const [k, v] of entries) key += `${k}=${v},`;
  return key;
};
const containerPortsKey = (ports: readonly ContainerPort[]): string => ports.map((p) => `${p.container}/${p.name}/${p.containerPort}/${p.protocol}`).join(',');
const endpointPortsKey = (ports: readonly EndpointPort[]): string => ports.map((p) => `${p.name}/${p.port}/${p.protocol}/${p.appProtocol ?? ''}`).join(',');

class Reducer {
  private readonly strings = new Map<string, string>();
  private readonly labelSets = new InternTable<Labels>((l) => labelsKey(Object.entries(l)));
  private readonly containerPortSets = new InternTable<readonly ContainerPort[]>(containerPortsKey);
  private readonly endpointPortSets = new InternTable<readonly EndpointPort[]>(endpointPortsKey);
  private readonly familySets = new Map<string, readonly IPFamilyName[]>();
  private readonly hostIPSets = new Map<string, readonly string[]>();

  constructor(readonly share: boolean) {}

  get tables(): unknown {
    return this.share ? [this.strings, this.labelSets, this.containerPortSets, this.endpointPortSets, this.familySets, this.hostIPSets] : undefined;
  }

  /** A string as JSON.parse gives it to the watch: a fresh copy, unless V8 interns it (10 characters or fewer). */
  parsed(s: string): string {
    return JSON.parse(`"${s}"`) as string;
  }

  /** A string that recurs between objects: one instance when sharing. */
  common(s: string): string {
    if (!this.share) return this.parsed(s);
    let v = this.strings.get(s);
    if (v === undefined) {
      v = this.parsed(s);
      this.strings.set(v, v);
    }
    return v;
  }

  labels(entries: LabelList): Labels {
    const build = (): Labels => {
      const out: Record<string, string> = {};
      for (const [k, v] of entries) out[this.common(k)] = this.common(v);
      return out;
    };
    return this.share ? this.labelSets.get(labelsKey(entries), build) : build();
  }

  containerPorts(ports: readonly ContainerPort[]): readonly ContainerPort[] {
    const build = (): ContainerPort[] =>
      ports.map((p) => ({ name: this.common(p.name), containerPort: p.containerPort, protocol: p.protocol, container: this.common(p.container) }));
    if (ports.length === 0) return this.empty();
    return this.share ? this.containerPortSets.get(containerPortsKey(ports), build) : build();
  }

  endpointPorts(ports: readonly EndpointPort[]): readonly EndpointPort[] {
    const build = (): EndpointPort[] =>
      ports.map((p) =>
        p.appProtocol
          ? { name: this.common(p.name), port: p.port, protocol: p.protocol, appProtocol: this.common(p.appProtocol) }
          : { name: this.common(p.name), port: p.port, protocol: p.protocol },
      );
    return this.share ? this.endpointPortSets.get(endpointPortsKey(ports), build) : build();
  }

  families(list: readonly IPFamilyName[]): readonly IPFamilyName[] {
    if (list.length === 0) return this.empty();
    if (!this.share) return [...list];
    const key = list.join(',');
    let v = this.familySets.get(key);
    if (v === undefined) {
      v = Object.freeze([...list]);
      this.familySets.set(key, v);
    }
    return v;
  }

  /** The IPs of a host-network pod: its node's, one list shared by the node's host-network pods. */
  hostIPs(ip: string): readonly string[] {
    if (!this.share) return [this.parsed(ip)];
    let v = this.hostIPSets.get(ip);
    if (v === undefined) {
      v = [this.common(ip)];
      this.hostIPSets.set(ip, v);
    }
    return v;
  }

  empty<T>(): readonly T[] {
    return this.share ? ZERO : [];
  }
}

function reduceByHand(plan: ClusterPlan, share: boolean): GeneratedCluster {
  const r = new Reducer(share);
  const namespaces: Namespace[] = plan.namespaces.map((name) => ({ name: r.common(name) }));
  const nodes: Node[] = plan.nodes.map((n) => ({
    name: r.common(n.name),
    addresses: n.addresses.map((a) => ({
      type: a.type,
      address: a.type === 'InternalIP' ? r.common(a.address) : a.type === 'Hostname' ? r.common(a.address) : r.parsed(a.address),
    })),
  }));

  // One literal per shape, as a reducer writes them: optional fields absent rather than undefined.
  const services: Service[] = plan.services.map((s) => {
    const clusterIPs = s.clusterIPs.length === 0 ? r.empty<string>() : s.clusterIPs.map((ip) => r.parsed(ip));
    const ipFamilies = r.families(s.ipFamilies);
    const ports: ServicePort[] = s.ports.map((p) => {
      const name = r.common(p.name);
      const targetPort = typeof p.targetPort === 'string' ? r.common(p.targetPort) : p.targetPort;
      if (p.nodePort !== undefined && p.appProtocol)
        return { name, port: p.port, targetPort, protocol: p.protocol, nodePort: p.nodePort, appProtocol: r.common(p.appProtocol) };
      if (p.nodePort !== undefined) return { name, port: p.port, targetPort, protocol: p.protocol, nodePort: p.nodePort };
      if (p.appProtocol) return { name, port: p.port, targetPort, protocol: p.protocol, appProtocol: r.common(p.appProtocol) };
      return { name, port: p.port, targetPort, protocol: p.protocol };
    });
    const ingress: readonly LoadBalancerIngress[] =
      s.loadBalancerIngress.length === 0 ? r.empty() : s.loadBalancerIngress.map((i) => (i.ip ? { ip: r.parsed(i.ip) } : { hostname: r.parsed(i.hostname!) }));
    const namespace = r.common(s.namespace);
    const name = r.parsed(s.name);
    const { type, headless, publishNotReadyAddresses } = s;
    const externalIPs = r.empty<string>();
    if (s.selector) {
      const selector = r.labels(s.selector);
      return {
        namespace,
        name,
        type,
        headless,
        clusterIPs,
        clusterIPPending: false,
        ipFamilies,
        ports,
        selector,
        publishNotReadyAddresses,
        externalIPs,
        loadBalancerIngress: ingress,
      };
    }
    if (s.externalName) {
      const externalName = r.parsed(s.externalName);
      return {
        namespace,
        name,
        type,
        headless,
        clusterIPs,
        clusterIPPending: false,
        ipFamilies,
        ports,
        externalName,
        publishNotReadyAddresses,
        externalIPs,
        loadBalancerIngress: ingress,
      };
    }
    return {
      namespace,
      name,
      type,
      headless,
      clusterIPs,
      clusterIPPending: false,
      ipFamilies,
      ports,
      publishNotReadyAddresses,
      externalIPs,
      loadBalancerIngress: ingress,
    };
  });

  const podRecords = new Map<PodPlan, Pod>();
  const pods: Pod[] = plan.pods.map((p) => {
    let ips: readonly string[] = r.empty();
    if (p.hostNetwork && p.ips.length > 0) ips = r.hostIPs(p.ips[0]!);
    else if (p.ips.length > 0) ips = p.ips.map((ip) => r.parsed(ip));
    const namespace = r.common(p.namespace);
    const name = r.parsed(p.name);
    const labels = r.labels(p.labels);
    const ports = r.containerPorts(p.ports.map((c) => ({ name: c.name, containerPort: c.port, protocol: c.protocol, container: p.container })));
    const { ready, hostNetwork, terminating, phase } = p;
    let pod: Pod;
    if (p.hostname !== undefined && p.subdomain !== undefined && p.nodeName !== undefined) {
      const hostname = r.parsed(p.hostname);
      const subdomain = r.common(p.subdomain);
      const nodeName = r.common(p.nodeName);
      pod = { namespace, name, ips, labels, ready, hostNetwork, terminating, ports, hostname, subdomain, nodeName, phase };
    } else if (p.nodeName !== undefined) {
      const nodeName = r.common(p.nodeName);
      pod = { namespace, name, ips, labels, ready, hostNetwork, terminating, ports, nodeName, phase };
    } else {
      pod = { namespace, name, ips, labels, ready, hostNetwork, terminating, ports, phase };
    }
    podRecords.set(p, pod);
    return pod;
  });

  const serviceRecords = new Map<string, Service>();
  for (const svc of services) serviceRecords.set(`${svc.namespace}/${svc.name}`, svc);
  const endpointSlices: EndpointSlice[] = plan.slices.map((s) => {
    const endpoints: Endpoint[] = s.endpoints.map((e) => {
      const { ready, serving, terminating } = e;
      const pod = e.pod ? podRecords.get(e.pod) : undefined;
      if (!pod) return { addresses: [r.parsed(e.address)], ready, serving, terminating };
      // The reducer finds the pod by its targetRef and reuses what the two share.
      const addresses = share ? (pod.ips.length === 1 ? pod.ips : [pod.ips.find((ip) => ip === e.address)!]) : [r.parsed(e.address)];
      const targetRef = { kind: 'Pod', namespace: r.common(s.namespace), name: share ? pod.name : r.parsed(pod.name) };
      const nodeName = r.common(e.nodeName!);
      if (e.hostname !== undefined) {
        const hostname = share ? pod.hostname! : r.parsed(e.hostname);
        return { addresses, ready, serving, terminating, targetRef, hostname, nodeName };
      }
      return { addresses, ready, serving, terminating, targetRef, nodeName };
    });
    return {
      namespace: r.common(s.namespace),
      name: r.parsed(s.name),
      serviceName: share ? serviceRecords.get(`${s.namespace}/${s.serviceName}`)!.name : r.parsed(s.serviceName),
      addressType: s.addressType,
      endpoints,
      ports: r.endpointPorts(s.ports),
    };
  });

  return { objects: { namespaces, services, endpointSlices, pods, nodes }, internTables: r.tables, counts: plan.counts, warnings: 0 };
}
