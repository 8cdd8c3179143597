/**
 * The status bar item (the context or the workspace, and the namespaces shown; a click switches context) and the
 * context keys that choose the welcome view and enable commands, both from the model the server shows.
 */
import * as vscode from 'vscode';
import type { ModelInfo } from '../protocol/requests';
import { contextKeys, statusText, viewMessage } from './model-state';
import type { Node } from './tree-items';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('netlens.context', vscode.StatusBarAlignment.Left, 50);

  constructor(switchCommand: string) {
    this.item.name = vscode.l10n.t('NetLens context');
    this.item.command = switchCommand;
  }

  /** Shows the model's state; `filter` describes the namespaces shown (empty: all). */
  async update(info: ModelInfo | undefined, view: vscode.TreeView<Node>, filter: string): Promise<void> {
    for (const [key, value] of Object.entries(contextKeys(info))) await vscode.commands.executeCommand('setContext', key, value);
    if (info?.kind === 'cluster') view.message = viewMessage(info, vscode.l10n.t);
    const { text, tooltip } = statusText(info, filter, vscode.l10n.t);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
