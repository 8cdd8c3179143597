/**
 * NetLens's resolver, fed by the live model, against CoreDNS (`pods verified`) serving the same control plane,
 * over real DNS: every question must get the same rcode and the same records. Then the cluster changes (pods
 * come and go, a Service is recreated, a port changes, readiness flips) and the comparison runs again once
 * the model has converged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LiveModel } from '../../src/cluster/live-model';
import { dashedIP, reverseName } from '../../src/core/ip';
import type { DnsRecord, RecordType } from '../../src/core/resolver';
import { endpointHostname, Resolver } from '../../src/core/resolver';
import type { ClusterSnapshot } from '../../src/core/snapshot';
import { ask } from './dns-client';
import { createPod, type FixturePod, loadFixtures, NAMESPACES, NODES, podIPs } from './fixtures';
import { Kube } from './kube';
import { type Plane, startPlane } from './plane';
import { endpointsSettled, eventually, untilModel } from './wait';

const Z = 'cluster.local.';

interface Question {
  readonly name: string;
  readonly type: RecordType;
}

/** Questions about everything the snapshot holds, and about names that do not exist. */
export function questions(snapshot: ClusterSnapshot): Question[] {
  const qs: Question[] = [];
  const add = (name: string, ...types: RecordType[]) => {
    for (const type of types) qs.push({ name, type });
  };
  const namespaces = [...snapshot.namespaceNames(), 'nonexistent'];
  const serviceNames = new Set<string>(['missing']);
  for (const s of snapshot.services()) serviceNames.add(s.name);
  for (const ns of namespaces) {
    add(`${ns}.svc.${Z}`, 'A', 'TXT', 'SRV');
    add(`${ns}.pod.${Z}`, 'A');
    for (const name of serviceNames) add(`${name}.${ns}.svc.${Z}`, 'A', 'AAAA', 'SRV', 'TXT', 'CNAME', 'PTR');
  }
  for (const s of snapshot.services()) {
    const base = `${s.name}.${s.namespace}.svc.${Z}`;
    for (const p of s.ports) {
      if (p.name) {
        add(`_${p.name}._${p.protocol.toLowerCase()}.${base}`, 'SRV', 'A', 'AAAA');
        add(`_${p.name}._sctp.${base}`, 'SRV');
      }
    }
    add(`_nope._tcp.${base}`, 'SRV');
    add(`_tcp.${base}`, 'SRV');
    add(`bogus.${base}`, 'A');
    for (const slice of snapshot.slicesOf(s.namespace, s.name)) {
      for (const e of slice.endpoints) {
        for (const a of e.addresses) {
          add(`${endpointHostname(e, a)}.${base}`, 'A', 'AAAA', 'SRV');
          if (e.hostname) add(`${dashedIP(a)}.${base}`, 'A');
          add(reverseName(a)!, 'PTR');
        }
      }
    }
    for (const ip of s.clusterIPs) add(reverseName(ip)!, 'PTR');
  }
  for (const p of snapshot.pods()) {
    for (const ip of p.ips) {
      const label = dashedIP(ip);
      add(`${label}.${p.namespace}.pod.${Z}`, 'A', 'AAAA');
      add(`${label}.quiet.pod.${Z}`, 'A');
      add(reverseName(ip)!, 'PTR');
    }
  }
  for (const n of NODES) add(reverseName(n.ip)!, 'PTR');
  add(reverseName('10.244.250.250')!, 'PTR');
  add(reverseName('fd00:10:244::ffff')!, 'PTR');
  add(`10-244-250-250.shop.pod.${Z}`, 'A');
  add(`not-an-ip.shop.pod.${Z}`, 'A');
  add(Z, 'A', 'TXT', 'SRV');
  add(`svc.${Z}`, 'A', 'TXT');
  add(`pod.${Z}`, 'A');
  add(`dns-version.${Z}`, 'TXT', 'A');
  add(`foo.${Z}`, 'A');
  add(`web.shop.services.${Z}`, 'A');
  add(`web.shop.${Z}`, 'A');
  add(`*.shop.svc.${Z}`, 'A');
  add(`a.b.c.web.shop.svc.${Z}`, 'A');
  add(`0.244.10.in-addr.arpa.`, 'PTR');
  return qs;
}

function show(records: readonly DnsRecord[]): string[] {
  return records.map((r) => `${r.name} ${r.type} ${r.data}`).sort();
}

interface Mismatch {
  readonly q: Question;
  readonly coredns: string;
  readonly netlens: string;
}

