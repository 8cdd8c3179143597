/**
 * Reduces Kubernetes API objects (plain JSON, as the API server sends them) to the records of model.ts, keeping
 * only what DNS and reachability need. Strings and small structures that repeat across thousands of objects
 * (namespaces, node names, label sets, port lists) are interned so that a large cluster stays small in memory.
 */
import { sameItems } from './arrays';
import { hashKey } from './hash';
import { canonicalIP } from './ip';
import type {
  ContainerPort,
  Endpoint,
  EndpointPort,
  EndpointSlice,
  IPFamilyName,
  Labels,
  LoadBalancerIngress,
  Namespace,
  Node,
  ObjectRef,
  Pod,
  Protocol,
  Service,
  ServicePort,
  ServiceType,
} from './model';
import { DEFAULT_NAMESPACE } from './names';

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
export function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}
export function stringMap(v: unknown): Record<string, string> | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}
export function protocol(v: unknown): Protocol {
  return v === 'UDP' || v === 'SCTP' ? v : 'TCP';
}

const EMPTY: readonly never[] = Object.freeze([]);
const NO_LABELS: Labels = Object.freeze({});

/**
 * Shares equal strings and structures between the objects of one model. Structures are found by a hash of their
 * content, confirmed by comparing the content, so that the table keeps no key strings (at 150,000 pods those cost
 * more than the label sets they find). The tables are bounded: a live model runs for days while pods come and go
 * with new names and label sets, so past a size they start afresh (the objects already made keep what they share;
 * only later sharing starts over).
 */
export class Interner {
  private strings = new Map<string, string>();
  private structures = new StructureTable();
  /** Structures whose hash another structure holds, by their full content (rare). */
  private collided = new Map<string, unknown>();

  constructor(private readonly limit = 200_000) {}

  s(value: string): string {
    const found = this.strings.get(value);
    if (found !== undefined) return found;
    if (this.strings.size >= this.limit) this.strings = new Map();
    this.strings.set(value, value);
    return value;
  }

  labels(value: Record<string, string> | undefined): Labels {
    if (!value) return NO_LABELS;
    const keys = Object.keys(value);
    if (keys.length === 0) return NO_LABELS;
    return this.structure('L', value, () => {
      const out: Record<string, string> = {};
      for (const k of keys) out[this.s(k)] = this.s(value[k]!);
      return Object.freeze(out);
    });
  }

  /** One frozen list for equal lists of plain data; `kind` keeps lists of different things apart. */
  list<T>(kind: string, items: T[]): readonly T[] {
    if (items.length === 0) return EMPTY;
    return this.structure(kind, items, () => Object.freeze(items));
  }

  private structure<T>(kind: string, value: unknown, make: () => T): T {
    const key = kind + JSON.stringify(value);
    // 31 bits: a small integer, so that the table keyed by it holds no key strings.
    const h = hashKey(key) >>> 1;
    const found = this.structures.get(h);
    if (found === undefined) {
      if (this.structures.size >= this.limit) {
        this.structures = new StructureTable();
        this.collided = new Map();
      }
      const made = make();
      this.structures.set(h, made);
      return made;
    }
    if (kind + JSON.stringify(found) === key) return found as T;
    const other = this.collided.get(key);
    if (other !== undefined) return other as T;
    const made = make();
    this.collided.set(key, made);
    return made;
  }
}

/**
 * Structures by a 31-bit hash of their content, in two flat arrays with open addressing: at 35,000 structures a
 * Map<number, unknown> takes 1.8 MB, this table 0.8 MB.
 */
class StructureTable {
  private hashes = new Int32Array(1024).fill(-1);
  private values: unknown[] = new Array<unknown>(1024).fill(undefined);
  size = 0;

  get(hash: number): unknown {
    const { hashes } = this;
    const mask = hashes.length - 1;
    for (let i = hash & mask; hashes[i] !== -1; i = (i + 1) & mask) if (hashes[i] === hash) return this.values[i];
    return undefined;
  }

