/**
 * Prometheus-operator monitors (ServiceMonitor, PodMonitor, and any kind whose row in kinds.ts is a `monitor`): a
 * label selector over Services or pods of some namespaces, and the port names it scrapes. A monitor that selects
 * nothing scrapes nothing, silently; a port name that no selected Service (or container) has is skipped.
 */
import { isMap, isScalar, isSeq, type Pair, type Node as YamlNode } from 'yaml';
import { type CheckOptions, closest, DIAGNOSTICS, type Finding } from './check';
import { type ManifestObject, namespaceOf, type ParsedManifest } from './manifests';
import type { LabelSelector, Labels } from './model';
import { readSelector, selectorMatches } from './policy';
import { type KindSpec, kindSpec } from './references';
import type { ClusterSnapshot } from './snapshot';

type MonitorField = Extract<KindSpec['fields'][number], { holds: 'monitor' }>;

export function checkMonitors(manifest: ParsedManifest, snapshot: ClusterSnapshot, defaultNamespace: string, options: CheckOptions = {}): Finding[] {
  const out: Finding[] = [];
  for (const obj of manifest.objects) {
    const spec = kindSpec(obj.apiVersion, obj.kind);
    for (const field of spec?.fields ?? []) if (field.holds === 'monitor') out.push(...checkMonitor(obj, field, snapshot, defaultNamespace));
  }
  return out.map((f) => ({ ...f, severity: options.severities?.[f.code] ?? f.severity })).filter((f): f is Finding => f.severity !== 'off');
}

interface Target {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** Port names this target offers. */
  readonly ports: readonly string[];
  readonly declared: boolean;
}

