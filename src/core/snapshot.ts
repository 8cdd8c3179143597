/**
 * An immutable picture of a cluster with the indexes that make every question a hash probe: objects by
 * namespace and name, EndpointSlices by Service, and owners by IP.
 *
 * The indexes that grow with the number of pods (pods by name, pods by IP, endpoints by IP) are open-addressing
 * hash tables of 32-bit positions into the snapshot's own arrays: the key is not stored, since the object at
 * that position holds it, and a probe compares it there. At cluster scale (150,000 pods) this costs about
 * 7 bytes per entry where a Map costs about 37, and it lets an IP lead straight to its endpoint instead of to
 * a slice that would then be scanned. The smaller indexes (Services, slices, nodes, namespaces) stay Maps.
 * The snapshot keeps its own copies of the pod and slice lists, so a caller may go on changing its arrays.
 */
import { countEndpoints, type EndpointCounts, NO_ENDPOINTS } from './endpoints';
import { hashKey, hashPair } from './hash';
import { canonicalIP } from './ip';
import { LabelIndex } from './labels';
import type { ClusterObjects, Endpoint, EndpointSlice, Labels, Namespace, NetworkPolicy, Node, OtherPolicy, Pod, Service } from './model';

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

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * An open-addressing hash table with linear probing whose slots hold positions (+ 1; 0 is empty) into one of the
 * snapshot's arrays. The capacity is a power of two with the load at most 0.7, so a probe ends after a few slots.
 * The top 8 bits of a slot keep 8 bits of the key's hash, so that most slots of other keys are passed over
 * without reading their object; tables over arrays of 2^24 or more (far beyond any cluster) go without them.
 */
class PositionTable {
  readonly slots: Int32Array;
  readonly mask: number;
  readonly tagMask: number;
  readonly positionMask: number;

  /** `positions`: the length of the array the positions point into. */
  constructor(entries: number, positions: number) {
    let capacity = 8;
    while (capacity * 0.7 < entries) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    const tagged = positions < 0xffffff;
    this.tagMask = tagged ? 0xff000000 | 0 : 0;
    this.positionMask = tagged ? 0xffffff : 0x7fffffff;
  }

  /** The positions stored under `hash` for which `matches` holds, each once, in ascending order. */
  find(hash: number, matches: (position: number) => boolean): number[] | undefined {
    const { slots, mask, tagMask, positionMask } = this;
    const tag = hash & tagMask;
    let found: number[] | undefined;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === 0) break;
      if ((slot & tagMask) !== tag) continue;
      const p = (slot & positionMask) - 1;
      if (matches(p) && !(found ??= []).includes(p)) found.push(p);
    }
    return found && inOrder(found);
  }

  insert(hash: number, position: number): void {
    const { slots, mask } = this;
    let i = hash & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = (hash & this.tagMask) | (position + 1);
  }
}

const NO_TABLE = new PositionTable(0, 0);

/** Sorts positions found along a probe sequence back into the order of the snapshot's arrays. */
function inOrder(positions: number[]): number[] {
  return positions.length > 1 ? positions.sort((a, b) => a - b) : positions;
}

