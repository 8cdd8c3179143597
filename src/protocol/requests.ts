/**
 * The custom requests between the extension and the language server, each declared once and imported by both.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { EndpointCounts } from '../core/endpoints';
import type { DnsAnswer, QueryType } from '../core/resolver';

export interface ResolveParams {
  readonly input: string;
  /** The namespace of the asking pod; the default namespace setting when absent. */
  readonly namespace?: string;
  readonly qtype?: QueryType;
}

export type ResolveResult = { readonly ok: true; readonly answer: DnsAnswer; readonly source: string } | { readonly ok: false; readonly message: string };

/** Resolves a name or an IP as the cluster's DNS would, from the live cluster first, then the workspace. */
export const ResolveRequest = new RequestType<ResolveParams, ResolveResult, void>('netlens/resolve');

/** Why a live cluster cannot be read, from its API server's answer (or the lack of one). */
export type ClusterErrorKind = 'unauthorized' | 'forbidden' | 'not-found' | 'gone' | 'unreachable' | 'tls' | 'credentials' | 'timeout' | 'aborted' | 'http';
/** Why no live cluster is read: the kubeconfig is missing or cannot be used (`config` when the reason has no code). */
export type KubeconfigErrorKind =
  | 'config:not-found'
  | 'config:malformed'
  | 'config:no-context'
  | 'config:unknown-context'
  | 'config:incomplete-context'
  | 'config';
export type ModelErrorKind = ClusterErrorKind | KubeconfigErrorKind;

/** A model's state as the tree shows it. */
export interface ModelInfo {
  /** `cluster`: a live cluster; `workspace`: the workspace manifests only. */
  readonly kind: 'cluster' | 'workspace';
  /** The kubeconfig context, when there is one. */
  readonly context?: string;
  readonly server?: string;
  /** connecting | ready | stale | failed (cluster); ready (workspace). */
  readonly state: 'connecting' | 'ready' | 'stale' | 'failed' | 'none';
  /** For a failed or stale cluster, or (kind `workspace`) a kubeconfig that could not be used. */
  readonly errorKind?: ModelErrorKind;
  readonly message?: string;
  readonly notes: readonly string[];
  readonly namespaces: readonly { readonly name: string; readonly services: number; readonly pods: number }[];
}

export interface EndpointView {
  readonly addresses: readonly string[];
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly pod?: string;
  /** Replicas whose addresses the cluster allocates when created (workspace model). */
  readonly pending?: number;
  /** The endpoint's port for each Service port name. */
  readonly ports: readonly { readonly name: string; readonly port?: number; readonly protocol: string }[];
}

export interface ServiceView {
  readonly namespace: string;
  readonly name: string;
  readonly fqdn: string;
  readonly type: string;
  /** Its cluster IPs, `headless`, its ExternalName target, or why none, in words (core `serviceAddressText`). */
  readonly address: string;
  /** Pods behind its endpoints by condition (core `countEndpoints`), and the same in words (`3 ready, 1 terminating`). */
  readonly counts: EndpointCounts;
  readonly readiness: string;
  readonly headless: boolean;
  readonly clusterIPs: readonly string[];
  readonly clusterIPPending: boolean;
  readonly externalName?: string;
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports: readonly {
    readonly name: string;
    readonly port: number;
    readonly targetPort: number | string;
    readonly protocol: string;
    readonly nodePort?: number;
  }[];
  readonly endpoints: readonly EndpointView[];
  /** The workloads whose references in the workspace name it, and whether NetworkPolicies let them through. */
  readonly clients?: readonly ClientView[];
}

/** Whether NetworkPolicies let a connection through (core `Coverage`). */
export type ReachVerdict = 'allowed' | 'blocked' | 'partial' | 'unknown';

/** A workload of the workspace whose references name a Service (core/reach `Connection`). */
export interface ClientView {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The pods of the model shown that run for it (at most `CLIENT_PODS`), and how many there are. */
  readonly pods: readonly string[];
  readonly podCount: number;
  /** The ports its references name (`8080/TCP`, `http`). */
  readonly ports: readonly string[];
  readonly verdict: ReachVerdict;
  /** Whether a NetworkPolicy isolates either end (an `allowed` that a policy decided). */
  readonly isolated: boolean;
  /** The verdict in one line, with the policies that decide it (as the hover says it). */
  readonly line: string;
  /** Where the workspace writes its references (the first `CLIENT_PLACES`), and how many there are. */
  readonly locations: readonly LocationView[];
  readonly references: number;
}

