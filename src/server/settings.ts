/**
 * The language server's settings: their types and defaults, the values each may take (derived from the core's
 * constants), how a client's `netlens` section is read into them, and where that section comes from.
 *
 * A client that declared `workspace/configuration` is asked for the `netlens` section when the server starts and
 * whenever it says the configuration changed. A client that did not is never asked: the section comes from
 * `initializationOptions.netlens` at the start, then from the `netlens` member of each
 * `workspace/didChangeConfiguration` notification.
 */
import type { DidChangeConfigurationParams } from 'vscode-languageserver';
import { DIAGNOSTICS, type DiagnosticCode, type Severity } from '../core/check';
import { DEFAULT_NAMESPACE, DEFAULT_ZONE, isDns1123Label, normalizeName } from '../core/names';
import type { PodRecordsMode } from '../core/resolver';
import { InvalidSettingError } from './errors';
import type { Log } from './guard';

export interface ServerSettings {
  readonly clusterDomain: string;
  readonly defaultNamespace: string;
  /** The cluster DNS Service, `namespace/name`. */
  readonly dnsService?: string;
  readonly podRecords: PodRecordsMode;
  readonly inlayHints: boolean;
  /** Code lenses above each Service: how many places name it, how many endpoints are ready. */
  readonly codeLens?: boolean;
  /** How charts are rendered: the release name, and values files beside each chart's values.yaml (paths or globs). */
  readonly helmRelease?: string;
  readonly helmValues?: readonly string[];
  readonly severities: Partial<Record<DiagnosticCode, SeveritySetting>>;
}

export type SeveritySetting = Severity | 'off';

export const DEFAULT_SETTINGS: ServerSettings = {
  clusterDomain: DEFAULT_ZONE,
  defaultNamespace: DEFAULT_NAMESPACE,
  dnsService: 'kube-system/kube-dns',
  podRecords: 'insecure',
  inlayHints: true,
  codeLens: true,
  helmRelease: 'release',
  helmValues: [],
  severities: {},
};

/** The diagnostic codes a severity may be set for: every code of the core's table. */
export const DIAGNOSTIC_CODES = Object.keys(DIAGNOSTICS) as DiagnosticCode[];

/**
 * The values of `netlens.diagnostics.severity.<code>` and `netlens.podRecords`. The core declares these as types
 * only; the checks below fail to compile when a type gains a value these lists lack.
 */
export const SEVERITY_SETTINGS = ['error', 'warning', 'information', 'hint', 'off'] as const satisfies readonly SeveritySetting[];
export const POD_RECORDS_SETTINGS = ['disabled', 'insecure', 'verified'] as const satisfies readonly PodRecordsMode[];
type Unlisted<T, List extends readonly unknown[]> = Exclude<T, List[number]>;
const everySeverity: [Unlisted<SeveritySetting, typeof SEVERITY_SETTINGS>] extends [never] ? true : never = true;
const everyPodRecordsMode: [Unlisted<PodRecordsMode, typeof POD_RECORDS_SETTINGS>] extends [never] ? true : never = true;
void everySeverity;
void everyPodRecordsMode;

/** `initializationOptions`, as the server reads them. */
export interface InitOptions {
  /** Read the live cluster of the kubeconfig (default true). */
  readonly cluster: boolean;
  /** A kubeconfig file instead of `KUBECONFIG` or `~/.kube/config`. */
  readonly kubeconfig?: string;
  /** A kubeconfig context instead of the current one. */
  readonly context?: string;
  /** The `netlens` settings section, for clients that cannot answer `workspace/configuration`. */
  readonly netlens?: unknown;
  /**
   * Render the workspace's Helm charts and Kustomize overlays (default true). Off when the client says the
   * workspace is not trusted (`workspaceTrusted: false`): rendering runs programs on the folder's files.
   */
  readonly render: boolean;
  /** helm and kustomize to run instead of those on PATH (from the user's settings, never the workspace's). */
  readonly helmPath?: string;
  readonly kustomizePath?: string;
}

export function readInitOptions(raw: unknown): InitOptions {
  const o = isRecord(raw) ? raw : {};
  return {
    cluster: o.cluster !== false,
    ...(typeof o.kubeconfig === 'string' && o.kubeconfig !== '' ? { kubeconfig: o.kubeconfig } : {}),
    ...(typeof o.context === 'string' && o.context !== '' ? { context: o.context } : {}),
    ...(o.netlens !== undefined ? { netlens: o.netlens } : {}),
    render: o.render !== false && o.workspaceTrusted !== false,
    ...(typeof o.helmPath === 'string' && o.helmPath !== '' ? { helmPath: o.helmPath } : {}),
    ...(typeof o.kustomizePath === 'string' && o.kustomizePath !== '' ? { kustomizePath: o.kustomizePath } : {}),
  };
}

/**
 * Reads a `netlens` section into settings: a missing key takes its default, and so does a value it may not take,
 * which is reported. Keys may be nested (`{"inlayHints": {"enabled": false}}`, as VS Code sends them) or dotted
 * (`{"inlayHints.enabled": false}`).
 */
