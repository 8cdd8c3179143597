/**
 * Who talks to whom, for the views: the connections the workspace's references make (core/reach/clients.ts),
 * judged as hovers judge them, as each Service's clients in the model shown. Computed in the background, a few
 * files at a time with the event loop free between them (a workspace of thousands of files is scanned on first
 * use), once per workspace model and cluster snapshot; until then the views show the clients computed last, and
 * when done they are told to ask again.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CheckSource } from '../core/check';
import type { ScannedFile } from '../core/navigate';
import { Connections } from '../core/reach';
import type { ClusterSnapshot } from '../core/snapshot';
import type { WorkspaceModel } from '../core/workspace';
import type { LocationView } from '../protocol/requests';
import { toRange } from './convert';
import { placeLocation, type SourceReference } from './renders';
import { type ClientsByService, clientViews } from './views';

export interface ClientsHost {
  /** The URIs of the workspace's files: open documents and files on disk. */
  fileUris(): string[];
  /** A file's text and references (scanned on first use, with pauses, and kept while its text is the same). */
  scanned(uri: string, pause: () => Promise<void>): Promise<ScannedFile | undefined>;
  /** Whether a file speaks through the builds of a render (its references are among `rendered`). */
  covered(uri: string): boolean;
  /** The references of rendered charts and overlays, placed at the template or patch that produced them. */
  rendered(): Iterable<readonly SourceReference[]>;
  /** The models as they are now; undefined while none is shown. */
  models(): { readonly workspace: WorkspaceModel; readonly shown: ClusterSnapshot; readonly sources: readonly CheckSource[] } | undefined;
  /** New clients are computed: the views should ask again. */
  changed(): void;
  /** A point where the computation gives the event loop back. */
  pause(): Promise<void>;
}

interface Key {
  readonly workspace: WorkspaceModel;
  readonly shown: ClusterSnapshot;
  readonly live: ClusterSnapshot | undefined;
}

/** References judged between two pauses. */
const CHUNK = 500;

export class ServiceClients {
  private done: { key: Key; byService: ClientsByService } | undefined;
  private running: { key: Key; promise: Promise<void> } | undefined;

  constructor(private readonly host: ClientsHost) {}

  /** The clients of the models as they are now, or while those are computed, the ones computed last. */
  current(): ClientsByService | undefined {
    const key = this.key();
    if (!key) return undefined;
    if (this.done && same(this.done.key, key)) return this.done.byService;
    this.start(key);
    return this.done?.byService;
  }

  /** Resolves when the clients of the models as they are now are computed. */
  async settled(): Promise<void> {
    for (;;) {
      const key = this.key();
      if (!key || (this.done && same(this.done.key, key))) return;
      await this.start(key);
    }
  }

  /** Whether the workspace is still the one being judged: an edit makes the work moot (a new cluster snapshot does not). */
  private stillCurrent(key: Key): boolean {
    return this.host.models()?.workspace === key.workspace;
  }

  private key(): (Key & { sources: readonly CheckSource[] }) | undefined {
    const m = this.host.models();
    if (!m) return undefined;
    return { workspace: m.workspace, shown: m.shown, live: m.sources.find((s) => s.live)?.resolver.snapshot, sources: m.sources };
  }

  /**
   * One computation at a time: while one runs, a question about newer models waits for it (the views ask again
   * when it is done, and then the newer models' start). A busy cluster changes its snapshot every second; each
   * answer is published, a little late, rather than abandoned for the next.
   */
  private start(key: Key & { sources: readonly CheckSource[] }): Promise<void> {
    if (this.running) return this.running.promise;
    const promise = this.compute(key).finally(() => {
      if (this.running?.promise === promise) this.running = undefined;
    });
    this.running = { key, promise };
    return promise;
  }

  private async compute(key: Key & { sources: readonly CheckSource[] }): Promise<void> {
    const found = new Connections<LocationView>({ sources: key.sources, workspace: key.workspace.snapshot });
    let since = 0;
    // Stops when the workspace changes meanwhile: a newer computation starts at the next question.
    const yielded = async (): Promise<boolean> => {
      since = 0;
      await this.host.pause();
      return this.stillCurrent(key);
    };
    const pause = () => this.host.pause();
    for (const uri of this.host.fileUris()) {
      if (this.host.covered(uri)) continue;
      const file = await this.host.scanned(uri, pause);
      if (!this.stillCurrent(key)) return;
      if (!file) continue;
      let doc: TextDocument | undefined;
      for (const reference of file.references) {
        doc ??= TextDocument.create(file.uri, 'yaml', 0, file.text);
        found.add({ reference, place: { uri: file.uri, range: toRange(doc, reference.start, reference.end) } });
        if (++since >= CHUNK && !(await yielded())) return;
      }
    }
    for (const refs of this.host.rendered()) {
      for (const r of refs) {
        found.add({ reference: r.reference, place: placeLocation(r.place) });
        if (++since >= CHUNK && !(await yielded())) return;
      }
    }
    this.done = { key, byService: clientViews(found.result(), key.workspace.snapshot, key.shown) };
    this.host.changed();
  }
}

function same(a: Key, b: Key): boolean {
  return a.workspace === b.workspace && a.shown === b.shown && a.live === b.live;
}
