/**
 * Generated block YAML of the shapes manifests take (mappings, sequences, compact mappings in items, sequences
 * beside their key, plain, quoted and block scalars, empty values and collections), with comment lines and blank
 * lines at any indent between them: text for comparing the block reader with the YAML library.
 */
import fc from 'fast-check';

type Tree =
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, Tree])[] }
  | { readonly kind: 'seq'; readonly items: readonly Tree[] }
  | { readonly kind: 'scalar'; readonly text: string }
  | { readonly kind: 'block'; readonly header: string; readonly lines: readonly string[] };

const word = fc.stringMatching(/^[a-z][a-z0-9.-]{0,8}$/);
const plain = fc.oneof(
  word,
  fc.constantFrom(
    '1',
    '-2',
    '0x1F',
    '0o17',
    '017',
    '1.50',
    '1e3',
    '.inf',
    '.NaN',
    'true',
    'False',
    'NULL',
    '~',
    'null',
    'yes',
    '1.2.3',
    '-x',
    ':x',
    '?x',
    'a#b',
    'http://a:80/x',
    'a: b',
    'a:',
    '- a',
    '#x',
    '@x',
    '`x',
    '%x',
    '&a',
    '*a',
    '!t x',
    '[a]',
    '{a}',
    'a,b',
    '<<',
    'a  b',
    '9999999999999999999',
  ),
);
const quoted = fc.oneof(
  word.map((w) => `"${w}"`),
  word.map((w) => `'${w}'`),
  fc.constantFrom('"a\\tb"', '"\\u00e9"', '"a\\"b"', "'it''s'", '""', "''", '"a\\qb"', '"a b" x', '"a"b', '"a', '"a\\\\"', "'a'#c"),
);
/** One-line flow sequences: items plain, quoted or odd, with any spacing, commas and closing. */
const flowSequence = fc
  .record({
    items: fc.array(fc.oneof(plain, quoted, fc.constantFrom('', 'a b', 'c:d', 'e: f', 'g:', '[h]', '{i}', 'j #k', '-', '- l', ':m', '8080', '1.5')), {
      maxLength: 4,
    }),
    gaps: fc.array(fc.constantFrom('', ' ', '  '), { minLength: 10, maxLength: 10 }),
    close: fc.constantFrom(']', ',]', ', ]', ' ]', '', ']x', '] # c'),
  })
  .map(({ items, gaps, close }) => `[${gaps[0]}${items.map((it, i) => `${it}${gaps[(i * 2 + 1) % 10]}`).join(`,${gaps[3]}`)}${close}`);

const scalar = fc
  .oneof(
    { weight: 3, arbitrary: plain },
    { weight: 2, arbitrary: quoted },
    { weight: 1, arbitrary: fc.constantFrom('', '[]', '{}', '[ ]', '{  }', '[a]', '{a: 1}', '[', '# c', '&a x', '*a', '!!str x') },
    { weight: 2, arbitrary: flowSequence },
  )
  .map((text): Tree => ({ kind: 'scalar', text }));
const block: fc.Arbitrary<Tree> = fc
  .record({
    header: fc.constantFrom('|', '|-', '>', '>-', '|+', '|2', '| # c', '>#c', '|x'),
    lines: fc.array(fc.oneof(word, fc.constantFrom('', ' ', '  x', '# not a comment', 'a: b', '- c')), { minLength: 0, maxLength: 5 }),
  })
  .map((b) => ({ kind: 'block' as const, ...b }));

const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: block },
    {
      weight: 2,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(
              { weight: 5, arbitrary: word },
              { weight: 1, arbitrary: quoted },
              {
                weight: 1,
                arbitrary: fc.constantFrom('8080', 'true', '<<', '- k', 'a b', '? k', '__proto__', 'toString', 'null', '~', '1.5', '"__proto__"', '0x1F'),
              },
            ),
            tie('node'),
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((entries) => ({ kind: 'map' as const, entries })),
    },
    { weight: 2, arbitrary: fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((items) => ({ kind: 'seq' as const, items })) },
  ),
})).node;

/** Lines put between the lines of a rendering: comments and blank lines, at a random indent. */
const extra = fc.oneof(
  fc.nat(9).map((n) => `${' '.repeat(n)}# c`),
  fc.nat(4).map((n) => ' '.repeat(n)),
  fc.constant(''),
);

interface Style {
  readonly indentStep: number;
  readonly seqBesideKey: boolean;
  readonly compact: boolean;
  readonly trailingComments: boolean;
}

function render(t: Tree, indent: number, style: Style, out: string[], prefix: string): void {
  const pad = ' '.repeat(indent);
  if (t.kind === 'scalar') {
    out.push(`${prefix}${t.text}`);
    return;
  }
  if (t.kind === 'block') {
    out.push(`${prefix}${t.header}`);
    for (const l of t.lines) out.push(l === '' ? '' : `${pad}${' '.repeat(style.indentStep)}${l}`);
    return;
  }
  if (t.kind === 'map') {
    t.entries.forEach(([k, v], i) => {
      const head = i === 0 && prefix.trim() !== '' ? prefix : `${i === 0 ? prefix : pad}`;
      if (v.kind === 'scalar' || v.kind === 'block') render(v, indent, style, out, `${head}${k}: `);
      else if (v.kind === 'seq' && style.seqBesideKey) {
        out.push(`${head}${k}:`);
        render(v, indent, style, out, pad);
      } else {
        out.push(`${head}${k}:${style.trailingComments ? ' # c' : ''}`);
        render(v, indent + style.indentStep, style, out, ' '.repeat(indent + style.indentStep));
      }
    });
    return;
  }
  t.items.forEach((item, i) => {
    const head = i === 0 ? prefix : pad;
    if (item.kind === 'map' && style.compact) render(item, indent + 2, style, out, `${head}- `);
    else if (item.kind === 'scalar' || item.kind === 'block') render(item, indent, style, out, `${head}- `);
    else {
      out.push(`${head}-`);
      render(item, indent + style.indentStep, style, out, ' '.repeat(indent + style.indentStep));
    }
  });
}

/** A text of block YAML: a tree rendered, with comment and blank lines slipped in, maybe a `---` line first. */
export const blockYamlText: fc.Arbitrary<string> = fc
  .record({
    tree: tree.filter((t) => t.kind === 'map' || t.kind === 'seq'),
    style: fc.record({ indentStep: fc.integer({ min: 1, max: 4 }), seqBesideKey: fc.boolean(), compact: fc.boolean(), trailingComments: fc.boolean() }),
    extras: fc.array(fc.tuple(fc.nat(), extra), { maxLength: 6 }),
    marker: fc.constantFrom('', '---\n', '--- # c\n', '# head\n---\n', '# head\n'),
    end: fc.constantFrom('', '\n', '\n\n', '\n# end\n', '\n  # end\n', '\n    \n'),
  })
  .map(({ tree: t, style, extras, marker, end }) => {
    const out: string[] = [];
    render(t, 0, style, out, '');
    for (const [at, line] of extras) out.splice(at % (out.length + 1), 0, line);
    return `${marker}${out.join('\n')}${end}`;
  });
