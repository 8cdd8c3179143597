/**
 * The VS Code face of NetLens. For now: resolve a name or an IP against the Kubernetes manifests of the
 * workspace, from the command palette, with the answer and its explanation in the NetLens output channel.
 */
import * as vscode from 'vscode';
import { parseManifest, type ParsedManifest } from '../core/manifests';
import { QUERY_TYPES, Resolver, type DnsAnswer, type PodRecordsMode, type QueryType } from '../core/resolver';
import { buildWorkspaceModel } from '../core/workspace';

const MANIFEST_GLOB = '**/*.{yaml,yml}';
const EXCLUDE_GLOB = '{**/node_modules/**,**/.git/**}';
/** Manifests larger than this are left out of the workspace model rather than slowing every lookup. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('NetLens', { log: true });
  context.subscriptions.push(output);
  const register = (id: string, run: () => Promise<void>) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async () => {
        try {
          await run();
        } catch (e) {
          output.error(`${id}: ${(e as Error).stack ?? String(e)}`);
          void vscode.window.showErrorMessage(`NetLens: ${(e as Error).message}`);
        }
      }),
    );
  register('netlens.resolve', () => resolveCommand(output));
}

export function deactivate(): void {}

async function resolveCommand(output: vscode.LogOutputChannel): Promise<void> {
  const input = await vscode.window.showInputBox({
    title: 'NetLens: Resolve Name or IP',
    prompt: 'A DNS name (web, web.shop, web.shop.svc.cluster.local, _http._tcp.web.shop.svc.cluster.local) or an IP address',
    placeHolder: 'web.shop',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Type a name or an IP address.' : undefined),
  });
  if (input === undefined) return;
  const config = vscode.workspace.getConfiguration('netlens');
  const namespace = config.get<string>('defaultNamespace', 'default');
  const manifests = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'NetLens: reading manifests' },
    () => readWorkspaceManifests(output),
  );
  const model = buildWorkspaceModel(manifests, { defaultNamespace: namespace });
  for (const p of model.report.problems) output.warn(`${p.uri}:${p.line}:${p.column}: ${p.message}`);
  const resolver = new Resolver(model.snapshot, {
    zone: config.get<string>('clusterDomain', 'cluster.local'),
    podRecords: config.get<PodRecordsMode>('podRecords', 'insecure'),
    sourceName: 'the workspace manifests',
  });
  const qtype = config.get<string>('defaultQueryType', 'A').toUpperCase();
  const result = resolver.resolve(input, { namespace, qtype: (QUERY_TYPES as readonly string[]).includes(qtype) ? (qtype as QueryType) : 'A' });
  if (!result.ok) {
    void vscode.window.showWarningMessage(`NetLens: "${input}" is not a name or an IP address. ${result.error.message}`);
    return;
  }
  output.info(describe(result.answer));
  output.show(true);
  const first = result.answer.answers[0];
  const headline =
    result.answer.rcode !== 'NOERROR'
      ? `${result.answer.qname}: ${result.answer.rcode}`
      : first
        ? `${result.answer.qname} → ${result.answer.answers.map((r) => r.data ?? '(allocated by the cluster)').join(', ')}`
        : `${result.answer.qname}: no ${result.answer.qtype} records`;
  void vscode.window.showInformationMessage(`NetLens: ${headline}`);
}

async function readWorkspaceManifests(output: vscode.LogOutputChannel): Promise<ParsedManifest[]> {
  const uris = await vscode.workspace.findFiles(MANIFEST_GLOB, EXCLUDE_GLOB, 10_000);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const manifests: ParsedManifest[] = [];
  for (const uri of uris) {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_MANIFEST_BYTES) {
        output.warn(`${uri.fsPath}: ${stat.size} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit for manifests; left out.`);
        continue;
      }
      const text = decoder.decode(await vscode.workspace.fs.readFile(uri));
      manifests.push(parseManifest(vscode.workspace.asRelativePath(uri), text));
    } catch (e) {
      output.warn(`${uri.fsPath}: not read (${(e as Error).message}).`);
    }
  }
  return manifests;
}

function describe(answer: DnsAnswer): string {
  const lines = [`${answer.qname} ${answer.qtype}: ${answer.rcode}${answer.rcode === 'NOERROR' && answer.answers.length === 0 ? ' (no records)' : ''}`];
  for (const r of [...answer.answers, ...answer.additional]) lines.push(`  ${r.name} ${r.type} ${r.data ?? '(allocated by the cluster)'}`);
  lines.push(answer.explanation.summary, ...answer.explanation.details.map((d) => `  ${d}`));
  for (const s of answer.explanation.search ?? []) lines.push(`  tried ${s.name}: ${s.rcode}${s.answers > 0 ? `, ${s.answers} records` : ''}`);
  return lines.join('\n');
}
