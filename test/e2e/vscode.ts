/**
 * Real VS Code in a browser for the demo and the end-to-end tests: code-server (an npm package carrying VS Code's
 * server and web workbench, so nothing is downloaded from outside the npm registry and Debian's archive).
 *
 * installCodeServer() puts code-server into `${NETLENS_CACHE:-~/.cache/netlens}/code-server-<version>` once, with
 * the fix-ups of ../shared/recipes/vscode-in-a-browser.md: Debian's libkrb5-dev and ripgrep (apt, when missing),
 * an install with scripts off, `rg` copied in place of @vscode/ripgrep's GitHub download, native modules rebuilt,
 * the links that code-server's own postinstall would make, and argon2 rebuilt. A stamp file marks a finished
 * install, so a second run only checks the stamp.
 *
 * startCodeServer() installs a .vsix into a fresh extensions folder, writes user settings and starts code-server
 * on a workspace folder, on a free loopback port without authentication; it resolves once the server answers.
 *
 * `node out/test/e2e/install.js` installs code-server and Debian's Chromium ahead of the tests.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../support/repo';

export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM = '/usr/bin/chromium';
/** The flags this machine's closed network needs (without the background-networking ones, Chromium's connections are refused, many at a time). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export { repoRoot };

export function cacheRoot(): string {
  return process.env.NETLENS_CACHE || join(homedir(), '.cache', 'netlens');
}

export function codeServerDir(): string {
  return join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

/** code-server's entry point (run with this Node: code-server 4.100 wants Node 20, as VS Code 1.100 does). */
export function codeServerEntry(dir = codeServerDir()): string {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

const STAMP = '.netlens-installed';

type Log = (line: string) => void;
const defaultLog: Log = (line) => process.stderr.write(`[code-server] ${line}\n`);

function run(cmd: string, args: string[], cwd: string, log: Log, opts: { allowFail?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): number {
  log(`$ ${[cmd, ...args].join(' ')}${cwd ? `   (in ${cwd})` : ''}`);
  const r = spawnSync(cmd, args, {
    cwd: cwd || undefined,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      npm_config_unsafe_perm: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      ...opts.env,
    },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 30 * 60 * 1000,
  });
  const status = r.status ?? 1;
  if (status !== 0 && !opts.allowFail) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}):\n${tail}`);
  }
  return status;
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

function dpkgInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

let aptUpdated = false;
/** Installs Debian packages that are missing (as root, or through `sudo -n`); throws with what to do otherwise. */
export function aptInstall(pkgs: string[], log: Log = defaultLog): void {
  const missing = pkgs.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : which('sudo') ? ['sudo', '-n'] : undefined;
  if (!sudo || !which('apt-get'))
    throw new Error(`Debian packages needed: ${missing.join(' ')}. Install them (apt-get install ${missing.join(' ')}) and run again.`);
  const apt = (args: string[]) =>
    sudo.length
      ? run(sudo[0]!, [...sudo.slice(1), 'apt-get', ...args], '', log, { env: { DEBIAN_FRONTEND: 'noninteractive' } })
      : run('apt-get', args, '', log, { env: { DEBIAN_FRONTEND: 'noninteractive' } });
  if (!aptUpdated) {
    apt(['update', '-qq']);
    aptUpdated = true;
  }
  apt(['install', '-y', '-qq', ...missing]);
}

/** Debian's Chromium at /usr/bin/chromium, installed with apt when missing. */
export function ensureChromium(log: Log = defaultLog): string {
  if (!existsSync(CHROMIUM)) aptInstall(['chromium'], log);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is still missing after apt-get install chromium`);
  return CHROMIUM;
}

/** The native modules of VS Code's server (node-pty apart: see below). */
const NATIVE = ['kerberos', '@parcel/watcher', '@vscode/spdlog', '@vscode/deviceid', 'native-watchdog'];

