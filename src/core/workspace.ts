/**
 * The workspace model: what a cluster would hold once the manifests of a workspace are applied. Services are
 * taken as declared; pods come from Pods and from the pod templates of workloads; endpoints are derived from
 * Service selectors the way the EndpointSlice controller derives them. What only the API server would choose
 * (cluster IPs, pod IPs) is marked as pending, never invented.
 */
import { canonicalIP, ipFamily } from './ip';
import type { ManifestObject, ManifestProblem, ParsedManifest } from './manifests';
import type {
  ClusterObjects,
  ContainerPort,
  Endpoint,
  EndpointPort,
  EndpointSlice,
  IPFamilyName,
  LoadBalancerIngress,
  Namespace,
  Node,
  ObjectRef,
  PendingReplicas,
  Pod,
  Protocol,
  Service,
  ServicePort,
  ServiceType,
} from './model';
import { ClusterSnapshot } from './snapshot';

export interface WorkspaceOptions {
  /** The namespace of objects whose manifest does not name one. */
  readonly defaultNamespace?: string;
}

export interface WorkspaceReport {
  /** Objects used, by kind. */
  readonly objects: Readonly<Record<string, number>>;
  /** Documents that are not Kubernetes objects. */
  readonly skipped: number;
  /** Problems of parsing and of reading objects, including duplicates (the later declaration wins). */
  readonly problems: readonly ManifestProblem[];
}

export interface WorkspaceModel {
  readonly snapshot: ClusterSnapshot;
  readonly objects: ClusterObjects;
  readonly report: WorkspaceReport;
}

/** Namespaces every cluster has, created by the API server itself. */
export const BUILT_IN_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);
const USED_KINDS = new Set([...WORKLOAD_KINDS, 'Namespace', 'Service', 'Pod', 'EndpointSlice', 'Endpoints', 'Node']);

export function buildWorkspaceModel(manifests: readonly ParsedManifest[], options: WorkspaceOptions = {}): WorkspaceModel {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const problems: ManifestProblem[] = [];
  let skipped = 0;
  const latest = new Map<string, ManifestObject>();
  const lineOf = new Map<string, ParsedManifest>();
  for (const m of manifests) {
    skipped += m.skipped;
    lineOf.set(m.uri, m);
    for (const obj of m.objects) {
      if (!USED_KINDS.has(obj.kind)) continue;
      const ns = obj.kind === 'Namespace' || obj.kind === 'Node' ? '' : (obj.namespace ?? defaultNamespace);
      const key = `${obj.kind}/${ns}/${obj.name}`;
      const earlier = latest.get(key);
      if (earlier) {
        const at = lineOf.get(earlier.uri)!.lineCounter.linePos(earlier.source.start);
        const pos = m.lineCounter.linePos(obj.source.nameStart);
        problems.push({
          uri: m.uri,
          code: 'duplicate-object',
          severity: 'warning',
          message: `${obj.kind} ${ns ? `${ns}/` : ''}${obj.name} is declared again; this declaration replaces the one at ${earlier.uri}:${at.line}:${at.col}.`,
          offset: obj.source.nameStart,
          line: pos.line,
          column: pos.col,
        });
        latest.delete(key);
      }
      latest.set(key, obj);
    }
  }

  const reader = new ObjectReader(defaultNamespace, (obj, message) => {
    const m = lineOf.get(obj.uri)!;
    const pos = m.lineCounter.linePos(obj.source.start);
    problems.push({ uri: obj.uri, code: 'invalid-value', severity: 'warning', message, offset: obj.source.start, line: pos.line, column: pos.col });
  });
  const namespaces: Namespace[] = [];
  const services: Service[] = [];
  const pods: Pod[] = [];
  const nodes: Node[] = [];
  const declaredSlices: EndpointSlice[] = [];
  const declaredEndpoints: EndpointSlice[] = [];
  const counts: Record<string, number> = {};
  for (const obj of latest.values()) {
    counts[obj.kind] = (counts[obj.kind] ?? 0) + 1;
    switch (obj.kind) {
      case 'Namespace':
        namespaces.push({ name: obj.name, source: obj.source });
        break;
      case 'Service':
        services.push(reader.service(obj));
        break;
      case 'Pod':
        pods.push(reader.pod(obj));
        break;
      case 'Node':
        nodes.push(reader.node(obj));
        break;
      case 'EndpointSlice': {
        const slice = reader.endpointSlice(obj);
        if (slice) declaredSlices.push(slice);
        break;
      }
      case 'Endpoints':
        declaredEndpoints.push(...reader.endpoints(obj));
        break;
      default:
        pods.push(...reader.workloadPods(obj));
    }
  }

  const endpointSlices = [...declaredSlices, ...deriveEndpointSlices(services, pods, declaredEndpoints)];
  const used = new Set<string>([...BUILT_IN_NAMESPACES, defaultNamespace]);
  for (const o of latest.values()) if (o.kind !== 'Namespace' && o.kind !== 'Node') used.add(o.namespace ?? defaultNamespace);
  const objects: ClusterObjects = { namespaces, services, endpointSlices, pods, nodes };
  // A manifest's problems are read only now: reading an object's value (above) may add one, such as an alias
  // bomb refused by `value()`, and copying them before that would leave it out of the report.
  const parseProblems = manifests.flatMap((m) => m.problems);
  return {
    snapshot: ClusterSnapshot.build(objects, { implicitNamespaces: used }),
    objects,
    report: { objects: counts, skipped, problems: [...parseProblems, ...problems] },
  };
}

