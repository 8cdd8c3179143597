/** Waiting on events, with a deadline: the model's change events, or (for a server with no events) a probe. */
import type { LiveModel } from '../../src/cluster/live-model';
import type { ClusterSnapshot } from '../../src/core/snapshot';

/** Resolves when `predicate` holds for the model's snapshot, checked now and at each change event. */
export function untilModel(model: LiveModel, predicate: (s: ClusterSnapshot) => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate(model.snapshot())) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the model did not reach the expected state within ${timeoutMs} ms; status: ${JSON.stringify(model.status())}`));
    }, timeoutMs);
    const off = model.onChange((snapshot) => {
      if (predicate(snapshot)) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

/**
 * Resolves when `probe` returns true. CoreDNS emits no event when its cache catches up, so this asks it again
 * every 100 ms until the deadline.
 */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Every selector Service of `namespaces` has EndpointSlices that hold exactly the IPs of the pods it selects (what
 * the controller converges to). Only the namespaces a test made: the churn test's API server restarts leave the
 * controller's caches behind for a while, and it gives up on a Service after its retries (`churn` keeps stale
 * slices until its next change).
 */
export function endpointsSettled(s: ClusterSnapshot, namespaces: readonly string[]): boolean {
  for (const svc of namespaces.flatMap((ns) => [...s.servicesIn(ns)])) {
    if (!svc.selector || svc.type === 'ExternalName') continue;
    const want = new Set<string>();
    for (const p of s.podsIn(svc.namespace)) {
      if (p.terminating || !Object.entries(svc.selector).every(([k, v]) => p.labels[k] === v)) continue;
      for (const ip of p.ips) if (svc.ipFamilies.includes(ip.includes(':') ? 'IPv6' : 'IPv4')) want.add(ip);
    }
    const have = new Set(s.slicesOf(svc.namespace, svc.name).flatMap((sl) => sl.endpoints.flatMap((e) => [...e.addresses])));
    if (want.size !== have.size || [...want].some((ip) => !have.has(ip))) return false;
  }
  return true;
}
