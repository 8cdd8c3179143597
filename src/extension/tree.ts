/**
 * The NetLens tree: context → namespaces → Services and Pods. A Service expands to its ports, each port to the
 * endpoint addresses behind it (ready, serving or terminating), each address to its pod. A Pod shows its IPs,
 * node, phase, readiness, ports and DNS names. Children are asked of the language server when expanded, and a
 * namespace with many pods shows them a page at a time. Item ids are stable, so live updates keep expansion
 * and selection.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { parseId } from '../protocol/ids';
import { type ModelInfo, ModelInfoRequest, NamespaceRequest, type NamespaceView, type ReachVerdict, type ServiceView } from '../protocol/requests';
import { askNamespace } from './client';
import { filterModel } from './namespace-filter';
import {
  clientsText,
  clientText,
  endpointNodes,
  endpointText,
  groupText,
  type ItemText,
  moreText,
  type Node,
  namespaceText,
  podDetails,
  podText,
  policiesText,
  policyNodes,
  policyText,
  portText,
  serviceBroken,
  serviceText,
} from './tree-items';

export type { Node } from './tree-items';

/** Pods shown per page under a namespace. */
const POD_PAGE = 200;

export class NetLensTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private info: ModelInfo | undefined;
  private readonly namespaces = new Map<string, NamespaceView>();
  /** How many pods to show per namespace (grows with "show more"). */
  private readonly shown = new Map<string, number>();
  private loading: Promise<ModelInfo> | undefined;
  /** Updates run one after another. */
  private updating: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: () => LanguageClient | undefined,
    /** The namespaces to show (all when undefined), for the model of this state. */
    private readonly filter: (info: ModelInfo) => readonly string[] | undefined = () => undefined,
  ) {}

  get model(): ModelInfo | undefined {
    return this.info;
  }

  /** Forgets what was fetched, and redraws everything (the Refresh command). */
  refresh(): void {
    this.info = undefined;
    this.namespaces.clear();
    this.changed.fire(undefined);
  }

  /**
   * The model changed: reads again what the tree shows, and redraws only when that differs. A busy cluster
   * changes all the time, mostly in ways the tree does not show; redrawing anyway would drop a click or a hover
   * under way. Resolves with whether the tree was redrawn.
   */
  update(): Promise<boolean> {
    const run = this.updating.then(() => this.updateNow());
    this.updating = run.catch(() => false);
    return run;
  }

  private async updateNow(): Promise<boolean> {
    const client = this.client();
    if (!client) return false;
    const info = await client.sendRequest(ModelInfoRequest);
    const names = [...this.namespaces.keys()].filter((name) => info.namespaces.some((n) => n.name === name));
    const views = await Promise.all(
      names.map((namespace) => askNamespace(client, { namespace, offset: 0, limit: this.shown.get(namespace) ?? POD_PAGE }, this.namespaces.get(namespace))),
    );
    const same =
      this.info !== undefined &&
      JSON.stringify(info) === JSON.stringify(this.info) &&
      names.length === this.namespaces.size &&
      views.every((v, i) => JSON.stringify(v) === JSON.stringify(this.namespaces.get(names[i]!)));
    if (same) return false;
    this.info = info;
    this.namespaces.clear();
    names.forEach((name, i) => {
      this.namespaces.set(name, views[i]!);
    });
    this.changed.fire(undefined);
    return true;
  }

  /**
   * The model info a change notification brought (sent when the kind, the state or the namespaces' names changed):
   * the first level is redrawn from it at once, without waiting for the next update to ask. Counts follow with it.
   */
  pushed(info: ModelInfo): void {
    if (this.info !== undefined && JSON.stringify(info) === JSON.stringify(this.info)) return;
    this.info = info;
    for (const name of this.namespaces.keys()) if (!info.namespaces.some((n) => n.name === name)) this.namespaces.delete(name);
    this.changed.fire(undefined);
  }

  showMore(namespace: string): void {
    this.shown.set(namespace, (this.shown.get(namespace) ?? POD_PAGE) + POD_PAGE);
    this.namespaces.delete(namespace);
    this.changed.fire(undefined);
  }

  async modelInfo(): Promise<ModelInfo | undefined> {
    const client = this.client();
    if (!client) return undefined;
    if (!this.info) {
      this.loading ??= client.sendRequest(ModelInfoRequest);
      try {
        this.info = await this.loading;
      } finally {
        this.loading = undefined;
      }
    }
    return this.info;
  }

  private async namespace(name: string): Promise<NamespaceView> {
    let view = this.namespaces.get(name);
    if (!view) {
      view = await this.client()!.sendRequest(NamespaceRequest, { namespace: name, offset: 0, limit: this.shown.get(name) ?? POD_PAGE });
      this.namespaces.set(name, view);
    }
    return view;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const info = await this.modelInfo();
      if (!info) return [];
      // An empty list shows the welcome view that explains the state (no kubeconfig, unreachable, forbidden).
      if (info.kind === 'cluster' && info.state === 'failed') return [];
      if (info.kind === 'workspace' && info.namespaces.length === 0) return [];
      const notes: Node[] = info.notes.map((n, i) => ({ kind: 'message', id: `note/${i}`, label: n, tooltip: n, icon: 'info' }));
      if (info.state === 'stale')
        notes.unshift({
          kind: 'message',
          id: 'stale',
          label: vscode.l10n.t('Reconnecting: {0}', info.message ?? vscode.l10n.t('the cluster does not answer')),
          tooltip: vscode.l10n.t('What is shown may be out of date.'),
          icon: 'warning',
        });
      const shown = filterModel(info, this.filter(info)).namespaces;
      if (shown.length < info.namespaces.length) {
        notes.push({
          kind: 'message',
          id: 'filter',
          label: vscode.l10n.t('Showing {0} of {1} namespaces', shown.length, info.namespaces.length),
          tooltip: vscode.l10n.t('Filter Namespaces… chooses which (in the view title, or from the status bar).'),
          icon: 'filter',
          command: 'netlens.filterNamespaces',
        });
      }
      const loading = info.kind === 'cluster' && info.state === 'connecting';
      return [...notes, ...shown.map((n): Node => ({ kind: 'namespace', ...n, ...(loading ? { loading } : {}) }))];
    }
    switch (node.kind) {
      case 'namespace':
        return [
          { kind: 'group', namespace: node.name, group: 'services', count: node.services },
          { kind: 'group', namespace: node.name, group: 'pods', count: node.pods },
        ];
      case 'group': {
        const view = await this.namespace(node.namespace);
        if (node.group === 'services') return view.services.map((service) => ({ kind: 'service', service }));
        const pods: Node[] = view.pods.map((pod) => ({ kind: 'pod', pod }));
        if (view.pods.length < view.total) pods.push({ kind: 'more', namespace: node.namespace, offset: view.pods.length, total: view.total });
        return pods;
      }
      case 'service':
        return serviceChildren(node.service);
      case 'clients':
        return node.clients.map((client) => ({ kind: 'client', service: node.service, client }));
      case 'policies':
        return policyNodes(node);
      case 'port':
        return endpointNodes(node.service, node.port.name, vscode.l10n.t);
      case 'endpoint': {
        const e = node.endpoint;
        if (!e.pod) return [];
        const view = await this.namespace(node.service.namespace);
        const pod = view.pods.find((p) => p.name === e.pod);
        return pod
          ? [{ kind: 'pod', pod }]
          : [
              {
                kind: 'message',
                id: `${node.service.namespace}/${e.pod}/missing`,
                label: `pod ${e.pod}`,
                tooltip: vscode.l10n.t('Not among the pods shown (see "show more").'),
                icon: 'vm-outline',
              },
            ];
      }
      case 'pod': {
        const p = node.pod;
        return [...podDetails(p, vscode.l10n.t), ...(p.policies ? [{ kind: 'policies' as const, pod: p, policies: p.policies }] : [])];
      }
      default:
        return [];
    }
  }

  /**
   * The parent of a node, for `TreeView.reveal`: a Service's or a Pod's is its namespace's group, a group's its
   * namespace, a port's its Service. Other nodes are not revealed, and answer none.
   */
  async getParent(node: Node): Promise<Node | undefined> {
    switch (node.kind) {
      case 'group':
        return this.namespaceNode(node.namespace);
      case 'service':
        return this.groupNode(node.service.namespace, 'services');
      case 'pod':
        return this.groupNode(node.pod.namespace, 'pods');
      case 'more':
        return this.groupNode(node.namespace, 'pods');
      case 'port':
        return { kind: 'service', service: node.service };
      default:
        return undefined;
    }
  }

  /**
   * The node with this tree item id (`ns/<ns>`, `ns/<ns>/services`, `ns/<ns>/pods`, `svc/<ns>/<name>` or
   * `pod/<ns>/<name>`); a pod beyond the pages shown is found as its namespace's pod group.
   */
  async findNode(id: string): Promise<Node | undefined> {
    const target = parseId(id);
    if (!target) return undefined;
    const { namespace } = target;
    if (target.kind === 'namespace') return this.namespaceNode(namespace);
    if (target.kind === 'group') return this.groupNode(namespace, target.group);
    if ((await this.namespaceNode(namespace)) === undefined) return undefined;
    const view = await this.namespace(namespace);
    if (target.kind === 'service') {
      const service = view.services.find((s) => s.name === target.name);
      return service ? { kind: 'service', service } : this.groupNode(namespace, 'services');
    }
    const pod = view.pods.find((p) => p.name === target.name);
    return pod ? { kind: 'pod', pod } : this.groupNode(namespace, 'pods');
  }

  private async namespaceNode(name: string): Promise<Node | undefined> {
    const ns = (await this.modelInfo())?.namespaces.find((n) => n.name === name);
    return ns ? { kind: 'namespace', ...ns } : undefined;
  }

  private async groupNode(namespace: string, group: 'services' | 'pods'): Promise<Node | undefined> {
    const ns = (await this.modelInfo())?.namespaces.find((n) => n.name === namespace);
    return ns ? { kind: 'group', namespace, group, count: group === 'services' ? ns.services : ns.pods } : undefined;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const { None, Collapsed } = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'namespace':
        return item(namespaceText(node, vscode.l10n.t), Collapsed, { icon: 'symbol-namespace', contextValue: 'namespace' });
      case 'group':
        return item(groupText(node), node.count > 0 ? Collapsed : None, { icon: node.group === 'services' ? 'globe' : 'vm' });
      case 'service': {
        const s = node.service;
        return item(serviceText(s, vscode.l10n.t), Collapsed, {
          icon: new vscode.ThemeIcon(
            s.type === 'ExternalName' ? 'link-external' : 'globe',
            serviceBroken(s) ? new vscode.ThemeColor('list.warningForeground') : undefined,
          ),
          contextValue: `service${s.clusterIPs.length > 0 ? '.ip' : ''}`,
        });
      }
      case 'port':
        return item(portText(node.service, node.port, vscode.l10n.t), Collapsed, { icon: 'plug', contextValue: 'port' });
      case 'endpoint': {
        const e = node.endpoint;
        return item(endpointText(node, vscode.l10n.t), e.pod ? Collapsed : None, {
          icon: new vscode.ThemeIcon(
            e.ready ? 'pass' : e.terminating ? 'debug-stop' : 'circle-large-outline',
            new vscode.ThemeColor(e.ready ? 'testing.iconPassed' : 'testing.iconQueued'),
          ),
          contextValue: e.pending !== undefined ? 'endpoint.pending' : 'endpoint',
        });
      }
      case 'pod': {
        const p = node.pod;
        return item(podText(p, vscode.l10n.t), Collapsed, {
          icon: new vscode.ThemeIcon(
            p.terminating ? 'debug-stop' : 'vm',
            new vscode.ThemeColor(p.pending ? 'disabledForeground' : p.ready ? 'testing.iconPassed' : 'testing.iconQueued'),
          ),
          contextValue: `pod${p.ips.length > 0 ? '.ip' : ''}`,
        });
      }
      case 'clients':
      case 'client':
      case 'policies':
      case 'policy':
        return reachItem(node);
      case 'detail':
        return item({ id: node.id, label: node.label, ...(node.description ? { description: node.description } : {}) }, None, {
          icon: node.icon,
          ...(node.copy ? { contextValue: 'copyable' } : {}),
        });
      case 'more':
        return item(moreText(node, vscode.l10n.t), None, {
          icon: 'ellipsis',
          command: { command: 'netlens.showMorePods', title: vscode.l10n.t('Show more'), arguments: [node.namespace] },
        });
      case 'message': {
        const made = item({ id: node.id, label: node.label }, None, {
          icon: node.icon,
          ...(node.command ? { command: { command: node.command, title: node.label } } : {}),
        });
        // A message's tooltip is NetLens's own sentence, shown as it is.
        if (node.tooltip) made.tooltip = node.tooltip;
        return made;
      }
    }
  }
}

