/**
 * Answers DNS questions about a ClusterSnapshot the way the cluster's DNS would. The rules are the Kubernetes
 * DNS-Based Service Discovery specification; where it leaves room, CoreDNS's `kubernetes` plugin decides
 * (plugin/kubernetes/{parse,kubernetes,reverse}.go and plugin/backend_lookup.go), down to NXDOMAIN versus
 * NODATA and the SRV weights, because clients behave differently on each.
 *
 * `query` answers one fully qualified question. `resolve` takes what a person or a manifest writes (a relative
 * name, an absolute one, or an IP) and expands it as a pod's stub resolver would.
 */
import { canonicalIP, dashedIP, ipFromReverseName, parseIP, reverseName, undashIP } from './ip';
import type { Endpoint, Service } from './model';
import {
  DEFAULT_NAMESPACE,
  DEFAULT_ZONE,
  endpointFqdn,
  labelsUnder,
  type NameError,
  normalizeName,
  normalizeZone,
  podDomain,
  serviceDomain,
  serviceFqdn,
} from './names';
import type { ClusterSnapshot, IpOwner } from './snapshot';

export const QUERY_TYPES = ['A', 'AAAA', 'SRV', 'PTR', 'CNAME', 'TXT', 'NS', 'ANY'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];
export type RecordType = Exclude<QueryType, 'ANY'>;
export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';
export type PodRecordsMode = 'disabled' | 'insecure' | 'verified';

/** The schema version CoreDNS serves at `dns-version.<zone>`. */
export const DNS_SCHEMA_VERSION = '1.1.0';

export interface DnsRecord {
  readonly name: string;
  readonly type: RecordType;
  /** As `dig` prints it; null where only the cluster can say (an address it has not allocated yet). */
  readonly data: string | null;
}

/** One step of a stub resolver's search: the name it sent and what came back. */
export interface SearchStep {
  readonly name: string;
  readonly rcode: Rcode;
  readonly answers: number;
}

export interface Explanation {
  /** One sentence: what the name is and why the answer is what it is. */
  readonly summary: string;
  /** Further facts, one sentence each. */
  readonly details: readonly string[];
  /** The Service the answer comes from, if any. */
  readonly service?: { readonly namespace: string; readonly name: string; readonly type: string; readonly headless: boolean };
  /** Some answers stand for addresses the cluster allocates when the objects are created. */
  readonly pending?: boolean;
  /** For a relative name: each name tried, in order, and which one answered. */
  readonly search?: readonly SearchStep[];
  readonly matchedStep?: number;
  /** For an IP: what it belongs to. */
  readonly owners?: readonly OwnerSummary[];
}

export interface OwnerSummary {
  readonly kind: IpOwner['kind'];
  readonly namespace?: string;
  readonly name: string;
  readonly text: string;
}

export interface DnsAnswer {
  readonly qname: string;
  readonly qtype: QueryType;
  readonly rcode: Rcode;
  readonly answers: readonly DnsRecord[];
  readonly additional: readonly DnsRecord[];
  readonly explanation: Explanation;
}

export interface ResolverOptions {
  readonly zone?: string;
  readonly podRecords?: PodRecordsMode;
  /** What the snapshot stands for, named in explanations: "the cluster", "the workspace manifests". */
  readonly sourceName?: string;
  /** The Service in front of the cluster DNS (kube-system/kube-dns when absent): its pods are the DNS servers. */
  readonly dnsService?: { readonly namespace: string; readonly name: string };
}

export interface ResolveRequest {
  /** The namespace of the pod that asks, for relative names. */
  readonly namespace?: string;
  readonly qtype?: QueryType;
  /** The resolver's `ndots` (the kubelet writes 5). */
  readonly ndots?: number;
}

export type ResolveResult = { readonly ok: true; readonly answer: DnsAnswer } | { readonly ok: false; readonly error: NameError };

const REVERSE_ZONES = ['in-addr.arpa', 'ip6.arpa'];
/** The name CoreDNS gives itself under its zone when it is no endpoint of any Service (plugin/kubernetes/ns.go). */
const DEFAULT_NS_LABELS = 'ns.dns';
const MAX_CNAME_CHAIN = 10;

/** An answer candidate, as CoreDNS's msg.Service: a host (IP or name) with a port and the name it stands under. */
interface Item {
  /** IP or name; null when the cluster has not allocated the address yet. */
  readonly host: string | null;
  /** For a null host: the family it will have. */
  readonly family: 4 | 6 | 0;
  readonly port: number;
  /** The owner name of the record (SRV target, PTR data). */
  readonly target: string;
  /** For a null host: which address-to-be it stands for, so that one address repeated per port counts once. */
  readonly pendingKey?: string;
}

interface Lookup {
  readonly items: Item[];
  /** CoreDNS's name error: NXDOMAIN. */
  readonly nameError: boolean;
  readonly why: Why;
}

interface Why {
  summary: string;
  details: string[];
  service?: Service;
  pending?: boolean;
}

function why(summary: string, ...details: string[]): Why {
  return { summary, details };
}

function itemFamily(item: Item): 4 | 6 | 0 {
  if (item.host === null) return item.family;
  return parseIP(item.host)?.family ?? 0;
}

export class Resolver {
  readonly zone: string;
  readonly podRecords: PodRecordsMode;
  private readonly source: string;
  private readonly dns: { readonly namespace: string; readonly name: string };

