/**
 * `netlens reach`: whether NetworkPolicies let one workload's pods connect to a target, and the workload × workload
 * table of a set of manifests.
 *
 *   netlens reach SOURCE TARGET [-f PATH]... [--port P] [--protocol TCP|UDP|SCTP] [--json]
 *   netlens reach --matrix -f PATH... [-n NS] [--port P] [--protocol PROTO] [--json]
 *
 * SOURCE is `NS/NAME` of a pod or `NS/KIND/NAME` of a workload (its pod template); TARGET a name or IP as `resolve`
 * takes it (resolved from SOURCE's namespace), `host:port`, or `NS/KIND/NAME` (a Service, or a workload's pods).
 * Exit status: 0 when answered (a blocked connection is an answer), 2 for bad usage or unreadable input.
 */
import { parseArgs } from 'node:util';
import type { LiveModel } from '../cluster/live-model';
import { parseIP } from '../core/ip';
import { t } from '../core/l10n';
import type { Pod, Protocol } from '../core/model';
import { DEFAULT_NAMESPACE, InvalidZoneError, labelsUnder } from '../core/names';
import {
  type DnsReach,
  judge,
  judgeDns,
  judgeTarget,
  type Matrix,
  policyLine,
  type Reach,
  type ReachModel,
  type ReachPath,
  reachMatrix,
  reachModel,
  reachText,
  servedPorts,
  serviceTarget,
  type Target,
  type TargetSummary,
  verdictWord,
} from '../core/reach';
import { Interner, type Json, podWith, reducePod } from '../core/reduce';
import { Resolver } from '../core/resolver';
import type { ClusterSnapshot } from '../core/snapshot';
import { buildWorkspaceModel } from '../core/workspace';
import { loadManifests } from './files';
import { problemText } from './format';

export const REACH_USAGE = `Usage:
  netlens reach SOURCE TARGET [-f PATH]... [--port P] [--protocol TCP|UDP|SCTP] [--json]
  netlens reach --matrix -f PATH... [-n NS] [--port P] [--protocol TCP|UDP|SCTP] [--json]

Whether the cluster's NetworkPolicies let SOURCE's pods connect to TARGET, from the manifests under
each PATH or, without -f, from the live cluster of the current kubeconfig context.

  SOURCE   NS/NAME of a pod, or NS/KIND/NAME of a workload (its pod template), e.g. shop/Deployment/web
  TARGET   a name or IP as resolve takes it, resolved from SOURCE's namespace (api, api.shop, 10.96.0.7),
           host:port (api:8080), or NS/KIND/NAME (shop/Service/api, or a workload's pods directly)

Options:
  -f, --file PATH           a manifest file or folder (repeatable)
      --context NAME        the kubeconfig context to read (default: the current context)
      --kubeconfig PATH     the kubeconfig file (default: KUBECONFIG, else ~/.kube/config)
  -n, --namespace NS        manifests that name no namespace are in NS (default: default); with --matrix,
                            only the workloads of NS
      --zone ZONE           the cluster domain (default: cluster.local)
      --port P              the port to connect to (a number, or a Service port's name); default: the port
                            TARGET writes, else each port of the Service (or the ports the workload serves)
      --protocol PROTO      TCP (default), UDP or SCTP
      --matrix              every workload to every workload of the manifests, on the ports each serves
      --json                print the answer as JSON
      --locale LANG         the language of the messages: es, zh-CN or ko (default: LC_ALL, LC_MESSAGES, LANG)
  -h, --help                show this help

Exit status: 0 when answered (blocked is an answer), 2 for bad usage or unreadable input.
`;

class UsageError extends Error {}

export interface ReachDeps {
  /** Reads the live cluster of a kubeconfig context once (the `connect` of main.ts); it throws with a message to show. */
  readonly connect: (context: string | undefined, kubeconfig: string | undefined) => Promise<LiveModel>;
  /** Called before JSON is written: its messages are English unless the user chose a language (main.ts). */
  readonly machineFormat?: () => void;
}

type Write = (s: string) => void;

/** Runs `netlens reach` with its arguments (after the command word); returns the exit status. */
export async function runReach(args: readonly string[], out: Write, err: Write, deps: ReachDeps): Promise<number> {
  try {
    return await reach(args, out, err, deps);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`netlens: ${(e as Error).message}\n\n${REACH_USAGE}`);
      return 2;
    }
    throw e;
  }
}

