// The language server's settings: read from a client's `netlens` section, values it may not take reported by key,
// the allowed values the same as package.json declares, and where the section comes from by what the client declared.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DIAGNOSTICS } from '../../src/core/check';
import {
  type Configuration,
  DEFAULT_QUERY_TYPE,
  initializationOptions,
  QUERY_TYPE_SETTINGS,
  RESTART_SETTINGS,
  readSettings as readExtensionSettings,
  restartSettingsChanged,
} from '../../src/extension/settings';
import {
  DEFAULT_SETTINGS,
  DIAGNOSTIC_CODES,
  POD_RECORDS_SETTINGS,
  readInitOptions,
  readSettings,
  SEVERITY_SETTINGS,
  type ServerSettings,
  SettingsSource,
} from '../../src/server/settings';
import { repoRoot } from '../support/repo';

describe('settings: a netlens section read into settings', () => {
  it('an absent or empty section gives the defaults, without a problem', () => {
    for (const section of [undefined, null, {}, [], 'text']) {
      assert.deepEqual(readSettings(section), { settings: DEFAULT_SETTINGS, problems: [] }, JSON.stringify(section));
    }
  });

  it('values files stay inside each chart: absolute paths and .. are refused', () => {
    for (const bad of [['/etc/passwd'], ['../other/values.yaml'], ['ci/../../x.yaml'], 'values.yaml', [3]]) {
      const { settings, problems } = readSettings({ helm: { valuesFiles: bad } });
      assert.deepEqual(settings.helmValues, [], JSON.stringify(bad));
      assert.equal(problems.length, 1, JSON.stringify(bad));
    }
  });

  it('reads nested keys, as VS Code sends them, and dotted ones, as other editors may write them', () => {
    const expected: ServerSettings = {
      clusterDomain: 'corp.internal',
      defaultNamespace: 'shop',
      dnsService: 'dns/coredns',
      podRecords: 'verified',
      inlayHints: false,
      codeLens: false,
      helmRelease: 'shop',
      helmValues: ['ci/*-values.yaml'],
      severities: { NL001: 'warning', NL007: 'off' },
    };
    const nested = {
      clusterDomain: 'corp.internal',
      defaultNamespace: 'shop',
      dnsService: 'dns/coredns',
      podRecords: 'verified',
      inlayHints: { enabled: false },
      codeLens: { enabled: false },
      helm: { release: 'shop', valuesFiles: ['ci/*-values.yaml'] },
      diagnostics: { severity: { NL001: 'warning', NL007: 'off' } },
    };
    const dotted = {
      clusterDomain: 'corp.internal',
      defaultNamespace: 'shop',
      dnsService: 'dns/coredns',
      podRecords: 'verified',
      'inlayHints.enabled': false,
      'codeLens.enabled': false,
      'helm.release': 'shop',
      'helm.valuesFiles': ['ci/*-values.yaml'],
      'diagnostics.severity': { NL001: 'warning', NL007: 'off' },
    };
    assert.deepEqual(readSettings(nested), { settings: expected, problems: [] });
    assert.deepEqual(readSettings(dotted), { settings: expected, problems: [] });
  });

  it('a value a setting may not take falls back to its default and is reported by key, without the value', () => {
    const { settings, problems } = readSettings({
      clusterDomain: 'not a domain!',
      defaultNamespace: 'Shop_1',
      dnsService: 'kube-dns',
      podRecords: 'always',
      inlayHints: { enabled: 'yes' },
      diagnostics: { severity: { NL001: 'fatal', NL999: 'off', NL003: 'hint' } },
    });
    assert.deepEqual(settings, { ...DEFAULT_SETTINGS, severities: { NL003: 'hint' } });
    assert.deepEqual(
      problems.map((p) => p.key),
      ['clusterDomain', 'defaultNamespace', 'dnsService', 'podRecords', 'inlayHints.enabled', 'diagnostics.severity.NL001', 'diagnostics.severity.NL999'],
    );
    assert.match(problems[3]!.message, /^netlens\.podRecords must be disabled, insecure, verified; its default is used instead\.$/);
    for (const p of problems) assert.doesNotMatch(p.message, /not a domain|Shop_1|always|fatal|yes/, 'the value is not repeated');
  });

  it('allows the values that package.json declares: every diagnostic code, its severities, the pods modes', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { enum?: string[]; properties?: Record<string, { enum: string[] }> }> } };
    };
    const props = manifest.contributes.configuration.properties;
    assert.deepEqual(DIAGNOSTIC_CODES, Object.keys(DIAGNOSTICS));
    assert.deepEqual(Object.keys(props['netlens.diagnostics.severity']!.properties!), DIAGNOSTIC_CODES);
    for (const code of DIAGNOSTIC_CODES) assert.deepEqual(props['netlens.diagnostics.severity']!.properties![code]!.enum, [...SEVERITY_SETTINGS], code);
    assert.deepEqual(props['netlens.podRecords']!.enum, [...POD_RECORDS_SETTINGS]);
  });
});

