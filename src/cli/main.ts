/**
 * `netlens`: the resolver on the command line.
 *
 *   netlens resolve NAME_OR_IP [-f PATH]... [--namespace NS] [--zone ZONE] [--type T] [--pod-records MODE] [--json]
 *   netlens resolve --batch FILE|- [-f PATH]... [...]
 *
 * Exit status: 0 when answered (NXDOMAIN is an answer), 2 for bad usage or unreadable input.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { QUERY_TYPES, Resolver, type PodRecordsMode, type QueryType } from '../core/resolver';
import { buildWorkspaceModel } from '../core/workspace';
import { loadManifests } from './files';
import { answerJson, answerText, problemText } from './format';

const USAGE = `Usage:
  netlens resolve NAME_OR_IP -f PATH [-f PATH]... [options]
  netlens resolve --batch FILE|- -f PATH [-f PATH]... [options]

Answers as the cluster's DNS would, from the Kubernetes manifests under each PATH
(files or folders, searched recursively for .yaml and .yml).

Options:
  -f, --file PATH           a manifest file or folder (repeatable)
  -n, --namespace NS        the namespace of the asking pod, and of objects that name none (default: default)
      --zone ZONE           the cluster domain (default: cluster.local)
  -t, --type TYPE           ${QUERY_TYPES.join('|')} (default: A; PTR for an IP)
      --pod-records MODE    disabled|insecure|verified, as CoreDNS's "pods" option (default: insecure, as kubeadm's Corefile)
      --batch FILE          answer one JSON question per line ({"qname": ..., "qtype": ..., "namespace": ...}); - for stdin
      --json                print the answer as JSON
  -h, --help                show this help
`;

class UsageError extends Error {}

interface Context {
  readonly resolver: Resolver;
  readonly namespace: string;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'resolve') throw new UsageError(`unknown command "${command}"`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      file: { type: 'string', short: 'f', multiple: true },
      namespace: { type: 'string', short: 'n' },
      zone: { type: 'string' },
      type: { type: 'string', short: 't' },
      'pod-records': { type: 'string' },
      batch: { type: 'string' },
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
    throw new UsageError(`--type must be one of ${QUERY_TYPES.join(', ')}; got "${values.type}"`);
  }
  const podRecords = values['pod-records'] ?? 'insecure';
  if (!['disabled', 'insecure', 'verified'].includes(podRecords)) {
    throw new UsageError(`--pod-records must be disabled, insecure or verified; got "${podRecords}"`);
  }
  if (values.batch === undefined && positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'give a name or an IP to resolve' : `give one name or IP; got ${positionals.length}`);
  }
  if (values.batch !== undefined && positionals.length > 0) throw new UsageError('--batch takes its questions from the file, not from arguments');
  const files = values.file ?? [];
  if (files.length === 0) throw new UsageError('give the manifests to read with -f PATH');

  const namespace = values.namespace ?? 'default';
  const loaded = loadManifests(files);
  for (const p of loaded.unreadable) process.stderr.write(`netlens: ${problemText(p)}\n`);
  if (loaded.unreadable.length > 0) return 2;
  const model = buildWorkspaceModel(loaded.manifests, { defaultNamespace: namespace });
  for (const p of model.report.problems) process.stderr.write(`netlens: ${problemText(p)}\n`);
  let resolver: Resolver;
  try {
    resolver = new Resolver(model.snapshot, {
      ...(values.zone !== undefined ? { zone: values.zone } : {}),
      podRecords: podRecords as PodRecordsMode,
      sourceName: 'the manifests',
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const ctx: Context = { resolver, namespace };
  if (values.batch !== undefined) return batch(ctx, values.batch);

  const result = resolver.resolve(positionals[0]!, { namespace, ...(qtype ? { qtype: qtype as QueryType } : {}) });
  if (!result.ok) {
    process.stderr.write(`netlens: "${positionals[0]}" is not a name or an IP address: ${result.error.message}\n`);
    return 2;
  }
  if (values.json) process.stdout.write(`${JSON.stringify(answerJson(result.answer))}\n`);
  else process.stdout.write(`${answerText(result.answer, process.stdout.isTTY === true)}\n`);
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
      throw new UsageError(`cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
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
      fail(`not JSON: ${(e as Error).message}`);
      continue;
    }
    if (q === null || typeof q !== 'object' || typeof q.qname !== 'string') {
      fail('expected an object with a string "qname"');
      continue;
    }
    const qtype = typeof q.qtype === 'string' ? q.qtype.toUpperCase() : 'A';
    if (!(QUERY_TYPES as readonly string[]).includes(qtype)) {
      fail(`unknown qtype ${JSON.stringify(q.qtype)}`);
      continue;
    }
    const result = ctx.resolver.resolve(q.qname, {
      namespace: typeof q.namespace === 'string' ? q.namespace : ctx.namespace,
      qtype: qtype as QueryType,
    });
    if (!result.ok) {
      fail(`"${q.qname}" is not a name or an IP address: ${result.error.message}`);
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
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`netlens: ${(e as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`netlens: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
