/**
 * The workspace model: what a cluster would hold once the manifests of a workspace are applied. Services are
 * taken as declared; pods come from Pods and from the pod templates of workloads; endpoints are derived from
 * Service selectors the way the EndpointSlice controller derives them. What only the API server would choose
 * (cluster IPs, pod IPs) is marked as pending, never invented.
 */

import { type CustomResource, type DestinationRule, NO_FACTS, type ReferenceGrant, type WorkspaceFacts } from './facts';
import { canonicalIP, ipFamily } from './ip';
import { t } from './l10n';
import { LabelIndex } from './labels';
import { type ManifestObject, type ManifestProblem, namespaceOf, type ParsedManifest } from './manifests';
import type { ClusterObjects, Endpoint, EndpointPort, EndpointSlice, IPFamilyName, Namespace, Node, ObjectRef, PendingReplicas, Pod, Service } from './model';
import { DEFAULT_NAMESPACE } from './names';
import { isNetworkPolicy, otherPolicyKind } from './policy/kinds';
import { readPolicies } from './policy/workspace';
import { configRefsOf } from './reach/consumers';
import {
  arr,
  Interner,
  int,
  type Json,
  obj,
  podWith,
  protocol,
  reduceEndpointSlice,
  reduceNamespace,
  reduceNode,
  reducePod,
  reduceService,
  str,
  stringMap,
} from './reduce';
import { kindSpec, mayCreateObjects, type OperatorPods, type OperatorService } from './references';
import { ClusterSnapshot } from './snapshot';

export interface WorkspaceOptions {
  /** The namespace of objects whose manifest does not name one. */
  readonly defaultNamespace?: string;
  /** The cluster DNS Service, which every cluster has (kubeadm and most distributions: kube-system/kube-dns). */
  readonly dnsService?: { readonly namespace: string; readonly name: string };
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
  readonly facts: WorkspaceFacts;
}

/** Namespaces every cluster has, created by the API server itself. */
export const BUILT_IN_NAMESPACES: readonly string[] = [DEFAULT_NAMESPACE, 'kube-system', 'kube-public', 'kube-node-lease'];

const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);
const USED_KINDS = new Set([...WORKLOAD_KINDS, 'Namespace', 'Service', 'Pod', 'EndpointSlice', 'Endpoints', 'Node']);
const CLUSTER_SCOPED = new Set(['Namespace', 'Node']);

/** Whether the model reads an object: a built-in kind it models, or a kind of kinds.ts that runs pods. */
function modelled(obj: Pick<ManifestObject, 'apiVersion' | 'kind'>): boolean {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.indexOf('/')) : '';
  if (USED_KINDS.has(obj.kind) && ['', 'apps', 'batch', 'extensions', 'discovery.k8s.io'].includes(group)) return true;
  const spec = kindSpec(obj.apiVersion, obj.kind);
  return !!(spec?.template || spec?.pods || spec?.services);
}

/** Kinds whose objects readFacts reads the value of, by API group. */
const FACT_KINDS: Readonly<Record<string, readonly string[]>> = {
  'gateway.networking.k8s.io': ['ReferenceGrant'],
  'networking.istio.io': ['DestinationRule', 'VirtualService', 'ServiceEntry'],
};

/**
 * Whether building the model may read an object's value (`value()`): the objects it models, those of the facts it
 * gathers (readFacts) and the policies. Of other objects it reads only the kind, name and namespace; a check in
 * worker threads sends the values of these alone to the other threads (and fails loudly if the model reads another).
 */
export function modelReadsValue(obj: Pick<ManifestObject, 'apiVersion' | 'kind'>): boolean {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.indexOf('/')) : '';
  return (
    modelled(obj) ||
    (FACT_KINDS[group]?.includes(obj.kind) ?? false) ||
    isNetworkPolicy(obj.apiVersion, obj.kind) ||
    !!otherPolicyKind(obj.apiVersion, obj.kind)
  );
}

interface Duplicate {
  readonly obj: ManifestObject;
  readonly earlier: ManifestObject;
  readonly manifest: ParsedManifest;
  readonly ns: string;
}

