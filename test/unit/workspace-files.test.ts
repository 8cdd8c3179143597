// The workspace's files on disk as the server reads and watches them itself (for clients that do not watch files
// for it): real folders, real file-system events, a sink that records what reaches the model. Every wait is for an
// event, never for time.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FolderWatcher } from '../../src/server/file-watcher';
import { WorkspaceFiles, type WorkspaceModelSink } from '../../src/server/workspace-files';
import { Inbox } from '../support/inbox';

/** The model's side: the files it holds, and every batch of changes it was given. */
class Sink implements WorkspaceModelSink {
  readonly files = new Map<string, string>();
  readonly batches = new Inbox<ReadonlyMap<string, string | undefined>>();
  expected = false;

  expectWorkspace(): void {
    this.expected = true;
  }
  workspaceUnavailable(): void {}
  async loadWorkspaceFiles(files: ReadonlyMap<string, string>): Promise<void> {
    for (const [uri, text] of files) this.files.set(uri, text);
    this.batches.push(files);
  }
  setDiskFiles(changes: ReadonlyMap<string, string | undefined>): void {
    for (const [uri, text] of changes) {
      if (text === undefined) this.files.delete(uri);
      else this.files.set(uri, text);
    }
    this.batches.push(changes);
  }
  diskFiles(uri?: string): { count: number; has: boolean } {
    return { count: this.files.size, has: uri !== undefined && this.files.has(uri) };
  }
  diskUris(): string[] {
    return [...this.files.keys()];
  }
}