export function readSettings(section: unknown): { settings: ServerSettings; problems: InvalidSettingError[] } {
  const s = isRecord(section) ? section : {};
  const problems: InvalidSettingError[] = [];
  const pick = <T>(key: string, valid: (v: unknown) => v is T, fallback: T, expected: string): T => {
    const v = valueAt(s, key);
    if (v === undefined || v === null) return fallback;
    if (valid(v)) return v;
    problems.push(new InvalidSettingError(key, expected));
    return fallback;
  };
  const isZone = (v: unknown): v is string => typeof v === 'string' && v !== '' && normalizeName(v).ok;
  const isLabel = (v: unknown): v is string => typeof v === 'string' && isDns1123Label(v);
  const isService = (v: unknown): v is string => typeof v === 'string' && v.split('/').length === 2 && v.split('/').every(isDns1123Label);
  const isPodRecords = (v: unknown): v is PodRecordsMode => (POD_RECORDS_SETTINGS as readonly unknown[]).includes(v);
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
  // Relative to each chart's folder, never climbing out of it: a setting of the workspace's may name them.
  const isValuesList = (v: unknown): v is string[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '' && !x.startsWith('/') && !x.split(/[\\/]/).includes('..'));
  return {
    settings: {
      clusterDomain: pick('clusterDomain', isZone, DEFAULT_SETTINGS.clusterDomain, `a DNS name such as ${DEFAULT_ZONE}`),
      defaultNamespace: pick('defaultNamespace', isLabel, DEFAULT_SETTINGS.defaultNamespace, 'a namespace name'),
      dnsService: pick('dnsService', isService, DEFAULT_SETTINGS.dnsService!, 'namespace/name of a Service'),
      podRecords: pick('podRecords', isPodRecords, DEFAULT_SETTINGS.podRecords, POD_RECORDS_SETTINGS.join(', ')),
      inlayHints: pick('inlayHints.enabled', isBoolean, DEFAULT_SETTINGS.inlayHints, 'true or false'),
      codeLens: pick('codeLens.enabled', isBoolean, DEFAULT_SETTINGS.codeLens!, 'true or false'),
      helmRelease: pick('helm.release', isLabel, DEFAULT_SETTINGS.helmRelease!, 'a release name'),
      helmValues: pick('helm.valuesFiles', isValuesList, DEFAULT_SETTINGS.helmValues!, 'a list of values files, relative to each chart'),
      severities: readSeverities(valueAt(s, 'diagnostics.severity'), problems),
    },
    problems,
  };
}

function readSeverities(value: unknown, problems: InvalidSettingError[]): ServerSettings['severities'] {
  const out: Partial<Record<DiagnosticCode, SeveritySetting>> = {};
  if (value === undefined || value === null) return out;
  if (!isRecord(value)) {
    problems.push(new InvalidSettingError('diagnostics.severity', 'an object of diagnostic codes'));
    return out;
  }
  for (const [code, severity] of Object.entries(value)) {
    if (!(DIAGNOSTIC_CODES as string[]).includes(code))
      problems.push(new InvalidSettingError(`diagnostics.severity.${code}`, `one of the codes ${DIAGNOSTIC_CODES.join(', ')}`));
    else if (!(SEVERITY_SETTINGS as readonly unknown[]).includes(severity))
      problems.push(new InvalidSettingError(`diagnostics.severity.${code}`, SEVERITY_SETTINGS.join(', ')));
    else out[code as DiagnosticCode] = severity as SeveritySetting;
  }
  return out;
}

/**
 * Where the `netlens` section comes from, read into settings and applied: from `ask` (the `workspace/configuration`
 * request) when the client declared it, else from `initial` (`initializationOptions.netlens`) and then from each
 * `workspace/didChangeConfiguration` that carries a `netlens` member. Values it may not take are reported, once for
 * each change that brings them.
 */
export class SettingsSource {
  private latest: unknown;

  constructor(
    private readonly options: {
      readonly ask: (() => Promise<unknown>) | undefined;
      readonly initial: unknown;
      readonly apply: (settings: ServerSettings) => void;
      readonly log: Log;
    },
  ) {
    this.latest = options.initial;
  }

  /** Reads and applies the settings as they stand when the server starts. */
  async load(): Promise<void> {
    this.use(this.options.ask ? await this.options.ask() : this.latest);
  }

  /** Reads and applies the settings after `workspace/didChangeConfiguration`, when it concerns them. */
  async changed(params: DidChangeConfigurationParams): Promise<void> {
    if (this.options.ask) return this.use(await this.options.ask());
    const settings: unknown = params?.settings;
    // A client that cannot be asked and says nothing of `netlens`: the settings stay as they are.
    if (!isRecord(settings) || settings.netlens === undefined) return;
    this.latest = settings.netlens;
    this.use(this.latest);
  }

  private use(section: unknown): void {
    const { settings, problems } = readSettings(section);
    for (const p of problems) this.options.log('warn', p.message);
    this.options.apply(settings);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value of a dotted key in a section, whether the section nests it or spells it out. */
function valueAt(section: Record<string, unknown>, key: string): unknown {
  if (key in section) return section[key];
  let v: unknown = section;
  for (const part of key.split('.')) {
    if (!isRecord(v)) return undefined;
    v = v[part];
  }
  return v;
}

/** The cluster DNS Service of the settings, `namespace/name`. */
export function dnsServiceOf(settings: ServerSettings): { namespace: string; name: string } {
  const [namespace, name] = (settings.dnsService ?? DEFAULT_SETTINGS.dnsService!).split('/');
  return namespace && name ? { namespace, name } : { namespace: 'kube-system', name: 'kube-dns' };
}
