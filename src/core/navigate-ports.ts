/**
 * Renaming a port's name, the second thing a Service rename is asked for. Two kinds of names, each with the places
 * that follow it:
 *
 * - a **Service port's name** (`spec.ports[].name`): references that name the port (an Ingress backend's
 *   `port.name`, `_http._tcp.api.shop.svc` SRV names), and the port names of the Service's Endpoints and
 *   EndpointSlices, which the endpoints controller copies from it;
 * - a **container port's name** (`containers[].ports[].name`): the named `targetPort`s of the Services that select
 *   the pods, the container's own probes, and the `ports[].port` of ingress rules of NetworkPolicies that select
 *   the pods.
 *
 * Pure: files with their parsed objects come in, offsets go out.
 */

import { isMap, isScalar, isSeq, type Scalar, type Node as YamlNode } from 'yaml';
import { t } from './l10n';
import type { ManifestObject } from './manifests';
import { type Occurrence, type RenameResult, type ScannedFile, type ServiceKey, serviceOf, type TextEdit } from './navigate';
import type { Resolver } from './resolver';

/** A port name the cursor is on, and what it belongs to. */
export type PortTarget =
  | { readonly kind: 'service-port'; readonly service: ServiceKey; readonly name: string; readonly start: number; readonly end: number }
  | {
      readonly kind: 'container-port';
      /** The workload or pod whose template declares it. */
      readonly uri: string;
      readonly objectStart: number;
      readonly namespace: string;
      readonly container: string;
      readonly name: string;
      readonly start: number;
      readonly end: number;
    };

/** Where a pod template's spec and labels are, by kind. */
function podPaths(kind: string): { spec: string; labels: string } | undefined {
  if (kind === 'Pod') return { spec: 'spec', labels: 'metadata.labels' };
  if (kind === 'CronJob') return { spec: 'spec.jobTemplate.spec.template.spec', labels: 'spec.jobTemplate.spec.template.metadata.labels' };
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'Rollout'].includes(kind))
    return { spec: 'spec.template.spec', labels: 'spec.template.metadata.labels' };
  return undefined;
}

function nodeAt(node: unknown, path: string): unknown {
  let cur = node;
  for (const k of path.split('.')) cur = isMap(cur) ? cur.get(k, true) : undefined;
  return cur;
}

function items(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** The scalar's offsets in the file (the parsed node may be of a piece of the file: `shift` moves it back). */
function span(s: Scalar, shift: number): { start: number; end: number } | undefined {
  if (!s.range || typeof s.value !== 'string') return undefined;
  // A quoted value's range includes its quotes.
  const raw = s.source ?? s.value;
  const quoted = s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE' ? 1 : 0;
  return { start: s.range[0] + shift + quoted, end: s.range[0] + shift + quoted + String(raw).length };
}

function shiftOf(o: ManifestObject): number {
  return o.source.start - (o.node.range?.[0] ?? 0);
}

function stringAt(node: unknown, key: string): Scalar | undefined {
  const v = isMap(node) ? node.get(key, true) : undefined;
  return isScalar(v) && typeof v.value === 'string' ? v : undefined;
}

function labelsOf(node: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isMap(node)) for (const p of node.items) if (isScalar(p.key) && isScalar(p.value)) out[String(p.key.value)] = String(p.value.value);
  return out;
}

function namespaceOf(o: ManifestObject, defaultNamespace: string): string {
  return o.namespace ?? o.impliedNamespace ?? defaultNamespace;
}

/** The port name at `offset`: a Service's `ports[].name`, a reference's port name, or a container's port name. */
export function portAt(file: ScannedFile, offset: number, resolver: Resolver, defaultNamespace: string): PortTarget | undefined {
  for (const o of file.manifest.objects) {
    if (offset < o.source.start || offset > o.source.end) continue;
    const shift = shiftOf(o);
    const within = (s: Scalar | undefined) => {
      const at = s && span(s, shift);
      return at && at.start <= offset && offset <= at.end ? at : undefined;
    };
    if (o.kind === 'Service') {
      for (const p of items(nodeAt(o.node, 'spec.ports'))) {
        const s = stringAt(p, 'name');
        const at = within(s);
        if (at) return { kind: 'service-port', service: { namespace: namespaceOf(o, defaultNamespace), name: o.name }, name: s!.value as string, ...at };
      }
    }
    const paths = podPaths(o.kind);
    if (paths) {
      for (const c of containersOf(o.node, paths.spec)) {
        for (const p of items(nodeAt(c, 'ports'))) {
          const s = stringAt(p, 'name');
          const at = within(s);
          if (at)
            return {
              kind: 'container-port',
              uri: file.uri,
              objectStart: o.source.start,
              namespace: namespaceOf(o, defaultNamespace),
              container: String(stringAt(c, 'name')?.value ?? ''),
              name: s!.value as string,
              ...at,
            };
        }
      }
    }
  }
  for (const ref of file.references) {
    if (typeof ref.port !== 'string' || ref.portStart === undefined || ref.portEnd === undefined) continue;
    if (offset < ref.portStart || offset > ref.portEnd) continue;
    const service = serviceOf(ref, resolver);
    if (service) return { kind: 'service-port', service, name: ref.port, start: ref.portStart, end: ref.portEnd };
  }
  return undefined;
}

