/**
 * The language server as an editor runs it (`node dist/server.js --stdio`), fed random edits: damaged real manifests,
 * edits at ranges outside the document (past its end, reversed, negative), huge lines, binary junk and lone
 * surrogates; requests of every kind at random positions, in range or not; and files on disk (damaged manifests,
 * invalid UTF-8, NUL bytes, directories, files that vanish) announced through didChangeWatchedFiles. It answers every
 * request (a result or an error response) within its timeout, logs no exception, and never exits.
 *
 * One server serves every case, as one editor session would: a case opens its own document and closes it. A failure
 * stops the run without shrinking (the server's state is the history of every case before it).
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentLinkRequest,
  ExitNotification,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRefreshRequest,
  InlayHintRequest,
  LogMessageNotification,
  type LogMessageParams,
  MessageType,
  type Position,
  PrepareRenameRequest,
  type ProtocolConnection,
  type Range,
  ReferencesRequest,
  RegistrationRequest,
  RenameRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  WorkspaceSymbolRequest,
} from 'vscode-languageserver-protocol/node';
import { NamespaceRequest, ObjectRequest, ResolveRequest } from '../../src/protocol/requests';
import { repoRoot } from '../support/repo';
import { corpusPieces, type Mutation, mutate as mutateText, mutation } from './mutate';
import { cases, FULL, fuzz } from './run';

const root = repoRoot();
const bundle = join(root, 'dist', 'server.js');
const pieces = corpusPieces();
/**
 * How long one request may take before the run fails: a hang, not a slow answer. Requests wait for the edits before
 * them, and an edit that fills a line with 75,000 `x: ` takes seconds to parse (150,000 YAML errors), more on a
 * loaded machine; answers slower than SLOW_MS are listed with the edit before them.
 */
const REQUEST_TIMEOUT_MS = 120_000;
const SLOW_MS = 10_000;

/** A position anywhere: in the document, past a line's end, past its last line, negative, or huge. */
const position: fc.Arbitrary<Position> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ line: fc.nat(120), character: fc.nat(200) }) },
  { weight: 1, arbitrary: fc.record({ line: fc.nat(1_000_000), character: fc.nat(1_000_000) }) },
  { weight: 1, arbitrary: fc.record({ line: fc.constantFrom(-1, 2 ** 31 - 1, 2 ** 32), character: fc.constantFrom(-1, 0, 2 ** 31 - 1) }) },
);
const range: fc.Arbitrary<Range> = fc.record({ start: position, end: position });

/** Text an edit inserts: real YAML, a manifest's damage, huge lines, binary junk. */
const insertion = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('\n', '  ', ': ', '- ', '---\n', 'api.shop:8080', 'http://web.shop.svc.cluster.local/', '{{ .Values.x }}', '&a', '*a'),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udfff', '\u0000', '\ufeff', '\r', '\u2028') },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', '- ', '[', 'x: ', 'é'), fc.integer({ min: 1_000, max: 100_000 })).map(([u, n]) => u.repeat(n)) },
);

type Edit =
  | { readonly kind: 'range'; readonly range: Range; readonly text: string }
  | { readonly kind: 'whole'; readonly piece: number; readonly damage: readonly Mutation[] };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('range' as const), range, text: insertion }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('whole' as const), piece: fc.nat(pieces.length - 1), damage: fc.array(mutation, { maxLength: 3 }) }) },
);

type Ask =
  | { readonly kind: 'hover' | 'definition' | 'completion' | 'references' | 'prepare-rename'; readonly at: Position }
  | { readonly kind: 'rename'; readonly at: Position; readonly newName: string }
  | { readonly kind: 'inlay-hints' | 'code-actions'; readonly range: Range }
  | { readonly kind: 'code-lenses' | 'links' | 'closed-hover' }
  | { readonly kind: 'symbols' | 'resolve' | 'namespace' | 'object'; readonly text: string };

