/**
 * Every command the extension contributes, each registered once through `registerCommand`, which logs a failure
 * to the NetLens output and shows it. The titles are package.json's; the commands here say what each one does.
 */
import * as vscode from 'vscode';
import type * as lsp from 'vscode-languageclient';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ContextsRequest, type ModelInfo, SHOW_REFERENCES_COMMAND, SwitchContextRequest } from '../protocol/requests';
import { targetId } from './answer';
import type { MapPanel } from './map';
import { mapTargets } from './map-data';
import { chosenFilter, describeFilter } from './namespace-filter';
import type { LiveObjects } from './objects';
import { resolveCommand } from './palette';
import { readSettings, SECTION } from './settings';
import type { NetLensTree } from './tree';
import { copyValue, countsLabel, type Node } from './tree-items';

/** Registers a command whose failure is logged and shown, never lost. */
function registerCommand<A extends unknown[]>(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  id: string,
  run: (...args: A) => unknown,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: A) => {
      try {
        return await run(...args);
      } catch (e) {
        output.error(`${id}: ${(e as Error).stack ?? String(e)}`);
        void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
        return undefined;
      }
    }),
  );
}

export interface CommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly output: vscode.LogOutputChannel;
  readonly client: () => LanguageClient | undefined;
  readonly tree: NetLensTree;
  readonly map: MapPanel;
  readonly objects: LiveObjects;
  /** The namespaces shown for a model (all when undefined), and a new choice of them (undefined: all). */
  readonly filterOf: (info: Pick<ModelInfo, 'kind' | 'context'> | undefined) => readonly string[] | undefined;
  readonly saveFilter: (info: ModelInfo, chosen: readonly string[] | undefined) => Promise<void>;
  readonly revealInTree: (id: string) => Promise<void>;
  readonly refreshViews: (force: boolean) => Promise<void>;
  /** Restarts the language server, which reads its initialization options anew, and redraws the views. */
  readonly restart: () => Promise<void>;
}

export function registerCommands(deps: CommandDeps): void {
  const { context, output, tree, map, objects } = deps;
  const register = <A extends unknown[]>(id: string, run: (...args: A) => unknown) => registerCommand(context, output, id, run);
  const actions = {
    copy,
    reveal: (t: Parameters<typeof targetId>[0]) => deps.revealInTree(targetId(t)),
    showInMap: (t: Parameters<typeof targetId>[0]) => map.show(mapTargets(t)),
  };
  const qtype = () => readSettings(vscode.workspace.getConfiguration(SECTION)).defaultQueryType;

  register('netlens.resolve', () => resolveCommand(deps.client(), output, 'name', qtype(), actions));
  register('netlens.findOwner', () => resolveCommand(deps.client(), output, 'ip', qtype(), actions));
  register('netlens.refresh', () => deps.refreshViews(true));
  register('netlens.restart', () => deps.restart());
  register('netlens.showOutput', () => output.show());
  register('netlens.showMap', () => map.show());
  register('netlens.checkInTerminal', () => checkInTerminal(context));
  register('netlens.switchContext', () => switchContext(deps));
  register('netlens.filterNamespaces', () => filterNamespaces(deps));
  register('netlens.copyDnsName', () => copyDnsName(tree));
  register('netlens.openObject', (node: Node) => {
    const ref =
      node.kind === 'service'
        ? { kind: 'Service' as const, namespace: node.service.namespace, name: node.service.name }
        : node.kind === 'pod'
          ? { kind: 'Pod' as const, namespace: node.pod.namespace, name: node.pod.name }
          : node.kind === 'namespace'
            ? { kind: 'Namespace' as const, name: node.name }
            : node.kind === 'policy'
              ? { kind: 'NetworkPolicy' as const, namespace: node.namespace, name: node.name }
              : undefined;
    return ref ? objects.open(ref) : undefined;
  });
  register('netlens.copyFqdn', (node: Node) => copy(copyValue(node, 'fqdn')));
  register('netlens.copyIp', (node: Node) => copy(copyValue(node, 'ip')));
  register('netlens.showMorePods', (namespace: string) => tree.showMore(namespace));
  register('netlens.revealInMap', (node: Node) => {
    if (node.kind === 'service') map.show(mapTargets({ kind: 'service', namespace: node.service.namespace, name: node.service.name }));
    else if (node.kind === 'pod') map.show(mapTargets({ kind: 'pod', namespace: node.pod.namespace, name: node.pod.name, services: node.pod.services }));
    else map.show();
  });
  // The code lens above a Service: the server sends LSP types, VS Code's references view takes its own.
  register(SHOW_REFERENCES_COMMAND, (uri: string, position: lsp.Position, locations: lsp.Location[]) => {
    const convert = deps.client()?.protocol2CodeConverter;
    if (!convert) return undefined;
    return vscode.commands.executeCommand(
      'editor.action.showReferences',
      vscode.Uri.parse(uri),
      convert.asPosition(position),
      locations.map((l) => convert.asLocation(l)),
    );
  });
}

async function copy(value: string | undefined): Promise<void> {
  if (!value) return;
  await vscode.env.clipboard.writeText(value);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('NetLens: copied {0}', value), 3000);
}

