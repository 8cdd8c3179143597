/**
 * Tells the client that what it shows may have changed: the views (`netlens/modelChanged`) and the inlay hints of
 * every document (`workspace/inlayHint/refresh`, only to a client that declared it). Bursts of workspace changes
 * (typing, a checkout) are told once; a connection already closed is no reason to fail.
 */

/** Bursts of workspace changes reach the views as one notification. */
const WORKSPACE_NOTIFY_MS = 250;
/** Inlay hints are asked for again at most twice a second. */
const HINT_REFRESH_MS = 500;

export interface RefreshTarget {
  modelChanged(): Promise<void>;
  /** Absent when the client did not declare inlay-hint refresh. */
  refreshInlayHints?(): Promise<unknown>;
}

export class ClientRefresh {
  private workspaceTimer: NodeJS.Timeout | undefined;
  private hintTimer: NodeJS.Timeout | undefined;

  constructor(private readonly target: RefreshTarget) {}

  /**
   * The workspace model changed: the views (they show its objects, or with a live cluster the clients its
   * references make) and the inlay hints.
   */
  workspaceChanged(): void {
    this.workspaceTimer ??= setTimeout(() => {
      this.workspaceTimer = undefined;
      this.modelChanged();
      this.inlayHints();
    }, WORKSPACE_NOTIFY_MS);
  }

  /** What the views show changed, and nothing else (the clients of Services, computed in the background). */
  viewsChanged(): void {
    this.modelChanged();
  }

  /** The live model changed: the views and the inlay hints. */
  liveChanged(): void {
    this.modelChanged();
    this.inlayHints();
  }

  dispose(): void {
    clearTimeout(this.workspaceTimer);
    clearTimeout(this.hintTimer);
  }

  private modelChanged(): void {
    send(() => this.target.modelChanged());
  }

  private inlayHints(): void {
    const refresh = this.target.refreshInlayHints;
    if (!refresh) return;
    this.hintTimer ??= setTimeout(() => {
      this.hintTimer = undefined;
      send(() => refresh.call(this.target));
    }, HINT_REFRESH_MS);
  }
}

function send(message: () => Promise<unknown>): void {
  try {
    void message().catch(() => undefined);
  } catch {
    // The connection is gone.
  }
}
