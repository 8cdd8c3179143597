/**
 * The tree's nodes and what each one says (label, description, tooltip), without VS Code: `tree.ts` makes tree
 * items of them, and the tests read them directly. The facts (counts, addresses, DNS names) come from the
 * language server's views; nothing here derives them again. The labels and descriptions are translated by the `t`
 * each function takes (the extension passes vscode.l10n.t; English by default); the tooltips, the names, kinds
 * (Service, Pod), addresses and the cluster's own words (phases) stay as they are.
 */
import { groupId, namespaceId, podId, serviceId, type ViewGroup } from '../protocol/ids';
import type { ClientView, EndpointView, PodView, ReachVerdict, ServiceView } from '../protocol/requests';
import { english, type Translate } from './translate';

export type Node =
  /** `loading`: the cluster's lists are still being read, and the counts are those of the pages read so far. */
  | { readonly kind: 'namespace'; readonly name: string; readonly services: number; readonly pods: number; readonly loading?: boolean }
  | { readonly kind: 'group'; readonly namespace: string; readonly group: ViewGroup; readonly count: number }
  | { readonly kind: 'service'; readonly service: ServiceView }
  | { readonly kind: 'port'; readonly service: ServiceView; readonly port: ServiceView['ports'][number] }
  | { readonly kind: 'endpoint'; readonly service: ServiceView; readonly endpoint: EndpointView; readonly address: string; readonly port?: number }
  | { readonly kind: 'pod'; readonly pod: PodView }
  /** A Service's clients: the workloads whose references name it. */
  | { readonly kind: 'clients'; readonly service: ServiceView; readonly clients: readonly ClientView[] }
  | { readonly kind: 'client'; readonly service: ServiceView; readonly client: ClientView }
  /** The NetworkPolicies that select a pod. */
  | { readonly kind: 'policies'; readonly pod: PodView; readonly policies: NonNullable<PodView['policies']> }
  | {
      readonly kind: 'policy';
      readonly pod: PodView;
      readonly namespace: string;
      readonly name: string;
      readonly directions: readonly ('ingress' | 'egress')[];
    }
  | { readonly kind: 'detail'; readonly id: string; readonly label: string; readonly description?: string; readonly icon: string; readonly copy?: string }
  | { readonly kind: 'more'; readonly namespace: string; readonly offset: number; readonly total: number }
  | { readonly kind: 'message'; readonly id: string; readonly label: string; readonly tooltip?: string; readonly icon: string; readonly command?: string };

/** What a tree item says. The tooltip is plain text (the tree shows it as text, never as markup). */
export interface ItemText {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
}

export function namespaceText(node: Extract<Node, { kind: 'namespace' }>, t: Translate = english): ItemText {
  const counts = countsLabel(node, t);
  return { id: namespaceId(node.name), label: node.name, description: node.loading ? t('{0} · loading…', counts) : counts };
}

export function groupText(node: Extract<Node, { kind: 'group' }>): ItemText {
  return { id: groupId(node.namespace, node.group), label: node.group === 'services' ? 'Services' : 'Pods', description: String(node.count) };
}

export function serviceText(s: ServiceView, t: Translate = english): ItemText {
  const ports = s.ports.map((p) => `${p.port}/${p.protocol}`).join(' ');
  const tooltip = [
    `Service ${s.namespace}/${s.name} (${s.type})`,
    s.fqdn,
    s.type === 'ExternalName' ? `CNAME ${s.externalName ?? ''}` : t('cluster IPs: {0}', s.address),
    ...s.ports.map((p) =>
      [
        t('port {0} {1} → {2}', p.name || t('(unnamed)'), `${p.port}/${p.protocol}`, String(p.targetPort)),
        ...(p.nodePort ? [`(${t('node port {0}', p.nodePort)})`] : []),
      ].join(' '),
    ),
    s.selector
      ? t(
          'selector: {0}',
          Object.entries(s.selector)
            .map(([k, v]) => `${k}=${v}`)
            .join(', '),
        )
      : t('no selector'),
    t('Endpoints: {0}', s.readiness),
  ];
  return {
    id: serviceId(s.namespace, s.name),
    label: s.name,
    description: `${s.type} · ${s.address}${ports ? ` · ${ports}` : ''}`,
    tooltip: tooltip.join('\n'),
  };
}

/** A Service that should reach pods and reaches no ready one. */
export function serviceBroken(s: ServiceView): boolean {
  return s.type !== 'ExternalName' && s.counts.ready === 0;
}

