/**
 * Draws a laid-out map as SVG with DOM calls only. Colours are not set here: each element gets classes, and
 * media/map.css gives them the theme's colours through VS Code's CSS variables.
 */
import type { MapConnection, MapEdge, MapNamespace, MapNode, MapServiceNode, MapVerdict } from '../protocol/webview';
import { svg, type TextMeasure, tooltip } from './dom';
import {
  type Box,
  edgeLabel,
  type Layout,
  METRICS,
  namespaceMeta,
  type PlacedNamespace,
  podSubtitle,
  podsSubtitle,
  podsTitle,
  podTitle,
  portLabel,
  portY,
  serviceSubtitle,
} from './layout';
import { count, say } from './texts';

/** A drawn node, with its box in map coordinates. */
export interface DrawnNode {
  readonly id: string;
  readonly el: SVGGElement;
  /** The map node, or none for a collapsed namespace. */
  readonly node?: MapNode;
  readonly ns: MapNamespace;
  readonly box: Box;
  readonly search: string;
  readonly broken: boolean;
  readonly edges: DrawnEdge[];
}

export interface DrawnEdge {
  /** A Service port's edge to a pod, or a connection from a client's pods to a Service. */
  readonly edge: MapEdge | MapConnection;
  readonly el: SVGGElement;
}

export interface Drawing {
  readonly root: SVGGElement;
  readonly nodes: ReadonlyMap<string, DrawnNode>;
  readonly namespaces: ReadonlyMap<string, { readonly el: SVGGElement; readonly ns: MapNamespace; readonly box: Box }>;
  readonly edges: readonly DrawnEdge[];
  /** Who talks to whom: drawn over the namespaces. */
  readonly connections: readonly DrawnEdge[];
}

/** A namespace as drawn last time: its element, and its nodes and edges with boxes relative to it. */
interface DrawnNamespace {
  readonly placed: PlacedNamespace;
  readonly el: SVGGElement;
  readonly nodes: readonly { readonly drawn: DrawnNode; readonly relative: Box }[];
  readonly edges: readonly DrawnEdge[];
}

/**
 * The namespaces of the last drawing, by id. A namespace whose layout came from the layout's cache (the same
 * placed nodes and edges) keeps its elements, moved to its new place: a live update redraws what changed.
 */
let lastDrawn = new Map<string, DrawnNamespace>();
/** The root of the last drawing and its connections' layer: a drawing into the same root changes what changed. */
let lastRoot: SVGGElement | undefined;
let lastConnections: SVGGElement | undefined;

/** Elements drawn between two pauses of `drawSteps`: a slice of the page's thread of a few milliseconds. */
const STEP = 48;

/**
 * Draws a laid-out map into `root` in steps: the generator pauses after each namespace and every few dozen nodes, and
 * the caller gives the page its thread when a slice has lasted long enough (main.ts), so that no task is long and
 * the map fills in where the user sees it. Namespaces drawn last time with the same layout keep their elements;
 * drawn into the last drawing's root, the others' elements are replaced where they are.
 * Returns the drawing once every namespace and the connections are in `root`.
 */
