/**
 * What manifests say about the cluster beyond Services and pods, for the checks: custom resources whose operators
 * may create Services of their own, the ReferenceGrants that let routes cross namespaces, and the hosts of Istio
 * ServiceEntries that the mesh answers.
 */

export interface CustomResource {
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly apiVersion: string;
}

export interface ReferenceGrant {
  readonly namespace: string;
  readonly name: string;
  readonly from: readonly { readonly group: string; readonly kind: string; readonly namespace: string }[];
  readonly to: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
}

/** An Istio DestinationRule: its host as written, in its namespace, and its subsets' pod labels. */
export interface DestinationRule {
  readonly namespace: string;
  readonly name: string;
  readonly host: string;
  readonly subsets: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

import type { ObjectRef } from './model';

export interface WorkspaceFacts {
  /** Custom resources of kinds that may make an operator create pods and Services (see kinds.ts). */
  readonly customResources: readonly CustomResource[];
  readonly referenceGrants: readonly ReferenceGrant[];
  /** Hosts of ServiceEntries, lower case, without a trailing dot. */
  readonly meshHosts: ReadonlySet<string>;
  readonly destinationRules: readonly DestinationRule[];
  /** The DestinationRule subsets that some VirtualService routes to: `namespace/service#subset`. */
  readonly routedSubsets: ReadonlySet<string>;
  /**
   * The workloads (and Pods) whose pod spec reads each ConfigMap and Secret, by `namespace/Kind/name`: the pods that
   * make the connections a reference in that ConfigMap or Secret names.
   */
  readonly configConsumers?: ReadonlyMap<string, readonly ObjectRef[]>;
}

export const NO_FACTS: WorkspaceFacts = { customResources: [], referenceGrants: [], meshHosts: new Set(), destinationRules: [], routedSubsets: new Set() };