/**
 * Installs code-server into the cache (once); returns the folder. Builds in a sibling staging folder that is renamed
 * into place when everything succeeded, so an interrupted install is never taken for a finished one.
 */
export function installCodeServer(log: Log = defaultLog): string {
  const dir = codeServerDir();
  if (existsSync(join(dir, STAMP)) && existsSync(codeServerEntry(dir))) return dir;
  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (once; later runs reuse it)`);
  // kerberos builds against libkrb5; @vscode/ripgrep's postinstall would download rg from GitHub, so Debian's is copied in.
  const tools: [string, string][] = [
    ['rg', 'ripgrep'],
    ['make', 'make'],
    ['g++', 'g++'],
    ['python3', 'python3'],
  ];
  aptInstall(['libkrb5-dev', ...tools.filter(([cmd]) => !which(cmd)).map(([, pkg]) => pkg)], log);
  const rg = which('rg');
  if (!rg) throw new Error('rg (Debian package ripgrep) not found after installing it');

  mkdirSync(dirname(dir), { recursive: true });
  const stage = `${dir}.partial-${process.pid}`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: 'netlens-code-server', private: true }, null, 2) + '\n');
    run('npm', ['install', '--ignore-scripts', '--no-package-lock', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], stage, log);
    const vscode = join(stage, 'node_modules', 'code-server', 'lib', 'vscode');
    run('npm', ['install', '--omit=dev', '--ignore-scripts', '--loglevel=error'], vscode, log);
    const rgBin = join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin');
    mkdirSync(rgBin, { recursive: true });
    copyFileSync(rg, join(rgBin, 'rg'));
    run('npm', ['rebuild', '--loglevel=error', ...NATIVE], vscode, log);
    // node-pty's postinstall ends with an npx call that only writes compile_commands.json and fails here; its
    // pty.node is built before that, which is what counts: each module must load.
    run('npm', ['rebuild', '--loglevel=error', 'node-pty'], vscode, log, { allowFail: true });
    const load = [...NATIVE, 'node-pty'].map((m) => `require(${JSON.stringify(m)});`).join(' ');
    run(process.execPath, ['-e', load], vscode, log);
    // What code-server's postinstall does besides installing dependencies.
    symlinkSync('node_modules', join(vscode, 'node_modules.asar'));
    symlinkSync('code-linux.sh', join(vscode, 'bin', 'remote-cli', 'code-server'));
    symlinkSync('browser-linux.sh', join(vscode, 'bin', 'helpers', 'browser.sh'));
    run('npm', ['install', '--omit=dev', '--loglevel=error'], join(vscode, 'extensions'), log);
    run('npm', ['rebuild', '--loglevel=error', 'argon2'], stage, log);
    // XDG_CONFIG_HOME: code-server writes a default config.yaml there on first start.
    const out = execFileSync(process.execPath, [codeServerEntry(stage), '--version'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, XDG_CONFIG_HOME: join(stage, '.config') },
    });
    const version = out.trim().split('\n').pop() ?? '';
    if (!version.startsWith(CODE_SERVER_VERSION)) throw new Error(`code-server --version printed ${JSON.stringify(version)}`);
    writeFileSync(join(stage, STAMP), `${version}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(stage, dir);
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
  log(`code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

export interface StartOptions {
  /** The .vsix to install (default: netlens.vsix at the repository root, as `npm run package` writes it). */
  readonly vsix?: string;
  /** The folder to open. */
  readonly workspace: string;
  /** KUBECONFIG for the server and so for the extension host and the language server; omitted: inherited. */
  readonly kubeconfig?: string;
  /** More environment for code-server, and so for the extension host and the language server. */
  readonly env?: Record<string, string>;
  /** User settings added to (or overriding) the defaults below. */
  readonly settings?: Record<string, unknown>;
  /** Port on 127.0.0.1 (default: a free one). */
  readonly port?: number;
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Folder for user data, extensions and the log (default: a new temporary folder, deleted by stop()). */
  readonly dataDir?: string;
  /**
   * The display language (code-server's `--locale`): `es` installs the test language pack (test/e2e/language-pack)
   * so that VS Code runs in Spanish and extensions show their Spanish tables.
   */
  readonly locale?: 'es';
  /** How long to wait for the server to answer, in ms (default 60 s). */
  readonly timeoutMs?: number;
  readonly log?: Log;
}

export interface CodeServer {
  /** The workbench URL with the workspace folder open. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** code-server's output (and the extension install's). */
  readonly logFile: string;
  readonly process: ChildProcess;
  /** The ends of code-server's log and of the extension host's and NetLens's logs, for a failure message. */
  logs(lines?: number): string;
  /** When the extension host activated an extension (from its log), in ms since the epoch; undefined if not yet. */
  activatedAt(extensionId: string): number | undefined;
  /** The lines of the extension's output channel (NetLens.log) that hold `text`, with their times. */
  logged(text: string): { readonly at: number; readonly line: string }[];
  /** Stops code-server and everything it started (its process group); deletes a temporary dataDir. */
  stop(): Promise<void>;
}

/** The time of a VS Code log line: `2026-11-26 10:12:24.784 [info] ...`, local time. */
function logTime(line: string): number | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})/.exec(line);
  return m ? new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!).getTime() : undefined;
}

function findFiles(dir: string, name: RegExp, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) findFiles(p, name, out);
    else if (name.test(e.name)) out.push(p);
  }
  return out;
}

function tails(files: string[], lines: number): string {
  return files
    .filter((f) => existsSync(f))
    .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`)
    .join('\n');
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
};

