/**
 * What counts as a reference, as data: for each kind (by API group), the fields that name something in the cluster
 * and what each holds; and for the kinds an operator turns into pods and Services, what it creates. One engine
 * (scan.ts) reads every row, and the workspace model (workspace.ts) takes the pods and Services from it; a new
 * custom resource is a new row. The README's "What counts as a reference" table is this file in prose.
 *
 * Paths are dotted keys; `[]` steps into each item of a list. Fields of a `service` or `host` row are paths
 * relative to the row's node.
 */
import type { ReferenceRole, Strength } from './types';

export type FieldSpec =
  /** A pod spec: containers' env, command and args, probes and hooks, hostAliases. */
  | { readonly at: string; readonly holds: 'pod-spec' }
  /** A Service by name, with its namespace and port fields; `kind`/`group` fields say when it is not a Service. */
  | {
      readonly at: string;
      readonly holds: 'service';
      readonly name: string;
      readonly namespace?: string;
      readonly port?: readonly string[];
      /** The port used when none is written (webhooks and APIServices: 443). */
      readonly defaultPort?: number;
      readonly kindField?: string;
      readonly groupField?: string;
      readonly role?: ReferenceRole;
      /** `weak` where the name is another system's name for the Service (Consul's), usually but not always the same. */
      readonly strength?: Strength;
      readonly what: string;
    }
  /** A host (a bare name counts) with its port: Istio destinations, DestinationRule hosts; a list of hosts too. */
  | {
      readonly at: string;
      readonly holds: 'host';
      readonly host: string;
      readonly port?: string;
      readonly role?: ReferenceRole;
      readonly subset?: string;
      readonly subsets?: string;
      readonly strength?: Strength;
      readonly what: string;
    }
  /** Free text, or a list of texts: URLs, `host:port`, names; with `strength`, the whole value is a host position. */
  | { readonly at: string; readonly holds: 'text'; readonly strength?: Strength; readonly what: string }
  /** A map of embedded files or values (ConfigMap data, Secret stringData), read by format and by key. */
  | { readonly at: string; readonly holds: 'config'; readonly encoding?: 'base64'; readonly what: string }
  /** A map whose keys say what their values hold (KEDA trigger metadata). */
  | { readonly at: string; readonly holds: 'keyed'; readonly what: string }
  /**
   * Annotations that name something the cluster reaches, by key: a text, a link for a browser, a Service name, or
   * Consul's upstream list (`name:localPort,…`: the port is the pod's own, the name is Consul's for the Service).
   */
  | {
      readonly at: string;
      readonly holds: 'annotations';
      readonly keys: Readonly<Record<string, 'text' | 'link' | 'service' | 'upstreams'>>;
      readonly what: string;
    }
  /**
   * A label selector over Services or pods in some namespaces (ServiceMonitor, PodMonitor), with the port names it
   * scrapes: it must select something, and each port must be a port name of what it selects.
   */
  | {
      readonly at: string;
      readonly holds: 'monitor';
      readonly over: 'Service' | 'Pod';
      readonly selector: string;
      readonly namespaceSelector: string;
      readonly ports: string;
      readonly what: string;
    }
  /** A list of `{name, value}` pairs, the name saying what the value holds (Dapr component metadata). */
  | { readonly at: string; readonly holds: 'pairs'; readonly name: string; readonly value: string; readonly what: string };

/** Pods that an operator runs for a custom resource, as the operator names and labels them. */
export interface OperatorPods {
  /** The StatefulSet's name; its pods are `<name>-0`, `<name>-1`, … */
  readonly name: string;
  readonly replicas: string;
  readonly defaultReplicas: number;
  /** Labels the operator sets (`{name}` is the resource's name), and the paths of labels the resource adds. */
  readonly labels: Readonly<Record<string, string>>;
  readonly labelsAt: readonly string[];
  readonly ports: readonly { readonly name: string; readonly containerPort: number; readonly protocol?: 'TCP' | 'UDP' }[];
  /** The governing Service of the pods' StatefulSet. */
  readonly subdomain: string;
}

/** A Service that an operator creates for a custom resource. */
export interface OperatorService {
  readonly name: string;
  readonly headless: boolean;
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly { readonly name: string; readonly port: number; readonly targetPort: number | string; readonly protocol?: 'TCP' | 'UDP' }[];
}