const anyText = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('api', 'web.shop', '10.96.0.10', 'shop', '_http._tcp.api.shop.svc.cluster.local.'));
const ask: fc.Arbitrary<Ask> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('hover' as const, 'definition' as const, 'completion' as const, 'references' as const, 'prepare-rename' as const),
    at: position,
  }),
  fc.record({ kind: fc.constant('rename' as const), at: position, newName: anyText }),
  fc.record({ kind: fc.constantFrom('inlay-hints' as const, 'code-actions' as const), range }),
  fc.record({ kind: fc.constantFrom('code-lenses' as const, 'links' as const, 'closed-hover' as const) }),
  fc.record({ kind: fc.constantFrom('symbols' as const, 'resolve' as const, 'namespace' as const, 'object' as const), text: anyText }),
);

/** Bytes of a workspace file: a damaged manifest, invalid UTF-8, NUL bytes, nothing. */
type Disk =
  | { readonly kind: 'manifest'; readonly file: number; readonly piece: number; readonly damage: readonly Mutation[] }
  | { readonly kind: 'bytes'; readonly file: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete' | 'directory' | 'announce-missing'; readonly file: number }
  | { readonly kind: 'settings'; readonly settings: unknown };

const INVALID_UTF8 = [
  [0xff, 0xfe],
  [0xc3, 0x28],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0x28],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
].map((b) => Uint8Array.from(b));
const yamlBytes = (s: string) => Uint8Array.from(Buffer.from(s, 'utf8'));
const disk: fc.Arbitrary<Disk> = fc.oneof(
  fc.record({ kind: fc.constant('manifest' as const), file: fc.nat(5), piece: fc.nat(pieces.length - 1), damage: fc.array(mutation, { maxLength: 3 }) }),
  fc.record({
    kind: fc.constant('bytes' as const),
    file: fc.nat(5),
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 2_000 }),
      fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.nat(pieces.length - 1)).map(([bad, p]) => {
        const text = yamlBytes(pieces[p]!.text);
        const at = Math.floor(text.length / 2);
        return Uint8Array.from([...text.subarray(0, at), ...bad, ...text.subarray(at)]);
      }),
      fc.constant(yamlBytes('apiVersion: v1\nkind: Service\nmetadata: {name: nul\u0000}\n')),
    ),
  }),
  fc.record({ kind: fc.constantFrom('delete' as const, 'directory' as const, 'announce-missing' as const), file: fc.nat(5) }),
  fc.record({
    kind: fc.constant('settings' as const),
    settings: fc.oneof(
      fc.constant(null),
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        clusterDomain: fc.oneof(fc.constantFrom('cluster.local', '', '.', 'Example.COM.', 'a..b'), fc.string({ maxLength: 10 })),
        defaultNamespace: fc.oneof(fc.constantFrom('default', 'shop', ''), fc.string({ maxLength: 10 })),
        podRecords: fc.constantFrom('insecure', 'verified', 'disabled', 'nonsense', 3),
        inlayHints: fc.record({ enabled: fc.oneof(fc.boolean(), fc.constant('yes')) }),
        codeLens: fc.record({ enabled: fc.boolean() }),
        diagnostics: fc.record({ severity: fc.dictionary(fc.constantFrom('NL001', 'NL003', 'NL999', ''), fc.constantFrom('off', 'error', 'hint', 'loud')) }),
      }),
    ),
  }),
);

/** A case: a document opened with a real manifest, then edits, each followed by requests, and changes on disk. */
const session = fc.record({
  piece: fc.nat(pieces.length - 1),
  steps: fc.array(fc.record({ edit, asks: fc.array(ask, { maxLength: 2 }), disk: fc.option(disk, { freq: 4 }) }), { minLength: 1, maxLength: 10 }),
});

type Session = typeof session extends fc.Arbitrary<infer T> ? T : never;

