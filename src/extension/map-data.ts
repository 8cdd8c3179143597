/**
 * The network map without VS Code: which namespaces to fetch and how, the graph built from the language server's
 * namespace views (which Service port reaches which pod, with readiness, aggregated beyond a bound), and the
 * webview's page. Plain data in and out, so the tests run it without an editor.
 */
import { totalEndpoints } from '../core/endpoints';
import { groupId, namespaceId, podId, podsId, serviceId } from '../protocol/ids';
import type { ClientView, ModelInfo, NamespaceView, ServiceView } from '../protocol/requests';
import type {
  MapConnection,
  MapEdge,
  MapGraph,
  MapNamespace,
  MapNode,
  MapPodNode,
  MapPort,
  MapProblem,
  MapServiceNode,
  MapTexts,
  MapVerdict,
} from '../protocol/webview';
import { mapTexts } from './map-texts';
import { english, type Translate } from './translate';

export interface MapBounds {
  /** Pods drawn one by one, at most. Beyond, the largest namespaces draw each Service's pods as one node. */
  readonly pods: number;
  /** Services a namespace may draw; beyond, it is one collapsed node until the user opens it. */
  readonly namespaceServices: number;
}

const MAP_BOUNDS: MapBounds = { pods: 1000, namespaceServices: 200 };

/** How one namespace is drawn, and how many of its pods to ask the server for. */
export interface NamespacePlan {
  readonly name: string;
  readonly mode: MapNamespace['mode'];
  readonly limit: number;
}

/**
 * Chooses how each namespace is drawn. Namespaces with more Services than the bound collapse (unless opened);
 * the others draw their pods one by one, smallest namespace first, while the pods drawn stay within the bound;
 * the rest draw each Service's pods as one node, so the pods never need to be fetched.
 */
export function planMap(
  namespaces: readonly { readonly name: string; readonly services: number; readonly pods: number }[],
  bounds: MapBounds = MAP_BOUNDS,
  expanded: readonly string[] = [],
): NamespacePlan[] {
  const open = new Set(expanded);
  const modes = new Map<string, MapNamespace['mode']>();
  for (const ns of namespaces) if (ns.services > bounds.namespaceServices && !open.has(ns.name)) modes.set(ns.name, 'collapsed');
  let budget = bounds.pods;
  for (const ns of [...namespaces].filter((n) => !modes.has(n.name)).sort((a, b) => a.pods - b.pods || a.name.localeCompare(b.name))) {
    if (ns.pods <= budget) {
      modes.set(ns.name, 'pods');
      budget -= ns.pods;
    } else {
      // Once one namespace does not fit, none larger does: keep the smaller ones whole rather than half of a big one.
      budget = -1;
      modes.set(ns.name, 'aggregate');
    }
  }
  return namespaces.map((ns) => {
    const mode = modes.get(ns.name)!;
    // A little slack for pods created between the count and the fetch.
    return { name: ns.name, mode, limit: mode === 'pods' ? ns.pods + 50 : 0 };
  });
}

export interface MapOptions {
  readonly bounds?: MapBounds;
  /** Collapsed namespaces the user opened. */
  readonly expanded?: readonly string[];
  /** How each namespace is drawn; planned from the views when absent. */
  readonly plan?: readonly NamespacePlan[];
  readonly title?: string;
  readonly message?: string;
  /** The display language's texts (vscode.l10n.t); English when absent. */
  readonly t?: Translate;
}

