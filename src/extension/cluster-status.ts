/**
 * A cluster that is still being brought up, as a script that brings it up describes it (`npm start` builds and
 * starts a local control plane in the background while VS Code is already open). The script names a JSON file in
 * the environment variable NETLENS_CLUSTER_STATUS_FILE and rewrites it as it goes:
 *
 *   {"state": "building" | "starting" | "ready" | "failed", "message": "local cluster: building, about 20 minutes the first time"}
 *
 * The extension shows the message in the NetLens view while the state is not ready, and restarts the language
 * server when it turns ready, so that the server reads the kubeconfig that now exists and the views switch to the
 * live cluster without a window reload. Without the variable nothing here runs.
 */
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export type ClusterStatusState = 'building' | 'starting' | 'ready' | 'failed';

export interface ClusterStatus {
  readonly state: ClusterStatusState;
  readonly message: string;
}

const STATES: readonly string[] = ['building', 'starting', 'ready', 'failed'];

/** The status in a file's text, or undefined when the text is not (yet) a whole status: a half-written file is skipped. */
export function parseClusterStatus(text: string): ClusterStatus | undefined {
  try {
    const v = JSON.parse(text) as { state?: unknown; message?: unknown };
    if (typeof v !== 'object' || v === null || typeof v.state !== 'string' || !STATES.includes(v.state)) return undefined;
    return { state: v.state as ClusterStatusState, message: typeof v.message === 'string' ? v.message : '' };
  } catch {
    return undefined;
  }
}

/** The status the file holds now, if it holds a whole one. */
export function readClusterStatus(file: string): ClusterStatus | undefined {
  try {
    return parseClusterStatus(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Follows the status file: calls `onChange` with the first status read and with each change of it. The folder is
 * watched rather than the file, because writers replace the file (write a temporary one, then rename) and a
 * watch on the old file would see nothing after the first replacement.
 */
export function watchClusterStatus(file: string, onChange: (status: ClusterStatus) => void): { dispose(): void } {
  let last = '';
  const read = () => {
    const status = readClusterStatus(file);
    if (!status) return;
    const key = `${status.state}\n${status.message}`;
    if (key === last) return;
    last = key;
    onChange(status);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(file), (_event, name) => {
      if (name === null || name.toString() === basename(file)) read();
    });
  } catch {
    // The folder does not exist (the script has not started yet): the status is read once, and never shown.
    watcher = undefined;
  }
  read();
  return { dispose: () => watcher?.close() };
}