describe('settings: initialization options', () => {
  it('the cluster is read unless switched off; a kubeconfig, a context and the settings section may be given', () => {
    assert.deepEqual(readInitOptions(undefined), { cluster: true, render: true });
    assert.deepEqual(readInitOptions({ cluster: false, kubeconfig: '/k/config', context: 'kind', netlens: { podRecords: 'disabled' } }), {
      cluster: false,
      kubeconfig: '/k/config',
      context: 'kind',
      netlens: { podRecords: 'disabled' },
      render: true,
    });
    assert.deepEqual(readInitOptions({ cluster: 'no', kubeconfig: '', context: 7 }), { cluster: true, render: true });
  });

  it('charts and overlays are rendered unless switched off or the workspace is not trusted; tool paths may be given', () => {
    assert.equal(readInitOptions({ workspaceTrusted: true }).render, true);
    assert.equal(readInitOptions({ workspaceTrusted: false }).render, false);
    assert.equal(readInitOptions({ render: false, workspaceTrusted: true }).render, false);
    assert.deepEqual(readInitOptions({ helmPath: '/opt/helm', kustomizePath: '/opt/kustomize', workspaceTrusted: true }), {
      cluster: true,
      render: true,
      helmPath: '/opt/helm',
      kustomizePath: '/opt/kustomize',
    });
  });
});

describe('settings: where the section comes from', () => {
  function source(ask: (() => Promise<unknown>) | undefined, initial: unknown) {
    const applied: ServerSettings[] = [];
    const logged: string[] = [];
    const s = new SettingsSource({ ask, initial, apply: (x) => applied.push(x), log: (_l, m) => logged.push(m) });
    return { s, applied, logged };
  }

  it('a client that declared workspace/configuration is asked, at the start and after each change', async () => {
    let asked = 0;
    const { s, applied } = source(async () => ({ podRecords: asked++ === 0 ? 'verified' : 'disabled' }), { podRecords: 'insecure' });
    await s.load();
    await s.changed({ settings: { netlens: { podRecords: 'insecure' } } });
    assert.equal(asked, 2);
    assert.deepEqual(
      applied.map((x) => x.podRecords),
      ['verified', 'disabled'],
      'the answers count, not the initialization options or the notification',
    );
  });

  it('a client that did not is never asked: initialization options, then the netlens member of each change', async () => {
    const { s, applied, logged } = source(undefined, { inlayHints: { enabled: false } });
    await s.load();
    await s.changed({ settings: { yaml: { schemas: {} } } });
    await s.changed({ settings: null });
    await s.changed({ settings: { netlens: { podRecords: 'disabled', defaultNamespace: 'Bad Name' } } });
    assert.deepEqual(
      applied.map((x) => [x.inlayHints, x.podRecords, x.defaultNamespace]),
      [
        [false, 'insecure', 'default'],
        [true, 'disabled', 'default'],
      ],
      'notifications without a netlens member change nothing',
    );
    assert.deepEqual(logged, ['netlens.defaultNamespace must be a namespace name; its default is used instead.']);
  });
});

