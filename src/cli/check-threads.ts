/**
 * `netlens check` of plain manifests in worker threads (check-worker.ts; the two passes are described in
 * check-messages.ts): the files are given out in batches as the workers ask for them, each worker's data goes to
 * every other worker on a channel between them, and the findings come back by file, to be printed in the order a
 * check in one thread prints them.
 */

import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { currentMessages } from '../core/l10n';
import type { ManifestProblem } from '../core/manifests';
import type { CheckWorkerData, FileToRead, FromWorker } from './check-messages';
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

type Options = Omit<CheckWorkerData, 'worker' | 'peers'>;

/** Checks the files with `count` worker threads. */
export async function checkInThreads(files: readonly FileToRead[], count: number, options: Options, progress: Progress): Promise<ThreadedCheck> {
  // Each thread's heap grows by 10% past what it holds after a full collection, rather than by the up to 4× that V8
  // chooses for itself: on 20,000 files (two threads, each with the model of all of them) the peak RSS went from
  // 1.26 GB to 0.87 GB for some 10% more CPU time. A flag of the process: set before the threads' heaps are made.
  setFlagsFromString('--heap-growing-percent=10');
  // Beside this file: dist/check-worker.js in the bundle, out/src/cli/check-worker.js when compiled by tsc.
  const script = join(__dirname, 'check-worker.js');
  const peers = channels(count);
  const workers = Array.from(
    { length: count },
    (_, worker) =>
      new Worker(script, {
        transferList: peers[worker],
        // A young generation of 64 MB rather than V8's default: the data a batch of files leaves (its digests until
        // they are serialized, the file's nodes until it is scanned) dies there instead of being copied out and
        // promoted. On 20,000 files: half the scavenges, 10–20% less time, about 100 MB more at the peak (48 MB
        // gained almost nothing).
        resourceLimits: { maxYoungGenerationSizeMb: 64 },
        workerData: {
          ...options,
          worker,
          peers: peers[worker]!,
          ...(currentMessages() ? { messages: currentMessages() } : {}),
        } satisfies CheckWorkerData,
      }),
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

/** For each of `count` workers, its ends of a channel to each other worker. */
function channels(count: number): MessagePort[][] {
  const ends: MessagePort[][] = Array.from({ length: count }, () => []);
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) {
      const { port1, port2 } = new MessageChannel();
      ends[a]!.push(port1);
      ends[b]!.push(port2);
    }
  }
  return ends;
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

/** The first pass: batches of files to whichever worker is free, two at a time so that none waits. */
function readAll(pool: Pool, files: readonly FileToRead[], progress: Progress): Promise<{ batches: number[]; unreadable: ManifestProblem[] }> {
  const size = Math.max(1, Math.min(64, Math.ceil(files.length / (pool.workers.length * 8))));
  /** How many batches each worker has read, and so sent to the others. */
  const batches = pool.workers.map(() => 0);
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
      batches[k]!++;
      unreadable.push(...m.unreadable);
      read += m.indices.length + m.unreadable.length;
      progress.update(`netlens: ${count(read)} of ${count(files.length)} files read`);
      give(k);
      if (pending === 0) done({ batches, unreadable: unreadable.sort((a, b) => a.index - b.index).map((u) => u.problem) });
    },
  );
}

/**
 * The second pass: each worker, told how many batches the others sent it, makes the model of all the files and
 * checks its own; their findings come back.
 */
function checkAll(pool: Pool, files: number, batches: readonly number[], progress: Progress): Promise<ThreadedCheck> {
  const all = batches.reduce((a, b) => a + b, 0);
  pool.workers.forEach((w, k) => {
    w.postMessage({ type: 'check', files, batches: all - batches[k]! });
  });
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
