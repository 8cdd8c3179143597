/**
 * The documents the client opened, kept in step with the server. A large document is parsed a piece at a time
 * before it is opened, answering requests in between; edits that come meanwhile wait for the open, which takes the
 * latest text.
 */
import type { Position, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { NetLensServer } from './server';

/** Documents at least this large are parsed a piece at a time before they are opened. */
const PREPARE_BYTES = 256 * 1024;

export class DocumentSync {
  private readonly preparing = new Set<string>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly server: Pick<NetLensServer, 'open' | 'prepare' | 'change' | 'close'>,
  ) {}

  async opened(doc: TextDocument): Promise<void> {
    const { uri } = doc;
    if (doc.getText().length < PREPARE_BYTES) return this.server.open(uri, doc.getText(), doc.version);
    this.preparing.add(uri);
    try {
      const cache = await this.server.prepare(uri, doc.getText(), () => new Promise((resolve) => setImmediate(resolve)));
      const latest = this.documents.get(uri);
      if (latest) this.server.open(uri, latest.getText(), latest.version, cache);
    } finally {
      this.preparing.delete(uri);
    }
  }

  changed(doc: TextDocument): void {
    if (!this.preparing.has(doc.uri)) this.server.change(doc.uri, doc.getText(), doc.version);
  }

  closed(doc: TextDocument): void {
    this.server.close(doc.uri);
  }

  /** The offset of a position in an open document, or undefined when the document is not open. */
  offsetAt(uri: string, position: Position): number | undefined {
    return this.documents.get(uri)?.offsetAt(position);
  }
}
