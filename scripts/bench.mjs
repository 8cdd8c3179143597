// `npm run bench`: bundles test/bench/main.ts with esbuild and runs it under `node --expose-gc`, which the
// retained-heap figure needs. The benchmark prints figures and never fails on them.
//
//   npm run bench                      every figure
//   npm run bench -- --only=resolve    one part (memory, resolve, parse, check, reach, lsp, complete, start, live, ui; comma-separated)
//   npm run bench -- --queries=200000  fewer timed resolutions
//   npm run bench -- --cpu-prof        also write a CPU profile to out/bench/ (open it in Chrome DevTools)
//   npm run bench -- --only=check --gitops-dir=DIR   the generated 20,000-file repository written to DIR and kept
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { yamlWithoutEnvReads } from './yaml-env-plugin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'bench');
const outfile = join(outDir, 'bench.js');

await build({
  entryPoints: [join(root, 'test', 'bench', 'main.ts')],
  outfile,
  bundle: true,
  // Playwright finds its own files at run time: it stays a package.
  external: ['playwright-core'],
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  // As scripts/build.mjs: jsonc-parser's UMD entry cannot be bundled, its ES module build can.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  // As scripts/build.mjs: the yaml parser without its per-token environment reads.
  plugins: [yamlWithoutEnvReads],
});

const args = process.argv.slice(2);
const nodeFlags = ['--expose-gc', '--enable-source-maps'];
if (args.includes('--cpu-prof')) nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${outDir}`);
const benchArgs = [`--repo-root=${root}`, ...args.filter((a) => a !== '--cpu-prof')];

const r = spawnSync(process.execPath, [...nodeFlags, outfile, ...benchArgs], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
