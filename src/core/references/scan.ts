/**
 * Finds the places in Kubernetes manifests that name something in the cluster, by the table of kinds.ts: structured
 * fields (Ingress backends, routes, Istio destinations, webhooks, custom resources) and names or addresses in the
 * texts a pod reads (env values, commands and scripts, probes and hooks, ConfigMap and Secret data and the config
 * files embedded in them). Offsets are exact positions in the file's text, so that hovers and fixes land on the
 * characters.
 */
import { isMap, isScalar, isSeq, type Pair, type Scalar, type Node as YamlNode } from 'yaml';
import { type ManifestObject, namespaceOf, type ParsedManifest } from '../manifests';
import { decodeBase64, utf8Text } from './base64';
import { envHostPosition, scanArgv } from './commands';
import { keyHostStrength, portKeyFor, scanConfigValue } from './config';
import { localReason } from './hosts';
import { type FieldSpec, kindSpec } from './kinds';
import { coarse, type MappedText, scalarText } from './scalar';
import { type Found, type Sink, scanText, type TextOptions } from './text';
import type { DefinedSubset, Reference, ScanOptions } from './types';

type Emit = (r: Reference) => void;

export function scanReferences(manifest: ParsedManifest, options: ScanOptions): Reference[] {
  const out: Reference[] = [];
  const max = options.maxReferences ?? Infinity;
  const emit: Emit = (r) => {
    if (out.length < max) out.push(r);
  };
  for (const obj of manifest.objects) {
    if (out.length >= max) break;
    scanObject(manifest.text, obj, options, emit);
  }
  return out;
}

/** What every reference of one object shares. */
interface Holder {
  readonly text: string;
  readonly options: ScanOptions;
  readonly namespace: string;
  readonly namespaceImplied: boolean;
  readonly object: { readonly kind: string; readonly name: string };
  readonly label: string;
  readonly secret: boolean;
  readonly emit: Emit;
}

function scanObject(text: string, obj: ManifestObject, options: ScanOptions, emit: Emit): void {
  const spec = kindSpec(obj.apiVersion, obj.kind);
  if (!spec || !isMap(obj.node)) return;
  const holder: Holder = {
    text,
    options,
    namespace: namespaceOf(obj, options.defaultNamespace),
    namespaceImplied: obj.namespace === undefined,
    object: { kind: obj.kind, name: obj.name },
    label: `${obj.kind} ${obj.name}`,
    secret: obj.kind === 'Secret',
    emit,
  };
  if (
    obj.kind === 'Secret' &&
    /^kubernetes\.io\/(tls|dockerconfigjson|dockercfg|service-account-token|ssh-auth)$/.test(scalarString(getIn(obj.node, ['type'])) ?? '')
  )
    return;
  for (const field of spec.fields) {
    for (const { node, where } of select(obj.node, field.at)) readField(holder, field, node, where, obj);
  }
}

function readField(h: Holder, field: FieldSpec, node: YamlNode, where: string, obj: ManifestObject): void {
  switch (field.holds) {
    case 'pod-spec':
      return scanPodSpec(h, node, ownNames(node, obj));
    case 'service':
      return readService(h, field, node);
    case 'host':
      return readHost(h, field, node);
    case 'text':
      forEachScalar(node, (s) => text(h, s, `${h.label}, ${field.what}`, field.strength ? { hostPosition: field.strength } : {}));
      return;
    case 'config':
      return readConfig(h, node, field.what, field.encoding);
    case 'keyed':
      return readKeyed(h, node, `${h.label}, ${field.what}`);
    case 'pairs':
      return readPairs(h, field, node, `${h.label}, ${field.what}`);
    case 'annotations':
      return readAnnotations(h, field, node);
    case 'monitor':
      // A selector, not a name: checked against the model as a whole (monitors.ts).
      return;
  }
  void where;
}

// ---- structured fields ----

