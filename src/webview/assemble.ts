/** A change to the map, as the host sends it after the first map, made whole again. Pure code. */
import type { MapGraph } from '../protocol/webview';

/**
 * The map of a change: its namespaces in `order`, each as the change sends it or else as in the last map received
 * (the same object, so that its layout is reused as it is). Undefined when a namespace is in neither: the page does
 * not hold the map the change was made against.
 */
export function assemble(last: MapGraph | undefined, change: MapGraph, order: readonly string[]): MapGraph | undefined {
  if (!last) return undefined;
  const byId = new Map(last.namespaces.map((ns) => [ns.id, ns]));
  for (const ns of change.namespaces) byId.set(ns.id, ns);
  const namespaces = order.map((id) => byId.get(id));
  return namespaces.every((ns) => ns !== undefined) ? { ...change, namespaces } : undefined;
}
