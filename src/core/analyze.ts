/**
 * One file's analysis, shared by the language server and `netlens check`: its references, and the findings
 * about them and about the Services it declares.
 */
import { checkReferences, checkServices, type CheckOptions, type CheckSource, type Finding } from './check';
import type { ParsedManifest } from './manifests';
import { scanReferences, type Reference } from './references';
import type { ClusterSnapshot } from './snapshot';

export interface AnalyzeOptions extends CheckOptions {
  readonly zone: string;
  readonly defaultNamespace: string;
  /** Sources to resolve against, in order of preference (live cluster first, then the workspace). */
  readonly sources: readonly CheckSource[];
  /** The workspace model, for the checks of declared Services (selectors, target ports). */
  readonly workspace?: ClusterSnapshot;
  /** Stop scanning after this many references (a budget for huge files). */
  readonly maxReferences?: number;
}

export interface Analysis {
  readonly references: readonly Reference[];
  readonly findings: readonly Finding[];
  /** The reference budget ran out: the end of the file was not analysed. */
  readonly truncated: boolean;
}

/** Analyses a parsed file; `scanned` are its references when the caller has them already (an incremental parse). */
export function analyzeManifest(manifest: ParsedManifest, options: AnalyzeOptions, scanned?: readonly Reference[]): Analysis {
  const max = options.maxReferences ?? 20_000;
  const references = scanned ? scanned.slice(0, max) : scanReferences(manifest, { zone: options.zone, defaultNamespace: options.defaultNamespace, maxReferences: max });
  const findings = [...checkReferences(references, options.sources, options)];
  if (options.workspace) {
    const declared = [...options.workspace.services()].filter((s) => s.source?.uri === manifest.uri);
    findings.push(...checkServices(declared, options.workspace, options));
  }
  findings.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
  return { references, findings, truncated: references.length >= max };
}
