/**
 * Answers DNS questions about a ClusterSnapshot the way the cluster's DNS would. The rules are the Kubernetes
 * DNS-Based Service Discovery specification; where it leaves room, CoreDNS's `kubernetes` plugin decides
 * (plugin/kubernetes/{parse,kubernetes,reverse}.go and plugin/backend_lookup.go), down to NXDOMAIN versus
 * NODATA and the SRV weights, because clients behave differently on each.
 *
 * `query` answers one fully qualified question. `resolve` takes what a person or a manifest writes (a relative
 * name, an absolute one, or an IP) and expands it as a pod's stub resolver would.
 */

import { canonicalIP, dashedIP, ipFromReverseName, isPlainIPv4, parseIP, reverseName, undashIP } from './ip';
import { t } from './l10n';
import type { Endpoint, EndpointPort, EndpointSlice, Pod, Protocol, Service, ServicePort } from './model';
import { DEFAULT_NAMESPACE, DEFAULT_ZONE, labelsUnder, type NameError, type NormalizedName, normalizeName, normalizeZone } from './names';
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

/**
 * Why an answer is what it is. The resolver's explanations write their sentences (summary, details, the owners'
 * text) when first read and keep them; JSON.stringify gives them as a plain object.
 */
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

const REVERSE_ZONES = [
  { zone: 'in-addr.arpa', apex: 'in-addr.arpa.', suffix: '.in-addr.arpa.' },
  { zone: 'ip6.arpa', apex: 'ip6.arpa.', suffix: '.ip6.arpa.' },
];
/** For a name without a port: the one port CoreDNS makes up for a Service or a slice that lists none. */
const NO_SERVICE_PORTS: readonly ServicePort[] = [{ name: '', port: -1, protocol: '' as Protocol, targetPort: -1 }];
const NO_ENDPOINT_PORTS: readonly EndpointPort[] = [{ name: '', port: -1, protocol: '' as Protocol }];
/** The name CoreDNS gives itself under its zone when it is no endpoint of any Service (plugin/kubernetes/ns.go). */
const DEFAULT_NS_LABELS = 'ns.dns';
const MAX_CNAME_CHAIN = 10;

/** An answer candidate, as CoreDNS's msg.Service: a host (IP or name) with a port and the name it stands under. */
interface Item {
  /** IP or name; null when the cluster has not allocated the address yet. */
  readonly host: string | null;
  /**
   * The address's family, its host then in canonical form (the model's addresses are); for a null host, the family
   * it will have. 0: a name, or text whose family is not known yet (`itemFamily` tells).
   */
  readonly family: 4 | 6 | 0;
  readonly port: number;
  /** The name the record stands under (SRV target, PTR data) is `base`, or `<label>.base` for an endpoint of `endpoint`. */
  readonly base: string;
  readonly endpoint: Endpoint | undefined;
  /** For a null host: which address-to-be it stands for, so that one address repeated per port counts once. */
  readonly pendingKey: string | undefined;
}

function item(host: string | null, family: 4 | 6 | 0, port: number, base: string, endpoint?: Endpoint, pendingKey?: string): Item {
  return { host, family, port, base, endpoint, pendingKey };
}

/** Strings seen so far, for the few an answer holds: compared in a list while they are few (8), hashed beyond. */
class KeySet {
  private readonly list: string[] = [];
  private set: Set<string> | undefined;

  /** Adds `key`; whether it was not there yet. */
  add(key: string): boolean {
    const set = this.set;
    if (set !== undefined) {
      if (set.has(key)) return false;
      set.add(key);
      return true;
    }
    const list = this.list;
    for (let i = 0; i < list.length; i++) if (list[i] === key) return false;
    list.push(key);
    if (list.length > 8) this.set = new Set(list);
    return true;
  }
}

/** The owner name of an item's record: the endpoint's label (its hostname, else its address with dashes) before `base`. */
function itemTarget(item: Item): string {
  const ep = item.endpoint;
  if (ep === undefined) return item.base;
  const label = item.host === null ? ep.hostname : endpointHostname(ep, item.host);
  return label === undefined ? item.base : `${label}.${item.base}`;
}

/** What a question gets: the sections of the answer, NXDOMAIN or not, and why. */
interface Outcome {
  readonly answers: DnsRecord[];
  readonly additional: DnsRecord[];
  readonly nameError: boolean;
  readonly why: Why;
}

interface Lookup {
  readonly items: Item[];
  /** CoreDNS's name error: NXDOMAIN. */
  readonly nameError: boolean;
  readonly why: Why;
}

/** The sentences of an explanation. */
interface Prose {
  readonly summary: string;
  readonly details: readonly string[];
}

/**
 * Why an answer is what it is: the facts that code reads, and a function that writes the sentences. Most answers
 * are never read by a person, so the sentences are written only when an explanation's text is read.
 */
interface Why {
  readonly prose: () => Prose;
  readonly service: Service | undefined;
  readonly pending: boolean | undefined;
}

/** Whether `s` has only ASCII characters and no capital letter: what `toLowerCase` leaves as it is, alone or in a longer text. */
function isLowerAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f || (c >= 0x41 && c <= 0x5a)) return false;
  }
  return true;
}

function said(summary: string, details: readonly string[] = []): Prose {
  return { summary, details };
}

function because(prose: () => Prose, service?: Service, pending?: boolean): Why {
  return { prose, service, pending };
}

/** `w` with the details `more` writes after its own. */
function withDetails(w: Why, more: () => readonly string[]): Why {
  return because(
    () => {
      const p = w.prose();
      return said(p.summary, [...p.details, ...more()]);
    },
    w.service,
    w.pending,
  );
}

/** The family of an item's address (0 for a name), the same as `parseIP`'s. */
function itemFamily(item: Item): 4 | 6 | 0 {
  const host = item.host;
  if (host === null || item.family !== 0) return item.family;
  if (isPlainIPv4(host)) return 4;
  return parseIP(host)?.family ?? 0;
}

/** The canonical text of an item's address (as `canonicalIP`), `family` its `itemFamily` (4 or 6). */
function itemAddress(item: Item, host: string, family: 4 | 6 | 0): string {
  // An item that came with its family holds the canonical text; itemFamily is 4 only for the plain form, its own.
  return item.family !== 0 || family === 4 ? host : canonicalIP(host)!;
}

