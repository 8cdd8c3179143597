// `npm start`: NetLens in real VS Code, in the browser. Builds and packages the extension (netlens.vsix), installs
// code-server on first use (cached under ~/.cache/netlens), starts the local control plane of test/cluster with
// sample workloads when it can (the first time, its binaries are compiled from the Go module proxy), and opens a
// copy of test/sample-workspace in code-server; prints the URL and runs until Ctrl-C.
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
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
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

// 4. The control plane with sample workloads, when it can be had.
const sampleWorkspace = join(root, 'test', 'sample-workspace');
let kubeconfig;
let clusterNote;
if (flag('--no-cluster')) {
  clusterNote = 'workspace mode (--no-cluster): answers come from the manifests';
} else {
  say('Local control plane (etcd, kube-apiserver, kube-controller-manager, CoreDNS) on loopback');
  console.log(`   state in ${clusterDir}. The first time, test/cluster/build.sh compiles it from the Go module proxy`);
  console.log('   (15 to 40 minutes on two cores; later starts take seconds). `npm start -- --no-cluster` skips it.');
  const started = Date.now();
  const up = await new Promise((resolve) => {
    const child = spawn('bash', [join(root, 'test', 'cluster', 'up.sh')], { cwd: root, env: clusterEnv, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ status: 1, out, error: e.message }));
    child.on('close', (status) => resolve({ status, out }));
  });
  const line = up.out.split('\n').find((l) => l.startsWith('KUBECONFIG='));
  if (up.status === 0 && line) {
    kubeconfig = line.slice('KUBECONFIG='.length).trim();
    console.log(`   control plane up: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    try {
      const loaded = await timed('sample workloads loaded', () => sample.loadSampleCluster(kubeconfig, sampleWorkspace));
      console.log(`   ${loaded.services} Services and ${loaded.pods} pods in namespaces ${loaded.namespaces.join(', ')} (shop as test/sample-workspace declares it)`);
      clusterNote = `connected to the local control plane (KUBECONFIG=${kubeconfig})`;
    } catch (e) {
      console.log(`   Loading the sample workloads failed (${e.message}); the cluster is connected as it is.`);
      clusterNote = `connected to the local control plane (KUBECONFIG=${kubeconfig}), without sample workloads`;
    }
  } else {
    const why = up.error ?? `test/cluster/up.sh exited with ${up.status}`;
    console.log(`\n   The local control plane is not available (${why}; the messages above say why).`);
    console.log('   Going on in workspace mode: NetLens answers from the manifests of the workspace.');
    clusterNote = 'workspace mode: the control plane could not be built or started';
  }
}

// 5. code-server on a fresh copy of the sample workspace, with the packaged extension.
const demoDir = join(tmpdir(), 'netlens-demo');
rmSync(demoDir, { recursive: true, force: true });
mkdirSync(demoDir, { recursive: true });
const workspace = harness.copyWorkspace(sampleWorkspace, join(demoDir, 'sample-workspace'));
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
      ...(kubeconfig ? { kubeconfig } : {}),
      settings: kubeconfig ? { 'netlens.kubeconfig': kubeconfig } : { 'netlens.cluster.enabled': false },
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
console.log(`  ${bold('NetLens in VS Code:')}  ${bold(url)}`);
console.log(rule);
console.log(`  NetLens: ${clusterNote}.`);
console.log(`  Workspace: ${workspace} (a fresh copy of test/sample-workspace at each start).`);
console.log('  Open shop.yaml and hover over a name (api.shop.svc.cluster.local, redis-0.redis, payments); the NetLens');
console.log('  view is in the activity bar. No password: code-server listens on ' + `${host}:${server.port}` + (host === '127.0.0.1' ? ' only (forward the port to reach it from elsewhere).' : '.'));
console.log(`  code-server's log: ${server.logFile}`);
console.log(`  Ctrl-C stops code-server.${kubeconfig ? ` The control plane keeps running; stop it with: ${downCommand}` : ''}`);
console.log(rule);

let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping code-server...`);
  await server.stop();
  console.log('code-server stopped.');
  if (kubeconfig) console.log(`The control plane is still running (KUBECONFIG=${kubeconfig}); stop it with: ${downCommand}`);
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

function portFree(p, h) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(p, h, () => srv.close(() => resolve(true)));
  });
}
