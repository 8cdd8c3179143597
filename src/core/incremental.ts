/**
 * Incremental parsing of large multi-document files: the text is cut at document separators (`---` at the
 * start of a line), each piece is parsed and scanned once and cached by its text, and an edit re-parses only
 * the pieces it touched. Positions are shifted back to offsets in the whole file.
 */
import { LineCounter } from 'yaml';
import {
  duplicateKeyMessage,
  impliedNamespace,
  lineCounterOf,
  type ManifestObject,
  type ManifestProblem,
  type ParsedManifest,
  parseManifest,
  withImpliedNamespace,
} from './manifests';
import { type Reference, type ScanOptions, scanReferences } from './references';

interface Piece {
  readonly text: string;
  readonly manifest: ParsedManifest;
  readonly references: readonly Reference[];
}

export interface ChunkedManifest {
  readonly uri: string;
  readonly text: string;
  /** The file as one manifest, positions in the whole text (for the workspace model and the checks). */
  readonly manifest: ParsedManifest;
  readonly references: readonly Reference[];
  /** Pieces parsed for this version (the others came from the cache). */
  readonly parsedPieces: number;
  readonly pieces: number;
  /**
   * The pieces in order, for a caller that keeps a file's data without its YAML nodes (the CLI's worker threads):
   * how many of `manifest.objects` each holds, and its problems placed in the file, read when asked as
   * `manifest.problems` is (reading an object's value may add one to its piece).
   */
  readonly parts: readonly PieceInfo[];
}

export interface PieceInfo {
  readonly objects: number;
  problems(): ManifestProblem[];
}

