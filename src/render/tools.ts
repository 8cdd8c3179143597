/**
 * Finding and running the rendering tools (helm, kustomize, kubectl) in a small sandbox: an environment built
 * from nothing (no KUBECONFIG, no credentials, no user plugin or cache folders), a PATH with nothing on it (so
 * a tool cannot start git, a plugin or a credential helper), a proxy that refuses every connection (so nothing
 * is fetched), and a time limit. The binary itself comes from the user's settings or flags, or from the absolute
 * folders of the PATH, never from a file of the workspace.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import { t } from '../core/l10n';

export type ToolName = 'helm' | 'kustomize' | 'kubectl';

export interface ToolLocation {
  readonly name: ToolName;
  readonly path: string;
  /** Where it was found: a setting or flag, or the PATH. */
  readonly from: 'setting' | 'PATH';
}

/**
 * Finds a tool: the explicit path when given (it must be an absolute path to an executable file), else the first
 * executable of that name in an absolute folder of `searchPath`. Relative PATH entries (`.`, `bin`) are skipped:
 * they would let the folder being checked choose what runs.
 */
export function findTool(
  name: ToolName,
  explicit: string | undefined,
  searchPath = process.env.PATH ?? '',
): ToolLocation | { readonly error: string } | undefined {
  if (explicit !== undefined && explicit !== '') {
    if (!isAbsolute(explicit)) return { error: t('the {0} path "{1}" is not absolute', name, explicit) };
    if (!isExecutableFile(explicit)) return { error: t('{0} is not an executable file', explicit) };
    return { name, path: explicit, from: 'setting' };
  }
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, process.platform === 'win32' ? `${name}.exe` : name);
    if (isExecutableFile(candidate)) return { name, path: candidate, from: 'PATH' };
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly ms: number;
  /** The program could not be started (ENOENT, EACCES). */
  readonly spawnError?: string;
}

/** A proxy address nothing listens on: any download a tool tries fails at once instead of reaching the network. */
const NO_NETWORK = 'http://127.0.0.1:9';

/**
 * The whole environment of a tool run: only what is listed here, so that nothing of the user's environment
 * (tokens, KUBECONFIG, HELM_* overrides, proxies) reaches it. `home` is a private temporary folder.
 */
export function sandboxEnv(home: string, emptyDir: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: emptyDir,
    HOME: home,
    TMPDIR: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_DATA_HOME: join(home, 'data'),
    // A kubeconfig that does not exist: a tool that would contact a cluster finds none.
    KUBECONFIG: join(emptyDir, 'no-kubeconfig'),
    HTTP_PROXY: NO_NETWORK,
    HTTPS_PROXY: NO_NETWORK,
    http_proxy: NO_NETWORK,
    https_proxy: NO_NETWORK,
    NO_PROXY: '',
    no_proxy: '',
    LANG: 'C',
    ...extra,
  };
}

/** Runs a program with arguments (no shell), an environment, a working folder and a time limit. */
export function runTool(
  path: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd: string; timeoutMs: number; maxBytes?: number },
): Promise<RunResult> {
  const started = Date.now();
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  return new Promise((resolve) => {
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(path, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    } catch (e) {
      resolve({ code: null, stdout: '', stderr: '', timedOut: false, ms: Date.now() - started, spawnError: (e as Error).message });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let timedOut = false;
    let tooBig = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > maxBytes) {
        tooBig = true;
        child.kill('SIGKILL');
        return;
      }
      out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.reduce((n, x) => n + x.length, 0) < 1024 * 1024) err.push(b);
    });
    let spawnError: string | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code ?? e.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8') + (tooBig ? `\noutput larger than ${maxBytes} bytes; stopped` : '');
      resolve({
        code: tooBig ? null : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
        timedOut,
        ms: Date.now() - started,
        ...(spawnError ? { spawnError } : {}),
      });
    });
  });
}
