/**
 * The workspace's YAML files on disk, for the workspace model: the folders, their first reading, the changes that
 * the client reports (`workspace/didChangeWatchedFiles`) or that the server's own watcher finds, and folders added
 * and removed (`workspace/didChangeWorkspaceFolders`). Every change is read from the disk (a path that exists is
 * read, one that does not is dropped with everything below it), so an event's kind never has to be trusted, and
 * the same rules hold for every file: inside a folder, not below node_modules, .git and the like, a bounded number
 * of files of bounded size.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DidChangeWatchedFilesParams, WorkspaceFolder, WorkspaceFoldersChangeEvent } from 'vscode-languageserver';
import { FolderWatcher } from './file-watcher';
import type { Log } from './guard';
import type { NetLensServer } from './server';

const MAX_WORKSPACE_FILES = 5000;
const MAX_FILE_BYTES = 16 * 1024 * 1024;
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.terraform', '.venv', 'vendor']);

/** What of the server the workspace files feed. */
export type WorkspaceModelSink = Pick<
  NetLensServer,
  'expectWorkspace' | 'workspaceUnavailable' | 'loadWorkspaceFiles' | 'setDiskFiles' | 'diskFiles' | 'diskUris'
>;

export class WorkspaceFiles {
  private folders: string[] = [];
  /** One reading or change at a time, in the order they came: a change never races the reading it follows. */
  private queue: Promise<void> = Promise.resolve();
  private watcher: FolderWatcher | undefined;

  constructor(
    private readonly sink: WorkspaceModelSink,
    private readonly log: Log,
  ) {}

  /**
   * The folders of `initialize` (its workspace folders, else its root). Diagnostics wait until they are read: a
   * finding made from part of the workspace could be false.
   */
  init(workspaceFolders: readonly WorkspaceFolder[] | null | undefined, rootUri: string | null | undefined): void {
    this.folders = localPaths((workspaceFolders ?? []).map((f) => f.uri));
    if (this.folders.length === 0 && rootUri) this.folders = localPaths([rootUri]);
    if (this.folders.length > 0) this.sink.expectWorkspace();
  }

  get paths(): readonly string[] {
    return this.folders;
  }

  /**
   * Reads every folder, a file at a time, answering requests in between; with `watch`, watches them first (the
   * client does not watch files for the server), so that no change made during the reading is missed.
   */
  start(options: { readonly watch: boolean }): Promise<void> {
    if (options.watch) {
      void this.enqueue(async () => {
        this.watcher ??= new FolderWatcher((paths) => void this.changed(paths), { skip: SKIPPED_DIRS, log: this.log });
        for (const f of this.folders) await this.watcher.add(f);
      });
    }
    return this.enqueue(() => this.load(this.folders));
  }

  /** Files the client saw change. */
  clientChanged(params: DidChangeWatchedFilesParams): Promise<void> {
    return this.changed(localPaths(params.changes.map((c) => c.uri)));
  }

  /** Paths that changed on disk: files, or directories created, renamed or removed. */
  changed(paths: readonly string[]): Promise<void> {
    return this.enqueue(async () => {
      await this.refresh(paths);
      this.onChanged?.(paths);
    });
  }

  /** Called after the model took changed paths (any file, not only manifests: a chart's helpers are `.tpl`). */
  onChanged: ((paths: readonly string[]) => void) | undefined;

  /** Folders the client added to or removed from the workspace. */
  foldersChanged(event: WorkspaceFoldersChangeEvent): Promise<void> {
    const added = localPaths(event.added.map((f) => f.uri)).filter((f) => !this.folders.includes(f));
    const removed = localPaths(event.removed.map((f) => f.uri));
    this.folders = [...this.folders.filter((f) => !removed.includes(f)), ...added];
    return this.enqueue(async () => {
      for (const f of removed) this.watcher?.remove(f);
      const dropped = new Map<string, undefined>();
      for (const uri of this.sink.diskUris()) {
        const path = fileURLToPath(uri);
        if (removed.some((f) => within(f, path)) && !this.folders.some((f) => within(f, path))) dropped.set(uri, undefined);
      }
      this.sink.setDiskFiles(dropped);
      if (added.length > 0) await this.load(added);
      if (this.watcher) for (const f of added) await this.watcher.add(f);
    });
  }

