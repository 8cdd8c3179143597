/**
 * Reduces Kubernetes API objects (plain JSON, as the API server sends them) to the records of model.ts, keeping
 * only what DNS and reachability need. Strings and small structures that repeat across thousands of objects
 * (namespaces, node names, label sets, port lists) are interned so that a large cluster stays small in memory.
 */
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
 * Shares equal strings and structures between the objects of one model. The tables are bounded: a live model
 * runs for days while pods come and go with new names and label sets, so past a size they start afresh (the
 * objects already made keep what they share; only later sharing starts over).
 */
export class Interner {
  private strings = new Map<string, string>();
  private structures = new Map<string, unknown>();

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
    return this.structure(`L${JSON.stringify(value)}`, () => {
      const out: Record<string, string> = {};
      for (const k of keys) out[this.s(k)] = this.s(value[k]!);
      return Object.freeze(out);
    });
  }

  list<T>(key: string, items: T[]): readonly T[] {
    if (items.length === 0) return EMPTY;
    return this.structure(key, () => Object.freeze(items));
  }

  private structure<T>(key: string, make: () => T): T {
    const found = this.structures.get(key);
    if (found !== undefined) return found as T;
    if (this.structures.size >= this.limit) this.structures = new Map();
    const made = make();
    this.structures.set(key, made);
    return made;
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
  let clusterIPs: readonly string[] = [];
  if (!headless && type !== 'ExternalName') {
    const listed = arr(spec.clusterIPs).length > 0 ? arr(spec.clusterIPs) : clusterIP ? [clusterIP] : [];
    clusterIPs = ips(listed, `Service ${m.name}: cluster IP`, warn);
  }
  const clusterIPPending = !headless && type !== 'ExternalName' && clusterIPs.length === 0;
  let ipFamilies = arr(spec.ipFamilies).filter((f): f is IPFamilyName => f === 'IPv4' || f === 'IPv6');
  if (ipFamilies.length === 0) ipFamilies = clusterIPs.length > 0 ? clusterIPs.map((ip) => (ip.includes(':') ? 'IPv6' : 'IPv4')) : ['IPv4'];
  const ports: ServicePort[] = [];
  for (const p of arr(spec.ports)) {
    const po = obj(p);
    const port = po ? int(po.port) : undefined;
    if (!po || port === undefined) {
      warn(`Service ${m.name}: a port without a numeric "port" is ignored.`);
      continue;
    }
    const tp = po.targetPort;
    const targetPort = typeof tp === 'string' && !/^\d+$/.test(tp) ? intern.s(tp) : (int(tp) ?? port);
    const nodePort = int(po.nodePort);
    const appProtocol = str(po.appProtocol);
    ports.push({
      name: intern.s(str(po.name) ?? ''),
      port,
      targetPort,
      protocol: protocol(po.protocol),
      ...(nodePort !== undefined ? { nodePort } : {}),
      ...(appProtocol ? { appProtocol } : {}),
    });
  }
  const selector = stringMap(spec.selector);
  const externalName = str(spec.externalName);
  const ingress: LoadBalancerIngress[] = [];
  for (const i of arr(obj(obj(o.status)?.loadBalancer)?.ingress)) {
    const io = obj(i);
    if (!io) continue;
    const ip = str(io.ip) ? canonicalIP(str(io.ip)!) : undefined;
    const hostname = str(io.hostname);
    ingress.push({ ...(ip ? { ip } : {}), ...(hostname ? { hostname } : {}) });
  }
  return {
    namespace: intern.s(m.namespace || namespace || DEFAULT_NAMESPACE),
    name: m.name,
    type,
    headless,
    clusterIPs,
    clusterIPPending,
    ipFamilies,
    ports,
    // The API server stores an empty selector as none: the Service gets no managed endpoints.
    ...(selector && Object.keys(selector).length > 0 ? { selector: intern.labels(selector) } : {}),
    ...(type === 'ExternalName' && externalName ? { externalName } : {}),
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
    externalIPs: ips(arr(spec.externalIPs), `Service ${m.name}: external IP`, warn),
    loadBalancerIngress: ingress,
  };
}

function endpointPorts(values: unknown[], intern: Interner): readonly EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const p of values) {
    const po = obj(p);
    if (!po) continue;
    ports.push({ name: intern.s(str(po.name) ?? ''), port: int(po.port), protocol: protocol(po.protocol) });
  }
  return intern.list(`P${JSON.stringify(ports)}`, ports);
}

export function reduceEndpointSlice(o: Json, intern: Interner, warn: Warn, namespace?: string): EndpointSlice | undefined {
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
    const hostname = str(eo.hostname);
    const nodeName = str(eo.nodeName);
    const trName = tr ? str(tr.name) : undefined;
    endpoints.push({
      addresses,
      ready,
      serving: typeof cond.serving === 'boolean' ? cond.serving : ready,
      terminating: cond.terminating === true,
      ...(hostname ? { hostname } : {}),
      ...(nodeName ? { nodeName: intern.s(nodeName) } : {}),
      ...(tr && trName ? { targetRef: { kind: intern.s(str(tr.kind) ?? 'Pod'), namespace: intern.s(str(tr.namespace) ?? ns), name: trName } } : {}),
    });
  }
  const serviceName = stringMap(m.labels)?.['kubernetes.io/service-name'];
  return {
    namespace: ns,
    name: m.name,
    serviceName: serviceName === undefined ? undefined : intern.s(serviceName),
    addressType,
    endpoints,
    ports: endpointPorts(arr(o.ports), intern),
  };
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
  return intern.list(`C${JSON.stringify(out)}`, out);
}

/** A pod as the API server reports it (status included). */
export function reducePod(o: Json, intern: Interner, warn: Warn, namespace?: string): Pod {
  const m = meta(o);
  const spec = obj(o.spec) ?? {};
  const status = obj(o.status) ?? {};
  const listed = arr(status.podIPs).map((p) => obj(p)?.ip);
  const podIPs = ips(listed.length > 0 ? listed : status.podIP ? [status.podIP] : [], `Pod ${m.name}: pod IP`, warn);
  const ready = arr(status.conditions).some((c) => obj(c)?.type === 'Ready' && obj(c)?.status === 'True');
  const phase = str(status.phase);
  const hostname = str(spec.hostname);
  const subdomain = str(spec.subdomain);
  const nodeName = str(spec.nodeName);
  return {
    namespace: intern.s(m.namespace || namespace || DEFAULT_NAMESPACE),
    name: m.name,
    ips: podIPs,
    labels: intern.labels(stringMap(m.labels)),
    ready,
    hostNetwork: spec.hostNetwork === true,
    terminating: obj(o.metadata)?.deletionTimestamp != null,
    ports: containerPorts(spec, intern),
    ...(hostname ? { hostname } : {}),
    ...(subdomain ? { subdomain: intern.s(subdomain) } : {}),
    ...(nodeName ? { nodeName: intern.s(nodeName) } : {}),
    ...(phase ? { phase: intern.s(phase) } : {}),
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
