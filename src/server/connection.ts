/**
 * Wires an LSP connection to the server's parts, and holds no logic of its own: `NetLensServer` (documents in,
 * diagnostics, hovers, hints, fixes, definitions out), the workspace files, the live cluster, the settings, the
 * custom requests. What the client declared in `initialize` decides what is asked of it. `main.ts` creates the
 * real connection; benchmarks and tests pass an in-memory one.
 */

import { TextDocuments } from 'vscode-languageserver';
import { type Connection, DidChangeWatchedFilesNotification, type InitializeParams, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { useLocale } from '../l10n/tables';
import {
  ContextsRequest,
  ModelChangedNotification,
  ModelInfoRequest,
  NamespaceRequest,
  ObjectRequest,
  ResolveRequest,
  SwitchContextRequest,
} from '../protocol/requests';
import { APPLY_FIX_COMMAND, type ClientFeatures, clientFeatures, SERVER_INFO, serverCapabilities } from './capabilities';
import { codeActionsFor, editOfCommand } from './convert';
import { CustomRequests, FALLBACKS } from './custom-requests';
import { DiagnosticsPublisher } from './diagnostics';
import { DocumentSync } from './documents';
import { type Guard, guardWith, type Log } from './guard';
import { LiveCluster } from './live-cluster';
import { Navigation } from './navigation';
import { ClientRefresh } from './notify';
import { WorkspaceRenders } from './renders';
import { type LiveSource, NetLensServer } from './server';
import { type InitOptions, readInitOptions, SettingsSource } from './settings';
import { WorkspaceFiles } from './workspace-files';

export interface ServeHooks {
  /** A live model to use instead of one read from the kubeconfig (benchmarks, tests). */
  readonly live?: LiveSource;
}

/** The manifests a client watches for the server when it can register watchers. */
const MANIFEST_GLOB = '**/*.{yaml,yml}';
/** Chart helpers and the kustomization file without an extension: they change what renders. */
const TEMPLATE_GLOB = '**/{*.tpl,Kustomization}';

/** The server's parts, and what the client declared (known once `initialize` has come). */
interface Parts {
  readonly connection: Connection;
  readonly log: Log;
  readonly guard: Guard;
  readonly client: { features: ClientFeatures; settings?: SettingsSource; init?: InitOptions };
  readonly documents: TextDocuments<TextDocument>;
  readonly sync: DocumentSync;
  readonly server: NetLensServer;
  readonly live: LiveCluster;
  readonly workspace: WorkspaceFiles;
  readonly requests: CustomRequests;
  readonly refresh: ClientRefresh;
  /** The renders of charts and overlays, once started. */
  readonly rendering: { renders?: WorkspaceRenders };
}

/** Serves LSP on `connection` until it closes. */
export function serve(connection: Connection, hooks: ServeHooks = {}): NetLensServer {
  const parts = createParts(connection);
  wireLifecycle(parts, hooks);
  wireLanguageFeatures(parts);
  wireCustomRequests(parts);
  parts.documents.listen(connection);
  connection.listen();
  return parts.server;
}

function createParts(connection: Connection): Parts {
  const log: Log = (level, message) => connection.console[level](message);
  const client: Parts['client'] = { features: clientFeatures({}) };
  const documents = new TextDocuments(TextDocument);
  const publisher = new DiagnosticsPublisher((p) => void connection.sendDiagnostics(p));
  const refresh = new ClientRefresh({
    // The requests are made below, with the server; no change is told before they are.
    modelChanged: () => connection.sendNotification(ModelChangedNotification, requests.changed()),
    get refreshInlayHints() {
      return client.features.inlayHintRefresh ? () => connection.languages.inlayHint.refresh() : undefined;
    },
  });
  const server = new NetLensServer({
    publishDiagnostics: (uri, version, d) => publisher.publish(uri, version, d),
    log,
    workspaceChanged: () => refresh.workspaceChanged(),
    viewsChanged: () => refresh.viewsChanged(),
  });
  const live = new LiveCluster({ server, log, changed: () => refresh.liveChanged() });
  const workspace = new WorkspaceFiles(server, log);
  const requests = new CustomRequests(server, live);
  return {
    connection,
    log,
    guard: guardWith(log),
    client,
    documents,
    sync: new DocumentSync(documents, server),
    server,
    live,
    workspace,
    requests,
    refresh,
    rendering: {},
  };
}

/** Initialize, initialized, settings, workspace files and folders, shutdown. */
function wireLifecycle(p: Parts, hooks: ServeHooks): void {
  const { connection, guard, client, server, live, workspace } = p;
  connection.onInitialize((params: InitializeParams): InitializeResult => {
    // Diagnostics, hovers, hints and fix titles in the client's language (English without a table for it).
    useLocale(params.locale);
    client.features = clientFeatures(params.capabilities);
    const init = readInitOptions(params.initializationOptions);
    client.init = init;
    client.settings = new SettingsSource({
      ask: client.features.configuration ? () => connection.workspace.getConfiguration('netlens') : undefined,
      initial: init.netlens,
      apply: (s) => {
        server.updateSettings(s);
        // The release, the values files, the zone and the namespace change what renders and how it is read.
        void p.rendering.renders?.refresh();
      },
      log: p.log,
    });
    workspace.init(params.workspaceFolders, params.rootUri);
    if (hooks.live) server.setLive(hooks.live);
    return { capabilities: serverCapabilities(client.features), serverInfo: { ...SERVER_INFO } };
  });
  connection.onInitialized(
    guard(
      'initialized',
      async () => {
        // The cluster's client is loaded and the kubeconfig read once `initialize` is answered, before any document:
        // an editor waits for the answer, not for them.
        if (!hooks.live && client.init?.cluster) live.start(client.init);
        connection.onDidChangeConfiguration(guard('settings', (c) => client.settings?.changed(c) ?? Promise.resolve(), undefined));
        if (client.features.workspaceFolders)
          connection.workspace.onDidChangeWorkspaceFolders(guard('workspace folders', (e) => workspace.foldersChanged(e), undefined));
        void guard('settings', () => client.settings?.load() ?? Promise.resolve(), undefined)();
        // The client watches the files when it can; else, or when it refuses the registration, the server does.
        const clientWatches =
          client.features.watchedFilesRegistration &&
          (await connection.client
            .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: MANIFEST_GLOB }, { globPattern: TEMPLATE_GLOB }] })
            .then(
              () => true,
              () => false,
            ));
        await workspace.start({ watch: !clientWatches });
        startRenders(p, client.init);
      },
      undefined,
    ),
  );
  connection.onDidChangeWatchedFiles(guard('file change', (c) => workspace.clientChanged(c), undefined));
  connection.onShutdown(() => {
    p.rendering.renders?.dispose();
    p.refresh.dispose();
    workspace.dispose();
    live.stop();
  });
}