/** A place in a file, in LSP terms. */
export interface LocationView {
  readonly uri: string;
  readonly range: {
    readonly start: { readonly line: number; readonly character: number };
    readonly end: { readonly line: number; readonly character: number };
  };
}

/** Bounds of what a `ClientView` lists. */
export const CLIENT_PODS = 50;
export const CLIENT_PLACES = 20;

export interface PodView {
  readonly namespace: string;
  readonly name: string;
  readonly ips: readonly string[];
  readonly node?: string;
  readonly phase?: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly ports: readonly { readonly name: string; readonly containerPort: number; readonly protocol: string }[];
  /** DNS names that reach this pod: its pod record and, with hostname and subdomain, its endpoint name. */
  readonly dnsNames: readonly string[];
  /** Services whose endpoints include this pod. */
  readonly services: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Workload template (workspace model): replicas the cluster has not created. */
  readonly pending?: { readonly kind: string; readonly name: string; readonly replicas: number };
  /**
   * The NetworkPolicies that select it, by direction they isolate (`NS/NAME`); absent when the model holds none
   * (a cluster without any, without the watch, or where RBAC forbids reading them).
   */
  readonly policies?: { readonly ingress: readonly string[]; readonly egress: readonly string[] };
}

export interface NamespaceView {
  readonly namespace: string;
  readonly services: readonly ServiceView[];
  /** Pods from `offset`, at most `limit`; `total` says how many there are. */
  readonly pods: readonly PodView[];
  readonly total: number;
  /** Changes whenever the view does (within one server's life). */
  readonly revision?: string;
  /** The view is the one of the revision the request named: `services` and `pods` are left empty. */
  readonly unchanged?: true;
}

/** The model the tree and the status bar show: cluster or workspace, its state and its namespaces. */
export const ModelInfoRequest = new RequestType0<ModelInfo, void>('netlens/modelInfo');
/** One namespace's Services and (a page of) its Pods. */
export const NamespaceRequest = new RequestType<NamespaceParams, NamespaceView, void>('netlens/namespace');
export interface NamespaceParams {
  readonly namespace: string;
  readonly offset?: number;
  readonly limit?: number;
  /** The revision of the view the caller holds: answered `unchanged` while it is still the view. */
  readonly known?: string;
}
/** The contexts of the kubeconfig, and the current one. */
export const ContextsRequest = new RequestType0<{ readonly contexts: readonly string[]; readonly current?: string; readonly error?: string }, void>(
  'netlens/contexts',
);
/** Switches the live model to another kubeconfig context. */
export const SwitchContextRequest = new RequestType<{ readonly context: string }, ModelInfo, void>('netlens/switchContext');
/** The model changed (objects or state): views should ask again. */
export const ModelChangedNotification = new NotificationType<ModelChangedParams | undefined>('netlens/modelChanged');
export interface ModelChangedParams {
  /**
   * The model info, sent along when the kind, the state or the names of the namespaces changed since the last
   * notification (counts alone do not): the tree shows a cluster's namespaces without asking first.
   */
  readonly info?: ModelInfo;
}

/** An object of the model, by kind, namespace and name. */
export interface ObjectParams {
  readonly kind: 'Namespace' | 'Service' | 'Pod' | 'NetworkPolicy';
  /** Absent for a Namespace. */
  readonly namespace?: string;
  readonly name: string;
}

export type ObjectResult =
  /** The live object as the API server returns it now (a Service with its EndpointSlices), as YAML. */
  | { readonly ok: true; readonly from: 'cluster'; readonly yaml: string }
  /** The manifest that declares it in the workspace, at its `metadata.name`. */
  | {
      readonly ok: true;
      readonly from: 'workspace';
      readonly uri: string;
      readonly range: {
        readonly start: { readonly line: number; readonly character: number };
        readonly end: { readonly line: number; readonly character: number };
      };
    }
  | { readonly ok: false; readonly message: string };

/** An object's YAML: read from the cluster when the views show one, else where the workspace declares it. */
export const ObjectRequest = new RequestType<ObjectParams, ObjectResult, void>('netlens/object');

/**
 * The command of the code lens above each Service: arguments `[uri, position, locations]` in LSP types. The VS Code
 * client maps it to its references view; other editors bind it as they show locations.
 */
export const SHOW_REFERENCES_COMMAND = 'netlens.showReferences';