/**
 * The explanation of an answer. The facts code reads (the Service, pending, the search path's outcome, the owners) are
 * there from the start; the sentences (summary, details) are written on first read, and kept. `toJSON` gives the
 * plain form, with the same keys in the same order as an object literal would have.
 */
class AnswerExplanation implements Explanation {
  readonly pending: boolean | undefined;
  readonly matchedStep: number | undefined;
  readonly owners: readonly OwnerSummary[] | undefined;
  #write: (() => Prose) | undefined;
  #prose: Prose | undefined;
  readonly #service: Service | undefined;
  #serviceFacts: Explanation['service'];
  readonly #tried: readonly DnsAnswer[] | undefined;
  #search: readonly SearchStep[] | undefined;

  constructor(
    write: () => Prose,
    service: Service | undefined,
    pending: boolean | undefined,
    tried?: readonly DnsAnswer[],
    matchedStep?: number,
    owners?: readonly OwnerSummary[],
  ) {
    this.pending = pending;
    this.matchedStep = matchedStep;
    this.owners = owners;
    this.#write = write;
    this.#prose = undefined;
    this.#service = service;
    this.#serviceFacts = undefined;
    this.#tried = tried;
    this.#search = undefined;
  }

  private read(): Prose {
    if (this.#prose === undefined) {
      this.#prose = this.#write!();
      this.#write = undefined;
    }
    return this.#prose;
  }

  get summary(): string {
    return this.read().summary;
  }

  get details(): readonly string[] {
    return this.read().details;
  }

  get service(): Explanation['service'] {
    const s = this.#service;
    if (s === undefined) return undefined;
    this.#serviceFacts ??= { namespace: s.namespace, name: s.name, type: s.type, headless: s.headless };
    return this.#serviceFacts;
  }

  /** The Service record itself, for explanations made from this one. */
  get serviceRecord(): Service | undefined {
    return this.#service;
  }

  get search(): readonly SearchStep[] | undefined {
    const tried = this.#tried;
    if (tried === undefined) return undefined;
    this.#search ??= tried.map((a) => ({ name: a.qname, rcode: a.rcode, answers: a.answers.length }));
    return this.#search;
  }

  toJSON(): Explanation {
    return {
      summary: this.summary,
      details: this.details,
      service: this.service,
      pending: this.pending,
      search: this.search,
      matchedStep: this.matchedStep,
      owners: this.owners,
    };
  }
}

/** The Service record behind an explanation this module made (answers come from nowhere else). */
function serviceOf(e: Explanation): Service | undefined {
  return e instanceof AnswerExplanation ? e.serviceRecord : undefined;
}

export class Resolver {
  readonly zone: string;
  readonly podRecords: PodRecordsMode;
  private readonly source: string;
  private readonly dns: { readonly namespace: string; readonly name: string };
  /** `<zone>.` and `.<zone>.`: what the names of the zone are and end with. */
  private readonly zoneApex: string;
  private readonly zoneSuffix: string;
  /** ns.dns.<zone>. */
  private readonly defaultNsName: string;
  /** The snapshot's Services by their own name (`<name>.<namespace>.svc.<zone>.`), made on first use. */
  private byName: Map<string, Service> | undefined;

  constructor(
    readonly snapshot: ClusterSnapshot,
    options: ResolverOptions = {},
  ) {
    this.zone = normalizeZone(options.zone ?? DEFAULT_ZONE);
    this.podRecords = options.podRecords ?? 'disabled';
    this.source = options.sourceName ?? 'the snapshot';
    this.dns = options.dnsService ?? { namespace: 'kube-system', name: 'kube-dns' };
    this.zoneApex = `${this.zone}.`;
    this.zoneSuffix = `.${this.zone}.`;
    this.defaultNsName = `${DEFAULT_NS_LABELS}.${this.zone}.`;
  }

  /** Resolves what a person typed: an IP (its PTR and owners), or a name expanded with the pod's search path. */
  resolve(input: string, request: ResolveRequest = {}): ResolveResult {
    const trimmed = input.trim();
    const ip = canonicalIP(trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed);
    if (ip !== undefined) return { ok: true, answer: this.resolveIP(ip) };
    const normalized = normalizeName(trimmed);
    if (!normalized.ok) return normalized;
    const qtype = request.qtype ?? 'A';
    const name = normalized.name;
    // The normal form is in lower case already.
    if (name.absolute) return { ok: true, answer: this.ask(name.fqdn, qtype) };
    return { ok: true, answer: this.search(trimmed, name, request.namespace ?? DEFAULT_NAMESPACE, request.ndots ?? 5, qtype) };
  }