/** A file that declares again this many objects of one other file is taken for a bundle that is its alternative. */
const ALTERNATIVE_BUNDLE = 4;

/**
 * The problems of objects declared again: each at its later name, but where one file declares again many objects of
 * another (bundles that are alternatives of each other, side by side: `install.yaml` and `namespace-install.yaml`),
 * one problem at the first of them says so.
 */
function duplicateProblems(duplicates: readonly Duplicate[], lineOf: ReadonlyMap<string, ParsedManifest>): ManifestProblem[] {
  const pairs = new Map<string, Duplicate[]>();
  for (const d of duplicates) {
    const key = `${d.earlier.uri}\n${d.obj.uri}`;
    const list = pairs.get(key);
    if (list) list.push(d);
    else pairs.set(key, [d]);
  }
  const problems: ManifestProblem[] = [];
  for (const list of pairs.values()) {
    const bundle = list[0]!.earlier.uri !== list[0]!.obj.uri && list.length >= ALTERNATIVE_BUNDLE;
    for (const { obj, earlier, manifest, ns } of bundle ? list.slice(0, 1) : list) {
      const pos = manifest.lineCounter.linePos(obj.source.nameStart);
      const id = `${obj.kind} ${ns ? `${ns}/` : ''}${obj.name}`;
      let message: string;
      if (bundle)
        message = t(
          'This file declares again {0} objects of {1} (from {2} on): if the two are alternatives of each other, only one is applied; NetLens models the later declarations.',
          list.length,
          earlier.uri,
          id,
        );
      else {
        const at = lineOf.get(earlier.uri)!.lineCounter.linePos(earlier.source.start);
        message = t('{0} is declared again; this declaration replaces the one at {1}.', id, `${earlier.uri}:${at.line}:${at.col}`);
      }
      problems.push({
        uri: manifest.uri,
        code: 'duplicate-object',
        severity: 'warning',
        message,
        offset: obj.source.nameStart,
        line: pos.line,
        column: pos.col,
      });
    }
  }
  return problems;
}

/**
 * The objects of the manifests that the model reads, the later declaration of one object winning (and the earlier
 * reported), and the facts of every object (custom resources, grants, mesh hosts, routes).
 */
function collectObjects(manifests: readonly ParsedManifest[], defaultNamespace: string) {
  const problems: ManifestProblem[] = [];
  let skipped = 0;
  const latest = new Map<string, ManifestObject>();
  const duplicates: Duplicate[] = [];
  /** The objects whose key another file declared too (the later declaration, the one modelled). */
  const redeclared = new WeakSet<ManifestObject>();
  const lineOf = new Map<string, ParsedManifest>();
  const facts = {
    customResources: [] as CustomResource[],
    referenceGrants: [] as ReferenceGrant[],
    meshHosts: new Set<string>(),
    destinationRules: [] as DestinationRule[],
    routedSubsets: new Set<string>(),
  };
  for (const m of manifests) {
    skipped += m.skipped;
    lineOf.set(m.uri, m);
    for (const obj of m.objects) {
      readFacts(obj, defaultNamespace, facts.customResources, facts.referenceGrants, facts.meshHosts, facts.destinationRules, facts.routedSubsets);
      if (!modelled(obj)) continue;
      const ns = CLUSTER_SCOPED.has(obj.kind) ? '' : namespaceOf(obj, defaultNamespace);
      // An object without a name (`generateName`, as a Job of a post-install step) is one of its own each time.
      const key = `${obj.apiVersion.split('/')[0]}/${obj.kind}/${ns}/${obj.name || `#${obj.uri}#${obj.source.start}`}`;
      const earlier = latest.get(key);
      if (earlier) {
        duplicates.push({ obj, earlier, manifest: m, ns });
        latest.delete(key);
        if (earlier.uri !== obj.uri) redeclared.add(obj);
      }
      latest.set(key, obj);
    }
  }
  problems.push(...duplicateProblems(duplicates, lineOf));
  const empty =
    facts.customResources.length + facts.referenceGrants.length + facts.meshHosts.size + facts.destinationRules.length + facts.routedSubsets.size === 0;
  return { latest, redeclared, lineOf, problems, skipped, facts: empty ? NO_FACTS : (facts as WorkspaceFacts) };
}

