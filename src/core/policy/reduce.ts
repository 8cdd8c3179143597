/**
 * Reduces NetworkPolicy objects (plain JSON, as the API server sends them or a manifest declares them) to the
 * records of model.ts, applying what the API server applies on create: the defaulting of `policyTypes` and the
 * validation that refuses a policy (ValidateNetworkPolicySpec). A policy the API server would refuse never takes
 * effect, so it is reported and left out rather than evaluated.
 */
import type {
  IPBlock,
  LabelSelector,
  NetworkPolicy,
  OtherPolicy,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  PolicyType,
  SelectorOperator,
  SelectorRequirement,
} from '../model';
import { DEFAULT_NAMESPACE } from '../names';
import { arr, type Json, obj, str, type Warn } from '../reduce';
import { type Cidr, isStrictSubset, parseCidr } from './cidr';
import { otherPolicyKind } from './kinds';
import { EVERYTHING } from './selector';

const OPERATORS = new Set<SelectorOperator>(['In', 'NotIn', 'Exists', 'DoesNotExist']);
const NONE: readonly never[] = Object.freeze([]);

/**
 * Collects the reasons the API server would refuse an object, each with its field path, and the notes about what
 * it accepts but some versions would not.
 */
class Refusals {
  readonly list: string[] = [];
  readonly notes: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
  note(path: string, message: string): void {
    this.notes.push(`${path}: ${message}`);
  }
}

/**
 * A CIDR as the API server checks it. An IPv4-mapped IPv6 address is refused (API servers from 1.36 refuse it and
 * older ones would match it against IPv4 addresses). Host bits are refused from Kubernetes 1.36 on
 * (StrictIPCIDRValidation, on by default) but taken as the network before, so the block is kept with a note.
 */
function checkedCidr(text: unknown, path: string, refusals: Refusals): Cidr | undefined {
  const cidr = typeof text === 'string' ? parseCidr(text) : undefined;
  if (!cidr) {
    refusals.add(path, `${JSON.stringify(text)} is not a CIDR`);
    return undefined;
  }
  if (cidr.mapped) {
    refusals.add(path, `${JSON.stringify(text)} must not have an IPv4-mapped IPv6 address`);
    return undefined;
  }
  if (cidr.hostBits)
    refusals.note(
      path,
      `${JSON.stringify(text)} has bits set beyond the prefix length: it is read as its network, and API servers of Kubernetes 1.36 and later refuse it`,
    );
  return cidr;
}

/** A label map; values must be strings (the API server cannot decode `tier: 1` into map[string]string). */
function labelMap(v: unknown, path: string, refusals: Refusals): Record<string, string> {
  const o = obj(v);
  if (v !== undefined && v !== null && !o) refusals.add(path, 'must be a map of strings');
  const out: Record<string, string> = {};
  if (!o) return out;
  for (const [k, val] of Object.entries(o)) {
    if (typeof val === 'string') out[k] = val;
    else refusals.add(`${path}.${k}`, `must be a string, not ${JSON.stringify(val)}`);
  }
  return out;
}

/** A LabelSelector; undefined for an absent or null field (which differs from `{}`, which selects everything). */
function reduceSelector(v: unknown, path: string, refusals: Refusals): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v);
  if (!o) {
    refusals.add(path, 'must be a label selector');
    return undefined;
  }
  const matchLabels = labelMap(o.matchLabels, `${path}.matchLabels`, refusals);
  const matchExpressions: SelectorRequirement[] = [];
  for (const [i, e] of arr(o.matchExpressions).entries()) {
    const eo = obj(e);
    const at = `${path}.matchExpressions[${i}]`;
    const key = eo ? str(eo.key) : undefined;
    const operator = eo ? (str(eo.operator) as SelectorOperator | undefined) : undefined;
    if (!eo || !key) {
      refusals.add(at, 'needs a key');
      continue;
    }
    if (!operator || !OPERATORS.has(operator)) {
      refusals.add(`${at}.operator`, `${JSON.stringify(eo.operator)} is not In, NotIn, Exists or DoesNotExist`);
      continue;
    }
    const values = arr(eo.values);
    if (!values.every((x) => typeof x === 'string')) {
      refusals.add(`${at}.values`, 'must be strings');
      continue;
    }
    // ValidateLabelSelectorRequirement: In and NotIn need values, Exists and DoesNotExist take none.
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      refusals.add(`${at}.values`, `must be non-empty for ${operator}`);
      continue;
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
      refusals.add(`${at}.values`, `must be empty for ${operator}`);
      continue;
    }
    matchExpressions.push({ key, operator, values: values as string[] });
  }
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) return EVERYTHING;
  return { matchLabels: Object.freeze(matchLabels), matchExpressions };
}

