/**
 * The Kubernetes e2e network-policy suite (k8s.io/kubernetes v1.36.3, test/e2e/network/netpol/network_policy.go)
 * as a table: each upstream test's pods, Services, policies and expected truth table, transcribed with the
 * upstream helpers' names, and judged by NetLens's model instead of by probes in a cluster.
 *
 * The upstream model: namespaces x, y, z with only the `kubernetes.io/metadata.name` label; pods labelled
 * `pod: <name>` with one container serving each port and protocol on a port named `serve-<port>-<proto>`; one
 * Service per pod (`s-<ns>-<pod>`, port = target port); each probe connects from a pod to a Service's cluster
 * IP. Loopback (a pod to itself) is ignored, as upstream ignores it (`ignoreLoopback`). A test that changes
 * policies or labels between probes is one case per step.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ClusterObjects, Labels, NetworkPolicy, Pod, Protocol, Service } from '../../src/core/model';
import { PolicyIndex, serviceVerdict } from '../../src/core/policy';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { deriveEndpointSlices } from '../../src/core/workspace';
import { namespace as ns, policy } from '../support/policy';

const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';
type Rule = Record<string, unknown>;
type Selector = Record<string, unknown>;

/** GenNetworkPolicyWithNameAndPodSelector with SetSpecIngressRules/SetSpecEgressRules: each adds its type. */
function gen(namespace: string, name: string, podSelector: Selector, rules: { ingress?: Rule[]; egress?: Rule[] }): NetworkPolicy {
  const policyTypes: string[] = [];
  const spec: Record<string, unknown> = { podSelector };
  if (rules.ingress) {
    spec.ingress = rules.ingress;
    policyTypes.push('Ingress');
  }
  if (rules.egress) {
    spec.egress = rules.egress;
    policyTypes.push('Egress');
  }
  spec.policyTypes = policyTypes;
  return policy(namespace, name, spec);
}
/** GenNetworkPolicyWithNameAndPodMatchLabel. */
const genMatch = (namespace: string, name: string, matchLabels: Labels, rules: { ingress?: Rule[]; egress?: Rule[] }) =>
  gen(namespace, name, { matchLabels }, rules);

interface Peer {
  readonly Namespace?: string;
  readonly Pod?: string;
}

/** The upstream Reachability: a truth table over "ns/pod" strings with a default and its Expect helpers. */
class Reachability {
  readonly expected = new Map<string, boolean>();
  constructor(
    readonly pods: readonly string[],
    defaultExpectation: boolean,
  ) {
    for (const f of pods) for (const t of pods) this.expected.set(`${f}>${t}`, defaultExpectation);
  }
  Expect(from: string, to: string, connected: boolean): void {
    this.expected.set(`${from}>${to}`, connected);
  }
  ExpectAllIngress(pod: string, connected: boolean): void {
    for (const f of this.pods) this.Expect(f, pod, connected);
  }
  ExpectAllEgress(pod: string, connected: boolean): void {
    for (const t of this.pods) this.Expect(pod, t, connected);
  }
  ExpectPeer(from: Peer, to: Peer, connected: boolean): void {
    const matches = (p: Peer, s: string) => {
      const [n, name] = s.split('/');
      return (!p.Namespace || p.Namespace === n) && (!p.Pod || p.Pod === name);
    };
    for (const f of this.pods) if (matches(from, f)) for (const t of this.pods) if (matches(to, t)) this.Expect(f, t, connected);
  }
}

interface Step {
  /** What the step checks, as upstream's ginkgo.By or the probe it makes. */
  readonly what: string;
  readonly policies: readonly NetworkPolicy[];
  readonly port: number;
  readonly protocol: Protocol;
  readonly expect: (r: Reachability) => void;
  /** Labels added by the test (AddNamespaceLabel, AddPodLabels) before this step. */
  readonly namespaceLabels?: Readonly<Record<string, Labels>>;
  readonly podLabels?: Readonly<Record<string, Labels>>;
}

interface Case {
  /** The upstream test's name. */
  readonly name: string;
  readonly pods: readonly string[];
  readonly protocols: readonly Protocol[];
  readonly ports: readonly number[];
  readonly steps: readonly Step[];
}

const TCP: Protocol = 'TCP';

