/**
 * The map's layout as it was before src/webview/layout.ts: elkjs's layered algorithm for each namespace (Services,
 * their ports on the east side, what they reach), then its rectpacking for the namespaces, with the options the
 * webview used. Kept here as the baseline of `npm run bench -- --only=map`, timed on the same graphs in the same run.
 */

import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { MapGraph, MapNamespace } from '../../src/protocol/webview';
import { METRICS, type Measure, namespaceMeta, nodeSize, portY } from '../../src/webview/layout';

const elk = new ELK();

/** Lays out the graph as the webview did; resolves the map's size. The longest namespace's time is the page's longest block. */
export async function elkLayout(graph: MapGraph, measure: Measure, aspectRatio: number): Promise<{ width: number; height: number; longestMs: number }> {
  const M = METRICS;
  const sizes = new Map<string, { width: number; height: number }>();
  let longestMs = 0;
  for (const ns of graph.namespaces) {
    if (ns.mode === 'collapsed') {
      sizes.set(ns.id, { width: M.collapsedWidth, height: M.collapsedHeight });
      continue;
    }
    const started = performance.now();
    sizes.set(ns.id, await elkNamespace(ns, measure));
    longestMs = Math.max(longestMs, performance.now() - started);
  }
  const packed: ElkNode = await elk.layout({
    id: 'root',
    children: graph.namespaces.map((ns) => ({ id: ns.id, ...sizes.get(ns.id)! })),
    layoutOptions: {
      'elk.algorithm': 'rectpacking',
      'elk.aspectRatio': String(aspectRatio),
      'elk.spacing.nodeNode': '28',
      'elk.padding': `[top=${graph.connections.length > 0 ? 140 : 20},left=20,bottom=20,right=20]`,
    },
  });
  return { width: packed.width ?? 0, height: packed.height ?? 0, longestMs };
}

async function elkNamespace(ns: MapNamespace, measure: Measure): Promise<{ width: number; height: number }> {
  const M = METRICS;
  const nodes: ElkNode[] = ns.nodes.map((node) => {
    const size = nodeSize(node, measure);
    if (node.kind !== 'service' || node.ports.length === 0) return { id: node.id, ...size };
    return {
      id: node.id,
      ...size,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
      ports: node.ports.map((p, i) => ({
        id: p.id,
        x: size.width - M.portSize / 2,
        y: portY(i) - M.portSize / 2,
        width: M.portSize,
        height: M.portSize,
        layoutOptions: { 'elk.port.side': 'EAST' },
      })),
    };
  });
  const titleWidth = measure.width(ns.name, M.titleFont, true) + measure.width(namespaceMeta(ns), M.font) + 40;
  const c: ElkNode = await elk.layout({
    id: ns.id,
    children: nodes,
    edges: ns.edges.map((e): ElkExtendedEdge => ({ id: e.id, sources: [e.sourcePort ?? e.source], targets: [e.target] })),
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.padding': `[top=${M.nsHeader + 10},left=14,bottom=14,right=14]`,
      'elk.spacing.nodeNode': '10',
      'elk.spacing.componentComponent': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.layered.spacing.edgeNodeBetweenLayers': '16',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.thoroughness': '1',
      'elk.layered.nodePlacement.strategy': 'SIMPLE',
      'elk.nodeSize.minimum': `(${Math.ceil(titleWidth)},0)`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.aspectRatio': '1.6',
    },
  });
  return { width: Math.max(c.width ?? 0, Math.ceil(titleWidth)), height: c.height ?? 0 };
}
