/**
 * The network map's webview: receives the map from the extension host, lays it out (layout.ts), draws it as SVG,
 * and offers search, a problems-only filter, selection (a click reveals the item in the tree) and pan/zoom. The
 * view state survives a reload through `setState`, and goes to the host, which builds the map with it.
 */
import type { HostMessage, MapGraph, MapViewState, WebviewMessage } from '../protocol/webview';
import { assemble } from './assemble';
import { html, svg, TextMeasure } from './dom';
import { type Box, layoutSteps } from './layout';
import { type Drawing, type DrawnNode, drawSteps, markers } from './render';
import { count as countOf, formatNumber, say } from './texts';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): MapViewState | undefined;
  setState(state: MapViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState();
let state: MapViewState = {
  filter: typeof saved?.filter === 'string' ? saved.filter : '',
  problemsOnly: saved?.problemsOnly === true,
  connections: saved?.connections === 'blocked' || saved?.connections === 'none' ? saved.connections : 'all',
  ...(typeof saved?.selected === 'string' ? { selected: saved.selected } : {}),
  expanded: Array.isArray(saved?.expanded) ? saved.expanded.filter((e): e is string => typeof e === 'string') : [],
};

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function setState(next: Partial<MapViewState>): void {
  state = { ...state, ...next };
  vscode.setState(state);
  post({ type: 'state', state });
}

// The page: a toolbar, a banner for messages, and the canvas.
const measure = new TextMeasure();
const search = html('input', {
  type: 'search',
  class: 'search',
  placeholder: say('filterPlaceholder'),
  'aria-label': say('filterLabel'),
  spellcheck: 'false',
});
search.value = state.filter;
const count = html('span', { class: 'count', 'aria-live': 'polite' });
const problems = html('input', { type: 'checkbox', class: 'problems' });
problems.checked = state.problemsOnly;
const problemsLabel = html('label', { class: 'toggle', title: say('problemsTitle') });
problemsLabel.append(problems, document.createTextNode(` ${say('problemsOnly')}`));
// Which connections between workloads and Services are drawn: all, only those NetworkPolicies block, or none.
const connectionsSelect = html('select', { class: 'connections-filter', 'aria-label': say('connectionsLabel'), title: say('connectionsTitle') });
for (const [value, text] of [
  ['all', say('connectionsAll')],
  ['blocked', say('connectionsBlocked')],
  ['none', say('connectionsNone')],
] as const) {
  const option = html('option', { value }, text);
  connectionsSelect.append(option);
}
connectionsSelect.value = state.connections;
const fitButton = html('button', { class: 'fit', type: 'button', title: say('fitTitle') }, say('fit'));
const busyText = html('span', { class: 'busy', role: 'status' });
const summary = html('span', { class: 'summary' });
const toolbar = html('header', { class: 'toolbar' });
toolbar.append(search, count, problemsLabel, connectionsSelect, fitButton, busyText, summary);
const banner = html('div', { class: 'banner', role: 'status', hidden: 'hidden' });
const canvas = svg('svg', { class: 'canvas', role: 'img', 'aria-label': say('canvasLabel') });
const viewport = svg('g', { class: 'viewport' });
canvas.append(markers(), viewport);
const legend = html('footer', { class: 'legend' });
for (const [cls, text] of [
  ['ready', say('ready')],
  ['not-ready', say('notReady')],
  ['broken', say('reachesNothing')],
  ['pending', say('notCreatedYet')],
] as const) {
  const item = html('span', { class: `legend-item ${cls}` });
  item.append(html('span', { class: 'swatch' }), document.createTextNode(text));
  legend.append(item);
}
// The connections' colours, shown when the map has connections.
const connectionLegend = html('span', { class: 'legend-connections', hidden: 'hidden' });
for (const [cls, text] of [
  ['allowed isolated', say('allowedByPolicy')],
  ['allowed', say('allowedOpen')],
  ['partial', say('partlyBlocked')],
  ['blocked', say('blocked')],
  ['unknown', say('notEvaluated')],
] as const) {
  const item = html('span', { class: `legend-item connection-key ${cls}` });
  item.append(html('span', { class: 'line-swatch' }), document.createTextNode(text));
  connectionLegend.append(item);
}
legend.append(connectionLegend);
document.body.append(toolbar, banner, canvas, legend);

// Pan and zoom: a transform on the viewport group.
let view = { x: 0, y: 0, k: 1 };
function applyView(): void {
  viewport.setAttribute('transform', `translate(${view.x.toFixed(1)},${view.y.toFixed(1)}) scale(${view.k.toFixed(4)})`);
}
function zoomAt(factor: number, cx: number, cy: number): void {
  const k = Math.min(4, Math.max(0.02, view.k * factor));
  const f = k / view.k;
  view = { x: cx - (cx - view.x) * f, y: cy - (cy - view.y) * f, k };
  applyView();
}
function fit(box?: Box, maxScale = 1): void {
  const target = box ?? (layoutSize ? { x: 0, y: 0, ...layoutSize } : undefined);
  if (!target || target.width === 0) return;
  const rect = canvas.getBoundingClientRect();
  const k = Math.min(maxScale, (rect.width - 40) / target.width, (rect.height - 40) / target.height);
  view = { k, x: (rect.width - target.width * k) / 2 - target.x * k, y: Math.max(20 - target.y * k, (rect.height - target.height * k) / 2 - target.y * k) };
  applyView();
}
function centerOn(box: Box): void {
  const rect = canvas.getBoundingClientRect();
  const k = Math.max(view.k, 0.8);
  view = { k, x: rect.width / 2 - (box.x + box.width / 2) * k, y: rect.height / 2 - (box.y + box.height / 2) * k };
  applyView();
}

canvas.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    const rect = canvas.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), e.clientX - rect.left, e.clientY - rect.top);
  },
  { passive: false },
);
let drag: { x: number; y: number; vx: number; vy: number; moved: boolean; pointer: number } | undefined;
canvas.addEventListener('pointerdown', (e) => {
  if (e.button !== 0) return;
  drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false, pointer: e.pointerId };
});
canvas.addEventListener('pointermove', (e) => {
  if (!drag || e.pointerId !== drag.pointer) return;
  const dx = e.clientX - drag.x;
  const dy = e.clientY - drag.y;
  if (!drag.moved && Math.hypot(dx, dy) < 4) return;
  if (!drag.moved) {
    drag.moved = true;
    canvas.setPointerCapture(e.pointerId);
    canvas.classList.add('panning');
  }
  view = { ...view, x: drag.vx + dx, y: drag.vy + dy };
  applyView();
});
canvas.addEventListener('pointerup', (e) => {
  const wasDrag = drag?.moved === true;
  drag = undefined;
  canvas.classList.remove('panning');
  if (wasDrag) return;
  activate(e.target);
});
canvas.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    activate(e.target);
  }
});
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement) return;
  const rect = canvas.getBoundingClientRect();
  if (e.key === '+' || e.key === '=') zoomAt(1.25, rect.width / 2, rect.height / 2);
  else if (e.key === '-') zoomAt(0.8, rect.width / 2, rect.height / 2);
  else if (e.key === '0') fit();
  else if (e.key === '/') {
    e.preventDefault();
    search.focus();
  }
});
fitButton.addEventListener('click', () => fit());

