/**
 * The policy findings of one file: references whose traffic NetworkPolicies block (NL017 egress, NL018 ingress),
 * names looked up by pods that may not reach the cluster DNS (NL019), and, for the NetworkPolicies the file
 * declares, a podSelector that selects nothing (NL020) and a peer that matches nothing (NL021).
 *
 * A false alarm costs more than a missed one. Nothing is reported where the model cannot know: a verdict that is
 * `unknown` (policies of other APIs, labels of a namespace the model does not hold, a pod IP not allocated yet, a
 * model without NetworkPolicies), a weak reference, a namespace whose pods the manifests do not hold, or pods an
 * operator may run with labels NetLens does not see.
 */
import { isMap, isScalar, type Node as YamlNode } from 'yaml';
import { applySeverities, type CheckOptions, type CheckSource, closest, type Finding, type Fix, orList } from '../check';
import { t } from '../l10n';
import type { ManifestObject, ParsedManifest } from '../manifests';
import type { LabelSelector, NetworkPolicy, Pod } from '../model';
import { type Direction, NAMESPACE_NAME_LABEL } from '../policy/policy-index';
import { isEmptySelector, selectorMatches, selectorText } from '../policy/selector';
import type { DnsOptions } from '../policy/service';
import type { Reference } from '../references';
import type { ClusterSnapshot } from '../snapshot';
import type { ReachPath } from './judge';
import { type ReachModel, reachModel } from './model';
import { isPodConnection, type ReferenceVerdict, referenceVerdict } from './reference';
import { blockedDirection, dnsBlocked, list, portText, targetText, workloadText } from './text';
import { appendToSequence, matchLabelsLines, nodeAt, nodeRange, pairRange } from './yaml-edit';

export interface PolicyCheckOptions extends CheckOptions {
  readonly sources: readonly CheckSource[];
  /** The workspace model: the holders' pods, and the policies and pods of the file's namespaces. */
  readonly workspace: ClusterSnapshot;
  readonly dns?: DnsOptions;
}

export function checkPolicies(manifest: ParsedManifest, references: readonly Reference[], options: PolicyCheckOptions): Finding[] {
  const out: Finding[] = [];
  for (const ref of references) out.push(...referenceFindings(manifest, ref, options));
  out.push(...declaredPolicyFindings(manifest, options));
  return applySeverities(out, options);
}

// ---- references ----

function referenceFindings(manifest: ParsedManifest, ref: Reference, options: PolicyCheckOptions): Finding[] {
  if (ref.strength !== 'strong' || !isPodConnection(ref)) return [];
  const v = referenceVerdict(ref, options);
  if (!v) return [];
  const out: Finding[] = [];
  const where = v.live ? t(' (in {0})', v.model) : '';
  const consumers = v.consumers ?? [];
  const config = `${v.holder.kind} ${v.holder.namespace}/${v.holder.name}`;
  // Who connects: the holder's pods, or those of the workloads that read the ConfigMap or Secret holding it.
  const holder =
    consumers.length === 0
      ? workloadText(v.holder)
      : consumers.length === 1
        ? t('{0} (which reads {1})', workloadText(consumers[0]!.workload), config)
        : t('any workload that reads {0} ({1})', config, list(consumers.map((c) => workloadText(c.workload))));
  const Holder = holder.charAt(0).toUpperCase() + holder.slice(1);
  // For a ConfigMap read by several workloads, only traffic that none of them may send is certainly blocked for the
  // program that uses the value.
  const everyReader = consumers.every((c) => c.reach.verdict === 'blocked' || c.reach.verdict === 'partial');
  if ((v.reach.verdict === 'blocked' || v.reach.verdict === 'partial') && everyReader) {
    const paths = v.reach.paths;
    const endpoints = new Set(paths.map((p) => p.pod ?? p.address)).size;
    for (const dir of ['egress', 'ingress'] as const) {
      const blocked = paths.filter((p) => (dir === 'egress' ? p.egress : p.ingress).verdict === 'blocked');
      if (blocked.length === 0) continue;
      const pods = [...new Set(blocked.map((p) => p.pod ?? p.address ?? '?'))];
      const first = blocked[0]!;
      const port = portText(first.port, first.protocol);
      const scope = pods.length < endpoints ? t(' to {0} of its {1} endpoints ({2})', pods.length, endpoints, list(pods)) : '';
      const message =
        dir === 'egress'
          ? t('{0} may not connect to {1} on {2}{3}: {4}{5}.', Holder, targetText(v.target), port, scope, blockedDirection('egress', first), where)
          : t('{0} does not admit {1} on {2}{3}: {4}{5}.', targetText(v.target), holder, port, scope, blockedDirection('ingress', first), where);
      const code = dir === 'egress' ? 'NL017' : 'NL018';
      out.push({
        code,
        severity: 'warning',
        start: ref.hostStart,
        end: ref.hostEnd,
        message,
        fixes: consumers.length > 1 ? [] : admitFixes(manifest, v, first, dir, options),
      });
    }
  }
  const dns = v.dns;
  if (dns?.isolated && dns.verdict === 'blocked') {
    out.push({
      code: 'NL019',
      severity: 'warning',
      start: ref.hostStart,
      end: ref.hostEnd,
      message: t('{0} looks up "{1}" in the cluster DNS, but {2}{3}: the name does not resolve from its pods.', Holder, ref.host, dnsBlocked(dns), where),
      fixes: [],
    });
  }
  return out;
}

