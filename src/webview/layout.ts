/**
 * The map's geometry: each node's size from its text, then a layout made for this graph's shape. Within a namespace
 * the graph is bipartite: Service ports on the left reach pods (or a Service's pods drawn as one, or addresses) on
 * the right, and most pods are reached by one Service. Each connected group of Services and what they reach is laid
 * out as two columns, the right one in the order of the ports that reach it (so that edges hardly cross; many targets
 * wrap into more columns, reached through a shared channel and lanes), with orthogonal edges; the groups, and then the
 * namespaces, are packed on a skyline in their order, towards an aspect ratio (`pack`).
 * Linear in the nodes and edges after a sort of each right column: 1,000 pods take a few milliseconds, where elkjs's
 * layered layout took seconds in the page's only thread (`npm run bench -- --only=map` prints both).
 */
import type { MapConnection, MapEdge, MapGraph, MapNamespace, MapNode, MapServiceNode } from '../protocol/webview';
import { count, say } from './texts';

/** What the layout needs of a text measure: the width of a text (the page's is `TextMeasure` in dom.ts). */
export interface Measure {
  width(text: string, size: number, bold?: boolean): number;
}

/** Sizes shared by the layout and the drawing. */
export const METRICS = {
  font: 12,
  titleFont: 13,
  padX: 10,
  /** Text wider than this is cut with an ellipsis (the tooltip has it whole). */
  maxText: 300,
  /** A Service's header: its name and its address. */
  header: 40,
  row: 20,
  podHeight: 38,
  addressHeight: 26,
  nsHeader: 30,
  collapsedWidth: 280,
  collapsedHeight: 64,
  portSize: 8,
  /** The edges' labels (media/map.css: .edge-label). */
  labelFont: 10,
};

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedNode {
  readonly node: MapNode;
  /** Relative to the namespace. */
  readonly box: Box;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge {
  readonly edge: MapEdge;
  /** Relative to the namespace: the port, the bends, the target. */
  readonly points: readonly Point[];
}

export interface PlacedNamespace {
  readonly ns: MapNamespace;
  readonly box: Box;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

export interface Layout {
  readonly namespaces: readonly PlacedNamespace[];
  /** Who talks to whom: drawn over the namespaces, placed by the nodes they join. */
  readonly connections: readonly MapConnection[];
  readonly width: number;
  readonly height: number;
}

/** A node's size: its texts' widths and rows. */
export function nodeSize(node: MapNode, measure: Measure): { width: number; height: number } {
  const M = METRICS;
  const w = (text: string, bold = false, size: number = M.font) => Math.min(M.maxText, measure.width(text, size, bold));
  switch (node.kind) {
    case 'service': {
      const lines = [w(node.name, true, M.titleFont), w(serviceSubtitle(node)), ...node.ports.map((p) => w(portLabel(p)) + M.portSize)];
      if (node.problem) lines.push(w(`⚠ ${node.problem.message}`, true));
      return { width: Math.max(150, Math.ceil(Math.max(...lines) + 2 * M.padX + 6)), height: serviceHeight(node) };
    }
    case 'pod':
      return { width: Math.max(130, Math.ceil(Math.max(w(podTitle(node), true), w(podSubtitle(node))) + 2 * M.padX + 12)), height: M.podHeight };
    case 'pods':
      return { width: Math.max(120, Math.ceil(Math.max(w(podsTitle(node), true), w(podsSubtitle(node))) + 2 * M.padX + 12)), height: M.podHeight };
    case 'address':
      return { width: Math.ceil(w(node.address) + 2 * M.padX + 12), height: M.addressHeight };
  }
}

function serviceHeight(node: MapServiceNode): number {
  return METRICS.header + node.ports.length * METRICS.row + (node.problem ? METRICS.row : 0) + 6;
}

/** The y (relative to the Service) of a port row's centre. */
export function portY(index: number): number {
  return METRICS.header + index * METRICS.row + METRICS.row / 2;
}

/** The text beside an edge's end: the endpoint's port where the Service's port row does not say it (a named target port), and an aggregate's readiness. */
export function edgeLabel(edge: MapEdge, source: MapNode): string {
  const port = source.kind === 'service' ? source.ports.find((p) => p.id === edge.sourcePort) : undefined;
  const resolved = edge.targetPort !== undefined && port?.targetPort !== String(edge.targetPort) ? `:${edge.targetPort}` : '';
  return edge.count !== undefined ? `${resolved ? `${resolved} · ` : ''}${say('readyCount', `${edge.readyCount ?? 0}/${edge.count}`)}` : resolved;
}

export function serviceSubtitle(s: MapServiceNode): string {
  return `${s.type} · ${s.address}`;
}

export function portLabel(p: MapServiceNode['ports'][number]): string {
  return `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol} → ${p.targetPort}`;
}

export function podTitle(p: Extract<MapNode, { kind: 'pod' }>): string {
  return p.replicas !== undefined && p.replicas !== 1 ? `${p.name} × ${p.replicas}` : p.name;
}

export function podSubtitle(p: Extract<MapNode, { kind: 'pod' }>): string {
  if (p.replicas !== undefined) return say(p.replicas === 1 ? 'ipAllocated' : 'ipsAllocated');
  const state = say(p.terminating ? 'terminating' : p.ready ? 'ready' : 'notReady');
  return [p.ips.join(', ') || say('noIp'), p.phase, state].filter(Boolean).join(' · ');
}

export function podsTitle(p: Extract<MapNode, { kind: 'pods' }>): string {
  return p.service === undefined ? count(p.count, 'podsBehindNoneOne', 'podsBehindNoneMany') : count(p.count, 'podOne', 'podMany');
}

export function podsSubtitle(p: Extract<MapNode, { kind: 'pods' }>): string {
  if (p.readiness !== undefined) return p.readiness;
  if (p.ready === undefined) return say('notDrawnOneByOne');
  return `${say('readyCount', p.ready)}${p.ready < p.count ? ` · ${say('notReadyCount', p.count - p.ready)}` : ''}`;
}

/** A namespace laid out on its own: its size and its nodes' and edges' places inside it. */
interface LaidNamespace {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

/** Spacing of the layout, in pixels. */
const SPACE = {
  /** Between nodes of a column. */
  node: 10,
  /** Between the Services' column and the column of what they reach (edges and their labels run there). */
  columns: 70,
  /** Between the groups of a namespace. */
  group: 24,
  /** Between namespaces. */
  namespace: 28,
  /** Inside a namespace's box. */
  pad: { top: METRICS.nsHeader + 10, left: 14, bottom: 14, right: 14 },
  /** Aspect ratio (width / height) a namespace's groups are packed towards. */
  aspect: 1.6,
  /** A Service's targets wrap into several columns from this many on (when one column would be too tall). */
  wrapAt: 16,
  /** Between two columns of targets: room for the lane that edges come down, and their labels. */
  columnGap: 52,
  /** Above wrapped columns: the channel that edges cross to their column's lane. */
  channel: 16,
};

/**
 * Namespaces laid out before, by id, with the content they were laid out for: a live update that changes one
 * namespace keeps the others' placed nodes and edges, which lets the drawing keep their elements (render.ts).
 */
const laidNamespaces = new Map<string, { readonly ns: MapNamespace; key: string | undefined; readonly laid: LaidNamespace }>();

/** Forgets every namespace laid out before (the next map is laid out whole): for a measurement of a first layout. */
export function forgetLayouts(): void {
  laidNamespaces.clear();
}

/**
 * Lays out each namespace (reusing the layout of a namespace whose content did not change), then packs the
 * namespaces towards the viewport's aspect ratio, leaving room above them for the connections' arcs. A generator
 * that pauses after each namespace laid out, so that the page can give itself the thread back (main.ts).
 */
export function* layoutSteps(graph: MapGraph, measure: Measure, aspectRatio: number): Generator<void, Layout> {
  const M = METRICS;
  const laid = new Map<string, LaidNamespace>();
  for (const ns of graph.namespaces) {
    if (ns.mode === 'collapsed') {
      laid.set(ns.id, { width: M.collapsedWidth, height: M.collapsedHeight, nodes: [], edges: [] });
      continue;
    }
    // The content keys are made only where there is a layout to compare with (not for a first map).
    const cached = laidNamespaces.get(ns.id);
    let key: string | undefined;
    // A namespace the host did not send again is the same object as last time.
    if (cached?.ns === ns) {
      laid.set(ns.id, cached.laid);
      continue;
    }
    if (cached) {
      key = namespaceKey(ns);
      cached.key ??= namespaceKey(cached.ns);
      if (cached.key === key) {
        laid.set(ns.id, cached.laid);
        continue;
      }
    }
    const result = layoutNamespace(ns, measure);
    laidNamespaces.set(ns.id, { ns, key, laid: result });
    laid.set(ns.id, result);
    yield;
  }
  // Forget namespaces that are gone.
  const present = new Set(graph.namespaces.map((ns) => ns.id));
  for (const id of [...laidNamespaces.keys()]) if (!present.has(id)) laidNamespaces.delete(id);

  const margin = { top: graph.connections.length > 0 ? 140 : 20, left: 20 };
  const packed = pack(
    graph.namespaces.map((ns) => laid.get(ns.id)!),
    aspectRatio,
    SPACE.namespace,
  );
  const namespaces: PlacedNamespace[] = graph.namespaces.map((ns, i) => {
    const l = laid.get(ns.id)!;
    const at = packed.places[i]!;
    return { ns, box: { x: margin.left + at.x, y: margin.top + at.y, width: l.width, height: l.height }, nodes: l.nodes, edges: l.edges };
  });
  return { namespaces, connections: graph.connections, width: packed.width + 2 * margin.left, height: packed.height + margin.top + 20 };
}

/** The same at once (tests, benchmarks). */
export function layoutGraph(graph: MapGraph, measure: Measure, aspectRatio: number): Layout {
  const steps = layoutSteps(graph, measure, aspectRatio);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Packs boxes in their order into a width that gives their total area the aspect ratio (or the widest box's width),
 * each at the highest place the boxes before it leave free, leftmost first (a skyline, bottom-left packing turned
 * upside down): reading order is kept roughly, and a short box fills the room beside a tall one. Returns each box's
 * top-left corner and the size of the whole.
 */
export function pack(
  boxes: readonly { readonly width: number; readonly height: number }[],
  aspectRatio: number,
  gap: number,
): { places: { x: number; y: number }[]; width: number; height: number } {
  let area = 0;
  let widest = 0;
  for (const b of boxes) {
    area += (b.width + gap) * (b.height + gap);
    widest = Math.max(widest, b.width);
  }
  const limit = Math.max(widest, Math.sqrt(area * aspectRatio));
  // The skyline: from left to right, where the packed boxes end below; each segment runs to the next one's x.
  let skyline: { x: number; y: number }[] = [{ x: 0, y: 0 }];
  const places: { x: number; y: number }[] = [];
  let width = 0;
  let height = 0;
  for (const b of boxes) {
    let best = { x: 0, y: Number.POSITIVE_INFINITY, from: 0, to: 0 };
    for (let i = 0; i < skyline.length; i++) {
      const x = skyline[i]!.x;
      if (x > 0 && x + b.width > limit) break;
      let y = 0;
      let j = i;
      while (j < skyline.length && skyline[j]!.x < x + b.width) y = Math.max(y, skyline[j++]!.y);
      if (y < best.y) best = { x, y, from: i, to: j };
    }
    places.push({ x: best.x, y: best.y });
    width = Math.max(width, best.x + b.width);
    height = Math.max(height, best.y + b.height);
    // The box's span rises to its bottom (and the gap); the segment it covers in part resumes after it.
    const right = best.x + b.width + gap;
    const resume = skyline[best.to - 1]!;
    const next = skyline[best.to];
    const tail = next === undefined || next.x > right ? [{ x: right, y: resume.y }] : [];
    skyline = [...skyline.slice(0, best.from), { x: best.x, y: best.y + b.height + gap }, ...tail, ...skyline.slice(best.to)];
  }
  return { places, width, height };
}

/** What a namespace's layout depends on: its nodes, their text and its edges. */
function namespaceKey(ns: MapNamespace): string {
  return JSON.stringify([ns.mode, ns.name, ns.nodes, ns.edges, namespaceMeta(ns)]);
}

/** A connected group of a namespace: Services on the left, what their ports reach on the right. */
interface Group {
  readonly left: MapNode[];
  readonly right: MapNode[];
}

/**
 * The namespace's connected groups. A node that is the source of an edge, or a Service, goes left; the others
 * right. A pod that two Services reach joins their groups.
 */
function groupsOf(ns: MapNamespace): Group[] {
  const index = new Map(ns.nodes.map((n, i) => [n.id, i]));
  const parent = ns.nodes.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const sources = new Set<number>();
  for (const e of ns.edges) {
    const a = index.get(e.source);
    const b = index.get(e.target);
    if (a === undefined || b === undefined) continue;
    sources.add(a);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const byRoot = new Map<number, Group>();
  const groups: Group[] = [];
  // Groups in the order of their first nodes, nodes in the model's order.
  ns.nodes.forEach((node, i) => {
    const root = find(i);
    let g = byRoot.get(root);
    if (!g) {
      g = { left: [], right: [] };
      byRoot.set(root, g);
      groups.push(g);
    }
    (node.kind === 'service' || sources.has(i) ? g.left : g.right).push(node);
  });
  return groups;
}

/** A group laid out on its own, relative to its top-left corner. */
interface LaidGroup {
  readonly width: number;
  readonly height: number;
  readonly nodes: PlacedNode[];
  readonly edges: PlacedEdge[];
}

/** The y of an edge's start, relative to its source's top: its port's row, or the middle without ports. */
function sourceY(edge: MapEdge, source: MapNode, height: number): number {
  if (source.kind === 'service' && edge.sourcePort !== undefined) {
    const i = source.ports.findIndex((p) => p.id === edge.sourcePort);
    if (i >= 0) return portY(i);
  }
  return height / 2;
}

/** An orthogonal edge from a port to a target in the first column, bending at `bend` (so that the last stretch, where the label sits, is long and level). */
function route(from: Point, to: Point, bend: number): Point[] {
  if (Math.abs(from.y - to.y) < 0.5) return [from, to];
  return [from, { x: bend, y: from.y }, { x: bend, y: to.y }, to];
}

/**
 * An edge to a target in a later column: up the first gap to the channel above the columns, along it, and down the
 * gap before the target's column. Edges to one column share their stretches: they read as a bus, not as a tangle.
 */
function routeOver(from: Point, to: Point, bend: number, lane: number, channel: number): Point[] {
  const x = to.x - lane;
  return [from, { x: bend, y: from.y }, { x: bend, y: channel }, { x, y: channel }, { x, y: to.y }, to];
}

/**
 * How many columns the targets of a group take: one, unless that column would be much taller than wide; then as many
 * as bring the group towards the namespace's aspect ratio, each at least as tall as the Services' column.
 */
function columnsFor(count: number, pitch: number, columnWidth: number, leftHeight: number): number {
  if (count < SPACE.wrapAt) return 1;
  const k = Math.round(Math.sqrt((SPACE.aspect * count * pitch) / (columnWidth + SPACE.columnGap)));
  const tallest = Math.max(1, Math.floor((leftHeight + SPACE.node) / pitch));
  return Math.max(1, Math.min(k, Math.ceil(count / tallest)));
}

function layoutGroup(group: Group, edges: readonly MapEdge[], measure: Measure): LaidGroup {
  const M = METRICS;
  const sizes = new Map<string, { width: number; height: number }>();
  for (const n of [...group.left, ...group.right]) sizes.set(n.id, nodeSize(n, measure));
  // The left column, in model order.
  const top = new Map<string, number>();
  let y = 0;
  let leftWidth = 0;
  for (const n of group.left) {
    const size = sizes.get(n.id)!;
    top.set(n.id, y);
    y += size.height + SPACE.node;
    leftWidth = Math.max(leftWidth, size.width);
  }
  const leftHeight = Math.max(0, y - SPACE.node);
  const leftNode = new Map(group.left.map((n) => [n.id, n]));
  const order = targetOrder(group, edges, sizes, top, leftNode);
  let rightWidth = 0;
  let pitch = 0;
  for (const n of order) {
    const size = sizes.get(n.id)!;
    rightWidth = Math.max(rightWidth, size.width);
    pitch = Math.max(pitch, size.height + SPACE.node);
  }
  // The targets in columns of equal rows, filled top to bottom, left to right.
  const columns = columnsFor(order.length, pitch, rightWidth, leftHeight);
  const rows = Math.ceil(order.length / columns);
  const channel = columns > 1 ? SPACE.channel : 0;
  let rightHeight = 0;
  for (let c = 0; c < columns; c++) {
    let h = 0;
    for (const n of order.slice(c * rows, (c + 1) * rows)) h += sizes.get(n.id)!.height + SPACE.node;
    rightHeight = Math.max(rightHeight, h - SPACE.node);
  }
  // The shorter side is centred on the taller.
  const height = Math.max(leftHeight, rightHeight + channel);
  const leftShift = (height - leftHeight) / 2;
  // The gaps hold the edges' labels, which end 10 px before their targets.
  let label = 0;
  for (const e of edges) {
    const source = leftNode.get(e.source);
    const text = source ? edgeLabel(e, source) : '';
    if (text) label = Math.max(label, measure.width(text, METRICS.labelFont));
  }
  const gap = Math.max(SPACE.columns, Math.ceil(label) + 40);
  const columnGap = Math.max(SPACE.columnGap, Math.ceil(label) + 34);
  const rightX = group.left.length > 0 && order.length > 0 ? leftWidth + gap : 0;
  const nodes: PlacedNode[] = [];
  for (const n of group.left) nodes.push({ node: n, box: { x: 0, y: top.get(n.id)! + leftShift, ...sizes.get(n.id)! } });
  const placed = new Map<string, Box & { column: number }>();
  order.forEach((n, i) => {
    const column = Math.floor(i / rows);
    if (i % rows === 0) y = channel + (height - channel - rightHeight) / 2;
    const box = { x: rightX + column * (rightWidth + columnGap), y, ...sizes.get(n.id)! };
    placed.set(n.id, { ...box, column });
    nodes.push({ node: n, box });
    y += box.height + SPACE.node;
  });
  // The bend and the lanes keep to the far side of the gaps, leaving the last stretch to the label.
  const bend = leftWidth + Math.max(12, (gap - label - 10) / 2);
  const lane = columnGap - 12;
  const laidEdges: PlacedEdge[] = [];
  for (const e of edges) {
    const source = leftNode.get(e.source);
    const target = placed.get(e.target);
    if (!source || !target) continue;
    const from = {
      x: sizes.get(e.source)!.width + (source.kind === 'service' && source.ports.length > 0 ? M.portSize / 2 : 0),
      y: top.get(e.source)! + leftShift + sourceY(e, source, sizes.get(e.source)!.height),
    };
    const to = { x: target.x, y: target.y + target.height / 2 };
    laidEdges.push({ edge: e, points: target.column === 0 ? route(from, to, bend) : routeOver(from, to, bend, lane, channel / 2) });
  }
  const width = order.length > 0 ? rightX + columns * rightWidth + (columns - 1) * columnGap : leftWidth;
  return { width, height, nodes, edges: laidEdges };
}

/** The targets of a group, each in the order of the mean height of the ports that reach it (its model place breaks ties). */
function targetOrder(
  group: Group,
  edges: readonly MapEdge[],
  sizes: ReadonlyMap<string, { width: number; height: number }>,
  top: ReadonlyMap<string, number>,
  leftNode: ReadonlyMap<string, MapNode>,
): MapNode[] {
  const pull = new Map<string, { sum: number; n: number }>();
  for (const e of edges) {
    const source = leftNode.get(e.source);
    if (!source || !sizes.has(e.target)) continue;
    const p = pull.get(e.target) ?? { sum: 0, n: 0 };
    p.sum += top.get(e.source)! + sourceY(e, source, sizes.get(e.source)!.height);
    p.n++;
    pull.set(e.target, p);
  }
  const at = (id: string) => {
    const p = pull.get(id);
    return p ? p.sum / p.n : Number.POSITIVE_INFINITY;
  };
  return group.right
    .map((n, i) => ({ n, i, at: at(n.id) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.n);
}

function layoutNamespace(ns: MapNamespace, measure: Measure): LaidNamespace {
  const M = METRICS;
  const groups = groupsOf(ns);
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => {
    for (const n of g.left) groupOf.set(n.id, i);
  });
  const edgesOf = groups.map((): MapEdge[] => []);
  for (const e of ns.edges) {
    const g = groupOf.get(e.source);
    if (g !== undefined) edgesOf[g]!.push(e);
  }
  const laid = groups.map((g, i) => layoutGroup(g, edgesOf[i]!, measure));
  const packed = pack(laid, SPACE.aspect, SPACE.group);
  const P = SPACE.pad;
  const nodes: PlacedNode[] = [];
  const edges: PlacedEdge[] = [];
  laid.forEach((g, i) => {
    const dx = P.left + packed.places[i]!.x;
    const dy = P.top + packed.places[i]!.y;
    for (const { node, box } of g.nodes) nodes.push({ node, box: { ...box, x: box.x + dx, y: box.y + dy } });
    for (const { edge, points } of g.edges) edges.push({ edge, points: points.map((p) => ({ x: p.x + dx, y: p.y + dy })) });
  });
  const titleWidth = measure.width(ns.name, M.titleFont, true) + measure.width(namespaceMeta(ns), M.font) + 40;
  return {
    width: Math.ceil(Math.max(packed.width + P.left + P.right, titleWidth)),
    height: Math.ceil(packed.height + P.top + P.bottom),
    nodes,
    edges,
  };
}

export function namespaceMeta(ns: MapNamespace): string {
  const parts = [count(ns.services, 'serviceOne', 'serviceMany'), count(ns.pods, 'podOne', 'podMany')];
  if (ns.broken > 0) parts.push(say('broken', ns.broken));
  if (ns.mode === 'aggregate') parts.push(say('podsGrouped'));
  return parts.join(' · ');
}
