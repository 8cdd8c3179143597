// The project's test command. `npm test` runs every tier; `npm test -- unit` (or `npm run test:unit`) one.
// Before any tier: the formatter and linter (Biome; it also checks that src/core imports no Node, vscode, LSP or
// client-node module), that every imported package is declared (scripts/check-imports.mjs), that every translation
// table has every key and no other (scripts/check-l10n.mjs), that no function in src
// is longer than 80 lines without a reason stated above it (scripts/function-lengths.mjs), the type checks and the
// bundles.
// Tiers:
//   unit  in-process tests of the code: no server, no child process.
//   integration  the CLI and the language server as child processes (stdio, exit statuses, output formats), and
//         the package as npm and vsce see it.
//   fuzz  property tests with fast-check (test/fuzz): generated names and IPs through the name grammar and the
//         resolver, damaged real manifests through the parser, the reference scan and the checks, random edits and
//         requests through the language server over stdio. Counts sized for CI (under a minute); `npm test -- fuzz
//         --full` runs the full counts (10^6 names, 10^4 manifests, 10^4 edits; NETLENS_FUZZ=full does the same).
//   nvim  the language server in Debian's Neovim, headless, driven by a Lua script through Neovim's own LSP client
//         (test/nvim): hover, diagnostics, a quick fix, definition, a file changed on disk. Neovim is installed
//         with apt on first use when missing (as root, as .ci/run installs its tools).
//   live  a real control plane (etcd, kube-apiserver, kube-controller-manager, CoreDNS) on loopback, built
//         from the Go module proxy on first use and cached (test/cluster/build.sh); the differential test
//         against CoreDNS, the fault tests, live objects. A plane already running is reused; one started here
//         (by this tier or the e2e tier) is stopped at the end.
//   oracle  differential tests against independent implementations (cyclonus for NetworkPolicy), built from the
//         Go module proxy on first use and cached (test/tools/build.sh); no cluster.
//   render  Helm charts and Kustomize trees of the corpus rendered by helm and kustomize, built from the Go module
//           proxy on first use and cached (test/tools/build.sh); the source maps, netlens check on folders.
//   e2e   real VS Code in the browser: the packaged extension (npm run package) in code-server, driven by
//         Playwright in Debian's Chromium (test/e2e). code-server is installed from npm on first use and cached
//         (~/.cache/netlens/code-server-*), Chromium with apt. Screenshots go to test-results/e2e/.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tiers = ['unit', 'integration', 'fuzz', 'nvim', 'live', 'oracle', 'render', 'e2e'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const w of wanted) {
  if (!tiers.includes(w)) {
    console.error(`Unknown test tier "${w}"; the tiers are: ${tiers.join(', ')}.`);
    process.exit(2);
  }
}
const run = wanted.length > 0 ? wanted : tiers;