export function buildWorkspaceModel(manifests: readonly ParsedManifest[], options: WorkspaceOptions = {}): WorkspaceModel {
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const { latest, redeclared, lineOf, problems, skipped, facts } = collectObjects(manifests, defaultNamespace);
  const reader = new ObjectReader(defaultNamespace, (obj, message) => {
    const m = lineOf.get(obj.uri)!;
    const pos = m.lineCounter.linePos(obj.source.start);
    problems.push({ uri: obj.uri, code: 'invalid-value', severity: 'warning', message, offset: obj.source.start, line: pos.line, column: pos.col });
  });
  const { namespaces, services, pods, nodes, declaredSlices, declaredEndpoints, configConsumers, counts } = readObjects(
    latest.values(),
    reader,
    defaultNamespace,
    redeclared,
  );
  addImpliedServices(services, options.dnsService ?? { namespace: 'kube-system', name: 'kube-dns' });

  const endpointSlices = [...declaredSlices, ...deriveEndpointSlices(services, pods, declaredEndpoints)];
  const used = new Set<string>([...BUILT_IN_NAMESPACES, defaultNamespace]);
  for (const cr of facts.customResources) used.add(cr.namespace);
  for (const o of latest.values()) if (!CLUSTER_SCOPED.has(o.kind)) used.add(namespaceOf(o, defaultNamespace));
  const policies = readPolicies(manifests, defaultNamespace);
  for (const p of [...policies.networkPolicies, ...policies.otherPolicies]) if (p.namespace !== undefined) used.add(p.namespace);
  Object.assign(counts, policies.counts);
  problems.push(...policies.problems);
  const objects: ClusterObjects = {
    namespaces,
    services,
    endpointSlices,
    pods,
    nodes,
    networkPolicies: policies.networkPolicies,
    otherPolicies: policies.otherPolicies,
  };
  // A manifest's problems are read only now: reading an object's value (above) may add one, such as an alias
  // bomb refused by `value()`, and copying them before that would leave it out of the report.
  const parseProblems = manifests.flatMap((m) => m.problems);
  return {
    snapshot: ClusterSnapshot.build(objects, { implicitNamespaces: used }),
    objects,
    report: { objects: counts, skipped, problems: [...parseProblems, ...problems] },
    facts: configConsumers.size > 0 ? { ...facts, configConsumers } : facts,
  };
}

/** The records of the workspace's objects, by kind; workloads become the pods (and operators' Services) they make. */
function readObjects(objects: Iterable<ManifestObject>, reader: ObjectReader, defaultNamespace: string, redeclared: WeakSet<ManifestObject>) {
  const namespaces: Namespace[] = [];
  const services: Service[] = [];
  const pods: Pod[] = [];
  const nodes: Node[] = [];
  const declaredSlices: EndpointSlice[] = [];
  const declaredEndpoints: EndpointSlice[] = [];
  const configConsumers = new Map<string, ObjectRef[]>();
  const counts: Record<string, number> = {};
  for (const obj of objects) {
    counts[obj.kind] = (counts[obj.kind] ?? 0) + 1;
    switch (obj.kind) {
      case 'Namespace':
        namespaces.push({ ...reduceNamespace(obj.value()), name: obj.name, source: obj.source });
        break;
      case 'Service':
        services.push(redeclared.has(obj) ? { ...reader.service(obj), redeclared: true } : reader.service(obj));
        break;
      case 'Pod':
        pods.push(reader.pod(obj));
        consumersOf(obj, undefined, defaultNamespace, configConsumers);
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
      default: {
        const spec = WORKLOAD_KINDS.has(obj.kind) ? undefined : kindSpec(obj.apiVersion, obj.kind);
        if (!spec?.pods) consumersOf(obj, spec?.template?.at, defaultNamespace, configConsumers);
        if (spec?.pods) pods.push(...reader.operatorPods(obj, spec.pods));
        else pods.push(...reader.workloadPods(obj, spec?.template));
        for (const svc of spec?.services ?? []) {
          const made = operatorService(svc, namespaceOf(obj, defaultNamespace));
          // One Service per namespace, however many resources ask for it (every Prometheus shares prometheus-operated).
          if (!services.some((s) => s.namespace === made.namespace && s.name === made.name)) services.push(made);
        }
      }
    }
  }
  return { namespaces, services, pods, nodes, declaredSlices, declaredEndpoints, configConsumers, counts };
}