/**
 * Derives the EndpointSlices the control plane would write: for a Service with a selector, one endpoint per
 * selected, non-terminal pod, grouped by address family and resolved port set (as the EndpointSlice
 * controller groups them); for a Service without one, its Endpoints object mirrored.
 */
export function deriveEndpointSlices(services: readonly Service[], pods: readonly Pod[], endpoints: readonly EndpointSlice[]): EndpointSlice[] {
  const podsByNamespace = new Map<string, Pod[]>();
  for (const p of pods) {
    const list = podsByNamespace.get(p.namespace);
    if (list) list.push(p);
    else podsByNamespace.set(p.namespace, [p]);
  }
  // Services whose Endpoints the endpointslice-mirroring controller copies: those that exist and have no selector.
  const mirrored = new Set<string>();
  const out: EndpointSlice[] = [];
  for (const svc of services) {
    if (svc.selector === undefined) mirrored.add(`${svc.namespace}/${svc.name}`);
    if (svc.type === 'ExternalName' || svc.selector === undefined) continue;
    const selector = Object.entries(svc.selector);
    const groups = new Map<string, { family: IPFamilyName; ports: EndpointPort[]; endpoints: Endpoint[] }>();
    for (const pod of podsByNamespace.get(svc.namespace) ?? []) {
      if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
      if (!selector.every(([k, v]) => pod.labels[k] === v)) continue;
      const ports = endpointPorts(svc, pod);
      const portKey = ports.map((p) => `${p.name}/${p.protocol}/${p.port}`).join(',');
      for (const family of svc.ipFamilies) {
        const v = family === 'IPv4' ? 4 : 6;
        const ip = pod.ips.find((a) => ipFamily(a) === v);
        if (ip === undefined && !pod.template) continue;
        const key = `${family}|${portKey}`;
        let group = groups.get(key);
        if (!group) {
          group = { family, ports, endpoints: [] };
          groups.set(key, group);
        }
        const endpoint: Endpoint = {
          addresses: ip === undefined ? [] : [ip],
          // As the EndpointSlice controller (podToEndpoint): a terminating pod is never ready, unless the Service
          // publishes not-ready addresses; it may still be serving.
          ready: svc.publishNotReadyAddresses || (pod.ready && !pod.terminating),
          serving: pod.ready,
          terminating: pod.terminating,
          targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name },
          ...(pod.hostname && pod.subdomain === svc.name ? { hostname: pod.hostname } : {}),
          ...(pod.nodeName ? { nodeName: pod.nodeName } : {}),
          ...(pod.template ? { pending: pod.template } : {}),
        };
        group.endpoints.push(endpoint);
      }
    }
    let i = 0;
    for (const g of groups.values()) {
      out.push({
        namespace: svc.namespace,
        name: `${svc.name}-${(i++).toString(36)}`,
        serviceName: svc.name,
        addressType: g.family,
        endpoints: g.endpoints,
        ports: g.ports,
      });
    }
  }
  // The endpointslice-mirroring controller copies Endpoints only for a Service without a selector; Endpoints
  // without any Service get no slices (otherwise their addresses would answer PTR queries for a Service that
  // does not exist).
  for (const slice of endpoints) {
    if (mirrored.has(`${slice.namespace}/${slice.serviceName}`)) out.push(slice);
  }
  return out;
}

