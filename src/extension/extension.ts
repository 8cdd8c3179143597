/**
 * The VS Code face of NetLens: starts the language server (hover, inlay hints, diagnostics and quick fixes in
 * YAML manifests) and offers palette lookups through it. The server holds the models: the live cluster (one
 * set of watches) and the workspace manifests.
 */
import * as vscode from 'vscode';
import type * as lsp from 'vscode-languageclient';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import type { DnsAnswer, QueryType } from '../core/resolver';
import { ContextsRequest, ModelChangedNotification, type ModelInfo, ResolveRequest, SHOW_REFERENCES_COMMAND, SwitchContextRequest } from '../protocol/requests';
import { MAP_VIEW_TYPE } from '../protocol/webview';
import { type AnswerTarget, answerCopyValue, answerTarget, targetId } from './answer';
import { type ClusterStatus, readClusterStatus, watchClusterStatus } from './cluster-status';
import { MapPanel } from './map';
import { mapTargets } from './map-data';
import { chosenFilter, describeFilter, filterKey } from './namespace-filter';
import { LiveObjects, OBJECT_SCHEME } from './objects';
import { throttle } from './throttle';
import { NetLensTree } from './tree';
import { copyValue, countsLabel, type Node } from './tree-items';

let client: LanguageClient | undefined;

