/**
 * The NetworkPolicy model, rule by rule of the networking.k8s.io/v1 API reference: isolation per direction and the
 * defaulting of policyTypes, rules as unions, peers and selectors, ipBlock, ports, both directions, the closest
 * rule, the API server's validation, Services, the cluster DNS, and the policies NetLens does not evaluate.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifest } from '../../src/core/manifests';
import type { NetworkPolicy, Pod, Protocol } from '../../src/core/model';
import { DestinationVerdicts, dnsVerdict, PolicyIndex, reduceNetworkPolicy, serviceVerdict, type TrafficPeer, verdict } from '../../src/core/policy';
import { Interner } from '../../src/core/reduce';
import { buildWorkspaceModel, type WorkspaceModel } from '../../src/core/workspace';
import { scenarios } from '../oracle/generate';
import { index, namespace, pod, policy } from '../support/policy';

const a = pod('x', 'a', { pod: 'a', tier: 'db' }, { ips: ['10.1.0.1'], ports: ['http:80', 'metrics:9090', 'dns:53/UDP'] });
const b = pod('x', 'b', { pod: 'b' }, { ips: ['10.1.0.2'], ports: ['http:8080'] });
const c = pod('x', 'c', { pod: 'c', tier: 'web' }, { ips: ['10.1.0.3'] });
const ya = pod('y', 'a', { pod: 'a' }, { ips: ['10.2.0.1'] });
const za = pod('z', 'a', { pod: 'a' }, { ips: ['10.3.0.1'] });
const NAMESPACES = [namespace('x', { team: 'blue' }), namespace('y', { team: 'red', env: 'prod' }), namespace('z', { env: 'dev' })];

function decide(policies: NetworkPolicy[], from: Pod | string, to: Pod | string, port = 80, protocol: Protocol = 'TCP') {
  const peer = (p: Pod | string): TrafficPeer => (typeof p === 'string' ? { ip: p } : { pod: p });
  return verdict(index(policies, NAMESPACES), peer(from), peer(to), port, protocol);
}

/** `allowed`/`blocked`/`unknown` for each [from, to] pair. */
function table(policies: NetworkPolicy[], pairs: [Pod | string, Pod | string, number?, Protocol?][]): string[] {
  return pairs.map(([f, t, port, proto]) => decide(policies, f, t, port, proto).verdict);
}

describe('policyTypes and isolation', () => {
  it('defaults policyTypes as the API server does: Ingress always, Egress only with egress rules', () => {
    assert.deepEqual(policy('x', 'p', { podSelector: {} }).policyTypes, ['Ingress']);
    assert.deepEqual(policy('x', 'p', { podSelector: {}, egress: [{}] }).policyTypes, ['Ingress', 'Egress']);
    // `len(spec.Egress) != 0` in SetDefaults_NetworkPolicy: an empty list adds no Egress.
    assert.deepEqual(policy('x', 'p', { podSelector: {}, egress: [] }).policyTypes, ['Ingress']);
    assert.equal(policy('x', 'p', { podSelector: {} }).policyTypesDefaulted, true);
    assert.deepEqual(policy('x', 'p', { podSelector: {}, policyTypes: ['Egress'] }).policyTypes, ['Egress']);
    assert.equal(policy('x', 'p', { podSelector: {}, policyTypes: ['Egress'] }).policyTypesDefaulted, false);
  });

  it('isolates a pod only in the directions its policies name', () => {
    const ingressOnly = policy('x', 'deny-in', { podSelector: { matchLabels: { pod: 'a' } } });
    const v = decide([ingressOnly], a, b);
    assert.equal(v.verdict, 'allowed', 'x/a egress is not isolated by an Ingress policy');
    assert.equal(v.egress.isolated, false);
    assert.equal(decide([ingressOnly], b, a).verdict, 'blocked');
    assert.deepEqual(decide([ingressOnly], b, a).ingress.isolatedBy, ['x/deny-in']);
  });

  it('ignores egress rules when policyTypes leaves Egress out, and ingress rules when it leaves Ingress out', () => {
    const p = policy('x', 'p', { podSelector: {}, policyTypes: ['Egress'], ingress: [], egress: [{}] });
    assert.deepEqual(
      table(
        [p],
        [
          [b, a],
          [a, b],
        ],
      ),
      ['allowed', 'allowed'],
      'ingress: [] without Ingress in policyTypes isolates nothing',
    );
    const q = policy('x', 'q', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}], egress: [] });
    assert.equal(decide([q], a, ya).egress.isolated, false);
  });

  it('selects with podSelector {} every pod of the policy namespace and of no other', () => {
    const deny = policy('x', 'deny', { podSelector: {} });
    assert.deepEqual(
      table(
        [deny],
        [
          [ya, a],
          [ya, b],
          [a, ya],
          [za, ya],
        ],
      ),
      ['blocked', 'blocked', 'allowed', 'allowed'],
    );
  });

  it('treats an empty ingress list as nothing allowed and [{}] as everything allowed, external addresses included', () => {
    const none = policy('x', 'none', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [] });
    const all = policy('x', 'all', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{}] });
    assert.deepEqual(
      table(
        [none],
        [
          [b, a],
          ['192.0.2.7', a],
        ],
      ),
      ['blocked', 'blocked'],
    );
    assert.deepEqual(
      table(
        [all],
        [
          [b, a],
          ['192.0.2.7', a],
          [za, a, 9999, 'UDP'],
        ],
      ),
      ['allowed', 'allowed', 'allowed'],
    );
  });

  it('answers unknown from a model that read no NetworkPolicies, and allowed from one that read none', () => {
    const unread = PolicyIndex.build({ namespaces: NAMESPACES });
    assert.equal(unread.policiesKnown, false);
    const v = verdict(unread, { pod: b }, { pod: a }, 80);
    assert.deepEqual([v.verdict, v.summary], ['unknown', 'unknown (TCP 80): the model holds no NetworkPolicies to judge by']);
    assert.equal(verdict(PolicyIndex.build({ networkPolicies: [], namespaces: NAMESPACES }), { pod: b }, { pod: a }, 80).verdict, 'allowed');
  });

  it('never isolates an address that is no pod: egress of an external source and ingress of an external destination pass', () => {
    const deny = policy('x', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const v = decide([deny], '192.0.2.7', ya);
    assert.equal(v.verdict, 'allowed');
    assert.equal(v.egress.pod, undefined);
    assert.equal(decide([deny], a, '192.0.2.7').verdict, 'blocked');
  });
});

