/**
 * NetworkPolicies indexed so that a question about one pod never scans every policy: by namespace (a policy
 * selects pods of its own namespace only), then by one `key=value` pair of its podSelector's matchLabels. A pod
 * probes one bucket per label it carries plus the namespace's few policies without matchLabels, and only those
 * candidates are tested against their whole selector. Namespace labels are kept for namespace selectors.
 */
import type { LabelSelector, Labels, Namespace, NetworkPolicy, OtherPolicy, Pod, PolicyPort } from '../model';
import { type Cidr, parseCidr } from './cidr';
import { otherPolicyKind } from './kinds';
import { selectorMatches } from './selector';

/** The label the API server sets on every Namespace (immutable, equal to its name). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export type Direction = 'ingress' | 'egress';

/** A peer of a rule, with its CIDRs parsed once. */
export type CompiledPeer =
  | { readonly kind: 'pods'; readonly podSelector?: LabelSelector; readonly namespaceSelector?: LabelSelector }
  | { readonly kind: 'ipBlock'; readonly cidr: Cidr; readonly except: readonly Cidr[] };

export interface CompiledRule {
  /** `NS/POLICY#ingress[i]`. */
  readonly id: string;
  readonly direction: Direction;
  readonly index: number;
  /** Undefined: every peer (the rule's `from`/`to` is empty or absent). */
  readonly peers: readonly CompiledPeer[] | undefined;
  /** Empty: every port. */
  readonly ports: readonly PolicyPort[];
}

export interface CompiledPolicy {
  readonly policy: NetworkPolicy;
  /** `NS/NAME`. */
  readonly id: string;
  /** Undefined when the policy's types leave this direction out (it neither isolates nor admits there). */
  readonly ingress: readonly CompiledRule[] | undefined;
  readonly egress: readonly CompiledRule[] | undefined;
}

export interface PolicyInput {
  readonly networkPolicies?: readonly NetworkPolicy[];
  readonly namespaces?: readonly Namespace[];
  readonly otherPolicies?: readonly OtherPolicy[];
}

const NONE: readonly never[] = Object.freeze([]);

/** CIDRs parsed once per index: real policy sets repeat the same few blocks (`10.0.0.0/8`, `0.0.0.0/0`) often. */
type CidrCache = Map<string, Cidr | undefined>;

function cidrOf(text: string, cache: CidrCache): Cidr | undefined {
  if (cache.has(text)) return cache.get(text);
  const c = parseCidr(text);
  cache.set(text, c);
  return c;
}

function compileRules(policy: NetworkPolicy, direction: Direction, cache: CidrCache): CompiledRule[] | undefined {
  if (!policy.policyTypes.includes(direction === 'ingress' ? 'Ingress' : 'Egress')) return undefined;
  const rules = direction === 'ingress' ? policy.ingress : policy.egress;
  return rules.map((rule, index) => {
    const peers: CompiledPeer[] = [];
    for (const p of rule.peers) {
      if (p.ipBlock) {
        const cidr = cidrOf(p.ipBlock.cidr, cache);
        // The reducer refuses a policy with a CIDR that does not parse, so this holds for its records.
        if (!cidr) continue;
        const except = p.ipBlock.except.map((e) => cidrOf(e, cache)).filter((c): c is Cidr => c !== undefined);
        peers.push({ kind: 'ipBlock', cidr, except });
      } else {
        peers.push({
          kind: 'pods',
          ...(p.podSelector ? { podSelector: p.podSelector } : {}),
          ...(p.namespaceSelector ? { namespaceSelector: p.namespaceSelector } : {}),
        });
      }
    }
    return {
      id: `${policy.namespace}/${policy.name}#${direction}[${index}]`,
      direction,
      index,
      peers: rule.peers.length === 0 ? undefined : peers,
      ports: rule.ports,
    };
  });
}

/** The policies of one namespace, bucketed by one matchLabels pair of their podSelector. */
class NamespacePolicies {
  readonly byPair = new Map<string, CompiledPolicy[]>();
  /** Policies whose podSelector has no matchLabels (`{}`, or expressions only): tested for every pod. */
  readonly broad: CompiledPolicy[] = [];
  readonly all: CompiledPolicy[] = [];

  add(c: CompiledPolicy): void {
    this.all.push(c);
    const pairs = Object.entries(c.policy.podSelector.matchLabels);
    if (pairs.length === 0) {
      this.broad.push(c);
      return;
    }
    // Any one pair is a necessary condition; the one whose bucket is smallest so far keeps buckets even.
    let best: string | undefined;
    let bestSize = Infinity;
    for (const [k, v] of pairs) {
      const key = `${k}=${v}`;
      const size = this.byPair.get(key)?.length ?? 0;
      if (size < bestSize) {
        best = key;
        bestSize = size;
      }
    }
    const bucket = this.byPair.get(best!);
    if (bucket) bucket.push(c);
    else this.byPair.set(best!, [c]);
  }
}

export class PolicyIndex {
  private readonly byNamespace = new Map<string, NamespacePolicies>();
  private readonly byName = new Map<string, CompiledPolicy>();
  private readonly nsLabels = new Map<string, Labels>();
  private readonly clusterOthers: OtherPolicy[] = [];
  private readonly namespacedOthers = new Map<string, OtherPolicy[]>();
  private policyCount = 0;
  /**
   * Whether the model read NetworkPolicies at all (`networkPolicies` given, even empty). A model that could not
   * (a live model without the watch, or one RBAC forbids) knows nothing of isolation, and its verdicts say so.
   */
  policiesKnown = false;

