// The server as two different clients see it, over the real LSP framing on in-memory streams: it asks each only
// for what it declared. A minimal client (no configuration requests, no watcher registration, plain-text hovers,
// code actions as commands) and a full one (all of those, workspace folders that come and go). Every wait is for a
// message, never for time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createConnection } from 'vscode-languageserver/node';
import {
  type ClientCapabilities,
  CodeActionRequest,
  type Command,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeWorkspaceFoldersNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  type InitializeResult,
  LogMessageNotification,
  type LogMessageParams,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { serve } from '../../src/server/connection';
import { Inbox } from '../support/inbox';

const SERVICES = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
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
const ORDERS = 'apiVersion: v1\nkind: Service\nmetadata: {name: orders, namespace: shop}\nspec: {clusterIP: 10.96.4.3, ports: [{port: 80}]}\n';
const CLIENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: front
          env:
            - {name: API_ADDR, value: "api.shop:9999"}
            - {name: ORDERS_ADDR, value: "orders:80"}
`;

function position(needle: string, delta = 0): { line: number; character: number } {
  const before = CLIENT.slice(0, CLIENT.indexOf(needle) + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

const temps: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-conn-'));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
// The server's own file watches do not keep a process alive (its connection does; here, this handle).
const alive = setInterval(() => undefined, 1 << 30);
after(() => {
  clearInterval(alive);
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

interface Session {
  readonly client: ProtocolConnection;
  readonly result: InitializeResult;
  readonly diagnostics: Inbox<PublishDiagnosticsParams>;
  /** Every request the server sent, by method. */
  readonly requests: Inbox<{ method: string; params: unknown }>;
  readonly logs: Inbox<LogMessageParams>;
  close(): void;
}

/** The requests a server may send a client that this test records (and answers). */
const SERVER_REQUESTS = [
  'workspace/configuration',
  'client/registerCapability',
  'client/unregisterCapability',
  'workspace/applyEdit',
  'workspace/inlayHint/refresh',
  'workspace/workspaceFolders',
  'window/workDoneProgress/create',
];

/** A server of `serve` and a client on in-memory streams; `answer` answers the server's requests. */
async function session(
  capabilities: ClientCapabilities,
  initializationOptions: unknown,
  folders: string[],
  answer: (method: string, params: unknown) => unknown,
): Promise<Session> {
  const up = new PassThrough();
  const down = new PassThrough();
  const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  serve(server);
  const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const diagnostics = new Inbox<PublishDiagnosticsParams>();
  const requests = new Inbox<{ method: string; params: unknown }>();
  const logs = new Inbox<LogMessageParams>();
  client.onNotification(PublishDiagnosticsNotification.type, (p) => diagnostics.push(p));
  client.onNotification(LogMessageNotification.type, (p) => logs.push(p));
  for (const method of SERVER_REQUESTS) {
    client.onRequest(method, (params: unknown) => {
      requests.push({ method, params });
      return answer(method, params);
    });
  }
  client.listen();
  const result = await client.sendRequest(InitializeRequest.type, {
    processId: null,
    rootUri: null,
    capabilities,
    initializationOptions,
    workspaceFolders: folders.map((f, i) => ({ uri: pathToFileURL(f).href, name: `f${i}` })),
  });
  await client.sendNotification(InitializedNotification.type, {});
  return {
    client,
    result,
    diagnostics,
    requests,
    logs,
    close: () => {
      client.dispose();
      server.dispose();
    },
  };
}

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => d.code).join();

describe('a minimal client: no configuration, no watcher registration, plain text, commands', () => {
  const ws = folder({ 'services.yaml': SERVICES });
  const uri = pathToFileURL(join(ws, 'front.yaml')).href;
  let s: Session;

  it('is offered fixes as commands, and told of workspace folders that change', async () => {
    s = await session(
      { textDocument: { hover: { contentFormat: ['plaintext'] }, codeAction: {} }, workspace: { applyEdit: true } },
      // The settings come with the initialization options: NL003 as a warning.
      { cluster: false, netlens: { diagnostics: { severity: { NL003: 'warning' } } } },
      [ws],
      (method) => (method === 'workspace/applyEdit' ? { applied: true } : null),
    );
    assert.equal(s.result.capabilities.codeActionProvider, true, 'no CodeActionOptions for a client without literals');
    assert.deepEqual(s.result.capabilities.executeCommandProvider, { commands: ['netlens.applyFix'] });
    assert.deepEqual(s.result.capabilities.workspace?.workspaceFolders, { supported: true, changeNotifications: true });
  });

  it('reads its settings from the initialization options', async () => {
    await s.client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: CLIENT } });
    const published = await s.diagnostics.next((p) => p.uri === uri && codes(p) === 'NL003,NL001');
    assert.equal(published.diagnostics[0]!.severity, 2, 'NL003 is a warning, as the settings say');
  });

  it('gets plain-text hovers', async () => {
    const hover = await s.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: position('api.shop', 1) });
    const contents = hover!.contents as { kind: string; value: string };
    assert.equal(contents.kind, 'plaintext');
    assert.match(
      contents.value,
      /^api\.shop:9999 → api\.shop\.svc\.cluster\.local\.\n- A 10\.96\.4\.2\n\nService shop\/api · ClusterIP · 10\.96\.4\.2\n\n- 8080\/TCP http → target port http\n/,
    );
    assert.doesNotMatch(contents.value, /[`*_|]/, 'no markup');
  });

  it('gets fixes as commands, and running one applies the edit through workspace/applyEdit', async () => {
    const published = await s.diagnostics.next((p) => p.uri === uri && codes(p) === 'NL003,NL001');
    const nl003 = published.diagnostics[0]!;
    const actions = (await s.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: nl003.range,
      context: { diagnostics: [nl003] },
    })) as Command[];
    assert.deepEqual(
      actions.map((a) => [a.title, a.command]),
      [['Change the port to 8080', 'netlens.applyFix']],
    );
    const from = s.requests.count;
    await s.client.sendRequest(ExecuteCommandRequest.type, { command: actions[0]!.command, arguments: actions[0]!.arguments! });
    const applied = await s.requests.next((r) => r.method === 'workspace/applyEdit', from);
    assert.deepEqual((applied.params as { edit: WorkspaceEdit }).edit.changes![uri], [{ range: nl003.range, newText: '8080' }]);
  });

  it('sees a file written on disk reach the diagnostics: the server watches the folder itself', async () => {
    const from = s.diagnostics.count;
    writeFileSync(join(ws, 'orders.yaml'), ORDERS);
    await s.diagnostics.next((p) => p.uri === uri && codes(p) === 'NL003', from);
  });

  it('changes its settings with a notification that carries them', async () => {
    const from = s.diagnostics.count;
    await s.client.sendNotification(DidChangeConfigurationNotification.type, { settings: { netlens: { diagnostics: { severity: { NL003: 'off' } } } } });
    await s.diagnostics.next((p) => p.uri === uri && p.diagnostics.length === 0, from);
  });

  it('was never sent what it did not declare', () => {
    const methods = new Set(s.requests.all().map((r) => r.method));
    for (const m of ['workspace/configuration', 'client/registerCapability', 'workspace/inlayHint/refresh']) assert.ok(!methods.has(m), `${m} was sent`);
    assert.deepEqual(
      s.logs.all().filter((l) => l.type === 1),
      [],
      'no error logged',
    );
    s.close();
  });
});

