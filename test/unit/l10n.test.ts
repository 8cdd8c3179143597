// The translation tables: scripts/check-l10n.mjs (a step of `npm test` before the type check) run in-process on the
// repository, where it finds nothing, and on broken copies of its tables, where it names the problem.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/repo';

type Check = { checkL10n(root: string): { problems: string[]; counts: Record<string, number> }; LANGUAGES: string[] };
// A real dynamic import: TypeScript compiles `import()` to `require()` for CommonJS, which cannot load an ES module.
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Check>;
const checker = (): Promise<Check> => importModule(pathToFileURL(join(repoRoot(), 'scripts', 'check-l10n.mjs')).href);

const root = repoRoot();
const scratch = mkdtempSync(join(tmpdir(), 'netlens-l10n-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the extension's tables and sources in a new folder, for a test to break. */
function copy(name: string): string {
  const dir = join(scratch, name);
  for (const f of ['package.json', 'package.nls.json', 'package.nls.es.json', 'package.nls.zh-cn.json', 'package.nls.ko.json', 'l10n', 'src/extension']) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(dir, f), { recursive: true });
  }
  return dir;
}
const readJson = (path: string): Record<string, string> => JSON.parse(readFileSync(path, 'utf8'));
const writeJson = (path: string, value: unknown): void => writeFileSync(path, JSON.stringify(value, null, 2));

describe('l10n: the translation tables', () => {
  it('the repository: every table has every key of English and no other, with the same placeholders', async () => {
    const { checkL10n, LANGUAGES } = await checker();
    const { problems, counts } = checkL10n(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(LANGUAGES, ['es', 'zh-cn', 'ko']);
    for (const lang of LANGUAGES) assert.equal(counts[`package.nls.${lang}.json`], counts['package.nls.json'], lang);
    assert.ok(counts['package.nls.json']! > 40);
  });

  it('a translation that lacks a key, has an extra one, or drops a command link is reported', async () => {
    const { checkL10n } = await checker();
    const dir = copy('broken-nls');
    const es = readJson(join(dir, 'package.nls.es.json'));
    delete es['command.resolve.title'];
    es['command.nothing.title'] = 'Nada';
    es['viewsWelcome.tree.unreachable'] = 'Sin enlaces';
    writeJson(join(dir, 'package.nls.es.json'), es);
    const { problems } = checkL10n(dir);
    assert.ok(
      problems.some((p) => /package\.nls\.es\.json: missing key "command\.resolve\.title"/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /package\.nls\.es\.json: extra key "command\.nothing\.title"/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /"viewsWelcome\.tree\.unreachable" links \(nothing\)/.test(p)),
      problems.join('\n'),
    );
    assert.equal(problems.length, 3, problems.join('\n'));
  });

  it('a %key% of package.json without English text, and a missing language, are reported', async () => {
    const { checkL10n } = await checker();
    const dir = copy('broken-manifest');
    const nls = readJson(join(dir, 'package.nls.json'));
    delete nls['views.tree.name'];
    writeJson(join(dir, 'package.nls.json'), nls);
    rmSync(join(dir, 'package.nls.ko.json'));
    const { problems } = checkL10n(dir);
    assert.ok(problems.includes('package.json: contributes.views.netlens[0].name is %views.tree.name%, which package.nls.json lacks'), problems.join('\n'));
    assert.ok(problems.includes('package.nls.ko.json is missing'), problems.join('\n'));
    // The other translations now hold a key English lacks.
    assert.ok(problems.includes('package.nls.es.json: extra key "views.tree.name", not in the English table'), problems.join('\n'));
  });
});