  /** A hash not in the table yet. */
  set(hash: number, value: unknown): void {
    if ((this.size + 1) * 10 > this.hashes.length * 7) this.grow();
    this.place(hash, value);
    this.size++;
  }

  private place(hash: number, value: unknown): void {
    const { hashes } = this;
    const mask = hashes.length - 1;
    let i = hash & mask;
    while (hashes[i] !== -1) i = (i + 1) & mask;
    hashes[i] = hash;
    this.values[i] = value;
  }

  private grow(): void {
    const { hashes, values } = this;
    this.hashes = new Int32Array(hashes.length * 2).fill(-1);
    this.values = new Array<unknown>(hashes.length * 2).fill(undefined);
    for (let i = 0; i < hashes.length; i++) if (hashes[i] !== -1) this.place(hashes[i]!, values[i]);
  }
}

export type Warn = (message: string) => void;

const SERVICE_TYPES = new Set<ServiceType>(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

function meta(o: Json): { name: string; namespace: string; labels: Json | undefined } {
  const m = obj(o.metadata) ?? {};
  return { name: str(m.name) ?? '', namespace: str(m.namespace) ?? '', labels: obj(m.labels) };
}

function ips(values: unknown[], what: string, warn: Warn): readonly string[] {
  const out: string[] = [];
  for (const v of values) {
    const ip = typeof v === 'string' ? canonicalIP(v) : undefined;
    if (ip) out.push(ip);
    else warn(`${what} ${JSON.stringify(v)} is not an IP address; ignored.`);
  }
  // A pushed array keeps spare capacity (V8 gives a one-element one 17 slots); a copy is exact-size. IPs are not
  // interned: nearly every one is unique, and the intern table would only grow with pod churn.
  return out.length === 0 ? EMPTY : out.slice();
}

export function reduceNamespace(o: Json): Namespace {
  const m = meta(o);
  // The API server sets `kubernetes.io/metadata.name` to the name on every Namespace; a manifest rarely writes
  // it, so it is added here as the cluster would add it (NetworkPolicy namespace selectors use it).
  return { name: m.name, labels: Object.freeze({ ...stringMap(m.labels), 'kubernetes.io/metadata.name': m.name }) };
}

/** A Service; `namespace` fills in when the object names none (a manifest's default namespace). */
export function reduceService(o: Json, intern: Interner, warn: Warn, namespace?: string): Service {
  const m = meta(o);
  const spec = obj(o.spec) ?? {};
  const rawType = str(spec.type) as ServiceType | undefined;
  const type: ServiceType = rawType && SERVICE_TYPES.has(rawType) ? rawType : 'ClusterIP';
  if (rawType && !SERVICE_TYPES.has(rawType)) warn(`Service ${m.name}: unknown type ${JSON.stringify(rawType)}; read as ClusterIP.`);
  const clusterIP = str(spec.clusterIP);
  const headless = clusterIP === 'None';
  let clusterIPs: readonly string[] = EMPTY;
  if (!headless && type !== 'ExternalName') {
    const listed = arr(spec.clusterIPs).length > 0 ? arr(spec.clusterIPs) : clusterIP ? [clusterIP] : [];
    clusterIPs = ips(listed, `Service ${m.name}: cluster IP`, warn);
  }
  const clusterIPPending = !headless && type !== 'ExternalName' && clusterIPs.length === 0;
  let ipFamilies = arr(spec.ipFamilies).filter((f): f is IPFamilyName => f === 'IPv4' || f === 'IPv6');
  if (ipFamilies.length === 0) ipFamilies = clusterIPs.length > 0 ? clusterIPs.map((ip) => (ip.includes(':') ? 'IPv6' : 'IPv4')) : ['IPv4'];
  const ns = intern.s(m.namespace || namespace || DEFAULT_NAMESPACE);
  const families = intern.list('F', ipFamilies);
  const ports = servicePorts(arr(spec.ports), m.name, intern, warn);
  const publishNotReadyAddresses = spec.publishNotReadyAddresses === true;
  const externalIPs = ips(arr(spec.externalIPs), `Service ${m.name}: external IP`, warn);
  const loadBalancerIngress = ingressOf(o);
  const name = m.name;
  // The API server stores an empty selector as none: the Service gets no managed endpoints.
  const selector = stringMap(spec.selector);
  const sel = selector && Object.keys(selector).length > 0 ? intern.labels(selector) : undefined;
  const externalName = type === 'ExternalName' ? str(spec.externalName) || undefined : undefined;
  return {
    namespace: ns,
    name,
    type,
    headless,
    clusterIPs,
    clusterIPPending,
    ipFamilies: families,
    ports,
    ...(sel ? { selector: sel } : {}),
    ...(externalName !== undefined ? { externalName } : {}),
    publishNotReadyAddresses,
    externalIPs,
    loadBalancerIngress,
  };
}

function servicePorts(values: unknown[], service: string, intern: Interner, warn: Warn): readonly ServicePort[] {
  const ports: ServicePort[] = [];
  for (const p of values) {
    const po = obj(p);
    const port = po ? int(po.port) : undefined;
    if (!po || port === undefined) {
      warn(`Service ${service}: a port without a numeric "port" is ignored.`);
      continue;
    }
    const tp = po.targetPort;
    const targetPort = typeof tp === 'string' && !/^\d+$/.test(tp) ? intern.s(tp) : (int(tp) ?? port);
    const nodePort = int(po.nodePort);
    const appProtocol = str(po.appProtocol);
    const name = intern.s(str(po.name) ?? '');
    const proto = protocol(po.protocol);
    if (nodePort === undefined && !appProtocol) ports.push({ name, port, targetPort, protocol: proto });
    else
      ports.push({
        name,
        port,
        targetPort,
        protocol: proto,
        ...(nodePort !== undefined ? { nodePort } : {}),
        ...(appProtocol ? { appProtocol: intern.s(appProtocol) } : {}),
      });
  }
  return intern.list('S', ports);
}

function ingressOf(o: Json): readonly LoadBalancerIngress[] {
  const ingress: LoadBalancerIngress[] = [];
  for (const i of arr(obj(obj(o.status)?.loadBalancer)?.ingress)) {
    const io = obj(i);
    if (!io) continue;
    const ip = str(io.ip) ? canonicalIP(str(io.ip)!) : undefined;
    const hostname = str(io.hostname);
    ingress.push({ ...(ip ? { ip } : {}), ...(hostname ? { hostname } : {}) });
  }
  return ingress.length === 0 ? EMPTY : ingress;
}

function endpointPorts(values: unknown[], intern: Interner): readonly EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const p of values) {
    const po = obj(p);
    if (!po) continue;
    ports.push({ name: intern.s(str(po.name) ?? ''), port: int(po.port), protocol: protocol(po.protocol) });
  }
  return intern.list('P', ports);
}

