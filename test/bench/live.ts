/**
 * Live-model benchmark on the local control plane: time from start to a ready model on a cluster of 10,000 pods
 * and 1,000 Services, against `kubectl get pods,services,endpointslices -A -o json` on the same API server in the
 * same run, and the heap the model retains per pod. Prints figures; never fails on them.
 *
 * Run by `npm run bench` (it starts the control plane when it can), or alone with `--only=live`.
 */
import { spawn } from 'node:child_process';
import { LiveModel } from '../../src/cluster/live-model';
import { NODES } from '../live/fixtures';
import { Kube } from '../live/kube';
import { startPlane } from '../live/plane';
import { median } from './stats';

const NAMESPACES = 10;
const SERVICES_PER_NAMESPACE = 100;
const PODS_PER_SERVICE = 10;
const LABEL = 'netlens-bench';

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Creates the bench cluster unless it is already there (a second run reuses it). */
export async function ensureCluster(kube: Kube): Promise<void> {
  const want = NAMESPACES * SERVICES_PER_NAMESPACE * PODS_PER_SERVICE;
  // remainingItemCount is left out of lists with a label selector: count each bench namespace's pods instead.
  let have = 0;
  for (let i = 0; i < NAMESPACES; i++) {
    const r = await kube.request('GET', `/api/v1/namespaces/bench-${String(i).padStart(2, '0')}/pods?limit=1`);
    if (r.status !== 200) break;
    const items = (r.body as { items?: { status?: { podIP?: string } }[] }).items ?? [];
    // The pods get their IPs last; an unset IP means an interrupted load.
    if (!items[0]?.status?.podIP) break;
    have += items.length + Number((r.body as { metadata?: { remainingItemCount?: number } }).metadata?.remainingItemCount ?? 0);
  }
  if (have >= want) {
    console.log(`bench cluster: ${have} pods already loaded`);
    return;
  }
  const started = Date.now();
  await kube.all(NODES, (n) =>
    kube.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name }, status: { addresses: [{ type: 'InternalIP', address: n.ip }] } }),
  );
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${String(i).padStart(2, '0')}`);
  await kube.all(namespaces, (ns) => kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  const services: any[] = [];
  const pods: { ns: string; name: string; app: string; ip: string; node: string }[] = [];
  namespaces.forEach((ns, n) => {
    for (let s = 0; s < SERVICES_PER_NAMESPACE; s++) {
      const app = `svc-${String(s).padStart(3, '0')}`;
      services.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { namespace: ns, name: app, labels: { [LABEL]: '1' } },
        spec: {
          selector: { app },
          ports: [
            { name: 'http', port: 80, targetPort: 8080 },
            { name: 'metrics', port: 9090 },
          ],
        },
      });
      for (let p = 0; p < PODS_PER_SERVICE; p++) {
        const i = (n * SERVICES_PER_NAMESPACE + s) * PODS_PER_SERVICE + p;
        pods.push({ ns, name: `${app}-${p}`, app, ip: `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, node: NODES[i % NODES.length]!.name });
      }
    }
  });
  await kube.all(services, (s) => kube.create(s), 16);
  let done = 0;
  await kube.all(
    pods,
    async (p) => {
      await kube.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: p.ns, name: p.name, labels: { app: p.app, [LABEL]: '1' } },
        spec: { nodeName: p.node, containers: [{ name: 'main', image: 'registry.invalid/none', ports: [{ name: 'http', containerPort: 8080 }] }] },
      });
      await kube.setPodStatus(p.ns, p.name, [p.ip], NODES.find((n) => n.name === p.node)!.ip, true);
      if (++done % 2000 === 0) console.log(`  ${done} pods`);
    },
    24,
  );
  console.log(`bench cluster: ${pods.length} pods and ${services.length} Services loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export function kubectl(binary: string, kubeconfig: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(binary, ['--kubeconfig', kubeconfig, 'get', 'pods,services,endpointslices', '-A', '-o', 'json'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`kubectl exited ${code}`))));
  });
}

async function modelReady(kubeconfig: string): Promise<{ ms: number; model: LiveModel }> {
  const t0 = process.hrtime.bigint();
  const model = new LiveModel({ path: kubeconfig });
  model.start();
  const status = await model.whenSettled(300_000);
  if (status.state !== 'ready') throw new Error(`model not ready: ${JSON.stringify(status.error)}`);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, model };
}

export async function runLiveBench(): Promise<void> {
  const plane = startPlane();
  const kube = new Kube(plane.kubeconfig);
  try {
    await ensureCluster(kube);
  } finally {
    kube.close();
  }
  const kubectlBin = plane.env.KUBECTL!;
  // Warm the API server's watch cache once.
  await kubectl(kubectlBin, plane.kubeconfig);
  // Memory first, before any other model has run in this process and left garbage behind.
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const first = await modelReady(plane.kubeconfig);
  gc();
  gc();
  const held = process.memoryUsage().heapUsed;
  const snapshot = first.model.snapshot();
  gc();
  gc();
  const withSnapshot = process.memoryUsage().heapUsed;
  const pods = snapshot.size.pods;
  const services = snapshot.size.services;
  first.model.stop();
  // Then time both, alternating, so that neither gets a warmer server.
  const kubectlMs: number[] = [];
  const modelMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    kubectlMs.push(await kubectl(kubectlBin, plane.kubeconfig));
    const { ms, model } = await modelReady(plane.kubeconfig);
    modelMs.push(ms);
    model.stop();
  }
  const k = median(kubectlMs);
  const m = median(modelMs);
  console.log('');
  console.log(`Live model on the local control plane (${pods} pods, ${services} Services, ${snapshot.size.endpointSlices} EndpointSlices)`);
  console.log(`  kubectl get pods,services,endpointslices -A -o json   median ${k.toFixed(0)} ms  (runs: ${kubectlMs.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  NetLens live model, start to ready                    median ${m.toFixed(0)} ms  (runs: ${modelMs.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  ratio model / kubectl                                 ${(m / k).toFixed(2)}x   goal <= 0.50x   ${m / k <= 0.5 ? 'met' : 'MISSED'}`);
  console.log(`  retained heap per pod, objects only                   ${((held - before) / pods).toFixed(0)} bytes`);
  console.log(`  retained heap per pod, objects and snapshot indexes   ${((withSnapshot - before) / pods).toFixed(0)} bytes`);
}
