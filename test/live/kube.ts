/**
 * Writes to the API server for the live tests: creates fixtures, patches pod status as kwok does (there is no
 * kubelet), deletes. Requests run with bounded concurrency.
 */

import * as https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export class Kube {
  private readonly kc = new KubeConfig();
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly server: URL;

  constructor(kubeconfigPath: string) {
    this.kc.loadFromFile(kubeconfigPath);
    this.server = new URL(this.kc.getCurrentCluster()!.server);
  }

  close(): void {
    this.agent.destroy();
  }

  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const opts: https.RequestOptions = {
      hostname: this.server.hostname,
      port: this.server.port,
      path,
      method,
      headers: { Accept: 'application/json', ...(payload ? { 'Content-Type': contentType, 'Content-Length': payload.length } : {}) },
      agent: this.agent,
    };
    await this.kc.applyToHTTPSOptions(opts);
    opts.agent = this.agent;
    return new Promise((resolve, reject) => {
      const req = https.request(opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async must(method: string, path: string, body?: unknown, contentType?: string): Promise<any> {
    const r = await this.request(method, path, body, contentType);
    if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  }

  /** Creates an object at its collection path; an existing one is replaced (delete, then create), but Namespaces and Nodes are kept. */
  async create(obj: any): Promise<any> {
    const path = collectionPath(obj);
    const r = await this.request('POST', path, obj);
    if (r.status === 409 && (obj.kind === 'Namespace' || obj.kind === 'Node')) return r.body;
    if (r.status === 409) {
      await this.delete(obj);
      return this.must('POST', path, obj);
    }
    if (r.status < 200 || r.status >= 300) throw new Error(`POST ${path} ${obj.metadata?.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  }

  async delete(obj: any): Promise<void> {
    const r = await this.request('DELETE', `${collectionPath(obj)}/${obj.metadata.name}`, { gracePeriodSeconds: 0, propagationPolicy: 'Background' });
    if (r.status !== 404 && (r.status < 200 || r.status >= 300))
      throw new Error(`DELETE ${obj.metadata.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  }

  /** Marks a pod Running with IPs, Ready or not, the way a kubelet (or kwok) would report it. */
  async setPodStatus(namespace: string, name: string, ips: string[], hostIP: string, ready: boolean): Promise<void> {
    const now = new Date().toISOString();
    const cond = (type: string, ok: boolean) => ({ type, status: ok ? 'True' : 'False', lastTransitionTime: now });
    await this.must(
      'PATCH',
      `/api/v1/namespaces/${namespace}/pods/${name}/status`,
      {
        status: {
          phase: 'Running',
          podIP: ips[0],
          podIPs: ips.map((ip) => ({ ip })),
          hostIP,
          hostIPs: [{ ip: hostIP }],
          startTime: now,
          conditions: [cond('PodScheduled', true), cond('Initialized', true), cond('ContainersReady', ready), cond('Ready', ready)],
        },
      },
      'application/strategic-merge-patch+json',
    );
  }

  async all<T>(items: readonly T[], fn: (item: T) => Promise<unknown>, concurrency = 16): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await fn(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  }
}

const GROUPS: Record<string, string> = {
  Namespace: '/api/v1/namespaces',
  Node: '/api/v1/nodes',
  Service: '/api/v1/namespaces/{ns}/services',
  Pod: '/api/v1/namespaces/{ns}/pods',
  EndpointSlice: '/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices',
  ClusterRole: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  RoleBinding: '/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings',
  ClusterRoleBinding: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  NetworkPolicy: '/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies',
  Deployment: '/apis/apps/v1/namespaces/{ns}/deployments',
  CustomResourceDefinition: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  CiliumNetworkPolicy: '/apis/cilium.io/v2/namespaces/{ns}/ciliumnetworkpolicies',
};

export function collectionPath(obj: any): string {
  const template = GROUPS[obj.kind];
  if (!template) throw new Error(`no path for kind ${obj.kind}`);
  return template.replace('{ns}', obj.metadata.namespace ?? 'default');
}
