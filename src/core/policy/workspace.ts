/**
 * The policies a workspace's manifests declare: networking.k8s.io/v1 NetworkPolicies, reduced and validated as
 * the API server would, and the policies of other APIs that NetLens reports without evaluating. Calico's
 * `NetworkPolicy` shares its kind with Kubernetes', so objects are told apart by API group as well as kind.
 */

import { t } from '../l10n';
import { type ManifestObject, type ManifestProblem, namespaceOf, type ParsedManifest } from '../manifests';
import type { NetworkPolicy, OtherPolicy } from '../model';
import { groupOf } from '../references/kinds';
import { isNetworkPolicy, otherPolicyKind } from './kinds';
import { reduceNetworkPolicy, reduceOtherPolicy } from './reduce';

export interface WorkspacePolicies {
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly otherPolicies: readonly OtherPolicy[];
  /** Objects used, by kind (`NetworkPolicy`, `CiliumNetworkPolicy`, …). */
  readonly counts: Readonly<Record<string, number>>;
  readonly problems: readonly ManifestProblem[];
}

export function readPolicies(manifests: readonly ParsedManifest[], defaultNamespace: string): WorkspacePolicies {
  const problems: ManifestProblem[] = [];
  const manifestOf = new Map<string, ParsedManifest>();
  const latest = new Map<string, ManifestObject>();
  for (const m of manifests) {
    manifestOf.set(m.uri, m);
    for (const o of m.objects) {
      const other = otherPolicyKind(o.apiVersion, o.kind);
      if (!other && !isNetworkPolicy(o.apiVersion, o.kind)) continue;
      const ns = other?.clusterScoped ? '' : namespaceOf(o, defaultNamespace);
      const key = `${groupOf(o.apiVersion)}/${o.kind}/${ns}/${o.name}`;
      const earlier = latest.get(key);
      if (earlier) {
        const at = manifestOf.get(earlier.uri)!.lineCounter.linePos(earlier.source.start);
        const pos = m.lineCounter.linePos(o.source.nameStart);
        problems.push({
          uri: m.uri,
          code: 'duplicate-object',
          severity: 'warning',
          message: t(
            '{0} is declared again; this declaration replaces the one at {1}.',
            `${o.kind} ${ns ? `${ns}/` : ''}${o.name}`,
            `${earlier.uri}:${at.line}:${at.col}`,
          ),
          offset: o.source.nameStart,
          line: pos.line,
          column: pos.col,
        });
        latest.delete(key);
      }
      latest.set(key, o);
    }
  }
  const networkPolicies: NetworkPolicy[] = [];
  const otherPolicies: OtherPolicy[] = [];
  const counts: Record<string, number> = {};
  for (const o of latest.values()) {
    const warn = (message: string): void => {
      const pos = manifestOf.get(o.uri)!.lineCounter.linePos(o.source.start);
      problems.push({ uri: o.uri, code: 'invalid-value', severity: 'warning', message, offset: o.source.start, line: pos.line, column: pos.col });
    };
    if (isNetworkPolicy(o.apiVersion, o.kind)) {
      const policy = reduceNetworkPolicy(o.value(), warn, namespaceOf(o, defaultNamespace));
      if (!policy) continue;
      networkPolicies.push({ ...policy, source: o.source });
    } else {
      const other = reduceOtherPolicy(o.value(), namespaceOf(o, defaultNamespace));
      if (!other) continue;
      otherPolicies.push({ ...other, source: o.source });
    }
    counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  }
  return { networkPolicies, otherPolicies, counts, problems };
}