function readService(h: Holder, field: Extract<FieldSpec, { holds: 'service' }>, node: YamlNode): void {
  const name = getIn(node, path(field.name));
  if (!isScalar(name) || typeof name.value !== 'string' || name.value === '') return;
  const kind = field.kindField ? scalarString(getIn(node, path(field.kindField))) : undefined;
  const group = field.groupField ? scalarString(getIn(node, path(field.groupField))) : undefined;
  if ((kind !== undefined && kind !== 'Service') || (group !== undefined && group !== '' && group !== 'core')) return;
  let port: Scalar | undefined;
  for (const p of field.port ?? []) {
    const n = getIn(node, path(p));
    if (isScalar(n) && (typeof n.value === 'number' || typeof n.value === 'string')) {
      port = n;
      break;
    }
  }
  const ns = field.namespace ? scalarString(getIn(node, path(field.namespace))) : undefined;
  const [start, end] = valueRange(name);
  const portValue =
    port === undefined
      ? field.defaultPort
      : typeof port.value === 'number'
        ? port.value
        : /^\d+$/.test(String(port.value))
          ? Number(port.value)
          : String(port.value);
  // The AWS Load Balancer Controller's actions: a backend on the port `use-annotation` names the action of the
  // annotation `alb.ingress.kubernetes.io/actions.<name>` (a redirect, a fixed response, weighted target groups), not
  // a Service and its port.
  if (portValue === 'use-annotation') return;
  const portRange = port ? valueRange(port) : undefined;
  h.emit({
    kind: 'service',
    start,
    end,
    hostStart: start,
    hostEnd: end,
    host: String(name.value),
    ...(portValue !== undefined ? { port: portValue } : {}),
    ...(portRange ? { portStart: portRange[0], portEnd: portRange[1] } : {}),
    ...(port === undefined && field.defaultPort !== undefined ? { defaultPort: true } : {}),
    namespace: h.namespace,
    ...(h.namespaceImplied ? { namespaceImplied: true } : {}),
    ...(ns ? { serviceNamespace: ns } : {}),
    strength: field.strength ?? 'strong',
    ...(field.role ? { role: field.role } : {}),
    ...(field.role === 'route-backend' ? { referrer: { group: 'gateway.networking.k8s.io', kind: h.object.kind } } : {}),
    context: `${h.label}, ${field.what}`,
    object: h.object,
  });
}

function readHost(h: Holder, field: Extract<FieldSpec, { holds: 'host' }>, node: YamlNode): void {
  const hosts = getIn(node, path(field.host));
  if (isSeq(hosts)) {
    forEachItem(hosts, (item) => isScalar(item) && readOneHost(h, field, node, item));
    return;
  }
  if (isScalar(hosts)) readOneHost(h, field, node, hosts);
}

function readOneHost(h: Holder, field: Extract<FieldSpec, { holds: 'host' }>, node: YamlNode, host: Scalar): void {
  if (typeof host.value !== 'string') return;
  const port = field.port ? getIn(node, path(field.port)) : undefined;
  const portNumber = isScalar(port)
    ? typeof port.value === 'number'
      ? port.value
      : /^\d{1,5}$/.test(String(port.value))
        ? Number(port.value)
        : undefined
    : undefined;
  const portRange = isScalar(port) && portNumber !== undefined ? valueRange(port) : undefined;
  const subsetNode = field.subset ? getIn(node, path(field.subset)) : undefined;
  const subset =
    isScalar(subsetNode) && typeof subsetNode.value === 'string'
      ? { name: subsetNode.value, start: valueRange(subsetNode)[0], end: valueRange(subsetNode)[1] }
      : undefined;
  const m = scalarText(host, h.text);
  if (!m) return;
  const options: TextOptions = {
    zone: h.options.zone,
    hostPosition: field.strength ?? 'strong',
    ...(portNumber !== undefined && portRange ? { pairedPort: { port: portNumber, start: portRange[0], end: portRange[1] } } : {}),
  };
  const subsets = field.subsets ? readSubsets(getIn(node, path(field.subsets))) : [];
  scanText(m, options, (f) =>
    toReference(h, f, `${h.label}, ${field.what}`, {
      ...(field.role ? { role: field.role } : {}),
      ...(subset ? { subset } : {}),
      ...(subsets.length > 0 ? { subsets } : {}),
    }),
  );
}

/** A DestinationRule's subsets: each name with its labels, placed at the labels (where a fix goes). */
function readSubsets(node: YamlNode | undefined): DefinedSubset[] {
  const out: DefinedSubset[] = [];
  forEachItem(node, (item) => {
    const name = scalarString(getIn(item, ['name']));
    const labels = getIn(item, ['labels']);
    if (name === undefined || !isMap(labels) || labels.items.length === 0) return;
    const pairs: Record<string, string> = {};
    for (const p of labels.items as Pair<YamlNode, YamlNode>[]) if (isScalar(p.key) && isScalar(p.value)) pairs[String(p.key.value)] = String(p.value.value);
    const first = (labels.items[0]!.key as YamlNode | undefined)?.range?.[0];
    const lastPair = labels.items[labels.items.length - 1]!;
    const last = (lastPair.value as YamlNode | undefined)?.range?.[1] ?? (lastPair.key as YamlNode | undefined)?.range?.[1];
    if (first === undefined || last === undefined) return;
    out.push({ name, labels: pairs, start: first, end: last });
  });
  return out;
}