  /** A relative name as a pod's stub resolver sends it: with each search domain, and as is, until one has records. */
  private search(written: string, name: NormalizedName, namespace: string, ndots: number, qtype: QueryType): DnsAnswer {
    const { fqdn, dots } = name;
    // The search domains of a pod's resolv.conf, `<namespace>.svc.<zone> svc.<zone> <zone>` (the zone left out when
    // it is the root), each appended to the name; the name as written goes first with ndots dots or more, else last.
    const domains = this.zone === '' ? 2 : 3;
    const count = domains + 1;
    const asIsFirst = dots >= ndots;
    // The names are in lower case when the namespace is (the rest is already): else query() makes them so.
    const lower = isLowerAscii(namespace);
    const tried: DnsAnswer[] = [];
    let matched = -1;
    let firstNodata = -1;
    for (let k = 0; k < count; k++) {
      const d = asIsFirst ? k - 1 : k;
      const candidate =
        d === 0 ? `${fqdn}${namespace}.svc.${this.zone}.` : d === 1 ? `${fqdn}svc.${this.zone}.` : d === 2 && domains === 3 ? `${fqdn}${this.zone}.` : fqdn;
      const answer = lower ? this.ask(candidate, qtype) : this.query(candidate, qtype);
      tried.push(answer);
      if (answer.answers.length > 0) {
        matched = k;
        break;
      }
      if (firstNodata < 0 && answer.rcode === 'NOERROR') firstNodata = k;
    }
    const answered = matched >= 0;
    const step = answered ? matched : firstNodata;
    // Found nowhere: explain with the name as written when it lies in a zone we serve (the writer meant it
    // whole), else with the first search step (the writer meant a Service of the pod's namespace).
    const asIs = tried[asIsFirst ? 0 : count - 1];
    const chosen = step >= 0 ? tried[step]! : asIs !== undefined && asIs.rcode !== 'REFUSED' ? asIs : tried[0]!;
    const nodataBefore = answered ? firstNodata : -1;
    const prose = (): Prose => {
      const e = chosen.explanation;
      const details = [...e.details];
      if (answered) {
        if (nodataBefore >= 0) {
          details.push(
            t('musl-based images (Alpine) stop at the first empty NOERROR answer ({0}) and never reach this one; glibc goes on.', tried[nodataBefore]!.qname),
          );
        }
        if (step > 0) {
          details.push(
            t(
              'A pod in namespace {0} sends {1} queries for "{2}" (ndots:{3}); "{4}" with its trailing dot takes one.',
              namespace,
              step + 1,
              written,
              ndots,
              chosen.qname,
            ),
          );
        }
      }
      const summary = answered
        ? t('From namespace {0}, "{1}" is found as {2} (search step {3} of {4}). {5}', namespace, written, chosen.qname, step + 1, count, e.summary)
        : step >= 0
          ? t('From namespace {0}, "{1}" exists as {2} but has no {3} records. {4}', namespace, written, chosen.qname, qtype, e.summary)
          : t('From namespace {0}, "{1}" is not found under any search domain. {2}', namespace, written, e.summary);
      return said(summary, details);
    };
    const explanation = new AnswerExplanation(prose, serviceOf(chosen.explanation), chosen.explanation.pending, tried, step >= 0 ? step : undefined);
    return { qname: chosen.qname, qtype: chosen.qtype, rcode: chosen.rcode, answers: chosen.answers, additional: chosen.additional, explanation };
  }

  /** The PTR answer for an IP together with everything in the snapshot that owns it. */
  resolveIP(ip: string): DnsAnswer {
    const name = reverseName(ip)!;
    const zone = this.zoneOf(name);
    // In a reverse zone, the address the name stands for is the one it was made from, in canonical form.
    const found = this.snapshot.ownersOf(ip);
    const answer = zone !== undefined && zone !== this.zone ? this.reply(name, 'PTR', this.pointer(name, canonicalIP(ip)!, found)) : this.ask(name, 'PTR');
    const owners = found.map((o) => new Owner(o));
    const source = this.source;
    const prose = (): Prose => {
      const e = answer.explanation;
      const summary = owners.length === 0 ? t('{0} belongs to nothing in {1}.', ip, source) : t('{0} is {1}.', ip, owners.map((o) => o.text).join('; '));
      return said(summary, [e.summary, ...e.details]);
    };
    const explanation = new AnswerExplanation(prose, serviceOf(answer.explanation), answer.explanation.pending, undefined, undefined, owners);
    return { qname: answer.qname, qtype: answer.qtype, rcode: answer.rcode, answers: answer.answers, additional: answer.additional, explanation };
  }

  /** Answers one question. `qname` may be in any case, with or without its trailing dot. */
  query(qname: string, qtype: QueryType): DnsAnswer {
    return this.ask(qname.endsWith('.') ? qname.toLowerCase() : `${qname.toLowerCase()}.`, qtype);
  }

  /** `query` of a name in lower case with its trailing dot. */
  private ask(name: string, qtype: QueryType): DnsAnswer {
    const zone = this.zoneOf(name);
    if (zone === undefined) {
      const clusterZone = this.zone;
      const prose = (): Prose =>
        said(t('{0} is outside the cluster domain {1}. and the reverse zones: the cluster DNS forwards it to its upstream resolvers.', name, clusterZone));
      return { qname: name, qtype, rcode: 'REFUSED', answers: [], additional: [], explanation: new AnswerExplanation(prose, undefined, undefined) };
    }
    return this.reply(name, qtype, this.answer(name, zone, qtype));
  }

  private reply(name: string, qtype: QueryType, out: Outcome): DnsAnswer {
    let pending = out.why.pending === true;
    if (!pending) {
      for (const a of out.answers) {
        if (a.data === null) {
          pending = true;
          break;
        }
      }
    }
    return {
      qname: name,
      qtype,
      rcode: out.nameError ? 'NXDOMAIN' : 'NOERROR',
      answers: out.answers,
      additional: out.additional,
      explanation: new AnswerExplanation(out.why.prose, out.why.service, pending ? true : undefined),
    };
  }

  /**
   * The Services by the name they answer to, as `snapshot.service(namespace, name)` finds them. A question about a
   * Service holds that name whole (`base` in findServices), so that one lookup of a part of the question finds the
   * Service, where the snapshot's index is two Maps deep. About 90 bytes a Service, made on the first question.
   */
  private servicesByName(): Map<string, Service> {
    if (this.byName === undefined) {
      const map = new Map<string, Service>();
      // Joined rather than a template, so that each key is one flat string and not a rope of five.
      for (const svc of this.snapshot.services()) map.set([svc.name, '.', svc.namespace, '.svc.', this.zone, '.'].join(''), svc);
      this.byName = map;
    }
    return this.byName;
  }

  /** The zone of `name` among the cluster domain and the reverse zones: the longest that holds it. */
  private zoneOf(name: string): string | undefined {
    let best: string | undefined;
    if (this.zone === '' || name === this.zoneApex || name.endsWith(this.zoneSuffix)) best = this.zone;
    for (const z of REVERSE_ZONES) {
      if ((name === z.apex || name.endsWith(z.suffix)) && (best === undefined || z.zone.length > best.length)) best = z.zone;
    }
    return best;
  }

