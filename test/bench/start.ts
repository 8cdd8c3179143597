/**
 * The language server's start as an editor meets it (`npm run bench -- --only=start`): the bundle `dist/server.js`
 * (the first stage, which answers `initialize` and then loads `dist/server-main.js`) spawned with `--stdio`, process start → `initialize` answered, and `didOpen` of the sample workspace's shop.yaml →
 * its first diagnostics. Beside them, in the same run and alternated with them, a Node process that answers
 * `initialize` with nothing loaded: the part of the figure that is Node's own start and the machine's load.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { against, figureTable, info, median, type Row } from './stats';

/** A process that answers the first LSP message it reads with an empty result: Node's start and nothing else. */
const BASELINE = `process.stdin.once('data', () => { const b = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { capabilities: {} } }); process.stdout.write('Content-Length: ' + Buffer.byteLength(b) + '\\r\\n\\r\\n' + b); });`;

function frame(message: unknown): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Messages read from a child's stdout, each awaited by a predicate. */
function reader(child: ChildProcessWithoutNullStreams): (match: (m: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>> {
  let buffer = Buffer.alloc(0);
  const messages: Record<string, unknown>[] = [];
  const waiting: { match: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    buffer = Buffer.concat([buffer, d]);
    for (;;) {
      const head = buffer.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(buffer.subarray(0, head).toString())?.[1]);
      if (buffer.length < head + 4 + length) return;
      const m = JSON.parse(buffer.subarray(head + 4, head + 4 + length).toString()) as Record<string, unknown>;
      buffer = buffer.subarray(head + 4 + length);
      const w = waiting.findIndex((x) => x.match(m));
      if (w >= 0) waiting.splice(w, 1)[0]!.resolve(m);
      else messages.push(m);
    }
  });
  return (match) => {
    const i = messages.findIndex(match);
    if (i >= 0) return Promise.resolve(messages.splice(i, 1)[0]!);
    return new Promise((resolve) => waiting.push({ match, resolve }));
  };
}

async function once(args: string[], workspace: string): Promise<{ initialize: number; diagnostics?: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const next = reader(child);
  child.stdin.write(
    frame({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { processId: null, rootUri: pathToFileURL(workspace).href, capabilities: {}, initializationOptions: { cluster: false, render: false } },
    }),
  );
  await next((m) => m.id === 1);
  const initialize = performance.now() - started;
  if (args[0] === '-e') {
    child.kill();
    return { initialize };
  }
  child.stdin.write(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
  const uri = pathToFileURL(join(workspace, 'shop.yaml')).href;
  const opened = performance.now();
  child.stdin.write(
    frame({
      jsonrpc: '2.0',
      method: 'textDocument/didOpen',
      params: { textDocument: { uri, languageId: 'yaml', version: 1, text: readFileSync(join(workspace, 'shop.yaml'), 'utf8') } },
    }),
  );
  await next((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri);
  const diagnostics = performance.now() - opened;
  child.kill();
  return { initialize, diagnostics };
}

export async function runStartBench(root: string, runs = 9): Promise<void> {
  const workspace = join(root, 'test', 'sample-workspace');
  const server = join(root, 'dist', 'server.js');
  // The bundle as `npm test` builds it (not minified: the packaged one is smaller).
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('scripts/build.mjs failed');
  const baseline: number[] = [];
  const initialize: number[] = [];
  const diagnostics: number[] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push((await once(['-e', BASELINE], workspace)).initialize);
    const r = await once([server, '--stdio'], workspace);
    initialize.push(r.initialize);
    diagnostics.push(r.diagnostics!);
  }
  const rows: Row[] = [
    info(`Node alone: process start → an answer to initialize (median of ${runs})`, `${median(baseline).toFixed(0)} ms`),
    against('netlens-lsp: process start → initialize answered', median(initialize), 150, 'ms', 0),
    info('  the same, less Node alone', `${(median(initialize) - median(baseline)).toFixed(0)} ms`),
    info('  ratio to Node alone', `${(median(initialize) / median(baseline)).toFixed(2)}×`),
    against('didOpen of shop.yaml → its first diagnostics', median(diagnostics), 300, 'ms', 0),
  ];
  console.log('\nLanguage server start (dist/server.js --stdio, over pipes)');
  console.log(figureTable(rows));
}
