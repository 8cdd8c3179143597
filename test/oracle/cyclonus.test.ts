/**
 * The differential test of the NetworkPolicy model against cyclonus (github.com/mattfenwick/cyclonus, an
 * independent implementation in Go whose simulator judges traffic from policies without a cluster): seeded random
 * scenarios (generate.ts), every cell judged by both, compared one by one.
 *
 * cyclonus reads `NotIn` differently from Kubernetes: for it a label that is absent does not satisfy
 * `key NotIn (...)` (kube/labelselector.go), while apimachinery's Requirement.Matches and the labels documentation
 * say it does. So the model is also run on the policies with each `NotIn` rewritten as `Exists` plus `NotIn`,
 * which in Kubernetes semantics is exactly cyclonus's reading: that run must agree with cyclonus on every cell,
 * and the cells where the two runs of the model differ are the cells that this one disagreement decides.
 *
 * The cyclonus binary comes from test/tools/build.sh (cached after the first build) or from $NETLENS_CYCLONUS.
 * NETLENS_ORACLE_SEED and NETLENS_ORACLE_SCENARIOS change the generated cases.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Namespace, NetworkPolicy, Pod } from '../../src/core/model';
import { PolicyIndex, type TrafficPeer, verdict } from '../../src/core/policy';
import { reduceNetworkPolicy } from '../../src/core/policy/reduce';
import { repoRoot } from '../support/repo';
import { type Json, type Scenario, scenarios } from './generate';

const SEED = Number(process.env.NETLENS_ORACLE_SEED ?? 11);
const SCENARIOS = Number(process.env.NETLENS_ORACLE_SCENARIOS ?? 160);
const NAME_LABEL = 'kubernetes.io/metadata.name';

function cyclonusBinary(): string {
  if (process.env.NETLENS_CYCLONUS) return process.env.NETLENS_CYCLONUS;
  const r = spawnSync('bash', [join(repoRoot(), 'test', 'tools', 'build.sh'), 'cyclonus'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  assert.equal(r.status, 0, 'test/tools/build.sh cyclonus');
  return r.stdout.trim().split('\n').pop()!;
}

/** SetDefaults_NetworkPolicy, written here apart from the model's own: cyclonus needs policyTypes filled in. */
function apiServerDefaults(p: Json): Json {
  const spec = p.spec as Json;
  const types = spec.policyTypes as string[] | undefined;
  if (types && types.length > 0) return p;
  const egress = spec.egress as unknown[] | undefined;
  return { ...p, spec: { ...spec, policyTypes: egress && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'] } };
}

/** The same policy with every `NotIn` requirement preceded by `Exists` on its key (cyclonus's reading of NotIn). */
function cyclonusNotIn(p: Json): Json {
  const selector = (s: unknown): unknown => {
    if (!s || typeof s !== 'object') return s;
    const sel = s as Json;
    const exprs = sel.matchExpressions as Json[] | undefined;
    if (!exprs) return sel;
    return { ...sel, matchExpressions: exprs.flatMap((e) => (e.operator === 'NotIn' ? [{ key: e.key, operator: 'Exists' }, e] : [e])) };
  };
  const peers = (list: unknown) =>
    Array.isArray(list)
      ? list.map((x: Json) => ({
          ...x,
          ...(x.podSelector ? { podSelector: selector(x.podSelector) } : {}),
          ...(x.namespaceSelector ? { namespaceSelector: selector(x.namespaceSelector) } : {}),
        }))
      : list;
  const spec = p.spec as Json;
  const rules = (list: unknown, field: string) =>
    Array.isArray(list) ? list.map((r: Json) => ({ ...r, ...(r[field] ? { [field]: peers(r[field]) } : {}) })) : list;
  return {
    ...p,
    spec: {
      ...spec,
      podSelector: selector(spec.podSelector),
      ...(spec.ingress ? { ingress: rules(spec.ingress, 'from') } : {}),
      ...(spec.egress ? { egress: rules(spec.egress, 'to') } : {}),
    },
  };
}

interface Built {
  readonly pods: Pod[][];
  readonly namespaces: Namespace[];
  readonly policies: NetworkPolicy[];
}

function build(all: readonly Scenario[], rewrite: (p: Json) => Json): Built {
  const namespaces: Namespace[] = [];
  const policies: NetworkPolicy[] = [];
  const pods: Pod[][] = [];
  for (const s of all) {
    for (const ns of s.namespaces) namespaces.push({ name: ns.name, labels: { ...ns.labels, [NAME_LABEL]: ns.name } });
    pods.push(
      s.pods.map((p) => ({
        namespace: p.namespace,
        name: p.name,
        ips: [p.ip],
        labels: p.labels,
        ready: true,
        phase: 'Running',
        hostNetwork: false,
        terminating: false,
        ports: p.ports.map((c) => ({ name: c.name, containerPort: c.port, protocol: c.protocol, container: 'main' })),
      })),
    );
    for (const raw of s.policies) {
      const refused: string[] = [];
      const p = reduceNetworkPolicy(rewrite(raw), (m) => {
        if (m.includes('refuses')) refused.push(m);
      });
      assert.ok(p, `the generator writes only policies the API server accepts: ${refused.join('; ')}`);
      policies.push(p);
    }
  }
  return { pods, namespaces, policies };
}

/** The model's verdicts, in the order of the scenarios' traffic. */
function judge(all: readonly Scenario[], built: Built): boolean[] {
  const index = PolicyIndex.build({ networkPolicies: built.policies, namespaces: built.namespaces });
  const out: boolean[] = [];
  all.forEach((s, i) => {
    const end = (e: number | string): TrafficPeer => (typeof e === 'number' ? { pod: built.pods[i]![e]! } : { ip: e });
    for (const t of s.traffic) {
      const v = verdict(index, end(t.source), end(t.destination), t.port, t.protocol);
      assert.notEqual(v.verdict, 'unknown', 'every generated pod has an address');
      out.push(v.verdict === 'allowed');
    }
  });
  return out;
}

/** cyclonus's traffic items for one scenario (its query-traffic JSON). */
function trafficJson(s: Scenario): Json[] {
  const labelsOf = new Map(s.namespaces.map((n) => [n.name, { ...n.labels, [NAME_LABEL]: n.name }]));
  const end = (e: number | string): Json => {
    if (typeof e === 'string') return { IP: e };
    const p = s.pods[e]!;
    return { Internal: { PodLabels: p.labels, NamespaceLabels: labelsOf.get(p.namespace), Namespace: p.namespace }, IP: p.ip };
  };
  return s.traffic.map((t) => {
    const dst = typeof t.destination === 'number' ? s.pods[t.destination]! : undefined;
    // The name of the destination's container port that serves this port and protocol, as cyclonus expects it.
    const name = dst?.ports.find((c) => c.port === t.port && c.protocol === t.protocol)?.name ?? '';
    return { Source: end(t.source), Destination: end(t.destination), Protocol: t.protocol, ResolvedPort: t.port, ResolvedPortName: name };
  });
}

function run(binary: string, dir: string): Promise<{ out: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['analyze', '--mode', 'query-traffic', '--policy-path', join(dir, 'policies'), '--traffic-path', join(dir, 'traffic.json')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`cyclonus exited with ${code}: ${err.slice(-2000)}`));
      else resolve({ out: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started });
    });
  });
}

