/**
 * The network map panel: one webview panel, reused, that draws which Service reaches which pods on which ports.
 * The host builds the map's data from the language server (map-data.ts) and sends it as typed messages
 * (../protocol/webview.ts); the webview (../webview/main.ts) lays it out and draws it. The panel comes back after
 * a window reload through its serializer, with the view state the webview kept.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { type ModelInfo, ModelInfoRequest, type NamespaceView } from '../protocol/requests';
import { type HostMessage, MAP_VIEW_TYPE, type MapGraph, type MapViewState, type WebviewMessage } from '../protocol/webview';
import { askNamespace } from './client';
import { loadMapGraph, type MapSource, mapHtml } from './map-data';
import { mapTexts } from './map-texts';
import { filterModel } from './namespace-filter';
import { throttle } from './throttle';

/**
 * The map is built again at once after the model changes, then at most this often while it keeps changing (a busy
 * cluster reports changes every 100 ms; each build asks the server for every namespace drawn).
 */
const REFRESH_INTERVAL_MS = 500;

export interface MapPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly client: () => LanguageClient | undefined;
  /** Reveals the tree item with this id (a click on a node). */
  readonly reveal: (id: string) => Promise<void>;
  readonly log: vscode.LogOutputChannel;
  /** The namespaces to show (all when undefined), for the model of this state. */
  readonly filter?: (info: ModelInfo) => readonly string[] | undefined;
}

export class MapPanel implements vscode.Disposable, vscode.WebviewPanelSerializer<MapViewState> {
  private panel: vscode.WebviewPanel | undefined;
  private readonly panelDisposables: vscode.Disposable[] = [];
  private state: MapViewState | undefined;
  /**
   * The last map sent, as JSON: the rest of the map (with the namespaces' order), and each namespace by id. An
   * unchanged map is not sent again (the webview would lay it out again), and of a changed one only the namespaces
   * that changed.
   */
  private sent: { readonly rest: string; readonly namespaces: ReadonlyMap<string, string> } | undefined;
  /** Ids to select once the webview is ready. */
  private pendingSelect: readonly string[] | undefined;
  private ready = false;
  private readonly updates = throttle(() => this.update(), REFRESH_INTERVAL_MS);
  /** Counts builds, so that an older build finishing late does not replace a newer one. */
  private generation = 0;
  /** The namespace views of the last map built, by namespace and pod limit. */
  private views: ReadonlyMap<string, NamespaceView> = new Map();

  constructor(private readonly deps: MapPanelDeps) {}