  private answer(name: string, zone: string, qtype: QueryType): Outcome {
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
            why: because(() => said(t('The version of the Kubernetes DNS schema the cluster DNS serves.'))),
          };
        }
        const r = this.records(name, zone, true);
        const w = r.why;
        // CoreDNS: an empty NOERROR only where another type has records; NXDOMAIN otherwise.
        if (r.items.length > 0) {
          const prose = (): Prose => {
            const p = w.prose();
            return said(t('{0} It has no TXT records.', p.summary), p.details);
          };
          return { answers: [], additional: [], nameError: false, why: because(prose, w.service, w.pending) };
        }
        if (r.nameError) return { answers: [], additional: [], nameError: true, why: w };
        return {
          answers: [],
          additional: [],
          nameError: true,
          why: because(() => said(t('{0} holds no records, so a TXT question gets NXDOMAIN.', name), [w.prose().summary])),
        };
      }
      case 'CNAME': {
        // CoreDNS answers ns.dns.<zone> from its own addresses, A and AAAA only: other types are NODATA there.
        if (this.isDefaultNs(name, zone)) return { answers: [], additional: [], nameError: false, why: this.nsAddresses().why };
        const r = this.records(name, zone, true);
        const first = r.items[0];
        if (first && first.host !== null && itemFamily(first) === 0) {
          return { answers: [{ name, type: 'CNAME', data: fqdn(first.host) }], additional: [], nameError: false, why: r.why };
        }
        return { answers: [], additional: [], nameError: r.nameError, why: r.why };
      }
      case 'PTR':
        return this.reverse(name, zone);
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
  private typeless(name: string, zone: string, qtype: QueryType): Outcome {
    const r = this.addresses(name, zone, 'A', 0);
    const w = r.nameError
      ? r.why
      : withDetails(r.why, () => [t('The cluster DNS answers {0} questions here with no records (only A, AAAA, SRV, PTR, CNAME and TXT are served).', qtype)]);
    return { answers: [], additional: [], nameError: r.nameError, why: w };
  }

  /**
   * CoreDNS's plugin.NS for the apex: one NS record per name of `nsAddresses()`, each address of that name in the
   * additional section.
   */
  private ns(name: string): Outcome {
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
    return zone === this.zone && name === this.defaultNsName;
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
      const prose = (): Prose => {
        const names = [...new Set(addresses.map((a) => a.name))];
        return said(
          names.length === 1
            ? t('The cluster DNS answers from pod address {0}, a ready endpoint of the Service {1}.', own.join(', '), names.join(', '))
            : t('The cluster DNS answers from pod address {0}, a ready endpoint of the Services {1}.', own.join(', '), names.join(', ')),
        );
      };
      return { addresses, outside: false, why: because(prose, svc) };
    }
    if (svc && (svc.source !== undefined || svc.implied !== undefined)) {
      const addresses = this.serviceAddresses(svc, []);
      const prose = (): Prose =>
        said(
          t('The cluster DNS runs behind Service {0}, whose pods the manifests do not hold: it names itself by that Service.', ref),
          svc.headless ? [t('The Service is headless: its endpoint names are known only in the cluster.')] : [],
        );
      return { addresses, outside: false, why: because(prose, svc, svc.clusterIPPending) };
    }
    const source = this.source;
    const zone = this.zone;
    const prose = (): Prose =>
      said(
        svc
          ? t(
              'Service {0} has no ready endpoint in {1}, so the cluster DNS runs outside the cluster and names itself {2}.',
              ref,
              source,
              `${DEFAULT_NS_LABELS}.${zone}`,
            )
          : t('{0} has no Service {1}, so the cluster DNS runs outside the cluster and names itself {2}.', source, ref, `${DEFAULT_NS_LABELS}.${zone}`),
        [
          t(
            'Its addresses are those it listens on (none when it listens on loopback only, and then it gives no NS record either); {0} does not hold them.',
            source,
          ),
        ],
      );
    return { addresses: [], outside: true, why: because(prose) };
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
    const base = `${svc.name}.${svc.namespace}.svc.${this.zone}.`;
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
    if (name.length === zone.length + 1 && name === `${zone}.`) {
      return { records: [], nameError: false, why: because(() => said(t('{0} is the apex of the zone: it exists and holds no addresses.', name))) };
    }
    if (this.isDefaultNs(name, zone)) {
      // CoreDNS's isDefaultNS: the addresses of nsAddrs of the family asked, under the name asked.
      const ns = this.nsAddresses();
      return { records: ns.addresses.filter((a) => a.type === qtype).map((a) => ({ ...a, name })), nameError: false, why: ns.why };
    }
    const r = this.records(name, zone, true);
    const family = qtype === 'A' ? 4 : 6;
    const records: DnsRecord[] = [];
    // An address repeated (per port, or by two endpoints) gives one record: one item needs no record of them.
    const seen = r.items.length > 1 ? new KeySet() : undefined;
    /** Sentences added to the lookup's details, written when read. */
    let notes: (() => string)[] | undefined;
    let allAddresses = true;
    for (const item of r.items) {
      const host = item.host;
      const itemFam = itemFamily(item);
      if (host !== null && itemFam === 0) {
        allAddresses = false;
        // An ExternalName: a CNAME, followed when the target lies in our zone.
        const target = fqdn(host);
        if (target === name) continue;
        const cname: DnsRecord = { name, type: 'CNAME', data: target };
        if (depth >= MAX_CNAME_CHAIN) continue;
        const targetZone = this.zoneOf(target);
        notes ??= [];
        if (targetZone === this.zone) {
          const next = this.addresses(target, targetZone, qtype, depth + 1);
          if (!next.nameError && next.records.length > 0) {
            records.push(cname, ...next.records);
            notes.push(() => t('{0} is in the cluster: {1}', target, next.why.prose().summary));
          } else {
            notes.push(() => t('{0} is in the cluster but has no {1} records, so the CNAME is left out as well.', target, qtype));
          }
        } else {
          records.push(cname);
          notes.push(() => t('{0} lies outside the cluster: the cluster DNS asks its upstream resolvers for its {1} records.', target, qtype));
        }
        continue;
      }
      if (itemFam !== family) continue;
      if (host === null) {
        if (seen === undefined || seen.add(`pending ${item.pendingKey}`)) records.push({ name, type: qtype, data: null });
        continue;
      }
      if (seen !== undefined && !seen.add(host)) continue;
      records.push({ name, type: qtype, data: itemAddress(item, host, itemFam) });
    }
    if (!r.nameError && records.length === 0 && r.items.length > 0 && allAddresses) {
      (notes ??= []).push(() => t('There are no {0} addresses here, so {1} gets an empty answer (NODATA).', family === 4 ? 'IPv4' : 'IPv6', qtype));
    }
    const written = notes;
    const w = written === undefined ? r.why : withDetails(r.why, () => written.map((n) => n()));
    return { records, nameError: r.nameError, why: w };
  }

  /** plugin.SRV: one record per (target, port), weights from the number of candidates, addresses as extras. */
  private srv(name: string, zone: string): Outcome {
    if (this.isDefaultNs(name, zone)) return { answers: [], additional: [], nameError: false, why: this.nsAddresses().why };
    const r = this.records(name, zone, false);
    // ExternalName targets have no SRV records: only addresses (and addresses to be) count.
    let count = 0;
    for (const i of r.items) if (i.host === null || itemFamily(i) !== 0) count++;
    const weight = Math.max(1, Math.floor(100 / Math.max(1, count)));
    const answers: DnsRecord[] = [];
    const additional: DnsRecord[] = [];
    // One item repeats nothing: the sets are for several.
    const several = r.items.length > 1;
    const seenSrv = several ? new KeySet() : undefined;
    const seenExtra = several ? new KeySet() : undefined;
    for (const item of r.items) {
      const fam = itemFamily(item);
      if (item.host !== null && fam === 0) continue;
      if (item.port === -1) continue;
      const target = itemTarget(item);
      if (seenSrv === undefined || seenSrv.add(`${target} ${item.port}`)) {
        answers.push({ name, type: 'SRV', data: `0 ${weight} ${item.port} ${target}` });
      }
      if (fam !== 0 && (seenExtra === undefined || seenExtra.add(`${target} ${item.host ?? `pending ${item.pendingKey}`}`))) {
        additional.push({ name: target, type: fam === 4 ? 'A' : 'AAAA', data: item.host === null ? null : itemAddress(item, item.host, fam) });
      }
    }
    const externalNames = count < r.items.length;
    const noPorts = !r.nameError && answers.length === 0 && count > 0;
    const w =
      externalNames || noPorts
        ? withDetails(r.why, () => {
            const more: string[] = [];
            if (externalNames) more.push(t('The cluster DNS serves no SRV records for ExternalName Services.'));
            if (noPorts) more.push(t('No port is declared here, so there are no SRV records.'));
            return more;
          })
        : r.why;
    return { answers, additional, nameError: r.nameError, why: w };
  }

  /** CoreDNS Reverse(): PTR for a service ClusterIP (the first), else for every ready endpoint with that address. */
  private reverse(name: string, zone: string): Outcome {
    const ip = zone === this.zone ? undefined : ipFromReverseName(name);
    if (ip !== undefined) return this.pointer(name, ip);
    const r = this.records(name, zone, true);
    return {
      answers: [],
      additional: [],
      nameError: r.nameError,
      why: r.nameError ? r.why : withDetails(r.why, () => [t('It is not a reverse-zone name, so it has no PTR records.')]),
    };
  }

  /**
   * The PTR records of `name`, the reverse-zone name of `ip` (canonical). `owners`, when given, is what the snapshot's
   * ownersOf(ip) gives: its cluster IPs and endpoints are those the snapshot would be asked for, in the same order.
   */
  private pointer(name: string, ip: string, owners?: readonly IpOwner[]): Outcome {
    let svc: Service | undefined;
    if (owners === undefined) svc = this.snapshot.servicesWithClusterIP(ip)[0];
    else {
      for (const o of owners) {
        if (o.kind === 'ClusterIP') {
          svc = o.service;
          break;
        }
      }
    }
    if (svc) {
      return {
        answers: [{ name, type: 'PTR', data: `${svc.name}.${svc.namespace}.svc.${this.zone}.` }],
        additional: [],
        nameError: false,
        why: because(() => said(t('{0} is the cluster IP of Service {1}.', ip, `${svc.namespace}/${svc.name}`)), svc),
      };
    }
    const records: DnsRecord[] = [];
    const hits: readonly { readonly slice: EndpointSlice; readonly endpoint: Endpoint }[] =
      owners === undefined ? this.snapshot.endpointsWithIP(ip) : owners.filter((o) => o.kind === 'Endpoint');
    const seen = hits.length > 1 ? new KeySet() : undefined;
    for (const hit of hits) {
      if (!hit.endpoint.ready || hit.slice.serviceName === undefined) continue;
      const target = `${endpointHostname(hit.endpoint, ip)}.${hit.slice.serviceName}.${hit.slice.namespace}.svc.${this.zone}.`;
      if (seen !== undefined && !seen.add(target)) continue;
      records.push({ name, type: 'PTR', data: target });
    }
    if (records.length > 0) {
      const n = records.length;
      return {
        answers: records,
        additional: [],
        nameError: false,
        why: because(() =>
          said(
            n === 1
              ? t('{0} is a ready endpoint of a Service; each gives its endpoint name.', ip)
              : t('{0} is a ready endpoint of {1} Services; each gives its endpoint name.', ip, n),
          ),
        ),
      };
    }
    const prose = (): Prose => {
      const found = owners ?? this.snapshot.ownersOf(ip);
      const details: string[] = [];
      if (found.some((o) => o.kind === 'Pod')) details.push(t('Pod IPs have no PTR records unless they are ready endpoints of a Service.'));
      if (found.some((o) => o.kind === 'Endpoint')) details.push(t('Only ready endpoints have PTR records.'));
      return said(t('No Service cluster IP or ready endpoint has the address {0}.', ip), details);
    };
    return { answers: [], additional: [], nameError: true, why: because(prose) };
  }

  /**
   * CoreDNS Records(): parse the name under the zone and find what it names. `anyPort`: the caller reads no ports, so
   * where every port matches one item per address will do. `name` lies in `zone` (as `zoneOf` chose it).
   */
  private records(name: string, zone: string, anyPort: boolean): Lookup {
    // The labels before the zone are read in place: their number, and where the last five begin (after the dots
    // at d1, the last, to d4; -1 where there are fewer), as labelsUnder(name, zone) would list them.
    const end = zone === '' ? name.length - 1 : name.length - zone.length - 2;
    if (zone === '' ? name === '.' : end < 0)
      return { items: [], nameError: false, why: because(() => said(t('{0} is the apex of the zone {1}.', name, zone))) };
    let count = 1;
    let d1 = -1;
    let d2 = -1;
    let d3 = -1;
    let d4 = -1;
    for (let i = 0; i < end; i++) {
      if (name.charCodeAt(i) !== 0x2e) continue;
      count++;
      d4 = d3;
      d3 = d2;
      d2 = d1;
      d1 = i;
    }
    const lastLength = end - d1 - 1;
    const last = lastLength !== 3 ? '' : name.startsWith('svc', d1 + 1) ? 'svc' : name.startsWith('pod', d1 + 1) ? 'pod' : '';
    if (count === 1 && last !== '') {
      const prose = (): Prose =>
        said(
          last === 'svc'
            ? t('{0} is the parent of every Service name: it exists and holds no records.', name)
            : t('{0} is the parent of every pod name: it exists and holds no records.', name),
        );
      return { items: [], nameError: false, why: because(prose) };
    }
    if (last === '') {
      const prose = (): Prose =>
        said(
          t('Names under {0}. end in ".svc.{0}." or ".pod.{0}."; {1} does not, so no cluster answers it.', zone, name),
          malformedHints(labelsUnder(name, zone)!, zone),
        );
      return { items: [], nameError: true, why: because(prose) };
    }
    if (count > 5) {
      const prose = (): Prose =>
        said(
          t(
            '{0} has too many labels: a Service name is [_port._proto.]<service>.<namespace>.svc.{1}. or <endpoint>.<service>.<namespace>.svc.{1}.',
            name,
            zone,
          ),
        );
      return { items: [], nameError: true, why: because(prose) };
    }
    if (zone === REVERSE_ZONES[0]!.zone || zone === REVERSE_ZONES[1]!.zone) {
      return { items: [], nameError: true, why: because(() => said(t('{0} is not an address in the reverse zone {1}.', name, zone))) };
    }
    const ns = name.slice(d2 + 1, d1);
    // The name from the third label from the end on, `<service>.<namespace>.svc.<zone>.`: the Service's own name
    // (written out for the root zone, where `${service}.${ns}.svc.${zone}.` ends in two dots).
    const service = count === 2 ? '' : name.slice(d3 + 1, d2);
    const base = count === 2 ? '' : zone === '' ? `${service}.${ns}.${last}..` : d3 < 0 ? name : name.slice(d3 + 1);
    // A Service found by that name shows that its namespace exists: one lookup, not two, for most questions.
    const svc = count === 2 || last !== 'svc' ? undefined : this.servicesByName().get(base);
    if (svc === undefined && !this.snapshot.hasNamespace(ns)) {
      const source = this.source;
      return { items: [], nameError: true, why: because(() => said(t('There is no namespace "{0}" in {1}.', ns, source))) };
    }
    if (count === 2) return last === 'pod' ? this.findPods(ns, '', '') : this.findServices(ns, '', undefined, '', '', '', '', anyPort);
    if (last === 'pod') return this.findPods(ns, service, base);
    const endpoint = count === 4 ? name.slice(0, d3) : '';
    const port = count === 5 ? stripUnderscore(name.slice(0, d4)) : '';
    const proto = count === 5 ? stripUnderscore(name.slice(d4 + 1, d3)) : '';
    return this.findServices(ns, service, svc, endpoint, port, proto, base, anyPort);
  }

  /** The pod named `podName` in `ns`; `target` is the whole name (`<podName>.<ns>.pod.<zone>.`). */
  private findPods(ns: string, podName: string, target: string): Lookup {
    const zone = this.zone;
    if (this.podRecords === 'disabled') {
      const prose = (): Prose =>
        said(t('Pod records (<a-b-c-d>.<namespace>.pod.{0}) are disabled: CoreDNS serves them only with "pods insecure" or "pods verified".', zone));
      return { items: [], nameError: true, why: because(prose) };
    }
    if (podName === '') {
      return {
        items: [],
        nameError: false,
        why: because(() => said(t("{0} is a namespace's pod domain: it exists and holds no records.", `${ns}.pod.${zone}.`))),
      };
    }
    const ipText = undashIP(podName);
    const parsed = parseIP(ipText);
    if (this.podRecords === 'insecure') {
      if (!parsed) {
        const prose = (): Prose => said(t('"{0}" is not an IP address with dashes (such as 10-1-2-3, or fd00--1 for IPv6).', podName));
        return { items: [], nameError: true, why: because(prose) };
      }
      return {
        items: [item(parsed.text, parsed.family, 0, target)],
        nameError: false,
        why: because(() =>
          said(t('With "pods insecure" the cluster DNS answers any pod name with the address written in it, whether or not such a pod exists.')),
        ),
      };
    }
    // Verified: a live, non-terminal pod in that namespace whose primary IP is exactly this text.
    let pod: Pod | undefined;
    for (const p of this.snapshot.podsWithIP(ipText)) {
      if (p.ips[0] === ipText && p.namespace === ns && !p.terminating && p.phase !== 'Succeeded' && p.phase !== 'Failed' && p.phase !== 'Unknown') {
        pod = p;
        break;
      }
    }
    if (pod === undefined) {
      const prose = (): Prose => {
        const anywhere = this.snapshot.podsWithIP(ipText);
        const details =
          anywhere.length > 0
            ? [t('{0} belongs to {1}, not to a running pod of {2}.', ipText, anywhere.map((p) => t('pod {0}', `${p.namespace}/${p.name}`)).join(', '), ns)]
            : [];
        return said(t('No running pod in namespace {0} has the IP {1} ("pods verified").', ns, parsed ? ipText : `"${podName}"`), details);
      };
      return { items: [], nameError: true, why: because(prose) };
    }
    const found = pod;
    return {
      items: [item(ipText, parsed!.family, 0, target)],
      nameError: false,
      why: because(() => said(t('Pod {0} has the IP {1} ("pods verified" checks that it exists).', `${ns}/${found.name}`, ipText))),
    };
  }

  /**
   * The Service `serviceName` of `ns` (`svc`, when there is one), asked as `[_<port>._<proto>.|<endpoint>.]<service>.<namespace>.svc.<zone>.`;
   * `base` is the Service's own name, `<service>.<namespace>.svc.<zone>.`.
   *
   * Longer than 80 lines: it is on the hot path of every Service question, and keeping the three kinds of answer
   * (ExternalName, endpoints, cluster IP) in one body avoids a query object per question (`npm run bench -- --only=resolve`).
   */
  private findServices(
    ns: string,
    serviceName: string,
    svc: Service | undefined,
    endpoint: string,
    port: string,
    proto: string,
    base: string,
    anyPort: boolean,
  ): Lookup {
    if (serviceName === '') {
      const zone = this.zone;
      return {
        items: [],
        nameError: false,
        why: because(() => said(t('{0} is the domain of namespace {1}: it exists and holds no records of its own.', `${ns}.svc.${zone}.`, ns))),
      };
    }
    if (!svc) {
      const source = this.source;
      return { items: [], nameError: true, why: because(() => said(t('Namespace {0} has no Service "{1}" in {2}.', ns, serviceName, source))) };
    }

    if (svc.type === 'ExternalName') {
      const external = svc.externalName;
      const summary = (): string => t('Service {0} is an ExternalName for {1}.', `${svc.namespace}/${svc.name}`, external ?? t('(nothing)'));
      if (endpoint !== '' || port !== '' || proto !== '') {
        const prose = (): Prose => said(summary(), [t('ExternalName Services have no endpoint or port names below them.')]);
        return { items: [], nameError: true, why: because(prose, svc) };
      }
      if (!external || parseIP(external) !== undefined) {
        const prose = (): Prose =>
          said(summary(), [
            external
              ? t('Its externalName "{0}" is an IP address, which CoreDNS does not serve: every question gets NXDOMAIN.', external)
              : t('Its externalName is empty: every question gets NXDOMAIN.'),
          ]);
        return { items: [], nameError: true, why: because(prose, svc) };
      }
      return { items: [item(external, 0, 0, base)], nameError: false, why: because(() => said(summary()), svc) };
    }

    // Every port matches when the name asks for none: for a caller that reads no ports, one item per address then
    // does, with the port of a Service or slice that declares none (-1), and the ports are not read.
    const onePort = anyPort && port === '' && proto === '';
    if (svc.headless || endpoint !== '') {
      const items: Item[] = [];
      let ready = 0;
      let notReady = 0;
      let pendingEndpoints = false;
      for (const slice of this.snapshot.slicesOf(ns, serviceName)) {
        if (slice.addressType === 'FQDN') continue;
        const ports = onePort || slice.ports.length === 0 ? NO_ENDPOINT_PORTS : slice.ports;
        const family = slice.addressType === 'IPv6' ? 6 : 4;
        for (const ep of slice.endpoints) {
          if (!ep.ready) {
            notReady += Math.max(1, ep.addresses.length);
            continue;
          }
          const replicas = ep.pending ? ep.pending.replicas : ep.addresses.length;
          for (let replica = 0; replica < replicas; replica++) {
            const address = ep.pending ? null : ep.addresses[replica]!;
            if (endpoint !== '' && !(address === null ? ep.hostname === endpoint : hasEndpointLabel(ep, address, endpoint))) continue;
            if (address === null) pendingEndpoints = true;
            ready++;
            for (const p of ports) {
              if (!matchPortAndProtocol(port, p.name, proto, p.protocol)) continue;
              const pendingKey = address === null ? `${ep.targetRef?.name ?? ''}/${replica}/${family}` : undefined;
              // The model's addresses are canonical: the family is the address's own (a hand-written slice may mix).
              items.push(item(address, address === null ? family : address.includes(':') ? 6 : 4, p.port ?? -1, base, ep, pendingKey));
              if (onePort) break;
            }
          }
        }
      }
      if (items.length === 0) {
        const prose = (): Prose => {
          const kind = serviceKind(svc);
          const summary =
            endpoint !== ''
              ? t('{0} has no ready endpoint named "{1}".', kind, endpoint)
              : ready > 0
                ? t('{0} has no port "{1}" with protocol "{2}".', kind, port, proto)
                : t('{0} has no ready endpoints, so its name does not exist (NXDOMAIN), as the specification says.', kind);
          const details: string[] = [];
          if (notReady > 0) details.push(notReadyText(notReady));
          if (endpoint !== '') details.push(...this.endpointNames(svc));
          if (port !== '' || proto !== '') details.push(portList(svc));
          return said(summary, details);
        };
        return { items: [], nameError: true, why: because(prose, svc) };
      }
      const prose = (): Prose => {
        const kind = serviceKind(svc);
        const counts = notReady > 0 ? t('{0} ready, {1} not ready', ready, notReady) : t('{0} ready', ready);
        const summary = endpoint !== '' ? t('Endpoint "{0}" of {1}.', endpoint, kind) : t('{0}: one address per ready endpoint ({1}).', kind, counts);
        return said(summary, pendingEndpoints ? [t('Pod IPs are allocated by the cluster when the pods start.')] : []);
      };
      return { items, nameError: false, why: because(prose, svc, pendingEndpoints) };
    }

    const items: Item[] = [];
    let matched = false;
    const ports = onePort || svc.ports.length === 0 ? NO_SERVICE_PORTS : svc.ports;
    for (const p of ports) {
      if (!matchPortAndProtocol(port, p.name, proto, p.protocol)) continue;
      matched = true;
      if (svc.clusterIPPending) {
        for (const f of svc.ipFamilies) items.push(item(null, f === 'IPv6' ? 6 : 4, p.port, base, undefined, f));
      }
      for (const ip of svc.clusterIPs) items.push(item(ip, ip.includes(':') ? 6 : 4, p.port, base));
      if (onePort) break;
    }
    if (!matched) {
      const prose = (): Prose => said(t('{0} has no port "{1}" with protocol "{2}".', `Service ${svc.namespace}/${svc.name}`, port, proto), [portList(svc)]);
      return { items: [], nameError: true, why: because(prose, svc) };
    }
    const prose = (): Prose => {
      const ips = svc.clusterIPPending ? t('a cluster IP allocated by the cluster') : svc.clusterIPs.join(', ');
      const details = [portList(svc)];
      const ready = this.readyEndpoints(svc);
      if (ready !== undefined)
        details.push(
          ready === 0
            ? t('It has no ready endpoints: connections to it fail.')
            : ready === 1
              ? t('1 ready endpoint behind it.')
              : t('{0} ready endpoints behind it.', ready),
        );
      return said(`Service ${svc.namespace}/${svc.name} (${svc.type}, ${ips}).`, details);
    };
    return { items, nameError: false, why: because(prose, svc, svc.clusterIPPending) };
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
    return [t('Its ready endpoint names: {0}.', `${list.join(', ')}${names.size > list.length ? ', …' : ''}`)];
  }
}