  dispose(): void {
    this.watcher?.dispose();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue
      .then(step, step)
      .catch((e: unknown) => this.log('error', `reading the workspace failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    return this.queue;
  }

  private async load(folders: readonly string[]): Promise<void> {
    const started = Date.now();
    const files = new Map<string, string>();
    for (const f of folders) await this.walk(f, files, MAX_WORKSPACE_FILES - this.sink.diskFiles().count);
    try {
      await this.sink.loadWorkspaceFiles(files, () => new Promise((resolve) => setImmediate(resolve)));
    } catch (e) {
      this.log('error', `reading the workspace failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      this.sink.workspaceUnavailable();
    }
    this.log('info', `Workspace: ${files.size} YAML file${files.size === 1 ? '' : 's'} read in ${Date.now() - started} ms.`);
  }

  /** Reads the YAML files below `dir` into `files` (uri → text), at most `limit` of them. */
  private async walk(dir: string, files: Map<string, string>, limit: number): Promise<void> {
    if (files.size >= limit) return;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) await this.walk(full, files, limit);
      } else if (e.isFile() && isManifestPath(e.name) && files.size < limit) {
        const text = await readManifest(full);
        if (text !== undefined) files.set(pathToFileURL(full).toString(), text);
      }
    }
  }

  private async refresh(paths: readonly string[]): Promise<void> {
    const changes = new Map<string, string | undefined>();
    for (const path of paths) {
      if (!this.watched(path)) continue;
      const st = await stat(path).catch(() => undefined);
      if (st?.isDirectory()) {
        const found = new Map<string, string>();
        await this.walk(path, found, MAX_WORKSPACE_FILES - this.sink.diskFiles().count);
        for (const [uri, text] of found) changes.set(uri, text);
      } else if (st?.isFile()) {
        const uri = pathToFileURL(path).toString();
        // The bound of the first reading holds for files created later too.
        if (!isManifestPath(path) || (!this.sink.diskFiles(uri).has && this.sink.diskFiles().count + changes.size >= MAX_WORKSPACE_FILES)) continue;
        changes.set(uri, await readManifest(path));
      } else {
        // Gone: the file, or a directory with everything the model holds below it.
        if (isManifestPath(path)) changes.set(pathToFileURL(path).toString(), undefined);
        for (const uri of this.sink.diskUris()) if (within(path, fileURLToPath(uri))) changes.set(uri, undefined);
      }
    }
    if (changes.size > 0) this.sink.setDiskFiles(changes);
  }

  /** Whether a path is one the first reading would read: inside a folder, not below a skipped directory. */
  private watched(path: string): boolean {
    const folder = this.folders.find((f) => path === f || within(f, path));
    return (
      folder !== undefined &&
      !relative(folder, path)
        .split(sep)
        .some((part) => SKIPPED_DIRS.has(part))
    );
  }
}

function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** Whether `path` lies below the directory `dir`. */
function within(dir: string, path: string): boolean {
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** The local paths of `file:` URIs; other schemes have no files to read. */
function localPaths(uris: readonly string[]): string[] {
  return uris.flatMap((u) => {
    try {
      return u.startsWith('file:') ? [fileURLToPath(u)] : [];
    } catch {
      // A file URI with a remote host, or malformed: no local file to read.
      return [];
    }
  });
}

/** A workspace file's text, or undefined when it is too large, binary, not UTF-8 or unreadable. */
async function readManifest(path: string): Promise<string | undefined> {
  try {
    if ((await stat(path)).size > MAX_FILE_BYTES) return undefined;
    const bytes = await readFile(path);
    if (bytes.includes(0)) return undefined;
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