function cluster(c: Case, step: Step): { objects: ClusterObjects; pods: Map<string, Pod>; services: Map<string, Service> } {
  const pods = new Map<string, Pod>();
  const services = new Map<string, Service>();
  c.pods.forEach((ps, i) => {
    const [namespace, name] = ps.split('/') as [string, string];
    const labels = { pod: name, ...step.podLabels?.[ps] };
    const ports = c.protocols.flatMap((protocol) =>
      c.ports.map((port) => ({ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol, container: 'agnhost' })),
    );
    // Distinct addresses in 10.0.0.0/8, so that the CIDR cases have real pod IPs to name.
    pods.set(ps, {
      namespace,
      name,
      ips: [`10.${['x', 'y', 'z'].indexOf(namespace) + 1}.0.${i + 1}`],
      labels,
      ready: true,
      phase: 'Running',
      hostNetwork: false,
      terminating: false,
      ports,
    });
    services.set(ps, {
      namespace,
      name: `s-${namespace}-${name}`,
      type: 'ClusterIP',
      headless: false,
      clusterIPs: [`10.96.0.${i + 1}`],
      clusterIPPending: false,
      ipFamilies: ['IPv4'],
      ports: c.protocols.flatMap((protocol) =>
        c.ports.map((port) => ({ name: `service-port-${protocol.toLowerCase()}-${port}`, port, targetPort: port, protocol })),
      ),
      selector: { pod: name },
      publishNotReadyAddresses: false,
      externalIPs: [],
      loadBalancerIngress: [],
    });
  });
  const namespaces = ['x', 'y', 'z'].map((n) => ns(n, step.namespaceLabels?.[n]));
  const podList = [...pods.values()];
  const serviceList = [...services.values()];
  const objects: ClusterObjects = {
    namespaces,
    services: serviceList,
    pods: podList,
    nodes: [],
    endpointSlices: deriveEndpointSlices(serviceList, podList, []),
    networkPolicies: step.policies,
  };
  return { objects, pods, services };
}

/** Probes every pair (loopback aside) through the destination's Service; returns the cells that differ. */
function probe(c: Case, step: Step): string[] {
  const { objects, pods, services } = cluster(c, step);
  const snapshot = ClusterSnapshot.build(objects);
  const index = PolicyIndex.build(objects);
  const r = new Reachability(c.pods, true);
  step.expect(r);
  const wrong: string[] = [];
  for (const from of c.pods) {
    for (const to of c.pods) {
      if (from === to) continue;
      const v = serviceVerdict(index, snapshot, { pod: pods.get(from)! }, services.get(to)!, step.port, step.protocol);
      const expected = r.expected.get(`${from}>${to}`) ? 'allowed' : 'blocked';
      if (v.verdict !== expected) wrong.push(`${from} -> ${to} ${step.protocol}/${step.port}: expected ${expected}, got ${v.verdict} (${v.summary})`);
    }
  }
  return wrong;
}

const nsY = 'y';
const nsX = 'x';
const nsZ = 'z';
const P = (n: string, p: string) => `${n}/${p}`;

/** One-step case: the common shape of most upstream tests. */
function single(
  name: string,
  pods: string[],
  policies: NetworkPolicy[],
  expect: (r: Reachability) => void,
  port = 80,
  protocol: Protocol = TCP,
  ports = [port],
): Case {
  return { name, pods, protocols: [protocol], ports, steps: [{ what: `probe ${protocol}/${port}`, policies, port, protocol, expect }] };
}

const allowFromNsY = { namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: nsY } } };