describe('rules are unions', () => {
  it('admits what any rule of any selecting policy admits', () => {
    const fromB = policy('x', 'from-b', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] });
    const fromC = policy('x', 'from-c', {
      podSelector: { matchLabels: { tier: 'db' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'c' } } }] }],
    });
    assert.deepEqual(
      table(
        [fromB, fromC],
        [
          [b, a],
          [c, a],
          [ya, a],
        ],
      ),
      ['allowed', 'allowed', 'blocked'],
    );
    assert.deepEqual(decide([fromB, fromC], c, a).ingress.allowedBy, ['x/from-c#ingress[0]']);
    assert.deepEqual(decide([fromB, fromC], ya, a).ingress.isolatedBy, ['x/from-b', 'x/from-c']);
  });

  it('numbers rules per direction in their ids', () => {
    const p = policy('x', 'p', {
      podSelector: { matchLabels: { pod: 'a' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'c' } } }] }, { from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
    });
    assert.deepEqual(decide([p], b, a).ingress.allowedBy, ['x/p#ingress[1]']);
  });

  it('admits every peer on the listed ports when a rule has ports and no from', () => {
    const p = policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 80 }] }] });
    assert.deepEqual(
      table(
        [p],
        [
          [b, a, 80],
          [za, a, 80],
          ['203.0.113.1', a, 80],
          [b, a, 81],
        ],
      ),
      ['allowed', 'allowed', 'allowed', 'blocked'],
    );
  });
});

