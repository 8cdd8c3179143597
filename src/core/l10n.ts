/**
 * The language of what the language server and the `netlens` command say to people: diagnostics, quick-fix titles,
 * hovers, inlay hints, explanations, and the command's text output. A message is its English text with `{0}`-style
 * placeholders, the key of the translation tables (as vscode.l10n keys are), so that English needs no table and a
 * sentence is translated whole, its pieces in the order its language puts them.
 *
 * One table serves a process (the language server answers one client; the command runs once), chosen at its start:
 * the Node side reads `l10n/server/bundle.l10n.<language>.json` and hands it to `useMessages`. Codes, record types,
 * field names, kinds, names, addresses and ports are placeholders or stay in the English text of every table.
 * scripts/check-l10n.mjs finds the keys by the calls of `t` with a string literal, so a key is always a literal.
 */

/** The languages the tables translate to, as VS Code names them (`l10n/server/bundle.l10n.<language>.json`). */
export const LANGUAGES = ['es', 'zh-cn', 'ko'] as const;
export type Language = (typeof LANGUAGES)[number];

export type MessageTable = Readonly<Record<string, string>>;

let table: MessageTable | undefined;

/**
 * A message in the current language: the table's text for the English `message`, or `message` itself, with `{0}`,
 * `{1}`… replaced by the arguments (in one pass, so that an argument's own braces are left as they are).
 */
export function t(message: string, ...args: ReadonlyArray<string | number>): string {
  const text = table?.[message] ?? message;
  if (args.length === 0) return text;
  return text.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const arg = args[Number(i)];
    return arg === undefined ? whole : String(arg);
  });
}

/** The current table (undefined: English), for a worker thread to use the same. */
export function currentMessages(): MessageTable | undefined {
  return table;
}

/** Makes `table` the current one; `undefined` is English. */
export function useMessages(messages: MessageTable | undefined): void {
  table = messages;
}

/**
 * The language of a locale, or undefined for English: a BCP 47 tag as LSP's `initialize` sends it (`es`, `es-ES`,
 * `zh-CN`, `ko-KR`) or a POSIX locale (`es_ES.UTF-8`, `ko_KR.UTF-8@euro`). Chinese in traditional script (`zh-TW`,
 * `zh-HK`, `zh-Hant`) is not Simplified Chinese, and `C` and `POSIX` are English.
 */
export function languageOf(locale: string | undefined): Language | undefined {
  if (!locale) return undefined;
  const parts = locale
    .trim()
    .toLowerCase()
    .replace(/[.@].*$/, '')
    .split(/[-_]/);
  switch (parts[0]) {
    case 'es':
      return 'es';
    case 'ko':
      return 'ko';
    case 'zh':
      return parts.slice(1).some((p) => p === 'tw' || p === 'hk' || p === 'mo' || p === 'hant') ? undefined : 'zh-cn';
    default:
      return undefined;
  }
}
