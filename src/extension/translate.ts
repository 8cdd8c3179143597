/**
 * The translation function of the extension's vscode-free modules (model-state.ts, tree-items.ts): the extension
 * passes `vscode.l10n.t`, the tests English or a bundle of l10n/. A key is the English text with `{0}`-style
 * placeholders, as vscode.l10n expects; scripts/check-l10n.mjs finds the keys by the calls of `t` with a string literal, so a key is
 * always a literal.
 */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** Fills `{0}`, `{1}`… with the arguments. */
function format(text: string, args: ReadonlyArray<string | number | boolean>): string {
  return text.replace(/\{(\d+)\}/g, (whole, i: string) => (args[Number(i)] === undefined ? whole : String(args[Number(i)])));
}

/** English: the key itself with its placeholders filled, as vscode.l10n.t gives it without a bundle. */
export const english: Translate = (message, ...args) => format(message, args);

/** The translation of a bundle (key → text), English for a key it lacks. */
export function fromBundle(bundle: Readonly<Record<string, string>>): Translate {
  return (message, ...args) => format(bundle[message] ?? message, args);
}