export function* drawSteps(layout: Layout, measure: TextMeasure, root: SVGGElement): Generator<void, Drawing> {
  const nodes = new Map<string, DrawnNode>();
  const namespaces = new Map<string, { el: SVGGElement; ns: MapNamespace; box: Box }>();
  const edges: DrawnEdge[] = [];
  const drawnNow = new Map<string, DrawnNamespace>();
  // Into the root drawn last: the namespaces that stay keep their place in the page, which restyles only the new ones.
  const inPlace = root === lastRoot;
  if (inPlace) lastConnections?.remove();
  for (const placed of layout.namespaces) {
    const before = lastDrawn.get(placed.ns.id);
    let el: SVGGElement;
    if (before && placed.ns.mode !== 'collapsed' && before.placed.nodes === placed.nodes && before.placed.edges === placed.edges) {
      el = before.el;
      el.setAttribute('transform', `translate(${placed.box.x},${placed.box.y})`);
      const moved = before.nodes.map(({ drawn, relative }) => {
        const d: DrawnNode = {
          ...drawn,
          ns: placed.ns,
          box: { x: placed.box.x + relative.x, y: placed.box.y + relative.y, width: relative.width, height: relative.height },
        };
        nodes.set(d.id, d);
        return { drawn: d, relative };
      });
      edges.push(...before.edges);
      drawnNow.set(placed.ns.id, { placed, el, nodes: moved, edges: before.edges });
      if (!inPlace) root.append(el);
    } else {
      if (inPlace) before?.el.remove();
      const own = new Map<string, DrawnNode>();
      const ownEdges: DrawnEdge[] = [];
      el = yield* drawNamespace(placed, measure, own, ownEdges, root);
      for (const [id, d] of own) nodes.set(id, d);
      edges.push(...ownEdges);
      const relative = [...own.values()].map((drawn) => ({
        drawn,
        relative: { x: drawn.box.x - placed.box.x, y: drawn.box.y - placed.box.y, width: drawn.box.width, height: drawn.box.height },
      }));
      drawnNow.set(placed.ns.id, { placed, el, nodes: relative, edges: ownEdges });
      yield;
    }
    namespaces.set(placed.ns.id, { el, ns: placed.ns, box: placed.box });
  }
  if (inPlace) for (const [id, gone] of lastDrawn) if (!drawnNow.has(id)) gone.el.remove();
  lastDrawn = drawnNow;
  const connections = drawConnections(layout.connections, nodes);
  root.append(connections.layer);
  lastRoot = root;
  lastConnections = connections.layer;
  return { root, nodes, namespaces, edges, connections: connections.drawn };
}

/**
 * Connections as arcs over the map, from the top of the node a client's pods are in to the top of the Service's
 * node, coloured by verdict (CSS: `.connection.blocked`, …). They take no part in the layout: a change of verdict
 * redraws arcs, not namespaces.
 */
function drawConnections(connections: readonly MapConnection[], nodes: ReadonlyMap<string, DrawnNode>): { layer: SVGGElement; drawn: DrawnEdge[] } {
  const layer = svg('g', { class: 'connections' });
  const drawn: DrawnEdge[] = [];
  for (const c of connections) {
    const from = nodes.get(c.source);
    const to = nodes.get(c.target);
    if (!from || !to) continue;
    const d = arc(from.box, to.box);
    const g = svg('g', {
      class: `connection ${c.verdict}${c.isolated ? ' isolated' : ''}`,
      'data-source': c.source,
      'data-target': c.target,
      'data-verdict': c.verdict,
    });
    g.append(svg('path', { class: 'hit', d }), svg('path', { class: 'line', d, 'marker-end': `url(#conn-${c.verdict})` }));
    tooltip(g, connectionText(c));
    layer.append(g);
    const e = { edge: c, el: g };
    drawn.push(e);
    from.edges.push(e);
    to.edges.push(e);
  }
  return { layer, drawn };
}

/**
 * The path of a connection: between nodes of one column (a client pod placed beside the Services it calls), a bow
 * out to the left from side to side, so that it crosses no node of the column; otherwise an arc over both ends,
 * from the top of one to the top of the other.
 */
function arc(a: Box, b: Box): string {
  const f = (n: number) => n.toFixed(1);
  const overlap = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  if (overlap > 0) {
    const sy = a.y + a.height / 2;
    const ty = b.y + b.height / 2;
    const left = Math.min(a.x, b.x) - (36 + Math.min(160, Math.abs(ty - sy) * 0.15));
    return `M${f(a.x)},${f(sy)} C${f(left)},${f(sy)} ${f(left)},${f(ty)} ${f(b.x)},${f(ty)}`;
  }
  const sx = a.x + a.width / 2;
  const tx = b.x + b.width / 2;
  const top = Math.min(a.y, b.y) - (30 + Math.min(220, Math.abs(tx - sx) * 0.25 + Math.abs(b.y - a.y) * 0.1));
  return `M${f(sx)},${f(a.y)} C${f(sx)},${f(top)} ${f(tx)},${f(top)} ${f(tx)},${f(b.y)}`;
}

