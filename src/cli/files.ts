/**
 * Reads manifest files for the CLI: folders are walked for `.yaml` and `.yml` files, every file is decoded
 * strictly as UTF-8, and anything unreadable becomes a problem naming the file, never an exception.
 */
import { type Dirent, readdirSync, readFileSync, type Stats, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ManifestCache } from '../core/incremental';
import { t } from '../core/l10n';
import type { ManifestProblem, ParsedManifest } from '../core/manifests';
import type { Reference, ScanOptions } from '../core/references';

export interface LoadedFiles {
  readonly manifests: ParsedManifest[];
  /** The references of each manifest, found as the language server finds them (with `scan`). */
  readonly references: (readonly Reference[])[];
  /** Files that could not be read at all (missing, binary, not UTF-8). */
  readonly unreadable: ManifestProblem[];
}

/** Folders a walk never enters: tool state and dependencies, not manifests. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.terraform', '.venv', 'vendor']);

export function collectManifestFiles(paths: readonly string[]): { files: string[]; unreadable: ManifestProblem[] } {
  const files: string[] = [];
  const unreadable: ManifestProblem[] = [];
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      unreadable.push(fileProblem(dir, t('cannot read folder: {0}', (e as NodeJS.ErrnoException).code ?? (e as Error).message)));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) files.push(full);
    }
  };
  for (const p of paths) {
    let st: Stats;
    try {
      st = statSync(p);
    } catch (e) {
      unreadable.push(fileProblem(p, (e as NodeJS.ErrnoException).code === 'ENOENT' ? t('no such file or folder') : (e as Error).message));
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, unreadable };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses the manifests as the language server does (a piece per document, CustomResourceDefinitions
 * recognised and not parsed), and with `scan` finds their references (else their lists are empty).
 */
export function loadManifests(paths: readonly string[], scan?: ScanOptions, cwd = process.cwd()): LoadedFiles {
  return readManifests(collectManifestFiles(paths), scan, cwd);
}

/** The same, for files already collected (with the problems of collecting them). */
export function readManifests(
  collected: { files: readonly string[]; unreadable: readonly ManifestProblem[] },
  scan?: ScanOptions,
  cwd = process.cwd(),
): LoadedFiles {
  const { files } = collected;
  const unreadable = [...collected.unreadable];
  const manifests: ParsedManifest[] = [];
  const references: (readonly Reference[])[] = [];
  for (const file of files) {
    const shown = displayPath(file, cwd);
    const read = readManifestFile(file, shown);
    if ('problem' in read) {
      unreadable.push(read.problem);
      continue;
    }
    const parsed = new ManifestCache(scan).parse(shown, read.text);
    manifests.push(parsed.manifest);
    references.push(parsed.references);
  }
  return { manifests, references, unreadable };
}

/**
 * A manifest file's text, decoded strictly as UTF-8 (a byte-order mark dropped), or why it cannot be read, named
 * `shown` (the path as the user sees it).
 */
export function readManifestFile(file: string, shown: string): { text: string } | { problem: ManifestProblem } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { problem: fileProblem(shown, t('cannot read: {0}', (e as NodeJS.ErrnoException).code ?? (e as Error).message)) };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: fileProblem(shown, t('binary content (a NUL byte at offset {0}); not a YAML manifest', nul), lineColumn(bytes, nul)) };
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return { problem: fileProblem(shown, t('not UTF-8 text (invalid byte {0} at offset {1})', `0x${bytes[bad]!.toString(16)}`, bad), lineColumn(bytes, bad)) };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

/** A file's path as the CLI prints it: relative to `cwd` when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, resolve(file));
  return rel && !rel.startsWith('..') ? rel : resolve(file);
}

function fileProblem(uri: string, message: string, pos = { line: 1, column: 1, offset: 0 }): ManifestProblem {
  return { uri, code: 'not-text', severity: 'error', message, offset: pos.offset, line: pos.line, column: pos.column };
}

function lineColumn(bytes: Buffer, offset: number): { line: number; column: number; offset: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  // The column counts characters (UTF-16 code units, as editors and the YAML parser do), not bytes: a line with
  // "é" before the bad byte must not point one column too far.
  const column = new TextDecoder('utf-8').decode(bytes.subarray(start, offset)).length + 1;
  return { line, column, offset };
}

function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    // The second byte's range is narrower after some lead bytes (RFC 3629 section 4): E0 and F0 exclude overlong
    // forms, ED excludes UTF-16 surrogates, F4 excludes code points above U+10FFFF. The strict decoder refuses
    // these, so the scan must too, or it finds nothing and reports offset 0.
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (need > 0 && (i + 1 >= bytes.length || bytes[i + 1]! < lo || bytes[i + 1]! > hi)) return i;
    for (let k = 2; k <= need; k++) if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return 0;
}
