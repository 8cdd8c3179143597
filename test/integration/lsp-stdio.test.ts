// The language server as an editor runs it: `node dist/server.js --stdio`, spoken to by a real LSP client over
// the child's stdin and stdout. Every wait is for a message, never for time.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  type ConfigurationParams,
  ConfigurationRequest,
  createProtocolConnection,
  DefinitionRequest,
  type Diagnostic,
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
  type Location,
  LogMessageNotification,
  type LogMessageParams,
  MessageType,
  PrepareRenameRequest,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ReferencesRequest,
  RenameRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkspaceSymbolRequest,
} from 'vscode-languageserver-protocol/node';
import {
  ModelChangedNotification,
  type ModelChangedParams,
  ModelInfoRequest,
  NamespaceRequest,
  ObjectRequest,
  ResolveRequest,
} from '../../src/protocol/requests';
import { Inbox } from '../support/inbox';
import { repoRoot } from '../support/repo';

const root = repoRoot();
const bundle = join(root, 'dist', 'server.js');

const SERVICES = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  clusterIP: 10.96.4.2
  selector: {app: api}
  ports: [{name: http, port: 8080, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: example/api, ports: [{name: http, containerPort: 8080}]}]
`;

const CLIENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: front
          env:
            - name: API_ADDR
              value: "api.shop:8080"
            - name: ORDERS_ADDR
              value: "api.shop:9999"
            - name: LEGACY_ADDR
              value: "nosuch:80"
`;