function containersOf(node: YamlNode, specPath: string): unknown[] {
  const spec = nodeAt(node, specPath);
  return [...items(nodeAt(spec, 'containers')), ...items(nodeAt(spec, 'initContainers'))];
}

/** A Service port name: an RFC 1123 label. A container port name: an IANA service name (at most 15 characters). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.{1,15}$)(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Every place that spells the port name, for find references and rename. */
export function portOccurrences(target: PortTarget, files: readonly ScannedFile[], resolver: Resolver, defaultNamespace: string): Occurrence[] {
  return target.kind === 'service-port'
    ? servicePortOccurrences(target, files, resolver, defaultNamespace)
    : containerPortOccurrences(target, files, defaultNamespace);
}

function occurrence(uri: string, at: { start: number; end: number }, kind: Occurrence['kind']): Occurrence {
  return { uri, kind, start: at.start, end: at.end, nameStart: at.start, nameEnd: at.end };
}

function servicePortOccurrences(
  target: Extract<PortTarget, { kind: 'service-port' }>,
  files: readonly ScannedFile[],
  resolver: Resolver,
  defaultNamespace: string,
): Occurrence[] {
  const { service, name } = target;
  const out: Occurrence[] = [];
  for (const f of files) {
    for (const o of f.manifest.objects) {
      if (namespaceOf(o, defaultNamespace) !== service.namespace) continue;
      const shift = shiftOf(o);
      const named = (list: unknown, kind: Occurrence['kind']) => {
        for (const p of items(list)) {
          const s = stringAt(p, 'name');
          const at = s?.value === name ? span(s, shift) : undefined;
          if (at) out.push(occurrence(f.uri, at, kind));
        }
      };
      if (o.kind === 'Service' && o.name === service.name) named(nodeAt(o.node, 'spec.ports'), 'declaration');
      if (o.kind === 'Endpoints' && o.name === service.name) for (const subset of items(nodeAt(o.node, 'subsets'))) named(nodeAt(subset, 'ports'), 'companion');
      if (o.kind === 'EndpointSlice' && labelsOf(nodeAt(o.node, 'metadata.labels'))['kubernetes.io/service-name'] === service.name)
        named(nodeAt(o.node, 'ports'), 'companion');
    }
    for (const ref of f.references) {
      const srv = srvLabel(ref.host, name);
      if (ref.port !== name && !srv) continue;
      const key = srv ? serviceOfSrv(ref, resolver) : serviceOf(ref, resolver);
      if (!key || key.namespace !== service.namespace || key.name !== service.name) continue;
      if (srv) out.push({ ...occurrence(f.uri, { start: ref.hostStart + 1, end: ref.hostStart + 1 + name.length }, 'reference'), reference: ref });
      else if (ref.portStart !== undefined && ref.portEnd !== undefined)
        out.push({ ...occurrence(f.uri, { start: ref.portStart, end: ref.portEnd }, 'reference'), reference: ref });
    }
  }
  return out;
}

/** Whether a host is an SRV name of the port (`_name._tcp.…`). */
function srvLabel(host: string, name: string): boolean {
  return host.toLowerCase().startsWith(`_${name}._`);
}

/** The Service of an SRV name: the name after `_port._proto.`. */
function serviceOfSrv(ref: ScannedFile['references'][number], resolver: Resolver): ServiceKey | undefined {
  const rest = ref.host.split('.').slice(2).join('.');
  return serviceOf({ ...ref, kind: 'name', host: rest }, resolver);
}

