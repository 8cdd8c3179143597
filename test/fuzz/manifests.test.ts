/**
 * Damaged real manifests (mutate.ts) through what reads them: parseManifest, the reference scan, the incremental
 * parse, the workspace model and a file's analysis (the checks). Nothing throws; every problem, reference, finding
 * and fix lies within the text, and every problem's line and column are those of its offset.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeManifest } from '../../src/core/analyze';
import { ManifestCache } from '../../src/core/incremental';
import { type ManifestProblem, parseManifest } from '../../src/core/manifests';
import { scanReferences } from '../../src/core/references';
import { Resolver } from '../../src/core/resolver';
import { buildWorkspaceModel } from '../../src/core/workspace';
import { corpusPieces, damage, damaged } from './mutate';
import { cases, fuzz } from './run';

const ZONE = 'cluster.local';
const NAMESPACE = 'default';
const pieces = corpusPieces();

/** Whether `[start, end]` is a span of `text`. */
function assertSpan(text: string, start: number, end: number, what: string): void {
  assert.ok(
    Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= text.length,
    `${what}: [${start}, ${end}] in ${text.length}`,
  );
}

/** The 1-based line and column of `offset`, lines ended by LF as the YAML parser counts them. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function assertProblems(text: string, problems: readonly ManifestProblem[], uri: string, what: string): void {
  for (const p of problems) {
    if (p.uri !== uri) continue;
    assertSpan(text, p.offset, p.offset, `${what} ${p.code} "${p.message}"`);
    assert.deepEqual({ line: p.line, column: p.column }, lineColumn(text, p.offset), `${what} ${p.code} at offset ${p.offset}: line and column`);
    if (p.related !== undefined) assertSpan(text, p.related, p.related, `${what} ${p.code}, related`);
  }
}

function checkText(text: string): void {
  const uri = 'file:///fuzz/manifest.yaml';
  const manifest = parseManifest(uri, text);
  // Objects become data on first use, which may report a problem (an alias bomb): use them all first.
  for (const o of manifest.objects) {
    o.value();
    assertSpan(text, o.source.start, o.source.end, `${o.kind} ${o.name}`);
    assertSpan(text, o.source.nameStart, o.source.nameEnd, `${o.kind} ${o.name}, its name`);
  }
  assertProblems(text, manifest.problems, uri, 'parseManifest');

  const options = { zone: ZONE, defaultNamespace: NAMESPACE };
  for (const r of scanReferences(manifest, options)) {
    const what = `reference ${JSON.stringify(r.host)} (${r.context})`;
    assertSpan(text, r.start, r.end, what);
    assertSpan(text, r.hostStart, r.hostEnd, `${what}, its host`);
    if (r.portStart !== undefined) assertSpan(text, r.portStart, r.portEnd!, `${what}, its port`);
    if (r.subset) assertSpan(text, r.subset.start, r.subset.end, `${what}, its subset`);
  }

  // As the language server and netlens check read a file: a piece at a time, then the model and the checks.
  const chunked = new ManifestCache(options).parse(uri, text);
  const model = buildWorkspaceModel([chunked.manifest], { defaultNamespace: NAMESPACE });
  for (const o of chunked.manifest.objects) o.value();
  assertProblems(text, chunked.manifest.problems, uri, 'incremental parse');
  assertProblems(text, model.report.problems, uri, 'workspace model');
  const resolver = new Resolver(model.snapshot, { podRecords: 'insecure', sourceName: 'the manifests' });
  const analysis = analyzeManifest(
    chunked.manifest,
    { zone: ZONE, defaultNamespace: NAMESPACE, sources: [{ name: 'the manifests', resolver, live: false, facts: model.facts }], workspace: model.snapshot },
    chunked.references,
  );
  for (const r of analysis.references) assertSpan(text, r.start, r.end, `reference ${JSON.stringify(r.host)} (incremental)`);
  for (const f of analysis.findings) {
    assertSpan(text, f.start, f.end, `${f.code} "${f.message}"`);
    for (const fix of f.fixes) for (const e of fix.edits) assertSpan(text, e.start, e.end, `${f.code}, fix "${fix.title}"`);
  }
}

describe('fuzz: damaged real manifests through the parser, the reference scan and the checks', () => {
  it('never throws, and places every problem, reference and finding within the text', async (t) => {
    t.diagnostic(`${pieces.length} pieces of real manifests`);
    await fuzz(
      t,
      'damaged manifests',
      fc.property(damage(pieces.length), (c) => checkText(damaged(pieces, c))),
      cases(120, 10_000),
    );
  });
});
