// The translation tables: scripts/check-l10n.mjs (a step of `npm test` before the type check) run in-process on the
// repository, where it finds nothing, and on broken copies of its tables, where it names the problem.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { mapHtml } from '../../src/extension/map-data';
import { mapTexts } from '../../src/extension/map-texts';
import { statusText, viewMessage } from '../../src/extension/model-state';
import { english, fromBundle, type Translate } from '../../src/extension/translate';
import { countsLabel, endpointNodes, moreText, namespaceText, podDetails, serviceText } from '../../src/extension/tree-items';
import type { ModelInfo, PodView, ServiceView } from '../../src/protocol/requests';
import type { MapTexts } from '../../src/protocol/webview';
import { repoRoot } from '../support/repo';

type Check = {
  checkL10n(root: string): { problems: string[]; counts: Record<string, number> };
  LANGUAGES: string[];
  SERVER_SOURCES: string[];
};
// A real dynamic import: TypeScript compiles `import()` to `require()` for CommonJS, which cannot load an ES module.
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Check>;
const checker = (): Promise<Check> => importModule(pathToFileURL(join(repoRoot(), 'scripts', 'check-l10n.mjs')).href);

const root = repoRoot();
const scratch = mkdtempSync(join(tmpdir(), 'netlens-l10n-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The sources whose `t('…')` calls are the language server's and the command's messages (SERVER_SOURCES). */
const SERVER_DIRS = ['src/core', 'src/server', 'src/cli', 'src/render', 'src/l10n'];

/** A copy of the tables and the sources that use them in a new folder, for a test to break. */
function copy(name: string): string {
  const dir = join(scratch, name);
  const files = ['package.json', 'package.nls.json', 'package.nls.es.json', 'package.nls.zh-cn.json', 'package.nls.ko.json', 'l10n', 'src/extension'];
  for (const f of [...files, ...SERVER_DIRS]) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(dir, f), { recursive: true });
  }
  return dir;
}
const readJson = (path: string): Record<string, string> => JSON.parse(readFileSync(path, 'utf8'));
const writeJson = (path: string, value: unknown): void => writeFileSync(path, JSON.stringify(value, null, 2));

