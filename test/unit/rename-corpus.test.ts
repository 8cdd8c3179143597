// Every Service of Online Boutique renamed in turn as the language server renames it (Navigation over a NetLensServer
// that read the files), on copies in memory: test/corpus is only read. After each rename, `netlens check` finds
// exactly what it found before, and the only characters that changed are the places that named the Service, which
// are found here again without NetLens: by the text of the manifests.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ResponseError, type WorkspaceEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { collectManifestFiles } from '../../src/cli/files';
import { analyzeManifest } from '../../src/core/analyze';
import { ManifestCache } from '../../src/core/incremental';
import { Resolver } from '../../src/core/resolver';
import type { ClusterSnapshot } from '../../src/core/snapshot';
import { buildWorkspaceModel } from '../../src/core/workspace';
import { Navigation } from '../../src/server/navigation';
import { NetLensServer } from '../../src/server/server';
import { corpusDir } from '../support/repo';

const corpus = corpusDir();
const ZONE = 'cluster.local';
const NAMESPACE = 'default';

type Texts = ReadonlyMap<string, string>;

/** A folder of the corpus as an editor's workspace: uri → text. */
function read(dir: string): Map<string, string> {
  const texts = new Map<string, string>();
  for (const f of collectManifestFiles([join(corpus, dir)]).files) texts.set(`file:///corpus/${f.slice(corpus.length + 1)}`, readFileSync(f, 'utf8'));
  return texts;
}

/**
 * What `netlens check` reports on the files read as plain manifests (src/cli/check.ts runCheck; for a Kustomize tree
 * that is `--no-render`): the model's problems, which it prints to stderr, and every file's findings, by place.
 */
function check(texts: Texts): { reported: string[]; snapshot: ClusterSnapshot } {
  const scan = { zone: ZONE, defaultNamespace: NAMESPACE };
  const parsed = [...texts].map(([uri, text]) => new ManifestCache(scan).parse(uri, text));
  const model = buildWorkspaceModel(
    parsed.map((p) => p.manifest),
    { defaultNamespace: NAMESPACE },
  );
  const resolver = new Resolver(model.snapshot, { podRecords: 'insecure', sourceName: 'the manifests' });
  const reported = model.report.problems.filter((p) => p.code !== 'duplicate-key').map((p) => `${p.uri}:${p.line} ${p.code} ${p.message}`);
  for (const p of parsed) {
    const analysis = analyzeManifest(
      p.manifest,
      { zone: ZONE, defaultNamespace: NAMESPACE, sources: [{ name: 'the manifests', resolver, live: false, facts: model.facts }], workspace: model.snapshot },
      p.references,
    );
    for (const f of analysis.findings) reported.push(`${p.uri}:${p.manifest.lineCounter.linePos(f.start).line} ${f.code} ${f.message}`);
  }
  return { reported: reported.sort(), snapshot: model.snapshot };
}

function apply(texts: Texts, edit: WorkspaceEdit): Map<string, string> {
  const out = new Map(texts);
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    assert.ok(texts.has(uri), `an edit of ${uri}, a file of the workspace`);
    out.set(uri, TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 0, texts.get(uri)!), edits));
  }
  return out;
}

/** `name` as a whole DNS label of a text: not a part of `frontend-external` or `redis-cart` when `name` is the other. */
const label = (name: string, flags = 'g') => new RegExp(`(?<![A-Za-z0-9-])${name}(?![A-Za-z0-9-])`, flags);
const count = (text: string, re: RegExp) => [...text.matchAll(re)].length;

/**
 * How many times `after` is `before` with `from` replaced by `to` as a whole label, and nothing else changed;
 * undefined when the lines differ in any other way.
 */
function replacements(before: string, after: string, from: string, to: string): number | undefined {
  const bounded = (s: string, at: number, len: number) => !/[A-Za-z0-9-]/.test(s[at - 1] ?? '') && !/[A-Za-z0-9-]/.test(s[at + len] ?? '');
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < before.length || j < after.length) {
    if (before.startsWith(from, i) && after.startsWith(to, j) && bounded(before, i, from.length) && bounded(after, j, to.length)) {
      i += from.length;
      j += to.length;
      n++;
    } else if (i < before.length && before[i] === after[j]) {
      i++;
      j++;
    } else return undefined;
  }
  return n;
}

/**
 * The lines (`uri:line`) that name the Service, found by the text of the files alone, in the spellings Online
 * Boutique uses: its `metadata.name` under `kind: Service` (its declaration, and the Kustomize patches of it), the
 * `*_ADDR` env values `name:port` (in the Deployments and in the patches of the components), and the Istio and
 * Gateway API routes of the service-mesh component (`host: frontend`, `frontend.default.svc.cluster.local`, a
 * backendRef `- name: frontend`).
 */
