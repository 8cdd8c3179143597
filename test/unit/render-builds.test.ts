// How builds answer for each other (src/render/builds.ts): a reference resolves in its own build, then in the
// others, except that an alternative render (one that reads a file in common with it) never answers for a namespace
// its own render defines; findings go back to their source through the render's map. Renders here are made by hand
// (text and an identity map), no tool runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifest } from '../../src/core/manifests';
import { analyzeBuilds, analyzeBuildsAsync, type Build, BuildsMemo, placeReferences, renderedBuild, renderedBuildAsync } from '../../src/render/builds';
import type { RenderResult } from '../../src/render/result';
import { lineStartsOf, type MappedLine } from '../../src/render/source-map';

/** A render whose every line comes, literally, from the same line of one source file. */
function render(id: string, text: string, source = `/src/${id}.yaml`, missingDependencies: string[] = [], inputs: string[] = []): RenderResult {
  const starts = lineStartsOf(text);
  const lines: MappedLine[] = starts.map((s, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]! - 1 : text.length;
    return { source: 0, line: i, parts: end > s ? [{ start: s, end, sourceStart: s, sourceEnd: end, produced: 'literal' }] : [] };
  });
  return {
    target: { kind: 'kustomize', dir: `/src/${id}`, entryFile: `/src/${id}/kustomization.yaml` },
    id,
    uri: `netlens-render:/src/${id}/kustomization.yaml`,
    label: `kustomize build ${id}`,
    text,
    map: { sources: [{ path: source, text }], lineStarts: starts, lines },
    inputs: [`/src/${id}/kustomization.yaml`, source, ...inputs],
    problems: [],
    namespace: undefined,
    missingDependencies,
    command: ['kustomize', 'build', id],
    toolMs: 0,
    mapMs: 0,
    fromCache: false,
  };
}

