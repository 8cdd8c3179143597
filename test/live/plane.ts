/**
 * The local control plane for the live tests: started (or reused) by test/cluster/up.sh, which builds the
 * binaries on first use and prints `KUBECONFIG=...` and `DNS=...` last.
 */
import { execFileSync, spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/repo';
import { eventually } from './wait';

export interface Plane {
  readonly kubeconfig: string;
  readonly limitedKubeconfig: string;
  readonly dns: string;
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
}

const root = repoRoot();

export function startPlane(): Plane {
  const out = execFileSync('bash', [join(root, 'test', 'cluster', 'up.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 60 * 60 * 1000,
  });
  const lines = out.trim().split('\n');
  const kubeconfig = lines.find((l) => l.startsWith('KUBECONFIG='))?.slice('KUBECONFIG='.length);
  const dns = lines.find((l) => l.startsWith('DNS='))?.slice('DNS='.length);
  if (!kubeconfig || !dns) throw new Error(`up.sh did not print KUBECONFIG= and DNS=:\n${out}`);
  const dir = join(kubeconfig, '..');
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'cluster.env'), 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  return { kubeconfig, limitedKubeconfig: env.LIMITED_KUBECONFIG ?? join(dir, 'limited.kubeconfig'), dns, dir, env };
}

/**
 * Kills the plane's API server (SIGKILL, as a crash) and waits until it is gone; resolves with a function that starts
 * it again with the same arguments, its log and pid file where up.sh keeps them (down.sh stops the new one).
 */
export async function killApiServer(plane: Plane): Promise<() => void> {
  const pidFile = join(plane.dir, 'pids', 'kube-apiserver.pid');
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\0')
    .filter((a) => a !== '');
  process.kill(pid, 'SIGKILL');
  // Gone, or a zombie whose parent has not reaped it yet: either way its port is free.
  await eventually(async () => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
    } catch {
      return true;
    }
  }, 30_000);
  return () => {
    const log = openSync(join(plane.dir, 'logs', 'kube-apiserver.log'), 'a');
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    writeFileSync(pidFile, `${child.pid}\n`);
  };
}