describe('peers and selectors', () => {
  const to = (peers: unknown[]) => policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: peers }] });

  it('reads a podSelector alone in the policy namespace', () => {
    assert.deepEqual(
      table(
        [to([{ podSelector: { matchLabels: { pod: 'a' } } }])],
        [
          [ya, a],
          [a, a],
        ],
      ),
      ['blocked', 'allowed'],
    );
  });

  it('reads a namespaceSelector alone as every pod of the matching namespaces', () => {
    assert.deepEqual(
      table(
        [to([{ namespaceSelector: { matchLabels: { team: 'red' } } }])],
        [
          [ya, a],
          [za, a],
          [b, a],
        ],
      ),
      ['allowed', 'blocked', 'blocked'],
    );
  });

  it('ANDs podSelector and namespaceSelector in one peer, and ORs separate peers', () => {
    const and = to([{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { pod: 'a' } } }]);
    const or = to([{ namespaceSelector: { matchLabels: { env: 'dev' } } }, { podSelector: { matchLabels: { pod: 'b' } } }]);
    const zb = pod('z', 'b', { pod: 'b' });
    assert.deepEqual(
      table(
        [and],
        [
          [za, a],
          [zb, a],
          [b, a],
          [ya, a],
        ],
      ),
      ['allowed', 'blocked', 'blocked', 'blocked'],
    );
    assert.deepEqual(
      table(
        [or],
        [
          [za, a],
          [zb, a],
          [b, a],
          [ya, a],
        ],
      ),
      ['allowed', 'allowed', 'allowed', 'blocked'],
    );
  });

  it('reads namespaceSelector {} as all namespaces, and podSelector {} as all pods of the policy namespace', () => {
    assert.deepEqual(
      table(
        [to([{ namespaceSelector: {} }])],
        [
          [ya, a],
          [za, a],
          [b, a],
          ['198.51.100.1', a],
        ],
      ),
      ['allowed', 'allowed', 'allowed', 'blocked'],
    );
    assert.deepEqual(
      table(
        [to([{ podSelector: {} }])],
        [
          [ya, a],
          [b, a],
        ],
      ),
      ['blocked', 'allowed'],
    );
  });

  it('evaluates matchExpressions: In, NotIn (a missing key satisfies NotIn), Exists, DoesNotExist, ANDed with matchLabels', () => {
    const expr = (e: unknown) => to([{ namespaceSelector: {}, podSelector: { matchExpressions: [e] } }]);
    const tiers = [
      [a, a],
      [b, a],
      [c, a],
    ] as [Pod, Pod][]; // tier=db, no tier, tier=web
    assert.deepEqual(table([expr({ key: 'tier', operator: 'In', values: ['db', 'web'] })], tiers), ['allowed', 'blocked', 'allowed']);
    assert.deepEqual(table([expr({ key: 'tier', operator: 'NotIn', values: ['web'] })], tiers), ['allowed', 'allowed', 'blocked']);
    assert.deepEqual(table([expr({ key: 'tier', operator: 'Exists' })], tiers), ['allowed', 'blocked', 'allowed']);
    assert.deepEqual(table([expr({ key: 'tier', operator: 'DoesNotExist' })], tiers), ['blocked', 'allowed', 'blocked']);
    const both = to([{ podSelector: { matchLabels: { pod: 'c' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] } }]);
    assert.deepEqual(table([both], tiers), ['blocked', 'blocked', 'blocked'], 'c has tier=web, a is not pod=c');
  });

  it('selects by kubernetes.io/metadata.name, which every namespace has, declared or not', () => {
    const byName = to([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'q' } } }]);
    const qa = pod('q', 'a', {}, { ips: ['10.9.0.1'] });
    // No Namespace q is declared: the label is still there, as the API server sets it on creation.
    assert.equal(decide([byName], qa, a).verdict, 'allowed');
    const unlabelled = PolicyIndex.build({ networkPolicies: [byName], namespaces: [{ name: 'q' }] });
    assert.equal(verdict(unlabelled, { pod: qa }, { pod: a }, 80).verdict, 'allowed', 'a Namespace record without labels still has its name label');
    const notIn = to([{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['y'] }] } }]);
    assert.deepEqual(
      table(
        [notIn],
        [
          [ya, a],
          [za, a],
          [b, a],
        ],
      ),
      ['blocked', 'allowed', 'allowed'],
    );
  });

  it('indexes policies by a matchLabels pair yet tests the whole selector', () => {
    const two = policy('x', 'two', { podSelector: { matchLabels: { pod: 'a', tier: 'web' } } });
    const expr = policy('x', 'expr', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } });
    const i = index([two, expr], NAMESPACES);
    assert.deepEqual(i.policiesFor(a).ingress, ['x/expr'], 'x/a has pod=a but tier=db');
    assert.deepEqual(i.policiesFor(c).ingress, ['x/expr']);
    assert.deepEqual(i.policiesFor({ ...a, labels: { pod: 'a', tier: 'web' } }).ingress, ['x/expr', 'x/two']);
    assert.deepEqual(i.policiesFor(ya).ingress, [], 'policies select pods of their own namespace only');
  });

  it('keeps the later of two declarations of one policy', () => {
    const first = policy('x', 'p', { podSelector: {} });
    const second = policy('x', 'p', { podSelector: { matchLabels: { pod: 'b' } } });
    const i = index([first, second], NAMESPACES);
    assert.equal(i.size.policies, 1);
    assert.deepEqual(i.policiesFor(a).ingress, []);
    assert.deepEqual(i.policiesFor(b).ingress, ['x/p']);
  });
});

