/**
 * What the status bar and the welcome views say of the model the server shows: the context keys that package.json's
 * `when` clauses read (`netlens.state` and the flags derived from it), and the status bar's text. Read from the
 * model's typed `errorKind`, never from a message; no VS Code API here, so it is tested on its own.
 */
import type { ClusterErrorKind, ModelInfo } from '../protocol/requests';
import { english, type Translate } from './translate';

/** Failures of a cluster that its welcome view explains as "cannot be reached" (network, TLS, credentials). */
const UNREACHABLE_KINDS: readonly ClusterErrorKind[] = ['unreachable', 'tls', 'unauthorized', 'credentials', 'timeout', 'http'];

export interface ContextKeys {
  /** `none`, `workspace`, `noKubeconfig`, `badKubeconfig`, a cluster's state, or `failed.<errorKind>`. */
  readonly 'netlens.state': string;
  readonly 'netlens.forbidden': boolean;
  readonly 'netlens.unreachable': boolean;
  readonly 'netlens.noCluster': boolean;
  readonly 'netlens.hasCluster': boolean;
}

export function contextKeys(info: ModelInfo | undefined): ContextKeys {
  let state = 'none';
  let failure: ModelInfo['errorKind'];
  if (info?.kind === 'cluster') {
    if (info.state === 'failed') failure = info.errorKind;
    state = info.state === 'failed' ? `failed.${info.errorKind ?? 'unknown'}` : info.state;
  } else if (info?.kind === 'workspace') {
    state = info.errorKind === 'config:not-found' ? 'noKubeconfig' : info.errorKind ? 'badKubeconfig' : 'workspace';
  }
  return {
    'netlens.state': state,
    'netlens.forbidden': failure === 'forbidden',
    'netlens.unreachable': failure !== undefined && (UNREACHABLE_KINDS as readonly string[]).includes(failure),
    'netlens.noCluster': state === 'noKubeconfig' || state === 'badKubeconfig',
    'netlens.hasCluster': info?.kind === 'cluster',
  };
}

/**
 * The status bar item's text and tooltip; `filter` describes the namespaces shown (empty: all). The words are
 * translated by `t`; the context, server, state and messages are the cluster's own.
 */
export function statusText(info: ModelInfo | undefined, filter: string, t: Translate = english): { readonly text: string; readonly tooltip: string } {
  const shown = filter ? ` · ${filter}` : '';
  if (info?.kind === 'cluster') {
    const icon = info.state === 'ready' ? '$(cloud)' : info.state === 'failed' ? '$(error)' : '$(sync~spin)';
    const state = info.message ? `${info.state}: ${info.message}` : info.state;
    const context = t('NetLens: context {0} ({1}), {2}', info.context ?? '', info.server ?? '', state);
    return {
      text: `${icon} ${info.context ?? ''}${shown}`,
      tooltip: `${filter ? t('{0}; showing {1}', context, filter) : context}. ${t('Click to switch context or filter namespaces.')}`,
    };
  }
  return {
    text: `$(file-code) ${t('NetLens: workspace')}${shown}`,
    tooltip: `${info?.message ? t('NetLens answers from the workspace manifests (no cluster: {0}).', info.message) : t('NetLens answers from the workspace manifests.')} ${t('Click to choose a context.')}`,
  };
}

/** The tree view's message for a cluster's state (a failed cluster's welcome view says more). */
export function viewMessage(info: ModelInfo | undefined, t: Translate = english): string | undefined {
  return info?.kind === 'cluster' && info.state === 'connecting' ? t('Reading the cluster…') : undefined;
}
