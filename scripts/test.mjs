// The project's test command. `npm test` runs every tier; `npm test -- unit` (or `npm run test:unit`) one.
// Tiers: unit (pure code, no server; fast).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tiers = ['unit'];
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
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${title}: failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status || 1);
  }
}

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
step('Type-check and compile', process.execPath, [tsc, '-p', '.']);
step('Check that src/core uses no Node, vscode or client-node API', process.execPath, [tsc, '-p', 'src/core']);
step('Bundle', process.execPath, ['scripts/build.mjs']);
if (run.includes('unit')) {
  step('Unit tests', process.execPath, ['--test', '--test-reporter=spec', 'out/test/unit/']);
}