describe('ipBlock', () => {
  const egressTo = (block: unknown, ports?: unknown[]) =>
    policy('x', 'p', {
      podSelector: { matchLabels: { pod: 'a' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: block }], ...(ports ? { ports } : {}) }],
    });

  it('admits addresses in the CIDR except the excepted ones (IPv4)', () => {
    const p = egressTo({ cidr: '10.0.0.0/8', except: ['10.2.0.0/16'] });
    assert.deepEqual(
      table(
        [p],
        [
          [a, b],
          [a, ya],
          [a, za],
          [a, '10.2.255.255'],
          [a, '11.0.0.1'],
        ],
      ),
      ['allowed', 'blocked', 'allowed', 'blocked', 'blocked'],
    );
  });

  it('admits IPv6 addresses, never across families, and reads a CIDR with host bits as its network', () => {
    const p = egressTo({ cidr: 'fd00::/8', except: ['fd00:1::/32'] });
    assert.deepEqual(
      table(
        [p],
        [
          [a, 'fd12::1'],
          [a, 'fd00:1::5'],
          [a, '10.0.0.1'],
          [a, '2001:db8::1'],
        ],
      ),
      ['allowed', 'blocked', 'blocked', 'blocked'],
    );
    assert.deepEqual(
      table(
        [egressTo({ cidr: '0.0.0.0/0' })],
        [
          [a, '2001:db8::1'],
          [a, '8.8.8.8'],
        ],
      ),
      ['blocked', 'allowed'],
    );
    assert.deepEqual(
      table(
        [egressTo({ cidr: '10.1.0.77/24' })],
        [
          [a, b],
          [a, ya],
        ],
      ),
      ['allowed', 'blocked'],
    );
  });

  it('matches a pod by the address of the connection family, and an ingress source by its address', () => {
    const dual = pod('y', 'dual', { pod: 'dual' }, { ips: ['10.2.0.9', 'fd00:2::9'] });
    const p = egressTo({ cidr: 'fd00:2::/64' });
    assert.equal(verdict(index([p]), { pod: a }, { pod: dual }, 80).verdict, 'blocked', 'IPv4 first: the pod primary family');
    assert.equal(verdict(index([p]), { pod: a }, { pod: dual, ip: 'fd00:2::9' }, 80).verdict, 'allowed');
    const fromBlock = policy('y', 'from', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.1.0.0/31' } }] }] });
    assert.deepEqual(
      table(
        [fromBlock],
        [
          [a, ya],
          [b, ya],
          [c, ya],
          ['10.1.0.0', ya],
        ],
      ),
      ['allowed', 'blocked', 'blocked', 'allowed'],
    );
  });

  it('answers unknown when only an ipBlock could admit a pod that has no IP yet', () => {
    const pending = pod('y', 'pending', { pod: 'p' });
    const p = egressTo({ cidr: '10.0.0.0/8' });
    const v = verdict(index([p]), { pod: a }, { pod: pending }, 80);
    assert.equal(v.verdict, 'unknown');
    assert.deepEqual(v.egress.undecidedBy, ['x/p#egress[0]']);
    const withPodRule = policy('x', 'q', {
      podSelector: { matchLabels: { pod: 'a' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: {} }] }],
    });
    assert.equal(verdict(index([p, withPodRule]), { pod: a }, { pod: pending }, 80).verdict, 'allowed', 'a pod rule decides without the address');
    const wrongPort = egressTo({ cidr: '10.0.0.0/8' }, [{ port: 443 }]);
    assert.equal(verdict(index([wrongPort]), { pod: a }, { pod: pending }, 80).verdict, 'blocked', 'the port rules it out whatever the address');
  });

  it('does not let pod selectors match an address that is no pod', () => {
    const p = policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    assert.equal(decide([p], '10.2.0.1', a).verdict, 'blocked');
  });
});

