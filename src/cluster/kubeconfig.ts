/**
 * Kubeconfig loading as kubectl does it: the files of KUBECONFIG merged (the first to set a value wins), else
 * ~/.kube/config; an explicit path only when the caller (a person, a user setting) gives one. Every failure
 * names the file or the context, and no credential ever appears in a message.
 */

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_NAMESPACE } from '../core/names';

import { KubeconfigError } from './kubeconfig-error';

export { KubeconfigError, type KubeconfigErrorCode } from './kubeconfig-error';

export interface LoadedKubeconfig {
  readonly kubeConfig: KubeConfig;
  /** The files read, in merge order. */
  readonly files: readonly string[];
  readonly context: string;
  /** The namespace the context sets, or `default`. */
  readonly namespace: string;
  readonly server: string;
}

export interface KubeconfigOptions {
  /** An explicit kubeconfig file: from a person's flag or the user's own settings, never from a workspace. */
  readonly path?: string;
  readonly context?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The kubeconfig files to read, in order. */
export function kubeconfigPaths(options: KubeconfigOptions = {}): string[] {
  if (options.path) return [resolve(options.path)];
  const env = options.env ?? process.env;
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (list.length > 0) return list.map((p) => resolve(p));
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

export function loadKubeconfig(options: KubeconfigOptions = {}): LoadedKubeconfig {
  const paths = kubeconfigPaths(options);
  const present = paths.filter((p) => existsSync(p));
  if (present.length === 0) {
    const where = paths.length === 1 ? paths[0]! : paths.join(delimiter);
    throw new KubeconfigError('not-found', `No kubeconfig found at ${where}${options.path ? '' : ' (set KUBECONFIG or create ~/.kube/config)'}.`, paths[0]);
  }
  let merged: KubeConfig | undefined;
  for (const file of present) {
    const one = new KubeConfig();
    try {
      const text = readFileSync(file, 'utf8');
      one.loadFromString(text);
      one.makePathsAbsolute(resolve(file, '..'));
    } catch (e) {
      throw new KubeconfigError('malformed', `The kubeconfig ${file} cannot be read: ${firstLine((e as Error).message)}`, file);
    }
    if (!merged) merged = one;
    else mergeInto(merged, one);
  }
  const kc = merged!;
  const contextName = options.context ?? kc.getCurrentContext();
  if (!contextName) {
    throw new KubeconfigError('no-context', `The kubeconfig ${present.join(delimiter)} sets no current-context; choose one with --context.`, present[0]);
  }
  const context = kc.getContextObject(contextName);
  if (!context) {
    const known = kc.getContexts().map((c) => c.name);
    throw new KubeconfigError(
      'unknown-context',
      `The context "${contextName}" is not in ${present.join(delimiter)}${known.length > 0 ? `; it has: ${known.join(', ')}` : ''}.`,
      present[0],
      contextName,
    );
  }
  kc.setCurrentContext(contextName);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new KubeconfigError(
      'incomplete-context',
      `The context "${contextName}" names a cluster "${context.cluster}" that ${present.join(delimiter)} does not define.`,
      present[0],
      contextName,
    );
  }
  if (context.user && !kc.getCurrentUser()) {
    throw new KubeconfigError(
      'incomplete-context',
      `The context "${contextName}" names a user "${context.user}" that ${present.join(delimiter)} does not define.`,
      present[0],
      contextName,
    );
  }
  return { kubeConfig: kc, files: present, context: contextName, namespace: context.namespace || DEFAULT_NAMESPACE, server: cluster.server };
}

/** kubectl's merge: entries of later files are added only where the name is new; the first current-context wins. */
function mergeInto(into: KubeConfig, from: KubeConfig): void {
  for (const c of from.clusters) if (!into.getCluster(c.name)) into.addCluster(c);
  for (const u of from.users) if (!into.getUser(u.name)) into.addUser(u);
  for (const c of from.contexts) if (!into.getContextObject(c.name)) into.addContext(c);
  if (!into.getCurrentContext() && from.getCurrentContext()) into.setCurrentContext(from.getCurrentContext());
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}
