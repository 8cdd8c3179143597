/**
 * The namespace filter of the views (the tree, the map and the status bar): the namespaces a person chose to see,
 * per kubeconfig context, or all of them. No VS Code API here, so it is tested on its own.
 */
import type { ModelInfo } from '../protocol/requests';
import { english, type Translate } from './translate';

/** The model as the views show it: only the namespaces of the filter (all of them without one). */
export function filterModel(info: ModelInfo, filter: readonly string[] | undefined): ModelInfo {
  if (!filter || filter.length === 0) return info;
  const wanted = new Set(filter);
  return { ...info, namespaces: info.namespaces.filter((n) => wanted.has(n.name)) };
}

/** What the chosen namespaces become: none or every one of them means no filter. */
export function chosenFilter(chosen: readonly string[], all: readonly string[]): string[] | undefined {
  if (chosen.length === 0) return undefined;
  const set = new Set(chosen);
  if (all.every((n) => set.has(n))) return undefined;
  return [...set].sort();
}

/** A short description of the filter for the status bar: `shop`, `shop, data` or `3 namespaces`; empty without one. */
export function describeFilter(filter: readonly string[] | undefined, t: Translate = english): string {
  if (!filter || filter.length === 0) return '';
  return filter.length <= 2 ? filter.join(', ') : t('{0} namespaces', filter.length);
}

/** The key the filter of a context is kept under (the workspace model is a context of its own). */
export function filterKey(info: Pick<ModelInfo, 'kind' | 'context'> | undefined): string {
  return info?.kind === 'cluster' ? `context:${info.context ?? ''}` : 'workspace';
}