describe('ports', () => {
  const ingress = (ports: unknown[]) => policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports }] });

  it('matches a number with the protocol, TCP when left out', () => {
    assert.deepEqual(
      table(
        [ingress([{ port: 80 }])],
        [
          [b, a, 80],
          [b, a, 80, 'UDP'],
          [b, a, 81],
        ],
      ),
      ['allowed', 'blocked', 'blocked'],
    );
    assert.deepEqual(
      table(
        [ingress([{ port: 53, protocol: 'UDP' }])],
        [
          [b, a, 53, 'UDP'],
          [b, a, 53, 'TCP'],
        ],
      ),
      ['allowed', 'blocked'],
    );
  });

  it('never reads SCTP or UDP as TCP', () => {
    assert.deepEqual(
      table(
        [ingress([{ port: 81, protocol: 'SCTP' }])],
        [
          [b, a, 81, 'TCP'],
          [b, a, 81, 'SCTP'],
        ],
      ),
      ['blocked', 'allowed'],
    );
  });

  it('admits every port of a protocol when a port entry has no number', () => {
    assert.deepEqual(
      table(
        [ingress([{ protocol: 'UDP' }])],
        [
          [b, a, 1, 'UDP'],
          [b, a, 65535, 'UDP'],
          [b, a, 80, 'TCP'],
        ],
      ),
      ['allowed', 'allowed', 'blocked'],
    );
  });

  it('admits an endPort range, both ends included', () => {
    const range = ingress([{ port: 32000, endPort: 32768 }]);
    assert.deepEqual(
      table(
        [range],
        [
          [b, a, 31999],
          [b, a, 32000],
          [b, a, 32768],
          [b, a, 32769],
        ],
      ),
      ['blocked', 'allowed', 'allowed', 'blocked'],
    );
  });

  it('resolves a named port on the destination pod containers, with its protocol', () => {
    assert.deepEqual(
      table(
        [ingress([{ port: 'http' }])],
        [
          [b, a, 80],
          [b, a, 8080],
          [b, a, 9090],
        ],
      ),
      ['allowed', 'blocked', 'blocked'],
    );
    assert.deepEqual(table([ingress([{ port: 'dns', protocol: 'UDP' }])], [[b, a, 53, 'UDP']]), ['allowed']);
    assert.deepEqual(
      table(
        [ingress([{ port: 'dns' }])],
        [
          [b, a, 53, 'UDP'],
          [b, a, 53, 'TCP'],
        ],
      ),
      ['blocked', 'blocked'],
      'dns is a UDP port; the rule says TCP',
    );
  });

  it('resolves an egress named port on the destination, not on the source', () => {
    const p = policy('x', 'p', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] });
    // x/a names port 80 "http"; x/b names 8080 "http". The destination's meaning counts.
    assert.deepEqual(
      table(
        [p],
        [
          [a, b, 8080],
          [a, b, 80],
          [a, '192.0.2.1', 80],
        ],
      ),
      ['allowed', 'blocked', 'blocked'],
    );
  });
});

describe('both directions', () => {
  it('needs the source egress and the destination ingress', () => {
    const egress = policy('x', 'egress', {
      podSelector: { matchLabels: { pod: 'a' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
    });
    const ingress = policy('x', 'ingress', {
      podSelector: { matchLabels: { pod: 'b' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'c' } } }] }],
    });
    const v = decide([egress, ingress], a, b, 8080);
    assert.equal(v.verdict, 'blocked');
    assert.deepEqual(v.blockedBy, ['ingress']);
    assert.deepEqual(v.egress.allowedBy, ['x/egress#egress[0]']);
    const w = decide([egress, ingress], a, c);
    assert.deepEqual(w.blockedBy, ['egress']);
    assert.equal(decide([egress, ingress], c, b).verdict, 'allowed');
  });

  it('names the closest rule of a blocked direction and what it lacks', () => {
    const p = policy('x', 'p', {
      podSelector: { matchLabels: { pod: 'a' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { pod: 'c' } } }], ports: [{ port: 443 }] },
        { from: [{ podSelector: { matchLabels: { pod: 'b' } } }], ports: [{ port: 443 }] },
      ],
    });
    assert.deepEqual(decide([p], b, a).ingress.closest, { rule: 'x/p#ingress[1]', policy: 'x/p', missing: ['port'] });
    assert.deepEqual(decide([p], ya, a, 443).ingress.closest, { rule: 'x/p#ingress[0]', policy: 'x/p', missing: ['peer'] });
    assert.deepEqual(decide([p], ya, a, 80).ingress.closest, { rule: 'x/p#ingress[0]', policy: 'x/p', missing: ['peer', 'port'] });
    const deny = policy('x', 'deny', { podSelector: {} });
    assert.equal(decide([deny], b, a).ingress.closest, undefined, 'a policy without rules has no rule to extend');
    assert.match(
      decide([deny], b, a).summary,
      /^blocked \(TCP 80\): egress not isolated; ingress blocked: x\/a is isolated by x\/deny; no rule admits any traffic$/,
    );
  });

  it('leaves host-network pods unselected and matches them by address only', () => {
    const node = pod('x', 'agent', { pod: 'a' }, { ips: ['192.168.1.10'], hostNetwork: true });
    const deny = policy('x', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    assert.equal(decide([deny], ya, node).verdict, 'allowed', 'podSelector {} does not select a host-network pod');
    const fromPods = policy('y', 'from', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    const fromNodes = policy('y', 'nodes', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }] });
    assert.equal(decide([fromPods], node, ya).verdict, 'blocked');
    assert.equal(decide([fromNodes], node, ya).verdict, 'allowed');
  });
});