// ---- quick fixes ----

/** Labels that differ between the pods of one workload (a StatefulSet's, a ReplicaSet's hash): never in a peer. */
const PER_POD_LABELS = new Set(['statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'pod-template-hash', 'controller-revision-hash']);
const NAME_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name', 'component'];

/**
 * The labels a peer selects a pod by: the keys the policy's other peers use, when the pod has them (the policy's
 * own convention); else one usual name label; else all its labels but the per-pod ones.
 */
function peerLabels(labels: Readonly<Record<string, string>>, policy: NetworkPolicy, dir: Direction): Record<string, string> | undefined {
  const used = new Set<string>();
  for (const rule of dir === 'ingress' ? policy.ingress : policy.egress)
    for (const p of rule.peers) for (const k in p.podSelector?.matchLabels ?? {}) used.add(k);
  const pick = (keys: Iterable<string>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const k of keys) if (labels[k] !== undefined && !PER_POD_LABELS.has(k)) out[k] = labels[k]!;
    return out;
  };
  const own = pick(used);
  if (Object.keys(own).length > 0) return own;
  const named = NAME_LABELS.find((k) => labels[k] !== undefined);
  if (named) return { [named]: labels[named]! };
  const all = pick(Object.keys(labels));
  return Object.keys(all).length > 0 ? all : undefined;
}

function labelsText(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** The policy's object in this file, with the shift from its node's offsets to the file's. */
function policyObject(manifest: ParsedManifest, policy: NetworkPolicy): { obj: ManifestObject; shift: number } | undefined {
  if (!policy.source || policy.source.uri !== manifest.uri) return undefined;
  const obj = manifest.objects.find((o) => o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1' && o.source.start === policy.source!.start);
  if (!obj || !isMap(obj.node)) return undefined;
  // A large file is parsed a piece at a time: the object's source is placed in the file, its nodes are not.
  return { obj, shift: obj.source.start - (obj.node.range?.[0] ?? 0) };
}

/**
 * Fixes for a blocked direction, edits of a policy in this file that selects the side that isolates: add the
 * missing peer or port to the closest rule, or add a rule that admits exactly this peer on this port. A policy
 * whose podSelector is `{}` is left alone: a rule added there would admit the peer to every pod of the namespace.
 */
function admitFixes(manifest: ParsedManifest, v: ReferenceVerdict, path: ReachPath, dir: Direction, options: PolicyCheckOptions): Fix[] {
  const d = dir === 'egress' ? path.egress : path.ingress;
  const model = modelOf(v, options);
  if (!model) return [];
  const candidates = [...new Set([...(d.closest ? [d.closest.policy] : []), ...d.isolatedBy])];
  const policies = candidates
    .map((id) => model.index.policy(id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)))
    .filter((p): p is NetworkPolicy => p !== undefined && !isEmptySelector(p.podSelector) && policyObject(manifest, p) !== undefined);
  if (policies.length === 0) return [];
  const peer = peerOf(v, path, dir, model, options);
  if (!peer) return [];
  const peerField = dir === 'ingress' ? 'from' : 'to';
  /** The peer as a given policy would write it: by the label keys its other peers use, where they fit. */
  const peerFor = (p: NetworkPolicy): { lines: string[]; text: string } | undefined => {
    const labels = dir === 'ingress' ? peerLabels(peer.labels, p, dir) : peer.labels;
    if (!labels) return undefined;
    const podSelector = ['podSelector:', ...matchLabelsLines(labels).map((l) => `  ${l}`)];
    const lines = peer.namespace
      ? [...podSelector, 'namespaceSelector:', ...matchLabelsLines({ [NAMESPACE_NAME_LABEL]: peer.namespace }).map((l) => `  ${l}`)]
      : podSelector;
    return { lines, text: peer.namespace ? t('{0} in namespace {1}', labelsText(labels), peer.namespace) : labelsText(labels) };
  };
  const fixes: Fix[] = [];
  const closestPolicy = d.closest ? policies.find((p) => `${p.namespace}/${p.name}` === d.closest!.policy) : undefined;
  // A rule of address blocks that "lacks the port" was undecided on the peer (a pod without an IP yet): a port
  // added there would not admit the pod, so only a rule of pod selectors is edited.
  const closestRule = closestPolicy && d.closest ? ruleOf(closestPolicy, d.closest.rule) : undefined;
  if (d.closest && closestPolicy && d.closest.missing.length === 1 && closestRule && !closestRule.peers.some((p) => p.ipBlock)) {
    const at = policyObject(manifest, closestPolicy)!;
    const index = Number(/\[(\d+)\]$/.exec(d.closest.rule)?.[1]);
    const written = peerFor(closestPolicy);
    if (d.closest.missing[0] === 'peer' && written) {
      const edit = appendToSequence(manifest.text, nodeAt(at.obj.node, ['spec', dir, index, peerField]), at.shift, written.lines);
      if (edit) fixes.push({ title: t('Add {0} to {1}', written.text, d.closest.rule), edits: [edit] });
    } else if (d.closest.missing[0] === 'port') {
      const edit = appendToSequence(manifest.text, nodeAt(at.obj.node, ['spec', dir, index, 'ports']), at.shift, [
        `port: ${path.port}`,
        `protocol: ${path.protocol}`,
      ]);
      if (edit) fixes.push({ title: t('Add port {0} to {1}', portText(path.port, path.protocol), d.closest.rule), edits: [edit] });
    }
  }
  for (const p of policies) {
    const at = policyObject(manifest, p)!;
    const written = peerFor(p);
    if (!written) continue;
    const rule = [
      `${peerField}:`,
      `- ${written.lines[0]}`,
      ...written.lines.slice(1).map((l) => `  ${l}`),
      'ports:',
      `- port: ${path.port}`,
      `  protocol: ${path.protocol}`,
    ];
    const edit = appendToSequence(manifest.text, nodeAt(at.obj.node, ['spec', dir]), at.shift, rule);
    if (edit) {
      fixes.push({
        title: t('Add an {0} rule to {1} for {2} on {3}', dir, `${p.namespace}/${p.name}`, written.text, portText(path.port, path.protocol)),
        edits: [edit],
      });
      break;
    }
  }
  return fixes;
}

/** A policy's rule by its id (`NS/NAME#ingress[i]`). */
function ruleOf(policy: NetworkPolicy, id: string): NetworkPolicy['ingress'][number] | undefined {
  const m = /#(ingress|egress)\[(\d+)\]$/.exec(id);
  if (!m) return undefined;
  return (m[1] === 'ingress' ? policy.ingress : policy.egress)[Number(m[2])];
}

/** The model that judged a verdict (the source of the checks it names). */
function modelOf(v: ReferenceVerdict, options: PolicyCheckOptions): ReachModel | undefined {
  const source = options.sources.find((s) => s.name === v.model);
  return source ? reachModel(source.resolver.snapshot) : undefined;
}

/**
 * The other side of a blocked direction, as a peer: for ingress, the reference's pods (their labels); for egress,
 * the destination's pods (the Service's selector when there is one, else the pod's name label). `namespace` is set
 * when the peer lives in another namespace than the policy.
 */
function peerOf(
  v: ReferenceVerdict,
  path: ReachPath,
  dir: Direction,
  model: ReachModel,
  options: PolicyCheckOptions,
): { labels: Readonly<Record<string, string>>; namespace?: string } | undefined {
  const policyNamespace = (dir === 'egress' ? path.egress : path.ingress).pod?.split('/')[0];
  let labels: Readonly<Record<string, string>> | undefined;
  let namespace: string | undefined;
  if (dir === 'ingress') {
    const pod = reachModel(options.workspace).podsOf(v.consumers?.[0]?.workload ?? v.holder)[0];
    labels = pod?.labels;
    namespace = pod?.namespace;
  } else {
    const svc = v.target.kind === 'Service' && v.target.endpoint === undefined ? model.snapshot.service(v.target.namespace, v.target.name) : undefined;
    const [ns, name] = (path.pod ?? '/').split('/') as [string, string];
    const pod = path.pod ? model.snapshot.pod(ns, name) : undefined;
    labels = svc?.selector ?? (pod ? pickNamed(pod.labels) : undefined);
    namespace = svc?.namespace ?? pod?.namespace;
  }
  if (!labels || !namespace || Object.keys(labels).length === 0) return undefined;
  return { labels, ...(namespace !== policyNamespace ? { namespace } : {}) };
}

function pickNamed(labels: Readonly<Record<string, string>>): Record<string, string> {
  const named = NAME_LABELS.find((k) => labels[k] !== undefined);
  if (named) return { [named]: labels[named]! };
  const out: Record<string, string> = {};
  for (const k in labels) if (!PER_POD_LABELS.has(k)) out[k] = labels[k]!;
  return out;
}

// ---- the policies the file declares ----

function declaredPolicyFindings(manifest: ParsedManifest, options: PolicyCheckOptions): Finding[] {
  const out: Finding[] = [];
  const declared = reachModel(options.workspace).policiesIn(manifest.uri);
  if (declared.length === 0) return out;
  const facts = options.sources.find((s) => !s.live)?.facts;
  /** Namespaces where pods NetLens does not see may run: none of the workspace's, or an operator's resource. */
  const unknownPods = (ns: string): boolean => {
    for (const _ of options.workspace.podsIn(ns)) return (facts?.customResources ?? []).some((cr) => cr.namespace === ns);
    return true;
  };
  /** Whether any model holds a pod of these namespaces that the selector matches (host-network pods included). */
  const matchesAny = (namespaces: readonly string[], selector: LabelSelector): boolean => {
    const snapshots = new Set([options.workspace, ...options.sources.map((s) => s.resolver.snapshot)]);
    for (const s of snapshots) for (const ns of namespaces) for (const p of s.podsIn(ns)) if (selectorMatches(selector, p.labels)) return true;
    return false;
  };
  for (const policy of declared) {
    const at = policyObject(manifest, policy);
    if (!at) continue;
    const spec = nodeAt(at.obj.node, ['spec']);
    const id = `${policy.namespace}/${policy.name}`;
    if (!isEmptySelector(policy.podSelector) && !unknownPods(policy.namespace) && !matchesAny([policy.namespace], policy.podSelector)) {
      const f = selectsNothing(manifest, spec, 'podSelector', at.shift, policy.podSelector, [policy.namespace], options.workspace);
      if (f) {
        out.push({
          code: 'NL020',
          severity: 'warning',
          ...f.range,
          message: t(
            'The podSelector of NetworkPolicy {0} ({1}) selects no pod of namespace {2}: the policy isolates nothing and its rules admit nothing{3}',
            id,
            selectorText(policy.podSelector),
            policy.namespace,
            f.hint,
          ),
          fixes: f.fixes,
        });
      }
    }
    for (const dir of ['ingress', 'egress'] as const) {
      const field = dir === 'ingress' ? 'from' : 'to';
      (dir === 'ingress' ? policy.ingress : policy.egress).forEach((rule, i) => {
        rule.peers.forEach((peer, j) => {
          if (!peer.podSelector || isEmptySelector(peer.podSelector)) return;
          const namespaces = peer.namespaceSelector ? namedNamespaces(peer.namespaceSelector) : [policy.namespace];
          if (!namespaces || namespaces.length === 0 || namespaces.some(unknownPods)) return;
          if (matchesAny(namespaces, peer.podSelector)) return;
          const peerNode = nodeAt(spec, [dir, i, field, j]);
          const f = selectsNothing(manifest, peerNode, 'podSelector', at.shift, peer.podSelector, namespaces, options.workspace);
          if (!f) return;
          out.push({
            code: 'NL021',
            severity: 'warning',
            ...f.range,
            message: t(
              'Peer {0} of {1} selects pods {2} in namespace {3}, and none has those labels: the rule admits nothing through this peer{4}',
              j,
              `${id}#${dir}[${i}]`,
              selectorText(peer.podSelector),
              namespaces.join(', '),
              f.hint,
            ),
            fixes: f.fixes,
          });
        });
      });
    }
  }
  return out;
}

/**
 * The namespaces a namespaceSelector picks by name alone (`kubernetes.io/metadata.name` in matchLabels or `In`);
 * undefined when it selects by any other label (which namespaces those are is not decided by names).
 */
function namedNamespaces(s: LabelSelector): string[] | undefined {
  let names: string[] | undefined;
  const keep = (values: readonly string[]) => {
    names = names === undefined ? [...values] : names.filter((n) => values.includes(n));
  };
  for (const k in s.matchLabels) {
    if (k !== NAMESPACE_NAME_LABEL) return undefined;
    keep([s.matchLabels[k]!]);
  }
  for (const r of s.matchExpressions) {
    if (r.key !== NAMESPACE_NAME_LABEL || r.operator !== 'In') return undefined;
    keep(r.values);
  }
  return names;
}

/**
 * Where a selector that selects nothing is written (its first pair that no pod of these namespaces has, else the
 * whole selector), with the near values of that pair's key as fixes.
 */
function selectsNothing(
  manifest: ParsedManifest,
  holder: YamlNode | undefined,
  key: string,
  shift: number,
  selector: LabelSelector,
  namespaces: readonly string[],
  workspace: ClusterSnapshot,
): { range: { start: number; end: number }; hint: string; fixes: Fix[] } | undefined {
  const whole = pairRange(manifest.text, holder, key, shift) ?? nodeRange(manifest.text, holder, shift) ?? [0, 0];
  const pods: Pod[] = [];
  for (const ns of namespaces) for (const p of workspace.podsIn(ns)) pods.push(p);
  // A key no pod carries at all says the policy was written for pods kept elsewhere (another repository, a chart not
  // rendered), not that it is wrong: only a value that differs from what the pods carry points at a mistake.
  const keys = [
    ...Object.keys(selector.matchLabels),
    ...selector.matchExpressions.filter((r) => r.operator === 'In' || r.operator === 'Exists').map((r) => r.key),
  ];
  if (keys.some((k) => !pods.some((p) => p.labels[k] !== undefined))) return undefined;
  const lonely = Object.entries(selector.matchLabels).find(([k, v]) => !pods.some((p) => p.labels[k] === v));
  if (!lonely) return { range: { start: whole[0], end: whole[1] }, hint: t('.'), fixes: [] };
  const [k, v] = lonely;
  const labelsNode = nodeAt(holder, [key, 'matchLabels']);
  const range = pairRange(manifest.text, labelsNode, k, shift) ?? whole;
  const values = [...new Set(pods.map((p) => p.labels[k]).filter((x): x is string => x !== undefined))];
  const near = closest(v, values);
  const valueNode = nodeAt(labelsNode, [k]);
  const fixes: Fix[] = [];
  if (isScalar(valueNode) && valueNode.range && valueNode.type === 'PLAIN') {
    for (const n of near)
      fixes.push({ title: t('Change {0} to {1}', k, n), edits: [{ start: valueNode.range[0] + shift, end: valueNode.range[1] + shift, newText: n }] });
  }
  const hint = near.length > 0 ? t('; did you mean {0}?', orList(near.map((n) => `${k}=${n}`))) : t(' (its pods have {0}).', `${k}=${list(values.sort())}`);
  return { range: { start: range[0], end: range[1] }, hint, fixes };
}
