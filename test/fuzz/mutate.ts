/**
 * Real manifests, damaged: the pieces of the corpus (its files, the large ones cut at document separators into
 * pieces of at most 48 KB) and the mutations applied to them (lines deleted, moved, duplicated and re-indented;
 * tabs, control characters and lone surrogates; huge lines; a cut at any byte of the UTF-8 text; template text;
 * anchors, aliases and an alias bomb; deep nesting; scalars replaced by names and addresses). A case is a piece's
 * index and a list of mutations, so that a counterexample prints small and replays exactly.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { corpusDir, repoRoot } from '../support/repo';

export interface Piece {
  readonly name: string;
  readonly text: string;
}

const PIECE_BYTES = 48 * 1024;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** The corpus and the repository's own manifests, as pieces of at most 48 KB (read only: the files are never written). */
export function corpusPieces(): Piece[] {
  const pieces: Piece[] = [];
  const roots = [corpusDir(), join(repoRoot(), 'test', 'sample-workspace'), join(repoRoot(), 'test', 'fixtures')];
  for (const root of roots) {
    for (const file of yamlFiles(root)) {
      const name = relative(root, file);
      const text = readFileSync(file, 'utf8');
      if (statSync(file).size <= PIECE_BYTES) {
        pieces.push({ name, text });
        continue;
      }
      // Documents gathered up to the bound; a document longer than it is cut to it (still real YAML text).
      let current = '';
      let n = 0;
      for (const doc of text.split(/^(?=---)/m)) {
        if (current.length + doc.length > PIECE_BYTES && current !== '') {
          pieces.push({ name: `${name}#${n++}`, text: current });
          current = '';
        }
        current += doc.length > PIECE_BYTES ? doc.slice(0, PIECE_BYTES) : doc;
      }
      if (current !== '') pieces.push({ name: `${name}#${n}`, text: current });
    }
  }
  return pieces;
}

export type Mutation =
  | { readonly op: 'delete-line' | 'duplicate-line' | 'cut-bytes'; readonly at: number }
  | { readonly op: 'move-line'; readonly at: number; readonly to: number }
  | { readonly op: 'indent'; readonly at: number; readonly by: number; readonly tab: boolean }
  | { readonly op: 'insert' | 'replace-value'; readonly at: number; readonly text: string }
  | { readonly op: 'huge-line'; readonly at: number; readonly length: number; readonly unit: string }
  | { readonly op: 'nest'; readonly at: number; readonly depth: number; readonly style: 'flow-seq' | 'flow-map' | 'block-seq' | 'block-map' }
  | { readonly op: 'swap'; readonly at: number; readonly to: number; readonly length: number };

/** Text that means something to YAML, to templates or to the reference scanner. */
const SNIPPETS = [
  '\t',
  '\u0000',
  '\u0001',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufeff',
  '\ud800',
  '\udc00',
  '\r',
  '\r\n',
  '\n',
  '{{ .Values.service.name }}',
  '{{- include "app.fullname" . }}-redis:6379',
  '{{ if .Values.enabled }}\n',
  '{{ end }}',
  '{{',
  '}}',
  '${HOST}:${PORT}',
  '$(API_HOST)',
  '&a ',
  '*a',
  '<<: *a\n',
  '*nothing',
  '&b [1, 2, *b]',
  '---\n',
  '...\n',
  '%YAML 1.2\n---\n',
  '%TAG ! tag:example.com,2000:\n',
  '? ',
  ': ',
  '- ',
  '!!binary ',
  '!!map ',
  '!custom ',
  '|\n',
  '>-\n',
  '"',
  "'",
  '#',
  '[',
  ']',
  '{',
  '}',
  ',',
  'http://web.shop.svc.cluster.local:80/v1',
  'redis-0.redis:6379',
  'api.shop:9999',
  '10.96.0.10',
  '[fd00::1]:8080',
  '10-244-1-5.shop.pod.cluster.local',
  '_http._tcp.web.shop.svc.cluster.local',
  'aGVsbG8uc2hvcC5zdmMuY2x1c3Rlci5sb2NhbDo4MA==',
  'postgres://user:pass@db.data.svc:5432/app?sslmode=disable',
  'jdbc:mysql://mysql:3306/x',
  'kind: List\nitems:\n',
  'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  nginx.conf: "upstream u { server api:8080; }"\n',
  'kind: Service\n',
  'metadata:\n  name: web\n',
  'selector: {app: x}\n',
  'targetPort: http\n',
  'serviceName: nosuch\n',
  'namespace: other\n',
];

