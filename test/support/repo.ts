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

/** The shared corpus of real third-party manifests, beside the repository (read-only). */
export function corpusDir(): string {
  return join(repoRoot(), '..', 'shared', 'corpus');
}
