/** What a reference is: a place in a manifest that names something a pod (or the cluster) reaches. */

export type ReferenceKind =
  /** `scheme://host[:port]`. */
  | 'url'
  /** `host:port`. */
  | 'host-port'
  /** A name under a cluster zone (`web.shop.svc.cluster.local`), or any name in a host position. */
  | 'name'
  /** An IP literal, with or without a port. */
  | 'ip'
  /** A structured field naming a Service (Ingress backend, webhook, APIService, backendRef, serviceName). */
  | 'service';

/**
 * How sure NetLens is that the text names something in the cluster. A `strong` reference that resolves to
 * nothing is reported. A `weak` one (a bare word in a position that only sometimes holds a host, such as a
 * `--backend` flag or a link a browser opens) is reported only when a Service of a near name exists, which makes a
 * misspelling likely; otherwise only hover answers for it.
 */
export type Strength = 'strong' | 'weak';

/** Why a name never reaches the cluster DNS: the pod answers it itself. */
export type LocalReason =
  /** `localhost` and its forms: the pod's loopback interface. */
  | 'localhost'
  /** 127.0.0.0/8 or ::1. */
  | 'loopback'
  /** 0.0.0.0 or ::, an address to listen on, not to connect to. */
  | 'unspecified'
  /** A name of the pod's own `hostAliases`, answered from /etc/hosts. */
  | 'host-alias'
  /** The pod's own hostname, which /etc/hosts holds. */
  | 'own-hostname';

/** A field whose target is checked by a rule of its own, besides name and port. */
export type ReferenceRole =
  /** A StatefulSet's `serviceName`: without that Service its pods get no DNS names. */
  | 'statefulset-service'
  /** An Istio host: a short name is taken in the namespace of the rule, a dotted one as it is written. */
  | 'istio-host'
  /** A Gateway API backendRef: another namespace needs a ReferenceGrant there. */
  | 'route-backend';

export interface Reference {
  readonly kind: ReferenceKind;
  /** Offsets of the whole reference in the file's text. */
  readonly start: number;
  readonly end: number;
  /** Offsets of the host (or Service name) part. */
  readonly hostStart: number;
  readonly hostEnd: number;
  /** The host as the pod reads it (a name or an IP). */
  readonly host: string;
  readonly port?: number | string;
  /** Offsets of the port, when written. */
  readonly portStart?: number;
  readonly portEnd?: number;
  readonly scheme?: string;
  /** The namespace of the object that holds the reference: the pod that would ask. */
  readonly namespace: string;
  /**
   * The holder names no namespace, so `namespace` is the default one; a file whose other objects all name one
   * namespace is applied to that namespace (`kubectl apply -n` must match them), and `namespace` follows it.
   */
  readonly namespaceImplied?: boolean;
  /** For a structured reference: the namespace it names explicitly. */
  readonly serviceNamespace?: string;
  readonly strength: Strength;
  /** The text around it holds a placeholder of another program (`${…}`, `{{…}}`): never a finding. */
  readonly template?: boolean;
  /** The pod answers this name itself: never a finding, and hover says why. */
  readonly local?: LocalReason;
  /**
   * A name this pod tells other pods to reach it by (`--advertise-client-urls http://etcd0:2379`): they look it up,
   * so it is checked as they would see it, never as the pod's own hostname.
   */
  readonly advertised?: boolean;
  /** Found in a Secret: messages and hovers show the reference, never the text around it; no fixes. */
  readonly secret?: boolean;
  readonly role?: ReferenceRole;
  /** The Service port is only a default (webhooks and APIServices use 443 when none is written). */
  readonly defaultPort?: boolean;
  /** For a Gateway API backendRef to another namespace: who refers, for the ReferenceGrant check. */
  readonly referrer?: { readonly group: string; readonly kind: string };
  /** For an Istio route destination: the DestinationRule subset it sends traffic to. */
  readonly subset?: Subset;
  /** For an Istio DestinationRule's host: the subsets it defines, with the pod labels each selects. */
  readonly subsets?: readonly DefinedSubset[];
  /** Where it was found, for messages: `Deployment web, container api, env API_URL`. */
  readonly context: string;
  /** The object holding it. */
  readonly object: { readonly kind: string; readonly name: string };
}

export interface Subset {
  readonly name: string;
  /** Offsets of the subset's name where the route writes it, where a finding about it goes. */
  readonly start: number;
  readonly end: number;
}

export interface DefinedSubset extends Subset {
  readonly labels: Readonly<Record<string, string>>;
}

export interface ScanOptions {
  readonly zone: string;
  readonly defaultNamespace: string;
  /** Stop after this many references in one file (a budget for huge files). */
  readonly maxReferences?: number;
}