const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: shop}\nspec: {ports: [{port: 80}]}\n`;
const uri = (path: string) => pathToFileURL(path).toString();
const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-ws-'));
  temps.push(dir);
  return dir;
}
// The watches do not keep a process alive (the server's connection does): while a test waits for their events, this
// handle does.
const alive = setInterval(() => undefined, 1 << 30);
after(() => {
  clearInterval(alive);
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('workspace files: read and watched by the server', () => {
  it('reads the folders, then follows files written, edited and removed, in new and removed directories', async () => {
    const root = temp();
    writeFileSync(join(root, 'a.yaml'), service('a'));
    writeFileSync(join(root, 'notes.txt'), 'not a manifest');
    mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'pkg', 'x.yaml'), service('x'));
    const sink = new Sink();
    const files = new WorkspaceFiles(sink, () => undefined);
    files.init([{ uri: uri(root), name: 'ws' }], null);
    assert.equal(sink.expected, true, 'diagnostics wait for the reading');
    await files.start({ watch: true });
    assert.deepEqual([...sink.files.keys()], [uri(join(root, 'a.yaml'))]);

    // Written: a file, and a file in a directory created for it.
    let from = sink.batches.count;
    writeFileSync(join(root, 'b.yml'), service('b'));
    await sink.batches.next((b) => b.has(uri(join(root, 'b.yml'))), from);
    from = sink.batches.count;
    mkdirSync(join(root, 'deep', 'er'), { recursive: true });
    writeFileSync(join(root, 'deep', 'er', 'c.yaml'), service('c'));
    await sink.batches.next(() => sink.files.has(uri(join(root, 'deep', 'er', 'c.yaml'))), from);

    // Edited in place, and saved through a temporary file as editors do.
    from = sink.batches.count;
    writeFileSync(join(root, 'a.yaml'), service('a2'));
    await sink.batches.next((b) => b.get(uri(join(root, 'a.yaml')))?.includes('a2') === true, from);
    from = sink.batches.count;
    writeFileSync(join(root, 'b.yml.tmp'), service('b2'));
    renameSync(join(root, 'b.yml.tmp'), join(root, 'b.yml'));
    await sink.batches.next((b) => b.get(uri(join(root, 'b.yml')))?.includes('b2') === true, from);

    // Removed: a directory with what it held.
    from = sink.batches.count;
    rmSync(join(root, 'deep'), { recursive: true });
    await sink.batches.next((b) => b.has(uri(join(root, 'deep', 'er', 'c.yaml'))), from);
    assert.deepEqual([...sink.files.keys()].sort(), [uri(join(root, 'a.yaml')), uri(join(root, 'b.yml'))]);

    // Made again under the same name: watched afresh, so that a later edit inside it is seen too.
    from = sink.batches.count;
    mkdirSync(join(root, 'deep'));
    writeFileSync(join(root, 'deep', 'e.yaml'), service('e'));
    await sink.batches.next(() => sink.files.has(uri(join(root, 'deep', 'e.yaml'))), from);
    from = sink.batches.count;
    writeFileSync(join(root, 'deep', 'e.yaml'), service('e2'));
    await sink.batches.next((b) => b.get(uri(join(root, 'deep', 'e.yaml')))?.includes('e2') === true, from);

    // Below node_modules nothing is read: a file written there first is in no batch when the next one arrives.
    from = sink.batches.count;
    writeFileSync(join(root, 'node_modules', 'pkg', 'y.yaml'), service('y'));
    writeFileSync(join(root, 'd.yaml'), service('d'));
    await sink.batches.next((b) => b.has(uri(join(root, 'd.yaml'))), from);
    assert.ok(sink.batches.all().every((b) => ![...b.keys()].some((k) => k.includes('node_modules'))));
    files.dispose();
  });

  it('folders added are read and watched; folders removed leave the model, unless another folder holds the files', async () => {
    const first = temp();
    const second = temp();
    writeFileSync(join(first, 'a.yaml'), service('a'));
    writeFileSync(join(second, 'b.yaml'), service('b'));
    mkdirSync(join(second, 'inner'));
    writeFileSync(join(second, 'inner', 'c.yaml'), service('c'));
    const sink = new Sink();
    const files = new WorkspaceFiles(sink, () => undefined);
    files.init([{ uri: uri(first), name: 'first' }], null);
    await files.start({ watch: true });
    await files.foldersChanged({
      added: [
        { uri: uri(second), name: 'second' },
        { uri: uri(join(second, 'inner')), name: 'inner' },
      ],
      removed: [],
    });
    assert.deepEqual([...sink.files.keys()].sort(), [uri(join(first, 'a.yaml')), uri(join(second, 'b.yaml')), uri(join(second, 'inner', 'c.yaml'))].sort());
    const from = sink.batches.count;
    writeFileSync(join(second, 'd.yaml'), service('d'));
    await sink.batches.next((b) => b.has(uri(join(second, 'd.yaml'))), from);

    await files.foldersChanged({ added: [], removed: [{ uri: uri(second), name: 'second' }] });
    assert.deepEqual(
      [...sink.files.keys()].sort(),
      [uri(join(first, 'a.yaml')), uri(join(second, 'inner', 'c.yaml'))].sort(),
      'inner is still a folder of its own',
    );
    assert.deepEqual(files.paths, [first, join(second, 'inner')]);
    files.dispose();
  });

  it('changes the client reports are read from the disk, whatever kind the event says', async () => {
    const root = temp();
    const sink = new Sink();
    const files = new WorkspaceFiles(sink, () => undefined);
    files.init(null, uri(root));
    await files.start({ watch: false });
    writeFileSync(join(root, 'a.yaml'), service('a'));
    await files.clientChanged({ changes: [{ uri: uri(join(root, 'a.yaml')), type: 3 /* Deleted, yet the file is there */ }] });
    assert.equal(sink.files.get(uri(join(root, 'a.yaml'))), service('a'));
    await files.clientChanged({
      changes: [
        { uri: 'untitled:Untitled-1', type: 1 },
        { uri: uri(join(tmpdir(), 'elsewhere.yaml')), type: 1 },
      ],
    });
    assert.equal(sink.files.size, 1, 'other schemes and paths outside the folders are not read');
  });
});

describe('folder watcher', () => {
  for (const recursive of [false, true]) {
    it(`${recursive ? 'one recursive watch' : 'a watch per directory'}: reports a burst of changes as one batch of paths`, async () => {
      const root = temp();
      mkdirSync(join(root, 'sub'));
      const batches = new Inbox<string[]>();
      const watcher = new FolderWatcher((paths) => batches.push(paths), { skip: new Set(['node_modules']), log: () => undefined, recursive });
      await watcher.add(root);
      assert.equal(watcher.size, recursive ? 1 : 2);
      writeFileSync(join(root, 'sub', 'a.yaml'), 'a');
      writeFileSync(join(root, 'sub', 'b.yaml'), 'b');
      const seen = new Set<string>();
      await batches.next((paths) => {
        for (const p of paths) seen.add(p);
        return seen.has(join(root, 'sub', 'a.yaml')) && seen.has(join(root, 'sub', 'b.yaml'));
      });
      watcher.remove(root);
      assert.equal(watcher.size, 0);
      watcher.dispose();
    });
  }

  it('watches at most the directories it may, and says so once', async () => {
    const root = temp();
    for (const d of ['a', 'b', 'c']) mkdirSync(join(root, d));
    const said: string[] = [];
    const watcher = new FolderWatcher(() => undefined, { skip: new Set(), log: (_l, m) => said.push(m), maxDirectories: 2, recursive: false });
    await watcher.add(root);
    assert.equal(watcher.size, 2);
    assert.equal(said.length, 1);
    assert.match(said[0]!, /watches 2 directories/);
    watcher.dispose();
  });
});
