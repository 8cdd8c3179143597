// Checks the translation tables, so that a missing or stray key fails the build instead of showing English (or
// a raw %key%) to a user:
//   package.nls.json  every `%key%` placeholder of package.json has an English text, and every text is used;
//   package.nls.<lang>.json  the same keys as package.nls.json, no more, no fewer, each a non-empty string with
//         the same {0}-style placeholders and the same (command:…) links as the English text;
//   l10n/bundle.l10n.json  (package.json's "l10n" folder) the English key list: exactly the strings the extension
//         passes to vscode.l10n.t (or to the `t` function handed to its vscode-free modules) in src/extension;
//   l10n/bundle.l10n.<lang>.json  the same keys as bundle.l10n.json, with the same placeholders;
//   l10n/server/bundle.l10n.json  the language server's and the `netlens` command's English key list: exactly the
//         strings passed to the `t` of src/core/l10n.ts in SERVER_SOURCES (diagnostics, fix titles, hovers, hints,
//         explanations, the command's text output), each mapping to itself;
//   l10n/server/bundle.l10n.<lang>.json  the same keys as l10n/server/bundle.l10n.json, with the same placeholders.
// The languages are LANGUAGES below; each must have every table. Exits 1 and names each problem.
// test/unit/l10n.test.ts runs checkL10n in-process, on the repository and on a broken copy.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The languages NetLens ships, as VS Code names its display languages. */
export const LANGUAGES = ['es', 'zh-cn', 'ko'];

/** The folders whose `t('…')` calls are the language server's and the command's messages, and their tables' folder. */
export const SERVER_SOURCES = ['src/core', 'src/server', 'src/cli', 'src/render', 'src/l10n'];
export const SERVER_TABLES = 'l10n/server';

const PLACEHOLDER = /\{[A-Za-z0-9_]+\}/g;
const COMMAND_LINK = /\(command:[^)\s]+\)/g;
/** A call whose first argument is a translation key: vscode.l10n.t('…') or the `t('…')` of a vscode-free module. */
const CALL = /(?:\bl10n\.t|(?<![.\w])t)\(\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)"|`((?:\\.|[^`\\$])*)`)/g;

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const sorted = (s, re) => [...s.matchAll(re)].map((m) => m[0]).sort();
const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Every string of a JSON value, with its path. */
function* strings(value, path = '') {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, path ? `${path}.${k}` : k);
}

/** Unescapes a JavaScript string literal's body (the escapes the sources use). */
function unescapeLiteral(body) {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, e) => {
    if (e[0] === 'u') return String.fromCodePoint(Number.parseInt(e.replace(/[u{}]/g, ''), 16));
    if (e[0] === 'x') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return { n: '\n', t: '\t', r: '\r' }[e] ?? e;
  });
}

/** The translation keys the TypeScript files below `dir` use. */
export function sourceKeys(dir) {
  const keys = new Set();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const k of sourceKeys(path)) keys.add(k);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      for (const m of readFileSync(path, 'utf8').matchAll(CALL)) keys.add(unescapeLiteral(m[1] ?? m[2] ?? m[3]));
    }
  }
  return keys;
}