  constructor(
    readonly snapshot: ClusterSnapshot,
    options: ResolverOptions = {},
  ) {
    this.zone = normalizeZone(options.zone ?? DEFAULT_ZONE);
    this.podRecords = options.podRecords ?? 'disabled';
    this.source = options.sourceName ?? 'the snapshot';
    this.dns = options.dnsService ?? { namespace: 'kube-system', name: 'kube-dns' };
  }

  /** Resolves what a person typed: an IP (its PTR and owners), or a name expanded with the pod's search path. */
  resolve(input: string, request: ResolveRequest = {}): ResolveResult {
    const trimmed = input.trim();
    const ip = canonicalIP(trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed);
    if (ip !== undefined) return { ok: true, answer: this.resolveIP(ip) };
    const normalized = normalizeName(trimmed);
    if (!normalized.ok) return normalized;
    const qtype = request.qtype ?? 'A';
    const { fqdn, absolute, dots } = normalized.name;
    if (absolute) return { ok: true, answer: this.query(fqdn, qtype) };
    const namespace = request.namespace ?? DEFAULT_NAMESPACE;
    const ndots = request.ndots ?? 5;
    const search = [serviceDomain(namespace, this.zone), `svc.${this.zone}`, this.zone].filter((d) => d !== '');
    const expanded = search.map((d) => `${fqdn}${d}.`);
    const candidates = dots >= ndots ? [fqdn, ...expanded] : [...expanded, fqdn];
    const tried: DnsAnswer[] = [];
    for (const name of candidates) {
      const answer = this.query(name, qtype);
      tried.push(answer);
      if (answer.answers.length > 0) break;
    }
    const steps: SearchStep[] = tried.map((a) => ({ name: a.qname, rcode: a.rcode, answers: a.answers.length }));
    let matched = tried.findIndex((a) => a.answers.length > 0);
    if (matched < 0) matched = tried.findIndex((a) => a.rcode === 'NOERROR');
    // Found nowhere: explain with the name as written when it lies in a zone we serve (the writer meant it
    // whole), else with the first search step (the writer meant a Service of the pod's namespace).
    const asIs = tried.find((a) => a.qname === fqdn && a.rcode !== 'REFUSED');
    const chosen = matched >= 0 ? tried[matched]! : (asIs ?? tried[0]!);
    const details = [...chosen.explanation.details];
    if (matched >= 0 && chosen.answers.length > 0) {
      const nodataBefore = tried.slice(0, matched).findIndex((a) => a.rcode === 'NOERROR');
      if (nodataBefore >= 0) {
        details.push(
          `musl-based images (Alpine) stop at the first empty NOERROR answer (${tried[nodataBefore]!.qname}) and never reach this one; glibc goes on.`,
        );
      }
      if (matched > 0) {
        details.push(
          `A pod in namespace ${namespace} sends ${matched + 1} queries for "${trimmed}" (ndots:${ndots}); "${chosen.qname}" with its trailing dot takes one.`,
        );
      }
    }
    const summary =
      matched >= 0 && chosen.answers.length > 0
        ? `From namespace ${namespace}, "${trimmed}" is found as ${chosen.qname} (search step ${matched + 1} of ${candidates.length}). ${chosen.explanation.summary}`
        : matched >= 0
          ? `From namespace ${namespace}, "${trimmed}" exists as ${chosen.qname} but has no ${qtype} records. ${chosen.explanation.summary}`
          : `From namespace ${namespace}, "${trimmed}" is not found under any search domain. ${chosen.explanation.summary}`;
    return {
      ok: true,
      answer: {
        ...chosen,
        explanation: { ...chosen.explanation, summary, details, search: steps, ...(matched >= 0 ? { matchedStep: matched } : {}) },
      },
    };
  }

  /** The PTR answer for an IP together with everything in the snapshot that owns it. */
  resolveIP(ip: string): DnsAnswer {
    const answer = this.query(reverseName(ip)!, 'PTR');
    const owners = this.snapshot.ownersOf(ip).map(describeOwner);
    const summary = owners.length === 0 ? `${ip} belongs to nothing in ${this.source}.` : `${ip} is ${owners.map((o) => o.text).join('; ')}.`;
    return { ...answer, explanation: { ...answer.explanation, summary, details: [answer.explanation.summary, ...answer.explanation.details], owners } };
  }

  /** Answers one question. `qname` may be in any case, with or without its trailing dot. */
  query(qname: string, qtype: QueryType): DnsAnswer {
    const name = qname.endsWith('.') ? qname.toLowerCase() : `${qname.toLowerCase()}.`;
    const zone = this.zoneOf(name);
    if (zone === undefined) {
      return {
        qname: name,
        qtype,
        rcode: 'REFUSED',
        answers: [],
        additional: [],
        explanation: {
          summary: `${name} is outside the cluster domain ${this.zone}. and the reverse zones: the cluster DNS forwards it to its upstream resolvers.`,
          details: [],
        },
      };
    }
    const out = this.answer(name, zone, qtype);
    return {
      qname: name,
      qtype,
      rcode: out.nameError ? 'NXDOMAIN' : 'NOERROR',
      answers: out.answers,
      additional: out.additional,
      explanation: {
        summary: out.why.summary,
        details: out.why.details,
        ...(out.why.service
          ? { service: { namespace: out.why.service.namespace, name: out.why.service.name, type: out.why.service.type, headless: out.why.service.headless } }
          : {}),
        ...(out.why.pending || out.answers.some((a) => a.data === null) ? { pending: true } : {}),
      },
    };
  }