// ---- pod specs ----

/** Names the pod answers from its own /etc/hosts: its hostAliases and its hostname. */
function ownNames(spec: YamlNode, obj: ManifestObject): Set<string> {
  const names = new Set<string>();
  forEachItem(getIn(spec, ['hostAliases']), (alias) =>
    forEachItem(getIn(alias, ['hostnames']), (n) => {
      const s = scalarString(n);
      if (s) names.add(s.toLowerCase());
    }),
  );
  const hostname = scalarString(getIn(spec, ['hostname']));
  if (hostname) names.add(hostname.toLowerCase());
  // A Pod without spec.hostname is named after itself.
  if (obj.kind === 'Pod' && !hostname && obj.name) names.add(obj.name.toLowerCase());
  return names;
}

function scanPodSpec(h: Holder, spec: YamlNode, own: Set<string>): void {
  const withOwn: Holder = {
    ...h,
    emit: (r) => {
      const lower = r.host.toLowerCase().replace(/\.$/, '');
      if (!r.local && !r.advertised && own.has(lower)) h.emit({ ...r, local: own.size > 0 && isHostAlias(spec, lower) ? 'host-alias' : 'own-hostname' });
      else h.emit(r);
    },
  };
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    forEachItem(getIn(spec, [list]), (container) => scanContainer(withOwn, container));
  }
}

function isHostAlias(spec: YamlNode, name: string): boolean {
  let found = false;
  forEachItem(getIn(spec, ['hostAliases']), (alias) =>
    forEachItem(getIn(alias, ['hostnames']), (n) => {
      if (scalarString(n)?.toLowerCase() === name) found = true;
    }),
  );
  return found;
}

function scanContainer(h: Holder, container: YamlNode): void {
  const cname = scalarString(getIn(container, ['name'])) ?? '';
  const at = `${h.label}, container ${cname}`;
  // Env vars: the name says whether the value is a host position, and `DB_HOST` pairs with `DB_PORT`.
  const env: { name: string; value: Scalar }[] = [];
  forEachItem(getIn(container, ['env']), (e) => {
    const name = scalarString(getIn(e, ['name']));
    const value = getIn(e, ['value']);
    if (name !== undefined && isScalar(value)) env.push({ name, value });
  });
  for (const e of env) {
    const position = envHostPosition(e.name);
    const pairedPort = position.hostPosition ? siblingPort(e.name, env) : undefined;
    text(h, e.value, `${at}, env ${e.name}`, { ...position, ...(pairedPort ? { pairedPort } : {}) });
  }
  argv(h, [getIn(container, ['command']), getIn(container, ['args'])], `${at}, command`);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) handler(h, getIn(container, [probe]), `${at}, ${probe}`);
  for (const hook of ['postStart', 'preStop']) handler(h, getIn(container, ['lifecycle', hook]), `${at}, ${hook} hook`);
}

/** A probe or lifecycle handler: `exec.command`, and the `host` of `httpGet` and `tcpSocket`. */
function handler(h: Holder, node: YamlNode | undefined, context: string): void {
  if (!isMap(node)) return;
  argv(h, [getIn(node, ['exec', 'command'])], context);
  for (const kind of ['httpGet', 'tcpSocket']) {
    const host = getIn(node, [kind, 'host']);
    if (isScalar(host)) text(h, host, `${context} host`, { hostPosition: 'strong' });
  }
}

function argv(h: Holder, lists: (YamlNode | undefined)[], context: string): void {
  const words: MappedText[] = [];
  for (const list of lists) {
    forEachItem(list, (item) => {
      if (!isScalar(item)) return;
      const m = scalarText(item, h.text);
      if (m) words.push(m);
    });
  }
  if (words.length === 0) return;
  scanArgv(words, { zone: h.options.zone }, sink(h, context));
}

// ---- data ----

