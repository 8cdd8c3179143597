/**
 * The VS Code face of NetLens: starts the language server (hover, inlay hints, diagnostics and quick fixes in
 * YAML manifests) and shows its models in the tree, the map and the status bar. The server holds the models: the
 * live cluster (one set of watches) and the workspace manifests. `activate` only wires; the client is made in
 * client.ts, the commands registered in commands.ts, the status bar kept in status-bar.ts, and the settings the
 * extension reads are typed in settings.ts.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ModelChangedNotification, type ModelInfo } from '../protocol/requests';
import { MAP_VIEW_TYPE } from '../protocol/webview';
import { createClient } from './client';
import { type ClusterStatus, readClusterStatus, watchClusterStatus } from './cluster-status';
import { registerCommands } from './commands';
import { MapPanel } from './map';
import { describeFilter, filterKey } from './namespace-filter';
import { LiveObjects, OBJECT_SCHEME } from './objects';
import { restartSettingsChanged } from './settings';
import { StatusBar } from './status-bar';
import { throttle } from './throttle';
import { NetLensTree } from './tree';

let client: LanguageClient | undefined;

/** The least time between two redraws of the views that model changes cause. */
const VIEW_REFRESH_MS = 1000;
const LOADING_REFRESH_MS = 250;
/** The workspace state key of the namespace filters. */
const FILTERS = 'netlens.namespaceFilter';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('NetLens', { log: true });
  context.subscriptions.push(output);
  // What a cluster being brought up had reached when the server started (see watchClusterBeingBuilt).
  const statusFile = process.env.NETLENS_CLUSTER_STATUS_FILE;
  const statusAtStart = statusFile ? readClusterStatus(statusFile) : undefined;
  client = createClient(context, output);

  const { filterOf, saveFilter } = namespaceFilters(context.workspaceState);
  const tree = new NetLensTree(() => client, filterOf);
  const view = vscode.window.createTreeView('netlens.tree', { treeDataProvider: tree, showCollapseAll: true });
  /** Reveals and selects the tree item with this id (see src/protocol/ids.ts). */
  const revealInTree = async (id: string) => {
    let node = await tree.findNode(id);
    if (!node) {
      // The tree's copy of the model may be older than the caller's: read it again, once.
      tree.refresh();
      node = await tree.findNode(id);
    }
    if (!node) throw new Error('the tree has no such item');
    await view.reveal(node, { select: true, focus: true, expand: node.kind === 'namespace' });
  };
  const status = new StatusBar('netlens.switchContext');
  const map = new MapPanel({ extensionUri: context.extensionUri, client: () => client, log: output, filter: filterOf, reveal: revealInTree });
  const objects = new LiveObjects(() => client, output);
  context.subscriptions.push(view, status, map, vscode.window.registerWebviewPanelSerializer(MAP_VIEW_TYPE, map));
  context.subscriptions.push(objects, objects.watchVisible(), vscode.workspace.registerTextDocumentContentProvider(OBJECT_SCHEME, objects));

  let clusterStatus: ClusterStatus | undefined;
  /**
   * Redraws the tree, the map and the status bar, and sets the context keys the welcome views and menus read.
   * `force` (the Refresh command) reads everything again; a model change redraws what changed.
   */
  const refreshViews = async (force: boolean) => {
    if (force) tree.refresh();
    else await tree.update().catch((e: Error) => output.warn(`Tree update: ${e.message}`));
    // A model change reaches the map directly (below), not a second later with the tree.
    if (force) map.refresh();
    objects.refresh();
    const info = await tree.modelInfo().catch(() => undefined);
    await status.update(info, view, describeFilter(filterOf(info), vscode.l10n.t));
    // A cluster still being brought up says so above whatever the server's model shows meanwhile.
    if (clusterStatus && clusterStatus.state !== 'ready') view.message = clusterStatus.message;
  };
  /** Starts the server again (it reads its initialization options anew) and redraws the views. */
  const restart = async () => {
    if (!client) throw new Error(vscode.l10n.t('the language server is not running'));
    await client.restart();
    await refreshViews(true);
  };
  // A busy cluster reports changes every 100 ms: the views follow at most once a second, the first change at once;
  // while a cluster is first read, four times a second, so that its namespaces show as soon as their list came.
  const onModelChanged = throttle(
    () => refreshViews(false),
    () => (tree.model?.kind === 'cluster' && tree.model.state === 'connecting' ? LOADING_REFRESH_MS : VIEW_REFRESH_MS),
  );
  context.subscriptions.push(onModelChanged);
  client.onNotification(ModelChangedNotification, (p) => {
    if (p?.info) tree.pushed(p.info);
    onModelChanged.run();
    map.refresh();
  });

  registerCommands({ context, output, client: () => client, tree, map, objects, filterOf, saveFilter, revealInTree, refreshViews, restart });
  context.subscriptions.push(...restartWhenNeeded(restart, output));
  // The views exist before the server answers: VS Code asks the tree for its items at once, and the questions wait for
  // the server's start (the client sends nothing before it), instead of the view being made only after it.
  const started = startClient(client, output);
  void vscode.window.withProgress({ location: { viewId: 'netlens.tree' }, title: vscode.l10n.t('Reading the cluster') }, () =>
    started.then(() => refreshViews(true)),
  );
  await started;
  if (statusFile) {
    watchClusterBeingBuilt(context, output, view, { file: statusFile, atStart: statusAtStart }, restart, (s) => {
      clusterStatus = s;
    });
  }
}

