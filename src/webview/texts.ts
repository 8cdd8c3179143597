/**
 * The map's texts in the display language, as the host wrote them into the page (a `<meta name="netlens-texts">`
 * whose content is JSON: the page runs no inline script). `say` fills in `{0}`, `{1}`… A text missing from the
 * page (an older host) shows its key, never nothing.
 */
import type { MapTextKey, MapTexts } from '../protocol/webview';

/** The page's document, as far as this module reads it; absent where the layout runs without a page (tests, benchmarks). */
interface Page {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
}

function read(): Partial<MapTexts> {
  try {
    const page = (globalThis as { document?: Page }).document;
    const content = page?.querySelector('meta[name="netlens-texts"]')?.getAttribute('content');
    const parsed: unknown = content ? JSON.parse(content) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Partial<MapTexts>) : {};
  } catch {
    return {};
  }
}

const texts = read();

export function say(key: MapTextKey, ...args: (string | number)[]): string {
  const template = texts[key];
  if (typeof template !== 'string') return key;
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (args[Number(i)] === undefined ? whole : String(args[Number(i)])));
}

/** Numbers with thousands separators; one formatter for all (`toLocaleString` makes one a call, which is slow). */
const numbers = new Intl.NumberFormat('en-US');

export function formatNumber(n: number): string {
  return numbers.format(n);
}

/** `one` for 1, `many` otherwise, with the count formatted. */
export function count(n: number, one: MapTextKey, many: MapTextKey): string {
  return say(n === 1 ? one : many, numbers.format(n));
}