/** The map of these namespaces: Services, their ports and the pods behind them, with what is broken marked. */
export function buildMapGraph(views: readonly NamespaceView[], options: MapOptions = {}): MapGraph {
  const bounds = options.bounds ?? MAP_BOUNDS;
  const plan =
    options.plan ??
    planMap(
      views.map((v) => ({ name: v.namespace, services: v.services.length, pods: v.total })),
      bounds,
      options.expanded,
    );
  const modes = new Map(plan.map((p) => [p.name, p.mode]));
  const namespaces: MapNamespace[] = [];
  const empty: string[] = [];
  let services = 0;
  let pods = 0;
  let podNodes = 0;
  for (const view of [...views].sort((a, b) => a.namespace.localeCompare(b.namespace))) {
    services += view.services.length;
    pods += view.total;
    if (view.services.length === 0 && view.total === 0) {
      empty.push(view.namespace);
      continue;
    }
    const ns = namespaceGraph(view, modes.get(view.namespace) ?? 'aggregate', options.t ?? english);
    podNodes += ns.nodes.filter((n) => n.kind === 'pod').length;
    namespaces.push(ns);
  }
  const { connections, undrawn } = buildConnections(views, namespaces);
  return {
    title: options.title ?? 'NetLens',
    ...(options.message ? { message: options.message } : {}),
    namespaces,
    empty,
    totals: { services, pods, podNodes },
    podBound: bounds.pods,
    connections,
    undrawnClients: undrawn,
  };
}

/**
 * Who talks to whom: each Service's clients (from the server's views) as connections from the nodes their pods
 * are drawn in to the Service's node. A client whose pods the map does not draw (none run in the model shown) is
 * counted, not drawn.
 */
function buildConnections(views: readonly NamespaceView[], namespaces: readonly MapNamespace[]): { connections: MapConnection[]; undrawn: number } {
  const byName = new Map(namespaces.map((ns) => [ns.name, ns]));
  const ids = new Set(namespaces.flatMap((ns) => ns.nodes.map((n) => n.id)));
  // In a namespace whose pods are grouped, the node a pod is in: its Service's pods, or the pods behind no Service.
  const groupOf = new Map<string, string>();
  for (const v of views) {
    if (byName.get(v.namespace)?.mode !== 'aggregate') continue;
    for (const s of v.services)
      for (const e of s.endpoints) if (e.pod && !groupOf.has(`${v.namespace}/${e.pod}`)) groupOf.set(`${v.namespace}/${e.pod}`, podsId(v.namespace, s.name));
  }
  const sourcesOf = (c: ClientView): string[] => {
    const ns = byName.get(c.namespace);
    if (!ns || c.pods.length === 0) return [];
    if (ns.mode === 'collapsed') return [ns.id];
    const out = new Set<string>();
    for (const pod of c.pods) {
      const id = ns.mode === 'pods' ? podId(c.namespace, pod) : (groupOf.get(`${c.namespace}/${pod}`) ?? podsId(c.namespace));
      if (ids.has(id)) out.add(id);
    }
    return [...out];
  };
  const merged = new Map<string, { c: MapConnection; verdicts: Set<MapVerdict> }>();
  let undrawn = 0;
  for (const v of views) {
    for (const s of v.services) {
      const ns = byName.get(s.namespace);
      const target = ns?.mode === 'collapsed' ? ns.id : serviceId(s.namespace, s.name);
      if (!ns || !(ns.mode === 'collapsed' || ids.has(target))) continue;
      for (const client of s.clients ?? []) {
        const sources = sourcesOf(client);
        if (sources.length === 0) undrawn++;
        for (const source of sources) {
          const id = `${source}=>${target}`;
          const who = `${client.kind} ${client.namespace}/${client.name}`;
          const old = merged.get(id);
          if (!old) {
            merged.set(id, {
              verdicts: new Set([client.verdict]),
              c: {
                id,
                source,
                target,
                clients: [who],
                service: `${s.namespace}/${s.name}`,
                ports: client.ports,
                verdict: client.verdict,
                isolated: client.isolated,
                lines: [client.line],
                references: client.references,
              },
            });
            continue;
          }
          old.verdicts.add(client.verdict);
          const known = [...old.verdicts].filter((x) => x !== 'unknown');
          old.c = {
            ...old.c,
            clients: old.c.clients.includes(who) ? old.c.clients : [...old.c.clients, who],
            ports: [...new Set([...old.c.ports, ...client.ports])],
            verdict: known.length === 0 ? 'unknown' : known.length === 1 ? known[0]! : 'partial',
            isolated: old.c.isolated || client.isolated,
            lines: old.c.lines.includes(client.line) ? old.c.lines : [...old.c.lines, client.line],
            references: old.c.references + client.references,
          };
        }
      }
    }
  }
  return { connections: [...merged.values()].map((m) => m.c), undrawn };
}

