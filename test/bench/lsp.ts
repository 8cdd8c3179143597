/**
 * Language-server figures: `netlens check` of the Argo CD HA install against a bare YAML parse (same run),
 * re-validation after an edit to that 2 MB file, hover latency over a real JSON-RPC connection on a
 * 150,000-pod snapshot, and the longest time a handler held the event loop. Prints figures; never fails on them.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createConnection } from 'vscode-languageserver/node';
import { parseAllDocuments } from 'yaml';
import { analyzeManifest } from '../../src/core/analyze';
import { ManifestCache } from '../../src/core/incremental';
import type { NetworkPolicy } from '../../src/core/model';
import { Resolver } from '../../src/core/resolver';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { buildWorkspaceModel } from '../../src/core/workspace';
import { serve } from '../../src/server/connection';
import { NetLensServer } from '../../src/server/server';
import { corpusDir } from '../support/repo';
import { generateCluster } from './cluster';
import { against, figureTable, info, median, percentile, type Row } from './stats';

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** `netlens check`'s work on one file (parse, workspace model, references, checks) against a bare parse. */
function checkVersusParse(text: string, rows: Row[]): void {
  const check = () => {
    // As src/cli/files.ts and check.ts do it: a piece per document (CRDs recognised, not parsed), then the checks.
    const { manifest, references } = new ManifestCache({ zone: 'cluster.local', defaultNamespace: 'argocd' }).parse('install.yaml', text);
    const model = buildWorkspaceModel([manifest], { defaultNamespace: 'argocd' });
    const resolver = new Resolver(model.snapshot, { podRecords: 'insecure' });
    return analyzeManifest(
      manifest,
      { zone: 'cluster.local', defaultNamespace: 'argocd', sources: [{ name: 'w', resolver, live: false }], workspace: model.snapshot },
      references,
    );
  };
  const bare: number[] = [];
  const ours: number[] = [];
  check();
  parseAllDocuments(text);
  for (let i = 0; i < 7; i++) {
    let t = process.hrtime.bigint();
    parseAllDocuments(text);
    bare.push(ms(t));
    t = process.hrtime.bigint();
    const a = check();
    ours.push(ms(t));
    // The install's one true finding: the application controller's StatefulSet names a governing Service that the
    // install does not create (NL012; test/unit/recognition-corpus.test.ts says why it is true).
    const unexpected = a.findings.filter((f) => f.code !== 'NL012');
    if (unexpected.length !== 0) throw new Error(`unexpected findings on the Argo CD install: ${unexpected.map((f) => f.message).join('; ')}`);
  }
  rows.push(info('bare yaml.parseAllDocuments, install.yaml (median of 7)', `${median(bare).toFixed(0)} ms`));
  rows.push(info('netlens check work on the same text (median of 7)', `${median(ours).toFixed(0)} ms`));
  rows.push(against('check / bare parse', median(ours) / median(bare), 1.5, '×', 2));
}

/** Open the 2 MB file in the server, then edit one value: only the edited document is parsed again. */
function incremental(text: string, rows: Row[]): void {
  const server = new NetLensServer(
    { publishDiagnostics: () => {}, log: () => {} },
    { clusterDomain: 'cluster.local', defaultNamespace: 'argocd', podRecords: 'insecure', inlayHints: true, severities: {} },
  );
  const uri = 'file:///bench/install.yaml';
  let t = process.hrtime.bigint();
  server.open(uri, text, 1);
  const first = ms(t);
  const at = text.indexOf('argocd-redis-ha-haproxy:6379');
  const edits: number[] = [];
  let current = text;
  for (let i = 0; i < 5; i++) {
    const port = i % 2 === 0 ? '6380' : '6379';
    current = `${current.slice(0, at)}argocd-redis-ha-haproxy:${port}${current.slice(at + 'argocd-redis-ha-haproxy:6379'.length)}`;
    t = process.hrtime.bigint();
    const diagnostics = server.change(uri, current, i + 2);
    void diagnostics;
    edits.push(ms(t));
  }
  rows.push(info('open install.yaml (1.9 MB) as one synchronous call (server.open): parse, model, diagnostics', `${first.toFixed(0)} ms`));
  rows.push(info('after a one-value edit: re-validation (median of 5)', `${median(edits).toFixed(0)} ms`));
  rows.push(info('edit / open', `${(median(edits) / first).toFixed(3)}×`));
  rows.push(against('an edit handler on the same file', Math.max(...edits), 50, 'ms', 0));
}

/** A client, the server of `serve` and in-memory streams with the real LSP framing between them. */
async function lspPair(hooks: Parameters<typeof serve>[1]) {
  const up = new PassThrough();
  const down = new PassThrough();
  const serverConnection = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  serve(serverConnection, hooks);
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  client.onRequest('workspace/configuration', () => [null]);
  client.onNotification('window/logMessage', () => {});
  client.listen();
  await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: { cluster: false } });
  client.sendNotification('initialized', {});
  return {
    client,
    dispose: () => {
      client.dispose();
      serverConnection.dispose();
    },
  };
}