/** The model's pod of a namespace and name, if it has one: an endpoint that targets it shares its strings. */
export type PodLookup = (namespace: string, name: string) => Pod | undefined;

const ENDPOINT_READY = 1;
const ENDPOINT_SERVING = 2;
const ENDPOINT_TERMINATING = 4;
const ENDPOINT_HOSTNAME = 8;

/**
 * An endpoint that says of its pod only what the pod says itself (its addresses, node and hostname): it holds the
 * pod and its three conditions, and reads the rest from the pod. At 150,000 pods the literal record and its
 * `targetRef` cost 120 bytes an endpoint on a 64-bit heap; this one costs 40. The pod is the one the model held
 * when the slice came; a later record of the pod leaves this one's values as the slice reported them.
 */
class PodEndpoint implements Endpoint {
  constructor(
    private readonly pod: Pod,
    private readonly bits: number,
  ) {}
  get addresses(): readonly string[] {
    return this.pod.ips;
  }
  get ready(): boolean {
    return (this.bits & ENDPOINT_READY) !== 0;
  }
  get serving(): boolean {
    return (this.bits & ENDPOINT_SERVING) !== 0;
  }
  get terminating(): boolean {
    return (this.bits & ENDPOINT_TERMINATING) !== 0;
  }
  get hostname(): string | undefined {
    return this.bits & ENDPOINT_HOSTNAME ? this.pod.hostname : undefined;
  }
  get nodeName(): string | undefined {
    return this.pod.nodeName;
  }
  /** Made when read: few callers read it, and none in the resolver's common paths. */
  get targetRef(): ObjectRef {
    return { kind: 'Pod', namespace: this.pod.namespace, name: this.pod.name };
  }
  /** As a literal record would print, for logs and tests that compare records. */
  toJSON(): Endpoint {
    const { addresses, ready, serving, terminating, hostname, nodeName, targetRef } = this;
    return {
      addresses,
      ready,
      serving,
      terminating,
      ...(hostname !== undefined ? { hostname } : {}),
      ...(nodeName !== undefined ? { nodeName } : {}),
      targetRef,
    };
  }
}