/**
 * A label selector of another kind of object (a ServiceMonitor's, a PodMonitor's), read as a policy's is; undefined
 * when it is absent or one the API server would refuse.
 */
export function readSelector(v: unknown): LabelSelector | undefined {
  const refusals = new Refusals();
  const selector = reduceSelector(v, 'selector', refusals);
  return refusals.list.length === 0 ? selector : undefined;
}

/** IsValidPortName: at most 15 characters of a-z, 0-9 and '-', at least one letter, no leading, trailing or double '-'. */
function isValidPortName(name: string): boolean {
  return name.length >= 1 && name.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) && !name.includes('--') && /[a-z]/.test(name);
}

function isPortNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;
}

function reducePort(v: unknown, path: string, refusals: Refusals): PolicyPort | undefined {
  const o = obj(v);
  if (!o) {
    refusals.add(path, 'must be a port');
    return undefined;
  }
  const protocol = o.protocol ?? 'TCP';
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') {
    refusals.add(`${path}.protocol`, `${JSON.stringify(protocol)} is not TCP, UDP or SCTP`);
    return undefined;
  }
  const port = o.port ?? undefined;
  const endPort = o.endPort ?? undefined;
  if (port === undefined) {
    if (endPort !== undefined) refusals.add(`${path}.endPort`, 'may not be specified when `port` is not specified');
    return { protocol };
  }
  if (typeof port === 'string') {
    // A quoted number is a name to the API server (intstr), and not a valid one: it needs a letter.
    if (!isValidPortName(port)) refusals.add(`${path}.port`, `${JSON.stringify(port)} is not a valid port name`);
    if (endPort !== undefined) refusals.add(`${path}.endPort`, 'may not be specified when `port` is non-numeric');
    return { protocol, port };
  }
  if (!isPortNumber(port)) {
    refusals.add(`${path}.port`, `${JSON.stringify(port)} is not a port number (1-65535)`);
    return undefined;
  }
  if (endPort === undefined) return { protocol, port };
  if (!isPortNumber(endPort)) refusals.add(`${path}.endPort`, `${JSON.stringify(endPort)} is not a port number (1-65535)`);
  else if (endPort < port) refusals.add(`${path}.endPort`, 'must be greater than or equal to `port`');
  return { protocol, port, endPort: endPort as number };
}

function reduceIPBlock(v: unknown, path: string, refusals: Refusals): IPBlock | undefined {
  const o = obj(v);
  const cidrText = o ? str(o.cidr) : undefined;
  if (!o || !cidrText) {
    refusals.add(`${path}.cidr`, 'is required');
    return undefined;
  }
  const cidr = checkedCidr(cidrText, `${path}.cidr`, refusals);
  if (!cidr) return undefined;
  const except: string[] = [];
  arr(o.except).forEach((e, i) => {
    const inner = checkedCidr(e, `${path}.except[${i}]`, refusals);
    if (!inner) return;
    if (!isStrictSubset(inner, cidr)) {
      refusals.add(`${path}.except[${i}]`, 'must be a strict subset of `cidr`');
      return;
    }
    except.push(e as string);
  });
  return { cidr: cidrText, except };
}

function reducePeer(v: unknown, path: string, refusals: Refusals): PolicyPeer | undefined {
  const o = obj(v);
  if (!o) {
    refusals.add(path, 'must specify a peer');
    return undefined;
  }
  const podSelector = reduceSelector(o.podSelector, `${path}.podSelector`, refusals);
  const namespaceSelector = reduceSelector(o.namespaceSelector, `${path}.namespaceSelector`, refusals);
  const hasBlock = o.ipBlock !== undefined && o.ipBlock !== null;
  const ipBlock = hasBlock ? reduceIPBlock(o.ipBlock, `${path}.ipBlock`, refusals) : undefined;
  // ValidateNetworkPolicyPeer: at least one of the three, and ipBlock alone.
  if (!podSelector && !namespaceSelector && !hasBlock) refusals.add(path, 'must specify a peer');
  if (hasBlock && (podSelector || namespaceSelector)) refusals.add(path, 'may not specify both ipBlock and another peer');
  return { ...(podSelector ? { podSelector } : {}), ...(namespaceSelector ? { namespaceSelector } : {}), ...(ipBlock ? { ipBlock } : {}) };
}

