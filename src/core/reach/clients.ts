/**
 * Who talks to whom: every connection the workspace's references make, from the workload whose pods make it to
 * the Service it names, with the policy verdict (reference.ts) merged over the places that write it. The map's
 * edges between workloads and Services and the tree's "Clients" of a Service read this; so does the matching of a
 * workload to the pods a live cluster runs for it.
 */
import type { Pod } from '../model';
import type { Coverage } from '../policy/service';
import type { Reference } from '../references';
import type { ClusterSnapshot } from '../snapshot';
import { reachModel, type Workload, workloadId } from './model';
import { type ReachOptions, type ReferenceVerdict, referenceVerdict } from './reference';
import { policyLine, portText, reachText } from './text';

/** The connections from one workload to one Service, over every reference that makes them. */
export interface Connection<Place = unknown> {
  readonly from: Workload;
  readonly to: { readonly namespace: string; readonly name: string };
  /** The ports written or implied (`8080/TCP`, `http`), in the order first met; empty when judged on every port. */
  readonly ports: readonly string[];
  /**
   * `allowed` when every reference may connect, `blocked` when none may, `partial` when some may (or some of the
   * Service's pods admit it), `unknown` when the policies read cannot decide any of them.
   */
  readonly verdict: Coverage;
  /** Whether a NetworkPolicy isolates either end on some path: an `allowed` that a policy's rule decided. */
  readonly isolated: boolean;
  /** The hover line of the reference that says most (a blocked one before a partial one before the others). */
  readonly line: string;
  /** The model that judged that reference. */
  readonly model: string;
  readonly places: readonly Place[];
}

/** A reference, and where the caller places it (in its file, or for a rendered one, in the template). */
export interface PlacedReference<Place> {
  readonly reference: Reference;
  readonly place: Place;
}

const WEIGHT: Readonly<Record<Coverage, number>> = { blocked: 3, partial: 2, unknown: 1, allowed: 0 };

interface Group<Place> {
  from: Workload;
  to: { namespace: string; name: string };
  ports: string[];
  verdicts: Set<Coverage>;
  isolated: boolean;
  line: string;
  model: string;
  weight: number;
  places: Place[];
}

/**
 * Every connection these references make to a Service, one per workload and Service, sorted by target then
 * source. A reference in a ConfigMap or Secret is a connection of each workload that reads it.
 */
export function connections<Place>(references: Iterable<PlacedReference<Place>>, options: ReachOptions): Connection<Place>[] {
  const collector = new Connections<Place>(options);
  for (const r of references) collector.add(r);
  return collector.result();
}

/** Connections gathered a reference at a time (a caller that yields between files), then merged. */
export class Connections<Place> {
  private readonly groups = new Map<string, Group<Place>>();

  constructor(private readonly options: ReachOptions) {}

  add({ reference, place }: PlacedReference<Place>): void {
    const v = referenceVerdict(reference, this.options);
    if (!v) return;
    if (v.consumers && v.consumers.length > 0) {
      for (const c of v.consumers)
        this.merge(c.workload, v, c.reach.verdict, isolatedIn(c.reach.paths), policyLine(c.reach.verdict, reachText(c.reach, v.target, v.model)), place);
    } else this.merge(v.holder, v, v.reach.verdict, isolatedIn(v.reach.paths), v.line, place);
  }

  result(): Connection<Place>[] {
    return [...this.groups.values()]
      .map(
        (g): Connection<Place> => ({
          from: g.from,
          to: g.to,
          ports: g.ports,
          verdict: merged(g.verdicts),
          isolated: g.isolated,
          line: g.line,
          model: g.model,
          places: g.places,
        }),
      )
      .sort((a, b) => cmp(`${a.to.namespace}/${a.to.name}`, `${b.to.namespace}/${b.to.name}`) || cmp(workloadId(a.from), workloadId(b.from)));
  }

  private merge(from: Workload, v: ReferenceVerdict, verdict: Coverage, isolated: boolean, line: string, place: Place): void {
    if (v.target.kind !== 'Service') return;
    const to = { namespace: v.target.namespace, name: v.target.name };
    const key = `${workloadId(from)}\u0000${to.namespace}/${to.name}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { from, to, ports: [], verdicts: new Set(), isolated: false, line, model: v.model, weight: -1, places: [] };
      this.groups.set(key, g);
    }
    if (v.target.port !== undefined) {
      const port = v.target.protocol ? portText(v.target.port, v.target.protocol) : String(v.target.port);
      if (!g.ports.includes(port)) g.ports.push(port);
    }
    g.verdicts.add(verdict);
    g.isolated ||= isolated;
    if (WEIGHT[verdict] > g.weight) {
      g.weight = WEIGHT[verdict];
      g.line = line;
      g.model = v.model;
    }
    g.places.push(place);
  }
}

function isolatedIn(paths: readonly { readonly egress: { readonly isolated: boolean }; readonly ingress: { readonly isolated: boolean } }[]): boolean {
  return paths.some((p) => p.egress.isolated || p.ingress.isolated);
}

/** The verdict over several references: the same when they agree, `partial` when some may connect and some not. */
function merged(verdicts: ReadonlySet<Coverage>): Coverage {
  const known = [...verdicts].filter((v) => v !== 'unknown');
  if (known.length === 0) return 'unknown';
  if (known.length === 1) return known[0]!;
  return 'partial';
}

/**
 * The pods a snapshot runs for a workload of the workspace: in the workspace model, the pods made from its
 * template; in a live cluster, the pods of its namespace that carry every label of its pod template (as the
 * workload's selector would pick them; a template without labels matches none), or the pod of that name.
 */
export function podsRunning(w: Workload, workspace: ClusterSnapshot, shown: ClusterSnapshot): Pod[] {
  if (shown === workspace) return [...reachModel(workspace).podsOf(w)];
  if (w.kind === 'Pod') {
    const pod = shown.pod(w.namespace, w.name);
    return pod ? [pod] : [];
  }
  // The labels every replica's pod carries (a StatefulSet's pods differ in `statefulset.kubernetes.io/pod-name`).
  const templates = reachModel(workspace).podsOf(w);
  const labels = templates.length === 0 ? [] : Object.entries(templates[0]!.labels).filter(([k, v]) => templates.every((t) => t.labels[k] === v));
  if (labels.length === 0) return [];
  const out: Pod[] = [];
  for (const pod of shown.podsIn(w.namespace)) if (labels.every(([k, v]) => pod.labels[k] === v)) out.push(pod);
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