export function portText(s: ServiceView, p: ServiceView['ports'][number], t: Translate = english): ItemText {
  return {
    id: `${serviceId(s.namespace, s.name)}/port/${p.name}/${p.port}/${p.protocol}`,
    label: `${p.name || t('port')} ${p.port}/${p.protocol}`,
    description: `→ ${p.targetPort}${p.nodePort ? ` · ${t('node port {0}', p.nodePort)}` : ''} · ${t('{0} ready', s.counts.ready)}`,
  };
}

export function endpointText(node: Extract<Node, { kind: 'endpoint' }>, t: Translate = english): ItemText {
  const e = node.endpoint;
  const s = node.service;
  const state = e.terminating ? t('terminating') : e.ready ? t('ready') : e.serving ? t('serving') : t('not ready');
  const label =
    e.pending !== undefined ? t('{0} × allocated by the cluster', e.pending) : `${bracket(node.address)}${node.port !== undefined ? `:${node.port}` : ''}`;
  return {
    id: `${serviceId(s.namespace, s.name)}/ep/${node.address}/${node.port ?? ''}/${e.pod ?? ''}`,
    label,
    description: [state, e.hostname, e.nodeName].filter(Boolean).join(' · '),
    tooltip: `Endpoint ${label} of Service ${s.namespace}/${s.name}\n\nready: ${e.ready} · serving: ${e.serving} · terminating: ${e.terminating}${e.pod ? `\npod: ${e.pod}` : ''}${e.nodeName ? `\nnode: ${e.nodeName}` : ''}`,
  };
}

export function podText(p: PodView, t: Translate = english): ItemText {
  const ips = p.pending ? t('{0} × IP allocated by the cluster', p.pending.replicas) : p.ips.join(', ') || t('no IP');
  const tooltip = [
    `Pod ${p.namespace}/${p.name}`,
    `IPs: ${ips}`,
    p.node ? `node: ${p.node}` : undefined,
    p.phase ? `phase: ${p.phase}` : undefined,
    p.pending ? `from ${p.pending.kind} ${p.pending.name} (${p.pending.replicas} replicas)` : `ready: ${p.ready}`,
    ...p.ports.map((c) => `port ${c.name || '(unnamed)'} ${c.containerPort}/${c.protocol}`),
    ...p.dnsNames.map((d) => `DNS: ${d}`),
    p.services.length > 0 ? `endpoint of: ${p.services.join(', ')}` : 'endpoint of no Service',
    ...Object.entries(p.labels).map(([k, v]) => `label ${k}=${v}`),
  ];
  return {
    id: podId(p.namespace, p.name),
    label: p.name,
    description: `${ips}${p.node ? ` · ${p.node}` : ''}${p.phase ? ` · ${p.phase}` : ''}${p.pending ? '' : ` · ${p.ready ? t('ready') : t('not ready')}`}`,
    tooltip: tooltip.filter(Boolean).join('\n'),
  };
}

export function moreText(node: Extract<Node, { kind: 'more' }>, t: Translate = english): ItemText {
  return { id: `${namespaceId(node.namespace)}/more`, label: t('Show more ({0} of {1} shown)', node.offset, node.total) };
}

/** What a verdict is called in the tree (the hover's line, in the tooltip, says why). */
export function verdictText(v: ReachVerdict, t: Translate = english): string {
  return v === 'allowed' ? t('allowed') : v === 'blocked' ? t('blocked') : v === 'partial' ? t('partly blocked') : t('not evaluated');
}

export function clientsText(node: Extract<Node, { kind: 'clients' }>, t: Translate = english): ItemText {
  const s = node.service;
  const blocked = node.clients.filter((c) => c.verdict === 'blocked' || c.verdict === 'partial').length;
  return {
    id: `${serviceId(s.namespace, s.name)}/clients`,
    label: t('Clients'),
    description: `${node.clients.length}${blocked > 0 ? ` · ${t('{0} blocked', blocked)}` : ''}`,
    tooltip: `The workloads whose references in the workspace name Service ${s.namespace}/${s.name}, and whether NetworkPolicies let their pods through`,
  };
}

export function clientText(node: Extract<Node, { kind: 'client' }>, t: Translate = english): ItemText {
  const c = node.client;
  const s = node.service;
  const where = c.namespace === s.namespace ? c.name : `${c.namespace}/${c.name}`;
  const tooltip = [
    `${c.kind} ${c.namespace}/${c.name} → Service ${s.namespace}/${s.name}${c.ports.length > 0 ? ` on ${c.ports.join(', ')}` : ''}`,
    c.line,
    `${c.references} ${c.references === 1 ? 'reference' : 'references'} in the workspace`,
    c.podCount > 0
      ? `pods: ${c.pods.join(', ')}${c.podCount > c.pods.length ? ` and ${c.podCount - c.pods.length} more` : ''}`
      : 'no pods running for it in the model shown',
  ];
  return {
    id: `${serviceId(s.namespace, s.name)}/client/${c.namespace}/${c.kind}/${c.name}`,
    label: where,
    description: [c.kind, verdictText(c.verdict, t), ...c.ports].join(' · '),
    tooltip: tooltip.join('\n'),
  };
}

