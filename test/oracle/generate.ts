/**
 * Random NetworkPolicy scenarios for the differential test against cyclonus, from a seeded generator so that a
 * run can be repeated exactly. A scenario is three namespaces with labels, pods with labels, addresses and named
 * container ports, a few addresses outside the pods, and policies drawn from every part of the API (selectors
 * with each operator, peers of each shape, ipBlock with except, numbered, named and ranged ports, the three
 * protocols, both directions, policyTypes written or left to the API server's defaulting). Its traffic is every
 * ordered pair of ends on a few ports each.
 *
 * Scenarios are independent even when judged together: names are prefixed with the scenario, a policy selects
 * pods of its own namespace only, and a scenario's traffic involves its own pods and addresses only.
 */
import * as ipaddr from 'ipaddr.js';
import type { Protocol } from '../../src/core/model';
import { Rng } from '../bench/prng';

export type Json = Record<string, unknown>;

export interface GenNamespace {
  readonly name: string;
  /** Without `kubernetes.io/metadata.name`, which the API server adds. */
  readonly labels: Record<string, string>;
}

export interface GenPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface GenPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly ip: string;
  readonly ports: readonly GenPort[];
}

export interface GenTraffic {
  /** Index into the scenario's pods, or an address outside them. */
  readonly source: number | string;
  readonly destination: number | string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Scenario {
  readonly namespaces: readonly GenNamespace[];
  readonly pods: readonly GenPod[];
  /** NetworkPolicy objects as a manifest would write them (policyTypes sometimes left out). */
  readonly policies: readonly Json[];
  readonly traffic: readonly GenTraffic[];
}

const PROTOCOLS: readonly Protocol[] = ['TCP', 'TCP', 'TCP', 'UDP', 'SCTP'];
const PORT_NUMBERS = [53, 80, 81, 443, 5432, 8080, 8443, 9090];
const PORT_NAMES = ['http', 'web', 'metrics', 'dns', 'grpc', 'db'];
const POD_LABELS: Record<string, readonly string[]> = { app: ['web', 'api', 'db'], tier: ['front', 'back'], version: ['v1', 'v2'] };
const NS_LABELS: Record<string, readonly string[]> = { team: ['a', 'b'], env: ['prod', 'dev'] };

function someLabels(rng: Rng, vocabulary: Record<string, readonly string[]>, p: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, values] of Object.entries(vocabulary)) if (rng.chance(p)) out[k] = rng.pick(values);
  return out;
}

function selector(rng: Rng, vocabulary: Record<string, readonly string[]>, namespaces?: readonly string[]): Json {
  const shape = rng.int(0, 9);
  if (shape <= 1) return {};
  const keys = Object.keys(vocabulary);
  const matchLabels: Record<string, string> = {};
  const matchExpressions: Json[] = [];
  if (shape <= 5 || rng.chance(0.3)) {
    const k = rng.pick(keys);
    matchLabels[k] = rng.pick(vocabulary[k]!);
  }
  if (shape >= 5) {
    const n = rng.int(1, 2);
    for (let i = 0; i < n; i++) {
      // Namespace selectors sometimes use the name label the API server sets.
      const byName = namespaces && rng.chance(0.3);
      const key = byName ? 'kubernetes.io/metadata.name' : rng.pick(keys);
      const values = byName ? namespaces : vocabulary[key]!;
      const operator = rng.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
      if (operator === 'In' || operator === 'NotIn') {
        const picked = [...new Set([rng.pick(values!), rng.pick(values!)])];
        matchExpressions.push({ key, operator, values: picked });
      } else matchExpressions.push({ key, operator });
    }
  }
  return { ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}), ...(matchExpressions.length > 0 ? { matchExpressions } : {}) };
}

/** The network of `ip` with `prefix` bits, written with the host bits cleared or, at times, kept. */
function cidrAround(rng: Rng, ip: string, prefix: number): string {
  if (rng.chance(0.2)) return `${ip}/${prefix}`;
  const network = ip.includes(':') ? ipaddr.IPv6.networkAddressFromCIDR(`${ip}/${prefix}`) : ipaddr.IPv4.networkAddressFromCIDR(`${ip}/${prefix}`);
  return `${network.toString()}/${prefix}`;
}

function ipBlock(rng: Rng, anchors: readonly string[]): Json {
  const anchor = rng.pick(anchors);
  const v6 = anchor.includes(':');
  const prefix = v6 ? rng.pick([0, 64, 112, 120, 124, 128]) : rng.pick([0, 8, 16, 24, 28, 30, 32]);
  const block: Json = { cidr: cidrAround(rng, anchor, prefix) };
  const max = v6 ? 128 : 32;
  if (prefix < max && rng.chance(0.5)) {
    // Each except must be a strict subset of the block (the API server refuses anything else): a longer prefix
    // around an address inside the block.
    const network = ipaddr.parseCIDR(block.cidr as string);
    const inside = anchors.filter((a) => a.includes(':') === v6 && ipaddr.parse(a).match(network));
    const except: string[] = [];
    const n = rng.int(1, 2);
    for (let i = 0; i < n; i++) {
      const inner = rng.pick(inside);
      const p = rng.int(prefix + 1, max);
      const text = cidrAround(rng, inner, p);
      if (!except.includes(text)) except.push(text);
    }
    block.except = except;
  }
  return block;
}

