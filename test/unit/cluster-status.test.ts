// The status file of a cluster being brought up (npm start writes it; the extension follows it): what counts as
// a status, and that a watch sees each replacement of the file, as the demo writes it (a temporary file renamed
// over it), waiting for the watch's calls rather than for time.
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type ClusterStatus, parseClusterStatus, watchClusterStatus } from '../../src/extension/cluster-status';

const dir = mkdtempSync(join(tmpdir(), 'netlens-status-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parseClusterStatus', () => {
  it('takes the four states with their message', () => {
    for (const state of ['building', 'starting', 'ready', 'failed'] as const) {
      assert.deepEqual(parseClusterStatus(JSON.stringify({ state, message: `m ${state}` })), { state, message: `m ${state}` });
    }
    assert.deepEqual(parseClusterStatus('{"state":"ready"}'), { state: 'ready', message: '' });
  });

  it('refuses what is not a whole status: half-written JSON, another state, no object', () => {
    for (const text of ['', '{"state":"rea', '{"state":"done"}', 'null', '"ready"', '[]', '{"message":"x"}']) {
      assert.equal(parseClusterStatus(text), undefined, text);
    }
  });
});

describe('watchClusterStatus', () => {
  /** Writes a status as npm start does: a temporary file, renamed over the status file. */
  const write = (file: string, text: string) => {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };

  it('reports the first status, then each change, and skips repeats and half-written files', async () => {
    const file = join(dir, 'status.json');
    write(file, JSON.stringify({ state: 'building', message: 'building, about 20 minutes the first time' }));
    const seen: ClusterStatus[] = [];
    let wake: (() => void) | undefined;
    const next = () => new Promise<void>((resolve) => (wake = resolve));
    let waiting = next();
    const watch = watchClusterStatus(file, (s) => {
      seen.push(s);
      wake?.();
    });
    try {
      await waiting;
      assert.deepEqual(seen, [{ state: 'building', message: 'building, about 20 minutes the first time' }]);
      waiting = next();
      write(file, JSON.stringify({ state: 'building', message: 'building, about 20 minutes the first time' }));
      write(file, '{"state": "sta');
      write(file, JSON.stringify({ state: 'starting', message: 'starting' }));
      await waiting;
      waiting = next();
      write(file, JSON.stringify({ state: 'ready', message: 'up' }));
      await waiting;
      assert.deepEqual(
        seen.map((s) => s.state),
        ['building', 'starting', 'ready'],
      );
    } finally {
      watch.dispose();
    }
  });

  it('a status file in a folder that does not exist is no error', () => {
    const watch = watchClusterStatus(join(dir, 'missing', 'status.json'), () => assert.fail('no status to report'));
    watch.dispose();
  });
});
