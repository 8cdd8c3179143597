/**
 * Reach: whether the traffic a reference makes may pass the cluster's NetworkPolicies, on top of the policy model
 * (policy.ts) and the resolver. The pieces are in reach/:
 *
 * - model.ts: per snapshot, the policies indexed once, the namespaces whose labels are known, the pods of each
 *   workload;
 * - judge.ts: connections from a workload's pods to a Service, pods or an address, and to the cluster DNS, made
 *   `unknown` where the model cannot know;
 * - reference.ts: the verdict on one reference, in the check sources that resolve it (what a hover shows);
 * - text.ts: the sentences, shared by hovers, diagnostics and `netlens reach`;
 * - findings.ts: the diagnostics NL017 to NL021 and their quick fixes;
 * - matrix.ts: the workload × workload table of `netlens reach --matrix`;
 * - clients.ts: who talks to whom, for the map and the tree.
 */

export { type Connection, Connections, connections, type PlacedReference, podsRunning } from './reach/clients';
export { checkPolicies } from './reach/findings';
export { type DnsReach, judge, judgeDns, type Reach, type ReachPath } from './reach/judge';
export { type Matrix, reachMatrix, servedPorts } from './reach/matrix';
export { ReachModel, reachModel, type Workload } from './reach/model';
export { judgeTarget, type ReferenceVerdict, referenceVerdict, serviceTarget, type Target, type TargetSummary } from './reach/reference';
export { list, policyLine, reachText, targetText, verdictWord } from './reach/text';
