/**
 * The conversions between the core's plain data (offsets, findings, fixes) and LSP's (positions, diagnostics,
 * code actions, commands), in one place.
 */

import { type CodeAction, CodeActionKind, type Command, type Diagnostic, DiagnosticSeverity, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Fix, Severity } from '../core/check';
import { APPLY_FIX_COMMAND } from './capabilities';

/** The diagnostics' `source`: which ones are NetLens's to fix. */
export const SOURCE = 'netlens';

export function toRange(doc: TextDocument, start: number, end: number): Range {
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}

function toSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'information':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

/** What a diagnostic carries for its code actions: the fixes, with offsets into the text it was made from. */
interface FixData {
  readonly fixes: readonly Fix[];
}

export function toDiagnostic(doc: TextDocument, f: Finding): Diagnostic {
  const data: FixData = { fixes: f.fixes };
  return { range: toRange(doc, f.start, f.end), severity: toSeverity(f.severity), code: f.code, source: SOURCE, message: f.message, data };
}

/** A diagnostic of NetLens's own that is no finding (an alias bomb refused, the reference budget spent). */
export function noteDiagnostic(doc: TextDocument, start: number, end: number, severity: Severity, message: string): Diagnostic {
  return { range: toRange(doc, start, end), severity: toSeverity(severity), source: SOURCE, message };
}

/** The fixes a diagnostic that the client sends back carries; nothing for another server's or a malformed one. */
export function fixesOf(d: Diagnostic): readonly Fix[] {
  if (d.source !== SOURCE) return [];
  const fixes = (d.data as Partial<FixData> | undefined)?.fixes;
  if (!Array.isArray(fixes)) return [];
  return fixes.filter(
    (fix: Fix) =>
      typeof fix?.title === 'string' &&
      Array.isArray(fix.edits) &&
      fix.edits.every((e) => Number.isInteger(e?.start) && Number.isInteger(e?.end) && e.start <= e.end && typeof e.newText === 'string'),
  );
}

export function toCodeAction(doc: TextDocument, fix: Fix, diagnostic: Diagnostic, preferred: boolean): CodeAction {
  const edit: WorkspaceEdit = { changes: { [doc.uri]: fix.edits.map((e) => ({ range: toRange(doc, e.start, e.end), newText: e.newText })) } };
  return { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred, edit };
}

/** A code action as a command, for a client that takes no literals: running it applies the same edit. */
function toCommand(action: CodeAction): Command {
  return { title: action.title, command: APPLY_FIX_COMMAND, arguments: [action.edit] };
}

/** The edit an `APPLY_FIX_COMMAND` carries, or undefined when the arguments are not one. */
export function editOfCommand(args: readonly unknown[] | undefined): WorkspaceEdit | undefined {
  const edit = args?.[0] as WorkspaceEdit | undefined;
  return edit && typeof edit === 'object' && typeof edit.changes === 'object' ? edit : undefined;
}

/** Code actions as the client takes them: literals where it declared them, else commands that apply their edits. */
export function codeActionsFor(literals: boolean, actions: CodeAction[]): (CodeAction | Command)[] {
  return literals ? actions : actions.map(toCommand);
}