/** What a connection's tooltip says: who, to what, on which ports, and the verdict with its policies. */
export function connectionText(c: MapConnection): string {
  const who = c.clients.length <= 3 ? c.clients.join(', ') : say('andMore', c.clients.slice(0, 3).join(', '), c.clients.length - 3);
  return [
    c.ports.length > 0 ? say('connectionOn', who, c.service, c.ports.join(', ')) : say('connectionTo', who, c.service),
    ...c.lines.slice(0, 3),
    count(c.references, 'referenceOne', 'referenceMany'),
  ].join('\n');
}

export const VERDICTS: readonly MapVerdict[] = ['allowed', 'blocked', 'partial', 'unknown'];

function* drawNamespace(
  placed: PlacedNamespace,
  measure: TextMeasure,
  nodes: Map<string, DrawnNode>,
  edges: DrawnEdge[],
  root: SVGGElement,
): Generator<void, SVGGElement> {
  const M = METRICS;
  const { ns, box } = placed;
  const g = svg('g', { class: `namespace ${ns.mode}${ns.broken > 0 ? ' has-broken' : ''}`, transform: `translate(${box.x},${box.y})` });
  if (ns.mode === 'collapsed') {
    g.classList.add('node', 'collapsed-ns');
    g.setAttribute('data-id', ns.id);
    setInteractive(g, say('collapsedLabel', ns.name, namespaceMeta(ns)));
    g.append(
      svg('rect', { class: 'ns-box', width: box.width, height: box.height, rx: 6 }),
      svg('text', { class: 'ns-title', x: 12, y: 22 }, measure.fit(ns.name, M.titleFont, box.width - 24, true)),
      svg('text', { class: 'ns-meta', x: 12, y: 40 }, namespaceMeta(ns)),
      svg('text', { class: 'ns-hint', x: 12, y: 56 }, say('collapsedHint')),
    );
    tooltip(g, `Namespace ${ns.name}\n${namespaceMeta(ns)}`);
    nodes.set(ns.id, { id: ns.id, el: g, ns, box, search: ns.name.toLowerCase(), broken: ns.broken > 0, edges: [] });
    root.append(g);
    return g;
  }
  // The title takes the room the counts beside it leave (the layout makes the box wide enough for both).
  const metaText = namespaceMeta(ns);
  const title = measure.fit(ns.name, M.titleFont, Math.max(60, box.width - 36 - measure.width(metaText, M.font)), true);
  const header = svg('g', { class: 'ns-header', 'data-ns': ns.id });
  const titleText = svg('text', { class: 'ns-title', x: 12, y: 20 }, title);
  const meta = svg('text', { class: 'ns-meta', x: 12 + measure.width(title, M.titleFont, true) + 12, y: 20 }, metaText);
  header.append(titleText, meta);
  tooltip(header, `Namespace ${ns.name}\n${metaText}`);
  g.append(
    svg('rect', { class: 'ns-box', width: box.width, height: box.height, rx: 6 }),
    svg('line', { class: 'ns-rule', x1: 0, x2: box.width, y1: M.nsHeader, y2: M.nsHeader }),
    header,
  );

  const edgeLayer = svg('g', { class: 'edges' });
  const nodeLayer = svg('g', { class: 'nodes' });
  g.append(edgeLayer, nodeLayer);
  root.append(g);
  const drawnHere = new Map<string, DrawnNode>();
  let count = 0;
  for (const { node, box: b } of placed.nodes) {
    if (++count % STEP === 0) yield;
    const el = drawNode(node, b, measure);
    nodeLayer.append(el);
    const absolute = { x: box.x + b.x, y: box.y + b.y, width: b.width, height: b.height };
    const drawn: DrawnNode = {
      id: node.id,
      el,
      node,
      ns,
      box: absolute,
      search: node.search,
      broken: node.kind === 'service' && node.problem !== undefined,
      edges: [],
    };
    drawnHere.set(node.id, drawn);
    nodes.set(node.id, drawn);
  }
  for (const { edge, points } of placed.edges) {
    if (++count % STEP === 0) yield;
    const el = drawEdge(edge, points, drawnHere);
    edgeLayer.append(el);
    const drawn = { edge, el };
    edges.push(drawn);
    drawnHere.get(edge.source)?.edges.push(drawn);
    drawnHere.get(edge.target)?.edges.push(drawn);
  }
  return g;
}