interface Loaded {
  readonly snapshot: ClusterSnapshot;
  readonly resolver: Resolver;
  readonly live?: LiveModel;
  /** The model's name in sentences. */
  readonly name: string;
}

async function reach(args: readonly string[], out: Write, err: Write, deps: ReachDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      file: { type: 'string', short: 'f', multiple: true },
      namespace: { type: 'string', short: 'n' },
      zone: { type: 'string' },
      port: { type: 'string' },
      protocol: { type: 'string' },
      matrix: { type: 'boolean' },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out(REACH_USAGE);
    return 0;
  }
  const files = values.file ?? [];
  if (files.length > 0 && (values.context !== undefined || values.kubeconfig !== undefined)) {
    throw new UsageError(t('-f reads manifests; --context and --kubeconfig read a live cluster: give one or the other'));
  }
  const protocol = protocolOf(values.protocol);
  const port = portOf(values.port);
  if (values.matrix) {
    if (positionals.length > 0) throw new UsageError(t('--matrix judges every workload of the manifests: give no SOURCE or TARGET'));
    if (files.length === 0) throw new UsageError(t('--matrix reads manifests: give them with -f'));
    if (typeof port === 'string') throw new UsageError(t('--matrix judges pods directly: --port must be a number'));
  } else if (positionals.length !== 2) {
    throw new UsageError(positionals.length < 2 ? t('give a SOURCE and a TARGET') : t('give one SOURCE and one TARGET; got {0} arguments', positionals.length));
  }
  if (values.json) deps.machineFormat?.();
  const loaded = await load(files, values.namespace ?? DEFAULT_NAMESPACE, values.zone, values.context, values.kubeconfig, err, deps);
  if (typeof loaded === 'number') return loaded;
  try {
    if (values.matrix) {
      const matrix = reachMatrix(loaded.snapshot, {
        ...(values.namespace ? { namespace: values.namespace } : {}),
        ...(typeof port === 'number' ? { port } : {}),
        ...(protocol ? { protocol } : {}),
      });
      out(values.json ? `${JSON.stringify(matrixJson(matrix))}\n` : matrixText(matrix, loaded.name, values.namespace));
      return 0;
    }
    const answer = await one(loaded, positionals[0]!, positionals[1]!, port, protocol);
    out(values.json ? `${JSON.stringify(answerJson(answer))}\n` : answerText(answer));
    return 0;
  } finally {
    loaded.live?.stop();
  }
}

function protocolOf(text: string | undefined): Protocol | undefined {
  if (text === undefined) return undefined;
  const p = text.toUpperCase();
  if (p !== 'TCP' && p !== 'UDP' && p !== 'SCTP') throw new UsageError(t('{0} must be TCP, UDP or SCTP; got "{1}"', '--protocol', text));
  return p;
}

function portOf(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < 1 || n > 65535) throw new UsageError(t('{0} must be 1 to 65535; got {1}', '--port', text));
    return n;
  }
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(text) || text.length > 15)
    throw new UsageError(t('{0} must be a port number or a port name; got "{1}"', '--port', text));
  return text;
}

async function load(
  files: string[],
  namespace: string,
  zone: string | undefined,
  context: string | undefined,
  kubeconfig: string | undefined,
  err: Write,
  deps: ReachDeps,
): Promise<Loaded | number> {
  const resolverOptions = { ...(zone !== undefined ? { zone } : {}), podRecords: 'insecure' as const };
  try {
    if (files.length > 0) {
      const loaded = loadManifests(files);
      for (const p of loaded.unreadable) err(`netlens: ${problemText(p)}\n`);
      if (loaded.unreadable.length > 0) return 2;
      const model = buildWorkspaceModel(loaded.manifests, { defaultNamespace: namespace });
      for (const p of model.report.problems) if (p.code !== 'duplicate-key') err(`netlens: ${problemText(p)}\n`);
      const manifests = t('the manifests');
      return { snapshot: model.snapshot, resolver: new Resolver(model.snapshot, { ...resolverOptions, sourceName: manifests }), name: manifests };
    }
    const live = await deps.connect(context, kubeconfig);
    const name = t('the cluster of context {0}', live.kubeconfig.context);
    const snapshot = live.snapshot();
    if (snapshot.networkPolicies === undefined) err(`netlens: ${t('NetworkPolicies of {0} cannot be read; verdicts are unknown', name)}\n`);
    return { snapshot, resolver: new Resolver(snapshot, { ...resolverOptions, sourceName: name }), live, name };
  } catch (e) {
    if (e instanceof InvalidZoneError) throw new UsageError(e.message);
    throw e;
  }
}

