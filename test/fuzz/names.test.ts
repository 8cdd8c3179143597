/**
 * Generated names and IPs through the name grammar (names.ts, ip.ts) and the resolver: nothing throws, not even
 * the explanations' sentences, which are written when read; a name's answer does not change when its ASCII
 * letters change case; a name of the cluster's own forms (Service, endpoint, SRV, pod, reverse) gets the same
 * answer written with or without its trailing dot, since its search-path expansions all have too many labels
 * to exist; and an IP's answer is its reverse name's PTR answer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalIP, dashedIP, ipFromReverseName, reverseName } from '../../src/core/ip';
import { normalizeName } from '../../src/core/names';
import { type PodRecordsMode, QUERY_TYPES, type QueryType, type ResolveResult, Resolver } from '../../src/core/resolver';
import { namesOf, snapshots, vocabularyOf } from './cluster';
import { cases, fuzz } from './run';

const ZONES = ['cluster.local', 'k8s.example', '.'];
const MODES: PodRecordsMode[] = ['disabled', 'insecure', 'verified'];
const all = snapshots();
const resolvers = all.flatMap((s) => ZONES.flatMap((zone) => MODES.map((podRecords) => new Resolver(s, { zone, podRecords, sourceName: 'the fuzz cluster' }))));
const words = vocabularyOf(all);

/** How a case was made: what it promises about its answer. */
type Shape = 'cluster-fqdn' | 'name' | 'ip' | 'garbage';

interface Case {
  readonly input: string;
  readonly shape: Shape;
  readonly resolver: number;
  readonly qtype: QueryType;
  readonly namespace: string;
  /** Which ASCII letters of the input the case variant turns. */
  readonly caseSeed: number;
}

const LABEL_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-';
const label = fc.string({ unit: fc.constantFrom(...LABEL_CHARS), minLength: 1, maxLength: 12 });
const pick = (list: readonly string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...list) }, { weight: 1, arbitrary: label });
const namespace = pick(words.namespaces);
const service = pick(words.services);
const hostname = pick([...words.hostnames, ...words.ips.map(dashedIP)]);
const port = pick([...words.ports, 'http', 'https', 'dns', '80']);
const protocol = fc.constantFrom('tcp', 'udp', 'sctp', 'TCP', 'xyz', '');
const address = fc.oneof(fc.constantFrom(...words.ips), fc.ipV4(), fc.ipV6());

/** The zone of a resolver, as names under it end (nothing for the root). */
const under = (name: string, zone: string) => (zone === '' ? name : `${name}.${zone}`);

/** The names of the cluster's own forms under `zone`: five labels or more before it; those `r` answers, and others. */
function clusterNames(r: Resolver): fc.Arbitrary<string> {
  const zone = r.zone;
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...namesOf(r.snapshot, zone)) },
    fc.tuple(service, namespace).map(([s, ns]) => under(`${s}.${ns}.svc`, zone)),
    fc.tuple(hostname, service, namespace).map(([h, s, ns]) => under(`${h}.${s}.${ns}.svc`, zone)),
    fc.tuple(port, protocol, service, namespace).map(([p, pr, s, ns]) => under(`_${p}._${pr}.${s}.${ns}.svc`, zone)),
    fc.tuple(port, service, namespace).map(([p, s, ns]) => under(`${p}.${s}.${ns}.svc`, zone)),
    fc.tuple(address, namespace).map(([ip, ns]) => under(`${dashedIP(ip)}.${ns}.pod`, zone)),
  );
}

/** Reverse-zone names: complete ones for an address, and cut or padded ones. */
const reverse = fc.oneof(
  address.map((ip) => reverseName(ip)!.slice(0, -1)),
  fc.tuple(address, fc.nat(40)).map(([ip, cut]) => {
    const labels = reverseName(ip)!.slice(0, -1).split('.');
    return labels.slice(Math.min(cut, labels.length - 2)).join('.');
  }),
  fc
    .array(fc.oneof(fc.constantFrom('0', '1', 'a', 'f', '255', '256', '01', 'g'), label), { minLength: 1, maxLength: 34 })
    .map((l) => `${l.join('.')}.ip6.arpa`),
  fc.array(fc.oneof(fc.nat(300).map(String), label), { minLength: 1, maxLength: 5 }).map((l) => `${l.join('.')}.in-addr.arpa`),
);

