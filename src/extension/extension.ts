/**
 * The VS Code face of NetLens: starts the language server (hover, inlay hints, diagnostics and quick fixes in
 * YAML manifests) and offers palette lookups through it. The server holds the models: the live cluster (one
 * set of watches) and the workspace manifests.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { DnsAnswer, QueryType } from '../core/resolver';
import { ResolveRequest } from '../protocol/requests';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
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

  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const config = vscode.workspace.getConfiguration('netlens');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'yaml' }, { scheme: 'untitled', language: 'yaml' }],
    synchronize: { configurationSection: 'netlens' },
    outputChannel: output,
    initializationOptions: {
      cluster: userSetting<boolean>(config, 'cluster.enabled') ?? true,
      // Only the user's own settings may name a kubeconfig: a workspace must not choose which credentials
      // (or exec plugins) run when a folder is opened.
      ...(userSetting<string>(config, 'kubeconfig') ? { kubeconfig: userSetting<string>(config, 'kubeconfig') } : {}),
    },
  };
  client = new LanguageClient('netlens', 'NetLens', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    output.error(`The NetLens language server did not start: ${(e as Error).stack ?? e}`);
    void vscode.window.showErrorMessage('NetLens: the language server did not start; see the NetLens output.');
  }
  register('netlens.resolve', () => resolveCommand(output));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** A setting's value from user (global) settings only, never from a workspace. */
function userSetting<T>(config: vscode.WorkspaceConfiguration, key: string): T | undefined {
  return config.inspect<T>(key)?.globalValue;
}

async function resolveCommand(output: vscode.LogOutputChannel): Promise<void> {
  if (!client) throw new Error('the language server is not running');
  const input = await vscode.window.showInputBox({
    title: 'NetLens: Resolve Name or IP',
    prompt: 'A DNS name (web, web.shop, web.shop.svc.cluster.local, _http._tcp.web.shop.svc.cluster.local) or an IP address',
    placeHolder: 'web.shop',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Type a name or an IP address.' : undefined),
  });
  if (input === undefined) return;
  const qtype = vscode.workspace.getConfiguration('netlens').get<string>('defaultQueryType', 'A').toUpperCase() as QueryType;
  const result = await client.sendRequest(ResolveRequest, { input, qtype });
  if (!result.ok) {
    void vscode.window.showWarningMessage(`NetLens: "${input}" is not a name or an IP address. ${result.message}`);
    return;
  }
  output.info(describe(result.answer, result.source));
  output.show(true);
  const a = result.answer;
  const headline =
    a.rcode !== 'NOERROR'
      ? `${a.qname}: ${a.rcode}`
      : a.answers.length > 0
        ? `${a.qname} → ${a.answers.map((r) => r.data ?? '(allocated by the cluster)').join(', ')}`
        : `${a.qname}: no ${a.qtype} records`;
  void vscode.window.showInformationMessage(`NetLens: ${headline} (${result.source})`);
}

function describe(answer: DnsAnswer, source: string): string {
  const lines = [`${answer.qname} ${answer.qtype}: ${answer.rcode}${answer.rcode === 'NOERROR' && answer.answers.length === 0 ? ' (no records)' : ''} — ${source}`];
  for (const r of [...answer.answers, ...answer.additional]) lines.push(`  ${r.name} ${r.type} ${r.data ?? '(allocated by the cluster)'}`);
  lines.push(answer.explanation.summary, ...answer.explanation.details.map((d) => `  ${d}`));
  for (const s of answer.explanation.search ?? []) lines.push(`  tried ${s.name}: ${s.rcode}${s.answers > 0 ? `, ${s.answers} records` : ''}`);
  return lines.join('\n');
}
