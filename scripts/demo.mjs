// `npm start`: NetLens in real VS Code, in the browser. Builds and packages the extension (netlens.vsix), installs
// code-server on first use (cached under ~/.cache/netlens), opens a copy of test/sample-workspace in it and prints
// the URL; then brings up the local control plane of test/cluster with sample workloads in the background (the
// first time its binaries are compiled from the Go module proxy, about 20 minutes on two cores). Until the cluster
// is up NetLens answers from the workspace manifests and its view says what is happening; then it switches to the
// cluster without a reload. Runs until Ctrl-C.
//
//   npm start                        everything
//   npm start -- --no-cluster        workspace mode: no control plane, answers from the manifests only
//   npm start -- --port 8088         the port to serve on (default 8088 when free, else any free port)
//   npm start -- --host 0.0.0.0      the address to bind (default 127.0.0.1; there is no password)
//   npm run demo:down                stop the demo's control plane
//   npm run demo:cli                 the `netlens` command's answers for the sample workspace, in the terminal
//
// The demo's control plane has its own state folder (NETLENS_DEMO_CLUSTER_DIR, default /tmp/netlens-demo-cluster),
// apart from the one the live tests use, so that its sample objects never meet the tests' fixture.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const startedAt = Date.now();
const clusterDir = process.env.NETLENS_DEMO_CLUSTER_DIR || '/tmp/netlens-demo-cluster';
const clusterEnv = { ...process.env, NETLENS_CLUSTER_DIR: clusterDir };

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].slice(name.length + 1) : args[i + 1];
};
const known = new Set(['--no-cluster', '--down', '--port', '--host']);
for (const a of args) {
  if (a.startsWith('--') && !known.has(a.split('=')[0])) {
    console.error(`Unknown option ${a}. Options: --no-cluster, --port N, --host ADDR, --down (see scripts/demo.mjs).`);
    process.exit(2);
  }
}

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const cyan = (s) => (process.stdout.isTTY ? `\x1b[36m${s}\x1b[0m` : s);
const say = (s) => console.log(`\n${cyan('==')} ${s}`);
const downCommand = clusterDir === '/tmp/netlens-demo-cluster' ? 'npm run demo:down' : `NETLENS_DEMO_CLUSTER_DIR=${clusterDir} npm run demo:down`;

if (flag('--down')) {
  const r = spawnSync('bash', [join(root, 'test', 'cluster', 'down.sh')], { cwd: root, stdio: 'inherit', env: clusterEnv });
  process.exit(r.status ?? 1);
}

