/**
 * A worker thread of `netlens check` (see check-messages.ts for the two passes). It keeps, of each of its files,
 * the data the model reads, the references and the text; the YAML nodes are let go after the first pass, and a file
 * is parsed again only when a check asks for a node of it (a finding's place or fix). Bundled as
 * dist/check-worker.js beside dist/cli.js.
 */

import { deserialize, serialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { detachedManifest, digestOf, type FileDigest, releaseNodes, releaseValues } from '../core/detached';
import { ManifestCache } from '../core/incremental';
import { useMessages } from '../core/l10n';
import type { ManifestProblem, ParsedManifest } from '../core/manifests';
import type { Reference } from '../core/references';
import { modelReadsValue } from '../core/workspace';
import { analyzeBuilds } from '../render/builds';
import type { BatchData, CheckWorkerData, FromWorker, ToWorker } from './check-messages';
import { readManifestFile } from './files';
import type { Located } from './format';
import { locatedOf, shownPath } from './located';

const options = workerData as CheckWorkerData;
// The command's language: the findings this thread makes read as the main thread's do.
useMessages(options.messages);
const port = parentPort!;
/** This worker's files, by their index in the list of all files. */
const own = new Map<number, { manifest: ParsedManifest; references: readonly Reference[] }>();

function post(message: FromWorker): void {
  port.postMessage(message);
}

/** The batches the other workers sent, until the model is made of them. */
let fromPeers: BatchData[] = [];
/** The second pass, once it is asked for: the number of files, and of batches to wait for. */
let checking: { readonly files: number; readonly batches: number } | undefined;

port.on('message', (m: ToWorker) => {
  if (m.type === 'read') read(m.files);
  else {
    checking = { files: m.files, batches: m.batches };
    checkWhenReady();
  }
});
for (const peer of options.peers) {
  peer.on('message', (b: BatchData) => {
    fromPeers.push(b);
    checkWhenReady();
  });
}

/** Checks once the second pass is asked for and every batch of the other workers has come (in either order). */
function checkWhenReady(): void {
  if (checking === undefined || fromPeers.length < checking.batches) return;
  const manifests = received(checking.files, fromPeers);
  fromPeers = [];
  checking = undefined;
  // Checked in a task of its own, so that nothing holds the shared buffers any longer.
  setImmediate(() => check(manifests));
}

function read(files: Extract<ToWorker, { type: 'read' }>['files']): void {
  const digests: FileDigest[] = [];
  const indices: number[] = [];
  const unreadable: { index: number; problem: ManifestProblem }[] = [];
  for (const f of files) {
    const read = readManifestFile(f.file, f.shown);
    if ('problem' in read) {
      unreadable.push({ index: f.index, problem: read.problem });
      continue;
    }
    const { text } = read;
    const parsed = new ManifestCache(options.scan).parse(f.shown, text);
    // The models read the values of some objects only (see modelReadsValue); a check that asks for another one
    // (rarely) has it from the file parsed again.
    const digest = digestOf(parsed, modelReadsValue);
    const manifest = detachedManifest(digest, { text, parse: () => new ManifestCache().parse(f.shown, text).manifest });
    own.set(f.index, { manifest, references: parsed.references });
    digests.push(digest);
    indices.push(f.index);
  }
  // Copied once into shared memory, which the other workers read.
  const bytes = serialize(digests);
  const data = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(data).set(bytes);
  for (const peer of options.peers) peer.postMessage({ indices, data } satisfies BatchData);
  post({ type: 'read', indices, unreadable });
}

/** Every file, in the order of all files: this worker's own, and the others from their data. */
function received(count: number, batches: readonly BatchData[]): ParsedManifest[] {
  const manifests: ParsedManifest[] = new Array(count);
  for (const b of batches) {
    const digests = deserialize(Buffer.from(b.data)) as FileDigest[];
    digests.forEach((d, k) => {
      manifests[b.indices[k]!] = detachedManifest(d);
    });
  }
  for (const [index, o] of own) manifests[index] = o.manifest;
  return manifests;
}

function check(manifests: ParsedManifest[]): void {
  const references: (readonly Reference[])[] = new Array(manifests.length).fill([]);
  for (const [index, o] of own) references[index] = o.references;
  let checked = 0;
  let told = Date.now();
  const analysis = analyzeBuilds([{ id: 'plain', label: 'the manifests', manifests, references }], {
    ...(options.zone ? { zone: options.zone } : {}),
    defaultNamespace: options.defaultNamespace,
    podRecords: options.podRecords,
    only: new Set([...own.values()].map((o) => o.manifest)),
    // The model holds what it read of the values: let them go before the checks (their data outlive the model).
    modelled: () => {
      for (const m of manifests) releaseValues(m);
    },
    analyzed: (manifest) => {
      // A file parsed again for a check keeps its nodes no longer than its own check.
      releaseNodes(manifest);
      checked++;
      if (Date.now() - told < 100) return;
      post({ type: 'progress', checked });
      checked = 0;
      told = Date.now();
    },
  });
  const indexOf = new Map<string, number>();
  for (const [index, o] of [...own].sort((a, b) => a[0] - b[0])) if (!indexOf.has(o.manifest.uri)) indexOf.set(o.manifest.uri, index);
  const byFile = new Map<number, Located[]>();
  const shown = (file: string) => shownPath(file, options.cwd);
  for (const f of analysis.findings) {
    const index = indexOf.get(f.place.file)!;
    const list = byFile.get(index);
    const located = locatedOf(f, shown, new Map());
    if (list) list.push(located);
    else byFile.set(index, [located]);
  }
  post({
    type: 'checked',
    findings: [...byFile].map(([index, located]) => ({ index, located })),
    ...(options.worker === 0 ? { problems: analysis.problems } : {}),
  });
}