  /** Opens the map (or brings it forward), and selects the first of `select` that the map has. */
  show(select?: readonly string[]): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
    } else {
      const panel = vscode.window.createWebviewPanel(
        MAP_VIEW_TYPE,
        vscode.l10n.t('Network Map'),
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
        this.options(),
      );
      this.attach(panel);
    }
    if (select) this.select(select);
  }

  /** The model changed: build the map again if it is open (at once, or at the end of the interval). */
  refresh(): void {
    if (!this.panel) return;
    this.updates.run();
  }

  /** Brings the map back after a window reload, with the state the webview kept. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: MapViewState | undefined): Promise<void> {
    if (this.panel) {
      // One map at a time: a second restored panel closes.
      panel.dispose();
      return;
    }
    this.state = state ?? undefined;
    panel.webview.options = this.options();
    this.attach(panel);
  }

  dispose(): void {
    this.updates.dispose();
    this.panel?.dispose();
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'media'), vscode.Uri.joinPath(this.deps.extensionUri, 'dist')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.sent = undefined;
    panel.iconPath = vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'netlens.svg');
    const webview = panel.webview;
    webview.html = mapHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'map.css')).toString(),
      nonce: randomBytes(18).toString('base64'),
      texts: mapTexts(vscode.l10n.t),
      language: vscode.env.language,
    });
    this.panelDisposables.push(
      webview.onDidReceiveMessage((m: WebviewMessage) => void this.receive(m)),
      // Without retainContextWhenHidden the webview starts again when shown: it says `ready`, and gets the map again.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) {
          this.ready = false;
          this.sent = undefined;
        }
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        this.sent = undefined;
        this.views = new Map();
        for (const d of this.panelDisposables.splice(0)) d.dispose();
      }),
    );
  }

  private async receive(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sent = undefined;
        await this.update();
        if (this.pendingSelect) this.select(this.pendingSelect);
        return;
      case 'reveal':
        try {
          await this.deps.reveal(m.id);
        } catch (e) {
          this.deps.log.warn(`Network map: cannot reveal ${m.id} in the tree: ${(e as Error).message}`);
        }
        return;
      case 'state': {
        const opened = JSON.stringify(this.state?.expanded ?? []) !== JSON.stringify(m.state.expanded);
        this.state = m.state;
        if (opened) await this.update();
        return;
      }
    }
  }

  private select(ids: readonly string[]): void {
    if (!this.ready) {
      this.pendingSelect = ids;
      return;
    }
    this.pendingSelect = undefined;
    this.post({ type: 'select', ids });
  }

  /** Builds the map and sends it, unless it is the same as the one sent. */
  private async update(): Promise<void> {
    if (!this.panel || !this.ready) return;
    const generation = ++this.generation;
    const started = Date.now();
    let graph: MapGraph;
    try {
      const client = this.deps.client();
      if (!client) throw new Error('the language server is not running');
      const used = new Map<string, NamespaceView>();
      graph = await loadMapGraph(source(client, this.deps.filter, this.views, used), { expanded: this.state?.expanded ?? [], t: vscode.l10n.t });
      if (generation === this.generation) this.views = used;
    } catch (e) {
      if (generation !== this.generation) return;
      this.deps.log.error(`Network map: ${(e as Error).stack ?? String(e)}`);
      this.sent = undefined;
      this.post({ type: 'error', message: vscode.l10n.t('The map could not be built: {0}', (e as Error).message) });
      return;
    }
    if (generation !== this.generation) return;
    const namespaces = new Map(graph.namespaces.map((ns) => [ns.id, JSON.stringify(ns)]));
    // The rest of the map, with the namespaces' order.
    const rest = JSON.stringify({ ...graph, namespaces: graph.namespaces.map((ns) => ns.id) });
    const last = this.sent;
    const changed = graph.namespaces.filter((ns) => last?.namespaces.get(ns.id) !== namespaces.get(ns.id));
    if (last?.rest === rest && changed.length === 0) return;
    this.sent = { rest, namespaces };
    this.deps.log.info(
      `Network map: ${graph.namespaces.length} namespaces, ${graph.totals.services} services, ${graph.totals.pods} pods (${graph.totals.podNodes} drawn), built in ${Date.now() - started} ms`,
    );
    // After the first map, only the namespaces that changed are sent; the webview keeps the others.
    if (last) this.post({ type: 'graph', graph: { ...graph, namespaces: changed }, order: graph.namespaces.map((ns) => ns.id) });
    else this.post({ type: 'graph', graph });
  }

  private post(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }
}

/**
 * The map's questions to the server. The views of the last map are kept, so that one that did not change is not
 * sent again (askNamespace).
 */
function source(client: LanguageClient, filter: MapPanelDeps['filter'], held: ReadonlyMap<string, NamespaceView>, used: Map<string, NamespaceView>): MapSource {
  return {
    modelInfo: async () => {
      const info = await client.sendRequest(ModelInfoRequest);
      return filter ? filterModel(info, filter(info)) : info;
    },
    namespace: async (namespace, limit) => {
      const key = `${namespace}\u0000${limit}`;
      const view = await askNamespace(client, { namespace, offset: 0, limit }, held.get(key));
      used.set(key, view);
      return view;
    },
  };
}