// ---- one question ----

interface Source {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  readonly pods: readonly Pod[];
}

type TargetInput =
  | { readonly kind: 'object'; readonly namespace: string; readonly objectKind: string; readonly name: string }
  | { readonly kind: 'host'; readonly host: string; readonly port?: number };

interface Answer {
  readonly model: string;
  readonly source: Source;
  readonly input: string;
  readonly target:
    | TargetSummary
    | {
        readonly kind: 'Workload';
        readonly namespace: string;
        readonly workload: string;
        readonly name: string;
        readonly ports: readonly { port: number; protocol: Protocol }[];
      }
    | { readonly kind: 'Address' | 'Outside'; readonly host: string; readonly port: number; readonly protocol: Protocol }
    | { readonly kind: 'NotFound'; readonly host: string };
  readonly reach: Reach;
  /** Undefined when no name is looked up (an IP, or NS/KIND/NAME). */
  readonly dns?: DnsReach;
}

/** The built-in workload kinds by their lower-case name, as a person types them. */
const KIND_NAMES: Readonly<Record<string, string>> = {
  pod: 'Pod',
  deployment: 'Deployment',
  replicaset: 'ReplicaSet',
  replicationcontroller: 'ReplicationController',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  job: 'Job',
  cronjob: 'CronJob',
  rollout: 'Rollout',
  service: 'Service',
};

function kindName(text: string): string {
  return KIND_NAMES[text.toLowerCase()] ?? text;
}

