/**
 * An immutable picture of a cluster with the indexes that make every question a hash probe: objects by
 * namespace and name, EndpointSlices by Service, and owners by IP.
 */
import { canonicalIP } from './ip';
import type { ClusterObjects, Endpoint, EndpointSlice, Namespace, Node, Pod, Service } from './model';

export interface SnapshotOptions {
  /**
   * Namespaces that exist although no Namespace object says so. The workspace model lists the namespaces its
   * objects use and the ones every cluster has; the live model lists none, since it sees every Namespace.
   */
  readonly implicitNamespaces?: Iterable<string>;
}

/** One thing an IP belongs to. */
export type IpOwner =
  | { readonly kind: 'ClusterIP'; readonly service: Service }
  | { readonly kind: 'ExternalIP'; readonly service: Service }
  | { readonly kind: 'LoadBalancerIngress'; readonly service: Service }
  | { readonly kind: 'Pod'; readonly pod: Pod }
  | { readonly kind: 'Node'; readonly node: Node; readonly addressType: string }
  | { readonly kind: 'Endpoint'; readonly slice: EndpointSlice; readonly endpoint: Endpoint; readonly service: Service | undefined };

/** A value in an IP index: one owner in the common case, an array when several share the address. */
type OneOrMany<T> = T | T[];

function add<K, T>(map: Map<K, OneOrMany<T>>, key: K, value: T): void {
  const existing = map.get(key);
  if (existing === undefined) map.set(key, value);
  else if (Array.isArray(existing)) {
    if (!existing.includes(value)) existing.push(value);
  } else if (existing !== value) map.set(key, [existing, value]);
}

