/**
 * The NetLens tree: context → namespaces → Services and Pods. A Service expands to its ports, each port to the
 * endpoint addresses behind it (ready, serving or terminating), each address to its pod. A Pod shows its IPs,
 * node, phase, readiness, ports and DNS names. Children are asked of the language server when expanded, and a
 * namespace with many pods shows them a page at a time. Item ids are stable, so live updates keep expansion
 * and selection.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  type EndpointView,
  type ModelInfo,
  ModelInfoRequest,
  NamespaceRequest,
  type NamespaceView,
  type PodView,
  type ServiceView,
} from '../protocol/requests';
import { filterModel } from './namespace-filter';

/** Pods shown per page under a namespace. */
export const POD_PAGE = 200;

export type Node =
  | { readonly kind: 'namespace'; readonly name: string; readonly services: number; readonly pods: number }
  | { readonly kind: 'group'; readonly namespace: string; readonly group: 'services' | 'pods'; readonly count: number }
  | { readonly kind: 'service'; readonly service: ServiceView }
  | { readonly kind: 'port'; readonly service: ServiceView; readonly port: ServiceView['ports'][number] }
  | { readonly kind: 'endpoint'; readonly service: ServiceView; readonly endpoint: EndpointView; readonly address: string; readonly port?: number }
  | { readonly kind: 'pod'; readonly pod: PodView }
  | { readonly kind: 'detail'; readonly id: string; readonly label: string; readonly description?: string; readonly icon: string; readonly copy?: string }
  | { readonly kind: 'more'; readonly namespace: string; readonly offset: number; readonly total: number }
  | { readonly kind: 'message'; readonly id: string; readonly label: string; readonly tooltip?: string; readonly icon: string; readonly command?: string };

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
      names.map((namespace) => client.sendRequest(NamespaceRequest, { namespace, offset: 0, limit: this.shown.get(namespace) ?? POD_PAGE })),
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
          label: `Reconnecting: ${info.message ?? 'the cluster does not answer'}`,
          tooltip: 'What is shown may be out of date.',
          icon: 'warning',
        });
      const shown = filterModel(info, this.filter(info)).namespaces;
      if (shown.length < info.namespaces.length) {
        notes.push({
          kind: 'message',
          id: 'filter',
          label: `Showing ${shown.length} of ${info.namespaces.length} namespaces`,
          tooltip: 'Filter Namespaces… chooses which (in the view title, or from the status bar).',
          icon: 'filter',
          command: 'netlens.filterNamespaces',
        });
      }
      return [...notes, ...shown.map((n): Node => ({ kind: 'namespace', ...n }))];
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
      case 'service': {
        const s = node.service;
        if (s.type === 'ExternalName')
          return [
            { kind: 'detail', id: `${s.namespace}/${s.name}/cname`, label: `CNAME ${s.externalName ?? ''}`, icon: 'link-external', copy: s.externalName ?? '' },
          ];
        if (s.ports.length === 0) return endpointNodes(s, undefined);
        return s.ports.map((port) => ({ kind: 'port', service: s, port }));
      }
      case 'port':
        return endpointNodes(node.service, node.port.name);
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
                tooltip: 'Not among the pods shown (see "show more").',
                icon: 'vm-outline',
              },
            ];
      }
      case 'pod':
        return podDetails(node.pod);
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
    const [kind, namespace, name] = id.split('/');
    if (!namespace) return undefined;
    if (kind === 'ns') return name === 'services' || name === 'pods' ? this.groupNode(namespace, name) : this.namespaceNode(namespace);
    if (!name || (await this.namespaceNode(namespace)) === undefined) return undefined;
    const view = await this.namespace(namespace);
    if (kind === 'svc') {
      const service = view.services.find((s) => s.name === name);
      return service ? { kind: 'service', service } : this.groupNode(namespace, 'services');
    }
    if (kind === 'pod') {
      const pod = view.pods.find((p) => p.name === name);
      return pod ? { kind: 'pod', pod } : this.groupNode(namespace, 'pods');
    }
    return undefined;
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
    switch (node.kind) {
      case 'namespace': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `ns/${node.name}`;
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        item.description = countsLabel(node);
        item.contextValue = 'namespace';
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(
          node.group === 'services' ? 'Services' : 'Pods',
          node.count > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `ns/${node.namespace}/${node.group}`;
        item.description = String(node.count);
        item.iconPath = new vscode.ThemeIcon(node.group === 'services' ? 'globe' : 'vm');
        return item;
      }
      case 'service':
        return serviceItem(node.service);
      case 'port': {
        const p = node.port;
        const ready = node.service.endpoints.filter((e) => e.ready).reduce((n, e) => n + (e.pending ?? e.addresses.length), 0);
        const item = new vscode.TreeItem(`${p.name || 'port'} ${p.port}/${p.protocol}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `svc/${node.service.namespace}/${node.service.name}/port/${p.name}/${p.port}/${p.protocol}`;
        item.description = `→ ${p.targetPort}${p.nodePort ? ` · node port ${p.nodePort}` : ''} · ${ready} ready`;
        item.iconPath = new vscode.ThemeIcon('plug');
        item.contextValue = 'port';
        return item;
      }
      case 'endpoint': {
        const e = node.endpoint;
        const state = e.terminating ? 'terminating' : e.ready ? 'ready' : e.serving ? 'serving' : 'not ready';
        const label =
          e.pending !== undefined ? `${e.pending} × allocated by the cluster` : `${bracket(node.address)}${node.port !== undefined ? `:${node.port}` : ''}`;
        const item = new vscode.TreeItem(label, e.pod ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `svc/${node.service.namespace}/${node.service.name}/ep/${node.address}/${node.port ?? ''}/${e.pod ?? ''}`;
        item.description = [state, e.hostname, e.nodeName].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(
          e.ready ? 'pass' : e.terminating ? 'debug-stop' : 'circle-large-outline',
          new vscode.ThemeColor(e.ready ? 'testing.iconPassed' : 'testing.iconQueued'),
        );
        item.tooltip = text(
          `Endpoint ${label} of Service ${node.service.namespace}/${node.service.name}\n\nready: ${e.ready} · serving: ${e.serving} · terminating: ${e.terminating}${e.pod ? `\npod: ${e.pod}` : ''}${e.nodeName ? `\nnode: ${e.nodeName}` : ''}`,
        );
        item.contextValue = e.pending !== undefined ? 'endpoint.pending' : 'endpoint';
        return item;
      }
      case 'pod':
        return podItem(node.pod);
      case 'detail': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        if (node.description) item.description = node.description;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        if (node.copy) item.contextValue = 'copyable';
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(`Show more (${node.offset} of ${node.total} shown)`, vscode.TreeItemCollapsibleState.None);
        item.id = `ns/${node.namespace}/more`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'netlens.showMorePods', title: 'Show more', arguments: [node.namespace] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        if (node.tooltip) item.tooltip = node.tooltip;
        if (node.command) item.command = { command: node.command, title: node.label };
        return item;
      }
    }
  }
}

function endpointNodes(service: ServiceView, portName: string | undefined): Node[] {
  const out: Node[] = [];
  for (const endpoint of service.endpoints) {
    const port = portName === undefined ? undefined : endpoint.ports.find((p) => p.name === portName)?.port;
    if (portName !== undefined && endpoint.ports.length > 0 && port === undefined) continue;
    const addresses = endpoint.pending !== undefined ? ['pending'] : endpoint.addresses;
    for (const address of addresses) out.push({ kind: 'endpoint', service, endpoint, address, ...(port !== undefined ? { port } : {}) });
  }
  if (out.length === 0)
    out.push({
      kind: 'message',
      id: `svc/${service.namespace}/${service.name}/${portName ?? ''}/none`,
      label: 'No endpoints',
      tooltip: service.selector ? 'The selector matches no ready pod.' : 'This Service has no selector and no EndpointSlice.',
      icon: 'warning',
    });
  return out;
}

function serviceItem(s: ServiceView): vscode.TreeItem {
  const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `svc/${s.namespace}/${s.name}`;
  const ips =
    s.type === 'ExternalName'
      ? `→ ${s.externalName ?? ''}`
      : s.headless
        ? 'headless'
        : s.clusterIPPending
          ? 'IP allocated by the cluster'
          : s.clusterIPs.join(', ');
  const ports = s.ports.map((p) => `${p.port}/${p.protocol}`).join(' ');
  item.description = `${s.type} · ${ips}${ports ? ` · ${ports}` : ''}`;
  const ready = s.endpoints.filter((e) => e.ready).length;
  const broken = s.type !== 'ExternalName' && ready === 0;
  item.iconPath = new vscode.ThemeIcon(
    s.type === 'ExternalName' ? 'link-external' : 'globe',
    broken ? new vscode.ThemeColor('list.warningForeground') : undefined,
  );
  item.tooltip = text(
    [
      `Service ${s.namespace}/${s.name} (${s.type})`,
      s.fqdn,
      s.type === 'ExternalName' ? `CNAME ${s.externalName ?? ''}` : `cluster IPs: ${ips}`,
      ...s.ports.map((p) => `port ${p.name || '(unnamed)'} ${p.port}/${p.protocol} → ${p.targetPort}${p.nodePort ? ` (node port ${p.nodePort})` : ''}`),
      s.selector
        ? `selector: ${Object.entries(s.selector)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`
        : 'no selector',
      `${ready} ready of ${s.endpoints.length} endpoints`,
    ].join('\n'),
  );
  item.contextValue = `service${s.clusterIPs.length > 0 ? '.ip' : ''}`;
  return item;
}

function podItem(p: PodView): vscode.TreeItem {
  const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `pod/${p.namespace}/${p.name}`;
  const ips = p.pending ? `${p.pending.replicas} × IP allocated by the cluster` : p.ips.join(', ') || 'no IP';
  item.description = `${ips}${p.node ? ` · ${p.node}` : ''}${p.phase ? ` · ${p.phase}` : ''}${p.pending ? '' : p.ready ? ' · ready' : ' · not ready'}`;
  item.iconPath = new vscode.ThemeIcon(
    p.terminating ? 'debug-stop' : 'vm',
    new vscode.ThemeColor(p.pending ? 'disabledForeground' : p.ready ? 'testing.iconPassed' : 'testing.iconQueued'),
  );
  item.tooltip = text(
    [
      `Pod ${p.namespace}/${p.name}`,
      `IPs: ${ips}`,
      p.node ? `node: ${p.node}` : undefined,
      p.phase ? `phase: ${p.phase}` : undefined,
      p.pending ? `from ${p.pending.kind} ${p.pending.name} (${p.pending.replicas} replicas)` : `ready: ${p.ready}`,
      ...p.ports.map((c) => `port ${c.name || '(unnamed)'} ${c.containerPort}/${c.protocol}`),
      ...p.dnsNames.map((d) => `DNS: ${d}`),
      p.services.length > 0 ? `endpoint of: ${p.services.join(', ')}` : 'endpoint of no Service',
      ...Object.entries(p.labels).map(([k, v]) => `label ${k}=${v}`),
    ]
      .filter(Boolean)
      .join('\n'),
  );
  item.contextValue = `pod${p.ips.length > 0 ? '.ip' : ''}`;
  return item;
}

function podDetails(p: PodView): Node[] {
  const id = `pod/${p.namespace}/${p.name}`;
  const out: Node[] = [];
  for (const ip of p.ips) out.push({ kind: 'detail', id: `${id}/ip/${ip}`, label: ip, description: 'IP', icon: 'symbol-numeric', copy: ip });
  if (p.node) out.push({ kind: 'detail', id: `${id}/node`, label: p.node, description: 'node', icon: 'server' });
  out.push({
    kind: 'detail',
    id: `${id}/phase`,
    label: p.pending ? 'not created yet' : `${p.phase ?? 'unknown'}${p.ready ? ', ready' : ', not ready'}`,
    description: 'phase',
    icon: 'pulse',
  });
  for (const c of p.ports)
    out.push({
      kind: 'detail',
      id: `${id}/port/${c.name}/${c.containerPort}`,
      label: `${c.name || 'port'} ${c.containerPort}/${c.protocol}`,
      description: 'container port',
      icon: 'plug',
    });
  for (const d of p.dnsNames) out.push({ kind: 'detail', id: `${id}/dns/${d}`, label: d, description: 'DNS name', icon: 'symbol-string', copy: d });
  return out;
}

function bracket(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
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

/** The value an item's copy action copies: an FQDN or an IP. */
export function copyValue(node: Node, what: 'fqdn' | 'ip'): string | undefined {
  switch (node.kind) {
    case 'service':
      return what === 'fqdn' ? node.service.fqdn : node.service.clusterIPs[0];
    case 'pod':
      return what === 'fqdn' ? node.pod.dnsNames[node.pod.dnsNames.length - 1] : node.pod.ips[0];
    case 'endpoint':
      return what === 'ip' ? node.address : node.endpoint.hostname ? `${node.endpoint.hostname}.${node.service.fqdn}` : undefined;
    case 'detail':
      return node.copy;
    default:
      return undefined;
  }
}

/** `1 service · 3 pods`. */
export function countsLabel(ns: { readonly services: number; readonly pods: number }): string {
  const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  return `${count(ns.services, 'service', 'services')} · ${count(ns.pods, 'pod', 'pods')}`;
}