  private zoneOf(name: string): string | undefined {
    let best: string | undefined;
    for (const z of [this.zone, ...REVERSE_ZONES]) {
      if (labelsUnder(name, z) !== undefined && (best === undefined || z.length > best.length)) best = z;
    }
    return best;
  }

  private answer(name: string, zone: string, qtype: QueryType): { answers: DnsRecord[]; additional: DnsRecord[]; nameError: boolean; why: Why } {
    const none = { answers: [], additional: [] };
    switch (qtype) {
      case 'A':
      case 'AAAA': {
        const r = this.addresses(name, zone, qtype, 0);
        return { answers: r.records, additional: [], nameError: r.nameError, why: r.why };
      }
      case 'TXT': {
        if (zone === this.zone && name === `dns-version.${zone}.`) {
          return {
            answers: [{ name, type: 'TXT', data: `"${DNS_SCHEMA_VERSION}"` }],
            additional: [],
            nameError: false,
            why: why(`The version of the Kubernetes DNS schema the cluster DNS serves.`),
          };
        }
        const r = this.records(name, zone);
        // CoreDNS: an empty NOERROR only where another type has records; NXDOMAIN otherwise.
        if (r.items.length > 0) return { ...none, nameError: false, why: { ...r.why, summary: `${r.why.summary} It has no TXT records.` } };
        return { ...none, nameError: true, why: r.nameError ? r.why : why(`${name} holds no records, so a TXT question gets NXDOMAIN.`, r.why.summary) };
      }
      case 'CNAME': {
        // CoreDNS answers ns.dns.<zone> from its own addresses, A and AAAA only: other types are NODATA there.
        if (this.isDefaultNs(name, zone)) return { ...none, nameError: false, why: this.nsAddresses().why };
        const r = this.records(name, zone);
        const first = r.items[0];
        if (first && first.host !== null && parseIP(first.host) === undefined) {
          return { answers: [{ name, type: 'CNAME', data: fqdn(first.host) }], additional: [], nameError: false, why: r.why };
        }
        return { ...none, nameError: r.nameError, why: r.why };
      }
      case 'PTR': {
        const r = this.reverse(name, zone);
        return { answers: r.records, additional: [], nameError: r.nameError, why: r.why };
      }
      case 'SRV':
        return this.srv(name, zone);
      case 'NS':
        if (name === `${zone}.` && zone === this.zone) return this.ns(name);
        return this.typeless(name, zone, 'NS');
      case 'ANY':
        return this.typeless(name, zone, 'ANY');
    }
  }

  /** CoreDNS's answer to a type it has no records of: a "fake A lookup" decides NXDOMAIN or NODATA. */
  private typeless(name: string, zone: string, qtype: QueryType): { answers: DnsRecord[]; additional: DnsRecord[]; nameError: boolean; why: Why } {
    const r = this.addresses(name, zone, 'A', 0);
    const w = r.nameError
      ? r.why
      : {
          ...r.why,
          details: [...r.why.details, `The cluster DNS answers ${qtype} questions here with no records (only A, AAAA, SRV, PTR, CNAME and TXT are served).`],
        };
    return { answers: [], additional: [], nameError: r.nameError, why: w };
  }

  /**
   * CoreDNS's plugin.NS for the apex: one NS record per name of `nsAddresses()`, each address of that name in the
   * additional section.
   */
  private ns(name: string): { answers: DnsRecord[]; additional: DnsRecord[]; nameError: boolean; why: Why } {
    const ns = this.nsAddresses();
    if (ns.outside) {
      const target = `${DEFAULT_NS_LABELS}.${this.zone}.`;
      return { answers: [{ name, type: 'NS', data: target }], additional: [], nameError: false, why: ns.why };
    }
    const answers: DnsRecord[] = [];
    for (const a of ns.addresses) {
      if (!answers.some((r) => r.data === a.name)) answers.push({ name, type: 'NS', data: a.name });
    }
    return { answers, additional: ns.addresses, nameError: false, why: ns.why };
  }

  /** Whether CoreDNS's `isDefaultNS` holds: the name is ns.dns.<zone>, where CoreDNS answers with its own addresses. */
  private isDefaultNs(name: string, zone: string): boolean {
    return zone === this.zone && name === `${DEFAULT_NS_LABELS}.${zone}.`;
  }

