/**
 * A parsed file's data without its YAML nodes: what the workspace model reads of it (each object's identity, place
 * and value, the file's line starts and problems), as plain data that can cross to another thread. A file's YAML
 * nodes take some twenty times its text in memory; a check of 20,000 files keeps this instead, and parses a file
 * again only when a check asks for one of its nodes (to say where a selector is written, or to offer a fix).
 *
 * `detachedManifest` turns the data back into a ParsedManifest that the model and the checks read as they read the
 * parsed file: the same objects, values, places and problems, in the same order.
 */
import { LineCounter, type Node as YamlNode } from 'yaml';
import type { ChunkedManifest } from './incremental';
import type { ManifestObject, ManifestProblem, ParsedManifest } from './manifests';
import type { SourceRef } from './model';

export interface FileDigest {
  readonly uri: string;
  readonly skipped: number;
  /** The offsets at which the file's lines start (LineCounter's `lineStarts`). */
  readonly lineStarts: readonly number[];
  /** The file's pieces (see ChunkedManifest.parts): the problems of each, and how many objects it holds. */
  readonly pieces: readonly { readonly objects: number; readonly problems: readonly ManifestProblem[] }[];
  readonly objects: readonly ObjectDigest[];
}

export interface ObjectDigest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly impliedNamespace?: string;
  readonly source: SourceRef;
  /** Absent when the model does not read it (see digestOf): read from the file parsed again if asked for. */
  readonly value: Record<string, unknown> | undefined;
  /**
   * The problem its value reported (an alias bomb refused): a parsed file reports it when its value is first read,
   * and so does a detached one, so that the model's report holds it only when the model reads that object.
   */
  readonly refused?: ManifestProblem;
}

/**
 * The data of a parsed file, with the values of the objects `keepValue` names (the model's: see modelReadsValue);
 * another object's value is read from the file parsed again if a check ever asks for it. The problems a value
 * reports (an alias bomb refused) are kept apart, each with its object: the model's report holds one only when the
 * model reads that value, as with the parsed file. (A value the model does not read may report a problem later,
 * which no output shows: the report is made when the model is.)
 */
export function digestOf(parsed: ChunkedManifest, keepValue: (o: ManifestObject) => boolean = () => true): FileDigest {
  const m = parsed.manifest;
  const pieces = parsed.parts.map((p) => ({ objects: p.objects, problems: p.problems() }));
  const objects: ObjectDigest[] = [];
  let index = 0;
  parsed.parts.forEach((part, p) => {
    let seen = pieces[p]!.problems.length;
    for (let k = 0; k < part.objects; k++, index++) {
      const o = m.objects[index]!;
      const value = keepValue(o) ? o.value() : undefined;
      // A refused value is empty, and its problem is the piece's last: the problems are read again only then.
      let refused: ManifestProblem | undefined;
      if (value && isEmpty(value)) {
        const now = part.problems();
        if (now.length > seen) refused = now[now.length - 1];
        seen = now.length;
      }
      objects.push({
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.name,
        namespace: o.namespace,
        ...(o.impliedNamespace !== undefined ? { impliedNamespace: o.impliedNamespace } : {}),
        source: o.source,
        value,
        ...(refused ? { refused } : {}),
      });
    }
  });
  return { uri: m.uri, skipped: m.skipped, lineStarts: m.lineCounter.lineStarts, pieces, objects };
}

function isEmpty(value: Record<string, unknown>): boolean {
  for (const _ in value) return false;
  return true;
}

export interface Attach {
  /** The file parsed again: its objects, in the same order, with their YAML nodes. */
  readonly parse: () => ParsedManifest;
  readonly text: string;
}

/**
 * A ParsedManifest over a file's data. With `attach`, a YAML node or a value not kept is read from the file parsed
 * again (once); without it (a file another thread holds), asking for a node, the text, or a value that was not sent
 * is a mistake of the caller and throws.
 */
export function detachedManifest(d: FileDigest, attach?: Attach): ParsedManifest {
  return new DetachedManifest(d, attach);
}

/** Lets go of the nodes of a detached file parsed again (once its checks are done); a later ask parses it again. */
export function releaseNodes(m: ParsedManifest): void {
  if (m instanceof DetachedManifest) m.releaseNodes();
}

/**
 * Lets go of the values of a detached file's objects, once the model has read them: a value asked for later is read
 * from the file parsed again (a file of this thread), or throws (another thread's).
 */
export function releaseValues(m: ParsedManifest): void {
  if (m instanceof DetachedManifest) for (const o of m.objects) (o as DetachedObject).releaseValue();
}

class DetachedManifest implements ParsedManifest {
  readonly uri: string;
  readonly objects: readonly ManifestObject[];
  readonly skipped: number;
  readonly lineCounter = new LineCounter();
  /** The problems that reading a value reported, by piece, in the order the values were read. */
  private readonly refused: ManifestProblem[][];
  private parsed: ParsedManifest | undefined;

  constructor(
    private readonly d: FileDigest,
    private readonly attach: Attach | undefined,
  ) {
    this.uri = d.uri;
    this.skipped = d.skipped;
    this.lineCounter.lineStarts = d.lineStarts as number[];
    this.refused = d.pieces.map(() => []);
    const objects: ManifestObject[] = [];
    d.pieces.forEach((piece, p) => {
      for (let k = 0; k < piece.objects; k++) objects.push(new DetachedObject(d.objects[objects.length]!, objects.length, p, this));
    });
    this.objects = objects;
  }

  get text(): string {
    return this.attached().text;
  }

  get documents(): ParsedManifest['documents'] {
    return this.reparsed().documents;
  }

  get problems(): ManifestProblem[] {
    return this.d.pieces.flatMap((piece, p) => (this.refused[p]!.length === 0 ? piece.problems : [...piece.problems, ...this.refused[p]!]));
  }

  /** A value read for the first time reported this problem (as the parsed file's value() reports it). */
  reportRefused(piece: number, problem: ManifestProblem): void {
    this.refused[piece]!.push(problem);
  }

  releaseNodes(): void {
    this.parsed = undefined;
  }

  reparsed(): ParsedManifest {
    this.parsed ??= this.attached().parse();
    return this.parsed;
  }

  private attached(): Attach {
    if (!this.attach) throw new Error(`internal: the text of ${this.uri} is held by another thread (a node or a value not sent was asked for)`);
    return this.attach;
  }
}

/** An object of a detached file; its node (read from the file parsed again) and its value are on the prototype. */
class DetachedObject implements ManifestObject {
  readonly uri: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly impliedNamespace?: string;
  readonly source: SourceRef;
  private read = false;

  constructor(
    private readonly o: ObjectDigest,
    private readonly index: number,
    private readonly piece: number,
    private readonly file: DetachedManifest,
  ) {
    this.uri = o.source.uri;
    this.apiVersion = o.apiVersion;
    this.kind = o.kind;
    this.name = o.name;
    this.namespace = o.namespace;
    if (o.impliedNamespace !== undefined) this.impliedNamespace = o.impliedNamespace;
    this.source = o.source;
  }

  get node(): YamlNode {
    return this.file.reparsed().objects[this.index]!.node;
  }

  value(): Record<string, unknown> {
    if (!this.read && this.o.refused) this.file.reportRefused(this.piece, this.o.refused);
    this.read = true;
    // A value not kept (see digestOf), or let go, is read from the file parsed again.
    return this.o.value ?? this.file.reparsed().objects[this.index]!.value();
  }

  releaseValue(): void {
    // The data is this thread's own copy (sent already, or received): dropping the value frees it.
    (this.o as { value: unknown }).value = undefined;
  }
}
