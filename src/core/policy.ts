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
export { PolicyIndex } from './policy/policy-index';
export { readSelector, reduceNetworkPolicy } from './policy/reduce';
export { selectorMatches } from './policy/selector';
export { type Coverage, dnsVerdict, serviceVerdict } from './policy/service';
export { type Decision, DestinationVerdicts, type TrafficPeer, verdict } from './policy/verdict';
