/**
 * "Open YAML" on a tree item: the live object as the API server has it, in a read-only editor (a document of the
 * `netlens-object` scheme, read again when the model changes), or, with no cluster, the manifest that declares it.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { type ObjectParams, ObjectRequest } from '../protocol/requests';

export const OBJECT_SCHEME = 'netlens-object';

/** The document URI of a live object: `netlens-object:/<namespace>/<kind>/<name>.yaml` (the tab shows `<name>.yaml`). */
function objectUri(ref: ObjectParams): vscode.Uri {
  const kind = ref.kind.toLowerCase();
  const path = ref.kind === 'Namespace' ? `/${kind}/${ref.name}.yaml` : `/${ref.namespace}/${kind}/${ref.name}.yaml`;
  return vscode.Uri.from({ scheme: OBJECT_SCHEME, path });
}

function refOf(uri: vscode.Uri): ObjectParams | undefined {
  const parts = uri.path
    .replace(/\.yaml$/, '')
    .split('/')
    .slice(1);
  if (parts.length === 2 && parts[0] === 'namespace') return { kind: 'Namespace', name: parts[1]! };
  if (parts.length !== 3) return undefined;
  const kind = parts[1] === 'service' ? 'Service' : parts[1] === 'pod' ? 'Pod' : parts[1] === 'networkpolicy' ? 'NetworkPolicy' : undefined;
  return kind ? { kind, namespace: parts[0]!, name: parts[2]! } : undefined;
}

export class LiveObjects implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Documents off screen when the model changed: read again when shown. */
  private readonly behind = new Set<string>();
  /** YAML just read by `open`, served once so that opening reads the object once. */
  private readonly fresh = new Map<string, string>();

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const fresh = this.fresh.get(uri.toString());
    if (fresh !== undefined) {
      this.fresh.delete(uri.toString());
      return fresh;
    }
    const ref = refOf(uri);
    const client = this.client();
    if (!ref || !client) return `# ${vscode.l10n.t('NetLens: the language server is not running.')}\n`;
    const result = await client.sendRequest(ObjectRequest, ref, token);
    if (result.ok && result.from === 'cluster') return result.yaml;
    const message = result.ok ? vscode.l10n.t('The views show the workspace manifests now; open the object again from the tree.') : result.message;
    return `# NetLens: ${message.replace(/[\r\n]+/g, ' ')}\n`;
  }

  /**
   * The model changed: the object documents on screen are read again (one request each, at most once a second);
   * one that comes back on screen later is read again then (see `watchVisible`).
   */
  refresh(): void {
    const shown = new Set<string>();
    for (const editor of vscode.window.visibleTextEditors) {
      const uri = editor.document.uri;
      if (uri.scheme === OBJECT_SCHEME && !shown.has(uri.toString())) {
        shown.add(uri.toString());
        this.changed.fire(uri);
      }
    }
    for (const doc of vscode.workspace.textDocuments)
      if (doc.uri.scheme === OBJECT_SCHEME && !shown.has(doc.uri.toString())) this.behind.add(doc.uri.toString());
  }

  /** Object documents that missed a change while off screen are read again when they are shown. */
  watchVisible(): vscode.Disposable {
    return vscode.window.onDidChangeVisibleTextEditors((editors) => {
      for (const editor of editors) {
        const key = editor.document.uri.toString();
        if (this.behind.delete(key)) this.changed.fire(editor.document.uri);
      }
    });
  }

  /** Opens an object: its live YAML from the cluster, or the manifest that declares it. */
  async open(ref: ObjectParams): Promise<void> {
    const client = this.client();
    if (!client) throw new Error(vscode.l10n.t('the language server is not running'));
    const result = await client.sendRequest(ObjectRequest, ref);
    if (!result.ok) {
      void vscode.window.showWarningMessage(`NetLens: ${result.message}`);
      return;
    }
    if (result.from === 'workspace') {
      const { start, end } = result.range;
      await vscode.window.showTextDocument(vscode.Uri.parse(result.uri), {
        selection: new vscode.Range(start.line, start.character, end.line, end.character),
        preview: true,
      });
      return;
    }
    const uri = objectUri(ref);
    this.fresh.set(uri.toString(), result.yaml);
    // A document already open shows what was read before: it takes the new text.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
    await vscode.window.showTextDocument(doc, { preview: true });
    this.log.info(`Opened ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} from the cluster.`);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
