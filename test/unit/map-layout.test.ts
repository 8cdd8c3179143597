// The network map's layout (src/webview/layout.ts) in Node: where it puts Services, pods and namespaces, how it
// routes edges, and what it keeps between two maps. Text is measured as 7 px a character.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MapEdge, MapGraph, MapNamespace, MapNode, MapPodNode, MapServiceNode } from '../../src/protocol/webview';
import { assemble } from '../../src/webview/assemble';
import { type Box, type Layout, layoutGraph, METRICS, type Measure, type PlacedNamespace, pack, portY } from '../../src/webview/layout';

const measure: Measure = { width: (text, size) => (text.length * 7 * size) / 12 };

function service(ns: string, name: string, ports: number): MapServiceNode {
  return {
    kind: 'service',
    id: `svc/${ns}/${name}`,
    namespace: ns,
    reveal: `svc/${ns}/${name}`,
    search: name,
    name,
    type: 'ClusterIP',
    address: '10.96.0.1',
    ports: Array.from({ length: ports }, (_, i) => ({
      id: `svc/${ns}/${name}#${i}`,
      name: `p${i}`,
      port: 80 + i,
      protocol: 'TCP',
      targetPort: String(8080 + i),
    })),
    ready: 1,
    endpoints: 1,
    readiness: '1 ready',
  };
}

function pod(ns: string, name: string): MapPodNode {
  return {
    kind: 'pod',
    id: `pod/${ns}/${name}`,
    namespace: ns,
    reveal: `pod/${ns}/${name}`,
    search: name,
    name,
    ips: ['10.244.0.1'],
    phase: 'Running',
    ready: true,
    terminating: false,
  };
}

function edge(from: MapServiceNode, port: number | undefined, to: MapNode): MapEdge {
  return {
    id: `${from.id}#${port ?? '-'}>${to.id}`,
    source: from.id,
    ...(port !== undefined ? { sourcePort: from.ports[port]!.id } : {}),
    target: to.id,
    ready: true,
  };
}

function namespace(name: string, nodes: MapNode[], edges: MapEdge[], mode: MapNamespace['mode'] = 'pods'): MapNamespace {
  const services = nodes.filter((n) => n.kind === 'service').length;
  return { id: `ns/${name}`, name, services, pods: nodes.length - services, broken: 0, mode, nodes, edges };
}

function graph(namespaces: MapNamespace[]): MapGraph {
  return { title: 't', namespaces, empty: [], totals: { services: 0, pods: 0, podNodes: 0 }, connections: [], undrawnClients: 0, podBound: 1000 };
}

/** A namespace of `services` Services of one port, each reaching `pods` pods of its own. */
function stars(name: string, services: number, pods: number): MapNamespace {
  const nodes: MapNode[] = [];
  const edges: MapEdge[] = [];
  for (let s = 0; s < services; s++) {
    const svc = service(name, `svc-${s}`, 1);
    nodes.push(svc);
    for (let p = 0; p < pods; p++) {
      const target = pod(name, `svc-${s}-${p}`);
      nodes.push(target);
      edges.push(edge(svc, 0, target));
    }
  }
  return namespace(name, nodes, edges);
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Box, outer: { width: number; height: number }) =>
  inner.x >= 0 && inner.y >= 0 && inner.x + inner.width <= outer.width && inner.y + inner.height <= outer.height;

function boxOf(placed: PlacedNamespace, id: string): Box {
  const found = placed.nodes.find((n) => n.node.id === id);
  assert.ok(found, `${id} is placed`);
  return found.box;
}

/** No two nodes of a namespace overlap, and each is inside its namespace below the header. */
function assertTidy(layout: Layout): void {
  for (const placed of layout.namespaces) {
    const boxes = placed.nodes.map((n) => n.box);
    for (let i = 0; i < boxes.length; i++) {
      assert.ok(inside(boxes[i]!, placed.box), `${placed.nodes[i]!.node.id} inside ${placed.ns.name}`);
      assert.ok(boxes[i]!.y >= METRICS.nsHeader, `${placed.nodes[i]!.node.id} below the header`);
      for (let j = i + 1; j < boxes.length; j++)
        assert.ok(!overlaps(boxes[i]!, boxes[j]!), `${placed.nodes[i]!.node.id} and ${placed.nodes[j]!.node.id} overlap`);
    }
  }
  const spaces = layout.namespaces.map((p) => p.box);
  for (let i = 0; i < spaces.length; i++) {
    assert.ok(inside(spaces[i]!, layout), `namespace ${i} inside the map`);
    for (let j = i + 1; j < spaces.length; j++) assert.ok(!overlaps(spaces[i]!, spaces[j]!), `namespaces ${i} and ${j} overlap`);
  }
}