/**
 * An endpoint record. An endpoint of a pod the model holds reuses the pod's name, hostname and IP list (at 150,000
 * pods the copies a watch delivers would double what they cost), and is a `PodEndpoint` when it says nothing the
 * pod does not; the other common shapes are written as literals of their own, so that each record holds its fields
 * in the object itself.
 */
function endpointRecord(
  addresses: readonly string[],
  cond: { ready: boolean; serving: boolean; terminating: boolean },
  hostname: string | undefined,
  nodeName: string | undefined,
  targetRef: ObjectRef | undefined,
  pod: Pod | undefined,
): Endpoint {
  const { ready, serving, terminating } = cond;
  if (pod) {
    if (sameItems(addresses, pod.ips)) addresses = pod.ips;
    else if (addresses.length === 1 && pod.ips.includes(addresses[0]!)) addresses = [pod.ips[pod.ips.indexOf(addresses[0]!)]!];
    if (hostname !== undefined && hostname === pod.hostname) hostname = pod.hostname;
    if (
      targetRef?.kind === 'Pod' &&
      addresses === pod.ips &&
      nodeName === pod.nodeName &&
      (hostname === undefined || hostname === pod.hostname) &&
      targetRef.namespace === pod.namespace
    ) {
      return new PodEndpoint(
        pod,
        (ready ? ENDPOINT_READY : 0) |
          (serving ? ENDPOINT_SERVING : 0) |
          (terminating ? ENDPOINT_TERMINATING : 0) |
          (hostname !== undefined ? ENDPOINT_HOSTNAME : 0),
      );
    }
  }
  if (targetRef && nodeName !== undefined) {
    return hostname === undefined
      ? { addresses, ready, serving, terminating, nodeName, targetRef }
      : { addresses, ready, serving, terminating, hostname, nodeName, targetRef };
  }
  return {
    addresses,
    ready,
    serving,
    terminating,
    ...(hostname ? { hostname } : {}),
    ...(nodeName ? { nodeName } : {}),
    ...(targetRef ? { targetRef } : {}),
  };
}