/**
 * The Services the model assumes: those an operator creates give way to declared ones of the same name, and the
 * Services every cluster has (`kubernetes` in default, the cluster DNS) are added unless the manifests declare them.
 */
function addImpliedServices(services: Service[], dns: { readonly namespace: string; readonly name: string }): void {
  const declared = new Set(services.filter((s) => !s.implied).map((s) => `${s.namespace}/${s.name}`));
  for (let i = services.length - 1; i >= 0; i--)
    if (services[i]!.implied && declared.has(`${services[i]!.namespace}/${services[i]!.name}`)) services.splice(i, 1);
  for (const builtIn of builtInServices(dns)) {
    if (!services.some((s) => s.namespace === builtIn.namespace && s.name === builtIn.name)) services.push(builtIn);
  }
}

/**
 * Records which ConfigMaps and Secrets a Pod's or workload's pod spec reads (`templateAt`: where a custom kind keeps
 * its pod template), so that references written in them are judged as connections of those pods.
 */
function consumersOf(o: ManifestObject, templateAt: string | undefined, defaultNamespace: string, out: Map<string, ObjectRef[]>): void {
  const v = o.value();
  const spec = objOf(v.spec);
  let podSpec: Json | undefined;
  if (o.kind === 'Pod') podSpec = spec;
  else if (templateAt) podSpec = objOf(objOf(at(v, templateAt))?.spec);
  else if (o.kind === 'CronJob') podSpec = objOf(objOf(objOf(objOf(spec?.jobTemplate)?.spec)?.template)?.spec);
  else if (WORKLOAD_KINDS.has(o.kind)) podSpec = objOf(objOf(spec?.template)?.spec);
  if (!podSpec) return;
  const namespace = namespaceOf(o, defaultNamespace);
  const workload: ObjectRef = { kind: o.kind, namespace, name: o.name };
  for (const ref of configRefsOf(podSpec)) {
    const key = `${namespace}/${ref.kind}/${ref.name}`;
    const list = out.get(key);
    if (list) list.push(workload);
    else out.set(key, [workload]);
  }
}

/** Custom resources an operator may act on, ReferenceGrants and ServiceEntry hosts, from any object. */
function readFacts(
  obj: ManifestObject,
  defaultNamespace: string,
  crs: CustomResource[],
  grants: ReferenceGrant[],
  meshHosts: Set<string>,
  rules: DestinationRule[],
  routed: Set<string>,
): void {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.indexOf('/')) : '';
  const namespace = namespaceOf(obj, defaultNamespace);
  if (group === 'gateway.networking.k8s.io' && obj.kind === 'ReferenceGrant') {
    const spec = objOf(obj.value().spec);
    const from = arr(spec?.from)
      .map(objOf)
      .filter((f): f is Json => !!f)
      .map((f) => ({ group: str(f.group) ?? '', kind: str(f.kind) ?? '', namespace: str(f.namespace) ?? '' }));
    const to = arr(spec?.to)
      .map(objOf)
      .filter((t): t is Json => !!t)
      .map((t) => ({ group: str(t.group) ?? '', kind: str(t.kind) ?? '', ...(str(t.name) ? { name: str(t.name)! } : {}) }));
    grants.push({ namespace, name: obj.name, from, to });
    return;
  }
  if (group === 'networking.istio.io' && obj.kind === 'DestinationRule') {
    const spec = objOf(obj.value().spec);
    const host = str(spec?.host);
    if (!host) return;
    const subsets = new Map<string, Record<string, string>>();
    for (const s of arr(spec?.subsets)) {
      const so = objOf(s);
      const name = str(so?.name);
      if (name) subsets.set(name, stringMap(so?.labels) ?? {});
    }
    rules.push({ namespace, name: obj.name, host, subsets });
    return;
  }
  if (group === 'networking.istio.io' && obj.kind === 'VirtualService') {
    // The subsets its routes send traffic to, by the Service their host names (a short host is in the rule's namespace).
    const spec = objOf(obj.value().spec);
    for (const protocol of ['http', 'tcp', 'tls']) {
      for (const route of arr(spec?.[protocol])) {
        const r = objOf(route);
        const destinations = [...arr(r?.route).map((d) => objOf(d)?.destination), r?.mirror, ...arr(r?.mirrors).map((d) => objOf(d)?.destination)];
        for (const d of destinations) {
          const host = str(objOf(d)?.host);
          const subset = str(objOf(d)?.subset);
          if (!host || !subset) continue;
          const short = /^[a-z0-9-]+$/.exec(host);
          const fqdn = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.|$)/.exec(host);
          if (short) routed.add(`${namespace}/${host}#${subset}`);
          else if (fqdn) routed.add(`${fqdn[2]}/${fqdn[1]}#${subset}`);
        }
      }
    }
    return;
  }
  if (group === 'networking.istio.io' && obj.kind === 'ServiceEntry') {
    for (const h of arr(objOf(obj.value().spec)?.hosts)) if (typeof h === 'string') meshHosts.add(h.toLowerCase().replace(/\.$/, ''));
    return;
  }
  if (obj.name && mayCreateObjects(obj.apiVersion, obj.kind)) crs.push({ namespace, name: obj.name, kind: obj.kind, apiVersion: obj.apiVersion });
}