  /**
   * CoreDNS's nsAddrs (plugin/kubernetes/ns.go): the names and addresses of the DNS server itself. CoreDNS looks up
   * the EndpointSlices that hold its own pod's addresses as ready endpoints, and for each of their Services gives the
   * Service's name with its cluster IPs, or for a headless Service every ready endpoint of the slice by its endpoint
   * name. The DNS server's pod is a ready endpoint of the DNS Service (kube-system/kube-dns unless configured), the
   * first one here: replicas of one Deployment are endpoints of the same Services, so any of them answers alike.
   *
   * Manifests do not hold the cluster's DNS pods: a DNS Service read from manifests (declared, or the one every
   * cluster has) stands for them, and the answer is that Service alone. A DNS Service of a live cluster without a
   * ready endpoint (or none at all) means the DNS server runs outside the cluster: CoreDNS then names itself
   * ns.dns.<zone> with the addresses it is bound to, which no snapshot holds (`outside`).
   *
   * CoreDNS repeats an additional record once per address of its pod (both families of a dual-stack pod find the
   * same Service); a DNS message is read as sets of records (RFC 2181 §5), so each is listed once here.
   */
  private nsAddresses(): { addresses: DnsRecord[]; outside: boolean; why: Why } {
    const svc = this.snapshot.service(this.dns.namespace, this.dns.name);
    const ref = `${this.dns.namespace}/${this.dns.name}`;
    const own = svc ? this.dnsPodAddresses(svc) : [];
    if (svc && own.length > 0) {
      const addresses: DnsRecord[] = [];
      for (const ip of own) {
        for (const hit of this.snapshot.endpointsWithIP(ip)) {
          if (!hit.endpoint.ready || !hit.service || hit.slice.addressType === 'FQDN') continue;
          for (const r of this.serviceAddresses(hit.service, hit.slice.endpoints)) {
            if (!addresses.some((a) => a.name === r.name && a.data === r.data)) addresses.push(r);
          }
        }
      }
      const names = [...new Set(addresses.map((a) => a.name))];
      return {
        addresses,
        outside: false,
        why: {
          ...why(
            `The cluster DNS answers from pod address ${own.join(', ')}, a ready endpoint of ${names.length === 1 ? 'the Service' : 'the Services'} ${names.join(', ')}.`,
          ),
          service: svc,
        },
      };
    }
    if (svc && (svc.source !== undefined || svc.implied !== undefined)) {
      const addresses = this.serviceAddresses(svc, []);
      const summary = `The cluster DNS runs behind Service ${ref}, whose pods the manifests do not hold: it names itself by that Service.`;
      return {
        addresses,
        outside: false,
        why: {
          ...why(summary, ...(svc.headless ? [`The Service is headless: its endpoint names are known only in the cluster.`] : [])),
          service: svc,
          pending: svc.clusterIPPending,
        },
      };
    }
    const summary = svc
      ? `Service ${ref} has no ready endpoint in ${this.source}, so the cluster DNS runs outside the cluster and names itself ${DEFAULT_NS_LABELS}.${this.zone}.`
      : `${this.source} has no Service ${ref}, so the cluster DNS runs outside the cluster and names itself ${DEFAULT_NS_LABELS}.${this.zone}.`;
    return {
      addresses: [],
      outside: true,
      why: why(
        summary,
        `Its addresses are those it listens on (none when it listens on loopback only, and then it gives no NS record either); ${this.source} does not hold them.`,
      ),
    };
  }

  /** The addresses of the DNS server's pod: the first ready endpoint of the DNS Service with known addresses, in every slice. */
  private dnsPodAddresses(svc: Service): string[] {
    const slices = this.snapshot.slicesOf(svc.namespace, svc.name).filter((s) => s.addressType !== 'FQDN');
    const first = slices.flatMap((s) => s.endpoints).find((e) => e.ready && !e.pending && e.addresses.length > 0);
    if (!first) return [];
    const pod = first.targetRef?.name;
    if (pod === undefined) return [...first.addresses];
    const all = slices.flatMap((s) => s.endpoints).filter((e) => e.ready && !e.pending && e.targetRef?.name === pod);
    return [...new Set(all.flatMap((e) => e.addresses))];
  }

  /**
   * The A/AAAA records nsAddrs makes of one Service: its name with each cluster IP (null while the cluster has not
   * allocated it), or for a headless Service each ready address of `endpoints` under its endpoint name.
   */
  private serviceAddresses(svc: Service, endpoints: readonly Endpoint[]): DnsRecord[] {
    const base = `${serviceFqdn(svc.name, svc.namespace, this.zone)}.`;
    const type = (ip: string): 'A' | 'AAAA' => (parseIP(ip)?.family === 6 ? 'AAAA' : 'A');
    if (svc.headless) {
      return endpoints
        .filter((e) => e.ready && !e.pending)
        .flatMap((e) => e.addresses.map((ip) => ({ name: `${endpointHostname(e, ip)}.${base}`, type: type(ip), data: canonicalIP(ip)! })));
    }
    if (svc.clusterIPPending) return svc.ipFamilies.map((f) => ({ name: base, type: f === 'IPv6' ? 'AAAA' : 'A', data: null }));
    return svc.clusterIPs.map((ip) => ({ name: base, type: type(ip), data: canonicalIP(ip)! }));
  }

