/**
 * What the status bar and the welcome views say of the model the server shows: the context keys that package.json's
 * `when` clauses read (`netlens.state` and the flags derived from it), and the status bar's text. Read from the
 * model's typed `errorKind`, never from a message; no VS Code API here, so it is tested on its own.
 */
import type { ClusterErrorKind, ModelInfo } from '../protocol/requests';

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

/** The status bar item's text and tooltip; `filter` describes the namespaces shown (empty: all). */
export function statusText(info: ModelInfo | undefined, filter: string): { readonly text: string; readonly tooltip: string } {
  const shown = filter ? ` · ${filter}` : '';
  if (info?.kind === 'cluster') {
    const icon = info.state === 'ready' ? '$(cloud)' : info.state === 'failed' ? '$(error)' : '$(sync~spin)';
    return {
      text: `${icon} ${info.context ?? ''}${shown}`,
      tooltip: `NetLens: context ${info.context ?? ''} (${info.server ?? ''}), ${info.state}${info.message ? `: ${info.message}` : ''}${filter ? `; showing ${filter}` : ''}. Click to switch context or filter namespaces.`,
    };
  }
  return {
    text: `$(file-code) NetLens: workspace${shown}`,
    tooltip: `NetLens answers from the workspace manifests${info?.message ? ` (no cluster: ${info.message})` : ''}. Click to choose a context.`,
  };
}

/** The tree view's message for a cluster's state (a failed cluster's welcome view says more). */
export function viewMessage(info: ModelInfo | undefined): string | undefined {
  return info?.kind === 'cluster' && info.state === 'connecting' ? 'Reading the cluster…' : undefined;
}
