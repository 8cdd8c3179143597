// How the rendering tools are run: fake helm and kustomize programs (shell scripts) print what they were given,
// so the tests see the arguments and the whole environment of a run, and a hanging one meets the time limit.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discover } from '../../src/render/discover';
import { Renderer } from '../../src/render/renderer';

let root = '';
let bin = '';
let chart = '';
let overlay = '';

/**
 * A fake tool that answers with one ConfigMap holding its arguments and environment (as JSON in two keys), so
 * that the renderer parses it like any output. The args include the rendered folder; the sandbox has no PATH,
 * so the script uses nothing but shell builtins.
 */
const DUMP = `#!/bin/sh
printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: dump\\ndata:\\n  args: |\\n'
for a in "$@"; do printf '    %s\\n' "$a"; done
printf '  env: |\\n'
export -p | while IFS= read -r line; do printf '    %s\\n' "$line"; done
`;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'netlens-sandbox-'));
  bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'helm'), DUMP.replace("printf 'apiVersion", "printf -- '---\\n# Source: web/templates/dump.yaml\\n'\nprintf 'apiVersion"), {
    mode: 0o755,
  });
  writeFileSync(join(bin, 'kustomize'), DUMP, { mode: 0o755 });
  writeFileSync(join(bin, 'slow-helm'), '#!/bin/sh\nwhile :; do :; done\n', { mode: 0o755 });
  chart = join(root, 'web');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(
    join(chart, 'Chart.yaml'),
    'apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n- name: cache\n  version: 1.0.0\n  repository: https://example.com/charts\n  condition: cache.enabled\n',
  );
  writeFileSync(join(chart, 'values.yaml'), 'cache:\n  enabled: false\n');
  writeFileSync(join(chart, 'templates', 'dump.yaml'), 'kind: ConfigMap\n');
  overlay = join(root, 'overlay');
  mkdirSync(overlay);
  writeFileSync(join(overlay, 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
  writeFileSync(join(overlay, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function dumped(text: string, key: 'args' | 'env'): string[] {
  const m = new RegExp(`^  ${key}: \\|\\n((?:    .*\\n)*)`, 'm').exec(text);
  assert.ok(m, `no ${key} in the output:\n${text}`);
  return m[1]!
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(4));
}

describe('the tools run in a sandbox', () => {
  it('helm gets the chart, the release, its namespace and nothing that runs programs, with an environment of its own', async () => {
    process.env.NETLENS_TEST_SECRET = 'do-not-pass';
    const renderer = new Renderer({ helmPath: join(bin, 'helm'), searchPath: '', release: 'rel' });
    try {
      const r = await renderer.render((await discover([chart])).charts[0]!);
      assert.deepEqual(
        r.problems.map((p) => p.code),
        ['dependency-missing'],
      );
      const args = dumped(r.text, 'args');
      // The missing dependency is dropped from a mirror of the chart, so helm is given the mirror's folder.
      assert.equal(args[0], 'template');
      assert.equal(args[1], 'rel');
      assert.match(args[2]!, /netlens-render-.*\/chart-.*\/web$/);
      assert.deepEqual(args.slice(3), ['--namespace', 'web']);
      const env = dumped(r.text, 'env').join('\n');
      assert.doesNotMatch(env, /NETLENS_TEST_SECRET|do-not-pass/, 'nothing of the user environment reaches the tool');
      const value = (name: string) => new RegExp(`^export ${name}='?([^'\\n]*)'?$`, 'm').exec(env)?.[1];
      assert.equal(value('HELM_NO_PLUGINS'), '1');
      const plugins = value('HELM_PLUGINS')!;
      assert.equal(value('PATH'), plugins, 'PATH and HELM_PLUGINS are the same empty folder');
      assert.deepEqual(readdirSync(plugins), []);
      assert.match(value('KUBECONFIG')!, /no-kubeconfig$/);
      assert.equal(value('HTTPS_PROXY'), 'http://127.0.0.1:9');
      // The user's chart is untouched: its Chart.yaml still lists the dependency the mirror left out.
      assert.match(readFileSync(join(chart, 'Chart.yaml'), 'utf8'), /- name: cache/);
      // The map points the output at the template named in the # Source: header.
      assert.equal(r.map.sources[0]?.path, join(chart, 'templates', 'dump.yaml'));
    } finally {
      delete process.env.NETLENS_TEST_SECRET;
      renderer.dispose();
    }
  });

  it('kustomize builds a wrapper in a temporary folder that names the user folder, and passes no plugin flags', async () => {
    const renderer = new Renderer({ kustomizePath: join(bin, 'kustomize'), searchPath: '' });
    try {
      const r = await renderer.render((await discover([overlay])).kustomizations[0]!);
      // The fake output carries no origin annotation: the object is placed on the kustomization, and it says so.
      assert.deepEqual(
        r.problems.map((p) => p.code),
        ['unmapped-output'],
      );
      const args = dumped(r.text, 'args');
      assert.equal(args.length, 2);
      assert.equal(args[0], 'build');
      assert.match(args[1]!, /netlens-render-.*\/kustomize-/);
      assert.ok(!args.some((a) => /enable|exec|helm|plugin|network/.test(a)));
      assert.deepEqual(readdirSync(overlay).sort(), ['cm.yaml', 'kustomization.yaml'], 'nothing is written in the user folder');
    } finally {
      renderer.dispose();
    }
  });

  it('a render that does not finish in time is stopped and reported on Chart.yaml', async () => {
    const renderer = new Renderer({ helmPath: join(bin, 'slow-helm'), searchPath: '', timeoutMs: 300 });
    try {
      const started = Date.now();
      const r = await renderer.render((await discover([chart])).charts[0]!);
      assert.ok(Date.now() - started < 10_000);
      const timeout = r.problems.find((p) => p.code === 'render-timeout');
      assert.ok(timeout, JSON.stringify(r.problems));
      assert.equal(timeout.file, join(chart, 'Chart.yaml'));
      assert.equal(r.text, '');
    } finally {
      renderer.dispose();
    }
  });
});