/** Compares a translation table with its English one; pushes each problem. */
function compareTable(problems, name, english, translated) {
  for (const key of Object.keys(english)) {
    if (!(key in translated)) problems.push(`${name}: missing key ${JSON.stringify(key)}`);
  }
  for (const [key, value] of Object.entries(translated)) {
    if (!(key in english)) {
      problems.push(`${name}: extra key ${JSON.stringify(key)}, not in the English table`);
      continue;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${name}: ${JSON.stringify(key)} is not a non-empty string`);
      continue;
    }
    const en = english[key];
    if (!sameList(sorted(en, PLACEHOLDER), sorted(value, PLACEHOLDER))) {
      problems.push(
        `${name}: ${JSON.stringify(key)} has placeholders ${sorted(value, PLACEHOLDER).join(' ') || '(none)'}, English ${sorted(en, PLACEHOLDER).join(' ') || '(none)'}`,
      );
    }
    if (!sameList(sorted(en, COMMAND_LINK), sorted(value, COMMAND_LINK))) {
      problems.push(
        `${name}: ${JSON.stringify(key)} links ${sorted(value, COMMAND_LINK).join(' ') || '(nothing)'}, English ${sorted(en, COMMAND_LINK).join(' ') || '(nothing)'}`,
      );
    }
  }
}

/**
 * Every problem of the tables of the extension at `root` (its package.json, package.nls*.json, l10n folder and
 * src/extension), and how many strings each table holds.
 */
export function checkL10n(root) {
  const problems = [];
  const counts = {};
  const pkg = readJson(join(root, 'package.json'));
  const nlsPath = join(root, 'package.nls.json');
  const nls = existsSync(nlsPath) ? readJson(nlsPath) : {};
  const used = new Set();
  for (const [path, value] of strings(pkg)) {
    const key = /^%([^%\s]+)%$/.exec(value)?.[1];
    if (!key) continue;
    used.add(key);
    if (!(key in nls)) problems.push(`package.json: ${path} is %${key}%, which package.nls.json lacks`);
  }
  for (const key of Object.keys(nls)) if (!used.has(key)) problems.push(`package.nls.json: ${JSON.stringify(key)} is used nowhere in package.json`);
  counts['package.nls.json'] = Object.keys(nls).length;
  for (const lang of LANGUAGES) {
    const name = `package.nls.${lang}.json`;
    if (!existsSync(join(root, name))) {
      problems.push(`${name} is missing`);
      continue;
    }
    const table = readJson(join(root, name));
    counts[name] = Object.keys(table).length;
    compareTable(problems, name, nls, table);
  }

  const keys = sourceKeys(join(root, 'src', 'extension'));
  if (!pkg.l10n) {
    if (keys.size > 0) problems.push(`src/extension translates ${keys.size} strings but package.json names no "l10n" folder`);
  } else {
    checkBundles(problems, counts, root, pkg.l10n, keys, 'src/extension', '');
  }
  const serverKeys = new Set();
  for (const dir of SERVER_SOURCES) if (existsSync(join(root, dir))) for (const k of sourceKeys(join(root, dir))) serverKeys.add(k);
  if (serverKeys.size > 0 || existsSync(join(root, SERVER_TABLES))) {
    checkBundles(problems, counts, root, SERVER_TABLES, serverKeys, SERVER_SOURCES.join(', '), `${SERVER_TABLES}/`);
  }
  return { problems, counts };
}

/**
 * A folder of bundles (`bundle.l10n.json` and one per language): the English one holds exactly the keys the sources
 * translate, each mapping to itself; every language has the same keys with the same placeholders.
 */
function checkBundles(problems, counts, root, folder, keys, sources, prefix) {
  const dir = resolve(root, folder);
  const englishPath = join(dir, 'bundle.l10n.json');
  const english = existsSync(englishPath) ? readJson(englishPath) : {};
  const en = `${prefix}bundle.l10n.json`;
  if (!existsSync(englishPath)) problems.push(`${folder}/bundle.l10n.json is missing`);
  for (const key of keys) if (!(key in english)) problems.push(`${en}: missing key ${JSON.stringify(key)}, which ${sources} translates`);
  for (const [key, value] of Object.entries(english)) {
    if (!keys.has(key)) problems.push(`${en}: ${JSON.stringify(key)} is translated nowhere in ${sources}`);
    else if (value !== key) problems.push(`${en}: ${JSON.stringify(key)} should map to itself`);
  }
  counts[en] = Object.keys(english).length;
  for (const lang of LANGUAGES) {
    const name = `bundle.l10n.${lang}.json`;
    if (!existsSync(join(dir, name))) {
      problems.push(`${folder}/${name} is missing`);
      continue;
    }
    const table = readJson(join(dir, name));
    counts[`${prefix}${name}`] = Object.keys(table).length;
    compareTable(problems, `${prefix}${name}`, english, table);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const { problems, counts } = checkL10n(root);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`${problems.length} translation problem${problems.length === 1 ? '' : 's'}.`);
    process.exit(1);
  }
  console.log(
    `Translation tables complete: ${Object.entries(counts)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ')}.`,
  );
}