const TCP_CASES: Case[] = [
  single("should support a 'default-deny-ingress' policy", ['x/a', 'x/b', 'y/a', 'y/b'], [gen(nsX, 'deny-ingress', {}, { ingress: [] })], (r) =>
    r.ExpectPeer({}, { Namespace: nsX }, false),
  ),
  single("should support a 'default-deny-all' policy", ['x/a', 'x/b', 'y/a'], [gen(nsX, 'deny-all', {}, { ingress: [], egress: [] })], (r) => {
    r.ExpectPeer({}, { Namespace: nsX }, false);
    r.ExpectPeer({ Namespace: nsX }, {}, false);
  }),
  single(
    'should enforce policy to allow traffic from pods within server namespace based on PodSelector',
    ['x/a', 'x/b', 'x/c', 'y/a'],
    [genMatch(nsX, 'x-a-allows-x-b', { pod: 'a' }, { ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })],
    (r) => {
      r.ExpectAllIngress(P(nsX, 'a'), false);
      r.Expect(P(nsX, 'b'), P(nsX, 'a'), true);
    },
  ),
  single(
    'should enforce policy to allow ingress traffic for a target',
    ['x/a', 'x/b', 'y/a'],
    [
      gen(nsX, 'deny-all', {}, { ingress: [] }),
      genMatch(nsX, 'allow-all-to-a', { pod: 'a' }, { ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] }),
    ],
    (r) => {
      r.ExpectAllIngress(P(nsX, 'a'), true);
      r.ExpectAllIngress(P(nsX, 'b'), false);
    },
  ),
  single(
    'should enforce policy to allow ingress traffic from pods in all namespaces',
    ['x/a', 'x/b', 'y/a', 'z/a'],
    [genMatch(nsX, 'allow-from-another-ns', { pod: 'a' }, { ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }] })],
    () => {},
  ),
  single(
    'should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector',
    ['x/a', 'x/b', 'y/a', 'z/a'],
    [genMatch(nsX, 'allow-client-a-via-ns-selector', { pod: 'a' }, { ingress: [{ from: [allowFromNsY] }] })],
    (r) => {
      r.ExpectPeer({ Namespace: nsX }, { Namespace: nsX, Pod: 'a' }, false);
      r.ExpectPeer({ Namespace: nsZ }, { Namespace: nsX, Pod: 'a' }, false);
    },
  ),
  single(
    'should enforce policy based on PodSelector with MatchExpressions',
    ['x/a', 'x/b', 'y/a'],
    [
      genMatch(
        nsX,
        'x-a-allows-x-b',
        { pod: 'a' },
        { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }] },
      ),
    ],
    (r) => {
      r.ExpectAllIngress(P(nsX, 'a'), false);
      r.Expect(P(nsX, 'b'), P(nsX, 'a'), true);
    },
  ),
  single(
    'should enforce policy based on NamespaceSelector with MatchExpressions',
    ['x/a', 'x/b', 'y/a', 'z/a'],
    [
      genMatch(
        nsX,
        'allow-ns-y-match-selector',
        { pod: 'a' },
        { ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: NAMESPACE_LABEL, operator: 'In', values: [nsY] }] } }] }] },
      ),
    ],
    (r) => {
      r.ExpectPeer({ Namespace: nsX }, { Namespace: nsX, Pod: 'a' }, false);
      r.ExpectPeer({ Namespace: nsZ }, { Namespace: nsX, Pod: 'a' }, false);
    },
  ),
  single(
    'should enforce policy based on PodSelector or NamespaceSelector',
    ['x/a', 'x/b', 'x/c', 'y/a'],
    [
      genMatch(
        nsX,
        'allow-ns-y-match-selector',
        { pod: 'a' },
        {
          ingress: [
            {
              from: [
                { namespaceSelector: { matchExpressions: [{ key: NAMESPACE_LABEL, operator: 'NotIn', values: [nsX] }] } },
                { podSelector: { matchLabels: { pod: 'b' } } },
              ],
            },
          ],
        },
      ),
    ],
    (r) => {
      r.Expect(P(nsX, 'a'), P(nsX, 'a'), false);
      r.Expect(P(nsX, 'c'), P(nsX, 'a'), false);
    },
  ),
  single(
    'should enforce policy based on PodSelector and NamespaceSelector',
    ['x/a', 'x/b', 'y/a', 'y/b', 'z/b'],
    [
      genMatch(
        nsX,
        'allow-ns-y-podselector-and-nsselector',
        { pod: 'a' },
        {
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchExpressions: [{ key: NAMESPACE_LABEL, operator: 'NotIn', values: [nsX] }] },
                  podSelector: { matchLabels: { pod: 'b' } },
                },
              ],
            },
          ],
        },
      ),
    ],
    (r) => {
      r.ExpectAllIngress(P(nsX, 'a'), false);
      r.Expect(P(nsY, 'b'), P(nsX, 'a'), true);
      r.Expect(P(nsZ, 'b'), P(nsX, 'a'), true);
    },
  ),
  single(
    'should enforce policy based on Multiple PodSelectors and NamespaceSelectors',
    ['x/a', 'x/b', 'y/a', 'y/b', 'y/c'],
    [
      genMatch(
        nsX,
        'allow-ns-y-z-pod-b-c',
        { pod: 'a' },
        {
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchExpressions: [{ key: NAMESPACE_LABEL, operator: 'NotIn', values: [nsX] }] },
                  podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] },
                },
              ],
            },
          ],
        },
      ),
    ],
    (r) => {
      r.ExpectPeer({ Namespace: nsX }, { Namespace: nsX, Pod: 'a' }, false);
      r.Expect(P(nsY, 'a'), P(nsX, 'a'), false);
    },
  ),
  single(
    'should enforce policy based on any PodSelectors',
    ['x/a', 'x/b', 'x/c'],
    [
      genMatch(
        nsX,
        'allow-ns-x-pod-b-c',
        { pod: 'a' },
        { ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }, { podSelector: { matchLabels: { pod: 'c' } } }] }] },
      ),
    ],
    (r) => {
      r.ExpectAllIngress(P(nsX, 'a'), false);
      r.Expect(P(nsX, 'b'), P(nsX, 'a'), true);
      r.Expect(P(nsX, 'c'), P(nsX, 'a'), true);
    },
  ),
  single(
    'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector',
    ['x/a', 'x/b', 'y/a', 'y/b', 'z/a'],
    [
      genMatch(
        nsX,
        'allow-ns-y-pod-a-via-namespace-pod-selector',
        { pod: 'a' },
        { ingress: [{ from: [{ ...allowFromNsY, podSelector: { matchLabels: { pod: 'a' } } }] }] },
      ),
    ],
    (r) => {
      r.ExpectAllIngress(P(nsX, 'a'), false);
      r.Expect(P(nsY, 'a'), P(nsX, 'a'), true);
    },
  ),
  single(
    'should enforce policy based on Ports',
    ['x/a', 'x/b', 'y/a', 'y/b', 'z/a'],
    [genMatch(nsX, 'allow-client-a-via-ns-selector', { pod: 'a' }, { ingress: [{ from: [allowFromNsY], ports: [{ port: 81, protocol: 'TCP' }] }] })],
    (r) => {
      r.ExpectPeer({ Namespace: nsX }, { Namespace: nsX, Pod: 'a' }, false);
      r.ExpectPeer({ Namespace: nsY }, { Namespace: nsX, Pod: 'a' }, true);
      r.ExpectPeer({ Namespace: nsZ }, { Namespace: nsX, Pod: 'a' }, false);
    },
    81,
  ),
  (() => {
    const allow81 = genMatch(
      nsX,
      'allow-client-a-via-ns-selector',
      { pod: 'a' },
      { ingress: [{ from: [allowFromNsY], ports: [{ port: 81, protocol: 'TCP' }] }] },
    );
    const allow80 = genMatch(
      nsX,
      'allow-client-a-via-ns-selector-80',
      { pod: 'a' },
      { ingress: [{ from: [allowFromNsY], ports: [{ port: 80, protocol: 'TCP' }] }] },
    );
    const ALLOW = (r: Reachability) => {
      r.ExpectPeer({ Namespace: nsX }, { Namespace: nsX, Pod: 'a' }, false);
      r.ExpectPeer({ Namespace: nsY }, { Namespace: nsX, Pod: 'a' }, true);
      r.ExpectPeer({ Namespace: nsZ }, { Namespace: nsX, Pod: 'a' }, false);
    };
    return {
      name: 'should enforce multiple, stacked policies with overlapping podSelectors',
      pods: ['x/a', 'x/b', 'y/a', 'y/b', 'z/a'],
      protocols: [TCP],
      ports: [80, 81],
      steps: [
        { what: 'Verifying traffic on port 81.', policies: [allow81], port: 81, protocol: TCP, expect: ALLOW },
        { what: 'Verifying traffic on port 80.', policies: [allow81], port: 80, protocol: TCP, expect: (r) => r.ExpectAllIngress(P(nsX, 'a'), false) },
        { what: 'Verifying that we can add a policy to unblock port 80', policies: [allow81, allow80], port: 80, protocol: TCP, expect: ALLOW },
      ],
    };
  })(),
  (() => {
    const allowAll = genMatch(nsX, 'allow-all', {}, { ingress: [{}] });
    return {
      name: 'should support allow-all policy',
      pods: ['x/a', 'x/b', 'y/a'],
      protocols: [TCP],
      ports: [80, 81],
      steps: [80, 81].map((port) => ({ what: `probe TCP/${port}`, policies: [allowAll], port, protocol: TCP, expect: () => {} })),
    };
  })(),
  (() => {
    const p = genMatch(nsX, 'allow-all', {}, { ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] });
    return {
      name: 'should allow ingress access on one named port',
      pods: ['x/a', 'x/b', 'y/a'],
      protocols: [TCP],
      ports: [80, 81],
      steps: [
        { what: 'probe TCP/81', policies: [p], port: 81, protocol: TCP, expect: () => {} },
        { what: 'probe TCP/80', policies: [p], port: 80, protocol: TCP, expect: (r) => r.ExpectPeer({}, { Namespace: nsX }, false) },
      ],
    };
  })(),
  (() => {
    const p = genMatch(
      nsX,
      'allow-client-a-via-ns-selector-80',
      { pod: 'a' },
      { ingress: [{ from: [allowFromNsY], ports: [{ port: 'serve-80-tcp', protocol: 'TCP' }] }] },
    );
    return {
      name: 'should allow ingress access from namespace on one named port',
      pods: ['x/a', 'x/b', 'y/a', 'z/a'],
      protocols: [TCP],
      ports: [80, 81],
      steps: [
        {
          what: 'Verify that port 80 is allowed for namespace y',
          policies: [p],
          port: 80,
          protocol: TCP,
          expect: (r) => {
            r.ExpectPeer({ Namespace: nsX }, { Namespace: nsX, Pod: 'a' }, false);
            r.ExpectPeer({ Namespace: nsZ }, { Namespace: nsX, Pod: 'a' }, false);
          },
        },
        {
          what: 'Verify that port 81 is blocked for all namespaces including y',
          policies: [p],
          port: 81,
          protocol: TCP,
          expect: (r) => r.ExpectAllIngress(P(nsX, 'a'), false),
        },
      ],
    };
  })(),
  (() => {
    const p = genMatch(nsX, 'allow-egress', {}, { egress: [{ ports: [{ port: 'serve-80-tcp' }] }] });
    return {
      name: 'should allow egress access on one named port',
      pods: ['x/a', 'y/a'],
      protocols: [TCP],
      ports: [80, 81],
      steps: [
        { what: 'probe TCP/80', policies: [p], port: 80, protocol: TCP, expect: () => {} },
        { what: 'probe TCP/81', policies: [p], port: 81, protocol: TCP, expect: (r) => r.ExpectPeer({ Namespace: nsX }, {}, false) },
      ],
    };
  })(),
  {
    name: 'should enforce updated policy',
    pods: ['x/a', 'y/a'],
    protocols: [TCP],
    ports: [81],
    steps: [
      { what: 'allow all', policies: [genMatch(nsX, 'allow-all-mutate-to-deny-all', {}, { ingress: [{}] })], port: 81, protocol: TCP, expect: () => {} },
      {
        what: 'update the policy to deny all',
        policies: [genMatch(nsX, 'allow-all-mutate-to-deny-all', {}, { ingress: [] })],
        port: 81,
        protocol: TCP,
        expect: (r) => r.ExpectPeer({}, { Namespace: nsX }, false),
      },
    ],
  },
  (() => {
    const p = genMatch(
      nsX,
      'allow-client-a-via-ns-selector',
      { pod: 'a' },
      { ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns2: 'updated' } } }] }] },
    );
    return {
      name: 'should allow ingress access from updated namespace',
      pods: ['x/a', 'y/a'],
      protocols: [TCP],
      ports: [80],
      steps: [
        { what: 'before the label', policies: [p], port: 80, protocol: TCP, expect: (r) => r.ExpectAllIngress(P(nsX, 'a'), false) },
        {
          what: "AddNamespaceLabel(y, ns2, updated): anything from namespace 'y' should be able to get to x/a",
          policies: [p],
          port: 80,
          protocol: TCP,
          namespaceLabels: { y: { ns2: 'updated' } },
          expect: (r) => {
            r.ExpectAllIngress(P(nsX, 'a'), false);
            r.ExpectPeer({ Namespace: nsY }, {}, true);
          },
        },
      ],
    };
  })(),
  (() => {
    const matchLabels = { pod: 'b', pod2: 'updated' };
    const p = genMatch(nsX, 'allow-client-a-via-pod-selector', { pod: 'a' }, { ingress: [{ from: [{ podSelector: { matchLabels } }] }] });
    return {
      name: 'should allow ingress access from updated pod',
      pods: ['x/a', 'x/b'],
      protocols: [TCP],
      ports: [80],
      steps: [
        { what: 'before the label', policies: [p], port: 80, protocol: TCP, expect: (r) => r.ExpectAllIngress(P(nsX, 'a'), false) },
        {
          what: 'x/b is able to reach x/a when label is updated',
          policies: [p],
          port: 80,
          protocol: TCP,
          podLabels: { 'x/b': matchLabels },
          expect: (r) => {
            r.ExpectAllIngress(P(nsX, 'a'), false);
            r.Expect(P(nsX, 'b'), P(nsX, 'a'), true);
          },
        },
      ],
    };
  })(),
  single(
    'should deny ingress from pods on other namespaces',
    ['x/a', 'x/b', 'y/a', 'z/a'],
    [gen(nsX, 'deny-empty-policy', {}, { ingress: [{ from: [{ podSelector: { matchLabels: {} } }] }] })],
    (r) => {
      r.ExpectPeer({ Namespace: nsY }, { Namespace: nsX }, false);
      r.ExpectPeer({ Namespace: nsZ }, { Namespace: nsX }, false);
    },
  ),
  (() => {
    const p = gen(nsX, 'deny-ingress-via-label-selector', { matchLabels: { target: 'isolated' } }, { ingress: [] });
    return {
      name: 'should deny ingress access to updated pod',
      pods: ['x/a', 'y/a'],
      protocols: [TCP],
      ports: [80],
      steps: [
        { what: 'Verify that everything can reach x/a', policies: [p], port: 80, protocol: TCP, expect: () => {} },
        {
          what: 'AddPodLabels(x/a, target=isolated)',
          policies: [p],
          port: 80,
          protocol: TCP,
          podLabels: { 'x/a': { target: 'isolated' } },
          expect: (r) => r.ExpectAllIngress(P(nsX, 'a'), false),
        },
      ],
    };
  })(),
  single(
    'should deny egress from pods based on PodSelector',
    ['x/a', 'x/b', 'y/a'],
    [gen(nsX, 'deny-egress-pod-a', { matchLabels: { pod: 'a' } }, { egress: [] })],
    (r) => r.ExpectAllEgress(P(nsX, 'a'), false),
  ),
  single('should deny egress from all pods in a namespace', ['x/a', 'x/b', 'y/a'], [gen(nsX, 'deny-egress-ns-x', {}, { egress: [] })], (r) =>
    r.ExpectPeer({ Namespace: nsX }, {}, false),
  ),
  (() => {
    // The upstream test sets policyTypes [Egress, Ingress] by hand after SetSpecIngressRules.
    const p = policy(nsX, 'allow-client-a-via-pod-selector', {
      podSelector: { matchLabels: { pod: 'a' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
      egress: [{ ports: [{ port: 80 }] }],
      policyTypes: ['Egress', 'Ingress'],
    });
    return {
      name: 'should work with Ingress, Egress specified together',
      pods: ['x/a', 'x/b', 'x/c', 'y/a'],
      protocols: [TCP],
      ports: [80, 81],
      steps: [
        {
          what: 'probe TCP/80',
          policies: [p],
          port: 80,
          protocol: TCP,
          expect: (r) => {
            r.ExpectAllIngress(P(nsX, 'a'), false);
            r.Expect(P(nsX, 'b'), P(nsX, 'a'), true);
          },
        },
        {
          what: "validating that port 81 doesn't work",
          policies: [p],
          port: 81,
          protocol: TCP,
          expect: (r) => {
            r.ExpectAllIngress(P(nsX, 'a'), false);
            r.ExpectAllEgress(P(nsX, 'a'), false);
            r.Expect(P(nsX, 'b'), P(nsX, 'a'), true);
          },
        },
      ],
    };
  })(),
  (() => {
    const xaOnly = { namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: nsX } }, podSelector: { matchLabels: { pod: 'a' } } };
    return single(
      'should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)',
      ['x/a', 'y/a', 'y/b'],
      [
        genMatch(nsX, 'allow-to-ns-y-pod-a', { pod: 'a' }, { egress: [{ to: [{ ...allowFromNsY, podSelector: { matchLabels: { pod: 'a' } } }] }] }),
        genMatch(nsY, 'allow-from-xa-on-ya-match-selector', { pod: 'a' }, { ingress: [{ from: [xaOnly] }] }),
        genMatch(nsY, 'allow-from-xa-on-yb-match-selector', { pod: 'b' }, { ingress: [{ from: [xaOnly] }] }),
      ],
      (r) => {
        r.ExpectPeer({ Namespace: nsX, Pod: 'a' }, {}, false);
        r.ExpectPeer({}, { Namespace: nsY, Pod: 'a' }, false);
        r.ExpectPeer({ Namespace: nsX, Pod: 'a' }, { Namespace: nsY, Pod: 'a' }, true);
        r.ExpectPeer({}, { Namespace: nsY, Pod: 'b' }, false);
      },
    );
  })(),
  single(
    'should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector',
    ['x/a', 'y/a', 'y/b'],
    [genMatch(nsX, 'allow-to-ns-y-pod-a', { pod: 'a' }, { egress: [{ to: [{ ...allowFromNsY, podSelector: { matchLabels: { pod: 'a' } } }] }] })],
    (r) => {
      r.ExpectAllEgress(P(nsX, 'a'), false);
      r.Expect(P(nsX, 'a'), P(nsY, 'a'), true);
    },
  ),
  (() => {
    const p = genMatch(nsX, 'allow-ingress-by-proto', { pod: 'a' }, { ingress: [{ ports: [{ protocol: 'TCP' }] }] });
    return {
      name: 'should enforce ingress policy allowing any port traffic to a server on a specific protocol',
      pods: ['x/a', 'y/a'],
      protocols: ['TCP', 'UDP'] as Protocol[],
      ports: [80],
      steps: [
        { what: 'probe TCP/80', policies: [p], port: 80, protocol: 'TCP' as Protocol, expect: () => {} },
        {
          what: 'probe UDP/80',
          policies: [p],
          port: 80,
          protocol: 'UDP' as Protocol,
          expect: (r: Reachability) => r.ExpectPeer({}, { Namespace: nsX, Pod: 'a' }, false),
        },
      ],
    };
  })(),
  (() => {
    const only80 = genMatch(nsX, 'allow-ingress-port-80', {}, { ingress: [{ ports: [{ port: 80 }] }] });
    const all = genMatch(nsX, 'allow-ingress', {}, { ingress: [{}] });
    return {
      name: 'should enforce multiple ingress policies with ingress allow-all policy taking precedence',
      pods: ['x/a', 'y/a'],
      protocols: [TCP],
      ports: [81],
      steps: [
        {
          what: 'The policy targets port 80 -- so make sure traffic on port 81 is blocked',
          policies: [only80],
          port: 81,
          protocol: TCP,
          expect: (r) => r.ExpectPeer({}, { Namespace: nsX }, false),
        },
        { what: 'Allowing all ports', policies: [only80, all], port: 81, protocol: TCP, expect: () => {} },
      ],
    };
  })(),
  (() => {
    const only80 = genMatch(nsX, 'allow-egress-port-80', {}, { egress: [{ ports: [{ port: 80 }] }] });
    const all = genMatch(nsX, 'allow-egress', {}, { egress: [{}] });
    return {
      name: 'should enforce multiple egress policies with egress allow-all policy taking precedence',
      pods: ['x/a', 'y/a'],
      protocols: [TCP],
      ports: [81],
      steps: [
        {
          what: "Making sure egress doesn't work other than port 80",
          policies: [only80],
          port: 81,
          protocol: TCP,
          expect: (r) => r.ExpectPeer({ Namespace: nsX }, {}, false),
        },
        { what: 'Allowing all ports', policies: [only80, all], port: 81, protocol: TCP, expect: () => {} },
      ],
    };
  })(),
  {
    name: 'should stop enforcing policies after they are deleted',
    pods: ['x/a', 'y/a'],
    protocols: [TCP],
    ports: [80],
    steps: [
      {
        what: 'a network policy for the server which denies all traffic',
        policies: [gen(nsX, 'deny-all', {}, { ingress: [], egress: [] })],
        port: 80,
        protocol: TCP,
        expect: (r) => {
          r.ExpectPeer({ Namespace: nsX }, {}, false);
          r.ExpectPeer({}, { Namespace: nsX }, false);
        },
      },
      { what: 'after cleanNetworkPolicies', policies: [], port: 80, protocol: TCP, expect: () => {} },
    ],
  },
  // The pod IPs are those of cluster() above: x/a 10.1.0.1, y/a 10.2.0.2, y/b 10.2.0.3 in this pod list.
  single(
    'should allow egress access to server in CIDR block',
    ['x/a', 'y/a', 'y/b'],
    [genMatch(nsX, 'allow-client-a-via-cidr-egress-rule', { pod: 'a' }, { egress: [{ to: [{ ipBlock: { cidr: '10.2.0.3/32' } }] }] })],
    (r) => {
      r.ExpectAllEgress(P(nsX, 'a'), false);
      r.Expect(P(nsX, 'a'), P(nsY, 'b'), true);
    },
  ),
  // x/b is 10.1.0.2; makeLargeCIDRForIP gives the /4 that holds it, 0.0.0.0/4.
  single(
    'should enforce except clause while egress access to server in CIDR block',
    ['x/a', 'x/b', 'x/c'],
    [genMatch(nsX, 'allow-client-a-via-cidr-egress-rule', { pod: 'a' }, { egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/4', except: ['10.1.0.2/32'] } }] }] })],
    (r) => r.Expect(P(nsX, 'a'), P(nsX, 'b'), false),
  ),
  {
    name: 'should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed',
    pods: ['x/a', 'x/b', 'x/c'],
    protocols: [TCP],
    ports: [80],
    steps: [
      {
        what: 'a rule that allows egress to a large set of IPs around podB, but not podB itself',
        policies: [
          genMatch(
            nsX,
            'allow-client-a-via-cidr-egress-rule',
            { pod: 'a' },
            { egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/4', except: ['10.1.0.2/32'] } }] }] },
          ),
        ],
        port: 80,
        protocol: TCP,
        expect: (r) => r.Expect(P(nsX, 'a'), P(nsX, 'b'), false),
      },
      {
        // UpdatePolicy with the same name: the /32 rule replaces the one with the except clause.
        what: 'a second NetworkPolicy which allows access to podB',
        policies: [genMatch(nsX, 'allow-client-a-via-cidr-egress-rule', { pod: 'a' }, { egress: [{ to: [{ ipBlock: { cidr: '10.1.0.2/32' } }] }] })],
        port: 80,
        protocol: TCP,
        expect: (r) => {
          r.ExpectAllEgress(P(nsX, 'a'), false);
          r.Expect(P(nsX, 'a'), P(nsX, 'b'), true);
        },
      },
    ],
  },
  (() => {
    const allowEgress = gen(nsX, 'allow-egress-for-target', { matchLabels: { pod: 'a' } }, { egress: [{}] });
    const denyIngress = gen(nsX, 'deny-ingress-via-label-selector', { matchLabels: { pod: 'a' } }, { ingress: [] });
    return {
      name: 'should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector',
      pods: ['x/a', 'x/b', 'y/a'],
      protocols: [TCP],
      ports: [80],
      steps: [
        { what: 'a network policy for pod-a which allows Egress traffic to pod-b', policies: [allowEgress], port: 80, protocol: TCP, expect: () => {} },
        {
          what: 'a network policy for pod-a that denies traffic from pod-b',
          policies: [allowEgress, denyIngress],
          port: 80,
          protocol: TCP,
          expect: (r) => r.ExpectAllIngress(P(nsX, 'a'), false),
        },
      ],
    };
  })(),
  single(
    "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
    ['x/a', 'y/a'],
    [
      gen(nsX, 'deny-ingress', {}, { ingress: [] }),
      genMatch(nsX, 'allow-only-sctp-ingress-on-port-81', { pod: 'a' }, { ingress: [{ ports: [{ port: 81, protocol: 'SCTP' }] }] }),
    ],
    (r) => r.ExpectPeer({}, { Namespace: nsX }, false),
    81,
  ),
  single(
    "should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP",
    ['x/a', 'y/a'],
    [genMatch(nsX, 'allow-only-sctp-ingress-on-port-80', { pod: 'a' }, { ingress: [{ ports: [{ port: 80, protocol: 'SCTP' }] }] })],
    (r) => r.ExpectAllIngress(P(nsX, 'a'), false),
    81,
  ),
  single(
    'should not allow access by TCP when a policy specifies only UDP',
    ['x/a', 'y/a'],
    [genMatch(nsX, 'allow-only-udp-ingress-on-port-81', { pod: 'a' }, { ingress: [{ ports: [{ port: 81, protocol: 'UDP' }] }] })],
    (r) => r.ExpectAllIngress(P(nsX, 'a'), false),
    81,
  ),
  single(
    'should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label',
    ['x/a', 'x/b', 'y/a', 'z/a'],
    [genMatch(nsX, 'allow-client-a-via-ns-selector-for-immutable-ns-label', { pod: 'a' }, { ingress: [{ from: [allowFromNsY] }] })],
    (r) => {
      r.ExpectPeer({ Namespace: nsX }, { Namespace: nsX, Pod: 'a' }, false);
      r.ExpectPeer({ Namespace: nsZ }, { Namespace: nsX, Pod: 'a' }, false);
    },
  ),
  single(
    'should enforce policy based on NamespaceSelector with MatchExpressions using default ns label',
    ['x/a', 'x/b', 'y/a', 'z/a'],
    [
      genMatch(
        nsX,
        'allow-ns-y-match-selector-for-immutable-ns-label',
        { pod: 'a' },
        { egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: NAMESPACE_LABEL, operator: 'NotIn', values: [nsY] }] } }] }] },
      ),
    ],
    (r) => r.ExpectPeer({ Namespace: nsX, Pod: 'a' }, { Namespace: nsY }, false),
  ),
];

