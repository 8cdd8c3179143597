/**
 * The messages between the extension host and the network-map webview, each declared once and imported by both
 * sides, with the map's data they carry. Plain data only: the webview runs in a browser and imports nothing else.
 */

/** A Service port, drawn as a row of the Service's box; edges leave from it. */
export interface MapPort {
  /** Unique in the map: the Service's id and the port's position. */
  readonly id: string;
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  /** The target port as the Service declares it: a number or a container port's name. */
  readonly targetPort: string;
}

/** Why a Service reaches nothing, said in a few words on the map. */
export interface MapProblem {
  readonly code: 'selector-matches-nothing' | 'no-ready-endpoints' | 'no-endpoints';
  readonly message: string;
}

/** What every node of the map has: a unique id, the tree item a click reveals, and the text a search matches. */
interface MapNodeBase {
  readonly id: string;
  readonly namespace: string;
  /** The id of the tree item a click on this node reveals. */
  readonly reveal: string;
  /** Lower-case text that the search box matches: names, namespace, IPs. */
  readonly search: string;
}

/** A Service with its ports, its readiness and, when it reaches nothing, why. */
export interface MapServiceNode extends MapNodeBase {
  readonly kind: 'service';
  readonly name: string;
  readonly type: string;
  /** Cluster IPs, or "headless", or the external name. */
  readonly address: string;
  readonly ports: readonly MapPort[];
  /** Ready endpoints (pods, or replicas the cluster will create) and all endpoints. */
  readonly ready: number;
  readonly endpoints: number;
  /** The same, by condition, in words (`2 ready, 1 terminating`), as the tree and the hover say it. */
  readonly readiness: string;
  readonly problem?: MapProblem;
}

/** One pod (or, in a workspace, a workload template standing for its replicas). */
export interface MapPodNode extends MapNodeBase {
  readonly kind: 'pod';
  readonly name: string;
  readonly ips: readonly string[];
  readonly node?: string;
  readonly phase?: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  /** Replicas the cluster has not created yet (workspace model): the pod stands for this many. */
  readonly replicas?: number;
}

/** Many pods drawn as one node: a Service's pods beyond the map's bound, or a namespace's pods behind no Service. */
export interface MapPodsNode extends MapNodeBase {
  readonly kind: 'pods';
  readonly count: number;
  /** How many are ready; absent when not known (pods behind no Service are counted, not fetched). */
  readonly ready?: number;
  /** For a Service's pods, its readiness in words (see `MapServiceNode`). */
  readonly readiness?: string;
  /** The Service whose endpoints these are; absent for the pods behind no Service. */
  readonly service?: string;
}

/** An endpoint address that is no pod (an EndpointSlice written by hand, or an FQDN). */
export interface MapAddressNode extends MapNodeBase {
  readonly kind: 'address';
  readonly address: string;
  readonly ready: boolean;
}

export type MapNode = MapServiceNode | MapPodNode | MapPodsNode | MapAddressNode;

/** A Service port reaching a pod (or an aggregate) on the endpoint's port. */
export interface MapEdge {
  readonly id: string;
  /** The Service node's id. */
  readonly source: string;
  /** The Service port's id; absent when the Service declares no ports. */
  readonly sourcePort?: string;
  readonly target: string;
  /** The port the endpoint listens on, when the EndpointSlice says. */
  readonly targetPort?: number;
  readonly ready: boolean;
  /** How many endpoints the edge stands for (aggregates), and how many of them are ready. */
  readonly count?: number;
  readonly readyCount?: number;
}

/** Whether NetworkPolicies let a connection through (as the hover says it). */
export type MapVerdict = 'allowed' | 'blocked' | 'partial' | 'unknown';

/**
 * Who talks to whom: the workloads whose references name a Service, drawn from the node their pods are in (a pod,
 * a Service's pods drawn as one, the pods behind no Service, or a collapsed namespace) to the Service's node (or its
 * collapsed namespace). Connections between the same two nodes are one.
 */
export interface MapConnection {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** The workloads, `Deployment shop/web`. */
  readonly clients: readonly string[];
  /** The Service, `shop/api`. */
  readonly service: string;
  readonly ports: readonly string[];
  /** Merged over the workloads: `partial` when some may connect and some may not. */
  readonly verdict: MapVerdict;
  /** Whether a NetworkPolicy isolates either end (an `allowed` that a policy decided). */
  readonly isolated: boolean;
  /** The verdict in one line with the policies that decide it, for each workload. */
  readonly lines: readonly string[];
  readonly references: number;
}

/** A namespace: a compound node with its Services and pods, or, when too large to draw, one collapsed node. */
export interface MapNamespace {
  /** The tree item id of the namespace (`ns/<name>`). */
  readonly id: string;
  readonly name: string;
  readonly services: number;
  readonly pods: number;
  /** Services that reach nothing. */
  readonly broken: number;
  /** `pods`: every pod is a node; `aggregate`: each Service's pods are one node; `collapsed`: the namespace is one node. */
  readonly mode: 'pods' | 'aggregate' | 'collapsed';
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
}