/** A billion-laughs document: each alias doubles what the one before expands to. */
const ALIAS_BOMB = `${['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
  .concat('bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`))
  .join('\n')}\n`;

const insertText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SNIPPETS) },
  { weight: 1, arbitrary: fc.constant(ALIAS_BOMB) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...SNIPPETS), { maxLength: 8 }).map((s) => s.join('')) },
);

const at = fc.nat();
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete-line' as const, 'duplicate-line' as const, 'cut-bytes' as const), at }),
  fc.record({ op: fc.constant('move-line' as const), at, to: fc.nat() }),
  fc.record({ op: fc.constant('indent' as const), at, by: fc.integer({ min: -8, max: 8 }), tab: fc.boolean() }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), at, text: insertText }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replace-value' as const), at, text: insertText }) },
  fc.record({
    op: fc.constant('huge-line' as const),
    at,
    // Mostly thousands of characters, sometimes up to 200,000: each costs a parse of a large text.
    length: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1_000, max: 10_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 200_000 }) }),
    unit: fc.constantFrom('a', 'x: ', '- ', 'é', '{', '[', 'web.shop:80 ', ' ', '"', '\\'),
  }),
  fc.record({
    op: fc.constant('nest' as const),
    at,
    // Around the limit of parseManifest (256 levels) and beyond what overflows the stack (about 1,000).
    depth: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 10, max: 400 }) }, { weight: 1, arbitrary: fc.integer({ min: 400, max: 5_000 }) }),
    style: fc.constantFrom('flow-seq' as const, 'flow-map' as const, 'block-seq' as const, 'block-map' as const),
  }),
  fc.record({ op: fc.constant('swap' as const), at, to: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
);

/** A case: which piece, and what is done to it in order. */
export const damage = (pieces: number) => fc.record({ piece: fc.nat(pieces - 1), mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }) });

/** The start of each line of `text`. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Nested collections `depth` deep, in one of YAML's four ways of nesting. */
function nested(depth: number, style: Extract<Mutation, { op: 'nest' }>['style']): string {
  switch (style) {
    case 'flow-seq':
      return `x: ${'['.repeat(depth)}1${']'.repeat(depth)}\n`;
    case 'flow-map':
      return `x: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
    case 'block-seq': {
      // Block nesting writes a line per level, each longer than the one before: kept to 1,200 levels (700 KB).
      const n = Math.min(depth, 1_200);
      return `x:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}-`).join('\n')} 1\n`;
    }
    case 'block-map': {
      const n = Math.min(depth, 1_200);
      return `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`;
    }
  }
}

/** `text` with one mutation applied. */
export function mutate(text: string, m: Mutation): string {
  const starts = lineStarts(text);
  const line = (n: number) => {
    const i = n % starts.length;
    const start = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
    return { start, end };
  };
  const pos = m.at % (text.length + 1);
  switch (m.op) {
    case 'delete-line': {
      const l = line(m.at);
      return text.slice(0, l.start) + text.slice(l.end);
    }
    case 'duplicate-line': {
      const l = line(m.at);
      return text.slice(0, l.end) + text.slice(l.start, l.end) + text.slice(l.end);
    }
    case 'move-line': {
      const l = line(m.at);
      const rest = text.slice(0, l.start) + text.slice(l.end);
      const to = line(m.to).start;
      const p = Math.min(to, rest.length);
      return rest.slice(0, p) + text.slice(l.start, l.end) + rest.slice(p);
    }
    case 'indent': {
      const l = line(m.at);
      if (m.by >= 0) return text.slice(0, l.start) + (m.tab ? '\t' : ' ').repeat(m.by) + text.slice(l.start);
      let cut = l.start;
      while (cut < l.end && cut - l.start < -m.by && (text[cut] === ' ' || text[cut] === '\t')) cut++;
      return text.slice(0, l.start) + text.slice(cut);
    }
    case 'insert':
      return text.slice(0, pos) + m.text + text.slice(pos);
    case 'replace-value': {
      // The value after the next `: ` (or the rest of the line), as an editor's user retypes one.
      const l = line(m.at);
      const lineText = text.slice(l.start, l.end);
      const colon = lineText.indexOf(': ');
      const from = colon >= 0 ? l.start + colon + 2 : l.start;
      const to = text[l.end - 1] === '\n' ? l.end - 1 : l.end;
      return text.slice(0, from) + m.text + text.slice(to);
    }
    case 'cut-bytes': {
      // The file cut at any byte of its UTF-8 text, as a write cut short leaves it, and read back leniently.
      const bytes = Buffer.from(text, 'utf8');
      return bytes.subarray(0, m.at % (bytes.length + 1)).toString('utf8');
    }
    case 'huge-line': {
      const l = line(m.at);
      return `${text.slice(0, l.start)}${m.unit.repeat(Math.ceil(m.length / m.unit.length))}\n${text.slice(l.start)}`;
    }
    case 'nest': {
      const l = line(m.at);
      return text.slice(0, l.start) + nested(m.depth, m.style) + text.slice(l.start);
    }
    case 'swap': {
      const a = pos;
      const b = m.to % (text.length + 1);
      const [x, y] = a <= b ? [a, b] : [b, a];
      const len = Math.min(m.length, y - x, text.length - y);
      if (len <= 0) return text;
      return text.slice(0, x) + text.slice(y, y + len) + text.slice(x + len, y) + text.slice(x, x + len) + text.slice(y + len);
    }
  }
}

/** A piece with every mutation of a case applied, in order. */
export function damaged(pieces: readonly Piece[], c: { readonly piece: number; readonly mutations: readonly Mutation[] }): string {
  return c.mutations.reduce(mutate, pieces[c.piece]!.text);
}