function checkMonitor(obj: ManifestObject, field: MonitorField, snapshot: ClusterSnapshot, defaultNamespace: string): Finding[] {
  if (!isMap(obj.node)) return [];
  // A large file is parsed a piece at a time: the object's source is placed in the file, its nodes are not.
  const shift = obj.source.start - (obj.node.range?.[0] ?? 0);
  const value = at(obj.value(), field.at);
  const specNode = nodeAt(obj.node, field.at);
  const selector = readSelector(at(value, field.selector));
  const selectorNode = nodeAt(specNode, field.selector);
  if (!selector || !selectorNode) return [];
  const own = namespaceOf(obj, defaultNamespace);
  const nsSel = at(value, field.namespaceSelector) as { any?: unknown; matchNames?: unknown } | undefined;
  const all = nsSel?.any === true;
  const names = Array.isArray(nsSel?.matchNames) ? nsSel!.matchNames.map(String) : [own];
  const namespaces = all ? snapshot.namespaceNames() : names;
  const targets: Target[] = [];
  for (const ns of namespaces) {
    if (field.over === 'Service') {
      for (const s of snapshot.servicesIn(ns))
        targets.push({ namespace: ns, name: s.name, labels: s.labels ?? {}, ports: s.ports.map((p) => p.name).filter(Boolean), declared: !!s.source });
    } else {
      for (const p of snapshot.podsIn(ns))
        targets.push({ namespace: ns, name: p.name, labels: p.labels, ports: p.ports.map((cp) => cp.name).filter(Boolean), declared: !!p.source });
    }
  }
  // Namespaces whose Services (or pods) the manifests do not declare are managed elsewhere: nothing to say.
  if (!targets.some((t) => t.declared)) return [];
  const selected = targets.filter((t) => selectorMatches(selector, t.labels));
  const what = field.over === 'Service' ? 'Service' : 'pod';
  const where = all ? 'any namespace' : `namespace${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
  if (selected.length === 0) {
    const pair = lonelyPair(selector, targets);
    const range = (pair && pairRange(selectorNode, pair[0])) ?? rangeOf(selectorNode);
    if (!range) return [];
    const why = pair ? `no ${what} in ${where} has the label ${pair[0]}=${pair[1]}` : `no ${what} in ${where} has all of its labels`;
    return [finding('NL016', range[0] + shift, range[1] + shift, `${obj.kind} ${obj.name} selects nothing: ${why}, so nothing is scraped.`)];
  }
  const out: Finding[] = [];
  const offered = [...new Set(selected.flatMap((t) => t.ports))];
  for (const portNode of scalarsAt(specNode, field.ports)) {
    const port = String(portNode.value);
    if (typeof portNode.value !== 'string' || offered.includes(port)) continue;
    const [s, e] = portNode.range!;
    const quoted = portNode.type === 'QUOTE_DOUBLE' || portNode.type === 'QUOTE_SINGLE';
    const start = s + shift + (quoted ? 1 : 0);
    const end = e + shift - (quoted ? 1 : 0);
    const near = closest(port, offered);
    out.push(
      finding(
        'NL003',
        start,
        end,
        `${obj.kind} ${obj.name} scrapes the port named "${port}", which none of the ${selected.length} ${what}${selected.length === 1 ? '' : 's'} it selects (${selected
          .slice(0, 4)
          .map((t) => `${t.namespace}/${t.name}`)
          .join(', ')}) has; ${offered.length > 0 ? `they name ${offered.slice(0, 6).join(', ')}` : 'they name no port'}.`,
        near.map((n) => ({ title: `Change the port to ${n}`, edits: [{ start, end, newText: n }] })),
      ),
    );
  }
  return out;
}

function finding(code: 'NL003' | 'NL016', start: number, end: number, message: string, fixes: Finding['fixes'] = []): Finding {
  return { code, severity: DIAGNOSTICS[code].severity, start, end, message, fixes };
}

/** The first matchLabels pair that no target carries at all: the likely typo. */
function lonelyPair(selector: LabelSelector, targets: readonly Target[]): [string, string] | undefined {
  return Object.entries(selector.matchLabels).find(([k, v]) => !targets.some((t) => t.labels[k] === v));
}

function pairRange(selectorNode: YamlNode, key: string): [number, number] | undefined {
  const ml = isMap(selectorNode) ? selectorNode.get('matchLabels', true) : undefined;
  if (!isMap(ml)) return undefined;
  for (const p of ml.items as Pair<YamlNode, YamlNode>[]) {
    if (isScalar(p.key) && String(p.key.value) === key && p.key.range) return [p.key.range[0], p.value?.range?.[1] ?? p.key.range[1]];
  }
  return undefined;
}

function rangeOf(node: YamlNode): [number, number] | undefined {
  if (isMap(node) && node.items.length > 0) {
    const first = (node.items[0]!.key as YamlNode | undefined)?.range?.[0];
    const lastPair = node.items[node.items.length - 1]!;
    const last = (lastPair.value as YamlNode | undefined)?.range?.[1] ?? (lastPair.key as YamlNode | undefined)?.range?.[1];
    if (first !== undefined && last !== undefined) return [first, last];
  }
  return node.range ? [node.range[0], node.range[1]] : undefined;
}

function at(v: unknown, path: string): unknown {
  let cur = v;
  for (const k of path.split('.')) cur = cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

function nodeAt(node: YamlNode | undefined, path: string): YamlNode | undefined {
  let cur: unknown = node;
  for (const k of path.split('.')) cur = isMap(cur) ? cur.get(k, true) : undefined;
  return (cur ?? undefined) as YamlNode | undefined;
}

/** The scalars at a path with `[]` steps (`endpoints[].port`). */
function scalarsAt(node: YamlNode | undefined, path: string): import('yaml').Scalar[] {
  let current: unknown[] = [node];
  for (const step of path.split('.')) {
    const list = step.endsWith('[]');
    const key = list ? step.slice(0, -2) : step;
    const next: unknown[] = [];
    for (const c of current) {
      const child = isMap(c) ? c.get(key, true) : undefined;
      if (list && isSeq(child)) next.push(...child.items);
      else if (!list && child !== undefined) next.push(child);
    }
    current = next;
  }
  return current.filter((n): n is import('yaml').Scalar => isScalar(n) && !!n.range);
}
