/**
 * The block reader against the YAML library on damaged real manifests (mutate.ts) and on generated block YAML: a
 * document it reads has the library's nodes, classes, values, types and ranges alike; it never throws.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readBlockYaml } from '../../src/core/block-yaml';
import { blockYamlText } from '../support/block-yaml-arbitrary';
import { blockReaderDifference, COMPOSER_OPTIONS } from '../support/yaml-nodes';
import { corpusPieces, damage, damaged } from './mutate';
import { cases, fuzz } from './run';

const pieces = corpusPieces();

function agrees(text: string): void {
  const doc = readBlockYaml(text, COMPOSER_OPTIONS);
  const difference = blockReaderDifference(text, doc);
  assert.equal(difference, undefined, `${difference}\n${JSON.stringify(text.slice(0, 2000))}`);
}

describe('fuzz: the block reader reads as the YAML library does', () => {
  it('on damaged real manifests', async (t) => {
    await fuzz(
      t,
      'block reader, damaged manifests',
      fc.property(damage(pieces.length), (c) => agrees(damaged(pieces, c))),
      cases(2_000, 50_000),
    );
  });

  it('on generated block YAML with comments and blank lines anywhere', async (t) => {
    await fuzz(t, 'block reader, generated YAML', fc.property(blockYamlText, agrees), cases(20_000, 500_000));
  });
});