function readConfig(h: Holder, node: YamlNode, what: string, encoding: 'base64' | undefined): void {
  if (!isMap(node)) return;
  const pairs = node.items as Pair<YamlNode, YamlNode>[];
  const named = pairs.map((p) => ({ name: isScalar(p.key) ? String(p.key.value) : '', value: p.value }));
  pairs.forEach((pair, i) => {
    const key = named[i]!.name;
    if (!isScalar(pair.value)) return;
    let m: MappedText | undefined;
    if (encoding === 'base64') {
      if (typeof pair.value.value !== 'string' || /\.(crt|pem|key|jks|p12|pfx|der|keystore|truststore|gpg|asc)$/i.test(key)) return;
      const bytes = decodeBase64(pair.value.value);
      const decoded = bytes && utf8Text(bytes);
      if (decoded === undefined) return;
      const [start, end] = valueRange(pair.value);
      m = coarse(decoded, start, end);
    } else {
      m = scalarText(pair.value, h.text);
    }
    if (!m) return;
    const pairedPort = keyHostStrength(key) !== undefined && encoding === undefined ? siblingPort(key, named) : undefined;
    const vars = envHostPosition(key);
    scanConfigValue(
      key,
      m,
      {
        zone: h.options.zone,
        ...(pairedPort ? { pairedPort } : {}),
        ...(vars.hostPosition && !keyHostStrength(key) ? { hostPosition: vars.hostPosition } : {}),
      },
      sink(h, `${h.label}, ${what}.${key}`),
    );
  });
}

function readKeyed(h: Holder, node: YamlNode, context: string): void {
  if (!isMap(node)) return;
  const pairs = node.items as Pair<YamlNode, YamlNode>[];
  const named = pairs.map((p) => ({ name: isScalar(p.key) ? String(p.key.value) : '', value: p.value }));
  for (const { name, value } of named) {
    if (!isScalar(value)) continue;
    const m = scalarText(value, h.text);
    if (!m) continue;
    const pairedPort = siblingPort(name, named);
    scanConfigValue(name, m, { zone: h.options.zone, ...(pairedPort ? { pairedPort } : {}) }, sink(h, `${context}.${name}`));
  }
}

/** `[{name: redisHost, value: redis:6379}, {name: port, value: "25"}]`: each value read by its name, a host paired with its port. */
function readPairs(h: Holder, field: Extract<FieldSpec, { holds: 'pairs' }>, node: YamlNode, context: string): void {
  const items: { name: string; value: Scalar }[] = [];
  forEachItem(node, (item) => {
    const name = scalarString(getIn(item, path(field.name)));
    const value = getIn(item, path(field.value));
    if (name !== undefined && isScalar(value)) items.push({ name, value });
  });
  for (const item of items) {
    const m = scalarText(item.value, h.text);
    if (!m) continue;
    const pairedPort = siblingPort(item.name, items);
    scanConfigValue(item.name, m, { zone: h.options.zone, ...(pairedPort ? { pairedPort } : {}) }, sink(h, `${context} ${item.name}`));
  }
}

function readAnnotations(h: Holder, field: Extract<FieldSpec, { holds: 'annotations' }>, node: YamlNode): void {
  if (!isMap(node)) return;
  for (const pair of node.items as Pair<YamlNode, YamlNode>[]) {
    const key = scalarString(pair.key);
    const as = key !== undefined ? field.keys[key] : undefined;
    if (!as || !isScalar(pair.value)) continue;
    const context = `${h.label}, ${field.what} ${key}`;
    if (as === 'upstreams') {
      readUpstreams(h, pair.value, context);
      continue;
    }
    if (as === 'service') {
      // `namespace/name` or `name`.
      const value = scalarString(pair.value) ?? '';
      const slash = value.indexOf('/');
      const [start, end] = valueRange(pair.value);
      const name = slash >= 0 ? value.slice(slash + 1) : value;
      if (!name) continue;
      h.emit({
        kind: 'service',
        start,
        end,
        hostStart: start + (slash >= 0 ? slash + 1 : 0),
        hostEnd: end,
        host: name,
        namespace: h.namespace,
        ...(h.namespaceImplied ? { namespaceImplied: true } : {}),
        ...(slash >= 0 ? { serviceNamespace: value.slice(0, slash) } : {}),
        strength: 'strong',
        context,
        object: h.object,
      });
      continue;
    }
    text(h, pair.value, context, as === 'link' ? { linksWeak: true } : {});
  }
}

/**
 * Consul's `connect-service-upstreams`: `name:localPort[:datacenter],…`. The port is one the pod listens on itself
 * (its proxy forwards it), so only the name is a reference, and a weak one: it is Consul's name for the Service.
 */
