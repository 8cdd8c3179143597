/**
 * Wires an LSP connection to NetLensServer: documents, requests, settings, the workspace files and the live
 * model. `main.ts` creates the real connection; benchmarks pass an in-memory one.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileChangeType, TextDocumentSyncKind, type Connection, type InitializeParams } from 'vscode-languageserver/node';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadKubeconfig } from '../cluster/kubeconfig';
import { LiveModel } from '../cluster/live-model';
import { objectYaml } from '../cluster/objects';
import { ApiError } from '../cluster/api';
import { ContextsRequest, ModelChangedNotification, ModelInfoRequest, NamespaceRequest, ObjectRequest, ResolveRequest, SwitchContextRequest, type ObjectResult } from '../protocol/requests';
import { modelFailure, type ModelFailure } from './errors';
import { NetLensServer, type LiveSource } from './server';
import { readSettings } from './settings';

/** Options the client passes at start. The kubeconfig comes from the user's own settings or the environment only. */
interface InitOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly cluster?: boolean;
}

const MAX_WORKSPACE_FILES = 5000;
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.terraform', '.venv', 'vendor']);
/** Bursts of workspace changes (typing, a checkout) reach the views as one notification. */
const WORKSPACE_NOTIFY_MS = 250;
const HINT_REFRESH_MS = 500;
/** Documents at least this large are parsed a piece at a time before they are opened. */
const PREPARE_BYTES = 256 * 1024;

export interface ServeHooks {
  /** A live model to use instead of one read from the kubeconfig (benchmarks, tests). */
  readonly live?: LiveSource;
}

