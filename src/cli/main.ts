/**
 * `netlens`: the resolver on the command line.
 *
 *   netlens resolve NAME_OR_IP [-f PATH]... [--namespace NS] [--zone ZONE] [--type T] [--pod-records MODE] [--json]
 *   netlens resolve --batch FILE|- [-f PATH]... [...]
 *
 * Exit status: 0 when answered (NXDOMAIN is an answer), 2 for bad usage or unreadable input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { LiveModel } from '../cluster/live-model';
import { t, useMessages } from '../core/l10n';
import { DEFAULT_NAMESPACE, InvalidZoneError } from '../core/names';
import { type PodRecordsMode, QUERY_TYPES, type QueryType, Resolver } from '../core/resolver';
import { NETLENS_VERSION } from '../core/version';
import { buildWorkspaceModel } from '../core/workspace';
import { useLocale } from '../l10n/tables';
import { runCheckWithRenders } from './check';
import { loadManifests } from './files';
import { answerJson, answerText, CHECK_FORMATS, type CheckFormat, problemText, useColor } from './format';
import { chooseLocale } from './locale';
import { runReach } from './reach';

const USAGE = `Usage:
  netlens resolve NAME_OR_IP [-f PATH]... [options]
  netlens resolve --batch FILE|- [-f PATH]... [options]
  netlens check PATH... [--format text|json|sarif|github|junit] [--namespace NS] [--zone ZONE]
                [--helm-values FILE]... [--release NAME] [--helm PATH] [--kustomize PATH] [--no-render] [--jobs N]
  netlens reach SOURCE TARGET [-f PATH]... [--port P] [--protocol TCP|UDP|SCTP] [--json]
  netlens reach --matrix -f PATH... [-n NS] [--port P] [--json]      (netlens reach --help)
  netlens --version

Answers as the cluster's DNS would: from the Kubernetes manifests under each PATH (files or
folders, searched recursively for .yaml and .yml), or without -f from the live cluster of the
current kubeconfig context (KUBECONFIG, else ~/.kube/config).

Options:
  -f, --file PATH           a manifest file or folder (repeatable)
      --context NAME        the kubeconfig context to read (default: the current context)
      --kubeconfig PATH     the kubeconfig file (default: KUBECONFIG, else ~/.kube/config)
  -n, --namespace NS        the namespace of the asking pod, and of manifests that name none
                            (default: the context's namespace, else default)
      --zone ZONE           the cluster domain (default: cluster.local)
  -t, --type TYPE           ${QUERY_TYPES.join('|')} (default: A; PTR for an IP)
      --pod-records MODE    disabled|insecure|verified, as CoreDNS's "pods" option (default: insecure, as kubeadm's Corefile)
      --batch FILE          answer one JSON question per line ({"qname": ..., "qtype": ..., "namespace": ...}); - for stdin
      --json                print the answer as JSON
      --format FORMAT       check: text (default; grouped by file, coloured on a terminal unless NO_COLOR
                            is set), json, sarif (SARIF 2.1.0), github (workflow annotations) or junit (XML)

check reports broken references in manifests (codes NL001-NL011, see the README); it exits 1
when a finding is an error. In folders it renders Helm charts (helm template) and Kustomize
entry points (kustomize build) and reports findings at the template or file line behind them.
      --helm-values FILE    a values file for every chart, beside its values.yaml (repeatable); relative
                            paths and globs are looked up in each chart's folder (e.g. ci/*-values.yaml)
      --release NAME        the Helm release name (default: release); the namespace is the chart's name
                            unless --namespace is given
      --helm PATH           the helm binary (default: helm on PATH)
      --kustomize PATH      the kustomize binary (default: kustomize on PATH, else kubectl kustomize)
      --no-render           run nothing: charts are skipped, kustomization files read as plain files
  -j, --jobs N              worker threads for plain manifests (default: one per core when there are
                            200 files or more, else none); 1: everything in this thread. On a terminal,
                            a progress line on stderr while they work
      --locale LANG         the language of the messages: es, zh-CN or ko (default: LC_ALL, else LC_MESSAGES,
                            else LANG; JSON, SARIF, JUnit and workflow commands stay English without it)
  -h, --help                show this help
      --version             print the version
`;

class UsageError extends Error {}
/** Input that cannot be read: a kubeconfig, a cluster. Exit status 2 without the usage text. */
class InputError extends Error {}

interface Context {
  readonly resolver: Resolver;
  readonly namespace: string;
}

/** Whether `--locale` chose the language: machine formats are English otherwise (see locale.ts). */
let explicitLocale = false;

/** Before a machine format is written: English unless `--locale` asked for a language. */
function machineFormat(): void {
  if (!explicitLocale) useMessages(undefined);
}

