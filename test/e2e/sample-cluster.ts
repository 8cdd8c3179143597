/**
 * Sample workloads for a running control plane (test/cluster/up.sh): the live tests' fixture (nodes, Services of
 * every type, pods made Running with IPs) for its other namespaces, and, in the namespaces the sample workspace
 * declares, what its manifests declare: its Services as written and one pod per replica of its Deployments,
 * ReplicaSets and StatefulSets (StatefulSet pods with their hostname under the governing Service), all Ready, and its
 * NetworkPolicies.
 * So the cluster and test/sample-workspace agree, and the controller manager writes real EndpointSlices.
 *
 * Objects of those namespaces that the workspace does not declare (an earlier fixture's, say) are deleted.
 * Running it again replaces what it made.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createPod, type FixturePod, fixturePods, fixtureServices, manualSlice, NAMESPACES, NODES } from '../live/fixtures';
import { Kube } from '../live/kube';

export interface SampleLoad {
  readonly namespaces: string[];
  readonly services: number;
  readonly pods: number;
}

interface Doc {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === '.git' || name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
}

/** Pod-name suffixes as Kubernetes makes them (its alphabet leaves out vowels and look-alikes), but deterministic. */
function suffix(seed: string, length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const hash = createHash('sha256').update(seed).digest();
  return Array.from(hash.subarray(0, length), (b) => alphabet[b % alphabet.length]).join('');
}

/** Demo pod IPs, apart from the fixture's 10.244.0.0/16 range that podIPs() counts through. */
let demoPod = 0;
function demoIP(): string {
  demoPod++;
  return `10.245.${Math.floor(demoPod / 250)}.${(demoPod % 250) + 2}`;
}

/** The workspace's objects: its Services and the pods its workloads would run. */
export function workspaceObjects(workspaceDir: string): {
  namespaces: string[];
  services: any[];
  pods: FixturePod[];
  podSpecs: Map<string, any>;
  policies: any[];
} {
  const docs: Doc[] = [];
  for (const file of yamlFiles(workspaceDir)) {
    for (const d of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const v = d.toJS() as Doc | null;
      if (v && typeof v === 'object' && v.kind && v.metadata?.name) docs.push(v);
    }
  }
  const ns = (d: Doc) => d.metadata?.namespace ?? 'default';
  const namespaces = new Set<string>();
  const services: any[] = [];
  const policies: any[] = [];
  const pods: FixturePod[] = [];
  const podSpecs = new Map<string, any>();
  let n = 0;
  const addPod = (namespace: string, name: string, template: any, extra: Partial<FixturePod> = {}, extraLabels: Record<string, string> = {}) => {
    const containers: any[] = template?.spec?.containers ?? [];
    pods.push({
      namespace,
      name,
      labels: { ...(template?.metadata?.labels ?? {}), ...extraLabels },
      ips: [demoIP()],
      node: NODES[n++ % NODES.length]!.name,
      ready: true,
      ...extra,
    });
    podSpecs.set(`${namespace}/${name}`, containers);
  };
  for (const d of docs) {
    const name = d.metadata!.name!;
    switch (d.kind) {
      case 'Namespace':
        namespaces.add(name);
        break;
      case 'Service':
        namespaces.add(ns(d));
        services.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { namespace: ns(d), name, labels: d.metadata?.labels, annotations: d.metadata?.annotations },
          spec: d.spec,
        });
        break;
      case 'Deployment':
      case 'ReplicaSet': {
        namespaces.add(ns(d));
        const hash = d.kind === 'Deployment' ? suffix(`${ns(d)}/${name}`, 10) : '';
        for (let i = 0; i < (d.spec?.replicas ?? 1); i++) {
          const podName = hash ? `${name}-${hash}-${suffix(`${ns(d)}/${name}/${i}`, 5)}` : `${name}-${suffix(`${ns(d)}/${name}/${i}`, 5)}`;
          addPod(ns(d), podName, d.spec?.template, {}, hash ? { 'pod-template-hash': hash } : {});
        }
        break;
      }
      case 'StatefulSet':
        namespaces.add(ns(d));
        for (let i = 0; i < (d.spec?.replicas ?? 1); i++) {
          const podName = `${name}-${i}`;
          addPod(
            ns(d),
            podName,
            d.spec?.template,
            { hostname: podName, ...(d.spec?.serviceName ? { subdomain: d.spec.serviceName } : {}) },
            { 'statefulset.kubernetes.io/pod-name': podName },
          );
        }
        break;
      case 'NetworkPolicy':
        namespaces.add(ns(d));
        policies.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns(d), name }, spec: d.spec });
        break;
      case 'Pod':
        namespaces.add(ns(d));
        addPod(
          ns(d),
          name,
          { metadata: d.metadata, spec: d.spec },
          { ...(d.spec?.hostname ? { hostname: d.spec.hostname } : {}), ...(d.spec?.subdomain ? { subdomain: d.spec.subdomain } : {}) },
        );
        break;
      default:
        break;
    }
  }
  return { namespaces: [...namespaces], services, pods, podSpecs, policies };
}