/** The UDP and SCTP contexts repeat three tests with the other protocol. */
function protocolCases(protocol: Protocol): Case[] {
  const proto = protocol;
  return [
    single(
      "should support a 'default-deny-ingress' policy",
      ['x/a', 'x/b', 'y/a', 'y/b'],
      [gen(nsX, 'deny-all', {}, { ingress: [] })],
      (r) => r.ExpectPeer({}, { Namespace: nsX }, false),
      80,
      proto,
    ),
    single(
      'should enforce policy based on Ports',
      ['x/a', 'x/b', 'y/a', 'z/a'],
      [genMatch(nsX, 'allow-ingress-on-port-81-ns-x', { pod: 'a' }, { ingress: [{ from: [allowFromNsY], ports: [{ port: 81, protocol: proto }] }] })],
      (r) => {
        r.ExpectPeer({ Namespace: nsX }, { Namespace: nsX, Pod: 'a' }, false);
        r.ExpectPeer({ Namespace: nsZ }, { Namespace: nsX, Pod: 'a' }, false);
      },
      81,
      proto,
    ),
    single(
      'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector',
      ['x/a', 'x/b', 'y/a'],
      [
        genMatch(
          nsX,
          'allow-ns-y-pod-a-via-namespace-pod-selector',
          { pod: 'a' },
          { ingress: [{ from: [{ ...allowFromNsY, podSelector: { matchLabels: { pod: 'a' } } }] }] },
        ),
      ],
      (r) => {
        r.ExpectAllIngress(P(nsX, 'a'), false);
        r.Expect(P(nsY, 'a'), P(nsX, 'a'), true);
      },
      80,
      proto,
    ),
  ];
}