/**
 * Packages and installs the test language pack, and records it as VS Code's language pack service does when a pack
 * is installed from the running workbench (`languagepacks.json` in the user data folder, which the server reads at
 * start to choose the display language; code-server's `--install-extension` does not write it).
 */
function installLanguagePack(
  entry: string,
  common: string[],
  env: NodeJS.ProcessEnv,
  dataDir: string,
  extensionsDir: string,
  userDataDir: string,
  logFile: string,
): void {
  const source = join(repoRoot(), 'test', 'e2e', 'language-pack');
  const pack = join(dataDir, 'language-pack');
  cpSync(source, pack, { recursive: true });
  const vsix = join(dataDir, 'language-pack.vsix');
  const vsce = join(repoRoot(), 'node_modules', '@vscode', 'vsce', 'vsce');
  const packaged = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], {
    cwd: pack,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (packaged.status !== 0) throw new Error(`vsce package (test language pack) failed:\n${packaged.stdout}${packaged.stderr}`);
  const install = spawnSync(process.execPath, [entry, ...common, '--install-extension', vsix, '--force'], { encoding: 'utf8', env, timeout: 120_000 });
  appendFileSync(logFile, `$ code-server --install-extension ${vsix}\n${install.stdout}${install.stderr}\n`);
  if (install.status !== 0) throw new Error(`code-server --install-extension (test language pack) failed:\n${install.stdout}${install.stderr}`);
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}`;
  const installed = join(extensionsDir, `${id}-${manifest.version}`);
  const packs: Record<string, unknown> = {};
  for (const l of manifest.contributes.localizations) {
    packs[l.languageId] = {
      hash: createHash('md5').update(`${id}@${manifest.version}`).digest('hex'),
      extensions: [{ extensionIdentifier: { id }, version: manifest.version }],
      translations: Object.fromEntries(l.translations.map((t: { id: string; path: string }) => [t.id, join(installed, t.path)])),
      label: l.localizedLanguageName,
    };
  }
  writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
}

/** Installs the vsix into a fresh extensions folder and starts code-server on the workspace; resolves once it answers. */
export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const log = opts.log ?? defaultLog;
  const csDir = installCodeServer(log);
  const entry = codeServerEntry(csDir);
  const vsix = opts.vsix ?? join(repoRoot(), 'netlens.vsix');
  if (!existsSync(vsix)) throw new Error(`${vsix} not found: run \`npm run package\` first`);
  const ownDataDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'netlens-vscode-'));
  const extensionsDir = join(dataDir, 'extensions');
  const userDataDir = join(dataDir, 'user-data');
  const logFile = join(dataDir, 'code-server.log');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2) + '\n');

  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check'];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (opts.kubeconfig) env.KUBECONFIG = opts.kubeconfig;
  // code-server would otherwise read (and on first use write) ~/.config/code-server/config.yaml.
  env.XDG_CONFIG_HOME = join(dataDir, 'config');
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;

  const install = spawnSync(process.execPath, [entry, ...common, '--install-extension', vsix, '--force'], { encoding: 'utf8', env, timeout: 120_000 });
  writeFileSync(logFile, `$ code-server --install-extension ${vsix}\n${install.stdout}${install.stderr}\n`);
  if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${install.status ?? install.signal}):\n${(install.stdout + install.stderr).trim()}`);
  }

  if (opts.locale) installLanguagePack(entry, common, env, dataDir, extensionsDir, userDataDir, logFile);

  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  const fd = openSync(logFile, 'a');
  const locale = opts.locale ? ['--locale', opts.locale] : [];
  const child = spawn(
    process.execPath,
    [entry, ...common, ...locale, '--auth', 'none', '--bind-addr', `${host}:${port}`, '--ignore-last-opened', opts.workspace],
    {
      env,
      detached: true, // its own process group, so stop() reaches the extension host and the language server too
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exit ${code ?? signal}`;
      resolve();
    }),
  );
  // Should this process end without stop(), don't leave the server behind.
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    if (!exited) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(timer);
      killGroup(child, 'SIGKILL'); // children that outlived their parent
    }
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      const out = readFileSync(logFile, 'utf8').trim().split('\n').slice(-30).join('\n');
      await stop();
      throw new Error(`code-server ended during startup (${exited}):\n${out}`);
    }
    if ((await httpStatus(`${base}/healthz`)) === 200) break;
    if (Date.now() > deadline) {
      const out = readFileSync(logFile, 'utf8').trim().split('\n').slice(-30).join('\n');
      await stop();
      throw new Error(`code-server did not answer on ${base} within ${(opts.timeoutMs ?? 60_000) / 1000} s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const url = `${base}/?folder=${encodeURI(opts.workspace)}`;
  const logs = (lines = 40) => tails([logFile, ...findFiles(join(userDataDir, 'logs'), /^(remoteexthost|NetLens)\.log$/)], lines);
  const activatedAt = (extensionId: string) => {
    for (const f of findFiles(join(userDataDir, 'logs'), /^remoteexthost\.log$/)) {
      const line = readFileSync(f, 'utf8')
        .split('\n')
        .find((l) => l.includes(`_doActivateExtension ${extensionId},`));
      const at = line ? logTime(line) : undefined;
      if (at !== undefined) return at;
    }
    return undefined;
  };
  const logged = (text: string) => {
    const out: { at: number; line: string }[] = [];
    for (const f of findFiles(join(userDataDir, 'logs'), /^\d*-?NetLens\.log$/)) {
      for (const line of readFileSync(f, 'utf8').split('\n')) {
        const at = line.includes(text) ? logTime(line) : undefined;
        if (at !== undefined) out.push({ at, line });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  };
  return { url, port, dataDir, logFile, process: child, logs, activatedAt, logged, stop };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** A fresh copy of a folder (by default the sample workspace) under a new temporary folder. */
export function copyWorkspace(from = join(repoRoot(), 'test', 'sample-workspace'), into?: string): string {
  const dest = into ?? join(mkdtempSync(join(tmpdir(), 'netlens-ws-')), 'sample-workspace');
  rmSync(dest, { recursive: true, force: true });
  cpSync(from, dest, { recursive: true });
  return dest;
}
