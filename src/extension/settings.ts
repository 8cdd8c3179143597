/**
 * The settings the extension itself reads, typed, with their defaults and allowed values taken from the core's
 * and the server's constants (package.json's `contributes.configuration` declares the same: settings.test.ts
 * compares them). The rest of the `netlens` section is the language server's (src/server/settings.ts), sent to it
 * as it changes. No VS Code value is imported here, so that the tests read it without an editor.
 */
import type * as vscode from 'vscode';
import { QUERY_TYPES, type QueryType } from '../core/resolver';

export const SECTION = 'netlens';

/** `netlens.defaultQueryType`: the record type Resolve Name or IP asks for. */
export const DEFAULT_QUERY_TYPE: QueryType = 'A';
export const QUERY_TYPE_SETTINGS: readonly QueryType[] = QUERY_TYPES;

/**
 * Settings the language server reads once, when it starts (its `initializationOptions`): a change takes effect
 * when the server restarts, which the extension offers to do. All are machine settings, read from the user's
 * settings only: a workspace must not choose which credentials (or exec plugins) or which programs run when a
 * folder is opened.
 */
export const RESTART_SETTINGS = ['cluster.enabled', 'kubeconfig', 'helm.path', 'kustomize.path'] as const;
export type RestartSetting = (typeof RESTART_SETTINGS)[number];

export interface ExtensionSettings {
  readonly defaultQueryType: QueryType;
  /** Read the live cluster (user settings only). */
  readonly clusterEnabled: boolean;
  /** A kubeconfig file instead of KUBECONFIG or ~/.kube/config (user settings only); absent when not set. */
  readonly kubeconfig?: string;
  /** The helm and kustomize that render charts and overlays (user settings only); absent: found on PATH. */
  readonly helmPath?: string;
  readonly kustomizePath?: string;
}

/** The part of `vscode.WorkspaceConfiguration` read here. */
export type Configuration = Pick<vscode.WorkspaceConfiguration, 'get' | 'inspect'>;

export function readSettings(config: Configuration): ExtensionSettings {
  const qtype = String(config.get<string>('defaultQueryType', DEFAULT_QUERY_TYPE)).toUpperCase();
  const kubeconfig = userSetting<string>(config, 'kubeconfig');
  const helmPath = userSetting<string>(config, 'helm.path');
  const kustomizePath = userSetting<string>(config, 'kustomize.path');
  return {
    defaultQueryType: (QUERY_TYPE_SETTINGS as readonly string[]).includes(qtype) ? (qtype as QueryType) : DEFAULT_QUERY_TYPE,
    clusterEnabled: userSetting<boolean>(config, 'cluster.enabled') ?? true,
    ...(typeof kubeconfig === 'string' && kubeconfig !== '' ? { kubeconfig } : {}),
    ...(typeof helmPath === 'string' && helmPath !== '' ? { helmPath } : {}),
    ...(typeof kustomizePath === 'string' && kustomizePath !== '' ? { kustomizePath } : {}),
  };
}

/** What the language server is started with: the user's cluster settings, and whether the workspace is trusted. */
export function initializationOptions(settings: ExtensionSettings, workspaceTrusted: boolean): Record<string, unknown> {
  return {
    cluster: settings.clusterEnabled,
    ...(settings.kubeconfig ? { kubeconfig: settings.kubeconfig } : {}),
    ...(settings.helmPath ? { helmPath: settings.helmPath } : {}),
    ...(settings.kustomizePath ? { kustomizePath: settings.kustomizePath } : {}),
    // In Restricted Mode the server must run no program for the workspace (no Helm or Kustomize render).
    workspaceTrusted,
  };
}

/** The settings among `RESTART_SETTINGS` that a configuration change touches. */
export function restartSettingsChanged(affects: (key: string) => boolean): RestartSetting[] {
  return RESTART_SETTINGS.filter((key) => affects(`${SECTION}.${key}`));
}

/** A setting's value from user (global) settings only, never from a workspace. */
function userSetting<T>(config: Configuration, key: string): T | undefined {
  return config.inspect<T>(key)?.globalValue;
}