function containerPortOccurrences(
  target: Extract<PortTarget, { kind: 'container-port' }>,
  files: readonly ScannedFile[],
  defaultNamespace: string,
): Occurrence[] {
  const out: Occurrence[] = [];
  const holder = files.find((f) => f.uri === target.uri)?.manifest.objects.find((o) => o.source.start === target.objectStart);
  const paths = holder && podPaths(holder.kind);
  if (!holder || !paths) return out;
  const podLabels = labelsOf(nodeAt(holder.node, paths.labels));
  const shift = shiftOf(holder);
  const holderUri = target.uri;
  // The declaration, and the probes of the same container that name it.
  for (const c of containersOf(holder.node, paths.spec)) {
    if (String(stringAt(c, 'name')?.value ?? '') !== target.container) continue;
    for (const p of items(nodeAt(c, 'ports'))) {
      const s = stringAt(p, 'name');
      const at = s?.value === target.name ? span(s, shift) : undefined;
      if (at) out.push(occurrence(holderUri, at, 'declaration'));
    }
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'])
      for (const handler of ['httpGet', 'tcpSocket']) {
        const s = stringAt(nodeAt(c, `${probe}.${handler}`), 'port');
        const at = s?.value === target.name ? span(s, shift) : undefined;
        if (at) out.push(occurrence(holderUri, at, 'reference'));
      }
  }
  const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
  for (const f of files) {
    for (const o of f.manifest.objects) {
      if (namespaceOf(o, defaultNamespace) !== target.namespace) continue;
      const oShift = shiftOf(o);
      if (o.kind === 'Service') {
        const selector = labelsOf(nodeAt(o.node, 'spec.selector'));
        if (Object.keys(selector).length === 0 || !selects(selector)) continue;
        for (const p of items(nodeAt(o.node, 'spec.ports'))) {
          const s = stringAt(p, 'targetPort');
          const at = s?.value === target.name ? span(s, oShift) : undefined;
          if (at) out.push(occurrence(f.uri, at, 'reference'));
        }
      }
      if (o.kind === 'NetworkPolicy') {
        const podSelector = nodeAt(o.node, 'spec.podSelector');
        const rules = items(nodeAt(o.node, 'spec.ingress'));
        const named = rules.flatMap((r) => items(nodeAt(r, 'ports')).map((p) => stringAt(p, 'port'))).filter((s) => s?.value === target.name);
        if (named.length === 0) continue;
        // A selector with expressions is not decided here: the rename says so rather than guess.
        const expressions = items(nodeAt(podSelector, 'matchExpressions')).length > 0;
        const at0 = span(named[0]!, oShift)!;
        if (expressions) {
          out.push({
            ...occurrence(f.uri, at0, 'reference'),
            unrenamable: t('NetworkPolicy {0} names port {1} with a selector NetLens does not decide here; rename it by hand', o.name, target.name),
          });
          continue;
        }
        if (!selects(labelsOf(nodeAt(podSelector, 'matchLabels')))) continue;
        for (const s of named) out.push(occurrence(f.uri, span(s!, oShift)!, 'reference'));
      }
    }
  }
  return out;
}

/** The edits that rename a port name everywhere it is spelled; refused, with the reason, where they cannot be made. */
export function portRenameEdits(target: PortTarget, newName: string, found: readonly Occurrence[]): RenameResult {
  const valid = target.kind === 'service-port' ? DNS_LABEL.test(newName) : IANA_SVC_NAME.test(newName);
  if (!valid)
    return {
      ok: false,
      message:
        target.kind === 'service-port'
          ? t('"{0}" is not a valid Service port name: lower-case letters, digits and "-", at most 63 characters.', newName)
          : t('"{0}" is not a valid container port name: at most 15 lower-case letters, digits and "-", with at least one letter and no "--".', newName),
    };
  const blocked = found.find((o) => o.unrenamable);
  if (blocked) return { ok: false, message: t('Port {0} cannot be renamed as text: {1}.', target.name, blocked.unrenamable!) };
  const seen = new Set<string>();
  const edits: TextEdit[] = [];
  for (const o of found) {
    const k = `${o.uri}#${o.nameStart}`;
    if (seen.has(k) || o.nameStart === undefined || o.nameEnd === undefined) continue;
    seen.add(k);
    edits.push({ uri: o.uri, start: o.nameStart, end: o.nameEnd, newText: newName });
  }
  edits.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.start - b.start));
  return { ok: true, edits };
}
