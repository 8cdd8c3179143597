/**
 * The cluster objects NetLens reasons about, reduced to what DNS and reachability need. Both the live model
 * (watches) and the workspace model (manifests) produce these records; everything else reads them.
 *
 * IP strings are canonical (see ip.ts). Optional fields are absent rather than empty where the difference
 * matters to an answer: a Service without `selector` has hand-managed endpoints, one with `{}` selects nothing.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export type IPFamilyName = 'IPv4' | 'IPv6';
export type Labels = Readonly<Record<string, string>>;

/** Where an object was declared: a document of a manifest file, as offsets into the file's text. */
export interface SourceRef {
  readonly uri: string;
  /** Offset of the document's first character. */
  readonly start: number;
  readonly end: number;
  /** Offsets of the `metadata.name` value, the place a "go to definition" lands on. */
  readonly nameStart: number;
  readonly nameEnd: number;
}

export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface Namespace {
  readonly name: string;
  /**
   * The Namespace's labels, including `kubernetes.io/metadata.name`, which the API server sets on every Namespace.
   * Absent when the model does not read labels; NetworkPolicy namespace selectors then see only that one label.
   */
  readonly labels?: Labels;
  readonly source?: SourceRef;
}

export interface ServicePort {
  /** Empty when the port is unnamed (allowed only when the Service has a single port). */
  readonly name: string;
  readonly port: number;
  /** A number, or the name of a container port. Defaults to `port`. */
  readonly targetPort: number | string;
  readonly protocol: Protocol;
  readonly nodePort?: number;
  readonly appProtocol?: string;
}

export interface LoadBalancerIngress {
  readonly ip?: string;
  readonly hostname?: string;
}

export interface Service {
  readonly namespace: string;
  readonly name: string;
  readonly type: ServiceType;
  /** `spec.clusterIP: None`. */
  readonly headless: boolean;
  /**
   * Allocated cluster IPs, primary first. Empty for headless and ExternalName Services, and for a declared
   * Service that leaves the choice to the API server (then `clusterIPPending` is true).
   */
  readonly clusterIPs: readonly string[];
  /** The API server would allocate the cluster IP: the manifest does not say it. */
  readonly clusterIPPending: boolean;
  readonly ipFamilies: readonly IPFamilyName[];
  readonly ports: readonly ServicePort[];
  /** Absent (or empty, which the API server stores as absent): endpoints are managed by hand. */
  readonly selector?: Labels;
  readonly externalName?: string;
  readonly publishNotReadyAddresses: boolean;
  readonly externalIPs: readonly string[];
  readonly loadBalancerIngress: readonly LoadBalancerIngress[];
  readonly source?: SourceRef;
  /**
   * A Service the workspace model assumes without a manifest of it: one that every cluster has (`built-in`), or one
   * that an operator creates for a custom resource of the manifests (`operator`).
   */
  readonly implied?: 'built-in' | 'operator';
  /** The Service's own labels, which ServiceMonitors select (read from manifests; the live model leaves them out). */
  readonly labels?: Labels;
  /**
   * Workspace models only: declared in more than one file (bundles that are alternatives of each other, side by
   * side in a folder). The last declaration is modelled, but which one is deployed is not known: its ports are not
   * judged.
   */
  readonly redeclared?: true;
}

export interface EndpointPort {
  /** Empty when unnamed. */
  readonly name: string;
  /** Undefined when the slice says "all ports" (a nil port). */
  readonly port: number | undefined;
  readonly protocol: Protocol;
  readonly appProtocol?: string;
}

/** An endpoint that stands for replicas the cluster has not created yet (workspace model only). */
export interface PendingReplicas {
  readonly workload: ObjectRef;
  readonly replicas: number;
}

export interface Endpoint {
  /** Canonical IPs (or names, in an FQDN slice). Empty when `pending`. */
  readonly addresses: readonly string[];
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly targetRef?: ObjectRef;
  /** EndpointSlice conditions, with the API's defaults applied (ready: nil means true). */
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly pending?: PendingReplicas;
}

export type AddressType = 'IPv4' | 'IPv6' | 'FQDN';

export interface EndpointSlice {
  readonly namespace: string;
  readonly name: string;
  /** The `kubernetes.io/service-name` label: the Service this slice belongs to. */
  readonly serviceName: string | undefined;
  readonly addressType: AddressType;
  readonly endpoints: readonly Endpoint[];
  readonly ports: readonly EndpointPort[];
  readonly source?: SourceRef;
}

export interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
  readonly container: string;
}

export interface Pod {
  readonly namespace: string;
  readonly name: string;
  /** Canonical pod IPs, primary first. Empty until the cluster allocates them. */
  readonly ips: readonly string[];
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly labels: Labels;
  readonly nodeName?: string;
  /** Pending, Running, Succeeded, Failed or Unknown; undefined for a pod that exists only as a template. */
  readonly phase?: string;
  readonly ready: boolean;
  readonly hostNetwork: boolean;
  /** The pod is being deleted (`metadata.deletionTimestamp` is set). */
  readonly terminating: boolean;
  readonly ports: readonly ContainerPort[];
  /** The workload whose template this pod comes from, in the workspace model. */
  readonly template?: PendingReplicas;
  readonly source?: SourceRef;
}

export interface NodeAddress {
  readonly type: string;
  readonly address: string;
}

export interface Node {
  readonly name: string;
  readonly addresses: readonly NodeAddress[];
}

/** Everything a snapshot is built from. */
export interface ClusterObjects {
  readonly namespaces: readonly Namespace[];
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly pods: readonly Pod[];
  readonly nodes: readonly Node[];
  /** networking.k8s.io/v1 NetworkPolicies; absent when the model does not read them. */
  readonly networkPolicies?: readonly NetworkPolicy[];
  /** Policies of other APIs that NetLens does not evaluate (see policy/kinds.ts); absent when not read. */
  readonly otherPolicies?: readonly OtherPolicy[];
}

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Non-empty for In and NotIn, empty for Exists and DoesNotExist (the API server refuses anything else). */
  readonly values: readonly string[];
}

/** A metav1.LabelSelector. Both parts empty selects everything (a null selector is an absent field instead). */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly SelectorRequirement[];
}

export interface IPBlock {
  /** As written; a CIDR with host bits set stands for its network, as the API server and the plugins read it. */
  readonly cidr: string;
  readonly except: readonly string[];
}

/** One entry of `from` or `to`: pods (by the two selectors, ANDed) or an IP block, never both. */
export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

export interface PolicyPort {
  /** Defaults to TCP. */
  readonly protocol: Protocol;
  /** A port number, a container port name, or absent for every port of the protocol. */
  readonly port?: number | string;
  /** With a numeric `port`: the last port of the range, inclusive. */
  readonly endPort?: number;
}

/** An ingress or egress rule. An empty `peers` admits every peer; an empty `ports` admits every port. */
export interface PolicyRule {
  readonly peers: readonly PolicyPeer[];
  readonly ports: readonly PolicyPort[];
}

export type PolicyType = 'Ingress' | 'Egress';

export interface NetworkPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** As the API server stores them: defaulted when the manifest leaves them out (see `policyTypesDefaulted`). */
  readonly policyTypes: readonly PolicyType[];
  readonly policyTypesDefaulted: boolean;
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
  readonly source?: SourceRef;
}

/** A policy of an API NetLens does not evaluate (AdminNetworkPolicy, Calico, Cilium, …): present, not evaluated. */
export interface OtherPolicy {
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly name: string;
  readonly source?: SourceRef;
}
