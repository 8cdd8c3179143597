/**
 * What `netlens check` and its worker threads say to each other (check-threads.ts and check-worker.ts), declared
 * once. The files are read in two passes: each worker reads, parses and scans the batches of files it is given and
 * sends back their data (FileDigest, serialized); then every worker gets the data of all the files, makes the model
 * of all of them, and checks its own files against it.
 */
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
}

/** A file to read: its place in the list of all files, its path, and its path as shown. */
export interface FileToRead {
  readonly index: number;
  readonly file: string;
  readonly shown: string;
}

/** Where one worker's data of a batch of files lies in the shared buffer. */
export interface BatchPlace {
  readonly worker: number;
  /** The files of the batch that could be read, in the order of their data. */
  readonly indices: readonly number[];
  readonly offset: number;
  readonly length: number;
}

export type ToWorker =
  /** Read, parse and scan these files; answer with `read`. */
  | { readonly type: 'read'; readonly files: readonly FileToRead[] }
  /** The data of every file (`files` of them): make the model, check this worker's files, answer with `checked`. */
  | { readonly type: 'check'; readonly files: number; readonly data: SharedArrayBuffer; readonly batches: readonly BatchPlace[] };

export type FromWorker =
  /** A batch read: the data of the files that could be read (v8-serialized FileDigest[]), and why the others could not. */
  | {
      readonly type: 'read';
      readonly indices: readonly number[];
      readonly data: Uint8Array;
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
