/**
 * The workload × workload table of `netlens reach --matrix`, like a connectivity truth table: for each pair, whether
 * the source's pods may connect to the target's pods on the ports the target serves (or one port asked for), and
 * for each source whether it may reach the cluster DNS.
 */
import type { Pod, Protocol } from '../model';
import type { Coverage } from '../policy/service';
import type { ClusterSnapshot } from '../snapshot';
import { judge, judgeDns, type Reach } from './judge';
import { reachModel, type Workload } from './model';

export interface MatrixPort {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface MatrixWorkload extends Workload {
  /** `NS/KIND/NAME`. */
  readonly id: string;
  readonly pods: readonly string[];
  /** The ports judged when it is the target: those its Services send traffic to, else its containers declare. */
  readonly ports: readonly MatrixPort[];
  /** Whether its pods may look names up in the cluster DNS. */
  readonly dns: Coverage;
}

export interface MatrixCell {
  readonly source: string;
  readonly target: string;
  /** Over the target's ports: `partial` when some are admitted and some not; `none` when it serves no port. */
  readonly verdict: Coverage | 'none';
  readonly ports: readonly { readonly port: number; readonly protocol: Protocol; readonly verdict: Coverage; readonly reach: Reach }[];
}

export interface Matrix {
  readonly workloads: readonly MatrixWorkload[];
  /** Row by row: every source with every target, in the order of `workloads`. */
  readonly cells: readonly MatrixCell[];
  readonly notEvaluated: readonly string[];
  /** Whether the model read NetworkPolicies (if not, every cell is unknown). */
  readonly policiesKnown: boolean;
}

export interface MatrixOptions {
  /** Only the workloads of this namespace. */
  readonly namespace?: string;
  /** Judge this port on every target instead of the ports each serves. */
  readonly port?: number;
  readonly protocol?: Protocol;
}

export function reachMatrix(snapshot: ClusterSnapshot, options: MatrixOptions = {}): Matrix {
  const model = reachModel(snapshot);
  const entries = [...model.workloads()].filter(([, pods]) => options.namespace === undefined || pods[0]!.namespace === options.namespace);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const workloads: MatrixWorkload[] = entries.map(([id, pods]) => {
    const w = pods[0]!.template!.workload;
    const ports: MatrixPort[] = options.port !== undefined ? [{ port: options.port, protocol: options.protocol ?? 'TCP' }] : servedPorts(snapshot, pods);
    return {
      id,
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      pods: pods.map((p) => `${p.namespace}/${p.name}`),
      ports,
      dns: judgeDns(model, pods).verdict,
    };
  });
  const podsOf = new Map(entries);
  const cells: MatrixCell[] = [];
  const others = new Set<string>();
  for (const s of workloads) {
    for (const t of workloads) {
      const ports = t.ports.map((p) => {
        const reach = judge(model, podsOf.get(s.id)!, { kind: 'Pods', pods: podsOf.get(t.id)!, port: p.port, protocol: p.protocol });
        for (const o of reach.notEvaluated) others.add(o);
        return { port: p.port, protocol: p.protocol, verdict: reach.verdict, reach };
      });
      cells.push({ source: s.id, target: t.id, verdict: ports.length === 0 ? 'none' : combine(ports.map((p) => p.verdict)), ports });
    }
  }
  return { workloads, cells, notEvaluated: [...others].sort(), policiesKnown: model.policiesKnown };
}

/** Coverages over several ports: the same on all, `partial` for a mix of admitted and not, else unknown. */
function combine(verdicts: readonly Coverage[]): Coverage {
  const set = new Set(verdicts);
  if (set.size === 1) return verdicts[0]!;
  if (set.has('unknown')) return 'unknown';
  return 'partial';
}

/**
 * The ports a workload serves: the endpoint ports of the Services whose endpoints are its pods (the target ports,
 * resolved per pod), else the ports its containers declare.
 */
export function servedPorts(snapshot: ClusterSnapshot, pods: readonly Pod[]): MatrixPort[] {
  const names = new Set(pods.map((p) => p.name));
  const ns = pods[0]!.namespace;
  const out = new Map<string, MatrixPort>();
  for (const svc of snapshot.servicesIn(ns)) {
    for (const slice of snapshot.slicesOf(ns, svc.name)) {
      if (!slice.endpoints.some((e) => e.targetRef?.kind === 'Pod' && e.targetRef.namespace === ns && names.has(e.targetRef.name))) continue;
      for (const p of slice.ports) if (p.port !== undefined) out.set(`${p.port}/${p.protocol}`, { port: p.port, protocol: p.protocol });
    }
  }
  if (out.size === 0)
    for (const pod of pods) for (const cp of pod.ports) out.set(`${cp.containerPort}/${cp.protocol}`, { port: cp.containerPort, protocol: cp.protocol });
  return [...out.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
}