/**
 * Renders the workspace's charts and overlays once it is read, and again after files change (renders.ts); not when
 * the client said the workspace is untrusted or rendering is off.
 */
function startRenders(p: Parts, init: InitOptions | undefined): void {
  if (!init?.render || p.workspace.paths.length === 0) return;
  const { server, workspace, log } = p;
  const renders = new WorkspaceRenders(
    {
      folders: () => workspace.paths,
      scan: () => server.renderOptions().scan,
      buildOptions: () => server.renderOptions().build,
      log,
      changed: (state) => server.setRendered(state),
    },
    () => ({
      ...(init.helmPath ? { helmPath: init.helmPath } : {}),
      ...(init.kustomizePath ? { kustomizePath: init.kustomizePath } : {}),
      release: server.renderOptions().release,
      helmValues: server.renderOptions().helmValues,
    }),
  );
  workspace.onChanged = () => void renders.refresh();
  p.rendering.renders = renders;
  void renders.refresh();
}

/** Documents, hovers, inlay hints, code actions and their command, definitions. */
function wireLanguageFeatures(p: Parts): void {
  const { connection, guard, client, documents, sync, server } = p;
  documents.onDidOpen(guard('open', (e) => sync.opened(e.document), undefined));
  documents.onDidChangeContent(guard('change', (e) => sync.changed(e.document), undefined));
  documents.onDidClose(guard('close', (e) => sync.closed(e.document), undefined));
  /** Runs `answer` at the offset of a request's position, or answers null when the document is not open. */
  const at = <R>(q: { textDocument: { uri: string }; position: { line: number; character: number } }, answer: (offset: number) => R): R | null => {
    const offset = sync.offsetAt(q.textDocument.uri, q.position);
    return offset === undefined ? null : answer(offset);
  };
  connection.onHover(guard('hover', (q) => at(q, (offset) => server.hover(q.textDocument.uri, offset, client.features.hoverFormat)), null));
  connection.languages.inlayHint.on(guard('inlay hints', (q) => server.inlayHints(q.textDocument.uri, q.range), []));
  connection.onCodeAction(
    guard(
      'code actions',
      (q) => codeActionsFor(client.features.codeActionLiterals, server.codeActions(q.textDocument.uri, q.range, q.context.diagnostics)),
      [],
    ),
  );
  connection.onExecuteCommand(
    guard(
      'apply fix',
      async (q) => {
        const edit = q.command === APPLY_FIX_COMMAND ? editOfCommand(q.arguments) : undefined;
        if (edit) await connection.workspace.applyEdit(edit);
      },
      undefined,
    ),
  );
  connection.onDefinition(guard('definition', (q) => at(q, (offset) => server.definition(q.textDocument.uri, offset)), null));
  wireNavigation(p, at);
}

