/**
 * One file's analysis, shared by the language server and `netlens check`: its references, and the findings
 * about them, about the Services it declares, and about keys it writes twice.
 */
import { isMap, isScalar, isSeq, type Pair, type Node as YamlNode } from 'yaml';
import { type CheckOptions, type CheckSource, checkReferences, checkServices, DIAGNOSTICS, type Finding, type ServiceLocations } from './check';
import { type ManifestObject, namespaceOf, type ParsedManifest } from './manifests';
import type { Service } from './model';
import { checkMonitors } from './monitors';
import { checkPolicies } from './reach/findings';
import { type Reference, scanReferences } from './references';
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
  /** The NetworkPolicy findings (NL017 to NL021); on unless false. */
  readonly policyChecks?: boolean;
}

export interface Analysis {
  readonly references: readonly Reference[];
  readonly findings: readonly Finding[];
  /** The reference budget ran out: the end of the file was not analysed. */
  readonly truncated: boolean;
}

/** Analyses a parsed file; `scanned` are its references when the caller has them already (an incremental parse). */
export function analyzeManifest(manifest: ParsedManifest, options: AnalyzeOptions, scanned?: readonly Reference[]): Analysis {
  const steps = analyzeManifestSteps(manifest, options, scanned);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** References checked between two steps of `analyzeManifestSteps`. */
const REFERENCES_PER_STEP = 250;

/**
 * The same analysis in steps, for a caller that must not hold its thread for a large file (the language server on
 * a rendered chart): it yields after each few hundred references and before the checks of declared objects.
 */
export function* analyzeManifestSteps(manifest: ParsedManifest, options: AnalyzeOptions, scanned?: readonly Reference[]): Generator<void, Analysis> {
  const max = options.maxReferences ?? 20_000;
  const references = scanned
    ? scanned.slice(0, max)
    : scanReferences(manifest, { zone: options.zone, defaultNamespace: options.defaultNamespace, maxReferences: max });
  const findings: Finding[] = [];
  for (let i = 0; i < references.length; i += REFERENCES_PER_STEP) {
    if (i > 0) yield;
    findings.push(...checkReferences(references.slice(i, i + REFERENCES_PER_STEP), options.sources, options));
  }
  if (options.workspace) {
    yield;
    const declared = options.workspace.servicesDeclaredIn(manifest.uri);
    const facts = options.sources.find((s) => !s.live)?.facts;
    findings.push(...checkServices(declared, options.workspace, options, (svc) => serviceLocations(manifest, svc, options.defaultNamespace), facts));
    findings.push(...checkMonitors(manifest, options.workspace, options.defaultNamespace, options));
    yield;
    // NetworkPolicy verdicts on the references of pods, and the file's own policies (NL017 to NL021).
    if (options.policyChecks !== false) findings.push(...checkPolicies(manifest, references, { ...options, workspace: options.workspace }));
  }
  findings.push(...duplicateKeys(manifest, options));
  findings.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
  return { references, findings, truncated: references.length >= max };
}

/** A key written twice (kubectl keeps the later value): NL015 at the later key. */
function duplicateKeys(manifest: ParsedManifest, options: CheckOptions): Finding[] {
  const severity = options.severities?.NL015 ?? DIAGNOSTICS.NL015.severity;
  if (severity === 'off') return [];
  const out: Finding[] = [];
  for (const p of manifest.problems) {
    if (p.code !== 'duplicate-key') continue;
    const key = /"([^"]*)"/.exec(p.message)?.[1] ?? '';
    out.push({ code: 'NL015', severity, start: p.offset, end: p.offset + Math.max(1, key.length), message: p.message, fixes: [] });
  }
  return out;
}

/** Where a declared Service's selector pairs and target ports are written in its manifest. */
function serviceLocations(manifest: ParsedManifest, svc: Service, defaultNamespace: string): ServiceLocations | undefined {
  const obj = manifest.objects.find(
    (o: ManifestObject) =>
      o.kind === 'Service' &&
      !o.apiVersion.includes('/') &&
      o.name === svc.name &&
      namespaceOf(o, defaultNamespace) === svc.namespace &&
      o.source.start === svc.source?.start,
  );
  if (!obj || !isMap(obj.node)) return undefined;
  // A large file is parsed a piece at a time: the object's source is placed in the file, its nodes are not.
  const shift = obj.source.start - (obj.node.range?.[0] ?? 0);
  const spec = obj.node.get('spec', true);
  if (!isMap(spec)) return undefined;
  const selectorPairs = new Map<string, readonly [number, number]>();
  let selector: readonly [number, number] | undefined;
  const sel = spec.get('selector', true);
  if (isMap(sel)) {
    for (const p of sel.items as Pair<YamlNode, YamlNode>[]) {
      if (!isScalar(p.key) || !p.key.range) continue;
      const end = p.value?.range?.[1] ?? p.key.range[1];
      selectorPairs.set(String(p.key.value), [p.key.range[0] + shift, end + shift]);
    }
    const first = (sel.items[0]?.key as YamlNode | undefined)?.range?.[0];
    const lastPair = sel.items[sel.items.length - 1];
    const last = (lastPair?.value as YamlNode | undefined)?.range?.[1] ?? (lastPair?.key as YamlNode | undefined)?.range?.[1];
    if (first !== undefined && last !== undefined) selector = [first + shift, last + shift];
  }
  const targetPorts = new Map<string, readonly [number, number]>();
  const ports = spec.get('ports', true);
  if (isSeq(ports)) {
    for (const item of ports.items) {
      if (!isMap(item)) continue;
      const tp = item.get('targetPort', true);
      const port = Number(item.get('port'));
      const protocol = String(item.get('protocol') ?? 'TCP');
      if (isScalar(tp) && tp.range) {
        const quoted = tp.type === 'QUOTE_DOUBLE' || tp.type === 'QUOTE_SINGLE';
        targetPorts.set(`${port}/${protocol}`, quoted ? [tp.range[0] + 1 + shift, tp.range[1] - 1 + shift] : [tp.range[0] + shift, tp.range[1] + shift]);
      }
    }
  }
  return { selectorPairs, ...(selector ? { selector } : {}), targetPorts };
}