function step(title, cmd, args, env = {}) {
  console.log(`\n== ${title}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`== ${title}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) {
    console.error(`\n${title}: failed (exit ${r.status ?? r.signal}).`);
    return false;
  }
  return true;
}

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
/** The compiled test files of a tier (helpers beside them are not tests). */
const testFiles = (tier) =>
  readdirSync(join(root, 'out', 'test', tier))
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => join('out', 'test', tier, f));
const biome = join(root, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
const ok =
  step('Format, lint, and the import boundary of src/core (biome ci)', process.execPath, [biome, 'ci', '.']) &&
  step('Every imported package declared in package.json', process.execPath, ['scripts/check-imports.mjs']) &&
  step('Every translation table complete (package.nls, l10n bundles)', process.execPath, ['scripts/check-l10n.mjs']) &&
  step('No function in src longer than 80 lines without a reason', process.execPath, ['scripts/function-lengths.mjs']) &&
  step('Type-check and compile', process.execPath, [tsc, '-p', '.']) &&
  step('Type-check src/core without Node types', process.execPath, [tsc, '-p', 'src/core']) &&
  step('Type-check the extension with its own settings', process.execPath, [tsc, '-p', 'src/extension']) &&
  step('Type-check the webview (DOM, no Node)', process.execPath, [tsc, '-p', 'src/webview']) &&
  step('Bundle', process.execPath, ['scripts/build.mjs']);
if (!ok) process.exit(1);

let failed = false;
if (run.includes('unit')) {
  failed = !step('Unit tests', process.execPath, ['--test', '--test-reporter=spec', ...testFiles('unit')]) || failed;
}
if (run.includes('integration')) {
  failed =
    !step('Integration tests (the CLI and the language server as processes)', process.execPath, [
      '--test',
      '--test-reporter=spec',
      ...testFiles('integration'),
    ]) || failed;
}
if (run.includes('fuzz')) {
  const full = process.argv.includes('--full') || process.env.NETLENS_FUZZ === 'full';
  failed =
    !step(
      `Fuzz tests (fast-check${full ? ', full counts' : ''})`,
      process.execPath,
      ['--test', '--test-concurrency=1', '--test-reporter=spec', ...testFiles('fuzz')],
      full ? { NETLENS_FUZZ: 'full' } : {},
    ) || failed;
}
if (run.includes('nvim')) {
  const hasNvim = () => spawnSync('nvim', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasNvim() && process.getuid?.() === 0) {
    step('Neovim (Debian package, installed on first use)', 'bash', ['-c', 'apt-get update -qq && apt-get install -y -qq neovim'], {
      DEBIAN_FRONTEND: 'noninteractive',
    });
  }
  if (hasNvim()) {
    failed =
      !step('Neovim end-to-end tests (headless, its own LSP client)', process.execPath, ['--test', '--test-reporter=spec', ...testFiles('nvim')]) || failed;
  } else {
    console.error("\nNeovim end-to-end tests: nvim is missing; install Debian's neovim package (apt-get install neovim).");
    failed = true;
  }
}
// A control plane already running is reused and left running; one started by a tier here is stopped at the end.
const up = join(root, 'test', 'cluster', 'up.sh');
const planeWasUp = spawnSync('bash', [up, '--check'], { cwd: root, stdio: 'ignore' }).status === 0;
if (run.includes('live')) {
  // A start that fails is tried once more (up.sh clears what a failed start left): a component that exits during
  // startup has been seen once in CI, and not again in a dozen starts here; its log's tail is printed above.
  const started =
    step('Control plane (build on first use, then start)', 'bash', [up], {}) || step('Control plane (second try after a failed start)', 'bash', [up], {});
  if (started) {
    failed =
      !step('Live tests (control plane, CoreDNS)', process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...testFiles('live')]) ||
      failed;
  } else {
    failed = true;
  }
}
if (run.includes('oracle')) {
  // The tools are built on first use (a warm run takes under a second) and handed to the tests by path.
  console.log('\n== Independent tools (built on first use, then cached)');
  const tools = spawnSync('bash', [join(root, 'test', 'tools', 'build.sh'), 'cyclonus'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (tools.status === 0) {
    const cyclonus = tools.stdout.trim().split('\n').pop();
    failed =
      !step('Oracle tests (cyclonus)', process.execPath, ['--test', '--test-reporter=spec', ...testFiles('oracle')], { NETLENS_CYCLONUS: cyclonus }) || failed;
  } else {
    console.error('\nIndependent tools: test/tools/build.sh cyclonus failed.');
    failed = true;
  }
}
if (run.includes('render')) {
  // The tools' paths (printed by build.sh, one a line) reach the tests through the environment.
  console.log('\n== helm and kustomize (built on first use, then cached)');
  const built = spawnSync('bash', [join(root, 'test', 'tools', 'build.sh'), 'helm', 'kustomize'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const [helm, kustomize] = (built.stdout ?? '').trim().split('\n');
  if (built.status === 0 && helm && kustomize) {
    failed =
      !step('Render tests (helm, kustomize)', process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...testFiles('render')], {
        NETLENS_HELM: helm,
        NETLENS_KUSTOMIZE: kustomize,
      }) || failed;
  } else {
    console.error(`\nhelm and kustomize: build failed (exit ${built.status ?? built.signal}).`);
    failed = true;
  }
}
if (run.includes('e2e')) {
  const ready =
    step('Package the extension (npm run package)', 'npm', ['run', '--silent', 'package']) &&
    step('code-server and Chromium (installed on first use, then cached)', process.execPath, [join('out', 'test', 'e2e', 'install.js')]);
  if (ready) {
    failed =
      !step('End-to-end tests (code-server, Playwright, Chromium)', process.execPath, [
        '--test',
        '--test-concurrency=1',
        '--test-reporter=spec',
        ...testFiles('e2e'),
      ]) || failed;
  } else {
    failed = true;
  }
}
if (!planeWasUp && spawnSync('bash', [up, '--check'], { cwd: root, stdio: 'ignore' }).status === 0) {
  step('Stop the control plane', 'bash', [join(root, 'test', 'cluster', 'down.sh')]);
}
process.exit(failed ? 1 : 0);
