/**
 * The language client: how the server is started, which documents it serves, and what it is told at each start.
 * The server watches the workspace's manifests itself (it registers `workspace/didChangeWatchedFiles`, which VS
 * Code serves), so the client keeps no file watcher of its own; it sends the `netlens` section as it changes.
 */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { type NamespaceParams, NamespaceRequest, type NamespaceView } from '../protocol/requests';
import { initializationOptions, readSettings, SECTION } from './settings';

export function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  // The server runs in the extension's folder, not (the client's default) the workspace's: a kubeconfig exec
  // plugin it starts inherits that folder, and a relative plugin command or PATH entry must not find a program
  // that an opened folder holds.
  const cwd = context.extensionPath;
  // Over stdio the server's first stage answers `initialize` before it loads the server (src/server/start.ts):
  // the views ask their first questions sooner than over IPC, where the whole server loads first.
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, options: { cwd } },
    debug: { module, transport: TransportKind.stdio, options: { cwd, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  let hoverShown = false;
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: { configurationSection: SECTION },
    outputChannel: output,
    // Computed at each start, so that a restart (after the workspace is trusted, or a cluster setting changed)
    // tells the server what holds now.
    initializationOptions: () => initializationOptions(readSettings(vscode.workspace.getConfiguration(SECTION)), vscode.workspace.isTrusted),
    middleware: {
      // The walkthrough's "Hover a name" step completes on the first hover that NetLens answers.
      provideHover: async (document, position, token, next) => {
        const hover = await next(document, position, token);
        if (hover && !hoverShown) {
          hoverShown = true;
          void vscode.commands.executeCommand('setContext', 'netlens.hoverShown', true);
        }
        return hover;
      },
    },
  };
  return new LanguageClient('netlens', 'NetLens', serverOptions, clientOptions);
}

/**
 * A namespace's view from the server, asked with the revision of the one held: a view that did not change comes back
 * marked so, without its content, and the one held is the answer.
 */
export async function askNamespace(client: LanguageClient, params: Omit<NamespaceParams, 'known'>, held: NamespaceView | undefined): Promise<NamespaceView> {
  const known = held?.revision;
  const answer = await client.sendRequest(NamespaceRequest, { ...params, ...(known ? { known } : {}) });
  return answer.unchanged && held ? held : answer;
}
