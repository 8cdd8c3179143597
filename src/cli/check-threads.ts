/**
 * `netlens check` of plain manifests in worker threads (check-worker.ts; the two passes are described in
 * check-messages.ts): the files are given out in batches as the workers ask for them, each worker's data goes to
 * every other worker through one shared buffer, and the findings come back by file, to be printed in the order a
 * check in one thread prints them.
 */

import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { currentMessages } from '../core/l10n';
import type { ManifestProblem } from '../core/manifests';
import type { BatchPlace, CheckWorkerData, FileToRead, FromWorker } from './check-messages';
import type { Located } from './format';
import { byPlace } from './located';
import type { Progress } from './progress';

export interface ThreadedCheck {
  /** Files that could not be read, in the order of the files (nothing is checked then). */
  readonly unreadable: readonly ManifestProblem[];
  readonly located: readonly Located[];
  /** Problems of reading the objects (duplicates, invalid values). */
  readonly problems: readonly (ManifestProblem & { readonly builds: readonly string[] })[];
}

type Options = Omit<CheckWorkerData, 'worker'>;

/** Checks the files with `count` worker threads. */
export async function checkInThreads(files: readonly FileToRead[], count: number, options: Options, progress: Progress): Promise<ThreadedCheck> {
  // Each thread's heap grows by 10% past what it holds after a full collection, rather than by the up to 4× that V8
  // chooses for itself: on 20,000 files (two threads, each with the model of all of them) the peak RSS went from
  // 1.26 GB to 0.87 GB for some 10% more CPU time. A flag of the process: set before the threads' heaps are made.
  setFlagsFromString('--heap-growing-percent=10');
  // Beside this file: dist/check-worker.js in the bundle, out/src/cli/check-worker.js when compiled by tsc.
  const script = join(__dirname, 'check-worker.js');
  const workers = Array.from(
    { length: count },
    (_, worker) =>
      new Worker(script, { workerData: { ...options, worker, ...(currentMessages() ? { messages: currentMessages() } : {}) } satisfies CheckWorkerData }),
  );
  const pool = new Pool(workers);
  try {
    const read = await readAll(pool, files, progress);
    if (read.unreadable.length > 0) return { unreadable: read.unreadable, located: [], problems: [] };
    return await checkAll(pool, files.length, read.batches, progress);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The workers with one handler for their messages, which each pass sets; a worker's failure fails the pass. */
class Pool {
  private handler: (worker: number, m: FromWorker) => void = () => {};
  private fail: (e: Error) => void = () => {};

  constructor(readonly workers: readonly Worker[]) {
    workers.forEach((w, k) => {
      w.on('message', (m: FromWorker) => this.handler(k, m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => this.fail(new Error(`a worker thread of the check stopped (exit code ${code})`)));
    });
  }

  /** Runs a pass: `start` sends the first messages, `on` handles each answer and calls `done` at the end. */
  run<T>(start: () => void, on: (worker: number, m: FromWorker, done: (result: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let over = false;
      const done = (result: T): void => {
        over = true;
        resolve(result);
      };
      this.fail = (e) => {
        if (!over) reject(e);
        over = true;
      };
      this.handler = (k, m) => {
        if (!over) on(k, m, done);
      };
      start();
    });
  }
}

interface Batch {
  readonly worker: number;
  readonly indices: readonly number[];
  readonly data: Uint8Array;
}

/** The first pass: batches of files to whichever worker is free, two at a time so that none waits. */
function readAll(pool: Pool, files: readonly FileToRead[], progress: Progress): Promise<{ batches: Batch[]; unreadable: ManifestProblem[] }> {
  const size = Math.max(1, Math.min(64, Math.ceil(files.length / (pool.workers.length * 8))));
  const batches: Batch[] = [];
  const unreadable: { index: number; problem: ManifestProblem }[] = [];
  let next = 0;
  let pending = 0;
  let read = 0;
  const give = (k: number): void => {
    if (next >= files.length) return;
    pool.workers[k]!.postMessage({ type: 'read', files: files.slice(next, next + size) });
    next += size;
    pending++;
  };
  return pool.run(
    () => {
      pool.workers.forEach((_, k) => {
        give(k);
        give(k);
      });
      if (pending === 0) throw new Error('no files to read');
    },
    (k, m, done) => {
      if (m.type !== 'read') return;
      pending--;
      batches.push({ worker: k, indices: m.indices, data: m.data });
      unreadable.push(...m.unreadable);
      read += m.indices.length + m.unreadable.length;
      progress.update(`netlens: ${count(read)} of ${count(files.length)} files read`);
      give(k);
      if (pending === 0) done({ batches, unreadable: unreadable.sort((a, b) => a.index - b.index).map((u) => u.problem) });
    },
  );
}

/** The second pass: every file's data to every worker (one shared buffer), and their findings back. */
function checkAll(pool: Pool, files: number, batches: Batch[], progress: Progress): Promise<ThreadedCheck> {
  sendAll(pool, files, batches);
  const found: { index: number; located: readonly Located[] }[] = [];
  let problems: ThreadedCheck['problems'] = [];
  let checked = 0;
  let answered = 0;
  progress.update(`netlens: ${count(files)} files read; making the model`);
  return pool.run(
    () => {},
    (_, m, done) => {
      if (m.type === 'progress') {
        checked += m.checked;
        progress.update(`netlens: ${count(checked)} of ${count(files)} files checked`);
      } else if (m.type === 'checked') {
        found.push(...m.findings);
        if (m.problems) problems = m.problems;
        if (++answered === pool.workers.length) done({ unreadable: [], located: merged(found), problems });
      }
    },
  );
}

/**
 * Sends every worker the data of all files in one shared buffer. The batches' own copies are let go, and the buffer
 * is held by no one here once sent (a function of its own: a closure of the pass would keep it).
 */
function sendAll(pool: Pool, files: number, batches: Batch[]): void {
  const data = new SharedArrayBuffer(batches.reduce((n, b) => n + b.data.byteLength, 0));
  const places: BatchPlace[] = [];
  let offset = 0;
  for (const b of batches) {
    new Uint8Array(data, offset, b.data.byteLength).set(b.data);
    places.push({ worker: b.worker, indices: b.indices, offset, length: b.data.byteLength });
    offset += b.data.byteLength;
  }
  batches.length = 0;
  for (const w of pool.workers) w.postMessage({ type: 'check', files, data, batches: places });
}

/**
 * The findings in the order of a check in one thread: by file, then as each file's check found them; a finding
 * that two files named alike both give (a file given twice) once, at the first. Then the order of the output.
 */
function merged(found: { index: number; located: readonly Located[] }[]): Located[] {
  const seen = new Set<string>();
  const out: Located[] = [];
  for (const { located } of found.sort((a, b) => a.index - b.index)) {
    for (const l of located) {
      const key = `${l.file}:${l.line}:${l.column}:${l.endLine}:${l.endColumn}:${l.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(l);
    }
  }
  return out.sort(byPlace);
}

function count(n: number): string {
  return n.toLocaleString('en');
}