/** Relative and partial names, the apex names, and labels joined at random. */
function otherNames(zone: string): fc.Arbitrary<string> {
  return fc.oneof(
    service,
    fc.tuple(service, namespace).map(([s, ns]) => `${s}.${ns}`),
    fc.tuple(service, namespace).map(([s, ns]) => `${s}.${ns}.svc`),
    fc.tuple(hostname, service).map(([h, s]) => `${h}.${s}`),
    fc.tuple(hostname, service, namespace).map(([h, s, ns]) => `${h}.${s}.${ns}`),
    namespace.map((ns) => under(`${ns}.svc`, zone)),
    namespace.map((ns) => under(`${ns}.pod`, zone)),
    fc.constantFrom(zone || 'svc', under('svc', zone), under('pod', zone), under('dns-version', zone), under('ns.dns', zone), 'localhost', 'example.com'),
    fc.tuple(fc.constantFrom('*', 'any'), namespace).map(([w, ns]) => under(`${w}.${ns}.svc`, zone)),
    fc.tuple(service, namespace, fc.constantFrom('services', 'service', 'pods', 'svc.mycluster.local', 'cluster.local')).map(([s, ns, z]) => `${s}.${ns}.${z}`),
    fc
      .array(fc.oneof(label, service, namespace, fc.constantFrom('svc', 'pod', 'cluster', 'local', 'arpa', 'in-addr', 'ip6')), { minLength: 1, maxLength: 9 })
      .map((l) => l.join('.')),
    fc.domain(),
  );
}

/** Names at DNS's limits: labels of 62 to 64 characters, names of 252 to 255. */
const long = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 60, max: 66 }), fc.integer({ min: 240, max: 260 })).map(([n, labelLength, total]) => {
  const labels = Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i).repeat(labelLength));
  const name = labels.join('.');
  return name.length >= total ? name.slice(0, total) : `${name}.${'x'.repeat(Math.max(0, total - name.length - 1))}`;
});

/** Characters that trip grammars: separators, brackets, case that Unicode changes length of, control characters. */
const TRICKY = [
  '.',
  '.',
  '-',
  '_',
  '*',
  ' ',
  '\t',
  '\n',
  '[',
  ']',
  ':',
  '%',
  '/',
  '@',
  'A',
  'Z',
  'a',
  '0',
  'é',
  'İ',
  'ß',
  'ﬀ',
  '\u0000',
  '\u200b',
  '\ud800',
  '\udfff',
];
const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...TRICKY, ...LABEL_CHARS), maxLength: 70 }),
  fc
    .tuple(fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 4 }), address, fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 4 }))
    .map(([a, ip, b]) => `${a}${ip}${b}`),
  long,
);

const ips = fc.oneof(
  address,
  fc.ipV4Extended(),
  fc.ipV6().map((ip) => `[${ip}]`),
  address.map((ip) => ` ${ip.toUpperCase()} `),
);

/** The cases of one resolver: names of its zone, IPs and garbage, asked with any type from any namespace. */
function casesOf(resolver: number): fc.Arbitrary<Case> {
  const r = resolvers[resolver]!;
  const shaped = fc.oneof(
    { weight: 4, arbitrary: fc.oneof(clusterNames(r), reverse).map((input) => ({ input, shape: (r.zone === '' ? 'name' : 'cluster-fqdn') as Shape })) },
    { weight: 3, arbitrary: otherNames(r.zone).map((input) => ({ input, shape: 'name' as Shape })) },
    { weight: 2, arbitrary: ips.map((input) => ({ input, shape: 'ip' as Shape })) },
    { weight: 2, arbitrary: garbage.map((input) => ({ input, shape: 'garbage' as Shape })) },
  );
  return fc
    .record({
      shaped,
      qtype: fc.oneof({ weight: 3, arbitrary: fc.constantFrom<QueryType>('A', 'SRV') }, { weight: 2, arbitrary: fc.constantFrom(...QUERY_TYPES) }),
      namespace: fc.oneof({ weight: 5, arbitrary: namespace }, { weight: 1, arbitrary: fc.constantFrom('', 'Shop', 'a.b', ' ', 'ü') }),
      caseSeed: fc.nat(),
    })
    .map(({ shaped, ...rest }): Case => ({ ...shaped, ...rest, resolver }));
}

const caseOf = fc.oneof(...resolvers.map((_, i) => casesOf(i)));

/** `s` with some of its ASCII letters in the other case (DNS compares names without case; other characters stay). */
function mixCase(s: string, seed: number): string {
  let x = seed | 1;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const turn = seed % 3 === 0 || (x & 1) === 1;
    out += turn && /[a-z]/.test(c) ? c.toUpperCase() : turn && /[A-Z]/.test(c) ? c.toLowerCase() : c;
  }
  return out;
}

