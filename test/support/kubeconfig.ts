/** Kubeconfig files for tests: one cluster, one user, one context, written into a folder of the test's own. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KubeconfigSpec {
  /** The context's name; the file is `<dir>/<name>.kubeconfig`. */
  readonly name: string;
  readonly server: string;
  /** The user entry as a kubeconfig holds it: `{ token }`, `{ exec }`, … */
  readonly user: Record<string, unknown>;
  /** The CA file the cluster entry trusts; none for a server never reached. */
  readonly ca?: string;
  readonly namespace?: string;
}

export function writeKubeconfig(dir: string, spec: KubeconfigSpec): string {
  const file = join(dir, `${spec.name}.kubeconfig`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: spec.server, ...(spec.ca ? { 'certificate-authority': spec.ca } : {}) } }],
      users: [{ name: 'u', user: spec.user }],
      contexts: [{ name: spec.name, context: { cluster: 'c', user: 'u', namespace: spec.namespace ?? 'default' } }],
      'current-context': spec.name,
    }),
  );
  return file;
}
