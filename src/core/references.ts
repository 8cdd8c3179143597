/**
 * Finds the places in Kubernetes manifests that name something in the cluster: structured references (Ingress
 * backends, a StatefulSet's serviceName, webhook and APIService services, Gateway API backendRefs) and names or
 * addresses in free text (env values, command and args, ConfigMap data and the config files embedded in it,
 * probe hosts). Offsets are exact positions in the file's text, so that hovers and fixes land on the characters.
 *
 * Free text is scanned in its source form (the characters of the scalar as written), which keeps offsets exact
 * for plain, quoted and block scalars alike.
 */
import { isMap, isScalar, isSeq, type Node as YamlNode, type Pair, type Scalar } from 'yaml';
import { parseIP } from './ip';
import type { ManifestObject, ParsedManifest } from './manifests';

export type ReferenceKind =
  /** `scheme://host[:port]`. */
  | 'url'
  /** `host:port`. */
  | 'host-port'
  /** A name under a cluster zone (`web.shop.svc.cluster.local`), or any name in a host position. */
  | 'name'
  /** An IP literal, with or without a port. */
  | 'ip'
  /** A structured field naming a Service (Ingress backend, webhook, APIService, backendRef, serviceName). */
  | 'service';

export interface Reference {
  readonly kind: ReferenceKind;
  /** Offsets of the whole reference in the file's text. */
  readonly start: number;
  readonly end: number;
  /** Offsets of the host (or Service name) part. */
  readonly hostStart: number;
  readonly hostEnd: number;
  /** The host as written (a name or an IP). */
  readonly host: string;
  readonly port?: number | string;
  /** Offsets of the port, when written. */
  readonly portStart?: number;
  readonly portEnd?: number;
  readonly scheme?: string;
  /** The namespace of the object that holds the reference: the pod that would ask. */
  readonly namespace: string;
  /** For a structured reference: the namespace it names explicitly. */
  readonly serviceNamespace?: string;
  /**
   * A reference whose target may rightly be absent: a StatefulSet works without its governing Service (only
   * its pods' DNS names are missing), so a missing one is not reported.
   */
  readonly optional?: boolean;
  /** Where it was found, for messages: `Deployment web, env API_URL`. */
  readonly context: string;
  /** The object holding it. */
  readonly object: { readonly kind: string; readonly name: string };
}

export interface ScanOptions {
  readonly zone: string;
  readonly defaultNamespace: string;
  /** Stop after this many references in one file (a budget for huge files). */
  readonly maxReferences?: number;
}

/** Env var names whose values are host positions: bare names there are references. */
const HOST_ENV = /(^|_)(HOST|HOSTNAME|ADDR|ADDRESS|URL|URI|SERVICE|ENDPOINT|SERVER|SERVERS|BROKERS?|DSN)$/i;
const WORKLOADS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);
const ROUTES = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute']);

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