describe('a full client: configuration, watcher registration, workspace folders, markdown, literals', () => {
  const ws = folder({ 'services.yaml': SERVICES });
  const more = folder({ 'orders.yaml': ORDERS });
  const uri = pathToFileURL(join(ws, 'front.yaml')).href;
  let s: Session;

  it('registers the watcher for manifests with the client, and asks for the configuration', async () => {
    s = await session(
      {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          inlayHint: { refreshSupport: true },
          applyEdit: true,
        },
        textDocument: {
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        },
      },
      { cluster: false, netlens: { diagnostics: { severity: { NL001: 'off' } } } },
      [ws],
      (method, params) => {
        // The settings come from the configuration request: the initialization options' NL001 off does not count.
        if (method === 'workspace/configuration') return (params as { items: unknown[] }).items.map(() => ({ diagnostics: { severity: { NL003: 'hint' } } }));
        return null;
      },
    );
    assert.deepEqual(s.result.capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.equal(s.result.capabilities.executeCommandProvider, undefined);
    const registration = await s.requests.next((r) => r.method === 'client/registerCapability');
    assert.deepEqual(
      (registration.params as { registrations: unknown[] }).registrations.map((r) => ({ ...(r as object), id: undefined })),
      [
        {
          id: undefined,
          method: 'workspace/didChangeWatchedFiles',
          registerOptions: { watchers: [{ globPattern: '**/*.{yaml,yml}' }, { globPattern: '**/{*.tpl,Kustomization}' }] },
        },
      ],
    );
    await s.requests.next((r) => r.method === 'workspace/configuration');
  });

  it('gets markdown hovers and literal code actions', async () => {
    await s.client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: CLIENT } });
    const published = await s.diagnostics.next((p) => p.uri === uri && codes(p) === 'NL003,NL001');
    assert.equal(published.diagnostics[0]!.severity, 4, 'NL003 is a hint, as the configuration says');
    const hover = await s.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: position('api.shop', 1) });
    assert.equal((hover!.contents as { kind: string }).kind, 'markdown');
    const actions = await s.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: published.diagnostics[0]!.range,
      context: { diagnostics: [published.diagnostics[0]!] },
    });
    assert.equal((actions as { kind?: string }[])[0]!.kind, 'quickfix');
  });

  it('reads a workspace folder added, and forgets it when it is removed', async () => {
    let from = s.diagnostics.count;
    await s.client.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [{ uri: pathToFileURL(more).href, name: 'more' }], removed: [] },
    });
    await s.diagnostics.next((p) => p.uri === uri && codes(p) === 'NL003', from);
    from = s.diagnostics.count;
    await s.client.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [], removed: [{ uri: pathToFileURL(more).href, name: 'more' }] },
    });
    await s.diagnostics.next((p) => p.uri === uri && codes(p) === 'NL003,NL001', from);
    s.close();
  });
});