export function reduceEndpointSlice(o: Json, intern: Interner, warn: Warn, namespace?: string, podOf?: PodLookup): EndpointSlice | undefined {
  const m = meta(o);
  const addressType = str(o.addressType);
  if (addressType !== 'IPv4' && addressType !== 'IPv6' && addressType !== 'FQDN') {
    warn(`EndpointSlice ${m.name}: addressType ${JSON.stringify(o.addressType)} is not IPv4, IPv6 or FQDN; ignored.`);
    return undefined;
  }
  const ns = intern.s(m.namespace || namespace || DEFAULT_NAMESPACE);
  const endpoints: Endpoint[] = [];
  for (const e of arr(o.endpoints)) {
    const eo = obj(e);
    if (!eo) continue;
    const cond = obj(eo.conditions) ?? {};
    const ready = cond.ready !== false;
    const addresses =
      addressType === 'FQDN'
        ? arr(eo.addresses).filter((a): a is string => typeof a === 'string')
        : ips(arr(eo.addresses), `EndpointSlice ${m.name}: address`, warn);
    const tr = obj(eo.targetRef);
    const hostname = str(eo.hostname) || undefined;
    const nodeName = str(eo.nodeName);
    const trName = tr ? str(tr.name) : undefined;
    let targetRef: ObjectRef | undefined;
    let pod: Pod | undefined;
    if (tr && trName) {
      const kind = intern.s(str(tr.kind) ?? 'Pod');
      const refNs = intern.s(str(tr.namespace) ?? ns);
      pod = kind === 'Pod' ? podOf?.(refNs, trName) : undefined;
      targetRef = { kind, namespace: refNs, name: pod ? pod.name : trName };
    }
    const conditions = { ready, serving: typeof cond.serving === 'boolean' ? cond.serving : ready, terminating: cond.terminating === true };
    endpoints.push(endpointRecord(addresses, conditions, hostname, nodeName ? intern.s(nodeName) : undefined, targetRef, pod));
  }
  const serviceName = stringMap(m.labels)?.['kubernetes.io/service-name'];
  return {
    namespace: ns,
    name: m.name,
    serviceName: serviceName === undefined ? undefined : intern.s(serviceName),
    addressType,
    // Exact size: a pushed array keeps spare capacity.
    endpoints: endpoints.length === 0 ? EMPTY : endpoints.slice(),
    ports: endpointPorts(arr(o.ports), intern),
  };
}

/**
 * The slice with its endpoints sharing the strings of the pods they target, or the slice itself when they share
 * them already (for slices that came before their pods, as in a model's first lists).
 */
export function shareWithPods(slice: EndpointSlice, podOf: PodLookup): EndpointSlice {
  let changed = false;
  const endpoints = slice.endpoints.map((e) => {
    const ref = e.targetRef;
    const pod = ref && ref.kind === 'Pod' ? podOf(ref.namespace, ref.name) : undefined;
    // Strings cannot be told apart by identity; the IP list can: an endpoint that holds its pod's list shares already.
    if (!pod || e.addresses === pod.ips || !sameItems(e.addresses, pod.ips)) return e;
    changed = true;
    const targetRef = { kind: ref!.kind, namespace: ref!.namespace, name: pod.name };
    return endpointRecord(e.addresses, e, e.hostname, e.nodeName, targetRef, pod);
  });
  return changed ? { ...slice, endpoints } : slice;
}

export function containerPorts(podSpec: Json, intern: Interner): readonly ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const c of [...arr(podSpec.containers), ...arr(podSpec.initContainers)]) {
    const co = obj(c);
    if (!co) continue;
    for (const p of arr(co.ports)) {
      const po = obj(p);
      const containerPort = po ? int(po.containerPort) : undefined;
      if (!po || containerPort === undefined) continue;
      out.push({ name: intern.s(str(po.name) ?? ''), containerPort, protocol: protocol(po.protocol), container: intern.s(str(co.name) ?? '') });
    }
  }
  return intern.list('C', out);
}

/** A pod as the API server reports it (status included). */
export function reducePod(o: Json, intern: Interner, warn: Warn, namespace?: string): Pod {
  const m = meta(o);
  const spec = obj(o.spec) ?? {};
  const status = obj(o.status) ?? {};
  const listed = arr(status.podIPs).map((p) => obj(p)?.ip);
  let podIPs = ips(listed.length > 0 ? listed : status.podIP ? [status.podIP] : [], `Pod ${m.name}: pod IP`, warn);
  const ready = arr(status.conditions).some((c) => obj(c)?.type === 'Ready' && obj(c)?.status === 'True');
  const phase = str(status.phase);
  const name = m.name;
  // A StatefulSet's pod is its own hostname: one string for both.
  const hostname = str(spec.hostname) === name ? name : str(spec.hostname) || undefined;
  const subdomain = str(spec.subdomain) ? intern.s(str(spec.subdomain)!) : undefined;
  const nodeName = str(spec.nodeName) ? intern.s(str(spec.nodeName)!) : undefined;
  const ns = intern.s(m.namespace || namespace || DEFAULT_NAMESPACE);
  const labels = intern.labels(stringMap(m.labels));
  const hostNetwork = spec.hostNetwork === true;
  // A host-network pod has its node's addresses: one list for the node's host-network pods.
  if (hostNetwork) podIPs = intern.list('H', podIPs as string[]);
  const terminating = obj(o.metadata)?.deletionTimestamp != null;
  const ports = containerPorts(spec, intern);
  const flags = (ready ? POD_READY : 0) | (hostNetwork ? POD_HOST_NETWORK : 0) | (terminating ? POD_TERMINATING : 0);
  const p = phase ? intern.s(phase) : undefined;
  return hostname === undefined && subdomain === undefined
    ? new PodRecord(ns, name, podIPs, labels, ports, nodeName, p, flags)
    : new NamedPodRecord(ns, name, podIPs, labels, ports, nodeName, p, flags, hostname, subdomain);
}

