// Checks that every package the code imports (src, test, scripts, bin) is declared in package.json's dependencies
// or devDependencies, so that nothing works only because another package happens to install it. `vscode` is
// the editor's own API, provided at run time (its types are @types/vscode). Exits 1 and names each missing
// package with the files that import it.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROVIDED = new Set(['vscode']);
/** Folders of other languages' projects and of third-party content, which the project does not compile. */
const SKIP = new Set(['node_modules', 'corpus', 'cluster', 'tools', 'sample-workspace', 'fixtures']);
const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\(\s*|^\s*import\s+)['"]([^'".][^'"]*)['"]/gm;

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);

/** Package name → files that import it. */
const imported = new Map();
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) walk(path);
    } else if (/\.(ts|mts|cts|mjs|cjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      for (const [, spec] of readFileSync(path, 'utf8').matchAll(IMPORT)) {
        if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!imported.has(name)) imported.set(name, new Set());
        imported.get(name).add(relative(root, path));
      }
    }
  }
}
for (const dir of ['src', 'test', 'scripts', 'bin']) walk(join(root, dir));

const missing = [...imported].filter(([name]) => !declared.has(name) && !PROVIDED.has(name)).sort(([a], [b]) => a.localeCompare(b));
for (const [name, files] of missing) console.error(`${name} is imported but not declared in package.json: ${[...files].sort().join(', ')}`);
if (missing.length > 0) process.exit(1);
console.log(`${imported.size} packages imported, each declared in package.json.`);