/** A Service's ports (or its endpoints when it declares none; its CNAME for an ExternalName), then its clients. */
function serviceChildren(s: ServiceView): Node[] {
  if (s.type === 'ExternalName')
    return [
      { kind: 'detail', id: `${s.namespace}/${s.name}/cname`, label: `CNAME ${s.externalName ?? ''}`, icon: 'link-external', copy: s.externalName ?? '' },
    ];
  const clients: Node[] = s.clients?.length ? [{ kind: 'clients', service: s, clients: s.clients }] : [];
  if (s.ports.length === 0) return [...endpointNodes(s, undefined, vscode.l10n.t), ...clients];
  return [...s.ports.map((port): Node => ({ kind: 'port', service: s, port })), ...clients];
}

/** The items of who talks to whom: a Service's clients with their verdicts, a pod's policies. */
function reachItem(node: Extract<Node, { kind: 'clients' | 'client' | 'policies' | 'policy' }>): vscode.TreeItem {
  const { None, Collapsed } = vscode.TreeItemCollapsibleState;
  switch (node.kind) {
    case 'clients': {
      const worst = node.clients.some((c) => c.verdict === 'blocked') ? 'blocked' : node.clients.some((c) => c.verdict === 'partial') ? 'partial' : undefined;
      return item(clientsText(node, vscode.l10n.t), Collapsed, { icon: verdictIcon(worst ?? 'allowed', 'references') });
    }
    case 'client': {
      const first = node.client.locations[0];
      return item(clientText(node, vscode.l10n.t), None, {
        icon: verdictIcon(node.client.verdict, node.client.isolated ? 'pass' : 'circle-large-outline'),
        contextValue: 'client',
        ...(first
          ? {
              command: {
                command: 'vscode.open',
                title: vscode.l10n.t('Open'),
                arguments: [
                  vscode.Uri.parse(first.uri),
                  {
                    selection: new vscode.Range(first.range.start.line, first.range.start.character, first.range.end.line, first.range.end.character),
                  },
                ],
              },
            }
          : {}),
      });
    }
    case 'policies':
      return item(policiesText(node, vscode.l10n.t), node.policies.ingress.length + node.policies.egress.length > 0 ? Collapsed : None, {
        icon: 'shield',
      });
    case 'policy':
      return item(policyText(node), None, {
        icon: 'shield',
        contextValue: 'policy',
        command: { command: 'netlens.openObject', title: vscode.l10n.t('Open'), arguments: [node] },
      });
  }
}