function readUpstreams(h: Holder, node: Scalar, context: string): void {
  const value = scalarString(node);
  if (value === undefined) return;
  const [start] = valueRange(node);
  const exact = node.type === 'PLAIN' || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  for (const item of value.matchAll(/[^,\s]+/g)) {
    const name = /^([a-z0-9-]+)(?=[.:]|$)/.exec(item[0])?.[1];
    if (!name || item[0].startsWith('prepared_query')) continue;
    const at = start + item.index!;
    h.emit({
      kind: 'service',
      start: exact ? at : start,
      end: exact ? at + item[0].length : start + value.length,
      hostStart: exact ? at : start,
      hostEnd: exact ? at + name.length : start + value.length,
      host: name,
      namespace: h.namespace,
      ...(h.namespaceImplied ? { namespaceImplied: true } : {}),
      strength: 'weak',
      context,
      object: h.object,
    });
  }
}

/**
 * The port written beside a host key among its siblings (`DB_HOST` + `DB_PORT`, `host` + `port`), as offsets in
 * the file, for any list of named values (env vars, data keys, metadata entries).
 */
function siblingPort(key: string, siblings: readonly { readonly name: string; readonly value: YamlNode | null | undefined }[]): TextOptions['pairedPort'] {
  if (keyHostStrength(key) === undefined && envHostPosition(key).hostPosition === undefined) return undefined;
  const pk = portKeyFor(
    key,
    siblings.map((s) => s.name),
  );
  const pv = pk !== undefined ? siblings.find((s) => s.name === pk)?.value : undefined;
  const n = isScalar(pv) ? Number(pv.value) : NaN;
  if (!isScalar(pv) || !Number.isInteger(n) || n < 1 || n > 65535) return undefined;
  const [start, end] = valueRange(pv);
  return { port: n, start, end };
}

// ---- references from text ----

function text(h: Holder, node: Scalar, context: string, options: Omit<TextOptions, 'zone'>): void {
  const m = scalarText(node, h.text);
  if (!m) return;
  scanText(m, { zone: h.options.zone, ...options }, sink(h, context));
}

function sink(h: Holder, context: string): Sink {
  return (f) => toReference(h, f, context, {});
}

function toReference(h: Holder, f: Found, context: string, extra: Partial<Reference>): void {
  const local = localReason(f.host);
  h.emit({
    ...f,
    namespace: h.namespace,
    ...(h.namespaceImplied ? { namespaceImplied: true } : {}),
    ...(local ? { local } : {}),
    ...(h.secret ? { secret: true } : {}),
    ...extra,
    context,
    object: h.object,
  });
}

// ---- YAML helpers ----

/** The nodes at a dotted path; `[]` steps into each item of a list. */
function select(root: YamlNode, at: string): { node: YamlNode; where: string }[] {
  let current: { node: YamlNode; where: string }[] = [{ node: root, where: '' }];
  for (const step of at.split('.')) {
    const next: { node: YamlNode; where: string }[] = [];
    const list = step.endsWith('[]');
    const key = list ? step.slice(0, -2) : step;
    for (const c of current) {
      const child = getIn(c.node, [key]);
      if (!child) continue;
      if (list) {
        if (isSeq(child)) {
          child.items.forEach((item, i) => {
            if (item) next.push({ node: item as YamlNode, where: `${c.where}${key}[${i}].` });
          });
        }
      } else next.push({ node: child, where: `${c.where}${key}.` });
    }
    current = next;
  }
  return current;
}

function path(p: string): string[] {
  return p.split('.');
}

function getIn(node: YamlNode | undefined | null, keys: readonly string[]): YamlNode | undefined {
  let cur: unknown = node;
  for (const key of keys) {
    if (!isMap(cur)) return undefined;
    cur = cur.get(key, true);
  }
  return cur === null ? undefined : (cur as YamlNode | undefined);
}

function forEachItem(node: YamlNode | undefined, fn: (item: YamlNode) => void): void {
  if (!isSeq(node)) return;
  for (const item of node.items) if (item) fn(item as YamlNode);
}

/** A scalar, or each scalar of a list. */
function forEachScalar(node: YamlNode, fn: (s: Scalar) => void): void {
  if (isScalar(node)) fn(node);
  else forEachItem(node, (item) => isScalar(item) && fn(item));
}

function scalarString(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

/** The offsets of a scalar's value characters (inside its quotes, if any). */
function valueRange(node: Scalar): [number, number] {
  const [start, end] = node.range ?? [0, 0];
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return [start + 1, end - 1];
  return [start, end];
}