/** A click (or Enter) on a node: select it and reveal it in the tree; on a collapsed namespace, open it. */
function activate(target: EventTarget | null): void {
  const el = target instanceof Element ? target.closest('[data-id], [data-ns]') : null;
  if (!el || !drawing) {
    select(undefined);
    return;
  }
  const nsId = el.getAttribute('data-ns');
  if (nsId) {
    // A namespace's title: show the namespace in the tree.
    select(undefined);
    post({ type: 'reveal', id: nsId });
    return;
  }
  const drawn = drawing.nodes.get(el.getAttribute('data-id') ?? '');
  if (!drawn) return;
  select(drawn.id);
  if (!drawn.node) {
    // A collapsed namespace: open it (the host draws it), and show it in the tree.
    if (!state.expanded.includes(drawn.id.slice(3))) setState({ expanded: [...state.expanded, drawn.id.slice(3)] });
    post({ type: 'reveal', id: drawn.ns.id });
    return;
  }
  post({ type: 'reveal', id: drawn.node.reveal });
}

// Selection: the selected node and the edges (and nodes) it connects to.
function select(id: string | undefined): void {
  if (drawing) {
    for (const el of viewport.querySelectorAll('.selected, .related')) el.classList.remove('selected', 'related');
    const drawn = id ? drawing.nodes.get(id) : undefined;
    if (drawn) {
      drawn.el.classList.add('selected');
      for (const e of drawn.edges) {
        e.el.classList.add('related');
        const other = drawing.nodes.get(e.edge.source === drawn.id ? e.edge.target : e.edge.source);
        other?.el.classList.add('related');
        // Raise the edge so that it is drawn over the others.
        e.el.parentNode?.append(e.el);
      }
    }
  }
  if (state.selected !== id) setState(id ? { selected: id } : { selected: undefined });
}