/** The label CoreDNS gives an endpoint: its hostname, else its address with dashes. */
export function endpointHostname(endpoint: Endpoint, address: string): string {
  if (endpoint.hostname) return endpoint.hostname;
  const dashed = dashedIP(address);
  // CoreDNS appends a 0 when an IPv6 address ends in "::" so the label does not end in a dash.
  return address.includes(':') && dashed.endsWith('-') ? `${dashed}0` : dashed;
}

/** Whether `endpointHostname(endpoint, address)` is `label`, told without writing the label. */
function hasEndpointLabel(endpoint: Endpoint, address: string, label: string): boolean {
  if (endpoint.hostname) return endpoint.hostname === label;
  const n = address.length;
  const lastChar = address.charCodeAt(n - 1);
  // The dashed address, and a 0 after an IPv6 address ending in "::" (its dashed form would end in a dash).
  const zero = (lastChar === 0x2e || lastChar === 0x3a) && address.includes(':') ? 1 : 0;
  if (label.length !== n + zero) return false;
  for (let i = 0; i < n; i++) {
    const c = address.charCodeAt(i);
    if (label.charCodeAt(i) !== (c === 0x2e || c === 0x3a ? 0x2d : c)) return false;
  }
  return zero === 0 || label.charCodeAt(n) === 0x30;
}

