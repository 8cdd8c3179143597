// NetLens in Neovim, end to end: Debian's Neovim, headless, set up as a person sets it up (init.lua), driven by a
// Lua script through Neovim's own LSP client (e2e.lua) on a copy of the sample workspace, against
// `netlens-lsp --stdio`. The script waits for each outcome and reports what it saw; the assertions are here.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../support/repo';

const root = repoRoot();
const here = join(root, 'test', 'nvim');

interface Report {
  readonly nvim: string;
  readonly steps: { name: string; ok: boolean; error: string | null }[];
  readonly declared: { configuration: boolean; watchRegistration: boolean };
  readonly requests: string[];
  readonly logs: { type: number; message: string }[];
  readonly opened?: string[];
  readonly messages?: Record<string, string>;
  readonly hover?: { kind: string; value: string };
  readonly hover_window?: string[];
  readonly definition?: { file: string; line: number; character: number; text: string };
  readonly fixes?: string[];
  readonly fixed_line?: string;
  readonly after_fix?: string[];
  readonly after_disk?: string[];
}

describe('Neovim', { timeout: 120_000 }, () => {
  let tmp = '';
  let report: Report;
  let status: number | null = null;
  let stderr = '';

  before(async () => {
    if (!existsSync(join(root, 'dist', 'server.js'))) {
      const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, `bundling failed: ${r.stderr}`);
    }
    tmp = mkdtempSync(join(tmpdir(), 'netlens-nvim-'));
    const ws = join(tmp, 'workspace');
    cpSync(join(root, 'test', 'sample-workspace'), ws, { recursive: true });
    cpSync(join(here, 'front.yaml'), join(ws, 'front.yaml'));
    // `netlens-lsp` on PATH, as `npm link` puts it there.
    mkdirSync(join(tmp, 'bin'));
    symlinkSync(join(root, 'bin', 'netlens-lsp.js'), join(tmp, 'bin', 'netlens-lsp'));
    const xdg = join(tmp, 'xdg');
    const env = {
      ...process.env,
      PATH: `${join(tmp, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
      // Neovim's state, caches and LSP log stay in the temporary folder; no kubeconfig is found.
      XDG_CONFIG_HOME: join(xdg, 'config'),
      XDG_DATA_HOME: join(xdg, 'data'),
      XDG_STATE_HOME: join(xdg, 'state'),
      XDG_CACHE_HOME: join(xdg, 'cache'),
      KUBECONFIG: join(tmp, 'no-kubeconfig'),
      NETLENS_NVIM_REPORT: join(tmp, 'report.json'),
      NETLENS_NVIM_ORDERS: join(here, 'orders.yaml'),
    };
    const nvim = spawn('nvim', ['--headless', '-n', '-i', 'NONE', '-u', join(here, 'init.lua'), '-c', `luafile ${join(here, 'e2e.lua')}`], {
      cwd: ws,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    nvim.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    status = await new Promise<number | null>((resolve, reject) => {
      nvim.on('error', reject);
      nvim.on('exit', (code) => resolve(code));
    });
    report = JSON.parse(readFileSync(join(tmp, 'report.json'), 'utf8')) as Report;
  });

  after(() => {
    if (tmp && !process.env.NETLENS_KEEP) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs every step of the script', () => {
    const failed = report.steps.filter((s) => !s.ok);
    assert.deepEqual(failed, [], `Neovim ${report.nvim}: ${stderr}`);
    assert.equal(status, 0, stderr);
    assert.equal(report.steps.length, 6);
  });

  it('opens a manifest: the server starts for the YAML buffer and publishes its diagnostics', () => {
    // Lines and columns 0-based: the port 9999 of API_ADDR and the name orders of ORDERS_ADDR.
    assert.deepEqual(report.opened, ['NL001@22:21', 'NL003@20:30']);
    assert.match(report.messages!.NL003!, /Service shop\/api does not expose port 9999/);
    assert.match(report.messages!.NL001!, /No Service "orders" in namespace shop/);
  });

  it('hovers in markdown that Neovim shows as written: code spans, a table, nothing escaped', () => {
    assert.equal(report.hover!.kind, 'markdown', 'Neovim declares markdown');
    const value = report.hover!.value;
    assert.match(value, /^`api\.shop:9999` → `api\.shop\.svc\.cluster\.local\.`\n- A _\(allocated by the cluster\)_\n/);
    assert.match(value, /^\*\*Service\*\* `shop\/api` · ClusterIP · _cluster IP allocated by the cluster_$/m);
    assert.match(value, /^\| 8080 \| `http` \| TCP \| `http` \|$/m);
    assert.match(value, /^Endpoints: 2 ready$/m);
    assert.doesNotMatch(value, /\\/, 'no backslash escapes');
    // The floating window shows the same lines.
    assert.ok(
      report.hover_window!.some((l) => l.includes('`shop/api`')),
      report.hover_window!.join('\n'),
    );
    assert.ok(!report.hover_window!.some((l) => l.includes('\\')), report.hover_window!.join('\n'));
  });

  it('goes to the definition: the Service in the sample workspace', () => {
    const shop = readFileSync(join(root, 'test', 'sample-workspace', 'shop.yaml'), 'utf8').split('\n');
    const line = shop.findIndex((l, i) => l === '  name: api' && shop[i - 2] === 'kind: Service');
    assert.ok(line > 0);
    assert.deepEqual(report.definition, { file: 'shop.yaml', line, character: 8, text: '  name: api' });
  });

  it('applies the preferred quick fix, and the diagnostic goes away', () => {
    assert.equal(report.fixes![0], 'Change the port to 8080');
    assert.equal(report.fixed_line, '              value: api.shop:8080');
    assert.deepEqual(report.after_fix, ['NL001@22:21']);
  });

  it("sees a manifest written on disk: the open buffer's diagnostics follow", () => {
    assert.deepEqual(report.after_disk, []);
    if (!report.declared.watchRegistration) {
      // Neovim does not watch files for the server: the server watched the folder itself.
      assert.ok(!report.requests.includes('client/registerCapability'));
    }
  });

  it('is asked only for what Neovim declared, and the server logs no error', () => {
    if (!report.declared.configuration)
      assert.ok(!report.requests.includes('workspace/configuration'), `Neovim ${report.nvim} does not declare workspace/configuration`);
    assert.deepEqual(
      report.logs.filter((l) => l.type === 1),
      [],
    );
    assert.ok(
      report.logs.some((l) => /^Workspace: 3 YAML files read in \d+ ms\.$/.test(l.message)),
      JSON.stringify(report.logs),
    );
  });
});