  /** plugin.A / plugin.AAAA: addresses, with ExternalName CNAMEs followed inside the zone. */
  private addresses(name: string, zone: string, qtype: 'A' | 'AAAA', depth: number): { records: DnsRecord[]; nameError: boolean; why: Why } {
    const apex = `${zone}.`;
    if (name === apex) return { records: [], nameError: false, why: why(`${name} is the apex of the zone: it exists and holds no addresses.`) };
    if (this.isDefaultNs(name, zone)) {
      // CoreDNS's isDefaultNS: the addresses of nsAddrs of the family asked, under the name asked.
      const ns = this.nsAddresses();
      return { records: ns.addresses.filter((a) => a.type === qtype).map((a) => ({ ...a, name })), nameError: false, why: ns.why };
    }
    const r = this.records(name, zone);
    const family = qtype === 'A' ? 4 : 6;
    const records: DnsRecord[] = [];
    const seen = new Set<string>();
    const details = [...r.why.details];
    for (const item of r.items) {
      if (item.host !== null && parseIP(item.host) === undefined) {
        // An ExternalName: a CNAME, followed when the target lies in our zone.
        const target = fqdn(item.host);
        if (target === name) continue;
        const cname: DnsRecord = { name, type: 'CNAME', data: target };
        if (depth >= MAX_CNAME_CHAIN) continue;
        const targetZone = this.zoneOf(target);
        if (targetZone === this.zone) {
          const next = this.addresses(target, targetZone, qtype, depth + 1);
          if (!next.nameError && next.records.length > 0) {
            records.push(cname, ...next.records);
            details.push(`${target} is in the cluster: ${next.why.summary}`);
          } else {
            details.push(`${target} is in the cluster but has no ${qtype} records, so the CNAME is left out as well.`);
          }
        } else {
          records.push(cname);
          details.push(`${target} lies outside the cluster: the cluster DNS asks its upstream resolvers for its ${qtype} records.`);
        }
        continue;
      }
      if (itemFamily(item) !== family) continue;
      if (item.host === null) {
        const key = `pending ${item.pendingKey}`;
        if (seen.has(key)) continue;
        seen.add(key);
        records.push({ name, type: qtype, data: null });
        continue;
      }
      if (seen.has(item.host)) continue;
      seen.add(item.host);
      records.push({ name, type: qtype, data: canonicalIP(item.host)! });
    }
    if (!r.nameError && records.length === 0 && r.items.length > 0 && r.items.every((i) => i.host === null || parseIP(i.host) !== undefined)) {
      details.push(`There are no ${family === 4 ? 'IPv4' : 'IPv6'} addresses here, so ${qtype} gets an empty answer (NODATA).`);
    }
    return { records, nameError: r.nameError, why: { ...r.why, details } };
  }

  /** plugin.SRV: one record per (target, port), weights from the number of candidates, addresses as extras. */
  private srv(name: string, zone: string): { answers: DnsRecord[]; additional: DnsRecord[]; nameError: boolean; why: Why } {
    if (this.isDefaultNs(name, zone)) return { answers: [], additional: [], nameError: false, why: this.nsAddresses().why };
    const r = this.records(name, zone);
    const items = r.items.filter((i) => i.host === null || parseIP(i.host) !== undefined);
    const details = [...r.why.details];
    if (items.length < r.items.length) details.push(`The cluster DNS serves no SRV records for ExternalName Services.`);
    const weight = Math.max(1, Math.floor(100 / Math.max(1, items.length)));
    const answers: DnsRecord[] = [];
    const additional: DnsRecord[] = [];
    const seenSrv = new Set<string>();
    const seenExtra = new Set<string>();
    for (const item of items) {
      if (item.port === -1) continue;
      const key = `${item.target} ${item.port}`;
      if (!seenSrv.has(key)) {
        seenSrv.add(key);
        answers.push({ name, type: 'SRV', data: `0 ${weight} ${item.port} ${item.target}` });
      }
      const fam = itemFamily(item);
      const extraKey = `${item.target} ${item.host ?? `pending ${item.pendingKey}`}`;
      if (!seenExtra.has(extraKey) && fam !== 0) {
        seenExtra.add(extraKey);
        additional.push({ name: item.target, type: fam === 4 ? 'A' : 'AAAA', data: item.host === null ? null : canonicalIP(item.host)! });
      }
    }
    if (!r.nameError && answers.length === 0 && items.length > 0) details.push(`No port is declared here, so there are no SRV records.`);
    return { answers, additional, nameError: r.nameError, why: { ...r.why, details } };
  }

  /** CoreDNS Reverse(): PTR for a service ClusterIP (the first), else for every ready endpoint with that address. */
  private reverse(name: string, zone: string): { records: DnsRecord[]; nameError: boolean; why: Why } {
    const ip = zone === this.zone ? undefined : ipFromReverseName(name);
    if (ip === undefined) {
      const r = this.records(name, zone);
      return {
        records: [],
        nameError: r.nameError,
        why: r.nameError ? r.why : { ...r.why, details: [...r.why.details, `It is not a reverse-zone name, so it has no PTR records.`] },
      };
    }
    const svc = this.snapshot.servicesWithClusterIP(ip)[0];
    if (svc) {
      return {
        records: [{ name, type: 'PTR', data: `${serviceFqdn(svc.name, svc.namespace, this.zone)}.` }],
        nameError: false,
        why: { ...why(`${ip} is the cluster IP of Service ${svc.namespace}/${svc.name}.`), service: svc },
      };
    }
    const records: DnsRecord[] = [];
    const seen = new Set<string>();
    for (const hit of this.snapshot.endpointsWithIP(ip)) {
      if (!hit.endpoint.ready || hit.slice.serviceName === undefined) continue;
      const target = `${endpointFqdn(endpointHostname(hit.endpoint, ip), hit.slice.serviceName, hit.slice.namespace, this.zone)}.`;
      if (seen.has(target)) continue;
      seen.add(target);
      records.push({ name, type: 'PTR', data: target });
    }
    if (records.length > 0) {
      return {
        records,
        nameError: false,
        why: why(`${ip} is a ready endpoint of ${records.length === 1 ? 'a Service' : `${records.length} Services`}; each gives its endpoint name.`),
      };
    }
    const owners = this.snapshot.ownersOf(ip);
    const details: string[] = [];
    if (owners.some((o) => o.kind === 'Pod')) details.push(`Pod IPs have no PTR records unless they are ready endpoints of a Service.`);
    if (owners.some((o) => o.kind === 'Endpoint')) details.push(`Only ready endpoints have PTR records.`);
    return { records: [], nameError: true, why: why(`No Service cluster IP or ready endpoint has the address ${ip}.`, ...details) };
  }