function timed(title, fn) {
  const started = Date.now();
  const result = fn();
  const done = (v) => {
    console.log(`   ${title}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return v;
  };
  return result instanceof Promise ? result.then(done) : done(result);
}

// 1. The extension, packaged as users install it.
say('Building and packaging the extension (npm run package)');
timed('packaged', () => {
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('npm run package failed.');
    process.exit(1);
  }
});

// 2. The launcher and the sample loader (TypeScript under test/e2e), bundled for Node; packages stay in node_modules.
const harnessDir = join(root, 'out', 'demo');
await build({
  entryPoints: { vscode: 'test/e2e/vscode.ts', 'sample-cluster': 'test/e2e/sample-cluster.ts' },
  outdir: harnessDir,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  absWorkingDir: root,
});
const require = createRequire(import.meta.url);
const harness = require(join(harnessDir, 'vscode.js'));
const sample = require(join(harnessDir, 'sample-cluster.js'));

// 3. code-server, once.
say(`VS Code in the browser: code-server ${harness.CODE_SERVER_VERSION} (${harness.codeServerDir()})`);
try {
  await timed('code-server ready to start', () => harness.installCodeServer((line) => console.log(`   ${line}`)));
} catch (e) {
  console.error(`\nInstalling code-server failed: ${e.message}`);
  process.exit(1);
}

// 4. code-server on a fresh copy of the sample workspace, with the packaged extension, at once: the control plane
//    (step 5) comes up in the background, and the extension switches to it when it is up.
const sampleWorkspace = join(root, 'test', 'sample-workspace');
const wantCluster = !flag('--no-cluster');
const demoDir = join(tmpdir(), 'netlens-demo');
rmSync(demoDir, { recursive: true, force: true });
mkdirSync(demoDir, { recursive: true });
const workspace = harness.copyWorkspace(sampleWorkspace, join(demoDir, 'sample-workspace'));
// The extension reads the cluster's progress from this file (NETLENS_CLUSTER_STATUS_FILE, see
// src/extension/cluster-status.ts). The kubeconfig it is given exists only once the cluster is up and loaded, so
// that it never tries a kubeconfig of an earlier run whose cluster is not running.
const statusFile = join(demoDir, 'cluster-status.json');
const demoKubeconfig = join(demoDir, 'kubeconfig');
const clusterLog = join(demoDir, 'cluster.log');
const writeStatus = (state, message) => {
  const tmp = `${statusFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ state, message })}\n`);
  renameSync(tmp, statusFile);
};
const planeRunning =
  wantCluster && spawnSync('bash', [join(root, 'test', 'cluster', 'up.sh'), '--check'], { cwd: root, env: clusterEnv, stdio: 'ignore' }).status === 0;
if (wantCluster) {
  writeStatus(
    planeRunning ? 'starting' : 'building',
    planeRunning
      ? 'Local cluster: starting. NetLens answers from the workspace manifests until it is up.'
      : 'Local cluster: building, about 20 minutes the first time (seconds later on). NetLens answers from the workspace manifests meanwhile and switches to the cluster when it is up.',
  );
}
const host = option('--host') ?? '127.0.0.1';
const port = Number(option('--port') ?? process.env.NETLENS_DEMO_PORT ?? ((await portFree(8088, host)) ? 8088 : 0)) || undefined;
say('Starting code-server');
let server;
try {
  server = await timed('code-server answering', () =>
    harness.startCodeServer({
      workspace,
      vsix: join(root, 'netlens.vsix'),
      dataDir: join(demoDir, 'vscode'),
      host,
      ...(port ? { port } : {}),
      ...(wantCluster ? { kubeconfig: demoKubeconfig, env: { NETLENS_CLUSTER_STATUS_FILE: statusFile } } : {}),
      settings: wantCluster ? { 'netlens.kubeconfig': demoKubeconfig } : { 'netlens.cluster.enabled': false },
      log: (l) => console.log(`   ${l}`),
    }),
  );
} catch (e) {
  console.error(`\ncode-server did not start: ${e.message}`);
  process.exit(1);
}

const url = server.url;
const rule = '─'.repeat(Math.min(100, Math.max(60, url.length + 4)));
console.log(`\n${rule}`);
console.log(`  ${bold('NetLens in VS Code:')}  ${bold(url)}   (${((Date.now() - startedAt) / 1000).toFixed(0)} s after npm start)`);
console.log(rule);
if (wantCluster) {
  console.log(`  NetLens: answers from the workspace manifests now; the local cluster is ${planeRunning ? 'starting' : 'being built and started'} in the`);
  console.log(
    `  background${planeRunning ? '' : ' (about 20 minutes the first time, seconds later on)'} and NetLens switches to it when it is up. Its log: ${clusterLog}`,
  );
} else {
  console.log('  NetLens: workspace mode (--no-cluster): answers come from the manifests.');
}
console.log(`  Workspace: ${workspace} (a fresh copy of test/sample-workspace at each start).`);
console.log('  Open shop.yaml and hover over a name (api.shop.svc.cluster.local, redis-0.redis, payments); the NetLens');
console.log('  view is in the activity bar, and Help > Get Started has its walkthrough. No password: code-server listens on');
console.log(`  ${host}:${server.port}` + (host === '127.0.0.1' ? ' only (forward the port to reach it from elsewhere).' : '.'));
console.log(`  code-server's log: ${server.logFile}`);
console.log('  Ctrl-C stops code-server (and a control-plane build still running).');
console.log(rule);

// 5. The control plane with sample workloads, in the background: build (the first time), start, load, then the
//    kubeconfig for the extension and the status that tells it to switch.
let clusterChild;
let clusterUp = false;
async function bringUpCluster() {
  const started = Date.now();
  const log = openSync(clusterLog, 'a');
  const step = (script) =>
    new Promise((resolve) => {
      // Its own process group, so that Ctrl-C here can stop a build with every go process under it.
      clusterChild = spawn('bash', [join(root, 'test', 'cluster', script)], { cwd: root, env: clusterEnv, stdio: ['ignore', 'pipe', log], detached: true });
      let out = '';
      clusterChild.stdout.on('data', (d) => (out += d));
      clusterChild.on('error', (e) => resolve({ status: 1, out, error: e.message }));
      clusterChild.on('close', (status) => resolve({ status, out }));
    });
  const fail = (why) => {
    writeStatus('failed', `Local cluster: could not be built or started (${why}). NetLens answers from the workspace manifests; the log is ${clusterLog}.`);
    console.log(`\n${cyan('==')} Local cluster: not available (${why}; see ${clusterLog}). NetLens stays in workspace mode.`);
  };
  const built = await step('build.sh');
  if (stopping) return;
  if (built.status !== 0) return fail(built.error ?? `test/cluster/build.sh exited with ${built.status}`);
  if (!planeRunning) {
    console.log(`\n${cyan('==')} Local cluster: built (${((Date.now() - started) / 60000).toFixed(1)} min); starting it`);
    writeStatus('starting', 'Local cluster: starting. NetLens answers from the workspace manifests until it is up.');
  }
  const up = await step('up.sh');
  if (stopping) return;
  const line = up.out.split('\n').find((l) => l.startsWith('KUBECONFIG='));
  if (up.status !== 0 || !line) return fail(up.error ?? `test/cluster/up.sh exited with ${up.status}`);
  clusterUp = true;
  const kubeconfig = line.slice('KUBECONFIG='.length).trim();
  writeStatus('starting', 'Local cluster: up; loading the sample workloads.');
  let note = '';
  try {
    const loaded = await sample.loadSampleCluster(kubeconfig, sampleWorkspace);
    note = `${loaded.services} Services and ${loaded.pods} pods in namespaces ${loaded.namespaces.join(', ')}`;
  } catch (e) {
    note = `without the sample workloads (loading them failed: ${e.message})`;
  }
  copyFileSync(kubeconfig, demoKubeconfig);
  chmodSync(demoKubeconfig, 0o600);
  writeStatus('ready', `Local cluster: up, ${note}.`);
  console.log(`\n${cyan('==')} Local cluster: up after ${((Date.now() - started) / 60000).toFixed(1)} min, ${note}.`);
  console.log(`   NetLens in the browser has switched to it (no reload needed). KUBECONFIG=${kubeconfig}`);
  console.log(`   It keeps running after Ctrl-C; stop it with: ${downCommand}`);
}

let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping code-server...`);
  if (clusterChild && clusterChild.exitCode === null && clusterChild.signalCode === null && !clusterUp) {
    // A build or a start still running: stopped with everything it started. Go keeps what it compiled in its
    // cache, so the next start goes on from there.
    try {
      process.kill(-clusterChild.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    console.log('The control plane was not up yet; its build was stopped (the next npm start goes on from the Go cache).');
  }
  await server.stop();
  console.log('code-server stopped.');
  if (clusterUp) console.log(`The control plane is still running; stop it with: ${downCommand}`);
  process.exit(0);
};
process.on('SIGINT', () => void stop('Ctrl-C'));
process.on('SIGTERM', () => void stop('SIGTERM'));
server.process.once('exit', (code, sig) => {
  if (stopping) return;
  const tail = existsSync(server.logFile) ? readFileSync(server.logFile, 'utf8').trim().split('\n').slice(-20).join('\n') : '';
  console.error(`\ncode-server ended by itself (${code ?? sig}). Its log ends with:\n${tail}`);
  process.exit(1);
});
if (wantCluster) {
  bringUpCluster().catch((e) => {
    writeStatus('failed', `Local cluster: could not be started (${e.message}). NetLens answers from the workspace manifests.`);
    console.error(`\nLocal cluster: ${e.stack ?? e}`);
  });
}

function portFree(p, h) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(p, h, () => srv.close(() => resolve(true)));
  });
}