function scanObject(text: string, obj: ManifestObject, options: ScanOptions, emit: Emit): void {
  const namespace = obj.namespace ?? options.defaultNamespace;
  const base = { namespace, object: { kind: obj.kind, name: obj.name } };
  const label = `${obj.kind} ${obj.name}`;
  const node = obj.node;
  if (!isMap(node)) return;

  if (WORKLOADS.has(obj.kind)) {
    const podSpec = podSpecOf(obj.kind, node);
    if (podSpec) scanPodSpec(text, podSpec, options, { ...base, label }, emit);
    if (obj.kind === 'StatefulSet') {
      const serviceName = getIn(node, ['spec', 'serviceName']);
      if (isScalar(serviceName) && typeof serviceName.value === 'string') {
        emitService(serviceName, undefined, undefined, { ...base, context: `${label}, serviceName`, optional: true }, emit);
      }
    }
    return;
  }
  if (obj.kind === 'ConfigMap') {
    const data = getIn(node, ['data']);
    if (isMap(data)) {
      for (const pair of data.items as Pair<YamlNode, YamlNode>[]) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (isScalar(pair.value)) scanFreeText(text, pair.value, options, { ...base, context: `${label}, data.${key}` }, hostKey(key), emit);
      }
    }
    return;
  }
  if (obj.kind === 'Ingress') {
    const visitBackend = (backend: YamlNode | undefined, where: string) => {
      const svc = getIn(backend, ['service']);
      const name = getIn(svc, ['name']);
      if (!isScalar(name) || typeof name.value !== 'string') return;
      const number = getIn(svc, ['port', 'number']);
      const portName = getIn(svc, ['port', 'name']);
      const port = isScalar(number) ? number : isScalar(portName) ? portName : undefined;
      emitService(name, port, undefined, { ...base, context: `${label}, ${where}` }, emit);
    };
    visitBackend(getIn(node, ['spec', 'defaultBackend']), 'default backend');
    forEachItem(getIn(node, ['spec', 'rules']), (rule) =>
      forEachItem(getIn(rule, ['http', 'paths']), (path) => visitBackend(getIn(path, ['backend']), `backend of ${scalarText(getIn(path, ['path'])) ?? 'a path'}`)),
    );
    return;
  }
  if (obj.kind === 'ValidatingWebhookConfiguration' || obj.kind === 'MutatingWebhookConfiguration') {
    forEachItem(getIn(node, ['webhooks']), (hook) => {
      const svc = getIn(hook, ['clientConfig', 'service']);
      const name = getIn(svc, ['name']);
      if (!isScalar(name) || typeof name.value !== 'string') return;
      const ns = scalarText(getIn(svc, ['namespace']));
      emitService(name, scalarNode(getIn(svc, ['port'])), ns, { ...base, context: `${label}, webhook ${scalarText(getIn(hook, ['name'])) ?? ''}`.trim(), defaultPort: 443 }, emit);
    });
    return;
  }
  if (obj.kind === 'APIService') {
    const svc = getIn(node, ['spec', 'service']);
    const name = getIn(svc, ['name']);
    if (isScalar(name) && typeof name.value === 'string') {
      emitService(name, scalarNode(getIn(svc, ['port'])), scalarText(getIn(svc, ['namespace'])), { ...base, context: `${label}, service`, defaultPort: 443 }, emit);
    }
    return;
  }
  if (ROUTES.has(obj.kind)) {
    forEachItem(getIn(node, ['spec', 'rules']), (rule) =>
      forEachItem(getIn(rule, ['backendRefs']), (ref) => {
        const kind = scalarText(getIn(ref, ['kind'])) ?? 'Service';
        const group = scalarText(getIn(ref, ['group'])) ?? '';
        if (kind !== 'Service' || group !== '') return;
        const name = getIn(ref, ['name']);
        if (!isScalar(name) || typeof name.value !== 'string') return;
        emitService(name, scalarNode(getIn(ref, ['port'])), scalarText(getIn(ref, ['namespace'])), { ...base, context: `${label}, backendRef` }, emit);
      }),
    );
  }
}

function podSpecOf(kind: string, node: YamlNode): YamlNode | undefined {
  if (kind === 'Pod') return getIn(node, ['spec']);
  if (kind === 'CronJob') return getIn(node, ['spec', 'jobTemplate', 'spec', 'template', 'spec']);
  return getIn(node, ['spec', 'template', 'spec']);
}

interface Where {
  readonly namespace: string;
  readonly object: { readonly kind: string; readonly name: string };
}

function scanPodSpec(text: string, spec: YamlNode, options: ScanOptions, where: Where & { label: string }, emit: Emit): void {
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    forEachItem(getIn(spec, [list]), (container) => {
      const cname = scalarText(getIn(container, ['name'])) ?? '';
      const at = `${where.label}, container ${cname}`;
      forEachItem(getIn(container, ['env']), (env) => {
        const name = scalarText(getIn(env, ['name'])) ?? '';
        const value = getIn(env, ['value']);
        if (isScalar(value)) scanFreeText(text, value, options, { ...where, context: `${at}, env ${name}` }, HOST_ENV.test(name), emit);
      });
      for (const field of ['command', 'args']) {
        forEachItem(getIn(container, [field]), (arg) => {
          if (isScalar(arg)) scanFreeText(text, arg, options, { ...where, context: `${at}, ${field}` }, false, emit);
        });
      }
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        for (const handler of ['httpGet', 'tcpSocket']) {
          const host = getIn(container, [probe, handler, 'host']);
          if (isScalar(host)) scanFreeText(text, host, options, { ...where, context: `${at}, ${probe} host` }, true, emit);
        }
      }
    });
  }
}

