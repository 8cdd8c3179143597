/**
 * NetLens where CI and commits meet it, each run the way its users run it, on the sample repository
 * (test/fixtures/sample-repo: one broken reference, at k8s/web.yaml line 22):
 *
 * - the npm package: `npm pack`, then `npm exec --package=<tarball> -- netlens check k8s/` in a clean folder,
 *   offline (the package must need nothing but itself);
 * - the pre-commit hook: Debian's `pre-commit try-repo` against this repository, which installs it as a node hook
 *   (npm install, npm pack, npm install -g) and runs it on a git repository holding the sample;
 * - the GitHub Action: the shell steps of action.yml run as the Actions runner runs them (`bash --noprofile
 *   --norc -eo pipefail`, inputs through `env`, GITHUB_OUTPUT and GITHUB_PATH files between steps), with the
 *   packed tarball as the package to install; the `uses:` steps are not run, and what they would get is checked.
 */
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { aptInstall, repoRoot } from './vscode';

const root = repoRoot();
const sample = join(root, 'test', 'fixtures', 'sample-repo');
const scratch = mkdtempSync(join(tmpdir(), 'netlens-ci-'));
const MESSAGE = 'No Service "apii" in namespace shop in the manifests; did you mean api?';
let tarball = '';

/** npm offline: everything must come from the tarball or npm's cache, as on a machine without the registry. */
const offline = { npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 300_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

/** A copy of the sample repository, optionally with the broken reference repaired. */
function sampleCopy(name: string, repaired = false): string {
  const dir = join(scratch, name);
  cpSync(sample, dir, { recursive: true });
  if (repaired) {
    const web = join(dir, 'k8s', 'web.yaml');
    writeFileSync(web, readFileSync(web, 'utf8').replace('apii.shop', 'api.shop'));
  }
  return dir;
}

before(() => {
  mkdirSync(join(scratch, 'empty-npm-cache'), { recursive: true });
  // The package as it would be published: npm pack runs the prepare script (the production bundles) first.
  const packed = run('npm', ['pack', '--pack-destination', scratch, '--loglevel=error'], root, offline);
  assert.equal(packed.status, 0, packed.stderr);
  const name = readdirSync(scratch).find((f) => /^netlens-.*\.tgz$/.test(f));
  assert.ok(name, `npm pack wrote no tarball: ${packed.stdout}`);
  tarball = join(scratch, name);
});

after(() => rmSync(scratch, { recursive: true, force: true }));

describe('the npm package', () => {
  it('holds the commands and their bundles, and nothing of the sources, tests or corpus', () => {
    const list = run('tar', ['-tzf', tarball], scratch);
    const files = list.stdout
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''))
      .sort();
    for (const f of [
      'bin/netlens.js',
      'bin/netlens-lsp.js',
      'dist/cli.js',
      'dist/cli-cluster.js',
      'dist/check-worker.js',
      'dist/server.js',
      'dist/server-main.js',
      'dist/kube-client.js',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'package.json',
    ])
      assert.ok(files.includes(f), `${f} is packed`);
    assert.deepEqual(
      files.filter((f) => /^(src|test|scripts|node_modules)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts')),
      [],
    );
    const manifest = JSON.parse(run('tar', ['-xOzf', tarball, 'package/package.json'], scratch).stdout) as Record<string, unknown>;
    assert.equal(manifest.dependencies, undefined, 'the bundles carry their dependencies');
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.license, 'Apache-2.0');
  });

  it('npm exec --package=<tarball> -- netlens check k8s/ works from a clean folder, offline', () => {
    const repo = sampleCopy('npx');
    const r = run('npm', ['exec', '--yes', `--package=${tarball}`, '--', 'netlens', 'check', 'k8s/'], repo, {
      ...offline,
      npm_config_cache: join(scratch, 'empty-npm-cache'),
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, ['k8s/web.yaml', `  22:29  error  NL001  ${MESSAGE}`, '', '2 files checked: 1 error, 0 warnings in 1 file.', ''].join('\n'));
  });
});