export interface KindSpec {
  /** API groups (`''` for the core group). */
  readonly groups: readonly string[];
  readonly kinds: readonly string[];
  readonly fields: readonly FieldSpec[];
  /** A pod template the workspace model turns into pods, like a Deployment's (Argo Rollouts). */
  readonly template?: { readonly at: string; readonly replicas: string };
  readonly pods?: OperatorPods;
  readonly services?: readonly OperatorService[];
  /** The kind configures others and runs nothing itself: no operator creates pods or Services for it. */
  readonly createsNothing?: boolean;
}

const WORKLOAD_GROUPS = ['apps', 'extensions', ''];

export const KINDS: readonly KindSpec[] = [
  {
    groups: [''],
    kinds: ['Pod'],
    fields: [
      { at: 'spec', holds: 'pod-spec' },
      { at: 'metadata.annotations', holds: 'annotations', keys: { 'consul.hashicorp.com/connect-service-upstreams': 'upstreams' }, what: 'annotation' },
    ],
  },
  {
    groups: WORKLOAD_GROUPS,
    kinds: ['Deployment', 'ReplicaSet', 'DaemonSet', 'ReplicationController'],
    fields: [
      { at: 'spec.template.spec', holds: 'pod-spec' },
      {
        at: 'spec.template.metadata.annotations',
        holds: 'annotations',
        keys: { 'consul.hashicorp.com/connect-service-upstreams': 'upstreams' },
        what: 'annotation',
      },
    ],
  },
  {
    groups: ['apps'],
    kinds: ['StatefulSet'],
    fields: [
      { at: 'spec.template.spec', holds: 'pod-spec' },
      { at: 'spec', holds: 'service', name: 'serviceName', role: 'statefulset-service', what: 'serviceName' },
    ],
  },
  { groups: ['batch'], kinds: ['Job'], fields: [{ at: 'spec.template.spec', holds: 'pod-spec' }] },
  { groups: ['batch'], kinds: ['CronJob'], fields: [{ at: 'spec.jobTemplate.spec.template.spec', holds: 'pod-spec' }] },
  { groups: [''], kinds: ['ConfigMap'], fields: [{ at: 'data', holds: 'config', what: 'data' }] },
  {
    groups: [''],
    kinds: ['Secret'],
    fields: [
      { at: 'stringData', holds: 'config', what: 'stringData' },
      { at: 'data', holds: 'config', encoding: 'base64', what: 'data' },
    ],
  },
  {
    groups: ['networking.k8s.io', 'extensions'],
    kinds: ['Ingress'],
    fields: [
      { at: 'spec.defaultBackend.service', holds: 'service', name: 'name', port: ['port.number', 'port.name'], what: 'default backend' },
      { at: 'spec.rules[].http.paths[].backend.service', holds: 'service', name: 'name', port: ['port.number', 'port.name'], what: 'backend' },
      // networking.k8s.io/v1beta1 and extensions/v1beta1, which real repositories still hold.
      { at: 'spec.backend', holds: 'service', name: 'serviceName', port: ['servicePort'], what: 'default backend' },
      { at: 'spec.rules[].http.paths[].backend', holds: 'service', name: 'serviceName', port: ['servicePort'], what: 'backend' },
      {
        at: 'metadata.annotations',
        holds: 'annotations',
        keys: {
          'nginx.ingress.kubernetes.io/auth-url': 'text',
          'ingress.kubernetes.io/auth-url': 'text',
          'nginx.ingress.kubernetes.io/mirror-target': 'text',
          'nginx.ingress.kubernetes.io/mirror-host': 'text',
          'nginx.ingress.kubernetes.io/auth-signin': 'link',
          'nginx.ingress.kubernetes.io/default-backend': 'service',
        },
        what: 'annotation',
      },
    ],
    createsNothing: true,
  },
  {
    groups: ['k8s.nginx.org'],
    kinds: ['VirtualServer', 'VirtualServerRoute', 'TransportServer'],
    fields: [{ at: 'spec.upstreams[]', holds: 'service', name: 'service', port: ['port'], what: 'upstream' }],
    createsNothing: true,
  },
  {
    groups: ['admissionregistration.k8s.io'],
    kinds: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
    fields: [
      { at: 'webhooks[].clientConfig.service', holds: 'service', name: 'name', namespace: 'namespace', port: ['port'], defaultPort: 443, what: 'webhook' },
      { at: 'webhooks[].clientConfig', holds: 'text', what: 'webhook url' },
    ],
  },
  {
    groups: ['apiregistration.k8s.io'],
    kinds: ['APIService'],
    fields: [{ at: 'spec.service', holds: 'service', name: 'name', namespace: 'namespace', port: ['port'], defaultPort: 443, what: 'service' }],
  },
  {
    groups: ['gateway.networking.k8s.io'],
    kinds: ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute'],
    fields: [
      {
        at: 'spec.rules[].backendRefs[]',
        holds: 'service',
        name: 'name',
        namespace: 'namespace',
        port: ['port'],
        kindField: 'kind',
        groupField: 'group',
        role: 'route-backend',
        what: 'backendRef',
      },
      {
        at: 'spec.rules[].filters[].requestMirror.backendRef',
        holds: 'service',
        name: 'name',
        namespace: 'namespace',
        port: ['port'],
        kindField: 'kind',
        groupField: 'group',
        role: 'route-backend',
        what: 'mirror backendRef',
      },
      {
        at: 'spec.rules[].backendRefs[].filters[].requestMirror.backendRef',
        holds: 'service',
        name: 'name',
        namespace: 'namespace',
        port: ['port'],
        kindField: 'kind',
        groupField: 'group',
        role: 'route-backend',
        what: 'mirror backendRef',
      },
    ],
    createsNothing: true,
  },
  {
    groups: ['networking.istio.io'],
    kinds: ['VirtualService'],
    fields: [
      // The hosts a VirtualService applies to: a short one names a Service of the rule's namespace, or a mesh host.
      { at: 'spec', holds: 'host', host: 'hosts', role: 'istio-host', strength: 'weak', what: 'hosts' },
      {
        at: 'spec.http[].route[].destination',
        holds: 'host',
        host: 'host',
        port: 'port.number',
        subset: 'subset',
        role: 'istio-host',
        what: 'http route destination',
      },
      { at: 'spec.http[].mirror', holds: 'host', host: 'host', port: 'port.number', subset: 'subset', role: 'istio-host', what: 'http mirror' },
      { at: 'spec.http[].mirrors[].destination', holds: 'host', host: 'host', port: 'port.number', subset: 'subset', role: 'istio-host', what: 'http mirror' },
      {
        at: 'spec.tcp[].route[].destination',
        holds: 'host',
        host: 'host',
        port: 'port.number',
        subset: 'subset',
        role: 'istio-host',
        what: 'tcp route destination',
      },
      {
        at: 'spec.tls[].route[].destination',
        holds: 'host',
        host: 'host',
        port: 'port.number',
        subset: 'subset',
        role: 'istio-host',
        what: 'tls route destination',
      },
    ],
    createsNothing: true,
  },
  {
    groups: ['networking.istio.io'],
    kinds: ['DestinationRule'],
    fields: [{ at: 'spec', holds: 'host', host: 'host', role: 'istio-host', subsets: 'subsets', what: 'host' }],
    createsNothing: true,
  },
  {
    groups: ['monitoring.coreos.com'],
    kinds: ['Prometheus'],
    fields: [
      { at: 'spec.alerting.alertmanagers[]', holds: 'service', name: 'name', namespace: 'namespace', port: ['port'], what: 'alertmanager' },
      { at: 'spec.remoteWrite[].url', holds: 'text', what: 'remoteWrite url' },
      { at: 'spec.remoteRead[].url', holds: 'text', what: 'remoteRead url' },
    ],
    pods: {
      name: 'prometheus-{name}',
      replicas: 'spec.replicas',
      defaultReplicas: 1,
      labels: {
        'app.kubernetes.io/name': 'prometheus',
        'app.kubernetes.io/instance': '{name}',
        'app.kubernetes.io/managed-by': 'prometheus-operator',
        prometheus: '{name}',
        'operator.prometheus.io/name': '{name}',
        'operator.prometheus.io/shard': '0',
      },
      labelsAt: ['spec.podMetadata.labels'],
      ports: [
        { name: 'web', containerPort: 9090 },
        { name: 'reloader-web', containerPort: 8080 },
      ],
      subdomain: 'prometheus-operated',
    },
    services: [
      {
        name: 'prometheus-operated',
        headless: true,
        selector: { 'app.kubernetes.io/name': 'prometheus' },
        ports: [{ name: 'web', port: 9090, targetPort: 'web' }],
      },
    ],
  },
  {
    groups: ['monitoring.coreos.com'],
    kinds: ['Alertmanager'],
    fields: [],
    pods: {
      name: 'alertmanager-{name}',
      replicas: 'spec.replicas',
      defaultReplicas: 1,
      labels: {
        'app.kubernetes.io/name': 'alertmanager',
        'app.kubernetes.io/instance': '{name}',
        'app.kubernetes.io/managed-by': 'prometheus-operator',
        alertmanager: '{name}',
      },
      labelsAt: ['spec.podMetadata.labels'],
      ports: [
        { name: 'web', containerPort: 9093 },
        { name: 'mesh-tcp', containerPort: 9094 },
        { name: 'mesh-udp', containerPort: 9094, protocol: 'UDP' },
        { name: 'reloader-web', containerPort: 8080 },
      ],
      subdomain: 'alertmanager-operated',
    },
    services: [
      {
        name: 'alertmanager-operated',
        headless: true,
        selector: { 'app.kubernetes.io/name': 'alertmanager' },
        ports: [
          { name: 'web', port: 9093, targetPort: 'web' },
          { name: 'tcp-mesh', port: 9094, targetPort: 9094 },
          { name: 'udp-mesh', port: 9094, targetPort: 9094, protocol: 'UDP' },
        ],
      },
    ],
  },
  {
    groups: ['monitoring.coreos.com'],
    kinds: ['ThanosRuler'],
    fields: [
      { at: 'spec.queryEndpoints', holds: 'text', strength: 'strong', what: 'queryEndpoints' },
      { at: 'spec.alertmanagersUrl', holds: 'text', what: 'alertmanagersUrl' },
    ],
  },
  { groups: ['monitoring.coreos.com'], kinds: ['Probe'], fields: [{ at: 'spec.prober', holds: 'text', what: 'prober' }], createsNothing: true },
  {
    groups: ['monitoring.coreos.com'],
    kinds: ['ServiceMonitor'],
    fields: [
      {
        at: 'spec',
        holds: 'monitor',
        over: 'Service',
        selector: 'selector',
        namespaceSelector: 'namespaceSelector',
        ports: 'endpoints[].port',
        what: 'selector',
      },
    ],
    createsNothing: true,
  },
  {
    groups: ['monitoring.coreos.com'],
    kinds: ['PodMonitor'],
    fields: [
      {
        at: 'spec',
        holds: 'monitor',
        over: 'Pod',
        selector: 'selector',
        namespaceSelector: 'namespaceSelector',
        ports: 'podMetricsEndpoints[].port',
        what: 'selector',
      },
    ],
    createsNothing: true,
  },
  {
    groups: ['monitoring.coreos.com'],
    kinds: ['PrometheusRule', 'AlertmanagerConfig', 'ScrapeConfig'],
    fields: [{ at: 'spec.receivers[].webhookConfigs[].url', holds: 'text', what: 'webhook url' }],
    createsNothing: true,
  },
  {
    groups: ['dapr.io'],
    kinds: ['Component'],
    fields: [{ at: 'spec.metadata', holds: 'pairs', name: 'name', value: 'value', what: 'metadata' }],
    createsNothing: true,
  },
  {
    groups: ['dapr.io'],
    kinds: ['Configuration'],
    fields: [
      { at: 'spec.tracing.zipkin.endpointAddress', holds: 'text', strength: 'strong', what: 'zipkin endpointAddress' },
      { at: 'spec.tracing.otel.endpointAddress', holds: 'text', strength: 'strong', what: 'otel endpointAddress' },
    ],
    createsNothing: true,
  },
  {
    groups: ['traefik.io', 'traefik.containo.us'],
    kinds: ['IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP'],
    fields: [
      { at: 'spec.routes[].services[]', holds: 'service', name: 'name', namespace: 'namespace', port: ['port'], kindField: 'kind', what: 'service' },
      {
        at: 'spec.routes[].services[].mirroring.mirrors[]',
        holds: 'service',
        name: 'name',
        namespace: 'namespace',
        port: ['port'],
        kindField: 'kind',
        what: 'mirror',
      },
    ],
    createsNothing: true,
  },
  {
    groups: ['traefik.io', 'traefik.containo.us'],
    kinds: ['Middleware'],
    fields: [{ at: 'spec.forwardAuth.address', holds: 'text', strength: 'strong', what: 'forwardAuth address' }],
    createsNothing: true,
  },
  {
    groups: ['projectcontour.io'],
    kinds: ['HTTPProxy'],
    fields: [
      { at: 'spec.routes[].services[]', holds: 'service', name: 'name', port: ['port'], what: 'route service' },
      { at: 'spec.tcpproxy.services[]', holds: 'service', name: 'name', port: ['port'], what: 'tcpproxy service' },
    ],
    createsNothing: true,
  },
  {
    groups: ['keda.sh'],
    kinds: ['ScaledObject'],
    fields: [{ at: 'spec.triggers[].metadata', holds: 'keyed', what: 'trigger metadata' }],
    createsNothing: true,
  },
  {
    groups: ['keda.sh'],
    kinds: ['ScaledJob'],
    fields: [
      { at: 'spec.triggers[].metadata', holds: 'keyed', what: 'trigger metadata' },
      { at: 'spec.jobTargetRef.template.spec', holds: 'pod-spec' },
    ],
  },
  {
    groups: ['argoproj.io'],
    kinds: ['Rollout'],
    fields: [
      { at: 'spec.template.spec', holds: 'pod-spec' },
      {
        at: 'spec.template.metadata.annotations',
        holds: 'annotations',
        keys: { 'consul.hashicorp.com/connect-service-upstreams': 'upstreams' },
        what: 'annotation',
      },
      { at: 'spec.strategy.blueGreen', holds: 'service', name: 'activeService', what: 'activeService' },
      { at: 'spec.strategy.blueGreen', holds: 'service', name: 'previewService', what: 'previewService' },
      { at: 'spec.strategy.canary', holds: 'service', name: 'stableService', what: 'stableService' },
      { at: 'spec.strategy.canary', holds: 'service', name: 'canaryService', what: 'canaryService' },
      { at: 'spec.strategy.canary', holds: 'service', name: 'pingPong.pingService', what: 'pingService' },
      { at: 'spec.strategy.canary', holds: 'service', name: 'pingPong.pongService', what: 'pongService' },
    ],
    template: { at: 'spec.template', replicas: 'spec.replicas' },
    // Its pods come from its template (modelled); it creates no Services of its own.
    createsNothing: true,
  },
  {
    groups: ['argoproj.io'],
    kinds: ['Application'],
    fields: [{ at: 'spec.destination.server', holds: 'text', strength: 'strong', what: 'destination server' }],
  },
  { groups: ['serving.knative.dev'], kinds: ['Service'], fields: [{ at: 'spec.template.spec', holds: 'pod-spec' }] },
  {
    groups: ['apisix.apache.org'],
    kinds: ['ApisixRoute'],
    fields: [
      { at: 'spec.http[].backends[]', holds: 'service', name: 'serviceName', port: ['servicePort'], what: 'backend' },
      { at: 'spec.http[].backend', holds: 'service', name: 'serviceName', port: ['servicePort'], what: 'backend' },
      { at: 'spec.stream[].backend', holds: 'service', name: 'serviceName', port: ['servicePort'], what: 'stream backend' },
    ],
    createsNothing: true,
  },
  {
    groups: ['getambassador.io', 'x.getambassador.io'],
    kinds: ['Mapping', 'TCPMapping'],
    // `service: echo:80`, `service: http://echo.ns:80`: a host with its port.
    fields: [{ at: 'spec.service', holds: 'text', strength: 'strong', what: 'service' }],
    createsNothing: true,
  },
  {
    groups: ['velero.io', 'ark.heptio.com'],
    kinds: ['BackupStorageLocation', 'VolumeSnapshotLocation'],
    fields: [{ at: 'spec.config', holds: 'keyed', what: 'config' }],
    createsNothing: true,
  },
  {
    groups: ['consul.hashicorp.com'],
    kinds: ['ServiceIntentions'],
    // Consul's names for Services: the Kubernetes Service's name unless an annotation says otherwise.
    fields: [
      { at: 'spec.destination', holds: 'service', name: 'name', namespace: 'namespace', strength: 'weak', what: 'destination' },
      { at: 'spec.sources[]', holds: 'service', name: 'name', namespace: 'namespace', strength: 'weak', what: 'source' },
    ],
    createsNothing: true,
  },
  {
    groups: ['consul.hashicorp.com'],
    kinds: [
      'ServiceDefaults',
      'ServiceResolver',
      'ServiceRouter',
      'ServiceSplitter',
      'ProxyDefaults',
      'Mesh',
      'ExportedServices',
      'SamenessGroup',
      'JWTProvider',
      'ControlPlaneRequestLimit',
      'RouteAuthFilter',
      'GatewayPolicy',
      'RouteRetryFilter',
      'RouteTimeoutFilter',
    ],
    fields: [],
    createsNothing: true,
  },
  {
    groups: ['velero.io', 'ark.heptio.com', 'argoproj.io', 'getambassador.io', 'x.getambassador.io', 'apisix.apache.org'],
    kinds: [
      'Backup',
      'Restore',
      'Schedule',
      'AnalysisTemplate',
      'ClusterAnalysisTemplate',
      'AnalysisRun',
      'AppProject',
      'Host',
      'Module',
      'TLSContext',
      'Listener',
      'ApisixUpstream',
      'ApisixTls',
      'ApisixConsumer',
      'ApisixPluginConfig',
      'ApisixGlobalRule',
    ],
    fields: [],
    createsNothing: true,
  },
  {
    groups: ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
    kinds: [
      'Sidecar',
      'AuthorizationPolicy',
      'PeerAuthentication',
      'RequestAuthentication',
      'EnvoyFilter',
      'Telemetry',
      'WasmPlugin',
      'WorkloadEntry',
      'ProxyConfig',
    ],
    fields: [],
    createsNothing: true,
  },
  {
    groups: ['gateway.networking.k8s.io'],
    kinds: ['ReferenceGrant', 'GatewayClass', 'BackendTLSPolicy', 'BackendLBPolicy'],
    fields: [],
    createsNothing: true,
  },
  {
    groups: [
      'cert-manager.io',
      'external-secrets.io',
      'bitnami.com',
      'keda.sh',
      'dapr.io',
      'traefik.io',
      'traefik.containo.us',
      'policy.linkerd.io',
      'linkerd.io',
      'autoscaling.k8s.io',
      'snapshot.storage.k8s.io',
    ],
    kinds: [
      'Certificate',
      'Issuer',
      'ClusterIssuer',
      'CertificateRequest',
      'ExternalSecret',
      'SecretStore',
      'ClusterSecretStore',
      'SealedSecret',
      'TriggerAuthentication',
      'ClusterTriggerAuthentication',
      'Subscription',
      'Resiliency',
      'TLSOption',
      'ServersTransport',
      'TraefikService',
      'ServiceProfile',
      'Server',
      'ServerAuthorization',
      'HTTPRoute',
      'VerticalPodAutoscaler',
      'VolumeSnapshot',
    ],
    fields: [],
    createsNothing: true,
  },
];