async function one(loaded: Loaded, sourceText: string, targetText: string, port: number | string | undefined, protocol: Protocol | undefined): Promise<Answer> {
  const model = reachModel(loaded.snapshot);
  const source = await sourceOf(loaded, model, sourceText);
  const input = parseTarget(targetText);
  if (input.kind === 'host' && input.port !== undefined && port !== undefined && input.port !== port)
    throw new UsageError(t('TARGET says port {0} and --port {1}: give one', input.port, port));
  const written = input.kind === 'host' ? (input.port ?? port) : port;
  const base = { model: loaded.name, source, input: targetText };
  if (input.kind === 'object') {
    const kind = kindName(input.objectKind);
    if (kind === 'Service') {
      const svc = loaded.snapshot.service(input.namespace, input.name);
      if (!svc) throw new UsageError(t('no Service {0} in {1}', `${input.namespace}/${input.name}`, loaded.name));
      return serviceAnswer(base, model, source, serviceTarget(svc, written, protocol), `Service ${input.namespace}/${input.name}`);
    }
    const pods = workloadPods(model, loaded, input.namespace, kind, input.name);
    if (pods.length === 0) throw new UsageError(t('no {0} with pods in {1}', `${kind} ${input.namespace}/${input.name}`, loaded.name));
    if (typeof written === 'string') throw new UsageError(t('a workload is reached on a port number: --port must be a number'));
    const ports = written !== undefined ? [{ port: written, protocol: protocol ?? 'TCP' }] : servedPorts(loaded.snapshot, pods);
    if (ports.length === 0) throw new UsageError(t('{0} serves no port: give --port', `${kind} ${input.namespace}/${input.name}`));
    const each = ports.map((p) => judge(model, source.pods, { kind: 'Pods', pods, port: p.port, protocol: p.protocol }));
    return { ...base, target: { kind: 'Workload', namespace: input.namespace, workload: kind, name: input.name, ports }, reach: combined(each) };
  }
  const ip = parseIP(input.host);
  if (ip) {
    const svc = loaded.snapshot.servicesWithClusterIP(ip.text)[0];
    if (svc) return serviceAnswer(base, model, source, serviceTarget(svc, written, protocol), `Service ${svc.namespace}/${svc.name}`);
    if (typeof written !== 'number') throw new UsageError(t("{0} is no Service's cluster IP: give the port ({0}:PORT or --port)", ip.text));
    const pod = loaded.snapshot.podsWithIP(ip.text)[0];
    const target = pod
      ? { kind: 'Pods' as const, pods: [pod], port: written, protocol: protocol ?? 'TCP' }
      : { kind: 'Address' as const, ip: ip.text, port: written, protocol: protocol ?? 'TCP' };
    const summary = pod
      ? ({ kind: 'Pod', namespace: pod.namespace, name: pod.name, port: written, protocol: protocol ?? 'TCP' } as const)
      : ({ kind: 'Address', host: ip.text, port: written, protocol: protocol ?? 'TCP' } as const);
    return { ...base, target: summary, reach: judge(model, source.pods, target) };
  }
  const r = loaded.resolver.resolve(input.host, { namespace: source.namespace, qtype: 'A' });
  if (!r.ok) throw new UsageError(t('"{0}" is not a name or an IP address: {1}', input.host, r.error.message));
  const dns = judgeDns(model, source.pods);
  // A dotted name that no search step finds and that the cluster DNS forwards (REFUSED here) is outside the cluster,
  // unless its second label is a namespace (`api.shop`: a Service missing from that namespace).
  const search = r.answer.explanation.search;
  const hostLabels = input.host.replace(/\.$/, '').split('.');
  const forwarded = r.answer.rcode === 'REFUSED' || (r.answer.rcode !== 'NOERROR' && search?.[search.length - 1]?.rcode === 'REFUSED');
  if (forwarded && hostLabels.length > 1 && !loaded.snapshot.hasNamespace(hostLabels[1]!)) {
    // Outside the cluster domain: the cluster DNS forwards it, and the address is not known here.
    if (typeof written !== 'number') throw new UsageError(t('{0} is outside the cluster: give the port ({0}:PORT or --port)', input.host));
    const p = protocol ?? 'TCP';
    return {
      ...base,
      target: { kind: 'Outside', host: input.host, port: written, protocol: p },
      reach: judge(model, source.pods, { kind: 'Outside', port: written, protocol: p }),
      dns,
    };
  }
  const info = r.answer.explanation.service;
  const svc = info && loaded.snapshot.service(info.namespace, info.name);
  if (r.answer.rcode !== 'NOERROR' || !svc) {
    return {
      ...base,
      target: { kind: 'NotFound', host: input.host },
      reach: { verdict: 'unknown', networkPolicies: 'unknown', paths: [], notEvaluated: [], unsure: r.answer.explanation.summary },
      dns,
    };
  }
  const labels = labelsUnder(r.answer.qname, loaded.resolver.zone);
  const endpoint = labels && labels.length === 4 && labels[3] === 'svc' && labels[1] === svc.name ? labels[0] : undefined;
  return { ...serviceAnswer(base, model, source, serviceTarget(svc, written, protocol, endpoint), `Service ${svc.namespace}/${svc.name}`), dns };
}

function serviceAnswer(
  base: { model: string; source: Source; input: string },
  model: ReachModel,
  source: Source,
  target: Target | undefined,
  what: string,
): Answer {
  if (!target) throw new UsageError(t('{0} exposes no port: give --port', what));
  return { ...base, target: target.summary, reach: judgeTarget(model, source.pods, target) };
}

/** Verdicts over several ports of a workload: the same on all, `partial` for a mix of admitted and not. */
function combined(each: readonly Reach[]): Reach {
  const verdicts = new Set(each.map((r) => r.verdict));
  const paths = each.flatMap((r) => r.paths);
  const notEvaluated = [...new Set(each.flatMap((r) => r.notEvaluated))];
  if (verdicts.size === 1) return { ...each[0]!, paths, notEvaluated };
  const verdict = verdicts.has('unknown') ? 'unknown' : 'partial';
  return { verdict, networkPolicies: verdict, paths, notEvaluated };
}