const SEPARATOR = /^---(?=[ \t]*(?:#.*)?$)/gm;

/**
 * A piece that is one CustomResourceDefinition: a schema, whose text (descriptions, examples) names nothing a
 * pod reaches. CRDs are the largest documents in real manifests (Argo CD's ApplicationSet CRD is 1.4 MB, parsed
 * in half a second), so they are recognised by their top-level keys and not parsed.
 */
const CRD_KIND = /^kind:[ \t]*(["']?)CustomResourceDefinition\1[ \t]*(?:#.*)?$/m;
const CRD_API = /^apiVersion:[ \t]*(["']?)apiextensions\.k8s\.io\/v1(?:beta1)?\1[ \t]*(?:#.*)?$/m;

export function isCustomResourceDefinition(piece: string): boolean {
  return CRD_KIND.test(piece) && CRD_API.test(piece) && piece.indexOf('\n---', 1) === -1;
}

/** The pieces of a file's text, cut at each document separator (`---` at the start of a line) but the first character. */
export function documentPieces(text: string): string[] {
  const cuts = cutsOf(text);
  return cuts.slice(1).map((end, i) => text.slice(cuts[i], end));
}

/** Where the pieces of a file start (at each document separator but the first character), and its length. */
function cutsOf(text: string): number[] {
  const cuts = [0];
  for (const m of text.matchAll(SEPARATOR)) if (m.index! > 0) cuts.push(m.index!);
  cuts.push(text.length);
  return cuts;
}

export class ManifestCache {
  private pieces = new Map<string, Piece>();

  /** Without `scan`, pieces are parsed only: the references come back empty (files read for their objects). */
  constructor(private readonly scan?: ScanOptions) {}

  /**
   * Parses the pieces of a file that this cache does not hold yet, one at a time, awaiting `pause` after each:
   * a large file is made ready for `parse` without holding the thread for all of it at once.
   */
  async prepare(uri: string, text: string, pause: () => Promise<void>): Promise<void> {
    const cuts = cutsOf(text);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const pieceText = text.slice(cuts[i]!, cuts[i + 1]);
      if (this.pieces.has(pieceText)) continue;
      this.pieces.set(pieceText, this.piece(uri, pieceText));
      await pause();
    }
  }

  private piece(uri: string, pieceText: string): Piece {
    if (isCustomResourceDefinition(pieceText)) {
      return {
        text: pieceText,
        manifest: { uri, text: pieceText, documents: [], objects: [], problems: [], skipped: 1, lineCounter: new LineCounter() },
        references: [],
      };
    }
    const manifest = parseManifest(uri, pieceText);
    return { text: pieceText, manifest, references: this.scan ? scanReferences(manifest, this.scan) : [] };
  }

  /** Parses a file, reusing the pieces whose text did not change since the last call for this cache. */
  parse(uri: string, text: string): ChunkedManifest {
    const cuts = cutsOf(text);
    const next = new Map<string, Piece>();
    const objects: ManifestObject[] = [];
    const placed: { piece: Piece; start: number }[] = [];
    const references: Reference[] = [];
    const documents: ParsedManifest['documents'][number][] = [];
    const lineCounter = lineCounterOf(text);
    let skipped = 0;
    let parsedPieces = 0;
    for (let i = 0; i + 1 < cuts.length; i++) {
      const start = cuts[i]!;
      const pieceText = text.slice(start, cuts[i + 1]);
      let piece = this.pieces.get(pieceText) ?? next.get(pieceText);
      if (!piece) {
        piece = this.piece(uri, pieceText);
        parsedPieces++;
      }
      next.set(pieceText, piece);
      skipped += piece.manifest.skipped;
      documents.push(...piece.manifest.documents);
      for (const o of piece.manifest.objects) objects.push(shiftObject(o, start));
      placed.push({ piece, start });
      for (const r of piece.references) references.push(shiftReference(r, start));
    }
    this.pieces = next;
    // The namespace a file implies for its objects that name none is the file's, not a piece's.
    const implied = impliedNamespace(objects);
    const placedObjects = withImpliedNamespace(objects);
    const placedReferences = implied === undefined ? references : references.map((r) => (r.namespaceImplied ? { ...r, namespace: implied } : r));
    return {
      uri,
      text,
      manifest: {
        uri,
        text,
        documents,
        objects: placedObjects,
        // Read when asked: converting an object to data (value()) may report a problem after the parse.
        get problems(): ManifestProblem[] {
          return placed.flatMap(({ piece, start }) => placeProblems(piece.manifest.problems, start, lineCounter));
        },
        skipped,
        lineCounter,
      },
      references: placedReferences,
      parsedPieces,
      pieces: cuts.length - 1,
      parts: placed.map(({ piece, start }) => ({
        objects: piece.manifest.objects.length,
        problems: () => placeProblems(piece.manifest.problems, start, lineCounter),
      })),
    };
  }
}

/** A piece's problems placed in its file: offsets shifted, lines and columns of the file. */
function placeProblems(problems: readonly ManifestProblem[], start: number, lineCounter: LineCounter): ManifestProblem[] {
  return problems.map((p) => {
    const pos = lineCounter.linePos(p.offset + start);
    const moved = { ...p, offset: p.offset + start, line: pos.line, column: pos.col };
    if (p.related === undefined) return moved;
    // The message names a line of the piece: name it in the file.
    const related = p.related + start;
    const key = /"([^"]*)"/.exec(p.message)?.[1];
    return {
      ...moved,
      related,
      ...(p.code === 'duplicate-key' && key !== undefined ? { message: duplicateKeyMessage(key, lineCounter.linePos(related).line) } : {}),
    };
  });
}

function shiftObject(o: ManifestObject, by: number): ManifestObject {
  if (by === 0) return o;
  const s = o.source;
  return { ...o, value: o.value, source: { ...s, start: s.start + by, end: s.end + by, nameStart: s.nameStart + by, nameEnd: s.nameEnd + by } };
}

function shiftReference(r: Reference, by: number): Reference {
  if (by === 0) return r;
  return {
    ...r,
    start: r.start + by,
    end: r.end + by,
    hostStart: r.hostStart + by,
    hostEnd: r.hostEnd + by,
    ...(r.portStart !== undefined ? { portStart: r.portStart + by, portEnd: r.portEnd! + by } : {}),
    ...(r.subset ? { subset: { ...r.subset, start: r.subset.start + by, end: r.subset.end + by } } : {}),
    ...(r.subsets ? { subsets: r.subsets.map((x) => ({ ...x, start: x.start + by, end: x.end + by })) } : {}),
  };
}