/** The API group of an `apiVersion`: `apps/v1` → apps, `v1` → the core group. */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

const BY_KIND = new Map<string, KindSpec[]>();
for (const spec of KINDS) {
  for (const kind of spec.kinds) {
    const list = BY_KIND.get(kind);
    if (list) list.push(spec);
    else BY_KIND.set(kind, [spec]);
  }
}

/** The row for an object, by kind and API group. */
export function kindSpec(apiVersion: string, kind: string): KindSpec | undefined {
  const group = groupOf(apiVersion);
  return BY_KIND.get(kind)?.find((s) => s.groups.includes(group));
}

/** API groups of Kubernetes itself: their kinds are no custom resources that an operator could act on. */
const BUILT_IN_GROUPS =
  /^(|apps|batch|extensions|policy|autoscaling|networking\.k8s\.io|rbac\.authorization\.k8s\.io|storage\.k8s\.io|scheduling\.k8s\.io|coordination\.k8s\.io|discovery\.k8s\.io|admissionregistration\.k8s\.io|apiregistration\.k8s\.io|apiextensions\.k8s\.io|node\.k8s\.io|flowcontrol\.apiserver\.k8s\.io|certificates\.k8s\.io|events\.k8s\.io|resource\.k8s\.io|authentication\.k8s\.io|authorization\.k8s\.io|internal\.apiserver\.k8s\.io|storagemigration\.k8s\.io)$/;

/**
 * Whether an object may make an operator create pods and Services of names NetLens cannot know (a CloudNativePG
 * `Cluster` named `db` gets Services `db-rw` and `db-ro`): a custom resource of a kind not known to create nothing.
 */
export function mayCreateObjects(apiVersion: string, kind: string): boolean {
  const group = groupOf(apiVersion);
  if (BUILT_IN_GROUPS.test(group)) return false;
  const spec = kindSpec(apiVersion, kind);
  return !spec?.createsNothing;
}
