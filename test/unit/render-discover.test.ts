// What a folder holds for rendering (charts, Kustomize entry points, plain manifests), which tool would run, and
// which values files a chart gets. File system fixtures in a temporary folder; no tool is run.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discover } from '../../src/render/discover';
import { kustomizationGraph, readKustomization } from '../../src/render/kustomization';
import { Renderer, resolveValuesFiles } from '../../src/render/renderer';
import { findTool } from '../../src/render/tools';

let root = '';
function write(rel: string, text: string): string {
  const f = join(root, rel);
  mkdirSync(dirname(f), { recursive: true });
  writeFileSync(f, text);
  return f;
}

const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n  - port: 80\n`;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'netlens-discover-'));
  // A chart with a vendored sub-chart and a library chart.
  write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 1.0.0\n');
  write('charts/web/values.yaml', 'replicas: 1\n');
  write('charts/web/ci/a-values.yaml', 'replicas: 2\n');
  write('charts/web/ci/b-values.yaml', 'replicas: 3\n');
  write('charts/web/ci/notes.txt', 'not values\n');
  write('charts/web/templates/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n');
  write('charts/web/charts/db/Chart.yaml', 'apiVersion: v2\nname: db\nversion: 1.0.0\n');
  write('charts/web/charts/db/templates/svc.yaml', 'kind: Service\n');
  write('charts/lib/Chart.yaml', 'apiVersion: v2\nname: lib\ntype: library\nversion: 1.0.0\n');
  // A Kustomize tree: a base, a component, two overlays, one of which includes the other's patch file.
  write('k/base/kustomization.yaml', 'resources:\n- api.yaml\n- db.yaml\n');
  write('k/base/api.yaml', service('api'));
  write('k/base/db.yaml', service('db'));
  write('k/components/cache/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- cache.yaml\n');
  write('k/components/cache/cache.yaml', service('cache'));
  write(
    'k/overlays/dev/kustomization.yaml',
    'resources:\n- ../../base\n#- disabled.yaml\ncomponents:\n- ../../components/cache\npatches:\n- path: replicas.yaml\n- patch: |-\n    kind: Service\n    metadata:\n      name: api\n',
  );
  write('k/overlays/dev/replicas.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n');
  write(
    'k/overlays/prod/Kustomization',
    'resources:\n- ../../base\n- https://example.com/remote.yaml\nconfigMapGenerator:\n- name: cfg\n  files:\n  - app.properties\n  envs:\n  - env.txt\n',
  );
  write('k/overlays/prod/app.properties', 'a=b\n');
  write('k/overlays/prod/env.txt', 'A=B\n');
  // Plain manifests, beside and inside the trees.
  write('plain/web.yaml', service('web'));
  // Listed only in a comment of its folder's kustomization: switched off. Listed nowhere, or below: plain.
  write('k/overlays/dev/disabled.yaml', service('disabled'));
  write('k/overlays/dev/unused.yml', service('unused'));
  write('k/overlays/dev/extra/more.yaml', service('more'));
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('discovery', () => {
  it('finds charts (not their sub-charts, not library charts), entry points (not bases or components) and plain files', async () => {
    const d = await discover([root]);
    assert.deepEqual(
      d.charts.map((c) => [c.dir.slice(root.length), c.name]),
      [['/charts/web', 'web']],
    );
    assert.deepEqual(
      d.skipped.map((s) => s.file.slice(root.length)),
      ['/charts/lib/Chart.yaml'],
    );
    assert.deepEqual(d.kustomizations.map((k) => k.entryFile.slice(root.length)).sort(), [
      '/k/overlays/dev/kustomization.yaml',
      '/k/overlays/prod/Kustomization',
    ]);
    assert.deepEqual(d.plainFiles.map((f) => f.slice(root.length)).sort(), [
      '/k/overlays/dev/extra/more.yaml',
      '/k/overlays/dev/unused.yml',
      '/plain/web.yaml',
    ]);
    assert.deepEqual(
      d.leftOut.map((f) => f.slice(root.length)),
      ['/k/overlays/dev/disabled.yaml'],
    );
    assert.deepEqual(d.kustomizeInputs.map((f) => f.slice(root.length)).sort(), [
      '/k/base/api.yaml',
      '/k/base/db.yaml',
      '/k/components/cache/cache.yaml',
      '/k/overlays/dev/replicas.yaml',
    ]);
  });

  it('walks a folder given twice, or inside another given, once', async () => {
    const once = await discover([root]);
    const twice = await discover([join(root, 'charts'), root, root]);
    assert.deepEqual(
      [twice.charts.length, twice.kustomizations.length, twice.plainFiles.length],
      [once.charts.length, once.kustomizations.length, once.plainFiles.length],
    );
  });

  it('reads what a kustomization refers to, and refuses remote resources', () => {
    const prod = readKustomization(join(root, 'k/overlays/prod/Kustomization'));
    assert.deepEqual(prod.remote, ['https://example.com/remote.yaml']);
    assert.deepEqual(
      prod.otherFiles.map((f) => f.slice(root.length)),
      ['/k/overlays/prod/app.properties', '/k/overlays/prod/env.txt'],
    );
    const dev = readKustomization(join(root, 'k/overlays/dev/kustomization.yaml'));
    assert.equal(dev.patches.length, 2);
    assert.equal(dev.patches[1]!.inline?.value, 'kind: Service\nmetadata:\n  name: api');
    const graph = kustomizationGraph(dev.file).map((k) => k.file.slice(root.length));
    assert.deepEqual(graph, ['/k/overlays/dev/kustomization.yaml', '/k/base/kustomization.yaml', '/k/components/cache/kustomization.yaml']);
  });
});

describe('values files and tools', () => {
  it('resolves values globs inside the chart folder only, never a URL', () => {
    const chart = join(root, 'charts/web');
    const outside = write('elsewhere/values.yaml', 'x: 1\n');
    write('elsewhere/other.yaml', 'x: 2\n');
    assert.deepEqual(
      resolveValuesFiles(chart, ['ci/*-values.yaml', '../../elsewhere/other.yaml', 'https://example.com/v.yaml', outside, 'missing.yaml']).map((f) =>
        f.slice(root.length),
      ),
      ['/charts/web/ci/a-values.yaml', '/charts/web/ci/b-values.yaml', '/elsewhere/values.yaml'],
    );
  });

  it('finds tools on absolute PATH entries only, and takes explicit paths only when absolute and executable', () => {
    const bin = join(root, 'bin');
    const helm = write('bin/helm', '#!/bin/sh\nexit 0\n');
    chmodSync(helm, 0o755);
    write('bin/kustomize', 'not executable');
    assert.deepEqual(findTool('helm', undefined, `bin:${bin}`), { name: 'helm', path: helm, from: 'PATH' });
    assert.equal(findTool('helm', undefined, 'bin'), undefined, 'a relative PATH entry is never searched');
    assert.equal(findTool('kustomize', undefined, bin), undefined);
    assert.ok('error' in (findTool('helm', 'bin/helm', '') as object));
    assert.deepEqual(findTool('helm', helm, ''), { name: 'helm', path: helm, from: 'setting' });
  });

  it('reports a missing tool once, with what it would have run, and renders nothing', async () => {
    const renderer = new Renderer({ searchPath: join(root, 'nowhere') });
    try {
      const d = await discover([root]);
      const results = await Promise.all([...d.charts, ...d.kustomizations].map((t) => renderer.render(t)));
      assert.ok(results.every((r) => r.text === '' && r.problems.length === 1 && r.problems[0]!.code === 'tool-missing'));
      const missing = renderer.missingTools();
      assert.deepEqual(missing.map((m) => [m.tool, m.wouldRun.length]).sort(), [
        ['helm', 1],
        ['kustomize', 2],
      ]);
      assert.match(missing.find((m) => m.tool === 'helm')!.wouldRun[0]!, /^helm template release \S+\/charts\/web --namespace web$/);
    } finally {
      renderer.dispose();
    }
  });
});