describe('the map layout', () => {
  it('puts Services left of what they reach, with edges from the port handle to the middle of the target', () => {
    const api = service('shop', 'api', 2);
    const [a, b, c] = [pod('shop', 'api-0'), pod('shop', 'api-1'), pod('shop', 'api-2')];
    const layout = layoutGraph(graph([namespace('shop', [api, a, b, c], [edge(api, 0, a), edge(api, 1, b), edge(api, 1, c)])]), measure, 1.6);
    assertTidy(layout);
    const [placed] = layout.namespaces;
    assert.ok(placed);
    const s = boxOf(placed, api.id);
    for (const p of [a, b, c]) assert.ok(boxOf(placed, p.id).x >= s.x + s.width + 40, `${p.name} right of the Service with room for edges`);
    assert.equal(placed.edges.length, 3);
    for (const { edge: e, points } of placed.edges) {
      const port = api.ports.findIndex((p) => p.id === e.sourcePort);
      const start = points[0]!;
      const end = points[points.length - 1]!;
      const target = boxOf(placed, e.target);
      assert.deepEqual([start.x, start.y], [s.x + s.width + METRICS.portSize / 2, s.y + portY(port)]);
      assert.deepEqual([end.x, end.y], [target.x, target.y + target.height / 2]);
      // Orthogonal: each stretch is level or upright, and the last one is level (its label sits there).
      for (let i = 1; i < points.length; i++) assert.ok(points[i]!.x === points[i - 1]!.x || points[i]!.y === points[i - 1]!.y);
      assert.equal(points[points.length - 2]!.y, end.y);
    }
  });

  it('orders what a Service reaches by the port that reaches it, so that its edges do not cross', () => {
    const svc = service('ns', 'multi', 3);
    // In the model the pods come in the reverse order of the ports that reach them.
    const [p2, p1, p0] = [pod('ns', 'for-port-2'), pod('ns', 'for-port-1'), pod('ns', 'for-port-0')];
    const layout = layoutGraph(graph([namespace('ns', [svc, p2, p1, p0], [edge(svc, 0, p0), edge(svc, 1, p1), edge(svc, 2, p2)])]), measure, 1.6);
    const placed = layout.namespaces[0]!;
    const ys = [p0, p1, p2].map((p) => boxOf(placed, p.id).y);
    assert.ok(ys[0]! < ys[1]! && ys[1]! < ys[2]!, `targets in port order: ${ys.join(', ')}`);
  });

  it('draws a pod two Services reach once, right of both, and keeps separate groups apart', () => {
    const [front, back, other] = [service('ns', 'front', 1), service('ns', 'back', 1), service('ns', 'other', 1)];
    const [shared, own, lonely] = [pod('ns', 'shared'), pod('ns', 'other-0'), pod('ns', 'lonely')];
    const layout = layoutGraph(
      graph([namespace('ns', [front, back, other, shared, own, lonely], [edge(front, 0, shared), edge(back, 0, shared), edge(other, 0, own)])]),
      measure,
      1.6,
    );
    assertTidy(layout);
    const placed = layout.namespaces[0]!;
    assert.equal(placed.nodes.length, 6);
    const sharedBox = boxOf(placed, shared.id);
    for (const s of [front, back]) {
      const b = boxOf(placed, s.id);
      assert.ok(sharedBox.x > b.x + b.width, `shared right of ${s.name}`);
    }
    // The shared pod sits between its two Services' ports.
    const ports = [front, back].map((s) => boxOf(placed, s.id).y + portY(0));
    const middle = sharedBox.y + sharedBox.height / 2;
    assert.ok(middle >= Math.min(...ports) && middle <= Math.max(...ports), `${middle} between ${ports.join(' and ')}`);
  });

  it('a Service without ports reaches from its middle; one that reaches nothing is still placed', () => {
    const [bare, empty] = [service('ns', 'bare', 0), service('ns', 'empty', 2)];
    const target = pod('ns', 'p');
    const layout = layoutGraph(graph([namespace('ns', [bare, empty, target], [edge(bare, undefined, target)])]), measure, 1.6);
    assertTidy(layout);
    const placed = layout.namespaces[0]!;
    const b = boxOf(placed, bare.id);
    assert.deepEqual(placed.edges[0]!.points[0], { x: b.x + b.width, y: b.y + b.height / 2 });
    boxOf(placed, empty.id);
  });

  it('packs many groups and namespaces towards the aspect ratio, without overlaps', () => {
    const namespaces = Array.from({ length: 30 }, (_, i) => stars(`team-${String(i).padStart(2, '0')}`, 1 + (i % 7), 1 + (i % 5)));
    for (const aspect of [0.6, 1.6, 3]) {
      const layout = layoutGraph(graph(namespaces), measure, aspect);
      assertTidy(layout);
      const ratio = layout.width / layout.height;
      assert.ok(ratio > aspect / 3 && ratio < aspect * 3, `aspect ${aspect}: ${ratio.toFixed(2)}`);
    }
    // One namespace of 40 Services: its groups are in rows, not one tall column.
    const wide = layoutGraph(graph([stars('wide', 40, 2)]), measure, 1.6).namespaces[0]!;
    assert.ok(wide.box.width / wide.box.height > 0.5, `${wide.box.width} × ${wide.box.height}`);
  });

  it('keeps namespaces in their order, a collapsed one at its fixed size', () => {
    const collapsed = { ...namespace('huge', [], [], 'collapsed'), services: 500, pods: 9000 };
    const layout = layoutGraph(graph([stars('a', 2, 2), collapsed, stars('c', 1, 1)]), measure, 1.6);
    assertTidy(layout);
    assert.deepEqual(
      layout.namespaces.map((p) => p.ns.name),
      ['a', 'huge', 'c'],
    );
    const huge = layout.namespaces[1]!.box;
    assert.deepEqual([huge.width, huge.height], [METRICS.collapsedWidth, METRICS.collapsedHeight]);
    // Row by row: a later namespace is right of or below an earlier one.
    const [first, second] = [layout.namespaces[0]!.box, layout.namespaces[2]!.box];
    assert.ok(second.x > first.x || second.y > first.y);
  });

  it('reuses the layout of a namespace that did not change, and lays out one that did', () => {
    const before = layoutGraph(graph([stars('same', 3, 2), stars('changing', 2, 2)]), measure, 1.6);
    const after = layoutGraph(graph([stars('same', 3, 2), stars('changing', 2, 3)]), measure, 1.6);
    assert.equal(after.namespaces[0]!.nodes, before.namespaces[0]!.nodes);
    assert.notEqual(after.namespaces[1]!.nodes, before.namespaces[1]!.nodes);
    assert.equal(after.namespaces[1]!.nodes.length, 2 + 6);
    assertTidy(after);
  });

  it('a change from the host keeps the namespaces it does not send, as the same objects with the same layout', () => {
    const same = stars('same', 3, 2);
    const first = graph([same, stars('changing', 2, 2), stars('gone', 1, 1)]);
    const before = layoutGraph(first, measure, 1.6);
    const changed = stars('changing', 2, 3);
    const added = stars('added', 1, 2);
    const order = ['ns/added', 'ns/same', 'ns/changing'];
    const whole = assemble(first, graph([changed, added]), order);
    assert.ok(whole);
    assert.deepEqual(
      whole.namespaces.map((ns) => ns.id),
      order,
    );
    assert.equal(whole.namespaces[1], same);
    assert.equal(whole.namespaces[2], changed);
    const after = layoutGraph(whole, measure, 1.6);
    assert.equal(after.namespaces.find((n) => n.ns.id === 'ns/same')!.nodes, before.namespaces.find((n) => n.ns.id === 'ns/same')!.nodes);
    assert.equal(after.namespaces.find((n) => n.ns.id === 'ns/changing')!.nodes.length, 2 + 6);
    // A change against a map the page does not hold (it was started again, or a namespace is unknown to it).
    assert.equal(assemble(undefined, graph([changed]), ['ns/changing']), undefined);
    assert.equal(assemble(first, graph([changed]), ['ns/changing', 'ns/elsewhere']), undefined);
  });

  it('leaves room above the namespaces for connections only when there are some', () => {
    const plain = layoutGraph(graph([stars('a', 1, 1)]), measure, 1.6);
    const connection = {
      id: 'c',
      source: 'pod/a/svc-0-0',
      target: 'svc/a/svc-0',
      clients: [],
      service: 'a/svc-0',
      ports: [],
      verdict: 'allowed' as const,
      isolated: false,
      lines: [],
      references: 1,
    };
    const withArcs = layoutGraph({ ...graph([stars('a', 1, 1)]), connections: [connection] }, measure, 1.6);
    assert.ok(withArcs.namespaces[0]!.box.y - plain.namespaces[0]!.box.y >= 100);
    assert.equal(withArcs.connections.length, 1);
  });
});

describe('pack', () => {
  it('fills rows in order up to the width the aspect ratio gives, and measures the whole', () => {
    const boxes = Array.from({ length: 9 }, () => ({ width: 100, height: 100 }));
    const packed = pack(boxes, 1, 0);
    assert.deepEqual(
      packed.places.map((p) => [p.x, p.y]),
      [
        [0, 0],
        [100, 0],
        [200, 0],
        [0, 100],
        [100, 100],
        [200, 100],
        [0, 200],
        [100, 200],
        [200, 200],
      ],
    );
    assert.deepEqual([packed.width, packed.height], [300, 300]);
    assert.deepEqual(pack([], 1, 10), { places: [], width: 0, height: 0 });
    // A box wider than the rest sets the row width.
    const wide = pack(
      [
        { width: 1000, height: 10 },
        { width: 10, height: 10 },
      ],
      1,
      5,
    );
    assert.deepEqual(wide.places[1], { x: 0, y: 15 });
  });
});
