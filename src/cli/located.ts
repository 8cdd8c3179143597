/**
 * The findings of `netlens check` as it prints them: placed in the user's files, with what rendered them, in the
 * order of the output. One place for the check in this thread and the check in worker threads, so that both print
 * the same findings in the same order.
 */

import { relative, resolve } from 'node:path';
import { t } from '../core/l10n';
import { type BuildFinding, renderedAs } from '../render/builds';
import type { Located } from './format';

/** A finding of the builds as printed; `shown` is a file's path as the user sees it, `labels` the renders' names. */
export function locatedOf(f: BuildFinding, shown: (file: string) => string, labels: ReadonlyMap<string, string>): Located {
  return {
    file: shown(f.place.file),
    line: f.place.line,
    column: f.place.column,
    endLine: f.place.endLine,
    endColumn: f.place.endColumn,
    code: f.finding.code,
    severity: f.finding.severity,
    message: f.finding.message + renderedAs(f) + renderedBy(f.builds, labels),
  };
}

/** The order of the output: by file, line, column and code (a stable sort keeps the builds' order otherwise). */
export function byPlace(a: Located, b: Located): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
}

/** ` [rendered by A; B]` for findings in rendered text (the plain manifests' own findings say nothing more). */
export function renderedBy(builds: readonly string[], labels: ReadonlyMap<string, string>): string {
  const shownLabels = new Set(labels.values());
  const rendered = builds.filter((b) => shownLabels.has(b));
  return rendered.length === 0 ? '' : t(' [rendered by {0}]', rendered.join('; '));
}

/** A path as the output names it: relative to `cwd` when inside it, else absolute. */
export function shownPath(file: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, file));
  return rel && !rel.startsWith('..') ? rel : resolve(cwd, file);
}