function namespaceGraph(view: NamespaceView, mode: MapNamespace['mode'], t: Translate): MapNamespace {
  const ns = view.namespace;
  const serviceNodes = view.services.map((s) => serviceNode(s, mode === 'pods' ? view : undefined, t));
  const broken = serviceNodes.filter((s) => s.problem).length;
  const base = { id: namespaceId(ns), name: ns, services: view.services.length, pods: view.total, broken, mode };
  if (mode === 'collapsed') return { ...base, nodes: [], edges: [] };
  const graph: Graph = { nodes: new Map(), edges: new Map() };
  for (const s of serviceNodes) graph.nodes.set(s.id, s);
  if (mode === 'pods') drawPods(view, serviceNodes, graph);
  else drawAggregates(view, serviceNodes, graph);
  return { ...base, nodes: [...graph.nodes.values()], edges: [...graph.edges.values()] };
}

/** A namespace's nodes and edges by id, as they are drawn. */
interface Graph {
  readonly nodes: Map<string, MapNode>;
  readonly edges: Map<string, MapEdge>;
}

/** Each pod as a node (endpoints without a pod as addresses), an edge from each Service port to each. */
function drawPods(view: NamespaceView, serviceNodes: readonly MapServiceNode[], { nodes, edges }: Graph): void {
  const ns = view.namespace;
  const podNode = new Map<string, MapPodNode>();
  for (const p of view.pods) {
    podNode.set(p.name, {
      kind: 'pod',
      id: podId(ns, p.name),
      namespace: ns,
      reveal: podId(ns, p.name),
      search: searchText(p.name, ns, ...p.ips, p.node, p.pending ? p.pending.name : undefined),
      name: p.name,
      ips: p.ips,
      ...(p.node ? { node: p.node } : {}),
      ...(p.phase ? { phase: p.phase } : {}),
      ready: p.ready,
      terminating: p.terminating,
      ...(p.pending ? { replicas: p.pending.replicas } : {}),
    });
  }
  view.services.forEach((s, i) => {
    const service = serviceNodes[i]!;
    for (const e of s.endpoints) {
      const targets: string[] = [];
      if (e.pod) {
        // A pod beyond the page fetched still gets a node, from what its endpoint says.
        let pod = podNode.get(e.pod);
        if (!pod) {
          pod = {
            kind: 'pod',
            id: podId(ns, e.pod),
            namespace: ns,
            reveal: podId(ns, e.pod),
            search: searchText(e.pod, ns, ...e.addresses, e.nodeName),
            name: e.pod,
            ips: e.addresses,
            ...(e.nodeName ? { node: e.nodeName } : {}),
            ready: e.ready,
            terminating: e.terminating,
            ...(e.pending !== undefined ? { replicas: e.pending } : {}),
          };
          podNode.set(e.pod, pod);
        }
        targets.push(pod.id);
      } else {
        for (const address of e.addresses) {
          const id = `addr/${ns}/${address}`;
          if (!nodes.has(id))
            nodes.set(id, { kind: 'address', id, namespace: ns, reveal: service.reveal, search: searchText(address, ns), address, ready: e.ready });
          targets.push(id);
        }
      }
      for (const target of targets) {
        for (const link of portLinks(s, service, e.ports)) {
          const id = `${link.sourcePort ?? service.id}>${target}`;
          const old = edges.get(id);
          // A dual-stack pod is an endpoint of two slices: one edge, ready if either says so.
          edges.set(id, {
            id,
            source: service.id,
            ...(link.sourcePort ? { sourcePort: link.sourcePort } : {}),
            target,
            ...(link.targetPort !== undefined ? { targetPort: link.targetPort } : {}),
            ready: e.ready || (old?.ready ?? false),
          });
        }
      }
    }
  });
  for (const pod of [...podNode.values()].sort((a, b) => a.name.localeCompare(b.name))) nodes.set(pod.id, pod);
}