function all<T>(value: OneOrMany<T> | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function nested<T>(outer: Map<string, Map<string, T>>, ns: string): Map<string, T> {
  let inner = outer.get(ns);
  if (!inner) {
    inner = new Map();
    outer.set(ns, inner);
  }
  return inner;
}

const EMPTY: readonly never[] = Object.freeze([]);

export class ClusterSnapshot {
  private readonly namespaceMap = new Map<string, Namespace | undefined>();
  private readonly serviceMap = new Map<string, Map<string, Service>>();
  private readonly sliceMap = new Map<string, Map<string, EndpointSlice[]>>();
  private readonly podMap = new Map<string, Map<string, Pod>>();
  private readonly nodeMap = new Map<string, Node>();
  private readonly serviceIPs = new Map<string, OneOrMany<Service>>();
  private readonly serviceExternalIPs = new Map<string, OneOrMany<Service>>();
  private readonly podIPs = new Map<string, OneOrMany<Pod>>();
  private readonly endpointIPs = new Map<string, OneOrMany<EndpointSlice>>();
  private readonly nodeIPs = new Map<string, OneOrMany<Node>>();
  private counts = { namespaces: 0, services: 0, endpointSlices: 0, pods: 0, nodes: 0 };

  static build(objects: ClusterObjects, options: SnapshotOptions = {}): ClusterSnapshot {
    const s = new ClusterSnapshot();
    for (const ns of options.implicitNamespaces ?? EMPTY) if (!s.namespaceMap.has(ns)) s.namespaceMap.set(ns, undefined);
    for (const ns of objects.namespaces) s.namespaceMap.set(ns.name, ns);
    for (const svc of objects.services) {
      nested(s.serviceMap, svc.namespace).set(svc.name, svc);
      for (const ip of svc.clusterIPs) add(s.serviceIPs, ip, svc);
      for (const ip of svc.externalIPs) add(s.serviceExternalIPs, ip, svc);
      for (const ing of svc.loadBalancerIngress) if (ing.ip) add(s.serviceExternalIPs, ing.ip, svc);
    }
    for (const slice of objects.endpointSlices) {
      if (slice.serviceName !== undefined) {
        const bySvc = nested(s.sliceMap, slice.namespace);
        const list = bySvc.get(slice.serviceName);
        if (list) list.push(slice);
        else bySvc.set(slice.serviceName, [slice]);
      }
      if (slice.addressType === 'FQDN') continue;
      for (const ep of slice.endpoints) for (const ip of ep.addresses) add(s.endpointIPs, ip, slice);
    }
    for (const pod of objects.pods) {
      nested(s.podMap, pod.namespace).set(pod.name, pod);
      for (const ip of pod.ips) add(s.podIPs, ip, pod);
    }
    for (const node of objects.nodes) {
      s.nodeMap.set(node.name, node);
      for (const a of node.addresses) {
        const ip = canonicalIP(a.address);
        if (ip) add(s.nodeIPs, ip, node);
      }
    }
    s.counts = {
      namespaces: s.namespaceMap.size,
      services: objects.services.length,
      endpointSlices: objects.endpointSlices.length,
      pods: objects.pods.length,
      nodes: objects.nodes.length,
    };
    return s;
  }

  get size(): Readonly<typeof this.counts> {
    return this.counts;
  }

  hasNamespace(name: string): boolean {
    return this.namespaceMap.has(name);
  }

  /** The Namespace object, when one was seen (implicit namespaces have none). */
  namespace(name: string): Namespace | undefined {
    return this.namespaceMap.get(name);
  }

  namespaceNames(): string[] {
    return [...this.namespaceMap.keys()].sort();
  }

  service(namespace: string, name: string): Service | undefined {
    return this.serviceMap.get(namespace)?.get(name);
  }

  servicesIn(namespace: string): Iterable<Service> {
    return this.serviceMap.get(namespace)?.values() ?? EMPTY;
  }

  *services(): Iterable<Service> {
    for (const inner of this.serviceMap.values()) yield* inner.values();
  }

  /** The EndpointSlices labelled with this Service's name, in the order they were given. */
  slicesOf(namespace: string, serviceName: string): readonly EndpointSlice[] {
    return this.sliceMap.get(namespace)?.get(serviceName) ?? EMPTY;
  }

  pod(namespace: string, name: string): Pod | undefined {
    return this.podMap.get(namespace)?.get(name);
  }

  podsIn(namespace: string): Iterable<Pod> {
    return this.podMap.get(namespace)?.values() ?? EMPTY;
  }

  *pods(): Iterable<Pod> {
    for (const inner of this.podMap.values()) yield* inner.values();
  }

  node(name: string): Node | undefined {
    return this.nodeMap.get(name);
  }

  nodes(): Iterable<Node> {
    return this.nodeMap.values();
  }

  /** Services whose cluster IPs include `ip` (canonical text). */
  servicesWithClusterIP(ip: string): readonly Service[] {
    return all(this.serviceIPs.get(ip));
  }

  /** Pods whose pod IPs include `ip` (canonical text). Host-network pods share their node's IP. */
  podsWithIP(ip: string): readonly Pod[] {
    return all(this.podIPs.get(ip));
  }

  /** Endpoints with this address, with their slices and Services. */
  endpointsWithIP(ip: string): { slice: EndpointSlice; endpoint: Endpoint; service: Service | undefined }[] {
    const out: { slice: EndpointSlice; endpoint: Endpoint; service: Service | undefined }[] = [];
    for (const slice of all(this.endpointIPs.get(ip))) {
      const service = slice.serviceName === undefined ? undefined : this.service(slice.namespace, slice.serviceName);
      for (const endpoint of slice.endpoints) if (endpoint.addresses.includes(ip)) out.push({ slice, endpoint, service });
    }
    return out;
  }

  /** Everything `ip` belongs to, most specific first; empty when nothing in the snapshot owns it. */
  ownersOf(ipText: string): IpOwner[] {
    const ip = canonicalIP(ipText);
    if (ip === undefined) return [];
    const owners: IpOwner[] = [];
    for (const service of all(this.serviceIPs.get(ip))) owners.push({ kind: 'ClusterIP', service });
    for (const service of all(this.serviceExternalIPs.get(ip))) {
      if (service.externalIPs.includes(ip)) owners.push({ kind: 'ExternalIP', service });
      if (service.loadBalancerIngress.some((i) => i.ip === ip)) owners.push({ kind: 'LoadBalancerIngress', service });
    }
    for (const pod of all(this.podIPs.get(ip))) owners.push({ kind: 'Pod', pod });
    for (const node of all(this.nodeIPs.get(ip))) {
      for (const a of node.addresses) if (canonicalIP(a.address) === ip) owners.push({ kind: 'Node', node, addressType: a.type });
    }
    for (const hit of this.endpointsWithIP(ip)) owners.push({ kind: 'Endpoint', ...hit });
    return owners;
  }
}