function objOf(v: unknown): Json | undefined {
  return obj(v);
}

/** A Service an operator creates, as its table row in kinds.ts describes it. */
function operatorService(svc: OperatorService, namespace: string): Service {
  return {
    namespace,
    name: svc.name,
    type: 'ClusterIP',
    headless: svc.headless,
    clusterIPs: [],
    clusterIPPending: !svc.headless,
    ipFamilies: ['IPv4'],
    ports: svc.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol ?? 'TCP' })),
    selector: svc.selector,
    publishNotReadyAddresses: svc.headless,
    externalIPs: [],
    loadBalancerIngress: [],
    implied: 'operator',
  };
}

/**
 * The Services every cluster has: `kubernetes` in default (the API server, 443 → 6443 as kubeadm sets it up) and the
 * cluster DNS. Their cluster IPs are the cluster's to choose.
 */
function builtInServices(dns: { readonly namespace: string; readonly name: string }): Service[] {
  const base = {
    type: 'ClusterIP' as const,
    headless: false,
    clusterIPs: [],
    clusterIPPending: true,
    ipFamilies: ['IPv4' as const],
    publishNotReadyAddresses: false,
    externalIPs: [],
    loadBalancerIngress: [],
    implied: 'built-in' as const,
  };
  return [
    {
      ...base,
      namespace: DEFAULT_NAMESPACE,
      name: 'kubernetes',
      labels: { component: 'apiserver', provider: 'kubernetes' },
      ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }],
    },
    {
      ...base,
      namespace: dns.namespace,
      name: dns.name,
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
      ],
    },
  ];
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

/** The value at a dotted path of plain data. */
function at(v: unknown, path: string): unknown {
  let cur = v;
  for (const k of path.split('.')) cur = obj(cur)?.[k];
  return cur;
}

/** Reads the fields NetLens needs from plain objects, tolerating any shape and reporting what it must drop. */
class ObjectReader {
  private readonly intern = new Interner();

  constructor(
    private readonly defaultNamespace: string,
    private readonly warn: (obj: ManifestObject, message: string) => void,
  ) {}

  private ns(o: ManifestObject): string {
    return namespaceOf(o, this.defaultNamespace);
  }

  private warner(o: ManifestObject): (message: string) => void {
    return (message) => this.warn(o, message);
  }

  service(o: ManifestObject): Service {
    const v = o.value();
    const labels = stringMap(obj(obj(v.metadata)?.labels));
    return { ...reduceService(v, this.intern, this.warner(o), this.ns(o)), source: o.source, ...(labels ? { labels } : {}) };
  }