/** What an answer says, without the sentences that quote the name as it was written. */
function digest(r: ResolveResult, withSearch = true): unknown {
  if (!r.ok) return { error: r.error.code, offset: r.error.offset };
  const a = r.answer;
  // Reading every sentence: they are written on first read, and a hover reads them all.
  JSON.stringify(a);
  const e = a.explanation;
  return {
    qname: a.qname,
    qtype: a.qtype,
    rcode: a.rcode,
    answers: a.answers,
    additional: a.additional,
    service: e.service && { ...e.service },
    pending: e.pending,
    owners: e.owners?.map((o) => [o.kind, o.namespace, o.name, o.text]),
    ...(withSearch ? { matchedStep: e.matchedStep, search: e.search?.map((s) => ({ ...s })) } : {}),
  };
}

/** The grammar's promises about one input. */
function checkGrammar(input: string, variant: string): void {
  const n = normalizeName(input);
  const m = normalizeName(variant);
  if (!n.ok) {
    if (n.error.offset !== undefined)
      assert.ok(n.error.offset >= 0 && n.error.offset < input.length, `error offset ${n.error.offset} in ${input.length} characters`);
    assert.ok(!m.ok && m.error.code === n.error.code && m.error.offset === n.error.offset, 'the case variant fails alike');
    return;
  }
  const { fqdn, absolute } = n.name;
  assert.ok(fqdn.endsWith('.') && fqdn === fqdn.toLowerCase(), `normal form ${JSON.stringify(fqdn)}`);
  assert.ok(fqdn === '.' || fqdn.length - 1 <= 253, 'at most 253 characters');
  assert.deepEqual(m.ok && m.name, n.name, 'the case variant has the same normal form');
  if (!absolute) {
    const dotted = normalizeName(`${input.trim()}.`);
    assert.ok(dotted.ok && dotted.name.absolute && dotted.name.fqdn === fqdn, 'with a trailing dot: the same name, absolute');
  }
}

/** The address grammar's promises, for an input that is an IP. */
function checkAddress(r: Resolver, ip: string, answer: unknown, qtype: QueryType, namespace: string): void {
  assert.equal(canonicalIP(ip), ip, 'canonical text is its own canonical text');
  const name = reverseName(ip)!;
  assert.equal(ipFromReverseName(name), ip, 'the reverse name reads back as the address');
  // The PTR answer of an IP is its reverse name's, asked with or without the trailing dot; only the owners are extra.
  const ptr = digest(r.resolve(name, { qtype: 'PTR', namespace }), false) as Record<string, unknown>;
  const own = answer as Record<string, unknown>;
  assert.deepEqual([ptr.qname, ptr.rcode, ptr.answers], [own.qname, own.rcode, own.answers], `PTR of ${name}`);
  const relative = digest(r.resolve(name.slice(0, -1), { qtype: 'PTR', namespace }), false) as Record<string, unknown>;
  assert.deepEqual([relative.qname, relative.rcode, relative.answers], [own.qname, own.rcode, own.answers], `PTR of ${name} without its dot`);
  void qtype;
}

function checkCase(c: Case): void {
  const r = resolvers[c.resolver]!;
  const request = { qtype: c.qtype, namespace: c.namespace };
  const variant = mixCase(c.input, c.caseSeed);
  checkGrammar(c.input, variant);
  const answer = r.resolve(c.input, request);
  const a = digest(answer);
  if (answer.ok) {
    assert.ok(answer.answer.qname.endsWith('.'), 'the qname is absolute');
    for (const rec of [...answer.answer.answers, ...answer.answer.additional]) assert.ok(rec.name.endsWith('.'), `record name ${rec.name}`);
  }
  assert.deepEqual(digest(r.resolve(variant, request)), a, `the answer for ${JSON.stringify(variant)}`);
  const ip = canonicalIP(c.input.trim().replace(/^\[(.*)\]$/, '$1'));
  if (ip !== undefined && answer.ok) checkAddress(r, ip, digest(answer, false), c.qtype, c.namespace);
  if (c.shape === 'cluster-fqdn' && answer.ok) {
    const trimmed = c.input.trim();
    const absolute = digest(r.resolve(`${trimmed}.`, request), false);
    assert.deepEqual(absolute, digest(answer, false), `the answer for ${trimmed}. (with its trailing dot)`);
    assert.deepEqual(digest({ ok: true, answer: r.query(trimmed, c.qtype) }, false), absolute, `query(${trimmed})`);
  }
}

describe('fuzz: names and IPs through the grammar and the resolver', () => {
  it('never throws, and answers alike whatever the case of the letters and, for the cluster forms, the trailing dot', async (t) => {
    await fuzz(
      t,
      'names and IPs',
      fc.property(caseOf, (c) => checkCase(c)),
      cases(20_000, 1_000_000),
    );
  });
});
