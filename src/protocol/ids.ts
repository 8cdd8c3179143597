/**
 * The ids the tree and the map give a namespace, a Service and a pod, built here only: the map's "Reveal in Tree"
 * sends one of them, and the palette's answers find their item by it.
 */

export type ViewGroup = 'services' | 'pods';

/** `ns/<namespace>`. */
export function namespaceId(namespace: string): string {
  return `ns/${namespace}`;
}

/** `ns/<namespace>/services` or `ns/<namespace>/pods`: the tree's group of a namespace. */
export function groupId(namespace: string, group: ViewGroup): string {
  return `${namespaceId(namespace)}/${group}`;
}

/** `svc/<namespace>/<name>`. */
export function serviceId(namespace: string, name: string): string {
  return `svc/${namespace}/${name}`;
}

/** `pod/<namespace>/<name>`. */
export function podId(namespace: string, name: string): string {
  return `pod/${namespace}/${name}`;
}

/** `pods/<namespace>/<service>`: the map's node of a Service's pods drawn as one; no Service: the pods behind none. */
export function podsId(namespace: string, service = ''): string {
  return `pods/${namespace}/${service}`;
}

export type ViewId =
  | { readonly kind: 'namespace'; readonly namespace: string }
  | { readonly kind: 'group'; readonly namespace: string; readonly group: ViewGroup }
  | { readonly kind: 'service' | 'pod'; readonly namespace: string; readonly name: string };

/** What an id built above names; undefined for any other id. */
export function parseId(id: string): ViewId | undefined {
  const [kind, namespace, name, ...rest] = id.split('/');
  if (!namespace || rest.length > 0) return undefined;
  if (kind === 'ns') {
    if (name === undefined) return { kind: 'namespace', namespace };
    return name === 'services' || name === 'pods' ? { kind: 'group', namespace, group: name } : undefined;
  }
  if (!name) return undefined;
  if (kind === 'svc') return { kind: 'service', namespace, name };
  if (kind === 'pod') return { kind: 'pod', namespace, name };
  return undefined;
}