/** The least time between two redraws of the views that model changes cause. */
const VIEW_REFRESH_MS = 1000;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('NetLens', { log: true });
  context.subscriptions.push(output);
  const register = <A extends unknown[]>(id: string, run: (...args: A) => Promise<void>) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: A) => {
        try {
          await run(...args);
        } catch (e) {
          output.error(`${id}: ${(e as Error).stack ?? String(e)}`);
          void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
        }
      }),
    );

  const module = context.asAbsolutePath('dist/server.js');
  // The server runs in the extension's folder, not (the client's default) the workspace's: a kubeconfig exec
  // plugin it starts inherits that folder, and a relative plugin command or PATH entry must not find a program
  // that an opened folder holds.
  const cwd = context.extensionPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { cwd } },
    debug: { module, transport: TransportKind.ipc, options: { cwd, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const config = vscode.workspace.getConfiguration('netlens');
  // Manifests changed outside the editor (a checkout, a generator) reach the workspace model too.
  const manifests = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}');
  context.subscriptions.push(manifests);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: { configurationSection: 'netlens', fileEvents: manifests },
    outputChannel: output,
    // Computed at each start, so that a restart after the workspace is trusted tells the server.
    initializationOptions: () => ({
      cluster: userSetting<boolean>(config, 'cluster.enabled') ?? true,
      // Only the user's own settings may name a kubeconfig: a workspace must not choose which credentials
      // (or exec plugins) run when a folder is opened.
      ...(userSetting<string>(config, 'kubeconfig') ? { kubeconfig: userSetting<string>(config, 'kubeconfig') } : {}),
      // In Restricted Mode the server must run no program for the workspace (no Helm or Kustomize render).
      workspaceTrusted: vscode.workspace.isTrusted,
    }),
    middleware: {
      // The walkthrough's "Hover a name" step completes on the first hover that NetLens answers.
      provideHover: async (document, position, token, next) => {
        const hover = await next(document, position, token);
        if (hover && !hoverShown) {
          hoverShown = true;
          void vscode.commands.executeCommand('setContext', 'netlens.hoverShown', true);
        }
        return hover;
      },
    },
  };
  let hoverShown = false;
  client = new LanguageClient('netlens', 'NetLens', serverOptions, clientOptions);
  // What a cluster being brought up had reached when the server started (see the status watch below).
  const statusFile = process.env.NETLENS_CLUSTER_STATUS_FILE;
  const statusAtStart = statusFile ? readClusterStatus(statusFile) : undefined;
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.restart()));
  try {
    await client.start();
  } catch (e) {
    output.error(`The NetLens language server did not start: ${(e as Error).stack ?? e}`);
    void vscode.window.showErrorMessage('NetLens: the language server did not start; see the NetLens output.');
  }
  // The namespaces each context shows, kept per workspace: `filterKey` → names (absent: all).
  const FILTERS = 'netlens.namespaceFilter';
  const filterOf = (info: Pick<ModelInfo, 'kind' | 'context'> | undefined) =>
    context.workspaceState.get<Record<string, string[]>>(FILTERS, {})[filterKey(info)];
  const tree = new NetLensTree(() => client, filterOf);
  const view = vscode.window.createTreeView('netlens.tree', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(view);
  /** Reveals and selects the tree item with this id (`svc/<ns>/<name>`, `pod/<ns>/<name>`, `ns/<ns>`). */
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
  const status = vscode.window.createStatusBarItem('netlens.context', vscode.StatusBarAlignment.Left, 50);
  status.name = 'NetLens context';
  status.command = 'netlens.switchContext';
  context.subscriptions.push(status);
  const map = new MapPanel({
    extensionUri: context.extensionUri,
    client: () => client,
    log: output,
    filter: filterOf,
    reveal: (id) => revealInTree(id),
  });
  context.subscriptions.push(map, vscode.window.registerWebviewPanelSerializer(MAP_VIEW_TYPE, map));

  const objects = new LiveObjects(() => client, output);
  context.subscriptions.push(objects, objects.watchVisible(), vscode.workspace.registerTextDocumentContentProvider(OBJECT_SCHEME, objects));

  let clusterStatus: ClusterStatus | undefined;
  /**
   * Redraws the tree, the map and the status bar, and sets the context keys the welcome views and menus read.
   * `force` (the Refresh command) reads everything again; a model change redraws what changed.
   */
  const refreshViews = async (force: boolean) => {
    if (force) tree.refresh();
    else await tree.update().catch((e: Error) => output.warn(`Tree update: ${e.message}`));
    map.refresh();
    objects.refresh();
    const info = await tree.modelInfo().catch(() => undefined);
    await updateState(info, status, view, describeFilter(filterOf(info)));
    // A cluster still being brought up says so above whatever the server's model shows meanwhile.
    if (clusterStatus && clusterStatus.state !== 'ready') view.message = clusterStatus.message;
  };
  // A busy cluster reports changes every 100 ms: the views follow at most once a second, the first change at once.
  const onModelChanged = throttle(() => refreshViews(false), VIEW_REFRESH_MS);
  context.subscriptions.push(onModelChanged);
  client?.onNotification(ModelChangedNotification, () => onModelChanged.run());
  void vscode.window.withProgress({ location: { viewId: 'netlens.tree' }, title: 'Reading the cluster' }, () => refreshViews(true));

  // A cluster that a script is still bringing up (npm start): its progress in the view, and the live cluster
  // as soon as it is up.
  if (statusFile) {
    context.subscriptions.push(
      watchClusterStatus(statusFile, (s) => {
        const before = clusterStatus ?? statusAtStart;
        clusterStatus = s;
        output.info(`Cluster status (${statusFile}): ${s.state}${s.message ? `: ${s.message}` : ''}`);
        view.message = s.state === 'ready' ? undefined : s.message;
        if (s.state === 'ready' && before?.state !== 'ready') {
          // It came up after the server started without it: start the server again, which reads the kubeconfig anew.
          void client?.restart().then(
            () => refreshViews(true),
            (e: Error) => output.error(`Restarting the language server for the cluster failed: ${e.message}`),
          );
        }
      }),
    );
  }

  const answerActions: AnswerActions = {
    copy,
    reveal: (t) => revealInTree(targetId(t)),
    showInMap: (t) => map.show(mapTargets(t)),
  };
  register('netlens.resolve', () => resolveCommand(output, 'name', answerActions));
  register('netlens.findOwner', () => resolveCommand(output, 'ip', answerActions));
  register('netlens.refresh', () => refreshViews(true));
  register('netlens.showOutput', async () => output.show());
  register('netlens.showMap', async () => map.show());
  register('netlens.checkInTerminal', async () => {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    if (!folder) {
      void vscode.window.showInformationMessage('NetLens: open a folder to check the manifests in it.');
      return;
    }
    // The CLI that comes with the extension, run by the extension host's own runtime (Electron runs as Node with
    // ELECTRON_RUN_AS_NODE), so that nothing needs installing. In Restricted Mode it renders nothing. A terminal
    // closes when its process ends, so a small wrapper runs the CLI, says its exit status and waits for a key, as
    // VS Code's task terminals do.
    const cli = [context.asAbsolutePath('dist/cli.js'), 'check', '.', ...(vscode.workspace.isTrusted ? [] : ['--no-render'])];
    const wrapper = [
      "const r = require('node:child_process').spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit' });",
      "process.stdout.write('\\nnetlens check ended with exit status ' + r.status + ' (0: no error found, 1: an error found, 2: could not check). Press any key to close the terminal.');",
      'process.stdin.setRawMode?.(true); process.stdin.resume(); process.stdin.once("data", () => process.exit(0));',
    ].join(' ');
    const terminal = vscode.window.createTerminal({
      name: 'netlens check',
      cwd: folder.uri,
      shellPath: process.execPath,
      shellArgs: ['-e', wrapper, ...cli],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    context.subscriptions.push(terminal);
    terminal.show();
  });
  register('netlens.switchContext', async () => {
    if (!client) throw new Error('the language server is not running');
    const { contexts, current, error } = await client.sendRequest(ContextsRequest);
    if (error && !tree.model?.namespaces.length) {
      void vscode.window.showWarningMessage(`NetLens: ${error}`);
      return;
    }
    const filterItem: vscode.QuickPickItem = {
      label: '$(filter) Filter Namespaces…',
      description: describeFilter(filterOf(tree.model)) || 'all namespaces shown',
    };
    const pick = await vscode.window.showQuickPick(
      [
        ...(error
          ? [{ label: '$(warning) No context to switch to', detail: error }]
          : contexts.map((c) => ({ label: c, ...(c === current ? { description: 'current' } : {}) }))),
        { label: '', kind: vscode.QuickPickItemKind.Separator },
        filterItem,
      ],
      { title: 'NetLens: Switch Context', placeHolder: 'The kubeconfig context to read' },
    );
    if (pick === filterItem) {
      await vscode.commands.executeCommand('netlens.filterNamespaces');
      return;
    }
    if (!pick || error || pick.label === current) return;
    await client.sendRequest(SwitchContextRequest, { context: pick.label });
    await refreshViews(true);
  });
  register('netlens.openObject', async (node: Node) => {
    const ref =
      node.kind === 'service'
        ? { kind: 'Service' as const, namespace: node.service.namespace, name: node.service.name }
        : node.kind === 'pod'
          ? { kind: 'Pod' as const, namespace: node.pod.namespace, name: node.pod.name }
          : node.kind === 'namespace'
            ? { kind: 'Namespace' as const, name: node.name }
            : undefined;
    if (ref) await objects.open(ref);
  });
  register('netlens.filterNamespaces', async () => {
    const info = await tree.modelInfo();
    if (!info || info.namespaces.length === 0) {
      void vscode.window.showInformationMessage('NetLens: there are no namespaces to choose from yet.');
      return;
    }
    const current = filterOf(info);
    const all = info.namespaces.map((n) => n.name);
    const picks = await vscode.window.showQuickPick(
      info.namespaces.map((n) => ({ label: n.name, description: countsLabel(n), picked: !current || current.includes(n.name) })),
      {
        title: `NetLens: Namespaces to Show${info.kind === 'cluster' ? ` (context ${info.context ?? ''})` : ''}`,
        placeHolder: 'Choose none or all to show every namespace',
        canPickMany: true,
        matchOnDescription: true,
      },
    );
    if (!picks) return;
    const filters = { ...context.workspaceState.get<Record<string, string[]>>(FILTERS, {}) };
    const chosen = chosenFilter(
      picks.map((p) => p.label),
      all,
    );
    if (chosen) filters[filterKey(info)] = chosen;
    else delete filters[filterKey(info)];
    await context.workspaceState.update(FILTERS, filters);
    await refreshViews(true);
  });
  register('netlens.copyDnsName', async () => {
    const info = await tree.modelInfo();
    const items: vscode.QuickPickItem[] = [];
    for (const ns of info?.namespaces ?? []) {
      for (const node of await tree.getChildren({ kind: 'group', namespace: ns.name, group: 'services', count: ns.services })) {
        if (node.kind === 'service') items.push({ label: node.service.fqdn, description: `${node.service.type} ${node.service.clusterIPs.join(', ')}` });
      }
    }
    const pick = await vscode.window.showQuickPick(items, { title: 'NetLens: Copy DNS Name', placeHolder: 'A Service', matchOnDescription: true });
    if (pick) await copy(pick.label);
  });
  context.subscriptions.push(
    vscode.commands.registerCommand('netlens.copyFqdn', (node: Node) => copy(copyValue(node, 'fqdn'))),
    vscode.commands.registerCommand('netlens.copyIp', (node: Node) => copy(copyValue(node, 'ip'))),
    vscode.commands.registerCommand('netlens.showMorePods', (namespace: string) => tree.showMore(namespace)),
    // The code lens above a Service: the server sends LSP types, VS Code's references view takes its own.
    vscode.commands.registerCommand(SHOW_REFERENCES_COMMAND, (uri: string, position: lsp.Position, locations: lsp.Location[]) => {
      const convert = client?.protocol2CodeConverter;
      if (!convert) return;
      return vscode.commands.executeCommand(
        'editor.action.showReferences',
        vscode.Uri.parse(uri),
        convert.asPosition(position),
        locations.map((l) => convert.asLocation(l)),
      );
    }),
    vscode.commands.registerCommand('netlens.revealInMap', (node: Node) => {
      if (node.kind === 'service') map.show(mapTargets({ kind: 'service', namespace: node.service.namespace, name: node.service.name }));
      else if (node.kind === 'pod') map.show(mapTargets({ kind: 'pod', namespace: node.pod.namespace, name: node.pod.name, services: node.pod.services }));
      else map.show();
    }),
  );
}

async function copy(value: string | undefined): Promise<void> {
  if (!value) return;
  await vscode.env.clipboard.writeText(value);
  void vscode.window.setStatusBarMessage(`NetLens: copied ${value}`, 3000);
}

/** The status bar and the context keys that choose the welcome view and enable commands. */
async function updateState(info: ModelInfo | undefined, status: vscode.StatusBarItem, view: vscode.TreeView<Node>, filter: string): Promise<void> {
  let state = 'none';
  if (info?.kind === 'cluster') state = info.state === 'failed' ? `failed.${info.errorKind ?? 'unknown'}` : info.state;
  else if (info?.kind === 'workspace') state = info.errorKind?.startsWith('config:not-found') ? 'noKubeconfig' : info.errorKind ? 'badKubeconfig' : 'workspace';
  await vscode.commands.executeCommand('setContext', 'netlens.state', state);
  await vscode.commands.executeCommand('setContext', 'netlens.forbidden', state === 'failed.forbidden');
  await vscode.commands.executeCommand('setContext', 'netlens.unreachable', /^failed\.(unreachable|tls|unauthorized|credentials|timeout|http)/.test(state));
  await vscode.commands.executeCommand('setContext', 'netlens.noCluster', state === 'noKubeconfig' || state === 'badKubeconfig');
  await vscode.commands.executeCommand('setContext', 'netlens.hasCluster', info?.kind === 'cluster');
  if (info?.kind === 'cluster') {
    const icon = info.state === 'ready' ? '$(cloud)' : info.state === 'failed' ? '$(error)' : '$(sync~spin)';
    status.text = `${icon} ${info.context ?? ''}${filter ? ` · ${filter}` : ''}`;
    status.tooltip = `NetLens: context ${info.context ?? ''} (${info.server ?? ''}), ${info.state}${info.message ? `: ${info.message}` : ''}${filter ? `; showing ${filter}` : ''}. Click to switch context or filter namespaces.`;
    view.message = info.state === 'failed' ? undefined : info.state === 'connecting' ? 'Reading the cluster…' : undefined;
  } else {
    status.text = `$(file-code) NetLens: workspace${filter ? ` · ${filter}` : ''}`;
    status.tooltip = `NetLens answers from the workspace manifests${info?.message ? ` (no cluster: ${info.message})` : ''}. Click to choose a context.`;
  }
  status.show();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** A setting's value from user (global) settings only, never from a workspace. */
function userSetting<T>(config: vscode.WorkspaceConfiguration, key: string): T | undefined {
  return config.inspect<T>(key)?.globalValue;
}

const IP = /^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-fA-F:]*:[0-9a-fA-F:.]*\]?)$/;

