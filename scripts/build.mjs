// Bundles each entry point with esbuild: the CLI, the extension, the language server and the map's webview.
// `--production` minifies; `--watch` rebuilds on every change (the F5 launch configuration runs it as a task).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { context } from 'esbuild';
import { yamlWithoutEnvReads } from './yaml-env-plugin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // jsonc-parser's main entry is a UMD module whose requires esbuild cannot follow; its ES module build bundles.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  plugins: [yamlWithoutEnvReads],
};

/**
 * The command line's live-cluster modules (src/cli/cluster.ts, with the Kubernetes client) in a bundle of their own,
 * dist/cli-cluster.js, which dist/cli.js requires only when a command reads a cluster: they are two thirds of the
 * command's code, and compiling them on every start was a tenth of a `netlens check`.
 */
const cliClusterApart = {
  name: 'cli-cluster-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/cluster$/ }, (args) =>
      /[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.importer) ? { path: './cli-cluster.js', external: true } : undefined,
    );
  },
};

/**
 * The Kubernetes client in a bundle of its own, dist/kube-client.js, which dist/server-main.js requires only when it first
 * reads a cluster: it is a third of the server's code, and parsing it on every start delayed the answer to
 * `initialize` (process start → answer is what an editor waits for).
 */
const kubeClientApart = {
  name: 'kube-client-apart',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './kube-client.js', external: true }));
  },
};

/** The language server proper, dist/server-main.js, which its first stage dist/server.js loads (src/server/start.ts). */
const serverApart = {
  name: 'server-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/main$/ }, (args) =>
      /[\\/]src[\\/]server[\\/]start\.ts$/.test(args.importer) ? { path: './server-main.js', external: true } : undefined,
    );
  },
};

const builds = [
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', plugins: [...node.plugins, cliClusterApart] },
  { ...node, entryPoints: ['src/cli/cluster.ts'], outfile: 'dist/cli-cluster.js' },
  // The worker threads of `netlens check` (src/cli/check-threads.ts starts dist/check-worker.js beside dist/cli.js).
  { ...node, entryPoints: ['src/cli/check-worker.ts'], outfile: 'dist/check-worker.js' },
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The language server's first stage, which answers `initialize` before it loads the server (src/server/start.ts).
  { ...node, entryPoints: ['src/server/start.ts'], outfile: 'dist/server.js', plugins: [...node.plugins, serverApart] },
  { ...node, entryPoints: ['src/server/main.ts'], outfile: 'dist/server-main.js', plugins: [...node.plugins, kubeClientApart] },
  { ...node, entryPoints: ['src/cluster/kube-client.ts'], outfile: 'dist/kube-client.js' },
  // The network map's webview: browser code, one script (the page's CSP allows no other).
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
  },
];

const contexts = await Promise.all(builds.map((options) => context(options)));
if (watch) {
  // The line VS Code's problem matcher waits for (.vscode/tasks.json) before it starts the extension host.
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] build finished, watching for changes');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