function parseTarget(text: string): TargetInput {
  const object = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([A-Za-z]+)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text);
  if (object) return { kind: 'object', namespace: object[1]!, objectKind: object[3]!, name: object[4]! };
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { kind: 'host', host: bracketed[1]!, ...(bracketed[2] ? { port: portNumber(bracketed[2], text) } : {}) };
  const colon = text.indexOf(':');
  if (colon > 0 && colon === text.lastIndexOf(':')) return { kind: 'host', host: text.slice(0, colon), port: portNumber(text.slice(colon + 1), text) };
  return { kind: 'host', host: text };
}

function portNumber(text: string, whole: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new UsageError(t('"{0}": the port must be 1 to 65535', whole));
  return n;
}

async function sourceOf(loaded: Loaded, model: ReachModel, text: string): Promise<Source> {
  const parts = text.split('/');
  if (parts.length === 2 && parts[0] && parts[1]) {
    const [namespace, name] = parts as [string, string];
    const pod = loaded.snapshot.pod(namespace, name);
    if (!pod) throw new UsageError(t('no pod {0} in {1} (a workload is NS/KIND/NAME)', `${namespace}/${name}`, loaded.name));
    const kind = pod.template?.workload.kind ?? 'Pod';
    return { namespace, kind, name, pods: [pod] };
  }
  if (parts.length === 3 && parts.every((p) => p !== '')) {
    const [namespace, rawKind, name] = parts as [string, string, string];
    const kind = kindName(rawKind);
    const pods = loaded.live ? await livePods(loaded.live, namespace, kind, name) : workloadPods(model, loaded, namespace, kind, name);
    if (pods.length === 0) throw new UsageError(t('no {0} with pods in {1}', `${kind} ${namespace}/${name}`, loaded.name));
    return { namespace, kind, name, pods };
  }
  throw new UsageError(t('SOURCE must be NS/NAME of a pod or NS/KIND/NAME of a workload; got "{0}"', text));
}

/** A workload's pods in the workspace model, its kind matched without regard to case. */
function workloadPods(model: ReachModel, loaded: Loaded, namespace: string, kind: string, name: string): readonly Pod[] {
  const direct = model.podsOf({ kind, namespace, name });
  if (direct.length > 0) return direct;
  for (const [id, pods] of model.workloads()) if (id.toLowerCase() === `${namespace}/${kind}/${name}`.toLowerCase()) return pods;
  if (kind === 'Pod') {
    const pod = loaded.snapshot.pod(namespace, name);
    return pod ? [pod] : [];
  }
  return [];
}

/** Where the API keeps each workload kind, and where its pod template is. */
const LIVE_KINDS: Readonly<Record<string, { readonly path: string; readonly template: readonly string[] }>> = {
  Deployment: { path: '/apis/apps/v1/namespaces/{ns}/deployments/{name}', template: ['spec', 'template'] },
  ReplicaSet: { path: '/apis/apps/v1/namespaces/{ns}/replicasets/{name}', template: ['spec', 'template'] },
  StatefulSet: { path: '/apis/apps/v1/namespaces/{ns}/statefulsets/{name}', template: ['spec', 'template'] },
  DaemonSet: { path: '/apis/apps/v1/namespaces/{ns}/daemonsets/{name}', template: ['spec', 'template'] },
  ReplicationController: { path: '/api/v1/namespaces/{ns}/replicationcontrollers/{name}', template: ['spec', 'template'] },
  Job: { path: '/apis/batch/v1/namespaces/{ns}/jobs/{name}', template: ['spec', 'template'] },
  CronJob: { path: '/apis/batch/v1/namespaces/{ns}/cronjobs/{name}', template: ['spec', 'jobTemplate', 'spec', 'template'] },
  Rollout: { path: '/apis/argoproj.io/v1alpha1/namespaces/{ns}/rollouts/{name}', template: ['spec', 'template'] },
};