/** Serves LSP on `connection` until it closes. */
export function serve(connection: Connection, hooks: ServeHooks = {}): NetLensServer {
  const documents = new TextDocuments(TextDocument);
  const log = (level: 'info' | 'warn' | 'error', message: string) => {
    if (level === 'error') connection.console.error(message);
    else if (level === 'warn') connection.console.warn(message);
    else connection.console.info(message);
  };
  /** Tells the client that the model changed; a connection already closed is no reason to fail. */
  const modelChanged = () => {
    try {
      void connection.sendNotification(ModelChangedNotification).catch(() => undefined);
    } catch {
      /* the connection is gone */
    }
  };
  let notifyTimer: NodeJS.Timeout | undefined;
  const server = new NetLensServer({
    publishDiagnostics: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, ...(version !== undefined ? { version } : {}), diagnostics }),
    log,
    workspaceChanged: () => {
      notifyTimer ??= setTimeout(() => {
        notifyTimer = undefined;
        if (!server.showsCluster) modelChanged();
        refreshInlayHints();
      }, WORKSPACE_NOTIFY_MS);
    },
  });
  let inlayRefresh = false;
  let hintTimer: NodeJS.Timeout | undefined;
  /** Asks the client for the inlay hints of every document again, at most twice a second: a model they come from changed. */
  const refreshInlayHints = () => {
    if (!inlayRefresh) return;
    hintTimer ??= setTimeout(() => {
      hintTimer = undefined;
      try {
        void connection.languages.inlayHint.refresh().catch(() => undefined);
      } catch {
        /* the connection is gone */
      }
    }, HINT_REFRESH_MS);
  };
  let live: LiveModel | undefined;
  let folders: string[] = [];

  /** A handler that fails logs the failure and answers nothing, and the server goes on. */
  function guard<A extends unknown[], R>(name: string, fn: (...args: A) => R, fallback: R): (...args: A) => R {
    return (...args: A) => {
      try {
        return fn(...args);
      } catch (e) {
        log('error', `${name} failed: ${(e as Error).stack ?? e}`);
        return fallback;
      }
    };
  }

  connection.onInitialize((params: InitializeParams) => {
    folders = (params.workspaceFolders ?? []).map((f) => f.uri).filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    if (folders.length === 0 && params.rootUri?.startsWith('file:')) folders = [fileURLToPath(params.rootUri)];
    const init = (params.initializationOptions ?? {}) as InitOptions;
    inlayRefresh = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    if (hooks.live) server.setLive(hooks.live);
    else if (init.cluster !== false) startLive(init);
    // Diagnostics wait for the workspace's files: a finding made before they are read could be false.
    if (folders.length > 0) server.expectWorkspace();
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        definitionProvider: true,
      },
      serverInfo: { name: 'netlens-lsp', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    void refreshSettings();
    void readWorkspace();
    connection.onDidChangeConfiguration(() => void refreshSettings());
  });

  let liveOptions: InitOptions = {};
  let liveError: ModelFailure | undefined;

  function startLive(init: InitOptions): void {
    liveOptions = init;
    live?.stop();
    live = undefined;
    liveError = undefined;
    try {
      live = new LiveModel({ ...(init.kubeconfig ? { path: init.kubeconfig } : {}), ...(init.context ? { context: init.context } : {}), log });
    } catch (e) {
      // No kubeconfig, or a broken one: the workspace manifests are the model, and the views say why.
      liveError = modelFailure(e);
      log('info', `No live cluster: ${(e as Error).message}`);
      server.setLive(undefined);
      return;
    }
    const model = live;
    const name = `cluster ${model.kubeconfig.context}`;
    server.setLive({
      name,
      snapshot: () => (model.status().state === 'ready' ? model.snapshot() : undefined),
      latest: () => (model.status().state === 'ready' || model.status().state === 'stale' ? model.snapshot() : undefined),
      info: () => {
        const st = model.status();
        return {
          context: st.context,
          server: st.server,
          state: st.state,
          ...(st.error ? { errorKind: st.error.kind, message: st.error.message } : {}),
          notes: st.notes,
        };
      },
    });
    model.onChange(() => {
      server.liveChanged();
      modelChanged();
      refreshInlayHints();
    });
    model.start();
  }

  async function refreshSettings(): Promise<void> {
    try {
      const c: unknown = await connection.workspace.getConfiguration('netlens');
      if (!c) return;
      const { settings, problems } = readSettings(c);
      for (const p of problems) log('warn', p.message);
      server.updateSettings(settings);
    } catch (e) {
      log('warn', `Settings could not be read: ${(e as Error).message}`);
    }
  }

  /** Reads the YAML files of the workspace folders, within bounds, for the workspace model. */
  async function readWorkspace(): Promise<void> {
    const files = new Map<string, string>();
    const walk = async (dir: string): Promise<void> => {
      if (files.size >= MAX_WORKSPACE_FILES) return;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name)) await walk(full);
        } else if (e.isFile() && /\.ya?ml$/i.test(e.name) && files.size < MAX_WORKSPACE_FILES) {
          const text = await readManifest(full);
          if (text !== undefined) files.set(pathToFileURL(full).toString(), text);
        }
      }
    };
    for (const f of folders) await walk(f);
    const started = Date.now();
    try {
      await server.loadWorkspaceFiles(files, () => new Promise((resolve) => setImmediate(resolve)));
    } catch (e) {
      log('error', `reading the workspace failed: ${(e as Error).stack ?? e}`);
      server.workspaceUnavailable();
    }
    log('info', `Workspace: ${files.size} YAML file${files.size === 1 ? '' : 's'} read in ${Date.now() - started} ms.`);
  }

  connection.onDidChangeWatchedFiles(async (params) => {
    for (const change of params.changes) {
      if (!change.uri.startsWith('file:') || !/\.ya?ml$/i.test(change.uri)) continue;
      const path = fileURLToPath(change.uri);
      // The same files as the first reading: inside a workspace folder, not under node_modules, .git and the like.
      const folder = folders.find((f) => path.startsWith(f.endsWith(sep) ? f : f + sep));
      if (!folder || relative(folder, path).split(sep).some((part) => SKIPPED_DIRS.has(part))) continue;
      const known = server.diskFiles(change.uri);
      // The bound of the first reading holds for files created later too.
      if (change.type !== FileChangeType.Deleted && !known.has && known.count >= MAX_WORKSPACE_FILES) continue;
      const text = change.type === FileChangeType.Deleted ? undefined : await readManifest(path);
      guard('file change', () => server.setDiskFile(change.uri, text), undefined)();
    }
  });
  connection.onRequest(ObjectRequest, async (p): Promise<ObjectResult> => {
    try {
      if (server.showsCluster && live) {
        if (live.status().state === 'failed') return { ok: false, message: `The cluster cannot be read: ${live.status().error?.message ?? 'see the NetLens log'}` };
        return { ok: true, from: 'cluster', yaml: await objectYaml(live.api, p, live.kubeconfig.context) };
      }
      const at = server.declaration(p.kind, p.namespace, p.name);
      if (at) return { ok: true, from: 'workspace', ...at };
      return { ok: false, message: `No manifest in the workspace declares ${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}.` };
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'not-found') return { ok: false, message: `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name} no longer exists in the cluster.` };
      if (e instanceof ApiError) return { ok: false, message: e.message };
      log('error', `object failed: ${(e as Error).stack ?? e}`);
      return { ok: false, message: 'NetLens could not read the object; see the NetLens log.' };
    }
  });

  // A large document is parsed a piece at a time before it is opened, answering requests in between; edits that
  // come meanwhile wait for the open, which takes the latest text.
  const preparing = new Set<string>();
  documents.onDidOpen(async (e) => {
    const { uri } = e.document;
    if (e.document.getText().length < PREPARE_BYTES) return guard('open', () => server.open(uri, e.document.getText(), e.document.version), undefined)();
    preparing.add(uri);
    try {
      const cache = await server.prepare(uri, e.document.getText(), () => new Promise((resolve) => setImmediate(resolve)));
      const latest = documents.get(uri);
      if (latest) guard('open', () => server.open(uri, latest.getText(), latest.version, cache), undefined)();
    } catch (err) {
      log('error', `open failed: ${(err as Error).stack ?? err}`);
    } finally {
      preparing.delete(uri);
    }
  });
  documents.onDidChangeContent(guard('change', (e) => (preparing.has(e.document.uri) ? undefined : server.change(e.document.uri, e.document.getText(), e.document.version)), undefined));
  documents.onDidClose(guard('close', (e) => server.close(e.document.uri), undefined));

  connection.onHover(guard('hover', (p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? server.hover(p.textDocument.uri, doc.offsetAt(p.position)) : null;
  }, null));
  connection.languages.inlayHint.on(guard('inlay hints', (p) => server.inlayHints(p.textDocument.uri, p.range), []));
  connection.onCodeAction(guard('code actions', (p) => server.codeActions(p.textDocument.uri, p.range, p.context.diagnostics), []));
  connection.onDefinition(guard('definition', (p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? server.definition(p.textDocument.uri, doc.offsetAt(p.position)) : null;
  }, null));
  connection.onRequest(ResolveRequest, guard('resolve', (p) => server.resolveInput(p.input, p.namespace, p.qtype), { ok: false as const, message: 'NetLens failed to resolve it; see the NetLens log.' }));
  connection.onRequest(ModelInfoRequest, guard('model info', () => {
    const info = server.modelInfo();
    return liveError && info.kind === 'workspace' ? { ...info, errorKind: liveError.kind, message: liveError.message } : info;
  }, { kind: 'workspace' as const, state: 'none' as const, notes: [], namespaces: [] }));
  connection.onRequest(NamespaceRequest, guard('namespace', (p) => server.namespace(p.namespace, p.offset, p.limit), { namespace: '', services: [], pods: [], total: 0 }));
  connection.onRequest(ContextsRequest, guard('contexts', (): { contexts: string[]; current?: string; error?: string } => {
    try {
      const k = loadKubeconfig({ ...(liveOptions.kubeconfig ? { path: liveOptions.kubeconfig } : {}) });
      return { contexts: k.kubeConfig.getContexts().map((c) => c.name), current: live?.kubeconfig.context ?? k.context };
    } catch (e) {
      return { contexts: [], error: (e as Error).message };
    }
  }, { contexts: [] }));
  connection.onRequest(SwitchContextRequest, guard('switch context', (p) => {
    startLive({ ...liveOptions, context: p.context });
    server.liveChanged();
    modelChanged();
    return server.modelInfo();
  }, { kind: 'workspace' as const, state: 'none' as const, notes: [], namespaces: [] }));
  connection.onShutdown(() => {
    clearTimeout(notifyTimer);
    clearTimeout(hintTimer);
    live?.stop();
  });

  documents.listen(connection);
  connection.listen();
  return server;
}

/** A workspace file's text, or undefined when it is too large, binary, not UTF-8 or unreadable. */
async function readManifest(path: string): Promise<string | undefined> {
  try {
    if ((await stat(path)).size > MAX_FILE_BYTES) return undefined;
    const bytes = await readFile(path);
    if (bytes.includes(0)) return undefined;
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