function namingLines(texts: Texts, name: string): string[] {
  const patterns = [
    new RegExp(`kind: Service\\n(\\s*)metadata:\\n\\1  name: (${name})\\n`, 'g'),
    new RegExp(`value: "(${name}):\\d+"`, 'g'),
    new RegExp(`\\n\\s*host: (${name})\\n`, 'g'),
    new RegExp(`"(${name})\\.${NAMESPACE}\\.svc\\.${ZONE.replace('.', '\\.')}"`, 'g'),
    new RegExp(`backendRefs:\\n\\s*- name: (${name})\\n`, 'g'),
  ];
  const out = new Set<string>();
  for (const [uri, text] of texts) {
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        const at = m.index + m[0].lastIndexOf(m[m.length - 1]!);
        out.add(`${uri}:${text.slice(0, at).split('\n').length}`);
      }
    }
  }
  return [...out].sort();
}

/**
 * A refusal is right when the place it names exists and is what it says: a template expression that builds the
 * name, or a JSON patch that writes it. Returns the place.
 */
function assertRightRefusal(message: string, texts: Texts, name: string): string {
  const m = /(\S+) line (\d+) (builds|is a JSON patch that writes) /.exec(message);
  assert.ok(m, `the refusal says where: ${message}`);
  const file = [...texts.keys()].filter((u) => u.endsWith(`/${m[1]}`));
  const line = Number(m[2]);
  const holds = file.filter((u) => {
    const lines = texts.get(u)!.split('\n');
    if (m[3] === 'builds') return label(name, '').test(lines[line - 1] ?? '') && /\{\{|\$\{|\$\(/.test(lines[line - 1] ?? '');
    // A JSON patch: the block from that line on holds operations and the name.
    const block = lines.slice(line - 1, line + 40).join('\n');
    return /- op: /.test(block) && label(name, '').test(block);
  });
  assert.ok(holds.length > 0, `${message}: line ${line} of ${m[1]} is what the refusal says`);
  return `${m[1]}:${line}`;
}

/** The 12 Services of the release manifests (`frontend-external` is the LoadBalancer in front of `frontend`). */
const BOUTIQUE = [
  'adservice',
  'cartservice',
  'checkoutservice',
  'currencyservice',
  'emailservice',
  'frontend',
  'frontend-external',
  'paymentservice',
  'productcatalogservice',
  'recommendationservice',
  'redis-cart',
  'shippingservice',
];

const WORKSPACES = [
  {
    dir: 'online-boutique',
    what: 'the release manifests with the NetworkPolicies and the shopping assistant',
    services: [...BOUTIQUE, 'shoppingassistantservice'],
    /** Services the rename must refuse here, with the place the refusal names: none is built by a template. */
    refused: {},
  },
  {
    dir: 'kustomize/online-boutique/kustomize',
    what: 'the Kustomize tree as an editor opens the folder (base, components with inline patches, test overlays)',
    services: [...BOUTIQUE, 'opentelemetrycollector', 'shoppingassistantservice'],
    refused: {},
  },
];

for (const w of WORKSPACES) {
  const skip = existsSync(join(corpus, w.dir)) ? false : `the corpus is not at ${join(corpus, w.dir)}`;
  describe(`rename on the corpus: ${w.dir}, ${w.what}`, { skip }, () => {
    it('each Service renamed in turn: nothing found by netlens check that was not before, and only the places that named it changed', async () => {
      const texts = read(w.dir);
      const before = check(texts);
      const server = new NetLensServer({ publishDiagnostics: () => {}, log: () => {} });
      await server.loadWorkspaceFiles(texts, async () => {});
      const source = server.navigationSource();
      const nav = new Navigation(source);
      const services = [...source.workspace().snapshot.services()].filter((s) => s.source);
      assert.deepEqual(services.map((s) => s.name).sort(), [...w.services].sort());

      const refused: Record<string, string> = {};
      for (const svc of services) {
        const name = svc.name;
        const to = `${name}-renamed`;
        const what = `${svc.namespace}/${name} → ${to}`;
        const at = svc.source!.nameStart;
        const prepared = nav.prepareRename(svc.source!.uri, at);
        assert.ok(!(prepared instanceof ResponseError), `${what}: ${prepared instanceof ResponseError ? prepared.message : ''}`);
        assert.equal(prepared.placeholder, name);
        const edit = nav.rename(svc.source!.uri, at, to);
        if (edit instanceof ResponseError) {
          refused[name] = assertRightRefusal(edit.message, texts, name);
          continue;
        }
        const after = apply(texts, edit);

        // (a) `netlens check` on the renamed files: the same problems and findings at the same places; a message
        // that names the Service names it by its new name.
        const checked = check(after);
        const back = checked.reported.map((r) => r.replace(label(to), name)).sort();
        assert.deepEqual(
          back.filter((r) => !before.reported.includes(r)),
          [],
          `${what}: new findings`,
        );
        assert.deepEqual(back, before.reported, `${what}: the same findings as before`);
        assert.ok(checked.snapshot.service(svc.namespace, to), `${what}: the Service is declared by its new name`);
        assert.equal(checked.snapshot.service(svc.namespace, name), undefined, `${what}: and no longer by its old one`);

        // (b) Every changed line is the old line with the name replaced by the new one as a whole label, and the
        // changed lines are exactly those that name the Service.
        const changed: string[] = [];
        for (const [uri, text] of texts) {
          const old = text.split('\n');
          const now = after.get(uri)!.split('\n');
          assert.equal(now.length, old.length, `${what}: ${uri} keeps its lines`);
          old.forEach((line, i) => {
            if (line === now[i]) return;
            const n = replacements(line, now[i]!, name, to);
            assert.ok(n !== undefined && n > 0, `${what}: ${uri}:${i + 1} changed beyond the name:\n- ${line}\n+ ${now[i]}`);
            changed.push(`${uri}:${i + 1}`);
          });
        }
        const expected = namingLines(texts, name);
        assert.deepEqual(changed.sort(), expected, `${what}: the changed lines are the places that name it`);
        assert.ok(namingLines(after, to).length === expected.length && namingLines(after, name).length === 0, `${what}: none left`);

        // The declaration and each `name:port` env value, counted in the text: all renamed.
        const all = (t: Texts) => [...t.values()].join('\n---\n');
        const envValues = count(all(texts), new RegExp(`"${name}:\\d+"`, 'g'));
        assert.equal(count(all(after), new RegExp(`"${to}:\\d+"`, 'g')), envValues, `${what}: every "${name}:port" env value`);
        assert.equal(count(all(after), new RegExp(`"${name}:\\d+"`, 'g')), 0);
        const declarations = count(all(texts), new RegExp(`kind: Service\\n(\\s*)metadata:\\n\\1  name: ${name}\\n`, 'g'));
        assert.ok(declarations >= 1);
        assert.equal(count(all(after), new RegExp(`kind: Service\\n(\\s*)metadata:\\n\\1  name: ${to}\\n`, 'g')), declarations);

        // From a reference the rename is the same edit as from the declaration.
        const env = [...texts].find(([, t]) => t.includes(`value: "${name}:`) && !t.includes('kind: Component'));
        if (env) {
          const fromRef = nav.rename(env[0], env[1].indexOf(`value: "${name}:`) + 'value: "'.length + 1, to);
          assert.deepEqual(fromRef, edit, `${what}: renamed from its reference in ${env[0]}`);
        }
      }
      assert.deepEqual(refused, w.refused, 'the Services whose rename is refused');
    });
  });
}

describe('rename on the corpus: the places each rename changes', { skip: existsSync(join(corpus, 'online-boutique')) ? false : 'no corpus' }, () => {
  it('productcatalogservice: its declaration and the three env values that name it, in the release manifests', () => {
    const texts = read('online-boutique');
    const lines = namingLines(texts, 'productcatalogservice').map((l) =>
      texts
        .get(l.slice(0, l.lastIndexOf(':')))!
        .split('\n')
        [Number(l.slice(l.lastIndexOf(':') + 1)) - 1]!.trim(),
    );
    assert.deepEqual(lines, [
      'value: "productcatalogservice:3550"',
      'value: "productcatalogservice:3550"',
      'value: "productcatalogservice:3550"',
      'name: productcatalogservice',
    ]);
  });

  it('in the Kustomize tree: the patches that delete redis-cart and frontend-external, and the collector address the components set', () => {
    const texts = read('kustomize/online-boutique/kustomize');
    const files = (name: string) => namingLines(texts, name).map((l) => l.slice('file:///corpus/kustomize/online-boutique/kustomize/'.length));
    assert.deepEqual(files('redis-cart'), [
      'base/cartservice.yaml:146',
      'base/cartservice.yaml:51',
      'components/alloydb/kustomization.yaml:98',
      'components/memorystore/kustomization.yaml:44',
      'components/spanner/kustomization.yaml:54',
    ]);
    assert.deepEqual(files('frontend-external'), [
      'base/frontend.yaml:126',
      'components/non-public-frontend/kustomization.yaml:23',
      'components/service-mesh-istio/kustomization.yaml:27',
    ]);
    assert.equal(files('opentelemetrycollector').filter((l) => l.startsWith('components/google-cloud-operations/kustomization.yaml:')).length, 7);
  });
});