describe('fuzz: random edits and requests through the language server over stdio', () => {
  let tmp = '';
  let child: ChildProcessWithoutNullStreams;
  let connection: ProtocolConnection;
  let stderr = '';
  let exited: string | undefined;
  let settings: unknown = {};
  const errors: LogMessageParams[] = [];
  /** Answers slower than SLOW_MS, with the edit before them. */
  const slow: string[] = [];
  let lastEdit = '';
  /** The error responses, by request and message. */
  const errorAnswers = new Map<string, number>();
  const counts = { cases: 0, edits: 0, requests: 0, errorResponses: 0, diskChanges: 0, slowest: 0 };

  before(async () => {
    if (!existsSync(bundle)) {
      const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, `bundling failed: ${r.stderr}`);
    }
    tmp = mkdtempSync(join(tmpdir(), 'netlens-fuzz-'));
    // The workspace: two real manifests to resolve against, and the files the cases write.
    writeFileSync(join(tmp, 'shop.yaml'), pieces.find((p) => p.name === 'shop.yaml')?.text ?? '');
    writeFileSync(join(tmp, 'boutique.yaml'), pieces.find((p) => p.name === 'online-boutique/kubernetes-manifests.yaml')?.text ?? '');
    child = spawn(process.execPath, [bundle, '--stdio'], { cwd: tmp, env: { ...process.env, KUBECONFIG: join(tmp, 'no-kubeconfig') } });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('exit', (code, signal) => (exited = `exit ${code ?? signal}`));
    connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onNotification(LogMessageNotification.type, (p) => {
      if (p.type === MessageType.Error) errors.push(p);
    });
    connection.onRequest(InlayHintRefreshRequest.type, () => null);
    connection.onRequest(RegistrationRequest.type, () => null);
    connection.onRequest(UnregistrationRequest.type, () => null);
    connection.onRequest(ConfigurationRequest.type, (p) => p.items.map((item) => (item.section === 'netlens' ? settings : null)));
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true }, inlayHint: { refreshSupport: true } },
        textDocument: {
          hover: { contentFormat: ['markdown'] },
          publishDiagnostics: { versionSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          rename: { prepareSupport: true },
        },
      },
      initializationOptions: { cluster: false, render: false },
      workspaceFolders: [{ uri: pathToFileURL(tmp).href, name: 'fuzz' }],
    });
    await connection.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    if (child && exited === undefined) {
      await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
      await connection.sendNotification(ExitNotification.type).catch(() => undefined);
    }
    connection?.dispose();
    if (child && exited === undefined) child.kill();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Sends a request and waits for its answer, a result or an error response; a timeout fails the case. */
  async function answered(what: string, send: () => Promise<unknown>): Promise<void> {
    counts.requests++;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS);
    });
    try {
      await Promise.race([
        send().catch((e: unknown) => {
          // An error response is an answer; a closed connection is not.
          if (exited !== undefined || !(e && typeof e === 'object' && 'code' in e)) throw e;
          counts.errorResponses++;
          const key = `${what}: ${(e as { code: number }).code} ${String((e as { message?: string }).message).slice(0, 100)}`;
          errorAnswers.set(key, (errorAnswers.get(key) ?? 0) + 1);
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
      const took = performance.now() - started;
      counts.slowest = Math.max(counts.slowest, took);
      if (took > SLOW_MS) slow.push(`${what} after ${lastEdit}: ${(took / 1000).toFixed(1)} s`);
    }
  }

  async function request(uri: string, a: Ask): Promise<void> {
    const textDocument = { uri };
    const send = (): Promise<unknown> => {
      switch (a.kind) {
        case 'hover':
          return connection.sendRequest(HoverRequest.type, { textDocument, position: a.at });
        case 'definition':
          return connection.sendRequest(DefinitionRequest.type, { textDocument, position: a.at });
        case 'completion':
          return connection.sendRequest(CompletionRequest.type, { textDocument, position: a.at });
        case 'references':
          return connection.sendRequest(ReferencesRequest.type, { textDocument, position: a.at, context: { includeDeclaration: true } });
        case 'prepare-rename':
          return connection.sendRequest(PrepareRenameRequest.type, { textDocument, position: a.at });
        case 'rename':
          return connection.sendRequest(RenameRequest.type, { textDocument, position: a.at, newName: a.newName });
        case 'inlay-hints':
          return connection.sendRequest(InlayHintRequest.type, { textDocument, range: a.range });
        case 'code-actions':
          return connection.sendRequest(CodeActionRequest.type, { textDocument, range: a.range, context: { diagnostics: [] } });
        case 'code-lenses':
          return connection.sendRequest(CodeLensRequest.type, { textDocument });
        case 'links':
          return connection.sendRequest(DocumentLinkRequest.type, { textDocument });
        case 'closed-hover':
          return connection.sendRequest(HoverRequest.type, { textDocument: { uri: `${uri}.closed` }, position: { line: 0, character: 0 } });
        case 'symbols':
          return connection.sendRequest(WorkspaceSymbolRequest.type, { query: a.text });
        case 'resolve':
          return connection.sendRequest(ResolveRequest, { input: a.text, namespace: 'shop' });
        case 'namespace':
          return connection.sendRequest(NamespaceRequest, { namespace: a.text, offset: 0, limit: 10 });
        case 'object':
          return connection.sendRequest(ObjectRequest, { kind: 'Service', namespace: 'shop', name: a.text });
      }
    };
    await answered(a.kind, send);
  }

  async function onDisk(d: Disk): Promise<void> {
    if (d.kind === 'settings') {
      settings = d.settings;
      await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      return;
    }
    counts.diskChanges++;
    const path = join(tmp, 'disk', `file-${d.file}.yaml`);
    mkdirSync(join(tmp, 'disk'), { recursive: true });
    let type: FileChangeType = existsSync(path) ? FileChangeType.Changed : FileChangeType.Created;
    rmSync(path, { recursive: true, force: true });
    switch (d.kind) {
      case 'manifest':
        writeFileSync(path, d.damage.reduce(mutateText, pieces[d.piece]!.text));
        break;
      case 'bytes':
        writeFileSync(path, d.bytes);
        break;
      case 'directory':
        mkdirSync(join(path, 'inner.yaml'), { recursive: true });
        break;
      case 'delete':
      case 'announce-missing':
        type = FileChangeType.Deleted;
        break;
    }
    const changes = [{ uri: pathToFileURL(path).href, type: d.kind === 'announce-missing' ? FileChangeType.Changed : type }];
    if (d.kind === 'announce-missing')
      changes.push({ uri: 'file:///%zz/not-a-path.yaml', type: FileChangeType.Created }, { uri: 'untitled:Untitled-1', type: FileChangeType.Changed });
    await connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  async function run(c: Session): Promise<void> {
    assert.equal(exited, undefined, `the server exited before this case: ${stderr.slice(-2_000)}`);
    counts.cases++;
    const uri = pathToFileURL(join(tmp, `open-${counts.cases}.yaml`)).href;
    let version = 1;
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'yaml', version, text: pieces[c.piece]!.text },
    });
    for (const step of c.steps) {
      counts.edits++;
      version++;
      lastEdit = JSON.stringify(step.edit, (_, v) => (typeof v === 'string' && v.length > 40 ? `${v.slice(0, 20)}…(${v.length})` : v));
      if (step.edit.kind === 'range') {
        await connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version },
          contentChanges: [{ range: step.edit.range, text: step.edit.text }],
        });
      } else {
        const text = step.edit.damage.reduce(mutateText, pieces[step.edit.piece]!.text);
        await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
      }
      for (const a of step.asks) await request(uri, a);
      if (step.disk !== null) await onDisk(step.disk);
    }
    // Every case ends with a request that needs the document's analysis, so that every edit before it was taken.
    await answered('inlay hints of the whole document', () =>
      connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 1e6, character: 0 } } }),
    );
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    assert.equal(exited, undefined, `the server exited: ${stderr.slice(-2_000)}`);
    assert.deepEqual(
      errors.map((e) => e.message.slice(0, 2_000)),
      [],
      'the server logged an exception',
    );
  }

  it('answers every request and never exits', async (t) => {
    await fuzz(t, 'language server edits', fc.asyncProperty(session, run), cases(30, 2_000), { endOnFailure: true });
    t.diagnostic(
      `language server: ${counts.cases} documents, ${counts.edits} edits, ${counts.requests} requests (${counts.errorResponses} answered with an error), ` +
        `${counts.diskChanges} files changed on disk, slowest answer ${(counts.slowest / 1000).toFixed(1)} s${FULL ? '' : ' (NETLENS_FUZZ=full for 10^4 edits)'}`,
    );
    for (const [message, n] of errorAnswers) t.diagnostic(`error response ×${n}: ${message}`);
    for (const s of slow) t.diagnostic(`slow: ${s}`);
    // Still there, and still answering.
    await answered('a last request', () => connection.sendRequest(ResolveRequest, { input: 'web.shop', namespace: 'default' }));
    assert.equal(exited, undefined, 'the server is still running');
  });
});