// Search and the problems-only filter: matches stand out, everything else is dimmed.
let matches: DrawnNode[] = [];
let matchIndex = -1;
function applyFilter(): void {
  if (!drawing) return;
  const terms = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const active = terms.length > 0 || state.problemsOnly;
  matches = [];
  const visibleNs = new Set<string>();
  for (const n of drawing.nodes.values()) {
    const ok = (terms.length === 0 || terms.every((t) => n.search.includes(t) || n.ns.name.toLowerCase().includes(t))) && (!state.problemsOnly || n.broken);
    n.el.classList.toggle('match', active && ok);
    n.el.classList.toggle('dim', active && !ok);
    if (ok && active) {
      matches.push(n);
      visibleNs.add(n.ns.id);
    }
  }
  for (const e of drawing.edges) {
    const ok = !active || drawing.nodes.get(e.edge.source)?.el.classList.contains('match') || drawing.nodes.get(e.edge.target)?.el.classList.contains('match');
    e.el.classList.toggle('dim', !ok);
  }
  for (const [id, ns] of drawing.namespaces) ns.el.classList.toggle('dim-ns', active && !visibleNs.has(id));
  for (const c of drawing.connections) {
    const verdict = (c.el.getAttribute('data-verdict') ?? 'unknown') as string;
    const shown = state.connections === 'all' || (state.connections === 'blocked' && (verdict === 'blocked' || verdict === 'partial'));
    c.el.classList.toggle('hidden', !shown);
    const ends = [c.edge.source, c.edge.target].map((id) => drawing!.nodes.get(id)?.el.classList.contains('match'));
    c.el.classList.toggle('dim', active && !ends.some(Boolean));
  }
  matchIndex = -1;
  count.textContent = active ? countOf(matches.length, 'matchOne', 'matchMany') : '';
}
search.addEventListener('input', () => {
  setState({ filter: search.value });
  applyFilter();
});
search.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && matches.length > 0) {
    // Enter walks through the matches (Shift+Enter backwards), centring each.
    matchIndex = (matchIndex + (e.shiftKey ? -1 : 1) + matches.length) % matches.length;
    const m = matches[matchIndex]!;
    select(m.id);
    centerOn(m.box);
    count.textContent = say('matchOf', matchIndex + 1, matches.length);
  } else if (e.key === 'Escape') {
    search.value = '';
    setState({ filter: '' });
    applyFilter();
  }
});
connectionsSelect.addEventListener('change', () => {
  const value = connectionsSelect.value;
  setState({ connections: value === 'blocked' || value === 'none' ? value : 'all' });
  applyFilter();
});
problems.addEventListener('change', () => {
  setState({ problemsOnly: problems.checked });
  applyFilter();
});

// Drawing: the latest map wins; a map that arrives while another is being laid out waits for it.
let drawing: Drawing | undefined;
let layoutSize: { width: number; height: number } | undefined;
let pendingSelect: readonly string[] | undefined;
let latest: MapGraph | undefined;
/** When (wall clock) the latest map came. */
let latestAt = 0;
let busy = false;
/** Maps drawn so far (the canvas carries it with the last one's timings, for tests and benchmarks). */
let renders = 0;

function showBanner(text: string | undefined, kind: 'info' | 'error' = 'info'): void {
  banner.hidden = !text;
  banner.className = `banner ${kind}`;
  banner.textContent = text ?? '';
}

/** How long the drawing keeps the page's thread before it lets the page paint and answer input. */
const SLICE_MS = 12;

/** The next task of the page's event loop (a message to itself: no timer clamping, unlike setTimeout). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(undefined);
  });
}

/** Runs a generator to its end, giving the page its thread each time a slice has lasted `SLICE_MS`. */
async function inSlices<T>(steps: Generator<void, T>): Promise<T> {
  let slice = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - slice > SLICE_MS) {
      await nextTask();
      slice = performance.now();
    }
  }
}