/**
 * Runs the CLI that comes with the extension on the workspace folder, in a terminal, with the extension host's own
 * runtime (Electron runs as Node with ELECTRON_RUN_AS_NODE), so that nothing needs installing. In Restricted Mode
 * it renders nothing. A terminal closes when its process ends, so a small wrapper runs the CLI, says its exit
 * status and waits for a key, as VS Code's task terminals do.
 */
function checkInTerminal(context: vscode.ExtensionContext): void {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  if (!folder) {
    void vscode.window.showInformationMessage(vscode.l10n.t('NetLens: open a folder to check the manifests in it.'));
    return;
  }
  // The command's text in VS Code's display language (English has no table and needs no option).
  const locale = vscode.env.language && vscode.env.language !== 'en' ? ['--locale', vscode.env.language] : [];
  const cli = [context.asAbsolutePath('dist/cli.js'), 'check', '.', ...locale, ...(vscode.workspace.isTrusted ? [] : ['--no-render'])];
  const ended = vscode.l10n.t(
    'netlens check ended with exit status {0} (0: no error found, 1: an error found, 2: could not check). Press any key to close the terminal.',
    '{0}',
  );
  // The closing line reaches the wrapper as data (its environment), never as code.
  const wrapper = [
    "const r = require('node:child_process').spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit' });",
    "process.stdout.write('\\n' + String(process.env.NETLENS_CHECK_ENDED).replace('{0}', String(r.status)));",
    'process.stdin.setRawMode?.(true); process.stdin.resume(); process.stdin.once("data", () => process.exit(0));',
  ].join(' ');
  const terminal = vscode.window.createTerminal({
    name: 'netlens check',
    cwd: folder.uri,
    shellPath: process.execPath,
    shellArgs: ['-e', wrapper, ...cli],
    env: { ELECTRON_RUN_AS_NODE: '1', NETLENS_CHECK_ENDED: ended },
  });
  context.subscriptions.push(terminal);
  terminal.show();
}

/** A quick pick of the kubeconfig's contexts, with Filter Namespaces… below them. */
async function switchContext(deps: CommandDeps): Promise<void> {
  const client = deps.client();
  if (!client) throw new Error(vscode.l10n.t('the language server is not running'));
  const { contexts, current, error } = await client.sendRequest(ContextsRequest);
  if (error && !deps.tree.model?.namespaces.length) {
    void vscode.window.showWarningMessage(`NetLens: ${error}`);
    return;
  }
  const filterItem: vscode.QuickPickItem = {
    label: `$(filter) ${vscode.l10n.t('Filter Namespaces…')}`,
    description: describeFilter(deps.filterOf(deps.tree.model)) || vscode.l10n.t('all namespaces shown'),
  };
  const pick = await vscode.window.showQuickPick(
    [
      ...(error
        ? [{ label: `$(warning) ${vscode.l10n.t('No context to switch to')}`, detail: error }]
        : contexts.map((c) => ({ label: c, ...(c === current ? { description: vscode.l10n.t('current') } : {}) }))),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      filterItem,
    ],
    { title: vscode.l10n.t('NetLens: Switch Context'), placeHolder: vscode.l10n.t('The kubeconfig context to read') },
  );
  if (pick === filterItem) {
    await vscode.commands.executeCommand('netlens.filterNamespaces');
    return;
  }
  if (!pick || error || pick.label === current) return;
  await client.sendRequest(SwitchContextRequest, { context: pick.label });
  await deps.refreshViews(true);
}

/** A multiple choice of the model's namespaces; none or all chosen shows all. */
async function filterNamespaces(deps: CommandDeps): Promise<void> {
  const info = await deps.tree.modelInfo();
  if (!info || info.namespaces.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('NetLens: there are no namespaces to choose from yet.'));
    return;
  }
  const current = deps.filterOf(info);
  const picks = await vscode.window.showQuickPick(
    info.namespaces.map((n) => ({ label: n.name, description: countsLabel(n, vscode.l10n.t), picked: !current || current.includes(n.name) })),
    {
      title:
        info.kind === 'cluster' ? vscode.l10n.t('NetLens: Namespaces to Show (context {0})', info.context ?? '') : vscode.l10n.t('NetLens: Namespaces to Show'),
      placeHolder: vscode.l10n.t('Choose none or all to show every namespace'),
      canPickMany: true,
      matchOnDescription: true,
    },
  );
  if (!picks) return;
  const chosen = chosenFilter(
    picks.map((p) => p.label),
    info.namespaces.map((n) => n.name),
  );
  await deps.saveFilter(info, chosen);
  await deps.refreshViews(true);
}

/** A quick pick of every Service's DNS name; the one chosen is copied. */
async function copyDnsName(tree: NetLensTree): Promise<void> {
  const info = await tree.modelInfo();
  const items: vscode.QuickPickItem[] = [];
  for (const ns of info?.namespaces ?? []) {
    for (const node of await tree.getChildren({ kind: 'group', namespace: ns.name, group: 'services', count: ns.services })) {
      if (node.kind === 'service') items.push({ label: node.service.fqdn, description: `${node.service.type} ${node.service.clusterIPs.join(', ')}` });
    }
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('NetLens: Copy DNS Name'),
    placeHolder: vscode.l10n.t('A Service'),
    matchOnDescription: true,
  });
  if (pick) await copy(pick.label);
}