  /** CoreDNS Records(): parse the name under the zone and find what it names. */
  private records(name: string, zone: string): Lookup {
    const labels = labelsUnder(name, zone) ?? [];
    const none = (nameError: boolean, w: Why): Lookup => ({ items: [], nameError, why: w });
    if (labels.length === 0) return none(false, why(`${name} is the apex of the zone ${zone}.`));
    const last = labels[labels.length - 1]!;
    if (labels.length === 1 && (last === 'svc' || last === 'pod')) {
      return none(false, why(`${name} is the parent of every ${last === 'svc' ? 'Service' : 'pod'} name: it exists and holds no records.`));
    }
    if (last !== 'svc' && last !== 'pod') {
      return none(
        true,
        why(`Names under ${zone}. end in ".svc.${zone}." or ".pod.${zone}."; ${name} does not, so no cluster answers it.`, ...malformedHints(labels, zone)),
      );
    }
    if (labels.length > 5) {
      return none(
        true,
        why(
          `${name} has too many labels: a Service name is [_port._proto.]<service>.<namespace>.svc.${zone}. or <endpoint>.<service>.<namespace>.svc.${zone}.`,
        ),
      );
    }
    if (REVERSE_ZONES.includes(zone)) return none(true, why(`${name} is not an address in the reverse zone ${zone}.`));
    const ns = labels[labels.length - 2]!;
    if (!this.snapshot.hasNamespace(ns)) {
      return none(true, why(`There is no namespace "${ns}" in ${this.source}.`));
    }
    const service = labels.length >= 3 ? labels[labels.length - 3]! : '';
    const extra = labels.slice(0, labels.length - 3);
    return last === 'pod' ? this.findPods(ns, service) : this.findServices(ns, service, extra);
  }

  private findPods(ns: string, podName: string): Lookup {
    if (this.podRecords === 'disabled') {
      return {
        items: [],
        nameError: true,
        why: why(`Pod records (<a-b-c-d>.<namespace>.pod.${this.zone}) are disabled: CoreDNS serves them only with "pods insecure" or "pods verified".`),
      };
    }
    if (podName === '')
      return { items: [], nameError: false, why: why(`${ns}.pod.${this.zone}. is a namespace's pod domain: it exists and holds no records.`) };
    const ipText = undashIP(podName);
    const parsed = parseIP(ipText);
    const target = `${podName}.${podDomain(ns, this.zone)}.`;
    if (this.podRecords === 'insecure') {
      if (!parsed) return { items: [], nameError: true, why: why(`"${podName}" is not an IP address with dashes (such as 10-1-2-3, or fd00--1 for IPv6).`) };
      return {
        items: [{ host: parsed.text, family: parsed.family, port: 0, target }],
        nameError: false,
        why: why(`With "pods insecure" the cluster DNS answers any pod name with the address written in it, whether or not such a pod exists.`),
      };
    }
    // Verified: a live, non-terminal pod in that namespace whose primary IP is exactly this text.
    const pods = this.snapshot
      .podsWithIP(ipText)
      .filter((p) => p.ips[0] === ipText && p.namespace === ns && !p.terminating && p.phase !== 'Succeeded' && p.phase !== 'Failed' && p.phase !== 'Unknown');
    if (pods.length === 0) {
      const anywhere = this.snapshot.podsWithIP(ipText);
      const details =
        anywhere.length > 0 ? [`${ipText} belongs to ${anywhere.map((p) => `pod ${p.namespace}/${p.name}`).join(', ')}, not to a running pod of ${ns}.`] : [];
      return {
        items: [],
        nameError: true,
        why: why(`No running pod in namespace ${ns} has the IP ${parsed ? ipText : `"${podName}"`} ("pods verified").`, ...details),
      };
    }
    return {
      items: [{ host: ipText, family: parsed!.family, port: 0, target }],
      nameError: false,
      why: why(`Pod ${ns}/${pods[0]!.name} has the IP ${ipText} ("pods verified" checks that it exists).`),
    };
  }