/** The first open of install.yaml as an editor sends it: the longest the server holds the thread until its diagnostics are out. */
async function openOverLsp(text: string, rows: Row[]): Promise<void> {
  const { client, dispose } = await lspPair({});
  const uri = 'file:///bench/install.yaml';
  const published = new Promise<void>((resolve) =>
    client.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => p.uri === uri && resolve()),
  );
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const t = process.hrtime.bigint();
  client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  await published;
  const total = ms(t);
  delay.disable();
  rows.push(info('open install.yaml over JSON-RPC: until its diagnostics are published', `${total.toFixed(0)} ms`));
  rows.push(against('longest event-loop block during that open (pieces parsed one at a time)', delay.max / 1e6, 50, 'ms', 0));
  dispose();
}

/** Hover latency over JSON-RPC (in-memory streams, the real LSP framing) on a 150,000-pod snapshot. */
async function hoverOverLsp(seed: number, rows: Row[]): Promise<void> {
  const cluster = generateCluster(seed, 'live');
  const snapshot = ClusterSnapshot.build(cluster.objects);
  const services = [...snapshot.services()].filter((s) => s.type !== 'ExternalName' && s.ports.length > 0).slice(0, 300);
  // A manifest whose env values reference 300 of those Services by name and port.
  const lines = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: client, namespace: ${services[0]!.namespace}}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: c',
    '          env:',
  ];
  const positions: { line: number; character: number }[] = [];
  services.forEach((s, i) => {
    lines.push(`            - name: S${i}_ADDR`);
    const value = `${s.name}.${s.namespace}.svc.cluster.local:${s.ports[0]!.port}`;
    lines.push(`              value: "${value}"`);
    positions.push({ line: lines.length - 1, character: '              value: "'.length + 3 });
  });
  const text = lines.join('\n') + '\n';

  const base = await hoversOn(snapshot, text, positions);
  base.times.sort((a, b) => a - b);
  rows.push(info('hover over JSON-RPC, 150,000-pod snapshot, 5,000 requests: p50', `${percentile(base.times, 50).toFixed(2)} ms`));
  rows.push(against('hover p99', percentile(base.times, 99), 5, 'ms', 2));
  rows.push(info('hovers without a Service in their answer (should be 0)', String(base.misses)));
  rows.push(against('longest event-loop block during the hovers', base.maxBlockMs, 50, 'ms', 1));

  // The same hovers with 5,000 NetworkPolicies in the cluster: each isolates the pods of one Service for ingress
  // and admits its target port from every namespace, so every hover's policy line is computed against them.
  const policies: NetworkPolicy[] = [...snapshot.services()]
    .filter((s) => s.selector && Object.keys(s.selector).length > 0 && s.ports.length > 0)
    .slice(0, 5000)
    .map((s, i) => ({
      namespace: s.namespace,
      name: `bench-${i}`,
      podSelector: { matchLabels: s.selector!, matchExpressions: [] },
      policyTypes: ['Ingress'],
      policyTypesDefaulted: false,
      ingress: [{ peers: [{ namespaceSelector: { matchLabels: {}, matchExpressions: [] } }], ports: [{ protocol: 'TCP', port: s.ports[0]!.targetPort }] }],
      egress: [],
    }));
  const withPolicies = ClusterSnapshot.build({ ...cluster.objects, networkPolicies: policies });
  const judged = await hoversOn(withPolicies, text, positions);
  judged.times.sort((a, b) => a - b);
  const policyLines = judged.policyLines;
  rows.push(info(`the same with ${policies.length.toLocaleString('en-US')} NetworkPolicies: p50`, `${percentile(judged.times, 50).toFixed(2)} ms`));
  rows.push(against('  p99, against the hover p99 without policies', percentile(judged.times, 99) / percentile(base.times, 99), 2, '×', 2));
  rows.push(info('  hovers with a policy line (should be 5,000)', policyLines.toLocaleString('en-US')));
}

/** 5,000 hovers over the references of `text`, on a server whose live model is `snapshot`. */
async function hoversOn(
  snapshot: ClusterSnapshot,
  text: string,
  positions: readonly { line: number; character: number }[],
): Promise<{ times: number[]; misses: number; policyLines: number; maxBlockMs: number }> {
  const { client, dispose } = await lspPair({ live: { name: 'cluster bench', snapshot: () => snapshot } });
  const uri = 'file:///bench/client.yaml';
  const published = new Promise<void>((resolve) =>
    client.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => p.uri === uri && resolve()),
  );
  client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  await published;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const times: number[] = [];
  let misses = 0;
  let policyLines = 0;
  for (let i = 0; i < 5000; i++) {
    const position = positions[i % positions.length]!;
    const t = process.hrtime.bigint();
    const hover = (await client.sendRequest('textDocument/hover', { textDocument: { uri }, position })) as { contents?: { value: string } } | null;
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (!hover?.contents?.value.includes('Service')) misses++;
    if (hover?.contents?.value.includes('Policy:')) policyLines++;
  }
  delay.disable();
  dispose();
  return { times, misses, policyLines, maxBlockMs: delay.max / 1e6 };
}

export async function runLspBench(seed: number): Promise<void> {
  const rows: Row[] = [];
  const file = join(corpusDir(), 'argo-cd-ha', 'install.yaml');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    checkVersusParse(text, rows);
    incremental(text, rows);
    await openOverLsp(text, rows);
  } else {
    console.log(`(skipping the Argo CD figures: ${file} is missing)`);
  }
  await hoverOverLsp(seed, rows);
  console.log('\nLanguage server');
  console.log(figureTable(rows));
}