export class ClusterSnapshot {
  private readonly namespaceMap = new Map<string, Namespace | undefined>();
  private readonly serviceMap = new Map<string, Map<string, Service>>();
  private readonly sliceMap = new Map<string, Map<string, EndpointSlice[]>>();
  private readonly nodeMap = new Map<string, Node>();
  private readonly serviceIPs = new Map<string, OneOrMany<Service>>();
  private readonly serviceExternalIPs = new Map<string, OneOrMany<Service>>();
  private readonly nodeIPs = new Map<string, OneOrMany<Node>>();
  /** The pods given, in order (a duplicate namespace/name keeps its place here; the later one wins by name). */
  private podList: readonly Pod[] = EMPTY;
  /** Positions in `podList` by namespace and name. */
  private podByName = NO_TABLE;
  /** Positions in `podList` by pod IP, one entry per IP of a pod. */
  private podByIP = NO_TABLE;
  /** The winners by name, grouped by namespace (namespaces in order of their first pod), for iteration. */
  private podOrder: Int32Array = new Int32Array(0);
  private podRanges = new Map<string, readonly [number, number]>();
  /** The slices given, in order, and the position of each one's first endpoint in the numbering of all endpoints. */
  private sliceList: readonly EndpointSlice[] = EMPTY;
  private endpointStart: Int32Array = new Int32Array(1);
  /** Endpoint numbers by address, one entry per address of an endpoint of an IPv4 or IPv6 slice. */
  private endpointByIP = NO_TABLE;
  private counts = { namespaces: 0, services: 0, endpointSlices: 0, pods: 0, nodes: 0 };
  /**
   * The NetworkPolicies the model read, as given; undefined when it read none (a live model without the watch, or
   * one RBAC forbids), which policy verdicts take as "unknown" rather than "no policy". Indexed on first use by
   * the policy code (core/reach), not here, so that a snapshot nobody asks about policy costs nothing more.
   */
  networkPolicies: readonly NetworkPolicy[] | undefined;
  /** Policies of other APIs that NetLens reports without evaluating; undefined when not read. */
  otherPolicies: readonly OtherPolicy[] | undefined;

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
    s.indexSlices(objects.endpointSlices);
    s.indexPods(objects.pods);
    for (const node of objects.nodes) {
      s.nodeMap.set(node.name, node);
      for (const a of node.addresses) {
        const ip = canonicalIP(a.address);
        if (ip) add(s.nodeIPs, ip, node);
      }
    }
    s.networkPolicies = objects.networkPolicies;
    s.otherPolicies = objects.otherPolicies;
    s.counts = {
      namespaces: s.namespaceMap.size,
      services: objects.services.length,
      endpointSlices: objects.endpointSlices.length,
      pods: objects.pods.length,
      nodes: objects.nodes.length,
    };
    return s;
  }

  private indexSlices(given: readonly EndpointSlice[]): void {
    const slices = given.slice();
    const start = new Int32Array(slices.length + 1);
    let endpoints = 0;
    let addresses = 0;
    for (let i = 0; i < slices.length; i++) {
      const slice = slices[i]!;
      start[i] = endpoints;
      endpoints += slice.endpoints.length;
      if (slice.addressType !== 'FQDN') for (const ep of slice.endpoints) addresses += ep.addresses.length;
      if (slice.serviceName !== undefined) {
        const bySvc = nested(this.sliceMap, slice.namespace);
        const list = bySvc.get(slice.serviceName);
        if (list) list.push(slice);
        else bySvc.set(slice.serviceName, [slice]);
      }
    }
    start[slices.length] = endpoints;
    const byIP = new PositionTable(addresses, endpoints);
    for (let i = 0; i < slices.length; i++) {
      const slice = slices[i]!;
      if (slice.addressType === 'FQDN') continue;
      const eps = slice.endpoints;
      for (let e = 0; e < eps.length; e++) {
        const list = eps[e]!.addresses;
        for (let a = 0; a < list.length; a++) {
          // An address listed twice by one endpoint is indexed once.
          if (list.indexOf(list[a]!) === a) byIP.insert(hashKey(list[a]!), start[i]! + e);
        }
      }
    }
    this.sliceList = slices;
    this.endpointStart = start;
    this.endpointByIP = byIP;
  }

  private indexPods(given: readonly Pod[]): void {
    const pods = given.slice();
    const byName = new PositionTable(pods.length, pods.length);
    const { slots, mask, tagMask, positionMask } = byName;
    /** For each pod that holds a name in the index, the position of the first pod with that name. */
    const firstOf = new Int32Array(pods.length);
    let ips = 0;
    for (let p = 0; p < pods.length; p++) {
      const pod = pods[p]!;
      ips += pod.ips.length;
      // As Map.set: a later pod of the same namespace and name replaces the earlier one, in its place.
      const hash = hashPair(pod.namespace, pod.name);
      const tag = hash & tagMask;
      let i = hash & mask;
      for (;;) {
        const slot = slots[i]!;
        if (slot === 0) {
          slots[i] = tag | (p + 1);
          firstOf[p] = p;
          break;
        }
        if ((slot & tagMask) === tag) {
          const q = (slot & positionMask) - 1;
          const other = pods[q]!;
          if (other.name === pod.name && other.namespace === pod.namespace) {
            slots[i] = tag | (p + 1);
            firstOf[p] = firstOf[q]!;
            break;
          }
        }
        i = (i + 1) & mask;
      }
    }
    const byIP = new PositionTable(ips, pods.length);
    for (let p = 0; p < pods.length; p++) {
      const list = pods[p]!.ips;
      for (let a = 0; a < list.length; a++) if (list.indexOf(list[a]!) === a) byIP.insert(hashKey(list[a]!), p);
    }
    // Iteration order, as the nested Maps it replaces: namespaces by their first pod, then each name at the
    // place of its first pod, with the pod that won it.
    const winnerAt = new Int32Array(pods.length).fill(-1);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      if (slot === 0) continue;
      const w = (slot & positionMask) - 1;
      winnerAt[firstOf[w]!] = w;
    }
    const nsIndex = new Map<string, number>();
    const nsOf = new Int32Array(pods.length);
    const perNs: number[] = [];
    for (let p = 0; p < pods.length; p++) {
      const ns = pods[p]!.namespace;
      let n = nsIndex.get(ns);
      if (n === undefined) {
        n = perNs.length;
        nsIndex.set(ns, n);
        perNs.push(0);
      }
      nsOf[p] = n;
      if (winnerAt[p]! >= 0) perNs[n]!++;
    }
    const offsets: number[] = [];
    let total = 0;
    for (const c of perNs) {
      offsets.push(total);
      total += c;
    }
    const order = new Int32Array(total);
    const fill = offsets.slice();
    for (let p = 0; p < pods.length; p++) if (winnerAt[p]! >= 0) order[fill[nsOf[p]!]!++] = winnerAt[p]!;
    const ranges = new Map<string, readonly [number, number]>();
    for (const [ns, n] of nsIndex) if (perNs[n]! > 0) ranges.set(ns, [offsets[n]!, offsets[n]! + perNs[n]!]);
    this.podList = pods;
    this.podByName = byName;
    this.podByIP = byIP;
    this.podOrder = order;
    this.podRanges = ranges;
  }

  /** The slice that holds endpoint number `n`: a binary search over the first endpoint of each slice. */
  private sliceOfEndpoint(n: number): number {
    const start = this.endpointStart;
    let lo = 0;
    let hi = start.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (start[mid]! <= n) lo = mid;
      else hi = mid - 1;
    }
    // Slices without endpoints share their start with the next one: the one holding `n` is the last of them.
    return lo;
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

  private servicesByFile: Map<string, Service[]> | undefined;
  private servicesByName: Map<string, Service[]> | undefined;

  /**
   * The Services declared in one file (their source's uri), in the order of services(). Indexed on first use: a
   * check of every file of a large repository asks this once per file.
   */
  servicesDeclaredIn(uri: string): readonly Service[] {
    if (!this.servicesByFile) {
      this.servicesByFile = new Map();
      for (const svc of this.services()) if (svc.source) pushTo(this.servicesByFile, svc.source.uri, svc);
    }
    return this.servicesByFile.get(uri) ?? EMPTY;
  }

  /** The Services of this name in every namespace, in the order of services(); indexed on first use. */
  servicesNamed(name: string): readonly Service[] {
    if (!this.servicesByName) {
      this.servicesByName = new Map();
      for (const svc of this.services()) pushTo(this.servicesByName, svc.name, svc);
    }
    return this.servicesByName.get(name) ?? EMPTY;
  }

  /** The EndpointSlices labelled with this Service's name, in the order they were given. */
  slicesOf(namespace: string, serviceName: string): readonly EndpointSlice[] {
    return this.sliceMap.get(namespace)?.get(serviceName) ?? EMPTY;
  }

  private readonly endpointCountCache = new Map<readonly EndpointSlice[], EndpointCounts>();
  private labelIndex: LabelIndex<Pod> | undefined;

  /** The pods of `namespace` a label selector selects (the index is built on first use). */
  podsSelectedBy(namespace: string, selector: Labels): Pod[] {
    this.labelIndex ??= new LabelIndex(this.pods());
    return this.labelIndex.select(namespace, selector);
  }

  /** How many pods stand behind a Service's endpoints, ready or not (see `countEndpoints`), computed once per snapshot. */
  endpointCounts(namespace: string, serviceName: string): EndpointCounts {
    const slices = this.slicesOf(namespace, serviceName);
    if (slices.length === 0) return NO_ENDPOINTS;
    let counts = this.endpointCountCache.get(slices);
    if (counts === undefined) {
      counts = countEndpoints(slices.flatMap((s) => s.endpoints));
      this.endpointCountCache.set(slices, counts);
    }
    return counts;
  }

  pod(namespace: string, name: string): Pod | undefined {
    const { slots, mask, tagMask, positionMask } = this.podByName;
    const hash = hashPair(namespace, name);
    const tag = hash & tagMask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === 0) return undefined;
      if ((slot & tagMask) !== tag) continue;
      const pod = this.podList[(slot & positionMask) - 1]!;
      if (pod.name === name && pod.namespace === namespace) return pod;
    }
  }

  podsIn(namespace: string): Iterable<Pod> {
    const range = this.podRanges.get(namespace);
    if (!range) return EMPTY;
    const out: Pod[] = [];
    for (let i = range[0]; i < range[1]; i++) out.push(this.podList[this.podOrder[i]!]!);
    return out;
  }

  *pods(): Iterable<Pod> {
    for (let i = 0; i < this.podOrder.length; i++) yield this.podList[this.podOrder[i]!]!;
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
    // As PositionTable.find, without its lists: most addresses have one pod, found once.
    const { slots, mask, tagMask, positionMask } = this.podByIP;
    const list = this.podList;
    const hash = hashKey(ip);
    const tag = hash & tagMask;
    let first = -1;
    let more: number[] | undefined;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === 0) break;
      if ((slot & tagMask) !== tag) continue;
      const p = (slot & positionMask) - 1;
      if (p === first || !list[p]!.ips.includes(ip)) continue;
      if (first < 0) first = p;
      else if (!(more ??= [first]).includes(p)) more.push(p);
    }
    if (first < 0) return EMPTY;
    if (more === undefined) return [list[first]!];
    const out: Pod[] = [];
    for (const p of inOrder(more)) {
      const pod = list[p]!;
      if (!out.includes(pod)) out.push(pod);
    }
    return out;
  }

  /** Endpoints with this address, with their slices and Services, in the order of the slices and their endpoints. */
  endpointsWithIP(ip: string): { slice: EndpointSlice; endpoint: Endpoint; service: Service | undefined }[] {
    const found = this.endpointByIP.find(hashKey(ip), (n) => {
      const s = this.sliceOfEndpoint(n);
      return this.sliceList[s]!.endpoints[n - this.endpointStart[s]!]!.addresses.includes(ip);
    });
    const out: { slice: EndpointSlice; endpoint: Endpoint; service: Service | undefined }[] = [];
    if (found === undefined) return out;
    for (const n of found) {
      const s = this.sliceOfEndpoint(n);
      const slice = this.sliceList[s]!;
      const endpoint = slice.endpoints[n - this.endpointStart[s]!]!;
      // The same slice given twice counts once.
      if (out.some((o) => o.slice === slice && o.endpoint === endpoint)) continue;
      const service = slice.serviceName === undefined ? undefined : this.service(slice.namespace, slice.serviceName);
      out.push({ slice, endpoint, service });
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
    for (const pod of this.podsWithIP(ip)) owners.push({ kind: 'Pod', pod });
    for (const node of all(this.nodeIPs.get(ip))) {
      for (const a of node.addresses) if (canonicalIP(a.address) === ip) owners.push({ kind: 'Node', node, addressType: a.type });
    }
    for (const hit of this.endpointsWithIP(ip)) owners.push({ kind: 'Endpoint', slice: hit.slice, endpoint: hit.endpoint, service: hit.service });
    return owners;
  }
}
