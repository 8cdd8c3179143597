// `netlens check` in worker threads gives what a check in one thread gives: the same findings in the same order, the
// same problems on stderr and the same exit status, on the real manifests of the corpus and on a generated
// GitOps-style repository (test/support/gitops-repo.ts); and where stderr is not a terminal it writes no progress
// line. The bundled CLI runs in a child process, as a user runs it (`--jobs 1`: one thread; `--jobs N`: N threads).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Located } from '../../src/cli/check';
import { THREADED_FROM_FILES } from '../../src/cli/check';
import { type GitOpsRepo, writeGitOpsRepo } from '../support/gitops-repo';
import { corpusDir, repoRoot } from '../support/repo';

const root = repoRoot();
const cli = join(root, 'dist', 'cli.js');
let tmp = '';
let repo: GitOpsRepo;

before(() => {
  if (!existsSync(join(root, 'dist', 'check-worker.js'))) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `bundling failed: ${r.stderr}`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'netlens-threads-'));
  // Enough files for the default to use worker threads, few enough for a quick test.
  repo = writeGitOpsRepo(join(tmp, 'repo'), { files: 2 * THREADED_FROM_FILES, namespaces: 5, seed: 7 });
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The CLI with stdout and stderr on pipes (not terminals). */
function netlens(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('netlens check in worker threads', () => {
  it('the corpus: the same findings, problems and exit status as in one thread, with 2 and 3 threads', () => {
    const corpus = corpusDir();
    const one = netlens([corpus, '--no-render', '--format', 'json', '--jobs', '1']);
    const findings = JSON.parse(one.stdout) as Located[];
    assert.ok(findings.length >= 5, `the corpus has findings (${findings.length})`);
    assert.ok(one.stderr.length > 0, 'and problems on stderr');
    for (const jobs of ['2', '3']) {
      const threads = netlens([corpus, '--no-render', '--format', 'json', '--jobs', jobs]);
      assert.equal(threads.stdout, one.stdout, `--jobs ${jobs}: stdout`);
      assert.equal(threads.stderr, one.stderr, `--jobs ${jobs}: stderr`);
      assert.equal(threads.status, one.status, `--jobs ${jobs}: exit status`);
    }
  });

  it('a generated repository: the same output in every format, threads by default', () => {
    for (const format of ['json', 'text']) {
      const one = netlens([repo.root, '--format', format, '--jobs', '1']);
      const byDefault = netlens([repo.root, '--format', format]);
      assert.equal(byDefault.stdout, one.stdout, `${format}: stdout`);
      assert.equal(byDefault.stderr, one.stderr, `${format}: stderr`);
      assert.equal(byDefault.status, one.status, `${format}: exit status`);
    }
    const found = JSON.parse(netlens([repo.root, '--format', 'json']).stdout) as Located[];
    const codes = new Set(found.map((f) => f.code));
    // Its broken references: Services that do not exist (NL001), a namespace that does not (NL002), a port no
    // Service has (NL003).
    assert.ok(codes.has('NL001') && codes.has('NL003'), [...codes].join(', '));
    assert.ok(found.length >= repo.broken / 2, `${found.length} findings for ${repo.broken} broken references`);
  });

  it('a file given twice and a folder with it: each finding once, as in one thread', () => {
    const folder = join(repo.root, 'clusters', 'prod', 'team-000');
    const file = join(folder, 'cart-0.yaml');
    const args = [file, folder, file, '--format', 'json'];
    const one = netlens([...args, '--jobs', '1']);
    const threads = netlens([...args, '--jobs', '2']);
    assert.equal(threads.stdout, one.stdout);
    assert.equal(threads.stderr, one.stderr);
  });

  it('writes no progress line when stderr is not a terminal', () => {
    const r = netlens([repo.root, '--format', 'json', '--jobs', '2']);
    assert.equal(r.stderr, '', 'nothing on stderr: no progress line, and the repository has no problems to report');
    assert.ok(!r.stdout.includes('\r'));
  });
});
