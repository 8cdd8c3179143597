/**
 * What a Service's endpoints add up to, computed here once and shown alike by the hover, the inlay hint, the code
 * lens, the tree and the map: how many pods are ready, not ready and terminating, and the Service's address in words.
 */
import { t } from './l10n';
import type { Endpoint, Service } from './model';

/** Pods behind a Service's endpoints, by condition. */
export interface EndpointCounts {
  /** Ready (a terminating endpoint of a Service that publishes not-ready addresses is ready, as DNS answers it). */
  readonly ready: number;
  /** Neither ready nor terminating. */
  readonly notReady: number;
  /** Not ready because its pod is going away. */
  readonly terminating: number;
}

export type EndpointState = keyof EndpointCounts;

export const NO_ENDPOINTS: EndpointCounts = { ready: 0, notReady: 0, terminating: 0 };

/** An endpoint's state as the counts file it: ready first, then terminating, else not ready. */
export function endpointState(e: Pick<Endpoint, 'ready' | 'terminating'>): EndpointState {
  return e.ready ? 'ready' : e.terminating ? 'terminating' : 'notReady';
}

const RANK: Readonly<Record<EndpointState, number>> = { ready: 0, terminating: 1, notReady: 2 };

/**
 * How many pods stand behind these endpoints. A workspace endpoint of a workload stands for all its replicas (a
 * Deployment of 3 is 3, not 1), a pod listed by several slices (one per address family) counts once, in its best
 * state, and an endpoint without a pod counts its addresses.
 */
export function countEndpoints(endpoints: Iterable<Endpoint>): EndpointCounts {
  const counts = { ready: 0, notReady: 0, terminating: 0 };
  const pods = new Map<string, { state: EndpointState; weight: number }>();
  for (const e of endpoints) {
    const state = endpointState(e);
    const weight = e.pending ? e.pending.replicas : e.targetRef ? 1 : e.addresses.length;
    if (!e.targetRef) {
      counts[state] += weight;
      continue;
    }
    const pod = `${e.targetRef.namespace}/${e.targetRef.name}`;
    const seen = pods.get(pod);
    if (seen !== undefined && RANK[seen.state] <= RANK[state]) continue;
    if (seen !== undefined) counts[seen.state] -= seen.weight;
    counts[state] += weight;
    pods.set(pod, { state, weight });
  }
  return counts;
}

export function totalEndpoints(c: EndpointCounts): number {
  return c.ready + c.notReady + c.terminating;
}

/** `3 ready`, `1 ready, 2 not ready, 1 terminating`: the states with pods, ready always, in the current language. */
export function countsText(c: EndpointCounts): string {
  return [
    t('{0} ready', c.ready),
    ...(c.notReady > 0 ? [t('{0} not ready', c.notReady)] : []),
    ...(c.terminating > 0 ? [t('{0} terminating', c.terminating)] : []),
  ].join(', ');
}

/**
 * What a Service's name leads to, in words of the current language: its cluster IPs, `headless`, its ExternalName
 * target, or why none.
 */
export function serviceAddressText(s: Pick<Service, 'externalName' | 'headless' | 'clusterIPPending' | 'clusterIPs'> & { readonly type: string }): string {
  if (s.type === 'ExternalName') return `→ ${s.externalName ?? ''}`;
  if (s.headless) return t('headless');
  if (s.clusterIPPending) return t('cluster IP allocated by the cluster');
  return s.clusterIPs.join(', ') || t('no IP');
}
