/**
 * `netlens-lsp`: creates the LSP connection (`--stdio` for any LSP editor, IPC under vscode-languageclient) and
 * serves it. Nothing but LSP is written to stdout.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { serve } from './connection';

const connection = createConnection(ProposedFeatures.all);
// A failure outside a handler is logged to the client, and the server goes on.
process.on('uncaughtException', (e) => connection.console.error(`Uncaught: ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`Unhandled rejection: ${(e as Error)?.stack ?? e}`));
serve(connection);