describe('what the API server refuses', () => {
  const refused = (spec: Record<string, unknown>): string[] => {
    const problems: string[] = [];
    const p = reduceNetworkPolicy({ metadata: { name: 'p', namespace: 'x' }, spec }, (m) => problems.push(m));
    assert.equal(p, undefined, `refused: ${JSON.stringify(spec)}`);
    return problems;
  };

  it('keeps a CIDR with host bits, read as its network, with a note that Kubernetes 1.36 refuses it', () => {
    const notes: string[] = [];
    const p = reduceNetworkPolicy({ metadata: { name: 'p', namespace: 'x' }, spec: { egress: [{ to: [{ ipBlock: { cidr: '10.1.0.77/24' } }] }] } }, (m) =>
      notes.push(m),
    );
    assert.ok(p);
    assert.deepEqual(notes, [
      'NetworkPolicy x/p: spec.egress[0].to[0].ipBlock.cidr: "10.1.0.77/24" has bits set beyond the prefix length: it is read as its network, and API servers of Kubernetes 1.36 and later refuse it.',
    ]);
  });

  it('refuses invalid ports, peers, selectors, blocks and types, and says where', () => {
    assert.match(
      refused({ ingress: [{ ports: [{ endPort: 90 }] }] })[0]!,
      /spec\.ingress\[0\]\.ports\[0\]\.endPort: may not be specified when `port` is not specified/,
    );
    assert.match(refused({ ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] })[0]!, /non-numeric/);
    assert.match(refused({ ingress: [{ ports: [{ port: 90, endPort: 80 }] }] })[0]!, /greater than or equal/);
    assert.match(refused({ ingress: [{ ports: [{ port: '80' }] }] })[0]!, /"80" is not a valid port name/);
    assert.match(refused({ ingress: [{ ports: [{ port: 70000 }] }] })[0]!, /not a port number/);
    assert.match(refused({ ingress: [{ ports: [{ port: 80, protocol: 'ICMP' }] }] })[0]!, /not TCP, UDP or SCTP/);
    assert.match(refused({ ingress: [{ from: [{}] }] })[0]!, /must specify a peer/);
    assert.match(refused({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] })[0]!, /both ipBlock and another peer/);
    assert.match(refused({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }] })[0]!, /strict subset/);
    assert.match(refused({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }] }] })[0]!, /strict subset/);
    assert.match(refused({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] })[0]!, /not a CIDR/);
    assert.match(refused({ egress: [{ to: [{ ipBlock: { cidr: '010.0.0.0/8' } }] }] })[0]!, /not a CIDR/);
    assert.match(refused({ egress: [{ to: [{ ipBlock: { cidr: '::ffff:10.0.0.0/104' } }] }] })[0]!, /IPv4-mapped/);
    assert.match(refused({ podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } })[0]!, /non-empty for In/);
    assert.match(refused({ podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] } })[0]!, /empty for Exists/);
    assert.match(refused({ podSelector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] } })[0]!, /not In, NotIn, Exists or DoesNotExist/);
    assert.match(refused({ podSelector: { matchLabels: { tier: 1 } } })[0]!, /must be a string/);
    assert.match(refused({ policyTypes: ['Ingress', 'Sideways'] })[0]!, /"Sideways" is not Ingress or Egress/);
  });
});