describe('l10n: the translation tables', () => {
  it('the repository: every table has every key of English and no other, with the same placeholders', async () => {
    const { checkL10n, LANGUAGES, SERVER_SOURCES } = await checker();
    const { problems, counts } = checkL10n(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(LANGUAGES, ['es', 'zh-cn', 'ko']);
    assert.deepEqual(SERVER_SOURCES, SERVER_DIRS);
    for (const lang of LANGUAGES) {
      assert.equal(counts[`package.nls.${lang}.json`], counts['package.nls.json'], lang);
      assert.equal(counts[`l10n/server/bundle.l10n.${lang}.json`], counts['l10n/server/bundle.l10n.json'], lang);
    }
    assert.ok(counts['package.nls.json']! > 40);
    assert.ok(counts['l10n/server/bundle.l10n.json']! > 400, 'the language server and the command translate their messages');
  });

  it("the language server's tables: a missing key, a stray one, a placeholder dropped, and a source string without an English entry are reported", async () => {
    const { checkL10n } = await checker();
    const dir = copy('broken-server');
    const ko = readJson(join(dir, 'l10n/server/bundle.l10n.ko.json'));
    delete ko['Change the port to {0}'];
    ko['Nothing at all'] = '아무것도 없음';
    ko['Source: {0}'] = '출처';
    writeJson(join(dir, 'l10n/server/bundle.l10n.ko.json'), ko);
    const en = readJson(join(dir, 'l10n/server/bundle.l10n.json'));
    delete en['→ no owner'];
    writeJson(join(dir, 'l10n/server/bundle.l10n.json'), en);
    const { problems } = checkL10n(dir);
    const expect = (re: RegExp) =>
      assert.ok(
        problems.some((p) => re.test(p)),
        `${re}\n${problems.join('\n')}`,
      );
    expect(/^l10n\/server\/bundle\.l10n\.ko\.json: missing key "Change the port to \{0\}"$/);
    expect(/^l10n\/server\/bundle\.l10n\.ko\.json: extra key "Nothing at all"/);
    expect(/^l10n\/server\/bundle\.l10n\.ko\.json: "Source: \{0\}" has placeholders \(none\), English \{0\}$/);
    expect(/^l10n\/server\/bundle\.l10n\.json: missing key "→ no owner", which src\/core, src\/server, src\/cli, src\/render, src\/l10n translates$/);
    // The other languages now hold a key English lacks.
    expect(/^l10n\/server\/bundle\.l10n\.es\.json: extra key "→ no owner"/);
  });

  it('a translation that lacks a key, has an extra one, or drops a command link is reported', async () => {
    const { checkL10n } = await checker();
    const dir = copy('broken-nls');
    const es = readJson(join(dir, 'package.nls.es.json'));
    delete es['command.resolve.title'];
    es['command.nothing.title'] = 'Nada';
    es['viewsWelcome.tree.unreachable'] = 'Sin enlaces';
    writeJson(join(dir, 'package.nls.es.json'), es);
    const { problems } = checkL10n(dir);
    assert.ok(
      problems.some((p) => /package\.nls\.es\.json: missing key "command\.resolve\.title"/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /package\.nls\.es\.json: extra key "command\.nothing\.title"/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /"viewsWelcome\.tree\.unreachable" links \(nothing\)/.test(p)),
      problems.join('\n'),
    );
    assert.equal(problems.length, 3, problems.join('\n'));
  });

  it('a %key% of package.json without English text, and a missing language, are reported', async () => {
    const { checkL10n } = await checker();
    const dir = copy('broken-manifest');
    const nls = readJson(join(dir, 'package.nls.json'));
    delete nls['views.tree.name'];
    writeJson(join(dir, 'package.nls.json'), nls);
    rmSync(join(dir, 'package.nls.ko.json'));
    const { problems } = checkL10n(dir);
    assert.ok(problems.includes('package.json: contributes.views.netlens[0].name is %views.tree.name%, which package.nls.json lacks'), problems.join('\n'));
    assert.ok(problems.includes('package.nls.ko.json is missing'), problems.join('\n'));
    // The other translations now hold a key English lacks.
    assert.ok(problems.includes('package.nls.es.json: extra key "views.tree.name", not in the English table'), problems.join('\n'));
  });
});

describe("l10n: the tree's welcome and state texts in each language", () => {
  const nls = (lang: string): Record<string, string> => readJson(join(root, lang ? `package.nls.${lang}.json` : 'package.nls.json'));
  const bundle = (lang: string): Translate => fromBundle(readJson(join(root, 'l10n', `bundle.l10n.${lang}.json`)));
  const cluster = (over: Partial<ModelInfo>): ModelInfo => ({
    kind: 'cluster',
    context: 'kind',
    server: 'https://k',
    state: 'ready',
    notes: [],
    namespaces: [],
    ...over,
  });
  const service = { namespace: 'shop', name: 'api', selector: { app: 'api' }, endpoints: [] } as unknown as ServiceView;
  const unnamedPort = { name: '', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 };
  const nodePort = { ...service, type: 'NodePort', fqdn: 'api.shop.svc.cluster.local', address: '10.96.0.9', ports: [unnamedPort], readiness: '0' };
  const pod = {
    namespace: 'shop',
    name: 'web-0',
    ips: ['10.0.0.1'],
    node: 'n1',
    phase: 'Running',
    ready: false,
    ports: [],
    dnsNames: [],
  } as unknown as PodView;
  /** Every text the tree and the status bar show for these states, in a language. */
  const texts = (t: Translate): string[] => [
    viewMessage(cluster({ state: 'connecting' }), t)!,
    statusText(cluster({ state: 'failed', message: 'refused' }), 'shop', t).tooltip,
    statusText({ kind: 'workspace', state: 'ready', notes: [], namespaces: [] }, '', t).tooltip,
    statusText(undefined, '', t).text,
    countsLabel({ services: 1, pods: 3 }, t),
    namespaceText({ kind: 'namespace', name: 'shop', services: 1, pods: 3, loading: true }, t).description!,
    moreText({ kind: 'more', namespace: 'shop', offset: 50, total: 120 }, t).label,
    // A Service's tooltip: its address, each port and a missing selector, labelled in the language.
    ...serviceText(nodePort, t).tooltip!.split('\n').slice(2, 4),
    serviceText({ ...nodePort, selector: undefined }, t).tooltip!.split('\n')[4]!,
    ...endpointNodes(service, undefined, t).map((n) => (n.kind === 'message' ? `${n.label}\n${n.tooltip}` : '')),
    ...podDetails(pod, t)
      .filter((n) => n.kind === 'detail' && n.copy === undefined)
      .map((n) => (n.kind === 'detail' ? `${n.label} ${n.description ?? ''}` : '')),
  ];

  for (const lang of ['es', 'zh-cn', 'ko']) {
    it(`${lang}: the welcome views, the view message, the status bar and the tree's words differ from English, with every placeholder filled`, () => {
      const en = texts(english);
      const translated = texts(bundle(lang));
      for (const [i, text] of translated.entries()) {
        assert.notEqual(text, en[i], `${lang}: ${text}`);
        assert.doesNotMatch(text, /\{\d+\}/, `${lang}: an unfilled placeholder in ${text}`);
      }
      // The cluster's own words and the technical tokens stay as they are.
      assert.match(translated[1]!, /kind.*https:\/\/k.*failed: refused.*shop/s);
      assert.match(translated[6]!, /50.*120|120.*50/);
      assert.match(translated.join('\n'), /Running/);
      // The welcome views of package.json: translated, with the same command links and the tokens kept.
      for (const key of ['viewsWelcome.tree.noCluster', 'viewsWelcome.tree.unreachable', 'viewsWelcome.tree.forbidden', 'viewsWelcome.tree.connecting']) {
        assert.notEqual(nls(lang)[key], nls('')[key], `${lang} ${key}`);
      }
      assert.match(nls(lang)['viewsWelcome.tree.noCluster']!, /kubeconfig.*KUBECONFIG.*~\/\.kube\/config/s);
      assert.match(nls(lang)['viewsWelcome.tree.forbidden']!, /RBAC/);
    });
  }

  it('English, without a bundle, is the key with its placeholders filled', () => {
    assert.equal(moreText({ kind: 'more', namespace: 'shop', offset: 50, total: 120 }).label, 'Show more (50 of 120 shown)');
    assert.equal(countsLabel({ services: 1, pods: 3 }), '1 service · 3 pods');
    assert.equal(namespaceText({ kind: 'namespace', name: 'shop', services: 1, pods: 3, loading: true }).description, '1 service · 3 pods · loading…');
    assert.equal(namespaceText({ kind: 'namespace', name: 'shop', services: 1, pods: 3 }).description, '1 service · 3 pods');
    assert.equal(viewMessage(cluster({ state: 'connecting' })), 'Reading the cluster…');
    assert.equal(fromBundle({})('Reconnecting: {0}', 'x'), 'Reconnecting: x');
    assert.deepEqual(serviceText(nodePort).tooltip!.split('\n'), [
      'Service shop/api (NodePort)',
      'api.shop.svc.cluster.local',
      'cluster IPs: 10.96.0.9',
      'port (unnamed) 80/TCP → 8080 (node port 30080)',
      'selector: app=api',
      'Endpoints: 0',
    ]);
  });
});

describe("l10n: the network map's texts in each language", () => {
  const bundle = (lang: string): Translate => fromBundle(readJson(join(root, 'l10n', `bundle.l10n.${lang}.json`)));
  /** The texts the page reads from its meta tag, as the host writes them. */
  const inPage = (t: Translate): MapTexts => {
    const page = mapHtml({
      cspSource: 'vscode-resource:',
      scriptUri: 'vscode-resource:/w.js',
      styleUri: 'vscode-resource:/m.css',
      nonce: 'n',
      texts: mapTexts(t),
    });
    const content = /<meta name="netlens-texts" content="([^"]*)">/.exec(page)?.[1];
    assert.ok(content, 'the page carries its texts');
    return JSON.parse(
      content
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&'),
    );
  };

  it('English by default: every text, with its placeholders for the page to fill', () => {
    const en = inPage(english);
    assert.equal(en.filterPlaceholder, 'Filter by name, namespace or IP');
    assert.equal(en.drawing, 'Drawing {0} nodes…');
    assert.deepEqual(inPage(english), mapTexts());
  });

  for (const lang of ['es', 'zh-cn', 'ko']) {
    it(`${lang}: every text of the map translated, its placeholders kept, kinds untranslated`, () => {
      const en = mapTexts();
      const translated = inPage(bundle(lang));
      const placeholders = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join();
      const keys = Object.keys(en) as (keyof MapTexts)[];
      for (const key of keys) assert.equal(placeholders(translated[key]), placeholders(en[key]), `${lang} ${key}`);
      // A few are the same words in some languages ("{0} pod", "Endpoints: {0}" in Spanish; "{0} → Service {1}").
      const same = keys.filter((key) => translated[key] === en[key]);
      assert.ok(same.length <= 6, `${lang}: untranslated ${same.join(', ')}`);
      for (const key of ['filterPlaceholder', 'drawing', 'fitTitle', 'allowedByPolicy', 'connectionsBlocked'] as const)
        assert.notEqual(translated[key], en[key]);
      assert.match(translated.connectionOn, /Service \{1\}/);
    });
  }
});