/** The endpoint ports of a pod for a Service: named target ports resolved against the pod's containers. */
function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const sp of svc.ports) {
    let port: number | undefined;
    if (typeof sp.targetPort === 'number') port = sp.targetPort;
    else port = pod.ports.find((cp) => cp.name === sp.targetPort && cp.protocol === sp.protocol)?.containerPort;
    // As podutil.FindPort: a named port the pod does not declare leaves the port out for this pod.
    if (port === undefined) continue;
    ports.push({ name: sp.name, port, protocol: sp.protocol, ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return ports;
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}
function stringMap(v: unknown): Record<string, string> | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}
function protocol(v: unknown): Protocol {
  return v === 'UDP' || v === 'SCTP' ? v : 'TCP';
}

const SERVICE_TYPES = new Set<ServiceType>(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

/** Reads the fields NetLens needs from plain objects, tolerating any shape and reporting what it must drop. */
class ObjectReader {
  constructor(
    private readonly defaultNamespace: string,
    private readonly warn: (obj: ManifestObject, message: string) => void,
  ) {}

  private ns(o: ManifestObject): string {
    return o.namespace ?? this.defaultNamespace;
  }

  private ips(o: ManifestObject, values: unknown[], what: string): string[] {
    const out: string[] = [];
    for (const v of values) {
      const ip = typeof v === 'string' ? canonicalIP(v) : undefined;
      if (ip) out.push(ip);
      else this.warn(o, `${o.kind} ${o.name}: ${what} ${JSON.stringify(v)} is not an IP address; ignored.`);
    }
    return out;
  }

  service(o: ManifestObject): Service {
    const v = o.value();
    const spec = obj(v.spec) ?? {};
    const rawType = str(spec.type) as ServiceType | undefined;
    const type: ServiceType = rawType && SERVICE_TYPES.has(rawType) ? rawType : 'ClusterIP';
    if (rawType && !SERVICE_TYPES.has(rawType)) this.warn(o, `Service ${o.name}: unknown type ${JSON.stringify(rawType)}; read as ClusterIP.`);
    const clusterIP = str(spec.clusterIP);
    const headless = clusterIP === 'None';
    let clusterIPs: string[] = [];
    if (!headless && type !== 'ExternalName') {
      const listed = arr(spec.clusterIPs).length > 0 ? arr(spec.clusterIPs) : clusterIP ? [clusterIP] : [];
      clusterIPs = this.ips(o, listed, 'cluster IP');
    }
    const clusterIPPending = !headless && type !== 'ExternalName' && clusterIPs.length === 0;
    let ipFamilies = arr(spec.ipFamilies).filter((f): f is IPFamilyName => f === 'IPv4' || f === 'IPv6');
    if (ipFamilies.length === 0) {
      ipFamilies = clusterIPs.length > 0 ? clusterIPs.map((ip) => (ipFamily(ip) === 6 ? 'IPv6' : 'IPv4')) : ['IPv4'];
    }
    const ports: ServicePort[] = [];
    for (const p of arr(spec.ports)) {
      const po = obj(p);
      const port = po ? int(po.port) : undefined;
      if (!po || port === undefined) {
        this.warn(o, `Service ${o.name}: a port without a numeric "port" is ignored.`);
        continue;
      }
      const tp = po.targetPort;
      const targetPort = typeof tp === 'string' && !/^\d+$/.test(tp) ? tp : (int(tp) ?? port);
      const nodePort = int(po.nodePort);
      const appProtocol = str(po.appProtocol);
      ports.push({
        name: str(po.name) ?? '',
        port,
        targetPort,
        protocol: protocol(po.protocol),
        ...(nodePort !== undefined ? { nodePort } : {}),
        ...(appProtocol ? { appProtocol } : {}),
      });
    }
    const selector = stringMap(spec.selector);
    const externalName = str(spec.externalName);
    const status = obj(v.status);
    const ingress: LoadBalancerIngress[] = [];
    for (const i of arr(obj(status?.loadBalancer)?.ingress)) {
      const io = obj(i);
      if (!io) continue;
      const ip = str(io.ip) ? canonicalIP(str(io.ip)!) : undefined;
      const hostname = str(io.hostname);
      ingress.push({ ...(ip ? { ip } : {}), ...(hostname ? { hostname } : {}) });
    }
    return {
      namespace: this.ns(o),
      name: o.name,
      type,
      headless,
      clusterIPs,
      clusterIPPending,
      ipFamilies,
      ports,
      // The API server stores an empty selector as none: the Service gets no managed endpoints.
      ...(selector && Object.keys(selector).length > 0 ? { selector } : {}),
      ...(type === 'ExternalName' && externalName ? { externalName } : {}),
      publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
      externalIPs: this.ips(o, arr(spec.externalIPs), 'external IP'),
      loadBalancerIngress: ingress,
      source: o.source,
    };
  }

  private containerPorts(podSpec: Json): ContainerPort[] {
    const out: ContainerPort[] = [];
    for (const c of [...arr(podSpec.containers), ...arr(podSpec.initContainers)]) {
      const co = obj(c);
      if (!co) continue;
      for (const p of arr(co.ports)) {
        const po = obj(p);
        const containerPort = po ? int(po.containerPort) : undefined;
        if (!po || containerPort === undefined) continue;
        out.push({ name: str(po.name) ?? '', containerPort, protocol: protocol(po.protocol), container: str(co.name) ?? '' });
      }
    }
    return out;
  }

  pod(o: ManifestObject): Pod {
    const v = o.value();
    const spec = obj(v.spec) ?? {};
    const status = obj(v.status) ?? {};
    const listed = arr(status.podIPs).map((p) => obj(p)?.ip);
    const ips = this.ips(o, listed.length > 0 ? listed : status.podIP ? [status.podIP] : [], 'pod IP');
    const conditions = arr(status.conditions).map(obj);
    const ready = ips.length === 0 || conditions.some((c) => c?.type === 'Ready' && c.status === 'True');
    const phase = str(status.phase);
    return this.podRecord(o, o.name, obj(obj(v.metadata)?.labels), spec, {
      ips,
      ready,
      ...(phase ? { phase } : {}),
      terminating: obj(v.metadata)?.deletionTimestamp !== undefined,
      ...(ips.length === 0 ? { template: { workload: { kind: 'Pod', namespace: this.ns(o), name: o.name }, replicas: 1 } } : {}),
    });
  }

  private podRecord(
    o: ManifestObject,
    name: string,
    labels: Json | undefined,
    spec: Json,
    state: Pick<Pod, 'ips' | 'ready' | 'phase' | 'terminating' | 'template'>,
    identity: { hostname?: string; subdomain?: string } = {},
  ): Pod {
    const hostname = identity.hostname ?? str(spec.hostname);
    const subdomain = identity.subdomain ?? str(spec.subdomain);
    const nodeName = str(spec.nodeName);
    return {
      namespace: this.ns(o),
      name,
      ips: state.ips,
      labels: stringMap(labels) ?? {},
      ready: state.ready,
      hostNetwork: spec.hostNetwork === true,
      terminating: state.terminating,
      ports: this.containerPorts(spec),
      ...(hostname ? { hostname } : {}),
      ...(subdomain ? { subdomain } : {}),
      ...(nodeName ? { nodeName } : {}),
      ...(state.phase ? { phase: state.phase } : {}),
      ...(state.template ? { template: state.template } : {}),
      source: o.source,
    };
  }

  /** The pods a workload would run: one record per StatefulSet replica (their names are known), else one for the template. */
  workloadPods(o: ManifestObject): Pod[] {
    const v = o.value();
    const spec = obj(v.spec) ?? {};
    const templateHolder = o.kind === 'CronJob' ? obj(obj(spec.jobTemplate)?.spec) : spec;
    const template = obj(templateHolder?.template);
    if (!template) return [];
    const podSpec = obj(template.spec) ?? {};
    const labels = obj(obj(template.metadata)?.labels);
    const workload: ObjectRef = { kind: o.kind, namespace: this.ns(o), name: o.name };
    let replicas = 1;
    if (o.kind === 'Job') replicas = int(spec.parallelism) ?? 1;
    else if (o.kind === 'CronJob') replicas = int(templateHolder?.parallelism) ?? 1;
    else if (o.kind !== 'DaemonSet') replicas = int(spec.replicas) ?? 1;
    const state = { ips: [], ready: true, terminating: false };
    if (o.kind === 'StatefulSet') {
      const serviceName = str(spec.serviceName);
      const pods: Pod[] = [];
      for (let i = 0; i < replicas; i++) {
        const name = `${o.name}-${i}`;
        const pending: PendingReplicas = { workload, replicas: 1 };
        // The StatefulSet controller adds these labels; per-pod Services select on the first.
        const podLabels = { ...labels, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) };
        pods.push(
          this.podRecord(o, name, podLabels, podSpec, { ...state, template: pending }, { hostname: name, ...(serviceName ? { subdomain: serviceName } : {}) }),
        );
      }
      return pods;
    }
    if (replicas === 0) return [];
    return [this.podRecord(o, o.name, labels, podSpec, { ...state, template: { workload, replicas } })];
  }

  node(o: ManifestObject): Node {
    const status = obj(o.value().status) ?? {};
    const addresses = arr(status.addresses)
      .map(obj)
      .filter((a): a is Json => !!a && typeof a.address === 'string' && typeof a.type === 'string')
      .map((a) => ({ type: a.type as string, address: canonicalIP(a.address as string) ?? (a.address as string) }));
    return { name: o.name, addresses };
  }

  endpointSlice(o: ManifestObject): EndpointSlice | undefined {
    const v = o.value();
    const addressType = str(v.addressType);
    if (addressType !== 'IPv4' && addressType !== 'IPv6' && addressType !== 'FQDN') {
      this.warn(o, `EndpointSlice ${o.name}: addressType ${JSON.stringify(v.addressType)} is not IPv4, IPv6 or FQDN; ignored.`);
      return undefined;
    }
    const namespace = this.ns(o);
    const endpoints: Endpoint[] = [];
    for (const e of arr(v.endpoints)) {
      const eo = obj(e);
      if (!eo) continue;
      const cond = obj(eo.conditions) ?? {};
      const ready = cond.ready !== false;
      const addresses = addressType === 'FQDN' ? arr(eo.addresses).filter((a): a is string => typeof a === 'string') : this.ips(o, arr(eo.addresses), 'address');
      const tr = obj(eo.targetRef);
      const hostname = str(eo.hostname);
      const nodeName = str(eo.nodeName);
      endpoints.push({
        addresses,
        ready,
        serving: typeof cond.serving === 'boolean' ? cond.serving : ready,
        terminating: cond.terminating === true,
        ...(hostname ? { hostname } : {}),
        ...(nodeName ? { nodeName } : {}),
        ...(tr && str(tr.name) ? { targetRef: { kind: str(tr.kind) ?? 'Pod', namespace: str(tr.namespace) ?? namespace, name: str(tr.name)! } } : {}),
      });
    }
    const ports: EndpointPort[] = arr(v.ports)
      .map(obj)
      .filter((p): p is Json => !!p)
      .map((p) => ({ name: str(p.name) ?? '', port: int(p.port), protocol: protocol(p.protocol) }));
    return {
      namespace,
      name: o.name,
      serviceName: stringMap(obj(v.metadata)?.labels)?.['kubernetes.io/service-name'],
      addressType,
      endpoints,
      ports,
      source: o.source,
    };
  }

  /** An Endpoints object as the slices the mirroring controller would write: one per subset and family. */
  endpoints(o: ManifestObject): EndpointSlice[] {
    const v = o.value();
    const namespace = this.ns(o);
    const out: EndpointSlice[] = [];
    arr(v.subsets).forEach((s, i) => {
      const so = obj(s);
      if (!so) return;
      const ports: EndpointPort[] = arr(so.ports)
        .map(obj)
        .filter((p): p is Json => !!p)
        .map((p) => ({ name: str(p.name) ?? '', port: int(p.port), protocol: protocol(p.protocol) }));
      const byFamily: Record<IPFamilyName, Endpoint[]> = { IPv4: [], IPv6: [] };
      for (const [list, ready] of [
        [arr(so.addresses), true],
        [arr(so.notReadyAddresses), false],
      ] as const) {
        for (const a of list) {
          const ao = obj(a);
          const ip = ao && typeof ao.ip === 'string' ? canonicalIP(ao.ip) : undefined;
          if (!ao || !ip) {
            this.warn(o, `Endpoints ${o.name}: address ${JSON.stringify(ao?.ip ?? a)} is not an IP address; ignored.`);
            continue;
          }
          const tr = obj(ao.targetRef);
          const hostname = str(ao.hostname);
          const nodeName = str(ao.nodeName);
          byFamily[ipFamily(ip) === 6 ? 'IPv6' : 'IPv4'].push({
            addresses: [ip],
            ready,
            serving: ready,
            terminating: false,
            ...(hostname ? { hostname } : {}),
            ...(nodeName ? { nodeName } : {}),
            ...(tr && str(tr.name) ? { targetRef: { kind: str(tr.kind) ?? 'Pod', namespace: str(tr.namespace) ?? namespace, name: str(tr.name)! } } : {}),
          });
        }
      }
      for (const family of ['IPv4', 'IPv6'] as const) {
        if (byFamily[family].length === 0) continue;
        out.push({ namespace, name: `${o.name}-${i}-${family.toLowerCase()}`, serviceName: o.name, addressType: family, endpoints: byFamily[family], ports, source: o.source });
      }
    });
    return out;
  }
}