const service = (name: string, ns?: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  ports:\n  - port: 80\n`;
const client = (env: string, ns?: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: client\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  template:\n    spec:\n      containers:\n      - name: c\n        env:\n        - name: API_ADDR\n          value: ${env}\n`;

const scan = { zone: 'cluster.local', defaultNamespace: 'default' };
const options = { defaultNamespace: 'default', podRecords: 'insecure' as const };
/** The 1-based line of the first line holding `needle`, counted here. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const codes = (builds: Build[]) => analyzeBuilds(builds, options).findings.map((f) => [f.finding.code, f.place.file, f.place.line, f.builds.join(' + ')]);

describe('builds answer for each other', () => {
  it('an alternative render (the prod overlay) never answers for the namespace the dev overlay defines', () => {
    const devText = `${client('api:80')}---\n${service('web')}`;
    // Overlays of one base: both read its kustomization.
    const base = ['/src/base/kustomization.yaml'];
    const dev = renderedBuild(render('dev', devText, undefined, [], base), scan);
    const prod = renderedBuild(render('prod', service('api'), undefined, [], base), scan);
    assert.deepEqual(codes([dev, prod]), [['NL001', '/src/dev.yaml', lineOf(devText, 'value: api:80'), 'kustomize build dev']]);
  });

  it('a chart rendered into the namespace NetLens assumed (its name): its Services may be installed where a name wants them', () => {
    const appText = `${client('http://api.platform.svc.cluster.local:80', 'platform')}---\n${service('web', 'platform')}`;
    const plain: Build = { id: 'plain', label: 'the manifests', manifests: [parseManifest('app.yaml', appText)] };
    const chart = (assumed: boolean) =>
      renderedBuild({ ...render('api', service('api', 'api')), namespace: 'api', ...(assumed ? { namespaceAssumed: true as const } : {}) }, scan);
    assert.deepEqual(codes([plain, chart(true)]), []);
    // Installed where the settings say: the Service is in that namespace, and the name in another is missing.
    assert.deepEqual(codes([plain, chart(false)]), [['NL001', 'app.yaml', lineOf(appText, 'value: http://api'), 'the manifests']]);
  });

  it('renders that read nothing in common are deployed side by side: they answer for each other in every namespace', () => {
    const app = renderedBuild(render('app', `${client('api:80')}---\n${service('web')}`), scan);
    const api = renderedBuild(render('api', service('api')), scan);
    assert.deepEqual(codes([app, api]), []);
  });

  it('a render answers for a namespace the asking render does not define, and the plain manifests answer in any', () => {
    const front = renderedBuild(render('front', client('api.back:80')), scan);
    const back = renderedBuild(render('back', service('api', 'back')), scan);
    assert.deepEqual(codes([front, back]), []);
    const plain: Build = { id: 'plain', label: 'the manifests', manifests: [parseManifest('app.yaml', client('db:80'))] };
    const db = renderedBuild(render('db', service('db')), scan);
    assert.deepEqual(codes([plain, db]), []);
    const fromRender = renderedBuild(render('app', client('cache:80')), scan);
    const plainCache: Build = { id: 'plain', label: 'the manifests', manifests: [parseManifest('cache.yaml', service('cache'))] };
    assert.deepEqual(codes([fromRender, plainCache]), []);
  });

  it('a finding that several builds share is reported once, with every build', () => {
    // (A name is reported in an env value when a Service of a near name exists: here `api` for `apii`.)
    const text = `${client('apii:80')}---\n${service('api')}`;
    const a = renderedBuild(render('a', text, '/src/base.yaml'), scan);
    const b = renderedBuild(render('b', text, '/src/base.yaml'), scan);
    assert.deepEqual(codes([a, b]), [['NL001', '/src/base.yaml', lineOf(text, 'value: apii:80'), 'kustomize build a + kustomize build b']]);
  });

  it('names that may be objects of a dependency left out of a chart are not reported', () => {
    const text = `${client('release-postgresql:5432')}---\n${client('release-other:5432').replace('name: client', 'name: client2')}---\n${service('release-postgres')}---\n${service('release-othr')}`;
    const r = renderedBuild(render('chart', text, '/src/chart.yaml', ['postgresql']), scan);
    assert.deepEqual(
      codes([r]).map((c) => [c[0], c[2]]),
      [['NL001', lineOf(text, 'release-other:5432')]],
    );
  });

  it('carries fixes to the source when they edit copied text, and drops them on computed text', () => {
    const text = `${client('apii:80')}---\n${service('api')}`;
    const literal = analyzeBuilds([renderedBuild(render('a', text), scan)], options).findings[0]!;
    assert.equal(literal.finding.code, 'NL001');
    const fix = literal.fixes.find((f) => f.edits.some((e) => e.newText === 'api'));
    assert.ok(fix, JSON.stringify(literal.fixes));
    assert.deepEqual(
      fix.edits.map((e) => [e.file, text.slice(e.start, e.end)]),
      [['/src/a.yaml', 'apii']],
    );
    // The same text, computed by an expression: the finding stays, its fixes go.
    const computed = render('b', text);
    const mapped = {
      ...computed,
      map: { ...computed.map, lines: computed.map.lines.map((l) => l && { ...l, parts: l.parts.map((p) => ({ ...p, produced: 'expression' as const })) }) },
    };
    const f = analyzeBuilds([renderedBuild(mapped, scan)], options).findings[0]!;
    assert.equal(f.finding.code, 'NL001');
    assert.ok(f.finding.fixes.length > 0);
    assert.deepEqual(f.fixes, []);
  });

  it('parses a render a document at a time when asked, with the same result', async () => {
    const text = `${client('api:80')}---\n${service('api')}---\n${service('web')}`;
    let pauses = 0;
    const b = await renderedBuildAsync(render('x', text), scan, async () => {
      pauses++;
    });
    assert.equal(pauses, 3);
    assert.deepEqual(
      b.manifests[0]!.objects.map((o) => o.name),
      renderedBuild(render('x', text), scan).manifests[0]!.objects.map((o) => o.name),
    );
    assert.equal(b.references![0]!.length, 1);
  });

  it('places every reference of a render in its source file, with its rendered text', () => {
    const text = client('api.back:80');
    const placed = placeReferences(renderedBuild(render('front', text), scan));
    assert.deepEqual(
      placed.map((p) => [p.rendered, p.place.file, p.place.line, p.place.column, p.place.produced]),
      [['api.back:80', '/src/front.yaml', lineOf(text, 'api.back:80'), text.split('\n')[lineOf(text, 'api.back:80') - 1]!.indexOf('api') + 1, 'literal']],
    );
  });
});

describe('analysing builds again after a change (the language server, a pass per change)', () => {
  /** The findings as `codes` shows them, and the builds whose manifests were analysed in this pass. */
  const pass = async (builds: Build[], memo: BuildsMemo) => {
    const analysed: string[] = [];
    let pauses = 0;
    const result = await analyzeBuildsAsync(builds, { ...options, analyzed: (m) => analysed.push(m.uri.split('/')[2]!) }, async () => void pauses++, memo);
    const found = result.findings.map((f) => [f.finding.code, f.place.file, f.place.line, f.builds.join(' + ')]);
    return { found, analysed, pauses };
  };

  it('in steps, with the result of one synchronous call', async () => {
    const text = `${client('apii:80')}---\n${service('api')}`;
    const builds = () => [renderedBuild(render('a', text, '/src/base.yaml'), scan), renderedBuild(render('b', text, '/src/base.yaml'), scan)];
    const got = await pass(builds(), new BuildsMemo());
    assert.deepEqual(got.found, codes(builds()));
    assert.equal(got.found.length, 1);
    assert.ok(got.pauses >= 4, `${got.pauses} pauses`);
  });

  it('analyses only the builds that changed, and those that asked the others; the findings are those of a full analysis', async () => {
    const memo = new BuildsMemo();
    const front = render('front', client('api.back:80'));
    // lone's client reaches its own Service's pods: its own objects answer every question about it.
    const web = service('web').replace('spec:\n', 'spec:\n  selector: {app: web}\n');
    const pods =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: w\n        ports:\n        - containerPort: 80\n';
    const lone = render('lone', `${client('web:80')}---\n${web}---\n${pods}`);
    const back = render('back', service('api', 'back'));
    const builds = (b: RenderResult) => [renderedBuild(front, scan), renderedBuild(lone, scan), renderedBuild(b, scan)];

    const first = await pass(builds(back), memo);
    assert.deepEqual(first.analysed, ['front', 'lone', 'back']);
    assert.deepEqual(first.found, []);

    // The same renders again (a file saved unchanged): nothing is analysed, the result is the same.
    const same = await pass(builds({ ...back, fromCache: true }), memo);
    assert.deepEqual(same.analysed, []);
    assert.deepEqual(same.found, first.found);

    // back's api now listens on 8080: front's name was answered by back, so front is analysed again and its port is
    // broken now; lone answers its own name and is not analysed again.
    const renamed = render('back', service('api', 'back').replace('port: 80', 'port: 8080'));
    const after = await pass(builds(renamed), memo);
    assert.deepEqual(after.analysed, ['front', 'back']);
    assert.deepEqual(after.found, codes(builds(renamed)));
    assert.deepEqual(
      after.found.map((f) => [f[0], f[1]]),
      [['NL003', '/src/front.yaml']],
    );

    // A build removed counts as a change too; new options start afresh.
    const removed = await pass([renderedBuild(front, scan), renderedBuild(lone, scan)], memo);
    assert.deepEqual(removed.analysed, ['front']);
    assert.deepEqual(removed.found, codes([renderedBuild(front, scan), renderedBuild(lone, scan)]));
    const analysed: string[] = [];
    await analyzeBuildsAsync(
      [renderedBuild(front, scan), renderedBuild(lone, scan)],
      { ...options, defaultNamespace: 'other', analyzed: (m) => analysed.push(m.uri) },
      async () => {},
      memo,
    );
    assert.equal(analysed.length, 2);
  });

  it('a source edited without a change of the rendered text (its places moved) is analysed again', async () => {
    const memo = new BuildsMemo();
    const text = `${client('apii:80')}---\n${service('api')}`;
    const a = render('a', text);
    await pass([renderedBuild(a, scan)], memo);
    // Same text, a new map (the render was made again from changed inputs).
    const again = await pass([renderedBuild({ ...a, map: { ...a.map } }, scan)], memo);
    assert.deepEqual(again.analysed, ['a']);
  });
});
