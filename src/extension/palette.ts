/**
 * Resolve Name or IP and Find Owner of IP: an input box, the server's answer as a message with what can be done
 * with it (copy, reveal in the tree or the map), and the whole explanation in the output.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DnsAnswer, QueryType } from '../core/resolver';
import { ResolveRequest } from '../protocol/requests';
import { type AnswerTarget, answerCopyValue, answerTarget } from './answer';

const IP = /^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-fA-F:]*:[0-9a-fA-F:.]*\]?)$/;

export interface AnswerActions {
  copy(value: string): Promise<void>;
  reveal(target: AnswerTarget): Promise<void>;
  showInMap(target: AnswerTarget): void;
}

export async function resolveCommand(
  client: LanguageClient | undefined,
  output: vscode.LogOutputChannel,
  mode: 'name' | 'ip',
  qtype: QueryType,
  actions: AnswerActions,
): Promise<void> {
  if (!client) throw new Error(vscode.l10n.t('the language server is not running'));
  const input = await vscode.window.showInputBox({
    title: mode === 'ip' ? vscode.l10n.t('NetLens: Find Owner of IP') : vscode.l10n.t('NetLens: Resolve Name or IP'),
    prompt:
      mode === 'ip'
        ? vscode.l10n.t('An IPv4 or IPv6 address: NetLens names the Service, pod, node or endpoint it belongs to')
        : vscode.l10n.t('A DNS name (web, web.shop, web.shop.svc.cluster.local, _http._tcp.web.shop.svc.cluster.local) or an IP address'),
    placeHolder: mode === 'ip' ? '10.96.0.10' : 'web.shop',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const v = value.trim();
      if (v === '') return mode === 'ip' ? vscode.l10n.t('Type an IP address.') : vscode.l10n.t('Type a name or an IP address.');
      if (mode === 'ip' && !IP.test(v)) return vscode.l10n.t('This is not an IP address.');
      if (/\s/.test(v)) return vscode.l10n.t('A name has no spaces.');
      return undefined;
    },
  });
  if (input === undefined) return;
  const result = await client.sendRequest(ResolveRequest, { input, qtype });
  if (!result.ok) {
    void vscode.window.showWarningMessage(vscode.l10n.t('NetLens: "{0}" is not a name or an IP address. {1}', input, result.message));
    return;
  }
  output.info(describe(result.answer, result.source));
  const a = result.answer;
  // The answer, with what can be done with it; the whole explanation is in the output.
  const target = answerTarget(a);
  const value = answerCopyValue(a);
  const [copyButton, revealButton, mapButton, explainButton] = [
    vscode.l10n.t('Copy'),
    vscode.l10n.t('Reveal in Tree'),
    vscode.l10n.t('Show in Map'),
    vscode.l10n.t('Explain'),
  ];
  const buttons = [...(value ? [copyButton] : []), ...(target ? [revealButton, mapButton] : []), explainButton];
  const show = a.rcode === 'NOERROR' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const chosen = await show(`NetLens: ${headline(a, mode)} (${result.source})`, ...buttons);
  if (chosen === copyButton && value) await actions.copy(value);
  else if (chosen === revealButton && target) await actions.reveal(target);
  else if (chosen === mapButton && target) actions.showInMap(target);
  else if (chosen === explainButton) output.show(true);
}

function headline(a: DnsAnswer, mode: 'name' | 'ip'): string {
  if (mode === 'ip' || a.explanation.owners) return a.explanation.summary;
  if (a.rcode !== 'NOERROR') return `${a.qname}: ${a.rcode}`;
  if (a.answers.length > 0) return `${a.qname} → ${a.answers.map((r) => r.data ?? '(allocated by the cluster)').join(', ')}`;
  return `${a.qname}: no ${a.qtype} records`;
}

function describe(answer: DnsAnswer, source: string): string {
  const lines = [
    `${answer.qname} ${answer.qtype}: ${answer.rcode}${answer.rcode === 'NOERROR' && answer.answers.length === 0 ? ' (no records)' : ''} — ${source}`,
  ];
  for (const r of [...answer.answers, ...answer.additional]) lines.push(`  ${r.name} ${r.type} ${r.data ?? '(allocated by the cluster)'}`);
  lines.push(answer.explanation.summary, ...answer.explanation.details.map((d) => `  ${d}`));
  for (const s of answer.explanation.search ?? []) lines.push(`  tried ${s.name}: ${s.rcode}${s.answers > 0 ? `, ${s.answers} records` : ''}`);
  return lines.join('\n');
}
