/**
 * Completion latency on the 150,000-pod snapshot the lsp bench hovers on: `completions()` of src/core/complete.ts at
 * thousands of cursor positions of a manifest, of the kinds an editor asks for while one types (a Service name
 * begun in an env value, a port after `host:`, a namespace after `svc.`, a label pair in a Service's selector), and
 * the same requests through the language server's Navigation.completion (LSP items and positions). The baseline,
 * measured in the same run on the same names: one Resolver.resolve of the name each request is about. Prints
 * figures; never fails on them.
 */
import { performance } from 'node:perf_hooks';
import { completions } from '../../src/core/complete';
import type { Service } from '../../src/core/model';
import { Resolver } from '../../src/core/resolver';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { Navigation } from '../../src/server/navigation';
import { NetLensServer } from '../../src/server/server';
import { generateCluster } from './cluster';
import { Rng } from './prng';
import { against, figureTable, info, mean, median, percentile, type Row, table } from './stats';

const GOAL_P99_MS = 20;
const ZONE = 'cluster.local';
const KINDS = ['Service name begun in an env value', 'port after host:', 'namespace after svc.', 'label pair in a selector'] as const;
type Kind = (typeof KINDS)[number];

interface Request {
  readonly kind: Kind;
  readonly offset: number;
  /** The name the request is about, and the namespace that asks: the baseline resolves it. */
  readonly name: string;
  readonly namespace: string;
}

/**
 * A manifest of `namespaces` documents: in each namespace a Deployment whose env values are being typed (a name
 * begun, `name:`, `name.`), and Services whose selector has a label key begun. Returns the text and the cursors.
 */