describe('settings: the extension side', () => {
  type Property = { default?: unknown; enum?: string[]; scope?: string };
  function manifest() {
    return JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
      capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
      contributes: { configuration: { properties: Record<string, Property> } };
    };
  }

  /** A configuration of user (global) and workspace values, as VS Code's `get` and `inspect` give them. */
  function config(user: Record<string, unknown>, workspace: Record<string, unknown> = {}): Configuration {
    return {
      get: ((key: string, fallback?: unknown) => workspace[key] ?? user[key] ?? fallback) as Configuration['get'],
      inspect: ((key: string) => ({ key, globalValue: user[key], workspaceValue: workspace[key] })) as Configuration['inspect'],
    };
  }

  it('package.json declares the query types, the defaults of both sides, and the restart settings as machine settings', () => {
    const { contributes, capabilities } = manifest();
    const props = contributes.configuration.properties;
    assert.deepEqual(props['netlens.defaultQueryType']!.enum, [...QUERY_TYPE_SETTINGS]);
    assert.equal(props['netlens.defaultQueryType']!.default, DEFAULT_QUERY_TYPE);
    assert.equal(props['netlens.clusterDomain']!.default, DEFAULT_SETTINGS.clusterDomain);
    assert.equal(props['netlens.defaultNamespace']!.default, DEFAULT_SETTINGS.defaultNamespace);
    assert.equal(props['netlens.dnsService']!.default, DEFAULT_SETTINGS.dnsService);
    assert.equal(props['netlens.podRecords']!.default, DEFAULT_SETTINGS.podRecords);
    for (const key of RESTART_SETTINGS) {
      assert.equal(props[`netlens.${key}`]?.scope, 'machine', key);
      assert.ok(capabilities.untrustedWorkspaces.restrictedConfigurations.includes(`netlens.${key}`), key);
    }
  });

  it('reads typed values; the cluster settings only from the user, never from a workspace', () => {
    assert.deepEqual(readExtensionSettings(config({})), { defaultQueryType: 'A', clusterEnabled: true });
    assert.deepEqual(readExtensionSettings(config({ defaultQueryType: 'srv', 'cluster.enabled': false, kubeconfig: '/k/config' })), {
      defaultQueryType: 'SRV',
      clusterEnabled: false,
      kubeconfig: '/k/config',
    });
    const fromWorkspace = readExtensionSettings(config({}, { defaultQueryType: 'MX', 'cluster.enabled': false, kubeconfig: './evil' }));
    assert.deepEqual(fromWorkspace, { defaultQueryType: 'A', clusterEnabled: true });
    assert.deepEqual(initializationOptions(fromWorkspace, false), { cluster: true, workspaceTrusted: false });
    assert.deepEqual(readInitOptions(initializationOptions(readExtensionSettings(config({ kubeconfig: '/k' })), true)), {
      cluster: true,
      kubeconfig: '/k',
      render: true,
    });
    // The tools that render: from the user's settings to the server, never from a workspace; nothing renders untrusted.
    const tools = readExtensionSettings(config({ 'helm.path': '/opt/helm', 'kustomize.path': '/opt/kustomize' }, { 'helm.path': './evil-helm' }));
    assert.deepEqual(readInitOptions(initializationOptions(tools, true)), {
      cluster: true,
      render: true,
      helmPath: '/opt/helm',
      kustomizePath: '/opt/kustomize',
    });
    assert.equal(readInitOptions(initializationOptions(tools, false)).render, false);
    assert.equal(readExtensionSettings(config({}, { 'helm.path': './evil-helm' })).helmPath, undefined);
  });

  it('names the changed settings that take a restart of the server', () => {
    assert.deepEqual(
      restartSettingsChanged((key) => key === 'netlens.kubeconfig'),
      ['kubeconfig'],
    );
    assert.deepEqual(
      restartSettingsChanged((key) => key === 'netlens.podRecords'),
      [],
    );
  });
});
