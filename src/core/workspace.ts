/**
 * The workspace model: what a cluster would hold once the manifests of a workspace are applied. Services are
 * taken as declared; pods come from Pods and from the pod templates of workloads; endpoints are derived from
 * Service selectors the way the EndpointSlice controller derives them. What only the API server would choose
 * (cluster IPs, pod IPs) is marked as pending, never invented.
 */
import { canonicalIP, ipFamily } from './ip';
import type { ManifestObject, ManifestProblem, ParsedManifest } from './manifests';
import type { ClusterObjects, Endpoint, EndpointPort, EndpointSlice, IPFamilyName, Namespace, Node, ObjectRef, PendingReplicas, Pod, Service } from './model';
import { arr, int, Interner, obj, protocol, reduceEndpointSlice, reduceNamespace, reduceNode, reducePod, reduceService, str, stringMap, type Json } from './reduce';
import { LabelIndex } from './labels';
import { readPolicies } from './policy/workspace';
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
        namespaces.push({ ...reduceNamespace(obj.value()), name: obj.name, source: obj.source });
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
  const policies = readPolicies(manifests, defaultNamespace);
  for (const p of [...policies.networkPolicies, ...policies.otherPolicies]) if (p.namespace !== undefined) used.add(p.namespace);
  Object.assign(counts, policies.counts);
  problems.push(...policies.problems);
  const objects: ClusterObjects = { namespaces, services, endpointSlices, pods, nodes, networkPolicies: policies.networkPolicies, otherPolicies: policies.otherPolicies };
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
  const index = new LabelIndex(pods);
  // Services whose Endpoints the endpointslice-mirroring controller copies: those that exist and have no selector.
  const mirrored = new Set<string>();
  const out: EndpointSlice[] = [];
  for (const svc of services) {
    if (svc.selector === undefined) mirrored.add(`${svc.namespace}/${svc.name}`);
    if (svc.type === 'ExternalName' || svc.selector === undefined) continue;
    const groups = new Map<string, { family: IPFamilyName; ports: EndpointPort[]; endpoints: Endpoint[] }>();
    for (const pod of index.select(svc.namespace, svc.selector)) {
      if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
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

/** Reads the fields NetLens needs from plain objects, tolerating any shape and reporting what it must drop. */
class ObjectReader {
  private readonly intern = new Interner();

  constructor(
    private readonly defaultNamespace: string,
    private readonly warn: (obj: ManifestObject, message: string) => void,
  ) {}

  private ns(o: ManifestObject): string {
    return o.namespace ?? this.defaultNamespace;
  }

  private warner(o: ManifestObject): (message: string) => void {
    return (message) => this.warn(o, message);
  }

  service(o: ManifestObject): Service {
    return { ...reduceService(o.value(), this.intern, this.warner(o), this.ns(o)), source: o.source };
  }

  /** A Pod object: as the API server reports it when the manifest holds its status, else a pod still to be created. */
  pod(o: ManifestObject): Pod {
    const pod = reducePod(o.value(), this.intern, this.warner(o), this.ns(o));
    if (pod.ips.length > 0) return { ...pod, source: o.source };
    return { ...pod, ready: true, template: { workload: { kind: 'Pod', namespace: pod.namespace, name: o.name }, replicas: 1 }, source: o.source };
  }

  /** A pod of a workload's template, as the controller would create it (before the cluster gives it an IP). */
  private templatePod(o: ManifestObject, name: string, labels: Record<string, string>, spec: Json, template: PendingReplicas): Pod {
    const pod = reducePod({ metadata: { name, namespace: this.ns(o), labels }, spec }, this.intern, this.warner(o), this.ns(o));
    return { ...pod, ready: true, template, source: o.source };
  }

  /** The pods a workload would run: one record per StatefulSet replica (their names are known), else one for the template. */
  workloadPods(o: ManifestObject): Pod[] {
    const v = o.value();
    const spec = obj(v.spec) ?? {};
    const templateHolder = o.kind === 'CronJob' ? obj(obj(spec.jobTemplate)?.spec) : spec;
    const template = obj(templateHolder?.template);
    if (!template) return [];
    const podSpec = obj(template.spec) ?? {};
    const labels = stringMap(obj(template.metadata)?.labels) ?? {};
    const workload: ObjectRef = { kind: o.kind, namespace: this.ns(o), name: o.name };
    let replicas = 1;
    if (o.kind === 'Job') replicas = int(spec.parallelism) ?? 1;
    else if (o.kind === 'CronJob') replicas = int(templateHolder?.parallelism) ?? 1;
    else if (o.kind !== 'DaemonSet') replicas = int(spec.replicas) ?? 1;
    if (o.kind === 'StatefulSet') {
      const serviceName = str(spec.serviceName);
      const pods: Pod[] = [];
      for (let i = 0; i < replicas; i++) {
        const name = `${o.name}-${i}`;
        // The StatefulSet controller names each pod's host after the pod, under the governing Service, and adds
        // these labels; per-pod Services select on the first.
        const podLabels = { ...labels, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) };
        const identity = { ...podSpec, hostname: name, subdomain: serviceName };
        pods.push(this.templatePod(o, name, podLabels, identity, { workload, replicas: 1 }));
      }
      return pods;
    }
    if (replicas === 0) return [];
    return [this.templatePod(o, o.name, labels, podSpec, { workload, replicas })];
  }

  node(o: ManifestObject): Node {
    return reduceNode(o.value(), this.intern);
  }

  endpointSlice(o: ManifestObject): EndpointSlice | undefined {
    const slice = reduceEndpointSlice(o.value(), this.intern, this.warner(o), this.ns(o));
    return slice && { ...slice, source: o.source };
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