  /** A Pod object: as the API server reports it when the manifest holds its status, else a pod still to be created. */
  pod(o: ManifestObject): Pod {
    const pod = reducePod(o.value(), this.intern, this.warner(o), this.ns(o));
    if (pod.ips.length > 0) return podWith(pod, { source: o.source });
    return podWith(pod, { ready: true, template: { workload: { kind: 'Pod', namespace: pod.namespace, name: o.name }, replicas: 1 }, source: o.source });
  }

  /** A pod of a workload's template, as the controller would create it (before the cluster gives it an IP). */
  private templatePod(o: ManifestObject, name: string, labels: Record<string, string>, spec: Json, template: PendingReplicas): Pod {
    const pod = reducePod({ metadata: { name, namespace: this.ns(o), labels }, spec }, this.intern, this.warner(o), this.ns(o));
    return podWith(pod, { ready: true, template, source: o.source });
  }

  /** The pods a workload would run: one record per StatefulSet replica (their names are known), else one for the template. */
  workloadPods(o: ManifestObject, custom?: { readonly at: string; readonly replicas: string }): Pod[] {
    const v = o.value();
    const spec = obj(v.spec) ?? {};
    const templateHolder = o.kind === 'CronJob' ? obj(obj(spec.jobTemplate)?.spec) : spec;
    const template = custom ? obj(at(v, custom.at)) : obj(templateHolder?.template);
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
    if (custom) replicas = int(at(v, custom.replicas)) ?? 1;
    const experiments = o.kind === 'Rollout' ? this.experimentPods(o, v, labels, podSpec, workload) : [];
    if (replicas === 0) return experiments;
    return [this.templatePod(o, o.name, labels, podSpec, { workload, replicas }), ...experiments];
  }

  /**
   * The pods of an Argo Rollout's canary experiments: its template under labels of their own (`metadata.labels` of
   * the experiment's template), which a preview Service selects while the production one does not.
   */
  private experimentPods(o: ManifestObject, v: Json, labels: Record<string, string>, podSpec: Json, workload: ObjectRef): Pod[] {
    const pods: Pod[] = [];
    for (const step of arr(at(v, 'spec.strategy.canary.steps'))) {
      for (const item of arr(obj(obj(step)?.experiment)?.templates)) {
        const template = obj(item);
        const own = stringMap(obj(template?.metadata)?.labels);
        if (!template || !own) continue;
        const name = `${o.name}-${str(template.name) ?? 'experiment'}`;
        pods.push(this.templatePod(o, name, { ...labels, ...own }, podSpec, { workload, replicas: int(template.replicas) ?? 1 }));
      }
    }
    return pods;
  }

  /** The pods an operator runs for a custom resource (a Prometheus, an Alertmanager), as kinds.ts describes them. */
  operatorPods(o: ManifestObject, spec: OperatorPods): Pod[] {
    const v = o.value();
    const fill = (s: string) => s.replace(/\{name\}/g, o.name);
    const labels: Record<string, string> = {};
    for (const [k, val] of Object.entries(spec.labels)) labels[k] = fill(val);
    for (const path of spec.labelsAt) Object.assign(labels, stringMap(at(v, path)) ?? {});
    const replicas = int(at(v, spec.replicas)) ?? spec.defaultReplicas;
    const workload: ObjectRef = { kind: o.kind, namespace: this.ns(o), name: o.name };
    const podSpec = {
      containers: [{ name: 'main', ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })) }],
    };
    const pods: Pod[] = [];
    for (let i = 0; i < replicas; i++) {
      const name = `${fill(spec.name)}-${i}`;
      const podLabels = { ...labels, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) };
      pods.push(this.templatePod(o, name, podLabels, { ...podSpec, hostname: name, subdomain: spec.subdomain }, { workload, replicas: 1 }));
    }
    return pods;
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
        out.push({
          namespace,
          name: `${o.name}-${i}-${family.toLowerCase()}`,
          serviceName: o.name,
          addressType: family,
          endpoints: byFamily[family],
          ports,
          source: o.source,
        });
      }
    });
    return out;
  }
}