export function policiesText(node: Extract<Node, { kind: 'policies' }>, t: Translate = english): ItemText {
  const { ingress, egress } = node.policies;
  const p = node.pod;
  const none = ingress.length === 0 && egress.length === 0;
  return {
    id: `${podId(p.namespace, p.name)}/policies`,
    label: t('Policies'),
    description: none ? t('none select it') : `ingress ${ingress.length} · egress ${egress.length}`,
    tooltip: none
      ? `No NetworkPolicy selects pod ${p.namespace}/${p.name}: it is not isolated, all traffic to and from it is allowed`
      : `NetworkPolicies that select pod ${p.namespace}/${p.name}\ningress isolated by: ${ingress.join(', ') || 'none'}\negress isolated by: ${egress.join(', ') || 'none'}`,
  };
}

export function policyText(node: Extract<Node, { kind: 'policy' }>): ItemText {
  const p = node.pod;
  return {
    id: `${podId(p.namespace, p.name)}/policy/${node.namespace}/${node.name}`,
    label: node.namespace === p.namespace ? node.name : `${node.namespace}/${node.name}`,
    description: node.directions.join(', '),
    tooltip: `NetworkPolicy ${node.namespace}/${node.name} selects pod ${p.namespace}/${p.name} and isolates its ${node.directions.join(' and ')}`,
  };
}

/** The policies under a pod's "Policies" node, each with the directions it isolates. */
export function policyNodes(node: Extract<Node, { kind: 'policies' }>): Node[] {
  const directions = new Map<string, ('ingress' | 'egress')[]>();
  for (const id of node.policies.ingress) directions.set(id, ['ingress']);
  for (const id of node.policies.egress) directions.set(id, [...(directions.get(id) ?? []), 'egress']);
  return [...directions].map(([id, dirs]) => {
    const slash = id.indexOf('/');
    return { kind: 'policy', pod: node.pod, namespace: id.slice(0, slash), name: id.slice(slash + 1), directions: dirs };
  });
}

/** The endpoint nodes under a Service (all its endpoints) or under one of its ports (those that serve it). */
export function endpointNodes(service: ServiceView, portName: string | undefined, t: Translate = english): Node[] {
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
      id: `${serviceId(service.namespace, service.name)}/${portName ?? ''}/none`,
      label: t('No endpoints'),
      tooltip: service.selector ? t('The selector matches no ready pod.') : t('This Service has no selector and no EndpointSlice.'),
      icon: 'warning',
    });
  return out;
}

/** The details under a pod: its IPs, node, phase, container ports and DNS names. */
export function podDetails(p: PodView, t: Translate = english): Node[] {
  const id = podId(p.namespace, p.name);
  const out: Node[] = [];
  for (const ip of p.ips) out.push({ kind: 'detail', id: `${id}/ip/${ip}`, label: ip, description: 'IP', icon: 'symbol-numeric', copy: ip });
  if (p.node) out.push({ kind: 'detail', id: `${id}/node`, label: p.node, description: t('node'), icon: 'server' });
  out.push({
    kind: 'detail',
    id: `${id}/phase`,
    label: p.pending ? t('not created yet') : `${p.phase ?? t('unknown')}, ${p.ready ? t('ready') : t('not ready')}`,
    description: t('phase'),
    icon: 'pulse',
  });
  for (const c of p.ports)
    out.push({
      kind: 'detail',
      id: `${id}/port/${c.name}/${c.containerPort}`,
      label: `${c.name || t('port')} ${c.containerPort}/${c.protocol}`,
      description: t('container port'),
      icon: 'plug',
    });
  for (const d of p.dnsNames) out.push({ kind: 'detail', id: `${id}/dns/${d}`, label: d, description: t('DNS name'), icon: 'symbol-string', copy: d });
  return out;
}

function bracket(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
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
export function countsLabel(ns: { readonly services: number; readonly pods: number }, t: Translate = english): string {
  const n = (count: number) => count.toLocaleString('en-US');
  const services = ns.services === 1 ? t('{0} service', n(1)) : t('{0} services', n(ns.services));
  const pods = ns.pods === 1 ? t('{0} pod', n(1)) : t('{0} pods', n(ns.pods));
  return `${services} · ${pods}`;
}