describe('the pre-commit hook (Debian pre-commit, try-repo against this repository)', () => {
  it('reports the broken reference at its line and fails the commit', { timeout: 900_000 }, () => {
    aptInstall(['pre-commit', 'git']);
    // try-repo takes the repository's tracked files with their uncommitted changes; the hook manifest must be tracked.
    const tracked = run('git', ['ls-files', '--error-unmatch', '.pre-commit-hooks.yaml', 'package.json'], root);
    assert.equal(tracked.status, 0, '.pre-commit-hooks.yaml is tracked');
    const repo = sampleCopy('pre-commit');
    for (const args of [
      ['init', '-q'],
      ['add', '.'],
    ])
      assert.equal(run('git', args, repo).status, 0);
    // Each try-repo installs the hook anew (npm install of the repository, npm pack, npm install -g: about two
    // minutes here), so the passing case is left to the action's tests, which run the same command.
    const r = run(
      'pre-commit',
      ['try-repo', root, 'netlens-check', '--all-files'],
      repo,
      { ...offline, PRE_COMMIT_HOME: join(scratch, 'pre-commit-home') },
      900_000,
    );
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 1, out);
    assert.match(out, /netlens check\.+Failed/);
    assert.match(out, new RegExp(`k8s/web\\.yaml\\n {2}22:29 {2}error {2}NL001 {2}${MESSAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, string>;
}

interface ActionRun {
  /** 0 when every step passed, else 1, as the job's conclusion. */
  readonly status: number;
  readonly log: string;
  readonly outputs: Record<string, Record<string, string>>;
  /** The `uses:` steps that would have run, with their evaluated `with:`. */
  readonly uses: { uses: string; with: Record<string, string> }[];
}

/**
 * Runs action.yml's steps as the Actions runner would, for the expressions this action uses: `inputs.*`,
 * `steps.<id>.outputs.*`, `always()`, `==`, `!=` and `&&`.
 */
function runAction(workspace: string, given: Record<string, string>): ActionRun {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { steps: Step[] } };
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.inputs)) inputs[k] = given[k] ?? v.default ?? '';
  const outputs: Record<string, Record<string, string>> = {};
  const temp = mkdtempSync(join(scratch, 'runner-'));
  const pathFile = join(temp, 'github_path');
  writeFileSync(pathFile, '');
  const value = (expr: string): string => {
    const e = expr.trim();
    let m = /^inputs\.([\w-]+)$/.exec(e);
    if (m) return inputs[m[1]!] ?? '';
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e);
    if (m) return outputs[m[1]!]?.[m[2]!] ?? '';
    m = /^'(.*)'$/.exec(e);
    if (m) return m[1]!;
    throw new Error(`expression not handled by this test's runner: ${e}`);
  };
  const interpolate = (s: string) => s.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => value(e));
  let failed = false;
  const condition = (expr: string | undefined): boolean => {
    const terms = (expr ?? 'success()')
      .replace(/^\$\{\{(.*)\}\}$/, '$1')
      .split('&&')
      .map((t) => t.trim());
    if (!terms.includes('always()') && failed) return false;
    return terms.every((t) => {
      if (t === 'always()' || t === 'success()') return true;
      const m = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(t);
      if (!m) throw new Error(`condition not handled by this test's runner: ${t}`);
      return (value(m[1]!) === value(m[3]!)) === (m[2] === '==');
    });
  };
  let log = '';
  const uses: ActionRun['uses'] = [];
  action.runs.steps.forEach((step, i) => {
    if (!condition(step.if)) {
      log += `-- skipped: ${step.name}\n`;
      return;
    }
    if (step.uses) {
      uses.push({ uses: step.uses, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v))])) });
      return;
    }
    assert.equal(step.shell, 'bash', `step ${step.name} runs in bash`);
    const script = join(temp, `step-${i}.sh`);
    writeFileSync(script, step.run!);
    const outputFile = join(temp, `output-${i}`);
    writeFileSync(outputFile, '');
    const added = readFileSync(pathFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .reverse();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...offline,
      PATH: [...added, process.env.PATH].join(delimiter),
      GITHUB_ACTION_PATH: root,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_PATH: pathFile,
      RUNNER_TEMP: temp,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v))])),
    };
    delete env.NO_COLOR;
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env, encoding: 'utf8', timeout: 300_000 });
    log += `-- ${step.name} (exit ${r.status})\n${r.stdout}${r.stderr}`;
    if (step.id) {
      outputs[step.id] = {};
      for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) outputs[step.id][line.slice(0, eq)] = line.slice(eq + 1);
      }
    }
    if (r.status !== 0) failed = true;
  });
  return { status: failed ? 1 : 0, log, outputs, uses };
}

