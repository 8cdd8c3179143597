/**
 * The block reader (src/core/block-yaml.ts) against the YAML library it stands in for: on the corpus's real
 * manifests, on texts written to hit each rule of the library's ranges, and on generated block YAML, every
 * document it reads has the library's nodes (classes, values, types, ranges); what it cannot read it leaves.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readBlockYaml } from '../../src/core/block-yaml';
import { documentPieces } from '../../src/core/incremental';
import { parseManifest } from '../../src/core/manifests';
import { blockYamlText } from '../support/block-yaml-arbitrary';
import { corpusDir } from '../support/repo';
import { blockReaderDifference, COMPOSER_OPTIONS } from '../support/yaml-nodes';

const read = (text: string) => readBlockYaml(text, COMPOSER_OPTIONS);

/** The texts of the YAML files under `dir`, cut at document separators as the incremental parse cuts them. */
function pieces(dir: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) {
        out.push(...documentPieces(readFileSync(p, 'utf8')).map((text, i) => ({ name: `${relative(dir, p)}#${i}`, text })));
      }
    }
  };
  walk(dir);
  return out;
}

describe('block reader', () => {
  it('reads most documents of the real manifests, each exactly as the library does', () => {
    const all = pieces(corpusDir()).filter((p) => !p.name.startsWith('charts/'));
    let taken = 0;
    for (const p of all) {
      const doc = read(p.text);
      if (doc) taken++;
      assert.equal(blockReaderDifference(p.text, doc), undefined, p.name);
    }
    // Left to the library: JSON-style documents, multi-line plain and quoted scalars, empty documents.
    assert.ok(taken / all.length >= 0.9, `${taken} of ${all.length} documents read`);
  });

  it("follows the library's ranges where comments, blank lines and empty values meet", () => {
    const texts = [
      'a: 1 # c\nb: "x" # c\nc: \'y\'\n',
      'a:\n  b: 1\n  # trailing\nc: 2\n',
      'a:\n  b: 1\n  # t\n\nc: 2\n',
      'x:\n  a:\n    b: 1\n    # t\n\n  c: 2\n',
      'x:\n  a:\n    b: 1\n  # t\n\n  c: 2\n',
      'x:\n  a:\n    b: 1\n  # t\n\nc: 2\n',
      'x:\n  a: [ ]\n\n     # t\n\n  # u\nc: 2\n',
      'a: 1\n  # t\n\nb: 2\n',
      'a: 1\n# t\n',
      'a:\n- x\n  # t\nb: 1',
      'a:\nb:\n',
      'x:\n\n\n',
      'a:   \nb: # c\n\nc: 1\n',
      'a: # c\n  # d\n  b: 1\n',
      'app: # c\n    x: 1\n',
      'k: # c\n\n',
      'a: # c\nb: 1\n',
      'x:\n  a: # c\n  b: 1\n',
      'm:\n  a: # c\n\nn: 1\n',
      'a: |\n  x\n\n\n',
      'a: |-\n  x\n\n\nb: 1',
      'a: >-\n  f\n  g\n\n  h\nb: >\n  i\n',
      'x:\n  a: |\n    a\n     b\n\n  c: 1\n',
      '- a\n- b: 1\n  c:\n   - 1\n',
      '# head\n---\n# c\nkind: x # y\n',
      'k: 0x1F\nl: 017\nm: 1e3\nn: ~\no: True\np: 1.50\nq: .inf\n8080: x\n',
      'e: "q\\tw \\u00e9"\nf: \'it\'\'s\'\n"quoted key": 1\n',
      'a: [x, "y", 1]\nb: [ x ,y ]  # c\nc: [x,]\nd: ["--x=1", \'q\' , http://h:80]\n',
      '- [a, b]\n-   [ ]\n',
      '__proto__: x\ntoString: 1\nnull: 2\n~: 3\n1.5: 4\nconstructor:\n  a: 1\n',
    ];
    for (const text of texts) {
      const doc = read(text);
      assert.ok(doc, `read: ${JSON.stringify(text)}`);
      assert.equal(blockReaderDifference(text, doc), undefined, JSON.stringify(text));
    }
  });

  it('leaves to the library what it does not read', () => {
    const texts = [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: [b: 1]\n',
      'a: [b, [c]]\n',
      'a: [b,,c]\n',
      'a: [b\n',
      'a: {b: 1}\n',
      'a: b\n  c\n',
      'a: "b\n  c"\n',
      'a:\tb\n',
      'a: b\r\n',
      '\ufeffa: b\n',
      '<<: {a: 1}\n',
      '? a\n: b\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: 1\n---\nb: 2\n',
      'a: |+\n  x\n',
      'a: |2\n  x\n',
      'a: b: c\n',
      'a: 1\n  b: 2\n',
      '- - a\n',
      'a:\n# c\nb: 1\n',
      ' ---\na: 1\n',
      '- # c\n- 1\n',
      '- a\n-\n',
      '',
      '# only a comment\n',
      '---\n',
      '{{ if .Values.x }}\na: 1\n{{ end }}\n',
    ];
    for (const text of texts) assert.equal(read(text), undefined, JSON.stringify(text));
  });

  it('agrees with the library on generated block YAML', () => {
    let taken = 0;
    fc.assert(
      fc.property(blockYamlText, (text) => {
        const doc = read(text);
        if (doc) taken++;
        assert.equal(blockReaderDifference(text, doc), undefined);
      }),
      { numRuns: 1500, seed: 20261202 },
    );
    assert.ok(taken > 150, `${taken} of 1500 generated texts read`);
  });

  it('gives parseManifest the objects and problems of the library', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web # c\n  namespace: shop\n  labels:\n    app: web\n    app: api\nspec:\n  ports:\n  - port: 80\n    name: "http"\n';
    const m = parseManifest('file:///a.yaml', text);
    assert.equal(m.objects.length, 1);
    assert.deepEqual(
      { kind: m.objects[0]!.kind, name: m.objects[0]!.name, namespace: m.objects[0]!.namespace, value: m.objects[0]!.value() },
      {
        kind: 'Service',
        name: 'web',
        namespace: 'shop',
        value: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web', namespace: 'shop', labels: { app: 'api' } },
          spec: { ports: [{ port: 80, name: 'http' }] },
        },
      },
    );
    assert.deepEqual(
      m.problems.map((p) => [p.code, p.line, p.column]),
      [['duplicate-key', 8, 5]],
    );
  });
});
