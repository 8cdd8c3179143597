/**
 * What the reach verdicts need of one snapshot, built once and kept as long as the snapshot lives: its
 * NetworkPolicies indexed (by namespace and selector, see policy-index.ts), the namespaces whose labels the model
 * holds, and the pods of each workload. A question about one reference then costs a few hash probes and the
 * verdicts of the policies that select its two ends, never a scan of every policy or pod.
 */
import type { Namespace, NetworkPolicy, ObjectRef, Pod } from '../model';
import { PolicyIndex } from '../policy/policy-index';
import type { ClusterSnapshot } from '../snapshot';

/** A workload (or a Pod) whose pods a model holds: `NS/KIND/NAME` in messages. */
export interface Workload {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export function workloadId(w: Workload): string {
  return `${w.namespace}/${w.kind}/${w.name}`;
}

export class ReachModel {
  private indexed: PolicyIndex | undefined;
  private byWorkload: Map<string, Pod[]> | undefined;
  private byFile: Map<string, NetworkPolicy[]> | undefined;
  private readonly knownLabels = new Set<string>();
  /** Per-model caches of the reference verdicts, by a key the caller chooses (see reference.ts). */
  readonly cache = new Map<string, unknown>();

  constructor(readonly snapshot: ClusterSnapshot) {
    for (const name of snapshot.namespaceNames()) {
      // A Namespace object was read (a manifest declares it, or the live model listed it): its labels are known.
      // Namespaces the model only infers (used by objects, or every cluster's) have labels nobody has seen.
      if (snapshot.namespace(name)?.labels) this.knownLabels.add(name);
    }
  }

  /** The policies of the snapshot, indexed on first use. */
  get index(): PolicyIndex {
    if (!this.indexed) {
      const namespaces: Namespace[] = [];
      for (const name of this.knownLabels) namespaces.push(this.snapshot.namespace(name)!);
      this.indexed = PolicyIndex.build({
        ...(this.snapshot.networkPolicies ? { networkPolicies: this.snapshot.networkPolicies } : {}),
        ...(this.snapshot.otherPolicies ? { otherPolicies: this.snapshot.otherPolicies } : {}),
        namespaces,
      });
    }
    return this.indexed;
  }

  /** Whether the model read NetworkPolicies at all (a live model may lack the watch, or RBAC forbids it). */
  get policiesKnown(): boolean {
    return this.snapshot.networkPolicies !== undefined;
  }

  /**
   * Whether the labels of a namespace are known. Those of a namespace the model only infers are not: a
   * namespaceSelector other than on `kubernetes.io/metadata.name` cannot be decided for its pods.
   */
  labelsKnown(namespace: string): boolean {
    return this.knownLabels.has(namespace);
  }

  /**
   * The pods of a workload: those the workspace model made from its pod template (StatefulSets and operators
   * make one per replica), or for a Pod, the pod itself.
   */
  podsOf(w: Workload): readonly Pod[] {
    const found = this.workloads().get(workloadId(w));
    if (found) return found;
    if (w.kind === 'Pod') {
      const pod = this.snapshot.pod(w.namespace, w.name);
      return pod ? [pod] : [];
    }
    return [];
  }

  /** The NetworkPolicies a manifest file declares (the checks of each file ask, and a workspace has thousands). */
  policiesIn(uri: string): readonly NetworkPolicy[] {
    if (!this.byFile) {
      this.byFile = new Map();
      for (const p of this.snapshot.networkPolicies ?? []) {
        if (!p.source) continue;
        const list = this.byFile.get(p.source.uri);
        if (list) list.push(p);
        else this.byFile.set(p.source.uri, [p]);
      }
    }
    return this.byFile.get(uri) ?? [];
  }

  /** Every workload of the snapshot with its pods, in the order the pods came. */
  workloads(): ReadonlyMap<string, Pod[]> {
    if (!this.byWorkload) {
      this.byWorkload = new Map();
      for (const pod of this.snapshot.pods()) {
        const w: ObjectRef | undefined = pod.template?.workload;
        if (!w) continue;
        const key = workloadId(w);
        const list = this.byWorkload.get(key);
        if (list) list.push(pod);
        else this.byWorkload.set(key, [pod]);
      }
    }
    return this.byWorkload;
  }
}

const models = new WeakMap<ClusterSnapshot, ReachModel>();

/** The reach model of a snapshot, made once per snapshot (snapshots are immutable; a change makes a new one). */
export function reachModel(snapshot: ClusterSnapshot): ReachModel {
  let m = models.get(snapshot);
  if (!m) {
    m = new ReachModel(snapshot);
    models.set(snapshot, m);
  }
  return m;
}
