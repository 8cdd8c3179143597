/**
 * A realistic mix of questions about a generated cluster: what pods ask (their own Services by short name,
 * other namespaces' Services, SRV records of named ports, StatefulSet members) and what a person asks (FQDNs,
 * pod records, IPs), with the misses that real traffic holds (typos, deleted Services, wrong namespaces).
 */
import type { ClusterObjects, Service } from '../../src/core/model';
import type { DnsAnswer, QueryType } from '../../src/core/resolver';
import { Rng } from './prng';

export interface Query {
  readonly input: string;
  readonly request: { readonly namespace?: string; readonly qtype?: QueryType };
}

export interface Category {
  readonly name: string;
  /** Share of the mix, in percent. */
  readonly weight: number;
  /** Names a stub resolver sends for one question. */
  readonly sends: string;
  /** What the answer should be, to check that the mix asks what it means to ask. */
  readonly expect: (answer: DnsAnswer) => boolean;
  readonly pool: Query[];
}

const hit = (a: DnsAnswer): boolean => a.rcode === 'NOERROR' && a.answers.length > 0;
const nxdomain = (a: DnsAnswer): boolean => a.rcode === 'NXDOMAIN';

export function buildQueryMix(objects: ClusterObjects, seed: number, zone: string, poolSize: number): Category[] {
  const rng = new Rng(seed);
  const clusterIP = objects.services.filter((s) => s.type !== 'ExternalName' && !s.headless && s.clusterIPs.length > 0);
  const headless = objects.services.filter((s) => s.headless && s.selector !== undefined);
  const withNamedPorts = objects.services.filter((s) => s.type !== 'ExternalName' && s.ports.some((p) => p.name !== ''));
  const headlessKeys = new Set(headless.map((s) => `${s.namespace}/${s.name}`));
  // Endpoint names by Service: a question picks a headless Service, then one of its ready endpoints (StatefulSet
  // members by hostname, others by their dashed address), as clients address a Service's members.
  const endpointNames = new Map<string, string[]>();
  for (const slice of objects.endpointSlices) {
    const key = `${slice.namespace}/${slice.serviceName}`;
    if (slice.serviceName === undefined || !headlessKeys.has(key)) continue;
    for (const ep of slice.endpoints) {
      if (!ep.ready) continue;
      const label = ep.hostname ?? ep.addresses[0]!.replace(/[.:]/g, '-');
      let list = endpointNames.get(key);
      if (!list) endpointNames.set(key, (list = []));
      list.push(`${label}.${slice.serviceName}.${slice.namespace}.svc.${zone}.`);
    }
  }
  const endpointGroups = [...endpointNames.values()];
  const runningPods = objects.pods.filter((p) => p.ips.length > 0 && !p.hostNetwork && p.phase === 'Running' && !p.terminating);
  const namespaces = objects.namespaces.map((n) => n.name);
  const fqdn = (s: Service): string => `${s.name}.${s.namespace}.svc.${zone}.`;
  const otherNamespace = (ns: string): string => {
    for (;;) {
      const n = rng.pick(namespaces);
      if (n !== ns) return n;
    }
  };
  const typo = (name: string): string => {
    const i = rng.int(0, name.length - 1);
    return name[i] === 'x' ? `${name}-v2` : `${name.slice(0, i)}x${name.slice(i + 1)}`;
  };
  // Questions arrive as flat strings (from JSON.parse, a document's text), not as the rope a template literal makes.
  const fill = (make: () => Query): Query[] =>
    Array.from({ length: poolSize }, () => {
      const q = make();
      return { input: JSON.parse(JSON.stringify(q.input)) as string, request: q.request };
    });

  return [
    {
      name: 'hit: Service FQDN (ClusterIP)',
      weight: 20,
      sends: '1',
      expect: hit,
      pool: fill(() => ({ input: fqdn(rng.pick(clusterIP)), request: {} })),
    },
    {
      name: 'hit: headless Service FQDN',
      weight: 6,
      sends: '1',
      expect: hit,
      pool: fill(() => ({ input: fqdn(rng.pick(headless)), request: {} })),
    },
    {
      name: 'hit: SRV _port._proto',
      weight: 6,
      sends: '1',
      expect: hit,
      pool: fill(() => {
        const s = rng.pick(withNamedPorts);
        const p = rng.pick(s.ports.filter((x) => x.name !== ''));
        return { input: `_${p.name}._${p.protocol.toLowerCase()}.${fqdn(s)}`, request: { qtype: 'SRV' } };
      }),
    },
    {
      name: 'hit: endpoint hostname',
      weight: 5,
      sends: '1',
      expect: hit,
      pool: fill(() => ({ input: rng.pick(rng.pick(endpointGroups)), request: {} })),
    },
    {
      name: 'hit: pod record (verified)',
      weight: 5,
      sends: '1',
      expect: hit,
      pool: fill(() => {
        const p = rng.pick(runningPods);
        return { input: `${p.ips[0]!.replace(/[.:]/g, '-')}.${p.namespace}.pod.${zone}.`, request: {} };
      }),
    },
    {
      name: 'miss: unknown Service',
      weight: 6,
      sends: '1',
      expect: nxdomain,
      pool: fill(() => {
        const s = rng.pick(clusterIP);
        return { input: `${typo(s.name)}.${s.namespace}.svc.${zone}.`, request: {} };
      }),
    },
    {
      name: 'miss: unknown namespace',
      weight: 4,
      sends: '1',
      expect: nxdomain,
      pool: fill(() => {
        const s = rng.pick(clusterIP);
        return { input: `${s.name}.${typo(s.namespace)}.svc.${zone}.`, request: {} };
      }),
    },
    {
      name: 'relative: svc (same namespace)',
      weight: 15,
      sends: '1',
      expect: hit,
      pool: fill(() => {
        const s = rng.pick(clusterIP);
        return { input: s.name, request: { namespace: s.namespace } };
      }),
    },
    {
      name: 'relative: svc.ns (other namespace)',
      weight: 10,
      sends: '2',
      expect: hit,
      pool: fill(() => {
        const s = rng.pick(clusterIP);
        return { input: `${s.name}.${s.namespace}`, request: { namespace: otherNamespace(s.namespace) } };
      }),
    },
    {
      name: 'relative: svc.ns.svc',
      weight: 3,
      sends: '3',
      expect: hit,
      pool: fill(() => {
        const s = rng.pick(clusterIP);
        return { input: `${s.name}.${s.namespace}.svc`, request: { namespace: otherNamespace(s.namespace) } };
      }),
    },
    {
      name: 'relative: miss (whole search path)',
      weight: 4,
      sends: '4',
      expect: (a) => a.answers.length === 0,
      pool: fill(() => {
        const s = rng.pick(clusterIP);
        return { input: typo(s.name), request: { namespace: s.namespace } };
      }),
    },
    {
      name: 'IP: Service cluster IP',
      weight: 8,
      sends: '1 + owners',
      expect: hit,
      pool: fill(() => ({ input: rng.pick(rng.pick(clusterIP).clusterIPs), request: {} })),
    },
    {
      name: 'IP: pod IP',
      weight: 8,
      sends: '1 + owners',
      expect: (a) => (a.explanation.owners?.length ?? 0) > 0,
      pool: fill(() => ({ input: rng.pick(runningPods).ips[0]!, request: {} })),
    },
  ];
}
