/**
 * Policy APIs that also decide traffic but that NetLens does not evaluate. A model reports them as present; a
 * verdict lists the ones that may apply to it and is never "allowed" on their account (they can deny what
 * NetworkPolicies allow, or allow what they deny).
 */
import { groupOf } from '../references/kinds';

export interface OtherPolicyKind {
  /** The API group, as in `apiVersion` before the slash. */
  readonly group: string;
  readonly kind: string;
  readonly clusterScoped: boolean;
  /** A short name for messages. */
  readonly label: string;
}

/** Recognition is data: one row per kind. */
export const OTHER_POLICY_KINDS: readonly OtherPolicyKind[] = [
  { group: 'policy.networking.k8s.io', kind: 'AdminNetworkPolicy', clusterScoped: true, label: 'AdminNetworkPolicy' },
  { group: 'policy.networking.k8s.io', kind: 'BaselineAdminNetworkPolicy', clusterScoped: true, label: 'BaselineAdminNetworkPolicy' },
  { group: 'policy.networking.k8s.io', kind: 'ClusterNetworkPolicy', clusterScoped: true, label: 'ClusterNetworkPolicy' },
  { group: 'projectcalico.org', kind: 'NetworkPolicy', clusterScoped: false, label: 'Calico NetworkPolicy' },
  { group: 'projectcalico.org', kind: 'GlobalNetworkPolicy', clusterScoped: true, label: 'Calico GlobalNetworkPolicy' },
  // Calico installed without its API server stores the same kinds under its CRD group.
  { group: 'crd.projectcalico.org', kind: 'NetworkPolicy', clusterScoped: false, label: 'Calico NetworkPolicy' },
  { group: 'crd.projectcalico.org', kind: 'GlobalNetworkPolicy', clusterScoped: true, label: 'Calico GlobalNetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumNetworkPolicy', clusterScoped: false, label: 'CiliumNetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumClusterwideNetworkPolicy', clusterScoped: true, label: 'CiliumClusterwideNetworkPolicy' },
];

const BY_KEY = new Map(OTHER_POLICY_KINDS.map((k) => [`${k.group}/${k.kind}`, k]));

/** The row for an object's `apiVersion` and `kind`, or undefined when it is not a policy kind NetLens leaves aside. */
export function otherPolicyKind(apiVersion: string, kind: string): OtherPolicyKind | undefined {
  return BY_KEY.get(`${groupOf(apiVersion)}/${kind}`);
}

/** Whether an object is a NetworkPolicy NetLens evaluates. */
export function isNetworkPolicy(apiVersion: string, kind: string): boolean {
  return kind === 'NetworkPolicy' && apiVersion === 'networking.k8s.io/v1';
}