async function main(argv: string[]): Promise<number> {
  const choice = chooseLocale(argv, process.env);
  if ('error' in choice) throw new UsageError(choice.error);
  useLocale(choice.locale);
  explicitLocale = choice.explicit;
  const [command, ...rest] = choice.args;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`netlens ${NETLENS_VERSION}\n`);
    return 0;
  }
  if (command === 'check') return checkCommand(rest);
  if (command === 'reach')
    return runReach(
      rest,
      (s) => process.stdout.write(s),
      (s) => process.stderr.write(s),
      { connect, machineFormat },
    );
  if (command !== 'resolve') throw new UsageError(t('unknown command "{0}"', command));
  return resolveCommand(rest);
}

/** `netlens resolve`: one name or IP, or a batch of them, answered from manifests or a live cluster. */
async function resolveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      file: { type: 'string', short: 'f', multiple: true },
      namespace: { type: 'string', short: 'n' },
      zone: { type: 'string' },
      type: { type: 'string', short: 't' },
      'pod-records': { type: 'string' },
      batch: { type: 'string' },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const qtype = values.type?.toUpperCase();
  if (qtype !== undefined && !(QUERY_TYPES as readonly string[]).includes(qtype)) {
    throw new UsageError(t('{0} must be one of {1}; got "{2}"', '--type', QUERY_TYPES.join(', '), String(values.type)));
  }
  const podRecords = values['pod-records'] ?? 'insecure';
  if (!['disabled', 'insecure', 'verified'].includes(podRecords)) {
    throw new UsageError(t('{0} must be disabled, insecure or verified; got "{1}"', '--pod-records', podRecords));
  }
  if (values.batch === undefined && positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? t('give a name or an IP to resolve') : t('give one name or IP; got {0}', positionals.length));
  }
  if (values.batch !== undefined && positionals.length > 0) throw new UsageError(t('--batch takes its questions from the file, not from arguments'));
  const files = values.file ?? [];
  if (files.length > 0 && (values.context !== undefined || values.kubeconfig !== undefined)) {
    throw new UsageError(t('-f reads manifests; --context and --kubeconfig read a live cluster: give one or the other'));
  }
  if (values.json || values.batch !== undefined) machineFormat();
  const options = {
    ...(values.zone !== undefined ? { zone: values.zone } : {}),
    podRecords: podRecords as PodRecordsMode,
  };
  let namespace = values.namespace ?? DEFAULT_NAMESPACE;
  let resolver: Resolver;
  let live: LiveModel | undefined;
  try {
    if (files.length > 0) {
      const loaded = loadManifests(files);
      for (const p of loaded.unreadable) process.stderr.write(`netlens: ${problemText(p)}\n`);
      if (loaded.unreadable.length > 0) return 2;
      const model = buildWorkspaceModel(loaded.manifests, { defaultNamespace: namespace });
      for (const p of model.report.problems) process.stderr.write(`netlens: ${problemText(p)}\n`);
      resolver = new Resolver(model.snapshot, { ...options, sourceName: t('the manifests') });
    } else {
      live = await connect(values.context, values.kubeconfig);
      namespace = values.namespace ?? live.kubeconfig.namespace;
      resolver = new Resolver(live.snapshot(), { ...options, sourceName: t('the cluster of context {0}', live.kubeconfig.context) });
    }
  } catch (e) {
    live?.stop();
    if (e instanceof InvalidZoneError) throw new UsageError(e.message);
    throw e;
  }
  try {
    const ctx: Context = { resolver, namespace };
    if (values.batch !== undefined) return await batch(ctx, values.batch);
    return answerOne(ctx, positionals[0]!, qtype, values.json === true);
  } finally {
    live?.stop();
  }
}

async function checkCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      zone: { type: 'string' },
      'pod-records': { type: 'string' },
      'helm-values': { type: 'string', multiple: true },
      release: { type: 'string' },
      helm: { type: 'string' },
      kustomize: { type: 'string' },
      'no-render': { type: 'boolean' },
      jobs: { type: 'string', short: 'j' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) throw new UsageError(`--jobs must be a whole number of 1 or more; got "${values.jobs}"`);
  const format = values.format ?? 'text';
  if (!(CHECK_FORMATS as readonly string[]).includes(format))
    throw new UsageError(t('{0} must be one of {1}; got "{2}"', '--format', CHECK_FORMATS.join(', '), format));
  if (positionals.length === 0) throw new UsageError(t('give the manifest files or folders to check'));
  const podRecords = values['pod-records'] ?? 'insecure';
  if (!['disabled', 'insecure', 'verified'].includes(podRecords))
    throw new UsageError(t('{0} must be disabled, insecure or verified; got "{1}"', '--pod-records', podRecords));
  if (values['no-render'] && (values['helm-values'] || values.release || values.helm || values.kustomize)) {
    throw new UsageError(t('--no-render renders nothing: --helm-values, --release, --helm and --kustomize do not apply'));
  }
  if (format !== 'text') machineFormat();
  // Tool paths are the user's own choice on the command line; relative ones are taken from the current folder.
  const tool = (p: string | undefined) => (p === undefined ? undefined : resolvePath(p));
  const render = values['no-render']
    ? (false as const)
    : {
        ...(values['helm-values'] ? { helmValues: values['helm-values'].map((v) => (existsSync(v) ? resolvePath(v) : v)) } : {}),
        ...(values.release ? { release: values.release } : {}),
        ...(values.namespace ? { namespace: values.namespace } : {}),
        ...(values.helm ? { helmPath: tool(values.helm) } : {}),
        ...(values.kustomize ? { kustomizePath: tool(values.kustomize) } : {}),
      };
  try {
    return await runCheckWithRenders(
      {
        paths: positionals,
        format: format as CheckFormat,
        color: useColor(process.stdout),
        namespace: values.namespace ?? DEFAULT_NAMESPACE,
        ...(values.zone ? { zone: values.zone } : {}),
        podRecords: podRecords as PodRecordsMode,
        render,
        ...(jobs !== undefined ? { jobs } : {}),
      },
      (s) => process.stdout.write(s),
      (s) => process.stderr.write(s),
    );
  } catch (e) {
    if (e instanceof InvalidZoneError) throw new UsageError(e.message);
    throw e;
  }
}