/** The line and character of the first occurrence of `needle` (plus `delta` characters) in CLIENT. */
function at(needle: string, delta = 0): { line: number; character: number } {
  const i = CLIENT.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = CLIENT.slice(0, i + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

interface Settings {
  diagnostics: { severity: Record<string, string> };
  inlayHints: { enabled: boolean };
}

describe('netlens-lsp over stdio', () => {
  let tmp = '';
  let child: ChildProcessWithoutNullStreams;
  let connection: ProtocolConnection;
  const stdout: Buffer[] = [];
  let stderr = '';
  const diagnostics = new Inbox<PublishDiagnosticsParams>();
  const configurations = new Inbox<ConfigurationParams>();
  const logs = new Inbox<LogMessageParams>();
  const exited = new Inbox<{ code: number | null; signal: NodeJS.Signals | null }>();
  const modelChanges = new Inbox<ModelChangedParams>();
  const hintRefreshes = new Inbox<true>();
  // The settings the client answers `workspace/configuration` with: NL001 switched off.
  let settings: Settings = { diagnostics: { severity: { NL001: 'off' } }, inlayHints: { enabled: true } };

  before(() => {
    if (!existsSync(bundle)) {
      const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, `bundling failed: ${r.stderr}`);
    }
    tmp = mkdtempSync(join(tmpdir(), 'netlens-lsp-'));
    writeFileSync(join(tmp, 'services.yaml'), SERVICES);
    // A kubeconfig that does not exist: even if the option were ignored, no real cluster is read.
    child = spawn(process.execPath, [bundle, '--stdio'], { cwd: tmp, env: { ...process.env, KUBECONFIG: join(tmp, 'no-kubeconfig') } });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('exit', (code, signal) => exited.push({ code, signal }));
    connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => diagnostics.push(p));
    connection.onNotification(LogMessageNotification.type, (p) => logs.push(p));
    connection.onNotification(ModelChangedNotification, (p) => modelChanges.push(p ?? {}));
    connection.onRequest(InlayHintRefreshRequest.type, () => {
      hintRefreshes.push(true);
      return null;
    });
    connection.onRequest(ConfigurationRequest.type, (p) => {
      configurations.push(p);
      return p.items.map((item) => (item.section === 'netlens' ? settings : null));
    });
    connection.listen();
  });

  after(() => {
    connection?.dispose();
    if (child && child.exitCode === null && child.signalCode === null) child.kill();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const clientUri = () => pathToFileURL(join(tmp, 'front.yaml')).href;
  const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => d.code);

  it('initializes without a cluster and with the temporary folder as workspace', async () => {
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, inlayHint: { refreshSupport: true } },
        textDocument: {
          hover: { contentFormat: ['markdown'] },
          publishDiagnostics: { versionSupport: true },
          inlayHint: {},
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          definition: {},
          rename: { prepareSupport: true },
        },
      },
      initializationOptions: { cluster: false },
      workspaceFolders: [{ uri: pathToFileURL(tmp).href, name: 'ws' }],
    });
    assert.equal(result.serverInfo?.name, 'netlens-lsp');
    assert.equal(result.serverInfo?.version, (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version);
    assert.equal(result.capabilities.hoverProvider, true);
    assert.equal(result.capabilities.inlayHintProvider, true);
    assert.equal(result.capabilities.definitionProvider, true);
    assert.equal(result.capabilities.referencesProvider, true);
    assert.deepEqual(result.capabilities.renameProvider, { prepareProvider: true });
    assert.equal(result.capabilities.workspaceSymbolProvider, true);
    assert.deepEqual(result.capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
    await connection.sendNotification(InitializedNotification.type, {});
  });

  it('asks for the netlens settings, reads the workspace folder, and publishes the diagnostics of an opened manifest', async () => {
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: clientUri(), languageId: 'yaml', version: 1, text: CLIENT },
    });
    const asked = await configurations.next((p) => p.items.some((i) => i.section === 'netlens'));
    assert.ok(asked);
    // Only NL003 once both the settings (NL001 off) and the workspace folder (Service shop/api) are in.
    const published = await diagnostics.next((p) => p.uri === clientUri() && codes(p).join() === 'NL003');
    assert.equal(published.version, 1);
    const [d] = published.diagnostics;
    assert.deepEqual(d!.range, { start: at('9999'), end: at('9999', 4) });
    assert.equal(d!.source, 'netlens');
    assert.match(d!.message, /Service shop\/api does not expose port 9999/);
  });

  it('answers a hover with the Service, its port and its source', async () => {
    const hover = await connection.sendRequest(HoverRequest.type, { textDocument: { uri: clientUri() }, position: at('api.shop:8080', 2) });
    assert.ok(hover);
    const value = (hover.contents as { kind: string; value: string }).value;
    assert.equal((hover.contents as { kind: string }).kind, 'markdown', 'the client declared markdown');
    assert.match(value, /^\*\*Service\*\* `shop\/api` · ClusterIP · `10\.96\.4\.2`$/m);
    assert.match(value, /^\| 8080 ← \| `http` \| TCP \| `http` \|$/m);
    assert.match(value, /_Source: the workspace manifests_/);
    assert.deepEqual(hover.range, { start: at('api.shop:8080'), end: at('api.shop:8080', 'api.shop:8080'.length) });
  });

  it('answers inlay hints that agree with the diagnostics', async () => {
    const hints = await connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: clientUri() },
      range: { start: { line: 0, character: 0 }, end: { line: CLIENT.split('\n').length, character: 0 } },
    });
    assert.ok(hints);
    assert.deepEqual(
      hints.map((h) => ({ position: h.position, label: h.label })),
      [
        { position: at('api.shop:8080', 'api.shop:8080'.length), label: '→ 10.96.4.2:8080 · 2 ready' },
        // The hint says what the diagnostic on the same text says: the Service has no port 9999.
        { position: at('api.shop:9999', 'api.shop:9999'.length), label: '→ no port 9999' },
        { position: at('nosuch:80', 'nosuch:80'.length), label: '→ NXDOMAIN' },
      ],
    );
  });

  it('answers code actions with the quick fix of a diagnostic', async () => {
    const published = await diagnostics.next((p) => p.uri === clientUri() && codes(p).join() === 'NL003');
    const d: Diagnostic = published.diagnostics[0]!;
    const actions = await connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: clientUri() }, range: d.range, context: { diagnostics: [d] } });
    assert.ok(actions);
    const [fix] = actions as { title: string; kind: string; isPreferred: boolean; edit: { changes: Record<string, { range: unknown; newText: string }[]> } }[];
    assert.equal(fix!.title, 'Change the port to 8080');
    assert.equal(fix!.kind, 'quickfix');
    assert.equal(fix!.isPreferred, true);
    assert.deepEqual(fix!.edit.changes[clientUri()], [{ range: d.range, newText: '8080' }]);
  });

  it('answers go to definition with the Service in the workspace folder', async () => {
    const location = (await connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: clientUri() },
      position: at('api.shop:8080', 1),
    })) as Location | null;
    assert.ok(location);
    assert.equal(location.uri, pathToFileURL(join(tmp, 'services.yaml')).href);
    const line = SERVICES.split('\n').indexOf('  name: api');
    assert.deepEqual(location.range, { start: { line, character: 8 }, end: { line, character: 11 } });
  });

  it('answers find references, rename, completion, code lenses, document links and workspace symbols', async () => {
    const services = pathToFileURL(join(tmp, 'services.yaml')).href;
    const refs = (await connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: clientUri() },
      position: at('api.shop:8080', 1),
      context: { includeDeclaration: true },
    })) as Location[];
    assert.deepEqual(refs.map((l) => `${l.uri === services ? 'services' : 'front'}:${l.range.start.line}`).sort(), [
      `front:${at('api.shop:8080').line}`,
      `front:${at('api.shop:9999').line}`,
      // The Deployment whose pods the Service selects.
      `services:${SERVICES.split('\n').indexOf('metadata: {name: api, namespace: shop}')}`,
      `services:${SERVICES.split('\n').indexOf('  name: api')}`,
    ]);

    const prepared = await connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: clientUri() }, position: at('api.shop:8080', 1) });
    assert.deepEqual(prepared, { range: { start: at('api.shop:8080'), end: at('api.shop:8080', 3) }, placeholder: 'api' });
    const edit = await connection.sendRequest(RenameRequest.type, { textDocument: { uri: clientUri() }, position: at('api.shop:8080', 1), newName: 'orders' });
    assert.deepEqual(
      Object.entries(edit?.changes ?? {})
        .map(([uri, edits]) => [uri === services ? 'services' : 'front', edits.map((e) => e.newText)])
        .sort(),
      [
        ['front', ['orders', 'orders']],
        ['services', ['orders']],
      ],
    );
    // Not a Service: the client is told why, as an error of the request.
    await assert.rejects(
      connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: clientUri() }, position: at('- name: front', 4) }),
      /Only the name of a Service/,
    );

    const completion = await connection.sendRequest(CompletionRequest.type, { textDocument: { uri: clientUri() }, position: at('api.shop:8080', 9) });
    const items = Array.isArray(completion) ? completion : (completion?.items ?? []);
    assert.deepEqual(
      items.map((i) => i.label),
      ['8080'],
    );

    const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: services } });
    assert.deepEqual(
      lenses?.map((l) => l.command?.title),
      ['2 references · 2 ready endpoints'],
    );
    const links = await connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: clientUri() } });
    assert.equal(links?.length, 2);
    assert.ok(links?.every((l) => l.target?.startsWith(`${services}#L`)));
    const symbols = await connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'front' });
    assert.deepEqual(
      (symbols ?? []).map((s) => `${s.name} ${s.containerName}`),
      ['front Deployment · shop'],
    );
  });

  it('answers the netlens/resolve request', async () => {
    const result = await connection.sendRequest(ResolveRequest, { input: 'api.shop', namespace: 'default' });
    assert.equal(result.ok, true);
    if (!result.ok) return;
    assert.equal(result.source, 'the workspace manifests');
    assert.equal(result.answer.rcode, 'NOERROR');
    assert.deepEqual(
      result.answer.answers.map((a) => [a.type, a.data]),
      [['A', '10.96.4.2']],
    );
    const bad = await connection.sendRequest(ResolveRequest, { input: 'not a name!' });
    assert.equal(bad.ok, false);
  });

  it('an incremental edit updates the diagnostics, at the new version', async () => {
    const from = diagnostics.count;
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: clientUri(), version: 2 },
      contentChanges: [{ range: { start: at('9999'), end: at('9999', 4) }, text: '8080' }],
    });
    const published = await diagnostics.next((p) => p.uri === clientUri() && p.version === 2, from);
    assert.deepEqual(published.diagnostics, []);
  });

  it('asks for the settings again when they change, and applies them', async () => {
    settings = { diagnostics: { severity: {} }, inlayHints: { enabled: false } };
    const asked = configurations.count;
    const from = diagnostics.count;
    await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await configurations.next(() => true, asked);
    const published = await diagnostics.next((p) => p.uri === clientUri(), from);
    assert.deepEqual(codes(published), ['NL001'], 'NL001 is back on');
    const hints = await connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: clientUri() },
      range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } },
    });
    assert.deepEqual(hints, [], 'inlay hints are off');
  });

  it('a large document is parsed a piece at a time; an edit sent while it is prepared wins', async () => {
    const uri = pathToFileURL(join(tmp, 'big.yaml')).href;
    const filler = Array.from(
      { length: 300 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: filler-${i}, namespace: shop}\ndata: {TEXT: "${'x'.repeat(1000)}"}\n`,
    ).join('---\n');
    const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: shop}\ndata: {API: "api.shop:9999"}\n---\n';
    const text = head + filler;
    assert.ok(text.length > 256 * 1024);
    const from = diagnostics.count;
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const at = head.indexOf('9999');
    const line = head.slice(0, at).split('\n').length - 1;
    const character = at - head.lastIndexOf('\n', at) - 1;
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 4 } }, text: '8080' }],
    });
    const published = await diagnostics.next((p) => p.uri === uri, from);
    assert.equal(published.version, 2, 'the first diagnostics are those of the edited text');
    assert.deepEqual(published.diagnostics, []);
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });

  it('answers netlens/object with the manifest that declares the object, and says when none does', async () => {
    const found = await connection.sendRequest(ObjectRequest, { kind: 'Service', namespace: 'shop', name: 'api' });
    assert.equal(found.ok && found.from, 'workspace');
    if (!found.ok || found.from !== 'workspace') return;
    assert.equal(found.uri, pathToFileURL(join(tmp, 'services.yaml')).href);
    const line = SERVICES.split('\n').indexOf('  name: api');
    assert.deepEqual(found.range, { start: { line, character: 8 }, end: { line, character: 11 } });
    const ns = await connection.sendRequest(ObjectRequest, { kind: 'Namespace', name: 'shop' });
    assert.equal(ns.ok && ns.from === 'workspace' && ns.range.start.line, 2);
    const missing = await connection.sendRequest(ObjectRequest, { kind: 'Pod', namespace: 'shop', name: 'nosuch' });
    assert.deepEqual(missing, { ok: false, message: 'No manifest in the workspace declares Pod shop/nosuch.' });
  });

  it('a manifest written or deleted on disk reaches the model, and the views are told', async () => {
    const file = join(tmp, 'cache.yaml');
    const uri = pathToFileURL(file).href;
    writeFileSync(file, 'apiVersion: v1\nkind: Service\nmetadata: {name: cache, namespace: shop}\nspec: {clusterIP: 10.96.7.7, ports: [{port: 6379}]}\n');
    let from = modelChanges.count;
    const hintsFrom = hintRefreshes.count;
    await connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Created }] });
    await modelChanges.next(() => true, from);
    // Inlay hints in other documents may now answer differently: the client is asked to fetch them again.
    await hintRefreshes.next(() => true, hintsFrom);
    const view = await connection.sendRequest(NamespaceRequest, { namespace: 'shop' });
    assert.deepEqual(
      view.services.map((s) => s.name),
      ['api', 'cache'],
    );
    const added = await connection.sendRequest(ResolveRequest, { input: 'cache.shop.svc.cluster.local' });
    assert.deepEqual(added.ok && added.answer.answers.map((a) => a.data), ['10.96.7.7']);

    unlinkSync(file);
    from = modelChanges.count;
    await connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Deleted }] });
    // A Service less in a namespace shown still: the views are told to ask again, and no model info comes along.
    const told = await modelChanges.next(() => true, from);
    assert.equal(told.info, undefined);
    const gone = await connection.sendRequest(ResolveRequest, { input: 'cache.shop.svc.cluster.local' });
    assert.equal(gone.ok && gone.answer.rcode, 'NXDOMAIN');

    // Files under node_modules (or outside the workspace folders) are not read, as in the first reading.
    mkdirSync(join(tmp, 'node_modules', 'pkg'), { recursive: true });
    const hidden = join(tmp, 'node_modules', 'pkg', 'svc.yaml');
    const outside = join(tmpdir(), `netlens-outside-${process.pid}.yaml`);
    const visible = join(tmp, 'queue.yaml');
    writeFileSync(hidden, 'apiVersion: v1\nkind: Service\nmetadata: {name: hidden, namespace: shop}\nspec: {clusterIP: 10.96.7.8, ports: [{port: 1}]}\n');
    writeFileSync(outside, 'apiVersion: v1\nkind: Service\nmetadata: {name: outside, namespace: shop}\nspec: {clusterIP: 10.96.7.9, ports: [{port: 1}]}\n');
    writeFileSync(visible, 'apiVersion: v1\nkind: Service\nmetadata: {name: queue, namespace: shop}\nspec: {clusterIP: 10.96.7.10, ports: [{port: 5672}]}\n');
    from = modelChanges.count;
    await connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [hidden, outside, visible].map((f) => ({ uri: pathToFileURL(f).href, type: FileChangeType.Created })),
    });
    await modelChanges.next(() => true, from);
    rmSync(outside, { force: true });
    const names = (await connection.sendRequest(NamespaceRequest, { namespace: 'shop' })).services.map((s) => s.name);
    assert.deepEqual(names, ['api', 'queue']);

    // A namespace more: the notification brings the model info, as the request answers it, for the tree's first level.
    const billing = join(tmp, 'billing.yaml');
    writeFileSync(billing, 'apiVersion: v1\nkind: Service\nmetadata: {name: ledger, namespace: billing}\nspec: {clusterIP: 10.96.7.11, ports: [{port: 80}]}\n');
    from = modelChanges.count;
    await connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(billing).href, type: FileChangeType.Created }],
    });
    const pushed = await modelChanges.next((p) => p.info !== undefined, from);
    assert.ok(pushed.info?.namespaces.some((n) => n.name === 'billing' && n.services === 1));
    assert.deepEqual(pushed.info, await connection.sendRequest(ModelInfoRequest));
    unlinkSync(billing);
    from = modelChanges.count;
    await connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(billing).href, type: FileChangeType.Deleted }],
    });
    const without = await modelChanges.next((p) => p.info !== undefined, from);
    assert.ok(without.info && !without.info.namespaces.some((n) => n.name === 'billing'));
  });

  it('shuts down and exits with status 0; it wrote nothing but LSP to stdout and logged no error', async () => {
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    const { code, signal } = await exited.next(() => true);
    assert.equal(signal, null, stderr);
    assert.equal(code, 0, stderr);

    // stdout, read as the raw bytes: only Content-Length framed JSON-RPC messages, back to back.
    const raw = Buffer.concat(stdout);
    let offset = 0;
    let messages = 0;
    while (offset < raw.length) {
      const headerEnd = raw.indexOf('\r\n\r\n', offset);
      assert.ok(headerEnd > offset, `a header at byte ${offset}: ${JSON.stringify(raw.subarray(offset, offset + 80).toString())}`);
      const header = raw.subarray(offset, headerEnd).toString('ascii');
      const length = /^Content-Length: (\d+)$/im.exec(header);
      assert.ok(length, `a Content-Length header: ${JSON.stringify(header)}`);
      for (const line of header.split('\r\n')) assert.match(line, /^Content-(Length|Type): /, `an LSP header: ${line}`);
      const start = headerEnd + 4;
      const body = raw.subarray(start, start + Number(length[1]));
      assert.equal(body.length, Number(length[1]), 'the whole body is there');
      assert.equal((JSON.parse(body.toString('utf8')) as { jsonrpc?: string }).jsonrpc, '2.0');
      offset = start + body.length;
      messages++;
    }
    assert.ok(messages >= 10, `${messages} messages`);
    assert.deepEqual(
      logs
        .all()
        .filter((l) => l.type === MessageType.Error)
        .map((l) => l.message),
      [],
    );
    const said = logs.all().map((l) => l.message);
    assert.ok(
      said.some((m) => /^Workspace: 1 YAML file read in \d+ ms\.$/.test(m)),
      said.join('\n'),
    );
    assert.ok(!said.some((m) => /kubeconfig|live cluster/i.test(m)), `with cluster: false no kubeconfig is read: ${said.join('\n')}`);
  });
});