async function render(graph: MapGraph): Promise<void> {
  latest = graph;
  if (busy) return;
  busy = true;
  canvas.setAttribute('data-state', 'layout');
  try {
    while (latest) {
      const g = latest;
      const receivedAt = latestAt;
      latest = undefined;
      const nodes = g.namespaces.reduce((n, ns) => n + Math.max(1, ns.nodes.length), 0);
      busyText.textContent = say('drawing', formatNumber(nodes));
      // Give the page a frame to say so, and a newer map the chance to replace this one.
      await nextTask();
      if (latest) continue;
      const started = performance.now();
      const rect = canvas.getBoundingClientRect();
      const layout = await inSlices(layoutSteps(g, measure, rect.height > 0 ? Math.max(0.5, rect.width / rect.height) : 1.6));
      const laidOut = performance.now();
      const first = drawing === undefined;
      layoutSize = { width: layout.width, height: layout.height };
      if (first && !state.selected) fit();
      // The first map fills in as it is drawn; a later one changes the drawing in place.
      let root = drawing?.root;
      if (!root) {
        root = svg('g', { class: 'map' });
        viewport.replaceChildren(root);
      }
      const next = await inSlices(drawSteps(layout, measure, root));
      drawing = next;
      summarize(g);
      applyFilter();
      if (state.selected && drawing.nodes.has(state.selected)) select(state.selected);
      if (first && state.selected) {
        const restored = drawing.nodes.get(state.selected);
        if (restored) centerOn(restored.box);
        else fit();
      }
      if (pendingSelect) selectFirst(pendingSelect);
      canvas.setAttribute('data-layout-ms', String(Math.round(laidOut - started)));
      canvas.setAttribute('data-render-ms', String(Math.round(performance.now() - started)));
      canvas.setAttribute('data-nodes', String(drawing.nodes.size));
      // When (wall clock) the map came and was drawn: a benchmark compares them with the change that caused it.
      canvas.setAttribute('data-received-at', String(receivedAt));
      canvas.setAttribute('data-drawn-at', String(Date.now()));
      canvas.setAttribute('data-renders', String(++renders));
    }
    canvas.setAttribute('data-state', 'ready');
    busyText.textContent = '';
  } catch (e) {
    busyText.textContent = '';
    showBanner(say('layoutFailed', (e as Error).message), 'error');
    canvas.setAttribute('data-state', 'error');
  } finally {
    busy = false;
  }
}

function summarize(g: MapGraph): void {
  const parts = [
    g.title,
    countOf(g.namespaces.length, 'namespaceOne', 'namespaceMany'),
    countOf(g.totals.services, 'serviceOne', 'serviceMany'),
    countOf(g.totals.pods, 'podOne', 'podMany'),
  ];
  if (g.totals.podNodes < g.totals.pods) parts.push(say('drawnOneByOne', g.totals.podNodes, g.podBound));
  if (g.connections.length > 0) {
    const blocked = g.connections.filter((c) => c.verdict === 'blocked' || c.verdict === 'partial').length;
    parts.push(`${countOf(g.connections.length, 'connectionOne', 'connectionMany')}${blocked > 0 ? ` (${say('blockedCount', blocked)})` : ''}`);
  }
  connectionLegend.hidden = g.connections.length === 0;
  summary.textContent = parts.join(' · ');
  const empty = g.empty.length > 0 ? say('notShown', g.empty.join(', ')) : '';
  if (g.message) showBanner(`${g.message}${empty ? ` ${empty}` : ''}`);
  else if (g.namespaces.length === 0) showBanner(`${say('nothingToDraw')}${empty ? ` ${empty}` : ''}`);
  else showBanner(undefined);
}

/** Selects and centres the first of these ids that the map has (Reveal in Map). */
function selectFirst(ids: readonly string[]): void {
  if (!drawing) {
    pendingSelect = ids;
    return;
  }
  pendingSelect = undefined;
  const found = ids
    .map((id) => drawing!.nodes.get(id) ?? (drawing!.namespaces.has(id) ? { id, box: drawing!.namespaces.get(id)!.box } : undefined))
    .find(Boolean);
  if (!found) return;
  select(found.id);
  centerOn(found.box);
}

/** The last whole map received: a change from the host names the namespaces it keeps from it. */
let received: MapGraph | undefined;

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'graph': {
      latestAt = Date.now();
      const graph = m.order ? assemble(received, m.graph, m.order) : m.graph;
      // A change to a map this page does not hold (it was started again): ask for the whole map.
      if (!graph) {
        post({ type: 'ready' });
        return;
      }
      received = graph;
      void render(graph);
      return;
    }
    case 'select':
      selectFirst(m.ids);
      return;
    case 'error':
      showBanner(m.message, 'error');
      canvas.setAttribute('data-state', 'error');
      return;
  }
});

applyView();
post({ type: 'ready' });