/** cyclonus's verdicts, in the order of the scenarios' traffic: the scenarios cut into one batch per core. */
async function oracle(binary: string, all: readonly Scenario[]): Promise<{ allowed: boolean[]; ms: number; batches: number }> {
  const root = mkdtempSync(join(tmpdir(), 'netlens-cyclonus-'));
  try {
    const batches = Math.max(1, Math.min(availableParallelism(), all.length));
    const dirs: string[] = [];
    const per = Math.ceil(all.length / batches);
    for (let b = 0; b < batches; b++) {
      const part = all.slice(b * per, (b + 1) * per);
      if (part.length === 0) continue;
      const dir = join(root, `batch-${b}`);
      mkdirSync(join(dir, 'policies'), { recursive: true });
      // One NetworkPolicyList per batch: cyclonus reads a list from one file (a multi-document file would give
      // it only its first policy).
      const items = part.flatMap((s) => s.policies.map(apiServerDefaults));
      writeFileSync(join(dir, 'policies', 'policies.json'), JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', items }));
      writeFileSync(join(dir, 'traffic.json'), JSON.stringify(part.flatMap(trafficJson)));
      dirs.push(dir);
    }
    const started = Date.now();
    const outputs = await Promise.all(dirs.map((d) => run(binary, d)));
    const allowed: boolean[] = [];
    for (const { out } of outputs) for (const m of out.matchAll(/\| IS ALLOWED\? \|\s+(TRUE|FALSE)\s+\|/g)) allowed.push(m[1] === 'TRUE');
    return { allowed, ms: Date.now() - started, batches: dirs.length };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('the NetworkPolicy model against cyclonus', () => {
  it(`agrees on every cell of ${SCENARIOS} seeded scenarios (seed ${SEED}), but where cyclonus reads NotIn otherwise`, async (t) => {
    const binary = cyclonusBinary();
    const all = scenarios(SEED, SCENARIOS);
    const cells = all.reduce((n, s) => n + s.traffic.length, 0);
    assert.ok(cells >= 20_000, `at least 20,000 cells (${cells})`);

    const modelStarted = Date.now();
    const mine = judge(
      all,
      build(all, (p) => p),
    );
    const modelMs = Date.now() - modelStarted;
    const cyclonusReading = judge(all, build(all, cyclonusNotIn));
    const theirs = await oracle(binary, all);
    assert.equal(theirs.allowed.length, cells, 'cyclonus answered every traffic item');

    const differences: string[] = [];
    let notInDecides = 0;
    let disagreements = 0;
    let allowed = 0;
    let cell = 0;
    all.forEach((s, i) => {
      for (const tr of s.traffic) {
        const c = cell++;
        if (theirs.allowed[c]) allowed++;
        if (mine[c] !== cyclonusReading[c]) notInDecides++;
        if (mine[c] !== theirs.allowed[c]) disagreements++;
        if (cyclonusReading[c] !== theirs.allowed[c] && differences.length < 10) {
          const end = (e: number | string) => (typeof e === 'number' ? `${s.pods[e]!.namespace}/${s.pods[e]!.name}` : e);
          differences.push(
            `scenario ${i}: ${end(tr.source)} -> ${end(tr.destination)} ${tr.protocol}/${tr.port}: cyclonus ${theirs.allowed[c]}, NetLens ${cyclonusReading[c]}`,
          );
        }
      }
    });
    const policies = all.reduce((n, s) => n + s.policies.length, 0);
    t.diagnostic(`${cells} cells, ${all.length} scenarios, ${policies} policies; cyclonus allowed ${allowed} and blocked ${cells - allowed}`);
    t.diagnostic(
      `cyclonus: ${theirs.ms} ms in ${theirs.batches} parallel runs; NetLens: ${modelMs} ms (${((modelMs * 1000) / cells).toFixed(1)} µs a verdict, the index build included)`,
    );
    t.diagnostic(
      `cells decided by cyclonus's reading of NotIn for absent labels: ${notInDecides}; disagreements with cyclonus: ${disagreements}, all of them among those`,
    );
    assert.deepEqual(differences, [], 'NetLens with NotIn read as cyclonus reads it agrees with cyclonus on every cell');
    assert.ok(disagreements <= notInDecides);
    assert.ok(notInDecides > 0, 'the scenarios exercise NotIn on absent labels, so the explanation above is tested');
  });
});