/** A live workload's pod template, read from the API server, as the pod its controller would create. */
async function livePods(live: LiveModel, namespace: string, kind: string, name: string): Promise<Pod[]> {
  if (kind === 'Pod') {
    const pod = live.snapshot().pod(namespace, name);
    return pod ? [pod] : [];
  }
  const where = LIVE_KINDS[kind];
  if (!where) throw new UsageError(t('a live workload is one of {0}; got "{1}"', Object.keys(LIVE_KINDS).join(', '), kind));
  let object: Json;
  try {
    object = await live.api.getJson(where.path.replace('{ns}', encodeURIComponent(namespace)).replace('{name}', encodeURIComponent(name)));
  } catch (e) {
    if ((e as { kind?: string }).kind === 'not-found') return [];
    throw e;
  }
  let template: unknown = object;
  for (const k of where.template) template = (template as Json | undefined)?.[k];
  const podTemplate = (template ?? {}) as Json;
  const labels = ((podTemplate.metadata as Json | undefined)?.labels ?? {}) as Json;
  const pod = reducePod({ metadata: { name, namespace, labels }, spec: podTemplate.spec ?? {} }, new Interner(), () => {}, namespace);
  return [podWith(pod, { ready: true, template: { workload: { kind, namespace, name }, replicas: 1 } })];
}

// ---- output ----

function directionJson(d: ReachPath['egress']): object {
  return {
    isolated: d.isolated,
    isolatedBy: d.isolatedBy,
    allowedBy: d.allowedBy,
    ...(d.closest ? { closest: d.closest } : {}),
  };
}

function pathJson(p: ReachPath): object {
  return {
    from: p.from,
    pod: p.pod ?? null,
    ...(p.address !== undefined ? { address: p.address } : {}),
    port: p.port,
    protocol: p.protocol,
    egress: directionJson(p.egress),
    ingress: directionJson(p.ingress),
    verdict: p.verdict,
  };
}

function dnsValue(dns: DnsReach | undefined): string {
  return dns === undefined ? 'not-needed' : dns.verdict;
}

/** The JSON answer: the contract of `netlens reach --json` (see the README). */
export function answerJson(a: Answer): object {
  return {
    source: { namespace: a.source.namespace, kind: a.source.kind, name: a.source.name, pods: a.source.pods.map((p) => `${p.namespace}/${p.name}`) },
    target: { input: a.input, ...a.target },
    verdict: a.reach.verdict,
    dns: dnsValue(a.dns),
    paths: a.reach.paths.map(pathJson),
    notEvaluated: [...new Set([...a.reach.notEvaluated, ...(a.dns?.notEvaluated ?? [])])],
    ...(a.reach.reason ? { reason: a.reach.reason } : {}),
    summary: summaryLine(a),
    model: a.model,
  };
}

function targetWords(target: Answer['target']): string {
  switch (target.kind) {
    case 'Service': {
      const id = `${target.namespace}/${target.name}`;
      const service = target.endpoint !== undefined ? t('endpoint {0} of Service {1}', target.endpoint, id) : `Service ${id}`;
      if (target.port === undefined) return t('{0} (each port)', service);
      return t('{0} on {1}', service, `${target.port}${target.protocol ? `/${target.protocol}` : ''}`);
    }
    case 'Pod':
      return t('pod {0} on {1}', `${target.namespace}/${target.name}`, `${target.port}/${target.protocol}`);
    case 'Workload':
      return t(
        'the pods of {0} on {1}',
        `${target.workload} ${target.namespace}/${target.name}`,
        target.ports.map((p) => `${p.port}/${p.protocol}`).join(', '),
      );
    case 'Address':
      return t("{0} on {1} (no pod's address)", target.host, `${target.port}/${target.protocol}`);
    case 'Outside':
      return t('{0} on {1} (outside the cluster)', target.host, `${target.port}/${target.protocol}`);
    case 'NotFound':
      return t('{0} (not found)', target.host);
  }
}

function summaryLine(a: Answer): string {
  if (a.target.kind === 'NotFound') return policyLine('unknown', a.reach.unsure ?? t('{0} resolves to nothing', a.input));
  const summary: TargetSummary | undefined = a.target.kind === 'Service' || a.target.kind === 'Pod' ? a.target : undefined;
  return policyLine(a.reach.verdict, reachText(a.reach, summary, a.model));
}