  private findServices(ns: string, serviceName: string, extra: string[]): Lookup {
    if (serviceName === '') {
      return {
        items: [],
        nameError: false,
        why: why(`${serviceDomain(ns, this.zone)}. is the domain of namespace ${ns}: it exists and holds no records of its own.`),
      };
    }
    const svc = this.snapshot.service(ns, serviceName);
    if (!svc) {
      return { items: [], nameError: true, why: why(`Namespace ${ns} has no Service "${serviceName}" in ${this.source}.`) };
    }
    const q: ServiceQuery = {
      svc,
      endpoint: extra.length === 1 ? extra[0]! : '',
      port: extra.length === 2 ? stripUnderscore(extra[0]!) : '',
      proto: extra.length === 2 ? stripUnderscore(extra[1]!) : '',
      ref: `Service ${svc.namespace}/${svc.name}`,
      base: `${serviceFqdn(svc.name, svc.namespace, this.zone)}.`,
    };
    if (svc.type === 'ExternalName') return externalNameLookup(q);
    if (svc.headless || q.endpoint !== '') return this.endpointLookup(q);
    return this.clusterIPLookup(q);
  }

  /** A headless Service's name, or an endpoint's name under any Service: one record per ready endpoint address. */
  private endpointLookup({ svc, endpoint, port, proto, ref, base }: ServiceQuery): Lookup {
    const items: Item[] = [];
    let ready = 0;
    let notReady = 0;
    let pendingEndpoints = false;
    for (const slice of this.snapshot.slicesOf(svc.namespace, svc.name)) {
      if (slice.addressType === 'FQDN') continue;
      const ports = slice.ports.length > 0 ? slice.ports : [{ name: '', port: -1, protocol: '' as const }];
      for (const ep of slice.endpoints) {
        if (!ep.ready) {
          notReady += Math.max(1, ep.addresses.length);
          continue;
        }
        const addresses: (string | null)[] = ep.pending ? Array.from({ length: ep.pending.replicas }, () => null) : [...ep.addresses];
        for (const [replica, address] of addresses.entries()) {
          const host = address === null ? ep.hostname : endpointHostname(ep, address);
          if (endpoint !== '' && host !== endpoint) continue;
          if (address === null) pendingEndpoints = true;
          ready++;
          for (const p of ports) {
            if (!matchPortAndProtocol(port, p.name, proto, p.protocol)) continue;
            const family = slice.addressType === 'IPv6' ? 6 : 4;
            items.push({
              host: address,
              family,
              port: p.port ?? -1,
              target: host === undefined ? base : `${host}.${base}`,
              ...(address === null ? { pendingKey: `${ep.targetRef?.name ?? ''}/${replica}/${family}` } : {}),
            });
          }
        }
      }
    }
    const kind = svc.headless ? `headless ${ref}` : ref;
    const counts = `${ready} ready${notReady > 0 ? `, ${notReady} not ready` : ''}`;
    if (items.length === 0) {
      const summary =
        endpoint !== ''
          ? `${kind} has no ready endpoint named "${endpoint}".`
          : ready > 0
            ? `${kind} has no port "${port}" with protocol "${proto}".`
            : `${kind} has no ready endpoints, so its name does not exist (NXDOMAIN), as the specification says.`;
      const details: string[] = [];
      if (notReady > 0)
        details.push(`${notReady} endpoint${notReady === 1 ? ' is' : 's are'} not ready; they are published only with publishNotReadyAddresses.`);
      if (endpoint !== '') details.push(...this.endpointNames(svc));
      if (port !== '' || proto !== '') details.push(portList(svc));
      return { items: [], nameError: true, why: { ...why(summary, ...details), service: svc } };
    }
    const summary = endpoint !== '' ? `Endpoint "${endpoint}" of ${kind}.` : `${kind}: one address per ready endpoint (${counts}).`;
    const details = pendingEndpoints ? [`Pod IPs are allocated by the cluster when the pods start.`] : [];
    return { items, nameError: false, why: { ...why(summary, ...details), service: svc, pending: pendingEndpoints } };
  }

  /** A Service with a cluster IP: the IP, for each port that matches. */
  private clusterIPLookup({ svc, port, proto, ref, base }: ServiceQuery): Lookup {
    const items: Item[] = [];
    let matched = false;
    const ports = svc.ports.length > 0 ? svc.ports : [{ name: '', port: -1, protocol: '', targetPort: -1 }];
    for (const p of ports) {
      if (!matchPortAndProtocol(port, p.name, proto, p.protocol)) continue;
      matched = true;
      if (svc.clusterIPPending) {
        for (const f of svc.ipFamilies) items.push({ host: null, family: f === 'IPv6' ? 6 : 4, port: p.port, target: base, pendingKey: f });
      }
      for (const ip of svc.clusterIPs) items.push({ host: ip, family: 0, port: p.port, target: base });
    }
    if (!matched) {
      return { items: [], nameError: true, why: { ...why(`${ref} has no port "${port}" with protocol "${proto}".`, portList(svc)), service: svc } };
    }
    const ips = svc.clusterIPPending ? 'a cluster IP allocated by the cluster' : svc.clusterIPs.join(', ');
    const details = [portList(svc)];
    const ready = this.readyEndpoints(svc);
    if (ready !== undefined)
      details.push(ready === 0 ? `It has no ready endpoints: connections to it fail.` : `${ready} ready endpoint${ready === 1 ? '' : 's'} behind it.`);
    return { items, nameError: false, why: { ...why(`${ref} (${svc.type}, ${ips}).`, ...details), service: svc, pending: svc.clusterIPPending } };
  }

  private readyEndpoints(svc: Service): number | undefined {
    const slices = this.snapshot.slicesOf(svc.namespace, svc.name);
    if (slices.length === 0 && svc.selector === undefined) return undefined;
    return this.snapshot.endpointCounts(svc.namespace, svc.name).ready;
  }