function reduceRules(v: unknown, peersField: 'from' | 'to', path: string, refusals: Refusals): PolicyRule[] {
  if (v !== undefined && v !== null && !Array.isArray(v)) refusals.add(path, 'must be a list of rules');
  const rules: PolicyRule[] = [];
  arr(v).forEach((r, i) => {
    const ro = obj(r) ?? {};
    const at = `${path}[${i}]`;
    const peers: PolicyPeer[] = [];
    arr(ro[peersField]).forEach((p, j) => {
      const peer = reducePeer(p, `${at}.${peersField}[${j}]`, refusals);
      if (peer) peers.push(peer);
    });
    const ports: PolicyPort[] = [];
    arr(ro.ports).forEach((p, j) => {
      const port = reducePort(p, `${at}.ports[${j}]`, refusals);
      if (port) ports.push(port);
    });
    rules.push({ peers: peers.length > 0 ? peers : NONE, ports: ports.length > 0 ? ports : NONE });
  });
  return rules;
}

/**
 * A NetworkPolicy, or undefined (with the reasons passed to `warn`) when the API server would refuse it.
 * `namespace` fills in when the object names none (a manifest's default namespace).
 */
export function reduceNetworkPolicy(o: Json, warn: Warn, namespace?: string): NetworkPolicy | undefined {
  const m = obj(o.metadata) ?? {};
  const name = str(m.name) ?? '';
  const ns = str(m.namespace) || namespace || DEFAULT_NAMESPACE;
  const spec = obj(o.spec) ?? {};
  const refusals = new Refusals();
  const podSelector = reduceSelector(spec.podSelector, 'spec.podSelector', refusals) ?? EVERYTHING;
  const ingress = reduceRules(spec.ingress, 'from', 'spec.ingress', refusals);
  const egress = reduceRules(spec.egress, 'to', 'spec.egress', refusals);
  const written = arr(spec.policyTypes);
  let policyTypes: PolicyType[] = [];
  written.forEach((t, i) => {
    if (t === 'Ingress' || t === 'Egress') {
      if (!policyTypes.includes(t)) policyTypes.push(t);
    } else refusals.add(`spec.policyTypes[${i}]`, `${JSON.stringify(t)} is not Ingress or Egress`);
  });
  if (written.length > 2) refusals.add('spec.policyTypes', 'may not specify more than two policyTypes');
  const defaulted = written.length === 0;
  if (defaulted) {
    // SetDefaults_NetworkPolicy: Ingress always; Egress when the policy has at least one egress rule (an empty
    // `egress: []` adds nothing).
    policyTypes = egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  if (refusals.list.length > 0) {
    const more = refusals.list.length > 1 ? ` (and ${refusals.list.length - 1} more)` : '';
    warn(`NetworkPolicy ${ns}/${name}: ${refusals.list[0]}${more}; the API server refuses this policy, so it is left out.`);
    return undefined;
  }
  for (const note of refusals.notes) warn(`NetworkPolicy ${ns}/${name}: ${note}.`);
  return { namespace: ns, name, podSelector, policyTypes, policyTypesDefaulted: defaulted, ingress, egress };
}

/** A policy of another API (see kinds.ts), or undefined when the object is not one. */
export function reduceOtherPolicy(o: Json, namespace?: string): OtherPolicy | undefined {
  const apiVersion = str(o.apiVersion) ?? '';
  const kind = str(o.kind) ?? '';
  const row = otherPolicyKind(apiVersion, kind);
  if (!row) return undefined;
  const m = obj(o.metadata) ?? {};
  const name = str(m.name) ?? '';
  if (row.clusterScoped) return { apiVersion, kind, name };
  return { apiVersion, kind, namespace: str(m.namespace) || namespace || DEFAULT_NAMESPACE, name };
}