function setInteractive(g: SVGGElement, label: string): void {
  g.setAttribute('tabindex', '0');
  g.setAttribute('role', 'button');
  g.setAttribute('aria-label', label);
}

/** A Service: its name and address, a row per port with the port's handle on the right edge, and its problem. */
function drawService(g: SVGGElement, node: MapServiceNode, b: Box, measure: TextMeasure): void {
  const M = METRICS;
  const inner = b.width - 2 * M.padX;
  if (node.problem) g.classList.add('broken');
  else if (node.ready < node.endpoints) g.classList.add('degraded');
  setInteractive(g, `Service ${node.namespace}/${node.name}${node.problem ? `: ${node.problem.message}` : ''}`);
  g.append(
    svg('rect', { class: 'box', width: b.width, height: b.height, rx: 4 }),
    svg('text', { class: 'title', x: M.padX, y: 17 }, measure.fit(node.name, M.titleFont, inner, true)),
    svg('text', { class: 'subtitle', x: M.padX, y: 33 }, measure.fit(serviceSubtitle(node), M.font, inner)),
  );
  node.ports.forEach((p, i) => {
    const y = portY(i);
    g.append(
      svg('line', { class: 'port-rule', x1: 0, x2: b.width, y1: y - M.row / 2, y2: y - M.row / 2 }),
      svg('text', { class: 'port-label', x: b.width - M.padX - 2, y: y + 4, 'text-anchor': 'end' }, measure.fit(portLabel(p), M.font, inner - M.portSize)),
      svg('circle', { class: 'port', cx: b.width, cy: y, r: M.portSize / 2 }),
    );
  });
  if (node.problem) {
    const y = M.header + node.ports.length * M.row + 14;
    g.append(svg('text', { class: 'problem', x: M.padX, y }, measure.fit(`⚠ ${node.problem.message}`, M.font, inner, true)));
  }
  const lines = [
    `Service ${node.namespace}/${node.name} (${node.type})`,
    say('address', node.address),
    ...node.ports.map((p) => say('port', portLabel(p))),
    say('endpoints', node.readiness),
    ...(node.problem ? [say('problem', node.problem.message)] : []),
  ];
  tooltip(g, lines.join('\n'));
}