async function compare(resolver: Resolver, dns: string, q: Question): Promise<Mismatch | undefined> {
  const ours = resolver.query(q.name, q.type);
  const theirs = await ask(dns, q.name, q.type);
  const a = `${theirs.rcode} [${show(theirs.answers).join(' | ')}]${q.type === 'SRV' ? ` extra [${show(theirs.additional).join(' | ')}]` : ''}`;
  const b = `${ours.rcode} [${show(ours.answers).join(' | ')}]${q.type === 'SRV' ? ` extra [${show(ours.additional).join(' | ')}]` : ''}`;
  return a === b ? undefined : { q, coredns: a, netlens: `${b}  (${ours.explanation.summary})` };
}

/** Compares every question; mismatches are asked again until both sides agree or the time is up (CoreDNS and the model lag a little behind each other). */
async function compareAll(model: LiveModel, dns: string, qs: Question[]): Promise<Mismatch[]> {
  let pending = qs;
  let mismatches: Mismatch[] = [];
  const deadline = Date.now() + 20_000;
  for (;;) {
    const resolver = new Resolver(model.snapshot(), { podRecords: 'verified' });
    mismatches = [];
    const batch = 32;
    for (let i = 0; i < pending.length; i += batch) {
      const results = await Promise.all(pending.slice(i, i + batch).map((q) => compare(resolver, dns, q)));
      for (const r of results) if (r) mismatches.push(r);
    }
    if (mismatches.length === 0 || Date.now() > deadline) return mismatches;
    pending = mismatches.map((m) => m.q);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function report(mismatches: Mismatch[]): string {
  return mismatches
    .slice(0, 40)
    .map((m) => `${m.q.name} ${m.q.type}\n   CoreDNS: ${m.coredns}\n   NetLens: ${m.netlens}`)
    .join('\n');
}

describe('NetLens against CoreDNS on a real control plane', { timeout: 30 * 60 * 1000 }, () => {
  const marker = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: 'default', name: `dns-read-${process.pid}` },
    spec: { ports: [{ port: 80 }] },
  };
  let plane: Plane;
  let kube: Kube;
  let model: LiveModel;
  let pods: FixturePod[];

  before(async () => {
    plane = startPlane();
    kube = new Kube(plane.kubeconfig);
    pods = await loadFixtures(kube);
    // Tests before this one restart the API server, and CoreDNS's watches come back after a backoff of up to 30 s:
    // a Service made now that CoreDNS answers shows that it reads the cluster again.
    const made = Date.now();
    await kube.create(marker);
    await eventually(async () => (await ask(plane.dns, `${marker.metadata.name}.default.svc.${Z}`, 'A')).rcode === 'NOERROR', 120_000);
    console.log(`differential: CoreDNS answered a Service made now after ${Date.now() - made} ms`);
    model = new LiveModel({ path: plane.kubeconfig, debounceMs: 20 });
    model.start();
    const status = await model.whenSettled(60_000);
    assert.equal(status.state, 'ready', JSON.stringify(status));
    // The controller manager writes EndpointSlices after the pods: wait until they match the pods.
    await untilModel(model, (s) => endpointsSettled(s, NAMESPACES), 60_000);
  });

  after(async () => {
    model?.stop();
    await kube?.delete(marker).catch(() => undefined);
    kube?.close();
  });

  it('answers at least 1,000 questions exactly as CoreDNS does', async () => {
    const qs = questions(model.snapshot());
    assert.ok(qs.length >= 1000, `only ${qs.length} questions`);
    const mismatches = await compareAll(model, plane.dns, qs);
    console.log(`differential: ${qs.length} questions compared, ${mismatches.length} mismatches`);
    assert.equal(mismatches.length, 0, report(mismatches));
  });

  it('expands relative names with the search path as a pod would, step by step', async () => {
    const names = ['web', 'web.shop', 'db.data', 'db-0.db.data', 'ext', 'missing', 'shop', '_http._tcp.web.shop', 'kubernetes.default'];
    const resolver = new Resolver(model.snapshot(), { podRecords: 'verified' });
    let steps = 0;
    const problems: string[] = [];
    for (const ns of NAMESPACES) {
      for (const name of names) {
        const r = resolver.resolve(name, { namespace: ns });
        assert.ok(r.ok);
        for (const step of r.answer.explanation.search ?? []) {
          if (step.rcode === 'REFUSED') continue; // outside the cluster's zones: forwarded upstream, not CoreDNS's kubernetes plugin
          steps++;
          const theirs = await ask(plane.dns, step.name, 'A');
          const theirCount = theirs.answers.length;
          if (theirs.rcode !== step.rcode || theirCount !== step.answers) {
            problems.push(`${name} from ${ns}: step ${step.name}: CoreDNS ${theirs.rcode}/${theirCount}, NetLens ${step.rcode}/${step.answers}`);
          }
        }
      }
    }
    console.log(`differential: ${steps} search steps compared`);
    assert.deepEqual(problems, []);
  });

  it('agrees again after the cluster changes', async () => {
    const before = model.snapshot();
    const oldSingleIP = before.service('shop', 'single')!.clusterIPs[0];
    // Scale up and down.
    const added: FixturePod[] = [
      {
        namespace: 'shop',
        name: 'web-9',
        labels: { app: 'web' },
        ips: podIPs(false),
        node: 'node-b',
        ready: true,
        ports: [
          { name: 'http', containerPort: 8080 },
          { name: 'metrics', containerPort: 9090 },
        ],
      },
      {
        namespace: 'data',
        name: 'db-3',
        labels: { app: 'db' },
        ips: podIPs(false),
        node: 'node-c',
        ready: true,
        hostname: 'db-3',
        subdomain: 'db',
        ports: [{ name: 'pg', containerPort: 5432 }],
      },
    ];
    await kube.all(added, (p) => createPod(kube, p));
    const removed = pods.filter((p) => p.name === 'web-0' || p.name === 'cache-2');
    await kube.all(removed, (p) => kube.delete({ kind: 'Pod', metadata: { namespace: p.namespace, name: p.name } }));
    // Delete and recreate a Service: it gets a new cluster IP.
    const single = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'shop', name: 'single' },
      spec: { selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 8080 }] },
    };
    await kube.delete(single);
    await untilModel(model, (s) => s.service('shop', 'single') === undefined, 30_000);
    await kube.create(single);
    // Change a port.
    await kube.must(
      'PATCH',
      '/api/v1/namespaces/shop/services/web',
      {
        spec: {
          ports: [
            { name: 'http', port: 80, targetPort: 'http' },
            { name: 'admin', port: 9191, targetPort: 'metrics' },
          ],
        },
      },
      'application/merge-patch+json',
    );
    // Flip readiness both ways.
    const slow = pods.find((p) => p.name === 'web-slow')!;
    const cache1 = pods.find((p) => p.name === 'cache-1')!;
    await kube.setPodStatus(slow.namespace, slow.name, slow.ips, NODES[1]!.ip, true);
    await kube.setPodStatus(cache1.namespace, cache1.name, cache1.ips, NODES[1]!.ip, false);

    const endpointsOf = (s: ClusterSnapshot, ns: string, svc: string) => s.slicesOf(ns, svc).flatMap((sl) => sl.endpoints);
    await untilModel(
      model,
      (s) => {
        const single2 = s.service('shop', 'single');
        const webEps = endpointsOf(s, 'shop', 'web');
        return (
          single2 !== undefined &&
          single2.clusterIPs[0] !== oldSingleIP &&
          s.service('shop', 'web')!.ports.some((p) => p.port === 9191) &&
          webEps.some((e) => e.addresses.includes(added[0]!.ips[0]!)) &&
          !webEps.some((e) => e.addresses.includes(removed.find((p) => p.name === 'web-0')!.ips[0]!)) &&
          webEps.some((e) => e.addresses.includes(slow.ips[0]!) && e.ready) &&
          endpointsOf(s, 'data', 'cache').some((e) => e.addresses.includes(cache1.ips[0]!) && !e.ready) &&
          endpointsOf(s, 'data', 'db').some((e) => e.hostname === 'db-3') &&
          s.slicesOf('shop', 'web').every((sl) => sl.ports.some((p) => p.name === 'admin')) &&
          endpointsSettled(s, NAMESPACES)
        );
      },
      60_000,
    );
    // CoreDNS sees the same cluster through its own watches: wait until it serves the new Service IP.
    const singleIP = model.snapshot().service('shop', 'single')!.clusterIPs[0]!;
    await eventually(async () => (await ask(plane.dns, `single.shop.svc.${Z}`, 'A')).answers.some((a) => a.data === singleIP), 30_000);

    const qs = questions(model.snapshot());
    const mismatches = await compareAll(model, plane.dns, qs);
    console.log(`differential after changes: ${qs.length} questions compared, ${mismatches.length} mismatches`);
    assert.equal(mismatches.length, 0, report(mismatches));
    // The old objects are gone from the model, with no duplicates.
    const names = [...model.snapshot().pods()].map((p) => `${p.namespace}/${p.name}`);
    assert.equal(new Set(names).size, names.length);
    assert.ok(!names.includes('shop/web-0'));
    assert.ok(names.includes('data/db-3'));
  });
});
