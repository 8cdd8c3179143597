/** The tree's and the map's views of a snapshot: plain data for the protocol, one namespace at a time. */
import { sameItems } from '../core/arrays';
import { countsText, serviceAddressText } from '../core/endpoints';
import type { Pod, Service } from '../core/model';
import { endpointFqdn, podFqdn, serviceFqdn } from '../core/names';
import { type Connection, podsRunning, reachModel } from '../core/reach';
import type { ClusterSnapshot } from '../core/snapshot';
import { CLIENT_PLACES, CLIENT_PODS, type ClientView, type LocationView, type NamespaceView, type PodView, type ServiceView } from '../protocol/requests';

export function namespaceCounts(snapshot: ClusterSnapshot): { name: string; services: number; pods: number }[] {
  return snapshot.namespaceNames().map((name) => {
    let services = 0;
    let pods = 0;
    // The Services every cluster has are known to the workspace model for its answers, not shown as declared.
    for (const s of snapshot.servicesIn(name)) if (s.implied !== 'built-in') services++;
    for (const _ of snapshot.podsIn(name)) pods++;
    return { name, services, pods };
  });
}

/** The clients of each Service (`NS/NAME`), as `clientViews` makes them. */
export type ClientsByService = ReadonlyMap<string, readonly ClientView[]>;

export function namespaceView(snapshot: ClusterSnapshot, zone: string, namespace: string, offset = 0, limit = 500, clients?: ClientsByService): NamespaceView {
  const services = [...snapshot.servicesIn(namespace)].filter((s) => s.implied !== 'built-in').sort((a, b) => a.name.localeCompare(b.name));
  const serviceViews = services.map((s) => serviceView(snapshot, zone, s, clients?.get(`${s.namespace}/${s.name}`)));
  // Which Services each pod is an endpoint of, from the EndpointSlices (not from selectors: what the cluster did).
  const podServices = new Map<string, string[]>();
  for (const v of serviceViews) {
    for (const e of v.endpoints) {
      if (!e.pod) continue;
      const list = podServices.get(e.pod) ?? [];
      if (!list.includes(v.name)) list.push(v.name);
      podServices.set(e.pod, list);
    }
  }
  const pods = [...snapshot.podsIn(namespace)].sort((a, b) => a.name.localeCompare(b.name));
  return {
    namespace,
    services: serviceViews,
    pods: pods.slice(offset, offset + limit).map((p) => podView(p, zone, podServices.get(p.name) ?? [], policiesOf(snapshot, p))),
    total: pods.length,
  };
}

/**
 * The namespace views asked for last, each with the records it was made of, so that a view asked for again is
 * made again only when one of those changed. A view carries a revision; a caller that holds it (the map, which asks
 * for every namespace after each change of a live cluster) gets back a view marked `unchanged`, without its content:
 * at 10,000 pods that spares the server the views and the protocol megabytes of JSON for every namespace but the one
 * that changed.
 */
export class NamespaceViews {
  private readonly entries = new Map<string, { readonly inputs: readonly unknown[]; readonly clients: string; readonly view: NamespaceView }>();
  /** The keys of each namespace's views, the last asked for first. */
  private readonly byNamespace = new Map<string, string[]>();
  /** Revisions of this process only: a client that kept one from an earlier server never matches. */
  private readonly prefix = `${process.pid.toString(36)}.${Date.now().toString(36)}.`;
  private next = 0;

  constructor(private readonly maxNamespaces = 1000) {}

  view(snapshot: ClusterSnapshot, zone: string, namespace: string, offset = 0, limit = 500, clients?: ClientsByService, known?: string): NamespaceView {
    const key = `${zone}\u0000${namespace}\u0000${offset}\u0000${limit}`;
    const inputs = viewInputs(snapshot, namespace);
    const clientsText = clients ? JSON.stringify([...snapshot.servicesIn(namespace)].map((s) => clients.get(`${s.namespace}/${s.name}`) ?? null)) : '';
    const entry = this.entries.get(key);
    if (entry && entry.clients === clientsText && sameItems(entry.inputs, inputs)) {
      this.touch(namespace, key);
      const { view } = entry;
      return known !== undefined && known === view.revision
        ? { namespace, services: [], pods: [], total: view.total, revision: view.revision, unchanged: true }
        : view;
    }
    const view = { ...namespaceView(snapshot, zone, namespace, offset, limit, clients), revision: this.prefix + (this.next++).toString(36) };
    // Namespaces come and go: past the bound, start afresh.
    if (this.byNamespace.size >= this.maxNamespaces && !this.byNamespace.has(namespace)) {
      this.byNamespace.clear();
      this.entries.clear();
    }
    this.entries.set(key, { inputs, clients: clientsText, view });
    this.touch(namespace, key);
    return view;
  }

  /**
   * A namespace keeps its two views asked for last (the map's and the tree's page): a view lists every endpoint of
   * the namespace, so the views kept stay within twice what the cluster's views hold.
   */
  private touch(namespace: string, key: string): void {
    const keys = [key, ...(this.byNamespace.get(namespace) ?? []).filter((k) => k !== key)];
    for (const old of keys.splice(2)) this.entries.delete(old);
    this.byNamespace.set(namespace, keys);
  }
}

