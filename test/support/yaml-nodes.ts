/**
 * The YAML library's own reading of a text, and where a node tree differs from another: what the block reader
 * (src/core/block-yaml.ts) is compared with.
 */
import { isDeepStrictEqual } from 'node:util';
import { Composer, type Document, isMap, isPair, isScalar, isSeq, Parser } from 'yaml';
import { plainData } from '../../src/core/block-yaml';
import { COMPOSER_OPTIONS } from '../../src/core/manifests';

export { COMPOSER_OPTIONS };

/** The documents of `text` as the library's parser and composer give them. */
export function libraryDocuments(text: string): Document.Parsed[] {
  return Array.from(new Composer(COMPOSER_OPTIONS).compose(new Parser().parse(text)));
}

const SCALAR_FIELDS = ['value', 'type', 'source', 'format', 'minFractionDigits', 'tag'] as const;

/** The first difference between two nodes (class, value, type, source, format, range, flow, items), or undefined. */
export function nodeDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (a === null || b === null || a === undefined || b === undefined) return a === b ? undefined : `${path}: ${String(a)} against ${String(b)}`;
  if ((a as object).constructor !== (b as object).constructor) return `${path}: ${(a as object).constructor.name} against ${(b as object).constructor.name}`;
  const range = (n: { range?: unknown }) => JSON.stringify(n.range);
  if (isScalar(a) && isScalar(b)) {
    for (const k of SCALAR_FIELDS) {
      if (!Object.is(a[k], b[k])) return `${path}.${k}: ${JSON.stringify(a[k])} against ${JSON.stringify(b[k])}`;
    }
    return range(a) === range(b) ? undefined : `${path}.range: ${range(a)} against ${range(b)}`;
  }
  if (isPair(a) && isPair(b)) return nodeDifference(a.key, b.key, `${path}.key`) ?? nodeDifference(a.value, b.value, `${path}.value`);
  if ((isMap(a) && isMap(b)) || (isSeq(a) && isSeq(b))) {
    if (range(a) !== range(b)) return `${path}.range: ${range(a)} against ${range(b)}`;
    if (Boolean(a.flow) !== Boolean(b.flow)) return `${path}.flow: ${a.flow} against ${b.flow}`;
    if (a.items.length !== b.items.length) return `${path}: ${a.items.length} items against ${b.items.length}`;
    for (let i = 0; i < a.items.length; i++) {
      const d = nodeDifference(a.items[i], b.items[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  return `${path}: not a node the block reader makes (${(a as object).constructor.name})`;
}

/**
 * How the block reader's document of `text` differs from the library's (its nodes, or their data as `toJS` and
 * `plainData` give it), or undefined when they agree (or when the
 * reader leaves the text to the library, `read` false).
 */
export function blockReaderDifference(text: string, read: Document.Parsed | undefined): string | undefined {
  if (!read) return undefined;
  const docs = libraryDocuments(text);
  if (docs.length !== 1) return `the library reads ${docs.length} documents`;
  const doc = docs[0]!;
  if (doc.errors.length > 0) return `the library finds an error: ${doc.errors[0]!.message}`;
  if (doc.warnings.length > 0) return `the library warns: ${doc.warnings[0]!.message}`;
  if (JSON.stringify(doc.range) !== JSON.stringify(read.range)) return `document range ${JSON.stringify(doc.range)} against ${JSON.stringify(read.range)}`;
  if (doc.directives.docStart !== read.directives.docStart) return `--- marker: ${doc.directives.docStart} against ${read.directives.docStart}`;
  const nodes = nodeDifference(doc.contents, read.contents);
  if (nodes) return nodes;
  const data = doc.toJS({ maxAliasCount: 1000 });
  const plain = plainData(read.contents);
  return isDeepStrictEqual(data, plain) ? undefined : `data ${JSON.stringify(data)} against ${JSON.stringify(plain)}`;
}