  private endpointNames(svc: Service): string[] {
    const names = new Set<string>();
    for (const s of this.snapshot.slicesOf(svc.namespace, svc.name)) {
      for (const e of s.endpoints) {
        if (!e.ready) continue;
        if (e.hostname) names.add(e.hostname);
        else for (const a of e.addresses) names.add(endpointHostname(e, a));
      }
    }
    if (names.size === 0) return [];
    const list = [...names].slice(0, 10);
    return [`Its ready endpoint names: ${list.join(', ')}${names.size > list.length ? ', …' : ''}.`];
  }
}

/** The label CoreDNS gives an endpoint: its hostname, else its address with dashes. */
export function endpointHostname(endpoint: Endpoint, address: string): string {
  if (endpoint.hostname) return endpoint.hostname;
  const dashed = dashedIP(address);
  // CoreDNS appends a 0 when an IPv6 address ends in "::" so the label does not end in a dash.
  return address.includes(':') && dashed.endsWith('-') ? `${dashed}0` : dashed;
}

function matchPortAndProtocol(aPort: string, bPort: string, aProto: string, bProto: string): boolean {
  return (aPort === '' || aPort === bPort.toLowerCase()) && (aProto === '' || aProto === bProto.toLowerCase());
}

/** What a name below a Service asks: the Service, the endpoint or `_port._proto` written, its name and FQDN. */
interface ServiceQuery {
  readonly svc: Service;
  /** The endpoint label (`<endpoint>.<service>…`), or ''. */
  readonly endpoint: string;
  /** The SRV port and protocol labels without their underscore, or ''. */
  readonly port: string;
  readonly proto: string;
  /** `Service <namespace>/<name>`, as explanations name it. */
  readonly ref: string;
  /** The Service's FQDN with its trailing dot. */
  readonly base: string;
}

/** An ExternalName Service: a CNAME to its target, and nothing below it. */
function externalNameLookup({ svc, endpoint, port, proto, ref, base }: ServiceQuery): Lookup {
  const w: Why = { ...why(`${ref} is an ExternalName for ${svc.externalName ?? '(nothing)'}.`), service: svc };
  if (endpoint !== '' || port !== '' || proto !== '') {
    return { items: [], nameError: true, why: { ...w, details: [`ExternalName Services have no endpoint or port names below them.`] } };
  }
  if (!svc.externalName || parseIP(svc.externalName) !== undefined) {
    return {
      items: [],
      nameError: true,
      why: {
        ...w,
        details: [
          `Its externalName ${svc.externalName ? `"${svc.externalName}" is an IP address, which CoreDNS does not serve` : 'is empty'}: every question gets NXDOMAIN.`,
        ],
      },
    };
  }
  return { items: [{ host: svc.externalName, family: 0, port: 0, target: base }], nameError: false, why: w };
}

function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

function fqdn(name: string): string {
  return name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
}

function portList(svc: Service): string {
  if (svc.ports.length === 0) return `It declares no ports.`;
  const ports = svc.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}${p.targetPort !== p.port ? ` → ${p.targetPort}` : ''}`);
  return `Ports: ${ports.join(', ')}.`;
}

/** Explains the forms of cluster names that circulate but that no cluster answers. */
function malformedHints(labels: string[], zone: string): string[] {
  const hints: string[] = [];
  const last = labels[labels.length - 1]!;
  if (last === 'services' || last === 'service') hints.push(`Service names use "svc", not "${last}".`);
  if (last === 'pods') hints.push(`Pod names use "pod", not "pods".`);
  if (labels.length === 2) hints.push(`"${labels[0]}.${labels[1]}.${zone}." lacks ".svc": did you mean ${labels[0]}.${labels[1]}.svc.${zone}.?`);
  return hints;
}

function describeOwner(owner: IpOwner): OwnerSummary {
  switch (owner.kind) {
    case 'ClusterIP':
    case 'ExternalIP':
    case 'LoadBalancerIngress': {
      const s = owner.service;
      const what = owner.kind === 'ClusterIP' ? 'the cluster IP' : owner.kind === 'ExternalIP' ? 'an external IP' : 'the load-balancer address';
      return { kind: owner.kind, namespace: s.namespace, name: s.name, text: `${what} of Service ${s.namespace}/${s.name}` };
    }
    case 'Pod': {
      const p = owner.pod;
      const state = [p.phase, p.ready ? 'ready' : 'not ready', p.nodeName ? `on node ${p.nodeName}` : undefined, p.hostNetwork ? 'host network' : undefined]
        .filter(Boolean)
        .join(', ');
      return { kind: 'Pod', namespace: p.namespace, name: p.name, text: `pod ${p.namespace}/${p.name} (${state})` };
    }
    case 'Node':
      return { kind: 'Node', name: owner.node.name, text: `node ${owner.node.name} (${owner.addressType})` };
    case 'Endpoint': {
      const svc = owner.slice.serviceName ?? '(no Service)';
      const state = owner.endpoint.ready ? 'ready' : owner.endpoint.terminating ? 'terminating' : 'not ready';
      return { kind: 'Endpoint', namespace: owner.slice.namespace, name: svc, text: `a ${state} endpoint of Service ${owner.slice.namespace}/${svc}` };
    }
  }
}
