/**
 * Churn on the real control plane while a live model watches: pods and Services created, relabelled, given
 * addresses and deleted at a bounded rate in one namespace, and the API server killed and restarted at intervals.
 * Shared by the live tier's short run (churn.test.ts) and the soak benchmark (`npm run bench -- --only=soak`).
 *
 * What it checks is the model's promise: after every restart it is ready again, and at the end it holds exactly
 * what a fresh list of the cluster returns, without a duplicate and without a lost object.
 */
import type { LiveModel } from '../../src/cluster/live-model';
import type { Kube } from './kube';
import { killApiServer, type Plane } from './plane';
import { eventually, untilModel } from './wait';

export const CHURN_NAMESPACE = 'churn';

export interface ChurnOptions {
  readonly durationMs: number;
  /** API server restarts, spread evenly over the run. */
  readonly restarts: number;
  /** Operations a second, at most. */
  readonly opsPerSecond: number;
  readonly maxPods: number;
  readonly maxServices: number;
  /** Memory and object counts are sampled this often. */
  readonly sampleEveryMs: number;
  /** A pseudo-random seed: the same run again. */
  readonly seed: number;
  readonly log?: (line: string) => void;
}

export interface ChurnSample {
  readonly atMs: number;
  /** `process.memoryUsage().heapUsed` after a collection where `gc` is exposed. */
  readonly heapBytes: number;
  readonly objects: number;
}

export interface RestartRecord {
  readonly atMs: number;
  /** From the kill to the API server answering `/readyz`. */
  readonly downMs: number;
  /** From `/readyz` to the model ready again. */
  readonly convergedMs: number;
}

export interface ChurnResult {
  readonly ops: Readonly<Record<'createPod' | 'createService' | 'relabel' | 'address' | 'deletePod' | 'deleteService' | 'failed', number>>;
  readonly restarts: readonly RestartRecord[];
  readonly samples: readonly ChurnSample[];
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Kills the API server (SIGKILL, as a crash) and starts it again after `downMs`; resolves when it answers `/readyz`, with the time from the kill. */
export async function restartApiServer(plane: Plane, kube: Kube, downMs = 0): Promise<number> {
  const killed = Date.now();
  const startAgain = await killApiServer(plane);
  if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
  startAgain();
  await eventually(async () => {
    try {
      return (await kube.request('GET', '/readyz')).status === 200;
    } catch {
      return false;
    }
  }, 120_000);
  return Date.now() - killed;
}

/** Empties the churn namespace (creating it when absent) and waits until nothing is left in it. */
export async function resetChurnNamespace(kube: Kube): Promise<void> {
  await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: CHURN_NAMESPACE } });
  for (const path of [`/api/v1/namespaces/${CHURN_NAMESPACE}/services`, `/api/v1/namespaces/${CHURN_NAMESPACE}/pods`]) {
    const items = (await kube.must('GET', path)).items as { metadata: { name: string } }[];
    await kube.all(items, (o) => kube.request('DELETE', `${path}/${o.metadata.name}`, { gracePeriodSeconds: 0 }));
  }
  await eventually(async () => (await kube.must('GET', `/api/v1/namespaces/${CHURN_NAMESPACE}/pods`)).items.length === 0, 60_000);
}

