/**
 * The local control plane for the live tests: started (or reused) by test/cluster/up.sh, which builds the
 * binaries on first use and prints `KUBECONFIG=...` and `DNS=...` last.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/repo';

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