/** A workspace from YAML text, as the editor and `netlens check` build it. */
function workspace(text: string): WorkspaceModel {
  return buildWorkspaceModel([parseManifest('ws.yaml', text)]);
}

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, track: stable}}
    spec: {containers: [{name: api, ports: [{name: grpc, containerPort: 9000}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api-canary, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, track: canary}}
    spec: {containers: [{name: api, ports: [{name: grpc, containerPort: 9001}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: grpc, port: 80, targetPort: grpc}]
---
apiVersion: v1
kind: Service
metadata: {name: api-headless, namespace: shop}
spec:
  clusterIP: None
  selector: {app: api}
  ports: [{name: grpc, port: 9000}]
---
apiVersion: v1
kind: Service
metadata: {name: google, namespace: shop}
spec: {type: ExternalName, externalName: www.google.com}
---
apiVersion: v1
kind: Service
metadata: {name: nothing, namespace: shop}
spec:
  selector: {app: none}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 9000}]
`;

describe('connections to a Service', () => {
  const model = workspace(SHOP);
  const policies = PolicyIndex.build(model.objects);
  const web = { pod: model.snapshot.pod('shop', 'web')! };
  const svc = (name: string) => model.snapshot.service('shop', name)!;

  it('judges each endpoint on its target port after translation: partial when only some endpoints admit it', () => {
    const v = serviceVerdict(policies, model.snapshot, web, svc('api'), 80);
    assert.equal(v.verdict, 'partial');
    assert.deepEqual(
      v.paths.map((p) => [p.pod, p.port, p.verdict.verdict]),
      [
        ['shop/api', 9000, 'allowed'],
        ['shop/api-canary', 9001, 'blocked'],
      ],
    );
    assert.equal(serviceVerdict(policies, model.snapshot, web, svc('api'), 'grpc').verdict, 'partial', 'the port by name');
  });

  it('uses the port as it is for a headless Service, whose clients connect to the pods', () => {
    const v = serviceVerdict(policies, model.snapshot, web, svc('api-headless'), 9000);
    assert.deepEqual(
      v.paths.map((p) => [p.pod, p.port]),
      [
        ['shop/api', 9000],
        ['shop/api-canary', 9000],
      ],
    );
  });

  it('says why nothing can be judged: a port not exposed, no endpoints, an ExternalName Service', () => {
    assert.equal(serviceVerdict(policies, model.snapshot, web, svc('api'), 443).reason, 'port-not-exposed');
    assert.equal(serviceVerdict(policies, model.snapshot, web, svc('nothing'), 80).reason, 'no-endpoints');
    assert.equal(serviceVerdict(policies, model.snapshot, web, svc('google'), 443).reason, 'external-name');
    assert.equal(serviceVerdict(policies, model.snapshot, web, svc('nothing'), 80).verdict, 'unknown');
  });

  it('is blocked for a client that no rule admits, and allowed when the isolating policy is gone', () => {
    const api = { pod: model.snapshot.pod('shop', 'api')! };
    assert.equal(serviceVerdict(policies, model.snapshot, api, svc('api'), 80).verdict, 'blocked');
    const open = PolicyIndex.build({ ...model.objects, networkPolicies: [] });
    assert.equal(serviceVerdict(open, model.snapshot, api, svc('api'), 80).verdict, 'allowed');
  });

  it('reads Namespace labels from the manifests, with the name label the API server adds', () => {
    assert.deepEqual(model.objects.namespaces.find((n) => n.name === 'shop')?.labels, { team: 'shop', 'kubernetes.io/metadata.name': 'shop' });
    assert.deepEqual(policies.namespaceLabels('shop'), { team: 'shop', 'kubernetes.io/metadata.name': 'shop' });
    assert.equal(model.report.objects.NetworkPolicy, 1);
  });
});

describe('the cluster DNS', () => {
  const egressOnly = (rules: unknown[]) => policy('x', 'egress', { podSelector: {}, policyTypes: ['Egress'], egress: rules });
  const empty = buildWorkspaceModel([]).snapshot;

  it('is allowed when egress is not isolated, judged on a stand-in CoreDNS pod when the model has none', () => {
    const v = dnsVerdict(index([]), empty, { pod: a });
    assert.equal(v.verdict, 'allowed');
    assert.equal(v.standIn, true);
    assert.deepEqual(v.pods, ['kube-system/coredns']);
  });

  it('is blocked by an egress policy that forgets port 53, partial when it allows UDP only', () => {
    assert.equal(dnsVerdict(index([egressOnly([{ ports: [{ port: 443 }] }])]), empty, { pod: a }).verdict, 'blocked');
    const udp = dnsVerdict(index([egressOnly([{ ports: [{ port: 53, protocol: 'UDP' }] }])]), empty, { pod: a });
    assert.deepEqual([udp.verdict, udp.udp, udp.tcp], ['partial', 'allowed', 'blocked']);
    const named = dnsVerdict(index([egressOnly([{ ports: [{ port: 'dns', protocol: 'UDP' }, { port: 'dns-tcp' }] }])]), empty, { pod: a });
    assert.equal(named.verdict, 'allowed', 'the stand-in names its ports as CoreDNS does');
  });

  it('honours a peer that selects the DNS pods by namespace and label, and the DNS pods own ingress policies', () => {
    const toDns = egressOnly([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }],
      },
    ]);
    assert.equal(dnsVerdict(index([toDns]), empty, { pod: a }).verdict, 'allowed');
    const dnsModel = workspace(`
apiVersion: v1
kind: Pod
metadata: {name: coredns-1, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec: {containers: [{name: coredns}]}
status: {podIP: 10.0.0.53}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: kube-system}
spec:
  podSelector: {matchLabels: {k8s-app: kube-dns}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: blue}}}]}]