/** Each Service's pods as one node, with counts per port; the pods behind no Service as one more. */
function drawAggregates(view: NamespaceView, serviceNodes: readonly MapServiceNode[], { nodes, edges }: Graph): void {
  const ns = view.namespace;
  const behindServices = new Set<string>();
  view.services.forEach((s, i) => {
    const service = serviceNodes[i]!;
    if (s.endpoints.length === 0) return;
    const id = podsId(ns, s.name);
    const seen = new Set<string>();
    const perPort = new Map<string, { link: PortLink; count: number; ready: number }>();
    for (const e of s.endpoints) {
      const key = e.pod ?? e.addresses.join(',');
      if (e.pod) behindServices.add(e.pod);
      const weight = e.pending ?? 1;
      const was = seen.has(key);
      seen.add(key);
      for (const link of portLinks(s, service, e.ports)) {
        const portKey = link.sourcePort ?? service.id;
        const agg = perPort.get(portKey) ?? { link, count: 0, ready: 0 };
        if (!was) {
          agg.count += weight;
          if (e.ready) agg.ready += weight;
        }
        perPort.set(portKey, agg);
      }
    }
    // The node stands for the Service's pods: counted by the server, as the Service node and the tree count them.
    const count = service.endpoints;
    const ready = service.ready;
    nodes.set(id, {
      kind: 'pods',
      id,
      namespace: ns,
      reveal: service.reveal,
      search: searchText(s.name, ns, 'pods'),
      count,
      ready,
      readiness: s.readiness,
      service: s.name,
    });
    for (const [portKey, agg] of perPort) {
      const edgeId = `${portKey}>${id}`;
      edges.set(edgeId, {
        id: edgeId,
        source: service.id,
        ...(agg.link.sourcePort ? { sourcePort: agg.link.sourcePort } : {}),
        target: id,
        ...(agg.link.targetPort !== undefined ? { targetPort: agg.link.targetPort } : {}),
        ready: agg.ready > 0,
        count: agg.count,
        readyCount: agg.ready,
      });
    }
  });
  const others = view.total - behindServices.size;
  if (others > 0) {
    const id = podsId(ns);
    nodes.set(id, { kind: 'pods', id, namespace: ns, reveal: groupId(ns, 'pods'), search: searchText(ns, 'pods'), count: others });
  }
}

interface PortLink {
  readonly sourcePort?: string;
  readonly targetPort?: number;
}

/** The Service ports an endpoint serves (matched by port name, as the EndpointSlice controller writes them). */
function portLinks(s: ServiceView, service: MapServiceNode, endpointPorts: ServiceView['endpoints'][number]['ports']): PortLink[] {
  if (s.ports.length === 0) return [{}];
  const out: PortLink[] = [];
  s.ports.forEach((sp, i) => {
    const ep = endpointPorts.find((p) => p.name === sp.name);
    // An endpoint whose slice lists ports, but not this one, does not serve it.
    if (endpointPorts.length > 0 && !ep) return;
    out.push({ sourcePort: service.ports[i]!.id, ...(ep?.port !== undefined ? { targetPort: ep.port } : {}) });
  });
  return out;
}

function serviceNode(s: ServiceView, view: NamespaceView | undefined, t: Translate): MapServiceNode {
  const id = serviceId(s.namespace, s.name);
  const ports: MapPort[] = s.ports.map((p, i) => ({ id: `${id}#${i}`, name: p.name, port: p.port, protocol: p.protocol, targetPort: String(p.targetPort) }));
  const endpoints = totalEndpoints(s.counts);
  const ready = s.counts.ready;
  const problem = serviceProblem(s, endpoints, ready, view, t);
  return {
    kind: 'service',
    id,
    namespace: s.namespace,
    reveal: id,
    search: searchText(s.name, s.namespace, s.fqdn, s.type, ...s.clusterIPs, s.externalName),
    name: s.name,
    type: s.type,
    address: s.address,
    ports,
    ready,
    endpoints,
    readiness: s.readiness,
    ...(problem ? { problem } : {}),
  };
}