const CONTEXTS: [string, Case[]][] = [
  ['Netpol NetworkPolicy between server and client', TCP_CASES],
  ['Netpol [LinuxOnly] NetworkPolicy between server and client using UDP', protocolCases('UDP')],
  ['Netpol [Feature:SCTPConnectivity] [LinuxOnly] NetworkPolicy between server and client using SCTP', protocolCases('SCTP')],
];

for (const [context, cases] of CONTEXTS) {
  describe(context, () => {
    for (const c of cases) {
      it(c.name, () => {
        let cells = 0;
        for (const step of c.steps) {
          assert.deepEqual(probe(c, step), [], `${c.name}, step "${step.what}"`);
          cells += c.pods.length * (c.pods.length - 1);
        }
        assert.ok(cells > 0);
      });
    }
  });
}

describe('the transcription', () => {
  it('has one case for every test of the upstream file, under the same name', (t) => {
    const upstream = join(homedir(), '.cache', 'netlens', 'gomod', 'k8s.io', 'kubernetes@v1.36.3', 'test', 'e2e', 'network', 'netpol', 'network_policy.go');
    if (!existsSync(upstream)) {
      t.skip(`${upstream} is not there (the control plane build puts it in the module cache)`);
      return;
    }
    const names = [...readFileSync(upstream, 'utf8').matchAll(/f\.It\("((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\"/g, '"'));
    assert.deepEqual(
      CONTEXTS.flatMap(([, cases]) => cases.map((c) => c.name)),
      names,
    );
  });
});