/** The records a namespace's view is made of: its Namespace, Services, their slices, its pods and its policies. */
function viewInputs(snapshot: ClusterSnapshot, namespace: string): unknown[] {
  const out: unknown[] = [snapshot.namespace(namespace)];
  for (const s of snapshot.servicesIn(namespace)) {
    out.push(s);
    for (const slice of snapshot.slicesOf(s.namespace, s.name)) out.push(slice);
  }
  out.push(null);
  for (const p of snapshot.podsIn(namespace)) out.push(p);
  out.push(null);
  for (const p of snapshot.networkPolicies ?? []) if (p.namespace === namespace) out.push(p);
  return out;
}

function serviceView(snapshot: ClusterSnapshot, zone: string, s: Service, clients: readonly ClientView[] | undefined): ServiceView {
  const endpoints = snapshot.slicesOf(s.namespace, s.name).flatMap((slice) =>
    slice.endpoints.map((e) => ({
      addresses: e.addresses,
      ready: e.ready,
      serving: e.serving,
      terminating: e.terminating,
      ...(e.hostname ? { hostname: e.hostname } : {}),
      ...(e.nodeName ? { nodeName: e.nodeName } : {}),
      ...(e.targetRef?.kind === 'Pod' ? { pod: e.targetRef.name } : {}),
      ...(e.pending ? { pending: e.pending.replicas } : {}),
      ports: slice.ports.map((p) => ({ name: p.name, ...(p.port !== undefined ? { port: p.port } : {}), protocol: p.protocol })),
    })),
  );
  const counts = snapshot.endpointCounts(s.namespace, s.name);
  return {
    namespace: s.namespace,
    name: s.name,
    fqdn: serviceFqdn(s.name, s.namespace, zone),
    type: s.type,
    address: serviceAddressText(s),
    counts,
    readiness: countsText(counts),
    headless: s.headless,
    clusterIPs: s.clusterIPs,
    clusterIPPending: s.clusterIPPending,
    ...(s.externalName ? { externalName: s.externalName } : {}),
    ...(s.selector ? { selector: s.selector } : {}),
    ports: s.ports.map((p) => ({
      name: p.name,
      port: p.port,
      targetPort: p.targetPort,
      protocol: p.protocol,
      ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
    })),
    endpoints,
    ...(clients && clients.length > 0 ? { clients } : {}),
  };
}

/**
 * The policies that select a pod, by direction, when the model holds NetworkPolicies (in a model without any, every
 * pod would say the same "none").
 */
function policiesOf(snapshot: ClusterSnapshot, pod: Pod): PodView['policies'] {
  if (!snapshot.networkPolicies?.length) return undefined;
  return reachModel(snapshot).index.policiesFor(pod);
}

function podView(p: Pod, zone: string, services: string[], policies: PodView['policies']): PodView {
  const dnsNames = p.ips.map((ip) => podFqdn(ip, p.namespace, zone));
  if (p.hostname && p.subdomain) dnsNames.push(endpointFqdn(p.hostname, p.subdomain, p.namespace, zone));
  return {
    namespace: p.namespace,
    name: p.name,
    ips: p.ips,
    ...(p.nodeName ? { node: p.nodeName } : {}),
    ...(p.phase ? { phase: p.phase } : {}),
    ready: p.ready,
    terminating: p.terminating,
    ports: p.ports.map((c) => ({ name: c.name, containerPort: c.containerPort, protocol: c.protocol })),
    dnsNames,
    services,
    labels: p.labels,
    ...(p.template ? { pending: { kind: p.template.workload.kind, name: p.template.workload.name, replicas: p.template.replicas } } : {}),
    ...(policies ? { policies } : {}),
  };
}

/**
 * The connections of the workspace's references as each Service's clients, with the pods that run for each client
 * in the model shown (the workspace's templates, or a live cluster's pods) and the places in LSP terms.
 */
export function clientViews(found: readonly Connection<LocationView>[], workspace: ClusterSnapshot, shown: ClusterSnapshot): Map<string, ClientView[]> {
  const pods = new Map<string, Pod[]>();
  const out = new Map<string, ClientView[]>();
  for (const c of found) {
    const key = `${c.from.namespace}/${c.from.kind}/${c.from.name}`;
    let running = pods.get(key);
    if (!running) {
      running = podsRunning(c.from, workspace, shown);
      pods.set(key, running);
    }
    const view: ClientView = {
      kind: c.from.kind,
      namespace: c.from.namespace,
      name: c.from.name,
      pods: running.slice(0, CLIENT_PODS).map((p) => p.name),
      podCount: running.length,
      ports: c.ports,
      verdict: c.verdict,
      isolated: c.isolated,
      line: c.line,
      locations: c.places.slice(0, CLIENT_PLACES),
      references: c.places.length,
    };
    const target = `${c.to.namespace}/${c.to.name}`;
    const list = out.get(target);
    if (list) list.push(view);
    else out.set(target, [view]);
  }
  return out;
}
