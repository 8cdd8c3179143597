/**
 * NetworkPolicy: whether the packet may go where the resolver says a name goes. The records are in model.ts;
 * the pieces are in policy/:
 *
 * - reduce.ts: API objects to records, with the API server's defaulting of `policyTypes` and its validation;
 * - kinds.ts: the policy APIs NetLens reports as present but does not evaluate;
 * - policy-index.ts: policies by namespace and selector, namespace labels;
 * - verdict.ts: one connection's verdict (both directions, deciding rules, the closest rule);
 * - service.ts: connections to a Service (per endpoint, after port translation) and to the cluster DNS;
 * - workspace.ts: the policies a workspace's manifests declare.
 */
export { isStrictSubset, parseCidr } from './policy/cidr';
export { groupOf, isNetworkPolicy, OTHER_POLICY_KINDS, type OtherPolicyKind, otherPolicyKind } from './policy/kinds';
export { type CompiledPolicy, type CompiledRule, type Direction, NAMESPACE_NAME_LABEL, PolicyIndex, type PolicyInput } from './policy/policy-index';
export { readSelector, reduceNetworkPolicy, reduceOtherPolicy } from './policy/reduce';
export { EVERYTHING, isEmptySelector, requirementMatches, selectorMatches, selectorText } from './policy/selector';
export {
  type Coverage,
  coverage,
  DEFAULT_DNS,
  type DnsOptions,
  type DnsPath,
  type DnsVerdict,
  dnsVerdict,
  type ServicePath,
  type ServiceVerdict,
  type ServiceVerdictReason,
  servicePort,
  serviceVerdict,
} from './policy/service';
export {
  type ClosestRule,
  type Decision,
  DestinationVerdicts,
  type DirectionVerdict,
  portMatches,
  type TrafficPeer,
  type Verdict,
  verdict,
} from './policy/verdict';
export { readPolicies, type WorkspacePolicies } from './policy/workspace';