function hostKey(key: string): boolean {
  const last = key.split(/[._-]/).pop() ?? '';
  return /^(host|hostname|addr|address|url|uri|server|servers|endpoint|brokers?)$/i.test(last);
}

function emitService(
  name: Scalar,
  port: Scalar | undefined,
  serviceNamespace: string | undefined,
  where: Where & { context: string; defaultPort?: number; optional?: boolean },
  emit: Emit,
): void {
  const [start, end] = valueRange(name);
  const portValue = port === undefined ? where.defaultPort : typeof port.value === 'number' ? port.value : typeof port.value === 'string' ? (/^\d+$/.test(port.value) ? Number(port.value) : port.value) : undefined;
  const portRange = port ? valueRange(port) : undefined;
  emit({
    kind: 'service',
    start,
    end,
    hostStart: start,
    hostEnd: end,
    host: String(name.value),
    ...(portValue !== undefined ? { port: portValue } : {}),
    ...(portRange ? { portStart: portRange[0], portEnd: portRange[1] } : {}),
    namespace: where.namespace,
    ...(serviceNamespace ? { serviceNamespace } : {}),
    ...(where.optional ? { optional: true } : {}),
    context: where.context,
    object: where.object,
  });
}

/** The offsets of a scalar's value characters (inside its quotes, if any). */
function valueRange(node: Scalar): [number, number] {
  const [start, end] = node.range ?? [0, 0];
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return [start + 1, end - 1];
  return [start, end];
}

// ---- free text ----

/** Names that never reach the cluster DNS: the pod itself. */
const LOCAL_HOSTS = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);
const TEMPLATE = /\$\{[^}]*\}|\$\([^)]*\)|\{\{[\s\S]*?\}\}|%\{[^}]*\}/g;
const URL = /\b([a-z][a-z0-9+.-]{1,15}):\/\/(?:[^@\s/]*@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?::(\d{1,5}))?/g;
const HOST_PORT = /(?<![\w.:/@-])(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?):(\d{1,5})(?![\w.:])/g;
const DOTTED = /(?<![\w.:/@-])([A-Za-z0-9_](?:[A-Za-z0-9_-]*)(?:\.[A-Za-z0-9_-]+)+)\.?(?![\w:-])/g;
const IPV6 = /(?<![\w:.])((?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4})(?![\w:.])/g;

