/**
 * The message tables of the language server and the `netlens` command, read from the package's
 * `l10n/server/bundle.l10n.<language>.json` (beside `dist/` in the npm package and the VS Code extension, three
 * folders up from the compiled tests) and made current in src/core/l10n. Only the language in use is read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Language, languageOf, type MessageTable, useMessages } from '../core/l10n';

/** The folder of the tables: the nearest `l10n/server` above this module. */
export function tablesDir(from = __dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'l10n', 'server');
    if (existsSync(join(candidate, 'bundle.l10n.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** The table of a language, or undefined when it cannot be read (the messages are then English). */
export function readTable(language: Language, dir = tablesDir()): MessageTable | undefined {
  if (!dir) return undefined;
  try {
    return JSON.parse(readFileSync(join(dir, `bundle.l10n.${language}.json`), 'utf8')) as MessageTable;
  } catch {
    return undefined;
  }
}

/**
 * Makes the language of `locale` (a BCP 47 tag or a POSIX locale) the one messages are written in; English for a
 * locale without a table. Returns the language chosen, undefined for English.
 */
export function useLocale(locale: string | undefined): Language | undefined {
  const language = languageOf(locale);
  const table = language ? readTable(language) : undefined;
  useMessages(table);
  return table ? language : undefined;
}
