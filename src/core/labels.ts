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