`);
    const i = PolicyIndex.build({ ...dnsModel.objects, namespaces: [...dnsModel.objects.namespaces, ...NAMESPACES] });
    const v = dnsVerdict(i, dnsModel.snapshot, { pod: a });
    assert.deepEqual([v.verdict, v.standIn, v.pods], ['allowed', false, ['kube-system/coredns-1']]);
    assert.equal(dnsVerdict(i, dnsModel.snapshot, { pod: ya }).verdict, 'blocked', 'namespace y is not team=blue');
  });

  it('takes the DNS pods from a setting', () => {
    const v = dnsVerdict(index([]), empty, { pod: a }, { namespace: 'dns', selector: { app: 'resolver' }, port: 5353 });
    assert.deepEqual([v.pods, v.paths[0]!.verdict.port], [['dns/coredns'], 5353]);
  });
});

describe('policies NetLens does not evaluate', () => {
  const model = workspace(`
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: cluster-guard}
spec: {priority: 10, subject: {namespaces: {}}, ingress: []}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: same-name, namespace: x}
spec: {selector: all()}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: same-name, namespace: x}
spec: {podSelector: {}, ingress: [{}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l7, namespace: z}
spec: {endpointSelector: {}}
`);

  it('reads them beside NetworkPolicies of the same name, and lists the ones that bear on a verdict without changing it', () => {
    assert.deepEqual(
      model.objects.otherPolicies?.map((o) => `${o.kind} ${o.namespace ?? ''}/${o.name}`),
      ['AdminNetworkPolicy /cluster-guard', 'NetworkPolicy x/same-name', 'CiliumNetworkPolicy z/l7'],
    );
    assert.equal(model.objects.networkPolicies?.length, 1);
    assert.equal(model.report.problems.filter((p) => p.code === 'duplicate-object').length, 0, 'Calico and Kubernetes NetworkPolicies are different objects');
    const i = PolicyIndex.build({ ...model.objects, namespaces: NAMESPACES });
    const v = verdict(i, { pod: ya }, { pod: a }, 80);
    assert.equal(v.verdict, 'allowed');
    assert.deepEqual(v.notEvaluated, ['AdminNetworkPolicy cluster-guard', 'Calico NetworkPolicy x/same-name']);
    assert.match(v.summary, /not evaluated: AdminNetworkPolicy cluster-guard, Calico NetworkPolicy x\/same-name$/);
    assert.deepEqual(verdict(i, { pod: za }, { pod: ya }, 80).notEvaluated, ['AdminNetworkPolicy cluster-guard', 'CiliumNetworkPolicy z/l7']);
  });

  it('reports a NetworkPolicy the API server would refuse and leaves it out', () => {
    const bad = workspace(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: x}
spec:
  podSelector: {}
  ingress: [{ports: [{port: "8080"}]}]
`);
    assert.equal(bad.objects.networkPolicies?.length, 0);
    const problem = bad.report.problems.find((p) => p.code === 'invalid-value');
    assert.match(
      problem?.message ?? '',
      /NetworkPolicy x\/bad: spec\.ingress\[0\]\.ports\[0\]\.port: "8080" is not a valid port name; the API server refuses this policy/,
    );
    assert.equal(problem?.line, 2);
  });
});

describe('verdicts shared between destinations', () => {
  it('gives for every destination exactly the verdict judged alone, ipBlock egress rules included', () => {
    // Random scenarios with label maps and port lists shared as the models share them (interned), so that
    // destinations of equal labels hit the cache.
    const intern = new Interner();
    let shared = 0;
    for (const s of scenarios(5, 40)) {
      const pods: Pod[] = s.pods.map((p) => ({
        namespace: p.namespace,
        name: p.name,
        ips: [p.ip],
        labels: intern.labels(p.labels),
        ready: true,
        hostNetwork: false,
        terminating: false,
        ports: intern.list(
          JSON.stringify(p.ports),
          p.ports.map((c) => ({ name: c.name, containerPort: c.port, protocol: c.protocol, container: 'main' })),
        ),
      }));
      const i = PolicyIndex.build({
        networkPolicies: s.policies.map((o) => reduceNetworkPolicy(o, () => {})!),
        namespaces: s.namespaces.map((n) => ({ name: n.name, labels: n.labels })),
      });
      for (const source of pods) {
        const many = new DestinationVerdicts(i, { pod: source });
        for (const t of s.traffic) {
          const to: TrafficPeer = typeof t.destination === 'number' ? { pod: pods[t.destination]! } : { ip: t.destination };
          // A copy with the labels of another pod: same judgement, another name.
          const twin: TrafficPeer = to.pod
            ? { pod: { ...to.pod, name: `${to.pod.name}-twin`, ips: [to.pod.ips[0]!.replace(/(\d+)$/, (d) => String((Number(d) + 1) % 250))] } }
            : to;
          for (const d of [to, twin]) {
            assert.deepEqual(many.verdict(d, t.port, t.protocol), verdict(i, { pod: source }, d, t.port, t.protocol));
          }
          if (to.pod) shared++;
        }
      }
    }
    assert.ok(shared > 1000);
  });
});
