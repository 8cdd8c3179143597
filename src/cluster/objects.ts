/**
 * One object as the API server has it now, as YAML for a person to read: what `kubectl get -o yaml` shows,
 * without `metadata.managedFields` (kubectl hides them too). A Service comes with the EndpointSlices that
 * carry its endpoints, as further documents.
 */
import { stringify } from 'yaml';
import type { ApiClient } from './api';
import { ApiError } from './api';

export interface LiveObjectRef {
  readonly kind: 'Namespace' | 'Service' | 'Pod' | 'NetworkPolicy';
  readonly namespace?: string;
  readonly name: string;
}

/** The API path of an object. */
export function objectPath(ref: LiveObjectRef): string {
  const name = encodeURIComponent(ref.name);
  if (ref.kind === 'Namespace') return `/api/v1/namespaces/${name}`;
  if (!ref.namespace) throw new Error(`A ${ref.kind} needs a namespace.`);
  const ns = encodeURIComponent(ref.namespace);
  if (ref.kind === 'NetworkPolicy') return `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/${name}`;
  return `/api/v1/namespaces/${ns}/${ref.kind === 'Service' ? 'services' : 'pods'}/${name}`;
}

/** Reads the object (and a Service's EndpointSlices) and renders it as YAML under a comment that says what it is. */
export async function objectYaml(api: ApiClient, ref: LiveObjectRef, context: string, signal?: AbortSignal): Promise<string> {
  const object = await api.getJson(objectPath(ref), signal);
  const documents: Record<string, unknown>[] = [withoutManagedFields(object)];
  let slicesNote = '';
  if (ref.kind === 'Service') {
    const selector = encodeURIComponent(`kubernetes.io/service-name=${ref.name}`);
    try {
      const list = await api.getJson(
        `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ref.namespace!)}/endpointslices?labelSelector=${selector}`,
        signal,
      );
      const items = ((list.items as Record<string, unknown>[] | undefined) ?? []).map((item) =>
        withoutManagedFields({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', ...item }),
      );
      items.sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
      documents.push(...items);
      slicesNote = `, with its ${items.length} EndpointSlice${items.length === 1 ? '' : 's'}`;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      slicesNote = ` (its EndpointSlices could not be read: ${e.message})`;
    }
  }
  const where = ref.kind === 'Namespace' ? ref.name : `${ref.namespace}/${ref.name}`;
  const version = (object.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
  const header = [
    `# ${ref.kind} ${where}${slicesNote}, as the API server of context ${context} returned it`,
    `# (resourceVersion ${version ?? 'unknown'}, read ${new Date().toISOString()}). Read-only; managedFields left out.`,
  ]
    .map((line) => line.replace(/[\r\n]/g, ' '))
    .join('\n');
  return `${header}\n${documents.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n')}`;
}

function withoutManagedFields(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = object.metadata as Record<string, unknown> | undefined;
  if (!metadata || !('managedFields' in metadata)) return object;
  const { managedFields: _, ...rest } = metadata;
  return { ...object, metadata: rest };
}

function nameOf(object: Record<string, unknown>): string {
  return String((object.metadata as { name?: string } | undefined)?.name ?? '');
}
