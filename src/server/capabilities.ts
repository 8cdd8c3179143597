/**
 * What the client declared it can do, read once from `initialize`, and what the server offers in return. The
 * server asks a client only for what it declared: configuration, watched-file registration, inlay-hint refresh,
 * code actions as literals, markdown.
 */
// Types only: the server's first stage (start.ts) answers `initialize` with these before the LSP library is loaded.
import type { ClientCapabilities, ServerCapabilities, TextDocumentSyncKind } from 'vscode-languageserver';
import { NETLENS_VERSION } from '../core/version';

export type HoverFormat = 'markdown' | 'plaintext';

export interface ClientFeatures {
  /** `workspace/configuration` may be sent. */
  readonly configuration: boolean;
  /** `workspace/didChangeWatchedFiles` may be registered: the client watches files for the server. */
  readonly watchedFilesRegistration: boolean;
  /** The client sends `workspace/didChangeWorkspaceFolders`. */
  readonly workspaceFolders: boolean;
  /** `workspace/inlayHint/refresh` may be sent. */
  readonly inlayHintRefresh: boolean;
  /** Code actions may be answered as `CodeAction` literals. */
  readonly codeActionLiterals: boolean;
  /** `workspace/applyEdit` may be sent (for fixes offered as commands). */
  readonly applyEdit: boolean;
  /** The richest hover format the client takes. */
  readonly hoverFormat: HoverFormat;
  /** `textDocument/prepareRename` may be offered (`RenameOptions` only to a client with `prepareSupport`). */
  readonly prepareRename: boolean;
}

/** `TextDocumentSyncKind.Incremental`: documents change by ranges. */
const INCREMENTAL: TextDocumentSyncKind = 2;

/** What the server says of itself in its answer to `initialize`. */
export const SERVER_INFO = { name: 'netlens-lsp', version: NETLENS_VERSION } as const;

/** The command a fix runs in a client that takes code actions as commands only. */
export const APPLY_FIX_COMMAND = 'netlens.applyFix';

export function clientFeatures(c: ClientCapabilities): ClientFeatures {
  return {
    configuration: c.workspace?.configuration === true,
    watchedFilesRegistration: c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    workspaceFolders: c.workspace?.workspaceFolders === true,
    inlayHintRefresh: c.workspace?.inlayHint?.refreshSupport === true,
    codeActionLiterals: c.textDocument?.codeAction?.codeActionLiteralSupport !== undefined,
    applyEdit: c.workspace?.applyEdit === true,
    // Without `contentFormat` a client may render plain text only (LSP 3.17, HoverClientCapabilities).
    hoverFormat: c.textDocument?.hover?.contentFormat?.includes('markdown') ? 'markdown' : 'plaintext',
    prepareRename: c.textDocument?.rename?.prepareSupport === true,
  };
}

export function serverCapabilities(f: ClientFeatures): ServerCapabilities {
  // Fixes go as literals where the client takes them, else as a command that applies the edit, else not at all.
  // `CodeActionOptions` may be given only to a client with literal support.
  const codeActions = f.codeActionLiterals ? { codeActionKinds: ['quickfix'] } : f.applyEdit;
  return {
    textDocumentSync: INCREMENTAL,
    hoverProvider: true,
    inlayHintProvider: true,
    codeActionProvider: codeActions,
    ...(!f.codeActionLiterals && f.applyEdit ? { executeCommandProvider: { commands: [APPLY_FIX_COMMAND] } } : {}),
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: f.prepareRename ? { prepareProvider: true } : true,
    completionProvider: { triggerCharacters: [':', '.', '/', '@'] },
    codeLensProvider: { resolveProvider: false },
    documentLinkProvider: { resolveProvider: false },
    workspaceSymbolProvider: true,
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  };
}