/** Find references, rename, completion, code lenses, document links, workspace symbols (navigation.ts). */
function wireNavigation(
  p: Parts,
  at: <R>(q: { textDocument: { uri: string }; position: { line: number; character: number } }, answer: (offset: number) => R) => R | null,
): void {
  const { connection, guard, server } = p;
  const nav = () => new Navigation(server.navigationSource());
  connection.onReferences(guard('references', (q) => at(q, (offset) => nav().references(q.textDocument.uri, offset, q.context.includeDeclaration)) ?? [], []));
  connection.onPrepareRename(guard('prepare rename', (q) => at(q, (offset) => nav().prepareRename(q.textDocument.uri, offset)), null));
  connection.onRenameRequest(guard('rename', (q) => at(q, (offset) => nav().rename(q.textDocument.uri, offset, q.newName)), null));
  connection.onCompletion(guard('completion', (q) => at(q, (offset) => nav().completion(q.textDocument.uri, offset)) ?? [], []));
  connection.onCodeLens(guard('code lenses', (q) => (server.codeLensEnabled ? nav().codeLenses(q.textDocument.uri) : []), []));
  connection.onDocumentLinks(guard('document links', (q) => nav().documentLinks(q.textDocument.uri), []));
  connection.onWorkspaceSymbol(guard('workspace symbols', (q) => nav().symbols(q.query), []));
}

/** The requests of `src/protocol/requests.ts`, each with its fallback. */
function wireCustomRequests(p: Parts): void {
  const { connection, guard, requests } = p;
  connection.onRequest(
    ResolveRequest,
    guard('resolve', (q) => requests.resolve(q), FALLBACKS.resolve),
  );
  connection.onRequest(
    ModelInfoRequest,
    guard('model info', () => requests.modelInfo(), FALLBACKS.modelInfo),
  );
  connection.onRequest(
    NamespaceRequest,
    guard('namespace', (q) => requests.namespace(q), FALLBACKS.namespace),
  );
  connection.onRequest(
    ContextsRequest,
    guard('contexts', () => requests.contexts(), FALLBACKS.contexts),
  );
  connection.onRequest(
    SwitchContextRequest,
    guard('switch context', (q) => requests.switchContext(q), FALLBACKS.modelInfo),
  );
  connection.onRequest(
    ObjectRequest,
    guard('object', (q) => requests.object(q), FALLBACKS.object),
  );
}