function scanFreeText(text: string, node: Scalar, options: ScanOptions, where: Where & { context: string }, hostPosition: boolean, emit: Emit): void {
  if (typeof node.value !== 'string' && typeof node.value !== 'number') return;
  const [start, end] = valueRange(node);
  const source = text.slice(start, end);
  if (source.length === 0) return;
  // Blank out templates and comment lines (keeping offsets) so that nothing inside them is read.
  let masked = source.replace(TEMPLATE, (m) => ' '.repeat(m.length));
  // In a double-quoted scalar, escapes (`\n`, `\"`, `\u00e9`) are not part of any name.
  if (node.type === 'QUOTE_DOUBLE') masked = masked.replace(/\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (m) => ' '.repeat(m.length));
  masked = masked.replace(/(^|\n)([ \t]*)(#|\/\/|;)[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
  // The characters already claimed by a reference, as a mask: a list of ranges searched for every match made the
  // scan quadratic, and one embedded file with tens of thousands of names (a generated upstream list) held the
  // event loop for seconds before the reference budget could apply.
  const taken = new Uint8Array(source.length);
  let found = 0;
  const overlaps = (a: number, b: number) => {
    for (let k = a; k < b; k++) if (taken[k] === 1) return true;
    return false;
  };
  const zone = options.zone.toLowerCase();
  const base = { namespace: where.namespace, context: where.context, object: where.object };
  const push = (r: Omit<Reference, 'namespace' | 'context' | 'object'>) => {
    taken.fill(1, r.start - start, r.end - start);
    found++;
    emit({ ...r, ...base });
  };
  // A template glued to a token makes the whole token a template (`${SERVICE}-announce-0.${NAMESPACE}.svc`).
  const glued = (a: number, b: number) => (a > 0 && masked[a - 1] === ' ' && source[a - 1] !== ' ') || (b < masked.length && masked[b] === ' ' && source[b] !== ' ');

  for (const m of masked.matchAll(URL)) {
    const i = m.index!;
    const scheme = m[1]!.toLowerCase();
    const hostText = m[2]!;
    const hostOffset = i + m[0].indexOf(hostText, scheme.length + 3);
    if (glued(i, i + m[0].length)) continue;
    const host = hostText.replace(/^\[|\]$/g, '');
    const portText = m[3];
    push({
      kind: parseIP(host) ? 'ip' : 'url',
      start: start + i,
      end: start + i + m[0].length,
      hostStart: start + hostOffset,
      hostEnd: start + hostOffset + hostText.length,
      host,
      scheme,
      ...(portText ? { port: Number(portText), portStart: start + i + m[0].length - portText.length, portEnd: start + i + m[0].length } : {}),
    });
  }
  for (const m of masked.matchAll(HOST_PORT)) {
    const i = m.index!;
    if (overlaps(i, i + m[0].length) || glued(i, i + m[0].length)) continue;
    const hostText = m[1]!;
    const host = hostText.replace(/^\[|\]$/g, '');
    if (!/[A-Za-z]/.test(host) && parseIP(host) === undefined) continue; // a time or a ratio, not a host
    if (LOCAL_HOSTS.has(host.toLowerCase())) continue;
    const isIP = parseIP(host) !== undefined;
    push({
      kind: isIP ? 'ip' : 'host-port',
      start: start + i,
      end: start + i + m[0].length,
      hostStart: start + i,
      hostEnd: start + i + hostText.length,
      host,
      port: Number(m[2]),
      portStart: start + i + hostText.length + 1,
      portEnd: start + i + m[0].length,
    });
  }
  // Trimmed once: trimming the whole value for every dotted word was quadratic too.
  const wholeValue = masked.trim();
  for (const m of masked.matchAll(DOTTED)) {
    const i = m.index!;
    const name = m[1]!;
    const len = m[0].length;
    if (overlaps(i, i + len) || glued(i, i + len)) continue;
    const lower = name.toLowerCase();
    if (parseIP(name)) {
      push({ kind: 'ip', start: start + i, end: start + i + name.length, hostStart: start + i, hostEnd: start + i + name.length, host: name });
      continue;
    }
    // Free text is full of dotted words (file names, versions, Java packages): only cluster-looking names count,
    // and any dotted name in a host position.
    const clusterish = lower.endsWith(`.${zone}`) || /\.(svc|pod)(\.|$)/.test(lower) || /\.(svc|pod)s?\.cluster\.local$|\.services?\.cluster\.local$/.test(lower);
    if (!clusterish && !(hostPosition && wholeValue === m[0])) continue;
    push({ kind: 'name', start: start + i, end: start + i + len, hostStart: start + i, hostEnd: start + i + name.length, host: name });
  }
  for (const m of masked.matchAll(IPV6)) {
    const i = m.index!;
    if (overlaps(i, i + m[0].length) || !parseIP(m[1]!)) continue;
    push({ kind: 'ip', start: start + i, end: start + i + m[0].length, hostStart: start + i, hostEnd: start + i + m[0].length, host: m[1]! });
  }
  if (hostPosition && found === 0) {
    // A bare short name in a host position: the whole value.
    const trimmed = masked.trim();
    if (/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(trimmed) && !/^\d+$/.test(trimmed) && trimmed === source.trim()) {
      const i = masked.indexOf(trimmed);
      push({ kind: 'name', start: start + i, end: start + i + trimmed.length, hostStart: start + i, hostEnd: start + i + trimmed.length, host: trimmed });
    }
  }
}

// ---- YAML helpers ----

function getIn(node: YamlNode | undefined | null, path: string[]): YamlNode | undefined {
  let cur: unknown = node;
  for (const key of path) {
    if (!isMap(cur)) return undefined;
    cur = cur.get(key, true);
  }
  return cur === null ? undefined : (cur as YamlNode | undefined);
}

function forEachItem(node: YamlNode | undefined, fn: (item: YamlNode) => void): void {
  if (!isSeq(node)) return;
  for (const item of node.items) if (item) fn(item as YamlNode);
}

function scalarText(node: YamlNode | undefined): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

function scalarNode(node: YamlNode | undefined): Scalar | undefined {
  return isScalar(node) ? node : undefined;
}