function drawNode(node: MapNode, b: Box, measure: TextMeasure): SVGGElement {
  const M = METRICS;
  const inner = b.width - 2 * M.padX;
  const g = svg('g', { class: `node ${node.kind}`, transform: `translate(${b.x},${b.y})`, 'data-id': node.id });
  switch (node.kind) {
    case 'service':
      drawService(g, node, b, measure);
      break;
    case 'pod': {
      g.classList.add(node.replicas !== undefined ? 'pending' : node.terminating ? 'terminating' : node.ready ? 'ready' : 'not-ready');
      setInteractive(g, `Pod ${node.namespace}/${node.name}, ${podSubtitle(node)}`);
      g.append(
        svg('rect', { class: 'box', width: b.width, height: b.height, rx: 4 }),
        svg('circle', { class: 'status', cx: M.padX + 3, cy: 14, r: 4 }),
        svg('text', { class: 'title', x: M.padX + 12, y: 17 }, measure.fit(podTitle(node), M.font, inner - 12, true)),
        svg('text', { class: 'subtitle', x: M.padX + 12, y: 31 }, measure.fit(podSubtitle(node), M.font, inner - 12)),
      );
      tooltip(
        g,
        [
          `Pod ${node.namespace}/${node.name}`,
          podSubtitle(node),
          node.node ? say('node', node.node) : '',
          node.replicas !== undefined ? say('standsFor', node.replicas) : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
      break;
    }
    case 'pods': {
      g.classList.add(node.ready === undefined ? 'unknown' : node.ready === node.count ? 'ready' : node.ready === 0 ? 'not-ready' : 'partly-ready');
      setInteractive(
        g,
        `${node.service ? say('podsOf', podsTitle(node), node.namespace, node.service) : say('podsIn', podsTitle(node), node.namespace)}: ${podsSubtitle(node)}`,
      );
      g.append(
        svg('rect', { class: 'box stack', x: 4, y: 4, width: b.width, height: b.height, rx: 4 }),
        svg('rect', { class: 'box', width: b.width, height: b.height, rx: 4 }),
        svg('circle', { class: 'status', cx: M.padX + 3, cy: 14, r: 4 }),
        svg('text', { class: 'title', x: M.padX + 12, y: 17 }, measure.fit(podsTitle(node), M.font, inner - 12, true)),
        svg('text', { class: 'subtitle', x: M.padX + 12, y: 31 }, measure.fit(podsSubtitle(node), M.font, inner - 12)),
      );
      tooltip(
        g,
        `${node.service ? say('podsOf', podsTitle(node), node.namespace, node.service) : say('podsIn', podsTitle(node), node.namespace)}\n${podsSubtitle(node)}\n${say('grouped')}`,
      );
      break;
    }
    case 'address': {
      g.classList.add(node.ready ? 'ready' : 'not-ready');
      setInteractive(g, say('endpointNoPod', node.address));
      g.append(
        svg('rect', { class: 'box', width: b.width, height: b.height, rx: 13 }),
        svg('circle', { class: 'status', cx: M.padX + 3, cy: b.height / 2, r: 4 }),
        svg('text', { class: 'title', x: M.padX + 12, y: b.height / 2 + 4 }, node.address),
      );
      tooltip(g, `${say('endpointNoPod', node.address)}, ${say(node.ready ? 'ready' : 'notReady')}`);
      break;
    }
  }
  return g;
}

function drawEdge(edge: MapEdge, points: readonly { x: number; y: number }[], nodes: ReadonlyMap<string, DrawnNode>): SVGGElement {
  const g = svg('g', { class: `edge ${edge.ready ? 'ready' : 'not-ready'}`, 'data-source': edge.source, 'data-target': edge.target });
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  g.append(svg('path', { class: 'hit', d }), svg('path', { class: 'line', d, 'marker-end': `url(#arrow-${edge.ready ? 'ready' : 'not-ready'})` }));
  const end = points[points.length - 1]!;
  const source = nodes.get(edge.source)?.node;
  const target = nodes.get(edge.target)?.node;
  const port = source?.kind === 'service' ? source.ports.find((p) => p.id === edge.sourcePort) : undefined;
  const label = source ? edgeLabel(edge, source) : '';
  if (label) g.append(svg('text', { class: 'edge-label', x: end.x - 10, y: end.y - 4, 'text-anchor': 'end' }, label));
  const from = source?.kind === 'service' ? `${source.name}${port ? ` ${portLabel(port)}` : ''}` : edge.source;
  const to = target
    ? target.kind === 'pod'
      ? target.name
      : target.kind === 'pods'
        ? podsTitle(target)
        : target.kind === 'address'
          ? target.address
          : target.name
    : edge.target;
  tooltip(
    g,
    `${from} → ${to}${edge.targetPort !== undefined ? `:${edge.targetPort}` : ''} (${edge.count !== undefined ? say('readyOf', edge.readyCount ?? 0, edge.count) : say(edge.ready ? 'ready' : 'notReady')})`,
  );
  return g;
}

/** The arrowheads, one per edge state, so that CSS can colour them. */
export function markers(): SVGDefsElement {
  const defs = svg('defs');
  for (const state of ['ready', 'not-ready']) {
    const marker = svg('marker', {
      id: `arrow-${state}`,
      class: `arrow ${state}`,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 8,
      markerHeight: 8,
      markerUnits: 'userSpaceOnUse',
      orient: 'auto-start-reverse',
    });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z' }));
    defs.append(marker);
  }
  for (const verdict of VERDICTS) {
    const marker = svg('marker', {
      id: `conn-${verdict}`,
      class: `arrow connection-arrow ${verdict}`,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 9,
      markerHeight: 9,
      markerUnits: 'userSpaceOnUse',
      orient: 'auto-start-reverse',
    });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z' }));
    defs.append(marker);
  }
  return defs;
}