/** Runs the churn and the restarts for `durationMs` while `model` watches; resolves with what was done and sampled. */
export async function churn(plane: Plane, kube: Kube, model: LiveModel, options: ChurnOptions): Promise<ChurnResult> {
  const rnd = random(options.seed);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rnd() * xs.length)];
  const ops = { createPod: 0, createService: 0, relabel: 0, address: 0, deletePod: 0, deleteService: 0, failed: 0 };
  const pods = new Set<string>();
  const services = new Set<string>();
  const ns = CHURN_NAMESPACE;
  let seq = 0;
  const app = () => `a${Math.floor(rnd() * 8)}`;

  const operations: { readonly name: keyof typeof ops; readonly when: () => boolean; readonly run: () => Promise<void> }[] = [
    {
      name: 'createPod',
      when: () => pods.size < options.maxPods,
      run: async () => {
        const name = `p-${seq++}`;
        await kube.must('POST', `/api/v1/namespaces/${ns}/pods`, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, labels: { app: app() } },
          spec: { nodeName: 'node-a', containers: [{ name: 'main', image: 'registry.invalid/none', ports: [{ name: 'http', containerPort: 8080 }] }] },
        });
        pods.add(name);
      },
    },
    {
      name: 'createService',
      when: () => services.size < options.maxServices,
      run: async () => {
        const name = `s-${seq++}`;
        await kube.must('POST', `/api/v1/namespaces/${ns}/services`, {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name },
          spec: { selector: { app: app() }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
        });
        services.add(name);
      },
    },
    {
      name: 'relabel',
      when: () => pods.size > 0,
      run: async () => {
        const name = pick([...pods])!;
        await kube.must('PATCH', `/api/v1/namespaces/${ns}/pods/${name}`, { metadata: { labels: { app: app() } } }, 'application/merge-patch+json');
      },
    },
    {
      name: 'address',
      when: () => pods.size > 0,
      run: async () => {
        const name = pick([...pods])!;
        const n = Number(name.slice(2));
        await kube.setPodStatus(ns, name, [`10.250.${(n >> 8) & 255}.${n & 255}`], '172.18.0.2', rnd() < 0.8);
      },
    },
    {
      name: 'deletePod',
      when: () => pods.size > options.maxPods / 2,
      run: async () => {
        const name = pick([...pods])!;
        pods.delete(name);
        await kube.delete({ kind: 'Pod', metadata: { namespace: ns, name } });
      },
    },
    {
      name: 'deleteService',
      when: () => services.size > options.maxServices / 2,
      run: async () => {
        const name = pick([...services])!;
        services.delete(name);
        await kube.delete({ kind: 'Service', metadata: { namespace: ns, name } });
      },
    },
  ];

  const started = Date.now();
  const samples: ChurnSample[] = [];
  const restarts: RestartRecord[] = [];
  const sample = () => {
    (globalThis as { gc?: () => void }).gc?.();
    const o = model.objects();
    samples.push({
      atMs: Date.now() - started,
      heapBytes: process.memoryUsage().heapUsed,
      objects: o.pods.length + o.services.length + o.endpointSlices.length,
    });
  };
  sample();
  const sampler = setInterval(sample, options.sampleEveryMs);

  let stop = false;
  const churning = (async () => {
    const interval = 1000 / options.opsPerSecond;
    let next = Date.now();
    while (!stop) {
      const op = pick(operations.filter((o) => o.when()));
      if (op) {
        try {
          await op.run();
          ops[op.name]++;
        } catch {
          // The API server is down, or an object is already gone: the model must still end equal to the cluster.
          ops.failed++;
        }
      }
      next += interval;
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else next = Date.now();
    }
  })();

  try {
    const every = options.durationMs / (options.restarts + 1);
    for (let i = 1; i <= options.restarts; i++) {
      const due = started + i * every;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const atMs = Date.now() - started;
      const downMs = await restartApiServer(plane, kube, 500 + Math.floor(rnd() * 2000));
      const up = Date.now();
      // Converged: the model is ready and holds a pod created after the restart (its watches are live again).
      const marker = `marker-${i}`;
      await eventually(async () => {
        const r = await kube.request('POST', `/api/v1/namespaces/${CHURN_NAMESPACE}/pods`, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: marker, labels: { app: 'marker' } },
          spec: { nodeName: 'node-a', containers: [{ name: 'main', image: 'registry.invalid/none' }] },
        });
        return r.status === 201 || r.status === 409;
      }, 60_000);
      await untilModel(model, (s) => model.status().state === 'ready' && s.pod(CHURN_NAMESPACE, marker) !== undefined, 120_000);
      restarts.push({ atMs, downMs, convergedMs: Date.now() - up });
      options.log?.(`restart ${i}/${options.restarts} at ${(atMs / 1000).toFixed(0)} s: down ${downMs} ms, model converged ${Date.now() - up} ms later`);
    }
    const end = started + options.durationMs;
    if (end > Date.now()) await new Promise((r) => setTimeout(r, end - Date.now()));
  } finally {
    stop = true;
    await churning;
    clearInterval(sampler);
  }
  sample();
  return { ops, restarts, samples };
}

/** The objects of a kind as comparable lines: what a list says and what the model keeps of it. */
export interface Inventory {
  readonly pods: string[];
  readonly services: string[];
  readonly endpointSlices: string[];
}

/** What the model holds, as lines (namespace/name, labels, IPs, readiness; selector; slice addresses). */
export function modelInventory(model: LiveModel): Inventory {
  const o = model.objects();
  return {
    pods: o.pods.map((p) => `${p.namespace}/${p.name} ${JSON.stringify(sorted(p.labels))} ${p.ips.join(',')} ${p.ready}`).sort(),
    services: o.services.map((s) => `${s.namespace}/${s.name} ${JSON.stringify(s.selector ? sorted(s.selector) : null)}`).sort(),
    endpointSlices: o.endpointSlices
      .map(
        (e) =>
          `${e.namespace}/${e.name} ${e.endpoints
            .flatMap((x) => [...x.addresses])
            .sort()
            .join(',')}`,
      )
      .sort(),
  };
}

function sorted(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

/** API objects as JSON. */
type Json = any;

/** What fresh lists of the cluster say, as the same lines. */
export async function clusterInventory(kube: Kube): Promise<Inventory> {
  const [pods, services, slices] = await Promise.all(
    ['/api/v1/pods', '/api/v1/services', '/apis/discovery.k8s.io/v1/endpointslices'].map(async (p) => (await kube.must('GET', p)).items as Json[]),
  );
  const ready = (p: Json) => (p.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True');
  return {
    pods: pods!
      .map(
        (p) =>
          `${p.metadata.namespace}/${p.metadata.name} ${JSON.stringify(sorted(p.metadata.labels ?? {}))} ${(p.status?.podIPs ?? []).map((x: Json) => x.ip).join(',')} ${ready(p)}`,
      )
      .sort(),
    services: services!.map((s) => `${s.metadata.namespace}/${s.metadata.name} ${JSON.stringify(s.spec.selector ? sorted(s.spec.selector) : null)}`).sort(),
    endpointSlices: slices!
      .map(
        (e) =>
          `${e.metadata.namespace}/${e.metadata.name} ${(e.endpoints ?? [])
            .flatMap((x: Json) => x.addresses)
            .sort()
            .join(',')}`,
      )
      .sort(),
  };
}

/**
 * Waits until the model holds what fresh lists return (the controller manager may still be writing slices, so a
 * mismatch is listed again, a few times); resolves with the last two inventories for the caller to compare.
 */
export async function settleAgainstCluster(model: LiveModel, kube: Kube, attempts = 10): Promise<{ model: Inventory; cluster: Inventory }> {
  let cluster = await clusterInventory(kube);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const want = JSON.stringify(cluster);
    try {
      await untilModel(model, () => JSON.stringify(modelInventory(model)) === want, 5_000);
      break;
    } catch {
      cluster = await clusterInventory(kube);
    }
  }
  return { model: modelInventory(model), cluster };
}
