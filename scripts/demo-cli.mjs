// `npm run demo:cli`: builds NetLens and shows what the `netlens` command answers for the sample workspace
// (test/sample-workspace), then how to ask it anything else.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const workspace = 'test/sample-workspace';
const questions = [
  ['web', '-n', 'shop'],
  ['api.shop', '-n', 'default'],
  ['_http._tcp.api.shop.svc.cluster.local', '--type', 'SRV'],
  ['redis-0.redis.shop.svc.cluster.local.'],
  ['payments', '-n', 'shop'],
  ['web.shop.services.cluster.local'],
];
for (const [name, ...flags] of questions) {
  const shown = ['netlens', 'resolve', name, ...flags, '-f', workspace].join(' ');
  console.log(`\n\x1b[36m$ ${shown}\x1b[0m`);
  spawnSync(process.execPath, ['bin/netlens.js', 'resolve', name, ...flags, '-f', workspace], { cwd: root, stdio: 'inherit' });
}
console.log(`\nAsk your own: node bin/netlens.js resolve NAME_OR_IP -f PATH [--namespace NS] [--type SRV] [--json]`);