  static build(input: PolicyInput): PolicyIndex {
    const index = new PolicyIndex();
    index.policiesKnown = input.networkPolicies !== undefined;
    for (const ns of input.namespaces ?? NONE) {
      // The API server sets this label on every Namespace; a model that read no labels still has its name.
      const labels = ns.labels?.[NAMESPACE_NAME_LABEL] === ns.name ? ns.labels : Object.freeze({ ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name });
      index.nsLabels.set(ns.name, labels);
    }
    // Sorted so that ids, deciding rules and the closest rule come out in one order whatever the input order.
    const cidrs: CidrCache = new Map();
    const policies = [...(input.networkPolicies ?? NONE)].sort((a, b) => (a.namespace === b.namespace ? cmp(a.name, b.name) : cmp(a.namespace, b.namespace)));
    for (const policy of policies) {
      const id = `${policy.namespace}/${policy.name}`;
      // A later declaration of the same policy replaces the earlier one, as in the API server.
      if (index.byName.has(id)) index.remove(id);
      const compiled: CompiledPolicy = { policy, id, ingress: compileRules(policy, 'ingress', cidrs), egress: compileRules(policy, 'egress', cidrs) };
      index.byName.set(id, compiled);
      let bucket = index.byNamespace.get(policy.namespace);
      if (!bucket) {
        bucket = new NamespacePolicies();
        index.byNamespace.set(policy.namespace, bucket);
      }
      bucket.add(compiled);
      index.policyCount++;
    }
    for (const other of input.otherPolicies ?? NONE) {
      if (other.namespace === undefined) index.clusterOthers.push(other);
      else {
        const list = index.namespacedOthers.get(other.namespace);
        if (list) list.push(other);
        else index.namespacedOthers.set(other.namespace, [other]);
      }
    }
    return index;
  }

  private remove(id: string): void {
    const old = this.byName.get(id)!;
    const bucket = this.byNamespace.get(old.policy.namespace)!;
    const drop = (list: CompiledPolicy[]): void => {
      const i = list.indexOf(old);
      if (i >= 0) list.splice(i, 1);
    };
    drop(bucket.all);
    drop(bucket.broad);
    for (const list of bucket.byPair.values()) drop(list);
    this.byName.delete(id);
    this.policyCount--;
  }

  get size(): { readonly policies: number; readonly otherPolicies: number } {
    let others = this.clusterOthers.length;
    for (const l of this.namespacedOthers.values()) others += l.length;
    return { policies: this.policyCount, otherPolicies: others };
  }

  /** A namespace's labels, with `kubernetes.io/metadata.name` (alone when the model knows nothing else of it). */
  namespaceLabels(namespace: string): Labels {
    let labels = this.nsLabels.get(namespace);
    if (!labels) {
      labels = Object.freeze({ [NAMESPACE_NAME_LABEL]: namespace });
      this.nsLabels.set(namespace, labels);
    }
    return labels;
  }

  policy(namespace: string, name: string): NetworkPolicy | undefined {
    return this.byName.get(`${namespace}/${name}`)?.policy;
  }

  /** Every policy of a namespace, in name order. */
  policiesIn(namespace: string): readonly NetworkPolicy[] {
    return (this.byNamespace.get(namespace)?.all ?? NONE).map((c) => c.policy);
  }

  /**
   * The policies whose podSelector selects `pod`, in id order. A host-network pod is selected by none: the
   * documentation leaves NetworkPolicy for such pods undefined, and in its most common implementation their
   * traffic is the node's, which no podSelector matches.
   */
  selecting(pod: Pod): readonly CompiledPolicy[] {
    if (pod.hostNetwork) return NONE;
    const bucket = this.byNamespace.get(pod.namespace);
    if (!bucket) return NONE;
    let out: CompiledPolicy[] | undefined;
    const consider = (c: CompiledPolicy): void => {
      if (selectorMatches(c.policy.podSelector, pod.labels)) (out ??= []).push(c);
    };
    for (const c of bucket.broad) consider(c);
    if (bucket.byPair.size > 0) {
      for (const k in pod.labels) {
        const list = bucket.byPair.get(`${k}=${pod.labels[k]}`);
        if (list) for (const c of list) consider(c);
      }
    }
    if (!out) return NONE;
    return out.length > 1 ? out.sort((a, b) => cmp(a.id, b.id)) : out;
  }

  /** The ids of the policies that isolate `pod`, per direction (what a tree's "Policies" node lists). */
  policiesFor(pod: Pod): { readonly ingress: readonly string[]; readonly egress: readonly string[] } {
    const selecting = this.selecting(pod);
    return {
      ingress: selecting.filter((c) => c.ingress !== undefined).map((c) => c.id),
      egress: selecting.filter((c) => c.egress !== undefined).map((c) => c.id),
    };
  }

  /**
   * The policies of other APIs that may bear on traffic between these namespaces: every cluster-scoped one, and
   * the namespaced ones of these namespaces. Described as `Kind NAME` or `Kind NS/NAME`.
   */
  otherPoliciesFor(namespaces: readonly string[]): string[] {
    const out: string[] = [];
    for (const o of this.clusterOthers) out.push(`${otherPolicyKind(o.apiVersion, o.kind)?.label ?? o.kind} ${o.name}`);
    for (const ns of new Set(namespaces)) {
      for (const o of this.namespacedOthers.get(ns) ?? NONE) out.push(`${otherPolicyKind(o.apiVersion, o.kind)?.label ?? o.kind} ${ns}/${o.name}`);
    }
    return out;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