/** Why a Service reaches nothing, if it does not; `view` holds every pod of the namespace when known. */
function serviceProblem(s: ServiceView, endpoints: number, ready: number, view: NamespaceView | undefined, t: Translate): MapProblem | undefined {
  if (s.type === 'ExternalName') return undefined;
  if (endpoints === 0) {
    if (!s.selector) return { code: 'no-endpoints', message: t('no selector, no endpoints') };
    const selector = Object.entries(s.selector);
    const matching = view && view.pods.length === view.total ? view.pods.filter((p) => selector.every(([k, v]) => p.labels[k] === v)).length : 0;
    if (matching > 0)
      return { code: 'no-ready-endpoints', message: matching === 1 ? t('1 matching pod has no address') : t('{0} matching pods have no address', matching) };
    return { code: 'selector-matches-nothing', message: t('selector matches no pod') };
  }
  if (ready === 0) return { code: 'no-ready-endpoints', message: t('no ready endpoint ({0} not ready)', endpoints) };
  return undefined;
}

function searchText(...parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => Boolean(p))
    .join(' ')
    .toLowerCase();
}

/** The little the map needs of the language server. */
export interface MapSource {
  modelInfo(): Promise<ModelInfo>;
  namespace(name: string, limit: number): Promise<NamespaceView>;
}

/** Asks the server for the model and each namespace (only as many pods as the plan draws), and builds the map. */
export async function loadMapGraph(
  source: MapSource,
  options: { readonly bounds?: MapBounds; readonly expanded?: readonly string[]; readonly t?: Translate } = {},
): Promise<MapGraph> {
  const bounds = options.bounds ?? MAP_BOUNDS;
  const t = options.t ?? english;
  const info = await source.modelInfo();
  const plan = planMap(info.namespaces, bounds, options.expanded);
  const views = await Promise.all(plan.map((p) => source.namespace(p.name, p.limit)));
  const title = info.kind === 'cluster' ? t('context {0}', info.context ?? '(none)') : t('workspace manifests');
  const message =
    info.kind === 'cluster' && info.state === 'failed'
      ? t('The cluster cannot be read: {0}', info.message ?? info.errorKind ?? t('unknown error'))
      : info.state === 'connecting'
        ? t('Reading the cluster…')
        : info.state === 'stale'
          ? t('Reconnecting: {0}. What is shown may be out of date.', info.message ?? t('the cluster does not answer'))
          : info.namespaces.length === 0
            ? t('No namespaces: the model has no Services or pods.')
            : undefined;
  return buildMapGraph(views, { bounds, plan, title, t, ...(message ? { message } : {}) });
}

/** The ids a tree item may have on the map, best first: its own node, then the aggregate or namespace it is in. */
export function mapTargets(item: {
  readonly kind: 'service' | 'pod';
  readonly namespace: string;
  readonly name: string;
  readonly services?: readonly string[];
}): string[] {
  if (item.kind === 'service') return [serviceId(item.namespace, item.name), podsId(item.namespace, item.name), namespaceId(item.namespace)];
  return [
    podId(item.namespace, item.name),
    ...(item.services ?? []).map((s) => podsId(item.namespace, s)),
    podsId(item.namespace),
    namespaceId(item.namespace),
  ];
}

/**
 * The webview's page: a Content-Security-Policy that allows nothing but the one nonce-tagged script and the
 * extension's own styles, images and fonts; no inline style or script, no remote URL.
 */
export function mapHtml(p: {
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly nonce: string;
  /** The page's texts in the display language, read by the page from a meta tag (it runs no inline script). */
  readonly texts?: MapTexts;
  /** The display language (`vscode.env.language`), for the page's `lang`. */
  readonly language?: string;
}): string {
  const csp = mapCsp(p.cspSource, p.nonce);
  return [
    '<!DOCTYPE html>',
    `<html lang="${attr(p.language ?? 'en')}">`,
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">`,
    `<meta name="netlens-texts" content="${attr(JSON.stringify(p.texts ?? mapTexts()))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<link rel="stylesheet" href="${attr(p.styleUri)}">`,
    '<title>NetLens: Network Map</title>',
    '</head>',
    '<body>',
    `<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}

export function mapCsp(cspSource: string, nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${cspSource}; img-src ${cspSource}; font-src ${cspSource}`;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
