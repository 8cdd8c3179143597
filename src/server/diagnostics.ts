/**
 * Publishes diagnostics only when they change for a document. A model that changes without changing a document's
 * findings (a cluster retrying its connection, a file touched on disk, an edit elsewhere) sends nothing: the client
 * keeps showing the last list, which is still right.
 */
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';

export class DiagnosticsPublisher {
  /** What was last sent for each document, as JSON. */
  private readonly sent = new Map<string, string>();

  constructor(private readonly send: (params: PublishDiagnosticsParams) => void) {}

  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void {
    const key = JSON.stringify(diagnostics);
    if (this.sent.get(uri) === key) return;
    this.sent.set(uri, key);
    this.send({ uri, ...(version !== undefined ? { version } : {}), diagnostics });
  }
}