/** The namespaces each context shows, kept per workspace: `filterKey` → names (absent: all). */
function namespaceFilters(state: vscode.Memento) {
  const all = () => state.get<Record<string, string[]>>(FILTERS, {});
  return {
    filterOf: (info: Pick<ModelInfo, 'kind' | 'context'> | undefined): readonly string[] | undefined => all()[filterKey(info)],
    saveFilter: async (info: ModelInfo, chosen: readonly string[] | undefined): Promise<void> => {
      const filters = { ...all() };
      if (chosen) filters[filterKey(info)] = [...chosen];
      else delete filters[filterKey(info)];
      await state.update(FILTERS, filters);
    },
  };
}

async function startClient(c: LanguageClient, output: vscode.LogOutputChannel): Promise<void> {
  try {
    await c.start();
  } catch (e) {
    output.error(`The NetLens language server did not start: ${(e as Error).stack ?? e}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('NetLens: the language server did not start; see the NetLens output.'));
  }
}

/** The server starts again when the workspace becomes trusted, and (when asked) after a setting it reads at its start. */
function restartWhenNeeded(restart: () => Promise<void>, output: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.restart()),
    vscode.workspace.onDidChangeConfiguration(
      (e) =>
        void offerRestart(
          restartSettingsChanged((key) => e.affectsConfiguration(key)),
          restart,
          output,
        ),
    ),
  ];
}

/** Settings the server reads only when it starts changed: says so, and restarts it when asked. */
async function offerRestart(changed: readonly string[], restart: () => Promise<void>, output: vscode.LogOutputChannel): Promise<void> {
  if (changed.length === 0) return;
  const names = changed.map((k) => `netlens.${k}`).join(vscode.l10n.t(' and '));
  const restartNow = vscode.l10n.t('Restart now');
  const chosen = await vscode.window.showInformationMessage(vscode.l10n.t('NetLens: {0} takes effect when the language server restarts.', names), restartNow);
  if (chosen !== restartNow) return;
  await restart().catch((e: Error) => {
    output.error(`Restarting the language server failed: ${e.stack ?? e.message}`);
    void vscode.window.showErrorMessage(`NetLens: ${e.message}`);
  });
}

/**
 * A cluster that a script is still bringing up (npm start, NETLENS_CLUSTER_STATUS_FILE): its progress in the view,
 * and the live cluster as soon as it is up (the server, started without it, is started again and reads the
 * kubeconfig anew).
 */
function watchClusterBeingBuilt(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  view: vscode.TreeView<unknown>,
  status: { readonly file: string; readonly atStart: ClusterStatus | undefined },
  restart: () => Promise<void>,
  seen: (s: ClusterStatus) => void,
): void {
  const statusFile = status.file;
  let last = status.atStart;
  context.subscriptions.push(
    watchClusterStatus(statusFile, (s) => {
      const before = last;
      last = s;
      seen(s);
      output.info(`Cluster status (${statusFile}): ${s.state}${s.message ? `: ${s.message}` : ''}`);
      view.message = s.state === 'ready' ? undefined : s.message;
      if (s.state === 'ready' && before?.state !== 'ready') {
        void restart().catch((e: Error) => output.error(`Restarting the language server for the cluster failed: ${e.message}`));
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
