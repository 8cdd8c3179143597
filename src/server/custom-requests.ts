/**
 * The custom requests of `src/protocol/requests.ts`, answered from the server's models: resolve a name, what the
 * views show (model info, a namespace), the kubeconfig's contexts, a switch of context, an object's YAML. Each
 * has a fallback, the answer when its handler fails.
 */

import { t } from '../core/l10n';
import type {
  ModelChangedParams,
  ModelInfo,
  NamespaceParams,
  NamespaceView,
  ObjectParams,
  ObjectResult,
  ResolveParams,
  ResolveResult,
} from '../protocol/requests';
import { clusterModules, type LiveCluster } from './live-cluster';
import type { NetLensServer } from './server';

export class CustomRequests {
  constructor(
    private readonly server: NetLensServer,
    private readonly live: LiveCluster,
  ) {}

  resolve(p: ResolveParams): ResolveResult {
    return this.server.resolveInput(p.input, p.namespace, p.qtype);
  }

  /** What the views show, and when no cluster is read because of the kubeconfig, why. */
  modelInfo(): ModelInfo {
    const info = this.server.modelInfo();
    const failure = this.live.configFailure;
    return failure && info.kind === 'workspace' ? { ...info, errorKind: failure.kind, message: failure.message } : info;
  }

  private pushedKey = '';

  /**
   * What goes with a `netlens/modelChanged` notification: the model info when what the tree's first level shows
   * (the kind, the state, the namespaces' names) changed since the last one, else nothing.
   */
  changed(): ModelChangedParams {
    const info = this.modelInfo();
    const key = JSON.stringify([info.kind, info.state, info.namespaces.map((n) => n.name)]);
    if (key === this.pushedKey) return {};
    this.pushedKey = key;
    return { info };
  }

  namespace(p: NamespaceParams): NamespaceView {
    return this.server.namespace(p.namespace, p.offset, p.limit, p.known);
  }

  contexts(): { contexts: string[]; current?: string; error?: string } {
    return this.live.contexts();
  }

  switchContext(p: { readonly context: string }): ModelInfo {
    this.live.switchContext(p.context);
    return this.modelInfo();
  }

  /** The live object when the views show a cluster, else where the workspace declares it. */
  async object(p: ObjectParams): Promise<ObjectResult> {
    const model = this.live.model;
    const name = `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`;
    if (this.server.showsCluster && model) {
      const status = model.status();
      if (status.state === 'failed') return { ok: false, message: t('The cluster cannot be read: {0}', status.error?.message ?? t('see the NetLens log')) };
      try {
        return { ok: true, from: 'cluster', yaml: await clusterModules().objectYaml(model.api, p, model.kubeconfig.context) };
      } catch (e) {
        if (!(e instanceof clusterModules().ApiError)) throw e;
        return { ok: false, message: e.kind === 'not-found' ? t('{0} no longer exists in the cluster.', name) : e.message };
      }
    }
    const at = this.server.declaration(p.kind, p.namespace, p.name);
    return at ? { ok: true, from: 'workspace', ...at } : { ok: false, message: t('No manifest in the workspace declares {0}.', name) };
  }
}

/** The answers of failed handlers: nothing, said plainly. */
export const FALLBACKS = {
  resolve: { ok: false, message: 'NetLens failed to resolve it; see the NetLens log.' } as ResolveResult,
  modelInfo: { kind: 'workspace', state: 'none', notes: [], namespaces: [] } as ModelInfo,
  namespace: { namespace: '', services: [], pods: [], total: 0 } as NamespaceView,
  contexts: { contexts: [] } as { contexts: string[]; current?: string; error?: string },
  object: { ok: false, message: 'NetLens could not read the object; see the NetLens log.' } as ObjectResult,
};