interface AnswerActions {
  copy(value: string): Promise<void>;
  reveal(target: AnswerTarget): Promise<void>;
  showInMap(target: AnswerTarget): void;
}

async function resolveCommand(output: vscode.LogOutputChannel, mode: 'name' | 'ip', actions: AnswerActions): Promise<void> {
  if (!client) throw new Error('the language server is not running');
  const input = await vscode.window.showInputBox({
    title: mode === 'ip' ? 'NetLens: Find Owner of IP' : 'NetLens: Resolve Name or IP',
    prompt:
      mode === 'ip'
        ? 'An IPv4 or IPv6 address: NetLens names the Service, pod, node or endpoint it belongs to'
        : 'A DNS name (web, web.shop, web.shop.svc.cluster.local, _http._tcp.web.shop.svc.cluster.local) or an IP address',
    placeHolder: mode === 'ip' ? '10.96.0.10' : 'web.shop',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const v = value.trim();
      if (v === '') return mode === 'ip' ? 'Type an IP address.' : 'Type a name or an IP address.';
      if (mode === 'ip' && !IP.test(v)) return 'This is not an IP address.';
      if (/\s/.test(v)) return 'A name has no spaces.';
      return undefined;
    },
  });
  if (input === undefined) return;
  const qtype = vscode.workspace.getConfiguration('netlens').get<string>('defaultQueryType', 'A').toUpperCase() as QueryType;
  const result = await client.sendRequest(ResolveRequest, { input, qtype });
  if (!result.ok) {
    void vscode.window.showWarningMessage(`NetLens: "${input}" is not a name or an IP address. ${result.message}`);
    return;
  }
  output.info(describe(result.answer, result.source));
  const a = result.answer;
  const owners = a.explanation.owners;
  const headline =
    mode === 'ip' || owners
      ? a.explanation.summary
      : a.rcode !== 'NOERROR'
        ? `${a.qname}: ${a.rcode}`
        : a.answers.length > 0
          ? `${a.qname} → ${a.answers.map((r) => r.data ?? '(allocated by the cluster)').join(', ')}`
          : `${a.qname}: no ${a.qtype} records`;
  // The answer, with what can be done with it; the whole explanation is in the output.
  const target = answerTarget(a);
  const value = answerCopyValue(a);
  const buttons = [...(value ? ['Copy'] : []), ...(target ? ['Reveal in Tree', 'Show in Map'] : []), 'Explain'];
  const show = a.rcode === 'NOERROR' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const chosen = await show(`NetLens: ${headline} (${result.source})`, ...buttons);
  if (chosen === 'Copy' && value) await actions.copy(value);
  else if (chosen === 'Reveal in Tree' && target) await actions.reveal(target);
  else if (chosen === 'Show in Map' && target) actions.showInMap(target);
  else if (chosen === 'Explain') output.show(true);
}

function describe(answer: DnsAnswer, source: string): string {
  const lines = [
    `${answer.qname} ${answer.qtype}: ${answer.rcode}${answer.rcode === 'NOERROR' && answer.answers.length === 0 ? ' (no records)' : ''} — ${source}`,
  ];
  for (const r of [...answer.answers, ...answer.additional]) lines.push(`  ${r.name} ${r.type} ${r.data ?? '(allocated by the cluster)'}`);
  lines.push(answer.explanation.summary, ...answer.explanation.details.map((d) => `  ${d}`));
  for (const s of answer.explanation.search ?? []) lines.push(`  tried ${s.name}: ${s.rcode}${s.answers > 0 ? `, ${s.answers} records` : ''}`);
  return lines.join('\n');
}