/** Loads the fixture and the sample workspace's objects into the cluster of kubeconfig. */
export async function loadSampleCluster(kubeconfig: string, workspaceDir: string): Promise<SampleLoad> {
  if (!existsSync(workspaceDir)) throw new Error(`${workspaceDir} not found`);
  const ws = workspaceObjects(workspaceDir);
  const own = new Set(ws.namespaces);
  const kube = new Kube(kubeconfig);
  try {
    await kube.all(NODES, (n) =>
      kube.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name }, status: { addresses: [{ type: 'InternalIP', address: n.ip }] } }).then(() =>
        kube.must(
          'PATCH',
          `/api/v1/nodes/${n.name}/status`,
          {
            status: {
              addresses: [
                { type: 'InternalIP', address: n.ip },
                { type: 'Hostname', address: n.name },
              ],
            },
          },
          'application/merge-patch+json',
        ),
      ),
    );
    const namespaces = [...new Set([...NAMESPACES, ...own])];
    await kube.all(namespaces, (ns) => kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));

    // The workspace's namespaces hold what the workspace declares and nothing else.
    const wantServices = new Set(ws.services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`));
    const wantPods = new Set(ws.pods.map((p) => `${p.namespace}/${p.name}`));
    const wantPolicies = new Set(ws.policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
    for (const ns of own) {
      const svcs = (await kube.must('GET', `/api/v1/namespaces/${ns}/services`)).items as Doc[];
      await kube.all(
        svcs.filter((s) => !wantServices.has(`${ns}/${s.metadata!.name}`) && !(ns === 'default' && s.metadata!.name === 'kubernetes')),
        (s) => kube.delete({ kind: 'Service', metadata: { namespace: ns, name: s.metadata!.name } }),
      );
      const policies = (await kube.must('GET', `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`)).items as Doc[];
      await kube.all(
        policies.filter((p) => !wantPolicies.has(`${ns}/${p.metadata!.name}`)),
        (p) => kube.delete({ kind: 'NetworkPolicy', metadata: { namespace: ns, name: p.metadata!.name } }),
      );
      const pods = (await kube.must('GET', `/api/v1/namespaces/${ns}/pods`)).items as Doc[];
      await kube.all(
        pods.filter((p) => !wantPods.has(`${ns}/${p.metadata!.name}`)),
        (p) => kube.delete({ kind: 'Pod', metadata: { namespace: ns, name: p.metadata!.name } }),
      );
    }

    const services = [...fixtureServices().filter((s) => !own.has(s.metadata.namespace)), ...ws.services];
    await kube.all(services, (s) => kube.create(s));
    await kube.all(ws.policies, (p) => kube.create(p));
    if (!own.has(manualSlice().metadata.namespace)) await kube.create(manualSlice());

    const fixture = fixturePods().filter((p) => !own.has(p.namespace));
    await kube.all(fixture, (p) => createPod(kube, p));
    await kube.all(ws.pods, async (p) => {
      const containers = (ws.podSpecs.get(`${p.namespace}/${p.name}`) as any[]).map((c) => ({
        name: c.name,
        image: c.image ?? 'registry.invalid/none',
        ...(c.ports ? { ports: c.ports } : {}),
      }));
      await kube.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: p.namespace, name: p.name, labels: p.labels },
        spec: {
          nodeName: p.node,
          ...(p.hostname ? { hostname: p.hostname } : {}),
          ...(p.subdomain ? { subdomain: p.subdomain } : {}),
          containers: containers.length ? containers : [{ name: 'main', image: 'registry.invalid/none' }],
        },
      });
      await kube.setPodStatus(p.namespace, p.name, p.ips, NODES.find((x) => x.name === p.node)!.ip, p.ready);
    });
    return { namespaces, services: services.length, pods: fixture.length + ws.pods.length };
  } finally {
    kube.close();
  }
}