/** Everything the map draws, built by the host from the language server's views. */
export interface MapGraph {
  /** What the model is: the kubeconfig context, or the workspace. */
  readonly title: string;
  /** Why the map is empty or partial, when it is. */
  readonly message?: string;
  readonly namespaces: readonly MapNamespace[];
  /** Namespaces with neither Services nor pods, left off the map. */
  readonly empty: readonly string[];
  readonly totals: { readonly services: number; readonly pods: number; readonly podNodes: number };
  /** Who talks to whom, across namespaces. */
  readonly connections: readonly MapConnection[];
  /** Clients whose pods the model shown does not run (a workload not deployed in the cluster): not drawn. */
  readonly undrawnClients: number;
  /** The number of pods beyond which Services' pods are drawn as one node. */
  readonly podBound: number;
}

/** The keys of the map's texts. */
export type MapTextKey =
  | 'filterPlaceholder'
  | 'filterLabel'
  | 'problemsOnly'
  | 'problemsTitle'
  | 'connectionsLabel'
  | 'connectionsTitle'
  | 'connectionsAll'
  | 'connectionsBlocked'
  | 'connectionsNone'
  | 'fit'
  | 'fitTitle'
  | 'canvasLabel'
  | 'ready'
  | 'notReady'
  | 'terminating'
  | 'reachesNothing'
  | 'notCreatedYet'
  | 'allowedByPolicy'
  | 'allowedOpen'
  | 'partlyBlocked'
  | 'blocked'
  | 'notEvaluated'
  | 'drawing'
  | 'layoutFailed'
  | 'matchOne'
  | 'matchMany'
  | 'matchOf'
  | 'namespaceOne'
  | 'namespaceMany'
  | 'serviceOne'
  | 'serviceMany'
  | 'podOne'
  | 'podMany'
  | 'connectionOne'
  | 'connectionMany'
  | 'blockedCount'
  | 'drawnOneByOne'
  | 'notShown'
  | 'nothingToDraw'
  | 'collapsedLabel'
  | 'collapsedHint'
  | 'broken'
  | 'podsGrouped'
  | 'address'
  | 'port'
  | 'endpoints'
  | 'problem'
  | 'node'
  | 'standsFor'
  | 'ipsAllocated'
  | 'ipAllocated'
  | 'noIp'
  | 'podsBehindNoneOne'
  | 'podsBehindNoneMany'
  | 'notDrawnOneByOne'
  | 'readyCount'
  | 'notReadyCount'
  | 'podsIn'
  | 'podsOf'
  | 'grouped'
  | 'endpointNoPod'
  | 'readyOf'
  | 'referenceOne'
  | 'referenceMany'
  | 'andMore'
  | 'connectionTo'
  | 'connectionOn';

/**
 * The map's texts in the display language, made by the host (extension/map-texts.ts) and handed to the page in its
 * HTML; the page fills in their `{0}` placeholders.
 */
export type MapTexts = Readonly<Record<MapTextKey, string>>;

/** What the webview remembers across reloads (through `getState`/`setState`) and tells the host. */
export interface MapViewState {
  readonly filter: string;
  readonly problemsOnly: boolean;
  /** Which connections between workloads and Services are drawn. */
  readonly connections: 'all' | 'blocked' | 'none';
  /** The selected node's id. */
  readonly selected?: string;
  /** Collapsed namespaces the user opened. */
  readonly expanded: readonly string[];
}

/** Messages from the extension host to the webview. */
export type HostMessage =
  /**
   * The map to draw, sent when the webview is ready and again whenever the model changes. With `order`, a change to
   * the map last sent: `graph.namespaces` holds the namespaces that changed, and the map's namespaces are those of
   * `order`, each as just sent or else as last sent (at 10,000 pods the whole map is megabytes to copy).
   */
  | { readonly type: 'graph'; readonly graph: MapGraph; readonly order?: readonly string[] }
  /** Select, highlight and centre the first of these node ids that the map has (Reveal in Map). */
  | { readonly type: 'select'; readonly ids: readonly string[] }
  /** The map could not be built; the webview shows why instead of a stale or empty map. */
  | { readonly type: 'error'; readonly message: string };

/** Messages from the webview to the extension host. */
export type WebviewMessage =
  /** The webview's script runs and listens: the host sends the map. */
  | { readonly type: 'ready' }
  /** The user clicked a node: reveal this tree item. */
  | { readonly type: 'reveal'; readonly id: string }
  /** The view state changed (filter, selection, opened namespaces); the host builds the map with it. */
  | { readonly type: 'state'; readonly state: MapViewState };

/** The webview panel's type, for the panel, its serializer and the activation event. */
export const MAP_VIEW_TYPE = 'netlens.map';
