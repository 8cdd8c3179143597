/**
 * Label selectors as the API server evaluates them (k8s.io/apimachinery labels.Requirement.Matches): matchLabels
 * and matchExpressions are ANDed; an empty selector selects everything.
 */
import type { LabelSelector, Labels, SelectorRequirement } from '../model';

const NO_LABELS: Labels = Object.freeze({});
const NONE: readonly never[] = Object.freeze([]);

/** The selector `{}`: everything. */
export const EVERYTHING: LabelSelector = Object.freeze({ matchLabels: NO_LABELS, matchExpressions: NONE });

export function isEmptySelector(s: LabelSelector): boolean {
  return s.matchExpressions.length === 0 && isEmptyLabels(s.matchLabels);
}

function isEmptyLabels(labels: Labels): boolean {
  for (const _ in labels) return false;
  return true;
}

/**
 * Whether one requirement holds for `labels`. `NotIn` holds when the key is absent: the labels documentation says
 * `tier notin (frontend,backend)` selects "all resources with no labels with the tier key" too, and
 * apimachinery's Requirement.Matches returns true for a missing key.
 */
export function requirementMatches(r: SelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key]!);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function selectorMatches(s: LabelSelector, labels: Labels): boolean {
  // A label value is a string, so an absent key (or one only an object prototype has) never equals it.
  for (const k in s.matchLabels) if (labels[k] !== s.matchLabels[k]) return false;
  for (const r of s.matchExpressions) if (!requirementMatches(r, labels)) return false;
  return true;
}

/** The selector in the `key=value,key in (a,b)` form kubectl prints. */
export function selectorText(s: LabelSelector): string {
  const parts: string[] = [];
  for (const k of Object.keys(s.matchLabels).sort()) parts.push(`${k}=${s.matchLabels[k]}`);
  for (const r of s.matchExpressions) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(',')})`);
  }
  return parts.length === 0 ? '(all)' : parts.join(',');
}