function matchPortAndProtocol(aPort: string, bPort: string, aProto: string, bProto: string): boolean {
  return (aPort === '' || isLowerCaseOf(aPort, bPort)) && (aProto === '' || isLowerCaseOf(aProto, bProto));
}

/** Whether `text.toLowerCase() === lower`, told without a new string when `text` is ASCII ("TCP" and "tcp"). */
function isLowerCaseOf(lower: string, text: string): boolean {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    // Lower-casing ASCII maps each letter alone: a difference before any other character is a difference.
    if (c > 0x7f) return text.toLowerCase() === lower;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return n === lower.length;
}

function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

function fqdn(name: string): string {
  return name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
}

function portList(svc: Service): string {
  if (svc.ports.length === 0) return t('It declares no ports.');
  const ports = svc.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}${p.targetPort !== p.port ? ` → ${p.targetPort}` : ''}`);
  return t('Ports: {0}.', ports.join(', '));
}

/** `Service shop/api`, or `headless Service shop/db`. */
function serviceKind(svc: Service): string {
  return svc.headless ? t('headless Service {0}', `${svc.namespace}/${svc.name}`) : `Service ${svc.namespace}/${svc.name}`;
}

function notReadyText(n: number): string {
  return n === 1
    ? t('1 endpoint is not ready; they are published only with publishNotReadyAddresses.')
    : t('{0} endpoints are not ready; they are published only with publishNotReadyAddresses.', n);
}

/** Explains the forms of cluster names that circulate but that no cluster answers. */
function malformedHints(labels: string[], zone: string): string[] {
  const hints: string[] = [];
  const last = labels[labels.length - 1]!;
  if (last === 'services' || last === 'service') hints.push(t('Service names use "svc", not "{0}".', last));
  if (last === 'pods') hints.push(t('Pod names use "pod", not "pods".'));
  if (labels.length === 2)
    hints.push(t('"{0}" lacks ".svc": did you mean {1}?', `${labels[0]}.${labels[1]}.${zone}.`, `${labels[0]}.${labels[1]}.svc.${zone}.`));
  return hints;
}

/** What an IP belongs to, as an explanation lists it; the text is written when read. */
class Owner implements OwnerSummary {
  readonly kind: IpOwner['kind'];
  readonly namespace: string | undefined;
  readonly name: string;
  readonly #owner: IpOwner;
  #text: string | undefined;

  constructor(owner: IpOwner) {
    this.kind = owner.kind;
    switch (owner.kind) {
      case 'ClusterIP':
      case 'ExternalIP':
      case 'LoadBalancerIngress':
        this.namespace = owner.service.namespace;
        this.name = owner.service.name;
        break;
      case 'Pod':
        this.namespace = owner.pod.namespace;
        this.name = owner.pod.name;
        break;
      case 'Node':
        this.namespace = undefined;
        this.name = owner.node.name;
        break;
      case 'Endpoint':
        this.namespace = owner.slice.namespace;
        this.name = owner.slice.serviceName ?? '(no Service)';
        break;
    }
    this.#owner = owner;
    this.#text = undefined;
  }

  get text(): string {
    this.#text ??= ownerText(this.#owner);
    return this.#text;
  }

  toJSON(): OwnerSummary {
    return { kind: this.kind, namespace: this.namespace, name: this.name, text: this.text };
  }
}

function ownerText(owner: IpOwner): string {
  switch (owner.kind) {
    case 'ClusterIP':
    case 'ExternalIP':
    case 'LoadBalancerIngress': {
      const s = owner.service;
      const id = `${s.namespace}/${s.name}`;
      if (owner.kind === 'ClusterIP') return t('the cluster IP of Service {0}', id);
      return owner.kind === 'ExternalIP' ? t('an external IP of Service {0}', id) : t('the load-balancer address of Service {0}', id);
    }
    case 'Pod': {
      const p = owner.pod;
      const state = [
        p.phase,
        p.ready ? t('ready') : t('not ready'),
        p.nodeName ? t('on node {0}', p.nodeName) : undefined,
        p.hostNetwork ? t('host network') : undefined,
      ]
        .filter(Boolean)
        .join(', ');
      return t('pod {0} ({1})', `${p.namespace}/${p.name}`, state);
    }
    case 'Node':
      return t('node {0} ({1})', owner.node.name, owner.addressType);
    case 'Endpoint': {
      const id = `${owner.slice.namespace}/${owner.slice.serviceName ?? t('(no Service)')}`;
      if (owner.endpoint.ready) return t('a ready endpoint of Service {0}', id);
      return owner.endpoint.terminating ? t('a terminating endpoint of Service {0}', id) : t('a not ready endpoint of Service {0}', id);
    }
  }
}
