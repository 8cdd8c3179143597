/**
 * Prometheus-operator monitors (ServiceMonitor, PodMonitor, and any kind whose row in kinds.ts is a `monitor`): a
 * label selector over Services or pods of some namespaces, and the port names it scrapes. A monitor that selects
 * nothing scrapes nothing, silently; a port name that no selected Service (or container) has is skipped.
 */
import { isMap, isScalar, isSeq, type Pair, type Node as YamlNode } from 'yaml';
import { type CheckOptions, closest, DIAGNOSTICS, type Finding } from './check';
import { t } from './l10n';
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
  /** Declared by more than one file: its ports are not known for sure. */
  readonly redeclared?: boolean;
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
  const targets = targetsIn(snapshot, namespaces, field.over);
  // Namespaces whose Services (or pods) the manifests do not declare are managed elsewhere: nothing to say.
  if (!targets.some((t) => t.declared)) return [];
  const selected = targets.filter((t) => selectorMatches(selector, t.labels));
  const overServices = field.over === 'Service';
  const where = all ? t('any namespace') : names.length === 1 ? t('namespace {0}', names[0]!) : t('namespaces {0}', names.join(', '));
  if (selected.length === 0) {
    const pair = lonelyPair(selector, targets);
    // Any namespace: the manifests hold only some of the cluster's (its control plane, what operators create), so
    // that nothing there matches says little; only a label value one edit or so from one they hold is reported.
    if (all && !(pair && misspelt(pair, targets))) return [];
    const range = (pair && pairRange(selectorNode, pair[0])) ?? rangeOf(selectorNode);
    if (!range) return [];
    return [finding('NL016', range[0] + shift, range[1] + shift, nothingSelected(`${obj.kind} ${obj.name}`, pair, overServices, where))];
  }
  const out: Finding[] = [];
  const offered = [...new Set(selected.flatMap((t) => t.ports))];
  // A selected Service that several files declare: its ports are not known for sure.
  if (selected.some((t) => t.redeclared)) return [];
  for (const portNode of scalarsAt(specNode, field.ports)) {
    const port = String(portNode.value);
    if (typeof portNode.value !== 'string' || offered.includes(port)) continue;
    const [s, e] = portNode.range!;
    const quoted = portNode.type === 'QUOTE_DOUBLE' || portNode.type === 'QUOTE_SINGLE';
    const start = s + shift + (quoted ? 1 : 0);
    const end = e + shift - (quoted ? 1 : 0);
    const near = closest(port, offered);
    const ids = selected
      .slice(0, 4)
      .map((x) => `${x.namespace}/${x.name}`)
      .join(', ');
    const names = offered.length > 0 ? t('they name {0}', offered.slice(0, 6).join(', ')) : t('they name no port');
    const n = selected.length;
    const monitor = `${obj.kind} ${obj.name}`;
    out.push(
      finding(
        'NL003',
        start,
        end,
        overServices
          ? n === 1
            ? t('{0} scrapes the port named "{1}", which none of the 1 Service it selects ({2}) has; {3}.', monitor, port, ids, names)
            : t('{0} scrapes the port named "{1}", which none of the {2} Services it selects ({3}) has; {4}.', monitor, port, n, ids, names)
          : n === 1
            ? t('{0} scrapes the port named "{1}", which none of the 1 pod it selects ({2}) has; {3}.', monitor, port, ids, names)
            : t('{0} scrapes the port named "{1}", which none of the {2} pods it selects ({3}) has; {4}.', monitor, port, n, ids, names),
        near.map((x) => ({ title: t('Change the port to {0}', x), edits: [{ start, end, newText: x }] })),
      ),
    );
  }
  return out;
}

function finding(code: 'NL003' | 'NL016', start: number, end: number, message: string, fixes: Finding['fixes'] = []): Finding {
  return { code, severity: DIAGNOSTICS[code].severity, start, end, message, fixes };
}

/** The first matchLabels pair that no target carries at all: the likely typo. */
/** The Services (or pods) of these namespaces that a monitor may select. */
function targetsIn(snapshot: ClusterSnapshot, namespaces: readonly string[], over: MonitorField['over']): Target[] {
  const targets: Target[] = [];
  for (const ns of namespaces) {
    if (over === 'Service') {
      for (const s of snapshot.servicesIn(ns))
        targets.push({
          namespace: ns,
          name: s.name,
          labels: s.labels ?? {},
          ports: s.ports.map((p) => p.name).filter(Boolean),
          declared: !!s.source,
          redeclared: s.redeclared === true,
        });
    } else {
      for (const p of snapshot.podsIn(ns))
        targets.push({ namespace: ns, name: p.name, labels: p.labels, ports: p.ports.map((cp) => cp.name).filter(Boolean), declared: !!p.source });
    }
  }
  return targets;
}

/** NL016's message: the label no target has (or, all being had apart, that none has all of them). */
function nothingSelected(monitor: string, pair: [string, string] | undefined, overServices: boolean, where: string): string {
  if (pair)
    return overServices
      ? t('{0} selects nothing: no Service in {1} has the label {2}, so nothing is scraped.', monitor, where, `${pair[0]}=${pair[1]}`)
      : t('{0} selects nothing: no pod in {1} has the label {2}, so nothing is scraped.', monitor, where, `${pair[0]}=${pair[1]}`);
  return overServices
    ? t('{0} selects nothing: no Service in {1} has all of its labels, so nothing is scraped.', monitor, where)
    : t('{0} selects nothing: no pod in {1} has all of its labels, so nothing is scraped.', monitor, where);
}

/** Whether a target has the pair's label with a near value (a misspelling, not a longer value that begins alike). */
function misspelt([key, value]: [string, string], targets: readonly Target[]): boolean {
  const values = new Set<string>();
  for (const target of targets) if (target.labels[key] !== undefined) values.add(target.labels[key]!);
  return closest(value, values, 1, false).length > 0;
}

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