describe('the GitHub Action (action.yml, its shell steps)', () => {
  it('installs netlens, writes SARIF with the finding at its line, hands it to upload-sarif, and fails the job', () => {
    const repo = sampleCopy('action-broken');
    const r = runAction(repo, { paths: 'k8s', 'netlens-package': tarball });
    assert.equal(r.status, 1, r.log);
    assert.deepEqual(r.outputs.check, { 'sarif-file': 'netlens.sarif', 'exit-code': '1' }, r.log);
    const sarif = JSON.parse(readFileSync(join(repo, 'netlens.sarif'), 'utf8'));
    assert.deepEqual(
      sarif.runs[0].results.map((x: any) => [
        x.ruleId,
        x.level,
        x.locations[0].physicalLocation.artifactLocation.uri,
        x.locations[0].physicalLocation.region.startLine,
        x.message.text,
      ]),
      [['NL001', 'error', 'k8s/web.yaml', 22, MESSAGE]],
    );
    assert.deepEqual(
      r.uses.map((u) => u.uses),
      ['actions/setup-node@v4', 'github/codeql-action/upload-sarif@v3'],
    );
    assert.deepEqual(r.uses[1]!.with, { sarif_file: 'netlens.sarif', category: 'netlens' });
    assert.match(r.log, /k8s\/web\.yaml\n {2}22:29 {2}error {2}NL001/, 'the findings are in the log as text');
    assert.match(r.log, /::error title=netlens check::The manifests have broken references/);
  });

  it('passes with fail-on-error false, and without findings', () => {
    const lenient = runAction(sampleCopy('action-lenient'), { paths: 'k8s', 'netlens-package': tarball, 'fail-on-error': 'false' });
    assert.equal(lenient.status, 0, lenient.log);
    assert.equal(lenient.outputs.check!['exit-code'], '1');
    const clean = runAction(sampleCopy('action-clean', true), { 'netlens-package': tarball });
    assert.equal(clean.status, 0, clean.log);
    assert.equal(clean.outputs.check!['exit-code'], '0');
    assert.match(clean.log, /netlens check: no errors\./);
  });

  it('fails when netlens check cannot check (bad arguments), whatever fail-on-error says; upload is skipped when asked', () => {
    const r = runAction(sampleCopy('action-bad'), {
      paths: 'k8s',
      args: '--pod-records nonsense',
      'netlens-package': tarball,
      'fail-on-error': 'false',
      'upload-sarif': 'false',
    });
    assert.equal(r.status, 1, r.log);
    assert.equal(r.outputs.check!['exit-code'], '2');
    assert.match(r.log, /could not check the manifests \(exit status 2\)/);
    assert.deepEqual(
      r.uses.map((u) => u.uses),
      ['actions/setup-node@v4'],
    );
  });

  it('takes an input with shell syntax as text, never as a command', () => {
    const repo = sampleCopy('action-injection');
    const r = runAction(repo, { paths: 'k8s $(touch pwned) `touch pwned2`', 'netlens-package': tarball, 'upload-sarif': 'false' });
    assert.equal(existsSync(join(repo, 'pwned')) || existsSync(join(repo, 'pwned2')), false, r.log);
    assert.equal(r.outputs.check!['exit-code'], '2', 'the odd words are taken as paths that do not exist');
  });
});