const POD_READY = 1;
const POD_HOST_NETWORK = 2;
const POD_TERMINATING = 4;

/**
 * A pod as reduced from its API object: its three conditions in one number, read by getters. At 150,000 pods a
 * field costs 1.2 MB on a 64-bit heap; one class for most pods and one for pods with a hostname or subdomain keep
 * the code that reads them to two shapes. A spread of one leaves the getters out: `podWith` makes a changed copy.
 */
class PodRecord implements Pod {
  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly ips: readonly string[],
    readonly labels: Labels,
    readonly ports: readonly ContainerPort[],
    readonly nodeName: string | undefined,
    readonly phase: string | undefined,
    private readonly flags: number,
  ) {}
  get ready(): boolean {
    return (this.flags & POD_READY) !== 0;
  }
  get hostNetwork(): boolean {
    return (this.flags & POD_HOST_NETWORK) !== 0;
  }
  get terminating(): boolean {
    return (this.flags & POD_TERMINATING) !== 0;
  }
  get hostname(): string | undefined {
    return undefined;
  }
  get subdomain(): string | undefined {
    return undefined;
  }
  /** As a literal record would print, for logs and tests that compare records. */
  toJSON(): Pod {
    return podWith(this, {});
  }
}

class NamedPodRecord extends PodRecord {
  constructor(
    namespace: string,
    name: string,
    ips: readonly string[],
    labels: Labels,
    ports: readonly ContainerPort[],
    nodeName: string | undefined,
    phase: string | undefined,
    flags: number,
    private readonly host: string | undefined,
    private readonly sub: string | undefined,
  ) {
    super(namespace, name, ips, labels, ports, nodeName, phase, flags);
  }
  override get hostname(): string | undefined {
    return this.host;
  }
  override get subdomain(): string | undefined {
    return this.sub;
  }
}

/** A pod as a literal, with some fields changed: what `{ ...pod, ...changes }` would mean of a literal record. */
export function podWith(pod: Pod, changes: Partial<Pod>): Pod {
  const { namespace, name, ips, labels, ready, hostNetwork, terminating, ports, hostname, subdomain, nodeName, phase, template, source } = pod;
  return {
    namespace,
    name,
    ips,
    labels,
    ready,
    hostNetwork,
    terminating,
    ports,
    ...(hostname !== undefined ? { hostname } : {}),
    ...(subdomain !== undefined ? { subdomain } : {}),
    ...(nodeName !== undefined ? { nodeName } : {}),
    ...(phase !== undefined ? { phase } : {}),
    ...(template !== undefined ? { template } : {}),
    ...(source !== undefined ? { source } : {}),
    ...changes,
  };
}

export function reduceNode(o: Json, intern: Interner): Node {
  const status = obj(o.status) ?? {};
  const addresses = arr(status.addresses)
    .map(obj)
    .filter((a): a is Json => !!a && typeof a.address === 'string' && typeof a.type === 'string')
    .map((a) => ({ type: intern.s(a.type as string), address: intern.s(canonicalIP(a.address as string) ?? (a.address as string)) }));
  return { name: meta(o).name, addresses };
}
