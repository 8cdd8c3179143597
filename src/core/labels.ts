/**
 * Label selection without a scan of every pod: objects are indexed by namespace and by each `key=value` label,
 * and a selector starts from the smallest of the buckets its pairs name. Deriving the endpoints of thousands of
 * Services over thousands of pods stays linear in what is selected.
 */
import type { Labels } from './model';

export class LabelIndex<T extends { readonly namespace: string; readonly labels: Labels }> {
  private readonly pairs = new Map<string, T[]>();

  constructor(items: Iterable<T>) {
    for (const item of items) {
      for (const key in item.labels) {
        const k = `${item.namespace}\u0000${key}=${item.labels[key]}`;
        const list = this.pairs.get(k);
        if (list) list.push(item);
        else this.pairs.set(k, [item]);
      }
    }
  }

  /** The objects of `namespace` whose labels include every pair of `selector` (an empty selector selects none). */
  select(namespace: string, selector: Labels): T[] {
    const entries = Object.entries(selector);
    if (entries.length === 0) return [];
    let smallest: T[] | undefined;
    for (const [k, v] of entries) {
      const bucket = this.pairs.get(`${namespace}\u0000${k}=${v}`);
      if (!bucket) return [];
      if (!smallest || bucket.length < smallest.length) smallest = bucket;
    }
    return smallest!.filter((item) => entries.every(([k, v]) => item.labels[k] === v));
  }
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** Reads a `metav1.LabelSelector` from plain data; undefined when it is not one. */
export function labelSelector(v: unknown): LabelSelector | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const matchLabels: Record<string, string> = {};
  const ml = o.matchLabels;
  if (ml && typeof ml === 'object' && !Array.isArray(ml)) for (const [k, val] of Object.entries(ml)) matchLabels[k] = String(val);
  const matchExpressions = Array.isArray(o.matchExpressions)
    ? o.matchExpressions
        .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
        .map((e) => ({ key: String(e.key ?? ''), operator: String(e.operator ?? ''), values: Array.isArray(e.values) ? e.values.map(String) : [] }))
    : [];
  return { matchLabels, matchExpressions };
}

/**
 * Whether labels satisfy a selector, as metav1.LabelSelectorAsSelector reads it: every pair of matchLabels and
 * every expression (In, NotIn, Exists, DoesNotExist). An empty selector selects everything.
 */
export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