function answerText(a: Answer): string {
  const lines: string[] = [];
  lines.push(summaryLine(a));
  const from = `${a.source.kind} ${a.source.namespace}/${a.source.name}`;
  const pods = a.source.pods.length;
  lines.push(
    `  ${pods === 1 ? t('from {0} (1 pod) to {1}, in {2}', from, targetWords(a.target), a.model) : t('from {0} ({1} pods) to {2}, in {3}', from, pods, targetWords(a.target), a.model)}`,
  );
  if (a.dns) {
    const assumed = a.dns.standIn ? t('; the DNS pods are assumed: kube-system, k8s-app=kube-dns') : '';
    const open = a.dns.isolated ? '' : t(': egress not isolated');
    lines.push(`  DNS: ${verdictWord(a.dns.verdict)} (UDP ${verdictWord(a.dns.udp)}, TCP ${verdictWord(a.dns.tcp)}${assumed})${open}`);
  } else lines.push(`  DNS: ${t('not needed')}`);
  const others = [...new Set([...a.reach.notEvaluated, ...(a.dns?.notEvaluated ?? [])])];
  if (others.length > 0) lines.push(`  ${t('not evaluated: {0}', others.join(', '))}`);
  for (const p of a.reach.paths) {
    const to = p.pod ?? p.address ?? t('outside');
    const why =
      p.verdict === 'blocked'
        ? reachText({ verdict: 'blocked', networkPolicies: 'blocked', paths: [p], notEvaluated: [] })
        : p.verdict === 'allowed'
          ? reachText({ verdict: 'allowed', networkPolicies: 'allowed', paths: [p], notEvaluated: [] })
          : (p.unsure ?? '');
    lines.push(`  ${p.from} → ${to} ${p.port}/${p.protocol}: ${verdictWord(p.verdict)}${why ? ` — ${why}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

// ---- the matrix ----

const MARK: Readonly<Record<string, string>> = { allowed: '.', blocked: 'X', partial: '~', unknown: '?', none: '-' };

function matrixJson(m: Matrix): object {
  return {
    workloads: m.workloads.map((w) => ({ id: w.id, namespace: w.namespace, kind: w.kind, name: w.name, pods: w.pods, ports: w.ports, dns: w.dns })),
    cells: m.cells.map((c) => ({
      source: c.source,
      target: c.target,
      verdict: c.verdict,
      ports: c.ports.map((p) => ({ port: p.port, protocol: p.protocol, verdict: p.verdict })),
    })),
    notEvaluated: m.notEvaluated,
    policiesKnown: m.policiesKnown,
  };
}

function matrixText(m: Matrix, model: string, namespace: string | undefined): string {
  const n = m.workloads.length;
  const lines: string[] = [];
  lines.push(
    namespace
      ? t('Reach from each workload (row) to each workload (column) of {0} in namespace {1}, on the ports the column serves:', model, namespace)
      : t('Reach from each workload (row) to each workload (column) of {0}, on the ports the column serves:', model),
  );
  const legend: [string, string][] = [
    [MARK.allowed!, t('allowed')],
    [MARK.blocked!, t('blocked')],
    [MARK.partial!, t('some ports or pods only')],
    [MARK.unknown!, t('unknown')],
    [MARK.none!, t('serves no port')],
  ];
  lines.push(`  ${legend.map(([mark, word]) => `${mark} ${word}`).join('   ')}`);
  lines.push('');
  const width = String(n).length;
  const names = m.workloads.map((w, i) => `${String(i + 1).padStart(width)} ${w.id}`);
  const nameWidth = Math.max(...names.map((s) => s.length), 4);
  lines.push(`${' '.repeat(nameWidth)}  ${m.workloads.map((_, i) => String(i + 1).padStart(width + 1)).join('')}  DNS`);
  m.workloads.forEach((w, i) => {
    const row = m.cells
      .slice(i * n, (i + 1) * n)
      .map((c) => MARK[c.verdict]!.padStart(width + 1))
      .join('');
    lines.push(`${names[i]!.padEnd(nameWidth)}  ${row}  ${MARK[w.dns]}`);
  });
  lines.push('');
  lines.push(t('Ports judged:'));
  m.workloads.forEach((w, i) => {
    lines.push(`${String(i + 1).padStart(width)} ${w.id}: ${w.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || t('none')}`);
  });
  if (m.notEvaluated.length > 0) lines.push('', t('Not evaluated (every verdict they may bear on is unknown): {0}', m.notEvaluated.join(', ')));
  if (!m.policiesKnown) lines.push('', t('The model holds no NetworkPolicies to judge by: every verdict is unknown.'));
  return `${lines.join('\n')}\n`;
}
