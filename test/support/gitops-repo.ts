/**
 * A generated GitOps-style repository of plain manifests, the same for the same seed: `clusters/prod/<namespace>/`
 * folders, each with a `namespace.yaml` (the Namespace, its quota, limits, service account and sometimes a
 * NetworkPolicy) and one file per application (a ConfigMap, a Deployment, its Service, a metrics Service and a
 * ServiceAccount). Applications reach each other by name through env values, ConfigMap URLs and embedded config
 * files, in their namespace and across namespaces; about one reference in fifty is broken (a Service or port that
 * does not exist, a namespace that is not there), as a real repository has a few.
 *
 * The benchmark writes 20,000 files / 100,000 objects (`npm run bench -- --only=check`); tests write a few hundred.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../bench/prng';

export interface GitOpsRepoOptions {
  /** Files to write: one `namespace.yaml` per namespace, the rest applications (at least one per namespace). */
  readonly files: number;
  readonly namespaces: number;
  readonly seed?: number;
}

export interface GitOpsRepo {
  readonly root: string;
  readonly files: number;
  readonly objects: number;
  readonly bytes: number;
  /** References written broken on purpose. */
  readonly broken: number;
}

/** Objects in each file: the Namespace's five, and the application's five. */
const OBJECTS_PER_FILE = 5;

const WORDS = ['cart', 'checkout', 'billing', 'search', 'catalog', 'ledger', 'auth', 'profile', 'orders', 'payments', 'shipping', 'notify', 'media', 'reports'];

function appName(i: number): string {
  return `${WORDS[i % WORDS.length]}-${Math.floor(i / WORDS.length)}`;
}

function nsName(i: number): string {
  return `team-${String(i).padStart(3, '0')}`;
}

/** Writes the repository under `root` (which must be empty or missing) and says what it holds. */
export function writeGitOpsRepo(root: string, options: GitOpsRepoOptions): GitOpsRepo {
  const rng = new Rng(options.seed ?? 20240501);
  const namespaces = options.namespaces;
  const apps = options.files - namespaces;
  if (apps < namespaces) throw new Error('at least one application per namespace');
  const perNs = Math.floor(apps / namespaces);
  const extra = apps - perNs * namespaces;
  const appsIn = (n: number): number => perNs + (n < extra ? 1 : 0);
  let bytes = 0;
  let broken = 0;
  let files = 0;
  const write = (file: string, text: string): void => {
    writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
    files++;
  };

  /** A Service of some application, sometimes one that does not exist or in a namespace that does not. */
  const target = (n: number): { host: string; port: number } => {
    const roll = rng.float();
    if (roll < 0.01) {
      broken++;
      return { host: `${appName(rng.int(0, appsIn(n) - 1))}-v2`, port: 8080 };
    }
    if (roll < 0.015) {
      broken++;
      return { host: `${appName(rng.int(0, appsIn(n) - 1))}.team-gone`, port: 8080 };
    }
    if (roll < 0.02) {
      broken++;
      return { host: appName(rng.int(0, appsIn(n) - 1)), port: 8081 };
    }
    if (roll < 0.7) return { host: appName(rng.int(0, appsIn(n) - 1)), port: 8080 };
    const other = rng.int(0, namespaces - 1);
    const host = `${appName(rng.int(0, appsIn(other) - 1))}.${nsName(other)}`;
    return rng.chance(0.3) ? { host: `${host}.svc.cluster.local`, port: 8080 } : { host, port: 8080 };
  };

  for (let n = 0; n < namespaces; n++) {
    const ns = nsName(n);
    const dir = join(root, 'clusters', 'prod', ns);
    mkdirSync(dir, { recursive: true });
    write(join(dir, 'namespace.yaml'), namespaceFile(ns, n % 4 === 0));
    for (let a = 0; a < appsIn(n); a++) {
      const app = appName(a);
      const peer = target(n);
      const upstream = target(n);
      const db = target(n);
      const replicas = rng.int(1, 5);
      write(join(dir, `${app}.yaml`), appFile(ns, app, replicas, peer, upstream, db));
    }
  }
  return { root, files, objects: files * OBJECTS_PER_FILE, bytes, broken };
}

function namespaceFile(ns: string, policy: boolean): string {
  const objects = [
    `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels:
    team: ${ns}
    environment: prod
`,
    `apiVersion: v1
kind: ResourceQuota
metadata:
  name: quota
  namespace: ${ns}
spec:
  hard:
    requests.cpu: "40"
    requests.memory: 80Gi
    pods: "400"
`,
    `apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: ${ns}
spec:
  limits:
    - type: Container
      default:
        cpu: 500m
        memory: 512Mi
      defaultRequest:
        cpu: 100m
        memory: 128Mi
`,
    `apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: ${ns}
`,
    policy
      ? `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-same-namespace
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector: {}
    - from:
        - namespaceSelector:
            matchLabels:
              environment: prod
      ports:
        - port: 8080
          protocol: TCP
`
      : `apiVersion: v1
kind: ConfigMap
metadata:
  name: team-settings
  namespace: ${ns}
data:
  owner: ${ns}@example.com
  oncall: https://oncall.example.com/${ns}
`,
  ];
  return `# Namespace ${ns}: managed by the platform team.\n${objects.join('---\n')}`;
}

function appFile(
  ns: string,
  app: string,
  replicas: number,
  peer: { host: string; port: number },
  upstream: { host: string; port: number },
  db: { host: string; port: number },
): string {
  return `# ${app} in ${ns}
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}-config
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${app}
data:
  UPSTREAM_URL: http://${upstream.host}:${upstream.port}/api
  LOG_LEVEL: info
  app.yaml: |
    server:
      port: 8080
    database:
      host: ${db.host}
      port: ${db.port}
    cache:
      ttl: 30s
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${app}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${app}
        app.kubernetes.io/part-of: ${ns}
    spec:
      serviceAccountName: ${app}
      containers:
        - name: ${app}
          image: registry.example.com/${ns}/${app}:1.4.2
          ports:
            - name: http
              containerPort: 8080
            - name: metrics
              containerPort: 9090
          env:
            - name: PEER_ADDR
              value: ${peer.host}:${peer.port}
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
          envFrom:
            - configMapRef:
                name: ${app}-config
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
---
apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${ns}
spec:
  selector:
    app.kubernetes.io/name: ${app}
  ports:
    - name: http
      port: 8080
      targetPort: http
---
apiVersion: v1
kind: Service
metadata:
  name: ${app}-metrics
  namespace: ${ns}
spec:
  selector:
    app.kubernetes.io/name: ${app}
  ports:
    - name: metrics
      port: 9090
      targetPort: metrics
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${app}
  namespace: ${ns}
`;
}
