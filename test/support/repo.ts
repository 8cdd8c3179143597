/** Where the repository is, from a test compiled to out/ or bundled anywhere below it. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder above this file with NetLens's package.json. */
export function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'netlens') return dir;
  }
  throw new Error(`no NetLens package.json above ${__dirname}`);
}

/**
 * The corpus of real third-party manifests (read-only): `../shared/corpus` beside the repository when it is
 * there, else the copy in test/corpus, so that the tests that use it run on any clone.
 */
export function corpusDir(): string {
  const shared = join(repoRoot(), '..', 'shared', 'corpus');
  return existsSync(join(shared, 'argo-cd-ha', 'install.yaml')) ? shared : join(repoRoot(), 'test', 'corpus');
}
