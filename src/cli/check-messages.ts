/**
 * What `netlens check` and its worker threads say to each other (check-threads.ts and check-worker.ts), declared
 * once. The files are read in two passes: each worker reads, parses and scans the batches of files it is given and
 * sends their data (FileDigest, serialized) straight to the other workers, on a channel between each two; then every
 * worker, once it holds the data of all the files, makes the model of all of them and checks its own files against it.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ManifestProblem } from '../core/manifests';
import type { ScanOptions } from '../core/references';
import type { PodRecordsMode } from '../core/resolver';
import type { Located } from './format';

/** Given to each worker when it starts. */
export interface CheckWorkerData {
  /** The worker's number, from 0. */
  readonly worker: number;
  readonly scan: ScanOptions;
  readonly zone?: string;
  readonly defaultNamespace: string;
  readonly podRecords: PodRecordsMode;
  /** The current folder, against which paths are shown. */
  readonly cwd: string;
  /** The messages' table of the command's language (core/l10n.ts); absent: English. */
  readonly messages?: Readonly<Record<string, string>>;
  /** A channel to each other worker, for the data of the files (BatchData). */
  readonly peers: readonly MessagePort[];
}

/** A file to read: its place in the list of all files, its path, and its path as shown. */
export interface FileToRead {
  readonly index: number;
  readonly file: string;
  readonly shown: string;
}

/**
 * One worker's data of a batch of files (v8-serialized FileDigest[]), sent to each other worker on the channel
 * between them, in memory that the threads share: one copy in all, and none in the main thread, whose heap is not
 * collected while the workers check (it does no work then), so that what it received would stay until the end.
 */
export interface BatchData {
  /** The files of the batch that could be read, in the order of their data. */
  readonly indices: readonly number[];
  readonly data: SharedArrayBuffer;
}

export type ToWorker =
  /** Read, parse and scan these files; answer with `read`. */
  | { readonly type: 'read'; readonly files: readonly FileToRead[] }
  /**
   * Every file read (`files` of them): once the `batches` that the other workers sent have come, make the model,
   * check this worker's files, answer with `checked`.
   */
  | { readonly type: 'check'; readonly files: number; readonly batches: number };

export type FromWorker =
  /** A batch read, its data sent to the other workers: the files that could be read, and why the others could not. */
  | {
      readonly type: 'read';
      readonly indices: readonly number[];
      readonly unreadable: readonly { readonly index: number; readonly problem: ManifestProblem }[];
    }
  /** More of the worker's files were checked (a count since the last message). */
  | { readonly type: 'progress'; readonly checked: number }
  /**
   * The worker's files checked: the findings of each, by the file's index, in the order of the check; and, from
   * worker 0 alone (every worker's model is the same), the problems of reading the objects.
   */
  | {
      readonly type: 'checked';
      readonly findings: readonly { readonly index: number; readonly located: readonly Located[] }[];
      readonly problems?: readonly (ManifestProblem & { readonly builds: readonly string[] })[];
    };