/** The icon of a verdict: `allowed` shows `allowedIcon` (a check where a policy decided, a plain circle where none isolates). */
function verdictIcon(v: ReachVerdict, allowedIcon: string): vscode.ThemeIcon {
  switch (v) {
    case 'allowed':
      return new vscode.ThemeIcon(allowedIcon, new vscode.ThemeColor('testing.iconPassed'));
    case 'blocked':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'partial':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    default:
      return new vscode.ThemeIcon('question', new vscode.ThemeColor('disabledForeground'));
  }
}

/** A tree item of a node's text; its tooltip as text, since cluster strings (labels, names) may hold markup. */
function item(
  t: ItemText,
  state: vscode.TreeItemCollapsibleState,
  extra: { readonly icon: string | vscode.ThemeIcon; readonly contextValue?: string; readonly command?: vscode.Command },
): vscode.TreeItem {
  const made = new vscode.TreeItem(t.label, state);
  made.id = t.id;
  if (t.description !== undefined) made.description = t.description;
  if (t.tooltip !== undefined) made.tooltip = text(t.tooltip);
  made.iconPath = typeof extra.icon === 'string' ? new vscode.ThemeIcon(extra.icon) : extra.icon;
  if (extra.contextValue) made.contextValue = extra.contextValue;
  if (extra.command) made.command = extra.command;
  return made;
}

/**
 * A tooltip whose every character is text: cluster strings (labels, annotations, names) may hold markup or
 * script, so nothing in them is interpreted.
 */
function text(value: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendText(value);
  return md;
}
