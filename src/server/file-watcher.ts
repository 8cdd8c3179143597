/**
 * Watches folders for changed files, for clients that do not watch files for the server (Neovim before 0.9, and
 * any client without dynamic registration of `workspace/didChangeWatchedFiles`). Bursts of changes (a checkout, a
 * generator, an editor's save through a temporary file) are reported as one batch of paths after a short quiet
 * time; what changed at each path is for the caller to read from the disk.
 *
 * On macOS and Windows one recursive watch per folder is cheap (FSEvents, ReadDirectoryChangesW). On Linux,
 * Node's recursive watch puts an inotify watch on every directory of the tree, node_modules and .git included, so
 * the watcher puts one on each directory itself and skips the directories that the workspace reading skips; a
 * directory created later is watched when it appears. The number of directories watched is bounded.
 */
import { type Dirent, type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Log } from './guard';

export interface FolderWatcherOptions {
  /** Directory names not to descend into. */
  readonly skip: ReadonlySet<string>;
  readonly log: Log;
  /** Quiet time before a batch is reported, in ms. */
  readonly debounceMs?: number;
  /** At most this many directories are watched on platforms without a native recursive watch. */
  readonly maxDirectories?: number;
  /** Overrides the platform's choice, for tests. */
  readonly recursive?: boolean;
}

export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly recursive: boolean;
  private warnedBound = false;
  private disposed = false;

  constructor(
    private readonly onChange: (paths: string[]) => void,
    private readonly options: FolderWatcherOptions,
  ) {
    this.recursive = options.recursive ?? (process.platform === 'darwin' || process.platform === 'win32');
  }

  /** Starts watching a folder and what lies below it; resolves once the watches are in place. */
  async add(root: string): Promise<void> {
    if (this.recursive) this.watchDirectory(root, root);
    else await this.watchTree(root);
  }

  /** Stops watching a folder and what lies below it. */
  remove(root: string): void {
    for (const [dir, w] of this.watchers) {
      if (dir === root || dir.startsWith(root.endsWith(sep) ? root : root + sep)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /** How many directories are watched (one per folder where the watch is recursive). */
  get size(): number {
    return this.watchers.size;
  }

  private async watchTree(dir: string): Promise<void> {
    if (this.disposed || this.watchers.has(dir)) return;
    if (!this.watchDirectory(dir, dir)) return;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && !this.options.skip.has(e.name)) await this.watchTree(join(dir, e.name));
    }
  }

  /** Puts one watch on `dir`; false when the bound is reached or the directory cannot be watched. */
  private watchDirectory(dir: string, root: string): boolean {
    const max = this.options.maxDirectories ?? 5000;
    if (this.watchers.size >= max) {
      if (!this.warnedBound) {
        this.warnedBound = true;
        this.options.log(
          'warn',
          `NetLens watches ${max} directories of the workspace for changed manifests; changes below the others are read when their files are opened.`,
        );
      }
      return false;
    }
    let w: FSWatcher;
    try {
      w = watch(dir, { recursive: this.recursive, persistent: false }, (event, name) => this.changed(dir, root, event, name));
    } catch {
      return false;
    }
    // A directory removed, or a watch the system refuses (too many watches): that watch ends, the others go on.
    w.on('error', () => {
      w.close();
      if (this.watchers.get(dir) === w) this.watchers.delete(dir);
    });
    this.watchers.set(dir, w);
    return true;
  }

  private changed(dir: string, root: string, event: string, name: string | Buffer | null): void {
    if (this.disposed) return;
    // Without a name (some platforms, an overflow), the whole directory is read again.
    const path = name ? join(dir, name.toString()) : dir;
    if (
      relative(root, path)
        .split(sep)
        .some((part) => this.options.skip.has(part))
    )
      return;
    this.pending.add(path);
    // A directory created, removed or renamed is watched afresh at once, so that files written into it right after
    // are not missed, and a watch left on a removed directory does not stand in for a new one of the same name.
    if (!this.recursive && name && event === 'rename') void this.rewatch(path);
    // The first change of a burst starts the clock: a steady stream of changes is still reported every interval.
    this.timer ??= setTimeout(() => this.flush(), this.options.debounceMs ?? 100);
  }

  private async rewatch(path: string): Promise<void> {
    this.remove(path);
    try {
      if ((await stat(path)).isDirectory()) await this.watchTree(path);
    } catch {
      // Gone: nothing to watch.
    }
  }

  private flush(): void {
    this.timer = undefined;
    const paths = [...this.pending];
    this.pending.clear();
    if (paths.length > 0 && !this.disposed) this.onChange(paths);
  }
}
