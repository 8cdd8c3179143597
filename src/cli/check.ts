/**
 * `netlens check PATH... [--format text|json|sarif]`: the language server's findings, from the same code, for
 * terminals and CI. Exit status 1 when a finding has error severity, 2 for bad usage or unreadable input.
 */
import { analyzeManifest } from '../core/analyze';
import { DIAGNOSTICS, type Finding } from '../core/check';
import type { ParsedManifest } from '../core/manifests';
import { DEFAULT_ZONE } from '../core/names';
import { Resolver, type PodRecordsMode } from '../core/resolver';
import { buildWorkspaceModel } from '../core/workspace';
import { loadManifests } from './files';
import { problemText } from './format';

export interface CheckArgs {
  readonly paths: readonly string[];
  readonly format: 'text' | 'json' | 'sarif';
  readonly namespace: string;
  readonly zone?: string;
  readonly podRecords: PodRecordsMode;
}

export interface Located {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly code: string;
  readonly severity: Finding['severity'];
  readonly message: string;
}

/** Runs the checks; returns the exit status. */
export function runCheck(args: CheckArgs, out: (s: string) => void, err: (s: string) => void): number {
  const loaded = loadManifests(args.paths, { zone: args.zone ?? DEFAULT_ZONE, defaultNamespace: args.namespace });
  for (const p of loaded.unreadable) err(`netlens: ${problemText(p)}\n`);
  if (loaded.unreadable.length > 0) return 2;
  const model = buildWorkspaceModel(loaded.manifests, { defaultNamespace: args.namespace });
  // Duplicate keys are findings (NL015) of the file's own; the other problems go to stderr.
  for (const p of model.report.problems) if (p.code !== 'duplicate-key') err(`netlens: ${problemText(p)}\n`);
  const resolver = new Resolver(model.snapshot, { ...(args.zone ? { zone: args.zone } : {}), podRecords: args.podRecords, sourceName: 'the manifests' });
  const located: Located[] = [];
  loaded.manifests.forEach((manifest, i) => {
    const analysis = analyzeManifest(
      manifest,
      {
        zone: resolver.zone,
        defaultNamespace: args.namespace,
        sources: [{ name: 'the manifests', resolver, live: false, facts: model.facts }],
        workspace: model.snapshot,
      },
      loaded.references[i],
    );
    for (const f of analysis.findings) located.push(locate(manifest, f));
  });
  if (args.format === 'json') out(`${JSON.stringify(located, null, 2)}\n`);
  else if (args.format === 'sarif') out(`${JSON.stringify(sarif(located), null, 2)}\n`);
  else {
    for (const l of located) out(`${l.file}:${l.line}:${l.column}: ${l.severity} ${l.code}: ${l.message}\n`);
    const errors = located.filter((l) => l.severity === 'error').length;
    out(`${loaded.manifests.length} file${loaded.manifests.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${located.length - errors} other finding${located.length - errors === 1 ? '' : 's'}.\n`);
  }
  return located.some((l) => l.severity === 'error') ? 1 : 0;
}

function locate(manifest: ParsedManifest, f: Finding): Located {
  const a = manifest.lineCounter.linePos(f.start);
  const b = manifest.lineCounter.linePos(f.end);
  return { file: manifest.uri, line: a.line, column: a.col, endLine: b.line, endColumn: b.col, code: f.code, severity: f.severity, message: f.message };
}

/** SARIF 2.1.0, as code-scanning services read it. */
function sarif(located: readonly Located[]): object {
  const rules = Object.values(DIAGNOSTICS);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'NetLens',
            informationUri: 'https://github.com/netlens/netlens',
            rules: rules.map((r) => ({
              id: r.code,
              name: r.name,
              shortDescription: { text: r.summary },
              defaultConfiguration: { level: level(r.severity) },
            })),
          },
        },
        results: located.map((l) => ({
          ruleId: l.code,
          ruleIndex: rules.findIndex((r) => r.code === l.code),
          level: level(l.severity),
          message: { text: l.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: l.file.split('\\').join('/') },
                region: { startLine: l.line, startColumn: l.column, endLine: l.endLine, endColumn: l.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
}

function level(severity: Finding['severity']): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}