function peer(rng: Rng, namespaces: readonly string[], anchors: readonly string[]): Json {
  const shape = rng.int(0, 9);
  if (shape <= 2) return { podSelector: selector(rng, POD_LABELS) };
  if (shape <= 4) return { namespaceSelector: selector(rng, NS_LABELS, namespaces) };
  if (shape <= 7) return { podSelector: selector(rng, POD_LABELS), namespaceSelector: selector(rng, NS_LABELS, namespaces) };
  return { ipBlock: ipBlock(rng, anchors) };
}

function ports(rng: Rng): Json[] {
  const n = rng.int(1, 3);
  const out: Json[] = [];
  for (let i = 0; i < n; i++) {
    const protocol = rng.chance(0.3) ? undefined : rng.pick(PROTOCOLS);
    const shape = rng.int(0, 9);
    const p: Json = protocol ? { protocol } : {};
    if (shape <= 3) p.port = rng.pick(PORT_NUMBERS);
    else if (shape <= 6) p.port = rng.pick(PORT_NAMES);
    else if (shape <= 8) {
      const start = rng.pick(PORT_NUMBERS);
      p.port = start;
      p.endPort = start + rng.pick([0, 1, 10, 400, 8000]);
    }
    out.push(p);
  }
  return out;
}

function rules(rng: Rng, field: 'from' | 'to', namespaces: readonly string[], anchors: readonly string[]): Json[] {
  const n = rng.weighted([2, 4, 3, 1]);
  const out: Json[] = [];
  for (let i = 0; i < n; i++) {
    const rule: Json = {};
    if (rng.chance(0.75)) {
      const m = rng.int(1, 3);
      rule[field] = Array.from({ length: m }, () => peer(rng, namespaces, anchors));
    }
    if (rng.chance(0.6)) rule.ports = ports(rng);
    out.push(rule);
  }
  return out;
}

function policy(rng: Rng, name: string, namespace: string, namespaces: readonly string[], anchors: readonly string[]): Json {
  const spec: Json = { podSelector: selector(rng, POD_LABELS) };
  const ingress = rng.chance(0.75);
  const egress = rng.chance(0.55) || !ingress;
  if (ingress) spec.ingress = rules(rng, 'from', namespaces, anchors);
  if (egress) spec.egress = rules(rng, 'to', namespaces, anchors);
  // Left out, the API server defaults policyTypes; written, they may also name a direction without rules.
  if (rng.chance(0.7)) {
    const types: string[] = [];
    if (ingress || rng.chance(0.2)) types.push('Ingress');
    if (egress) types.push('Egress');
    spec.policyTypes = types;
  }
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export function scenario(rng: Rng, id: number): Scenario {
  const v6 = rng.chance(0.3);
  const address = (group: number, host: number): string =>
    v6 ? `fd00:${id.toString(16)}::${group.toString(16)}:${host.toString(16)}` : `10.${(id >> 8) & 255}.${id & 255}.${group * 16 + host}`;
  const namespaces: GenNamespace[] = ['x', 'y', 'z'].map((n) => ({ name: `s${id}-${n}`, labels: someLabels(rng, NS_LABELS, 0.6) }));
  const pods: GenPod[] = [];
  namespaces.forEach((ns, g) => {
    const count = rng.int(2, 3);
    for (let i = 0; i < count; i++) {
      const names = [...PORT_NAMES];
      const portList: GenPort[] = [];
      const nPorts = rng.int(1, 3);
      for (let j = 0; j < nPorts; j++) {
        const port = rng.pick(PORT_NUMBERS);
        const protocol = rng.pick(PROTOCOLS);
        if (portList.some((p) => p.port === port && p.protocol === protocol)) continue;
        // Container port names are unique in a pod; some ports have none.
        const name = rng.chance(0.75) ? names.splice(rng.int(0, names.length - 1), 1)[0]! : '';
        portList.push({ name, port, protocol });
      }
      pods.push({ namespace: ns.name, name: `p${i}`, labels: someLabels(rng, POD_LABELS, 0.7), ip: address(g, i + 1), ports: portList });
    }
  });
  const outside = [address(5, 9), v6 ? '2001:db8::7' : '192.168.7.7'];
  const anchors = [...pods.map((p) => p.ip), ...outside];
  const nsNames = namespaces.map((n) => n.name);
  const policies: Json[] = [];
  const nPolicies = rng.int(1, 5);
  for (let i = 0; i < nPolicies; i++) policies.push(policy(rng, `np${i}`, rng.pick(nsNames), nsNames, anchors));

  const ends: (number | string)[] = [...pods.keys(), ...outside];
  const traffic: GenTraffic[] = [];
  for (const source of ends) {
    for (const destination of ends) {
      if (typeof source === 'string' && typeof destination === 'string') continue;
      const choices: { port: number; protocol: Protocol }[] = [];
      if (typeof destination === 'number') for (const p of pods[destination]!.ports) choices.push({ port: p.port, protocol: p.protocol });
      while (choices.length < 3) choices.push({ port: rng.chance(0.5) ? rng.pick(PORT_NUMBERS) : rng.int(1, 9000), protocol: rng.pick(PROTOCOLS) });
      for (const c of choices.slice(0, 3)) traffic.push({ source, destination, ...c });
    }
  }
  return { namespaces, pods, policies, traffic };
}

export function scenarios(seed: number, count: number): Scenario[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => scenario(rng, i));
}