function manifest(snapshot: ClusterSnapshot, rng: Rng, namespaces: readonly string[], perKind: number): { text: string; requests: Request[] } {
  const all = [...snapshot.services()];
  let text = '';
  const requests: Request[] = [];
  const add = (line: string, cursor: number, r: Omit<Request, 'offset'>) => {
    requests.push({ ...r, offset: text.length + cursor });
    text += `${line}\n`;
  };
  for (const ns of namespaces) {
    const own = [...snapshot.servicesIn(ns)];
    // Mostly Services of the pod's own namespace, by the short name; one in four of another namespace.
    const pick = (): { svc: Service; written: string } => {
      const svc = rng.chance(0.75) && own.length > 0 ? rng.pick(own) : rng.pick(all);
      return { svc, written: svc.namespace === ns ? svc.name : `${svc.name}.${svc.namespace}` };
    };
    if (text !== '') text += '---\n';
    text += `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: client\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: x\n          env:\n`;
    const head = '              value: "';
    for (let i = 0; i < perKind; i++) {
      const a = pick();
      // What one has typed of the name: one to six characters.
      const typed = a.svc.name.slice(0, rng.int(1, Math.min(6, a.svc.name.length)));
      text += `            - name: S${i}_ADDR\n`;
      add(`${head}${typed}"`, head.length + typed.length, { kind: KINDS[0], name: a.written, namespace: ns });
      const b = pick();
      text += `            - name: P${i}_ADDR\n`;
      add(`${head}${b.written}:"`, head.length + b.written.length + 1, { kind: KINDS[1], name: b.written, namespace: ns });
      const c = pick().svc;
      text += `            - name: N${i}_ADDR\n`;
      add(`${head}${c.name}."`, head.length + c.name.length + 1, { kind: KINDS[2], name: `${c.name}.${c.namespace}`, namespace: ns });
    }
    // Services whose selector is being written: a label key begun (none, or its first letters).
    const pods = [...snapshot.podsIn(ns)];
    for (let i = 0; i < perKind; i++) {
      const svc = own.length > 0 ? rng.pick(own) : rng.pick(all);
      const keys = pods.length > 0 ? Object.keys(rng.pick(pods).labels) : ['app'];
      const key = keys.length > 0 ? rng.pick(keys) : 'app';
      const typed = key.slice(0, rng.int(0, Math.min(4, key.length)));
      text += `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n  namespace: ${ns}\nspec:\n  selector:\n`;
      add(`    ${typed}`, 4 + typed.length, { kind: KINDS[3], name: svc.name, namespace: ns });
    }
  }
  return { text, requests };
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function runCompleteBench(seed: number, out: (s?: string) => void = (s = '') => process.stdout.write(`${s}\n`)): Promise<void> {
  const t0 = performance.now();
  const cluster = generateCluster(seed, 'live');
  const snapshot = ClusterSnapshot.build(cluster.objects);
  const buildMs = performance.now() - t0;
  const rng = new Rng(seed + 7);
  // Namespaces with Services, in a seeded order: 25 documents, 40 requests of each kind in each.
  const withServices = snapshot.namespaceNames().filter((ns) => [...snapshot.servicesIn(ns)].length > 0);
  const namespaces: string[] = [];
  while (namespaces.length < Math.min(25, withServices.length)) {
    const ns = rng.pick(withServices);
    if (!namespaces.includes(ns)) namespaces.push(ns);
  }
  const { text, requests } = manifest(snapshot, rng, namespaces, 40);
  const lines = text.split('\n').length;
  const ctx = { snapshot, zone: ZONE, defaultNamespace: 'default' };
  const resolver = new Resolver(snapshot, { podRecords: 'insecure', zone: ZONE });

  let sink = 0;
  // The requests in a seeded order, 8,000 of them (each cursor about twice), after a warm-up over every cursor.
  const order = Array.from({ length: 8000 }, () => rng.int(0, requests.length - 1));
  for (const r of requests) {
    sink += completions(text, r.offset, ctx).length;
    const a = resolver.resolve(r.name, { namespace: r.namespace, qtype: 'A' });
    sink += a.ok ? a.answer.answers.length : 0;
  }

  const took = new Float64Array(order.length);
  const items = new Float64Array(order.length);
  const base = new Float64Array(order.length);
  let empty = 0;
  for (let i = 0; i < order.length; i++) {
    const r = requests[order[i]!]!;
    let t = process.hrtime.bigint();
    const found = completions(text, r.offset, ctx);
    took[i] = ms(t);
    items[i] = found.length;
    if (found.length === 0) empty++;
    t = process.hrtime.bigint();
    const a = resolver.resolve(r.name, { namespace: r.namespace, qtype: 'A' });
    base[i] = ms(t);
    sink += a.ok ? a.answer.answers.length : 0;
  }

  // The language server's path: the document open in a NetLensServer whose live model is the snapshot, and
  // Navigation.completion (the core's items turned into LSP items with positions).
  const server = new NetLensServer({ publishDiagnostics: () => {}, log: () => {} });
  server.setLive({ name: 'cluster bench', snapshot: () => snapshot });
  const uri = 'file:///bench/complete.yaml';
  server.open(uri, text, 1);
  const nav = new Navigation(server.navigationSource());
  const lsp = new Float64Array(2000);
  for (let i = 0; i < 200; i++) sink += nav.completion(uri, requests[order[i]!]!.offset).length;
  for (let i = 0; i < lsp.length; i++) {
    const r = requests[order[i]!]!;
    const t = process.hrtime.bigint();
    sink += nav.completion(uri, r.offset).length;
    lsp[i] = ms(t);
  }

  // A live model's next snapshots: the first request of each kind on each builds what completion keeps of a
  // snapshot (complete.ts indexes it on first use), the code being warm. The median of three snapshots.
  const firsts: number[][] = KINDS.map(() => []);
  for (let k = 0; k < 3; k++) {
    const next = ClusterSnapshot.build(cluster.objects);
    KINDS.forEach((kind, i) => {
      const r = requests.find((x) => x.kind === kind)!;
      const t = process.hrtime.bigint();
      sink += completions(text, r.offset, { ...ctx, snapshot: next }).length;
      firsts[i]!.push(ms(t));
    });
  }
  const cold = firsts.map((f) => median(f));

  const sorted = (xs: ArrayLike<number>) => Float64Array.from(xs).sort();
  const fmt = (v: number) => v.toFixed(3);
  const times = (a: number, b: number) => `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×`;
  const rows: string[][] = [];
  for (const kind of KINDS) {
    const idx = [...order.keys()].filter((i) => requests[order[i]!]!.kind === kind);
    const c = sorted(idx.map((i) => took[i]!));
    const b = sorted(idx.map((i) => base[i]!));
    rows.push([
      kind,
      String(idx.length),
      mean(idx.map((i) => items[i]!)).toFixed(1),
      String(idx.filter((i) => items[i] === 0).length),
      fmt(percentile(c, 50)),
      fmt(percentile(c, 99)),
      fmt(c[c.length - 1]!),
      fmt(percentile(b, 50)),
      times(percentile(c, 50), percentile(b, 50)),
    ]);
  }
  const all = sorted(took);
  const baseAll = sorted(base);
  const lspAll = sorted(lsp);
  rows.push([
    'all',
    String(order.length),
    mean(items).toFixed(1),
    String(empty),
    fmt(percentile(all, 50)),
    fmt(percentile(all, 99)),
    fmt(all[all.length - 1]!),
    fmt(percentile(baseAll, 50)),
    times(percentile(all, 50), percentile(baseAll, 50)),
  ]);

  const size = snapshot.size;
  out();
  out(
    `Completion: completions() on the generated cluster (${size.pods.toLocaleString('en')} pods, ${size.services.toLocaleString('en')} Services, ` +
      `${size.namespaces} namespaces; generated and indexed in ${(buildMs / 1000).toFixed(1)} s), at ${requests.length.toLocaleString('en')} cursors of a ` +
      `${lines.toLocaleString('en')}-line manifest (${namespaces.length} namespaces), ${order.length.toLocaleString('en')} requests in a seeded order, each timed alone;`,
  );
  out(`latencies in ms. Baseline, same run, same names: one Resolver.resolve (A, from the namespace of the document) of the name each`);
  out(`request is about. "items": the mean number offered (at most 200); "none": requests that offered nothing.`);
  out();
  out(table(['Cursor', 'requests', 'items', 'none', 'p50', 'p99', 'max', 'resolve p50', 'p50 / resolve'], rows, new Set([1, 2, 3, 4, 5, 6, 7, 8])));
  const figures: Row[] = [
    against('completion p99 (all kinds), completions() on the 150,000-pod snapshot', percentile(all, 99), GOAL_P99_MS, 'ms', 3),
    info('on a new snapshot, the first request of each kind in the order above (median of 3)', `${cold.map((c) => c.toFixed(1)).join(' / ')} ms`),
    info('completion p50 / mean', `${fmt(percentile(all, 50))} / ${fmt(mean(took))} ms`),
    info('baseline: Resolver.resolve of the same names, p50 / p99', `${fmt(percentile(baseAll, 50))} / ${fmt(percentile(baseAll, 99))} ms`),
    info('completion / resolution: p50, p99', `${times(percentile(all, 50), percentile(baseAll, 50))}, ${times(percentile(all, 99), percentile(baseAll, 99))}`),
    against(`through Navigation.completion (LSP items), ${lsp.length.toLocaleString('en')} requests: p99`, percentile(lspAll, 99), GOAL_P99_MS, 'ms', 3),
    info('  p50', `${fmt(percentile(lspAll, 50))} ms`),
  ];
  out();
  out(figureTable(figures));
  if (sink === -1) out('');
}