/** The live cluster's modules (see cluster.ts), loaded on first use: only commands that read a cluster need them. */
function clusterModules(): typeof import('./cluster') {
  return require('./cluster') as typeof import('./cluster');
}

/** Reads the cluster of a kubeconfig context once: lists everything, then answers from that snapshot. */
async function connect(context: string | undefined, kubeconfig: string | undefined): Promise<LiveModel> {
  const { KubeconfigError, LiveModel } = clusterModules();
  let live: LiveModel;
  try {
    live = new LiveModel({ ...(context ? { context } : {}), ...(kubeconfig ? { path: kubeconfig } : {}) });
  } catch (e) {
    if (e instanceof KubeconfigError) throw new InputError(e.message);
    throw e;
  }
  live.start();
  const status = await live.whenSettled(60_000);
  if (status.state !== 'ready') {
    live.stop();
    const why = status.error?.message ?? t('the cluster did not answer within {0} seconds', 60);
    throw new InputError(t('cannot read the cluster of context "{0}" ({1}): {2}', status.context, status.server, why));
  }
  for (const note of status.notes) process.stderr.write(`netlens: ${note}\n`);
  return live;
}

function answerOne(ctx: Context, input: string, qtype: string | undefined, json: boolean): number {
  const result = ctx.resolver.resolve(input, { namespace: ctx.namespace, ...(qtype ? { qtype: qtype as QueryType } : {}) });
  if (!result.ok) {
    process.stderr.write(`netlens: ${t('"{0}" is not a name or an IP address: {1}', input, result.error.message)}\n`);
    return 2;
  }
  if (json) process.stdout.write(`${JSON.stringify(answerJson(result.answer))}\n`);
  else process.stdout.write(`${answerText(result.answer, useColor(process.stdout))}\n`);
  return 0;
}

/** One JSON answer per JSON question, in order; a bad line gets an error object and exit status 2 at the end. */
async function batch(ctx: Context, source: string): Promise<number> {
  let input: NodeJS.ReadableStream;
  if (source === '-') input = process.stdin;
  else {
    try {
      input = (await import('node:stream')).Readable.from([readFileSync(source, 'utf8')]);
    } catch (e) {
      throw new UsageError(t('cannot read {0}: {1}', source, (e as NodeJS.ErrnoException).code ?? (e as Error).message));
    }
  }
  const out: string[] = [];
  const flush = () => {
    if (out.length > 0) process.stdout.write(out.join(''));
    out.length = 0;
  };
  let bad = 0;
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    const fail = (message: string) => {
      bad++;
      out.push(`${JSON.stringify({ line, error: message })}\n`);
      process.stderr.write(`netlens: ${source === '-' ? '<stdin>' : source}:${line}:1: ${message}\n`);
    };
    let q: { qname?: unknown; qtype?: unknown; namespace?: unknown };
    try {
      q = JSON.parse(text) as typeof q;
    } catch (e) {
      fail(t('not JSON: {0}', (e as Error).message));
      continue;
    }
    if (q === null || typeof q !== 'object' || typeof q.qname !== 'string') {
      fail(t('expected an object with a string "qname"'));
      continue;
    }
    const qtype = typeof q.qtype === 'string' ? q.qtype.toUpperCase() : 'A';
    if (!(QUERY_TYPES as readonly string[]).includes(qtype)) {
      fail(t('unknown qtype {0}', JSON.stringify(q.qtype)));
      continue;
    }
    const result = ctx.resolver.resolve(q.qname, {
      namespace: typeof q.namespace === 'string' ? q.namespace : ctx.namespace,
      qtype: qtype as QueryType,
    });
    if (!result.ok) {
      fail(t('"{0}" is not a name or an IP address: {1}', q.qname, result.error.message));
      continue;
    }
    out.push(`${JSON.stringify(answerJson(result.answer))}\n`);
    if (out.length >= 256) flush();
  }
  flush();
  return bad > 0 ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof InputError) {
      process.stderr.write(`netlens: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`netlens: ${(e as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`netlens: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
