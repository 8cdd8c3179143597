// NetworkPolicy verdicts on references (core/reach): the hover's one line, the diagnostics NL017 to NL021 with their
// quick fixes (applied, then judged again), and the cases where the model cannot know and nothing is reported.
// Each fixture is one file, so that the quick fixes (edits of a policy of the same file) are offered.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeManifest } from '../../src/core/analyze';
import { type CheckSource, DIAGNOSTICS, type Finding, type Fix } from '../../src/core/check';
import { ManifestCache } from '../../src/core/incremental';
import type { ParsedManifest } from '../../src/core/manifests';
import { type ReferenceVerdict, referenceVerdict } from '../../src/core/reach';
import type { Reference } from '../../src/core/references';
import { Resolver } from '../../src/core/resolver';
import { ClusterSnapshot } from '../../src/core/snapshot';
import { buildWorkspaceModel, type WorkspaceModel } from '../../src/core/workspace';
import { repoRoot } from '../support/repo';

const ZONE = 'cluster.local';
const URI = 'shop.yaml';

/** The shop: web calls api (http://api:8080) and db (DB_HOST + DB_PORT); api admits web on a wrong port; web's egress admits api only. */
const SHOP = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {team: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers:
      - name: web
        image: example/web
        env:
        - name: API_URL
          value: http://api:8080/v1
        - name: DB_HOST
          value: db
        - name: DB_PORT
          value: "5432"
        readinessProbe:
          httpGet: {host: api, port: 8080, path: /healthz}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: example/api
        ports:
        - {name: http, containerPort: 8080}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports:
  - {name: http, port: 8080, targetPort: http}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - {name: db, image: postgres, ports: [{containerPort: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  selector: {app: db}
  ports:
  - {port: 5432}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector:
    matchLabels:
      app: api
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
    ports:
    - port: 9090
      protocol: TCP
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector:
        matchLabels:
          app: api
    ports:
    - port: 8080
      protocol: TCP
`;

interface Analysed {
  readonly text: string;
  readonly manifest: ParsedManifest;
  readonly model: WorkspaceModel;
  readonly sources: CheckSource[];
  readonly references: readonly Reference[];
  readonly findings: readonly Finding[];
}

/** One file as the workspace, analysed as `netlens check` and the editor analyse it. */
function analyse(text: string, extraSources: CheckSource[] = []): Analysed {
  const parsed = new ManifestCache({ zone: ZONE, defaultNamespace: 'default' }).parse(URI, text);
  const model = buildWorkspaceModel([parsed.manifest]);
  const sources: CheckSource[] = [
    ...extraSources,
    { name: 'the workspace manifests', resolver: new Resolver(model.snapshot, { podRecords: 'insecure' }), live: false, facts: model.facts },
  ];
  const a = analyzeManifest(parsed.manifest, { zone: ZONE, defaultNamespace: 'default', sources, workspace: model.snapshot }, parsed.references);
  return { text, manifest: parsed.manifest, model, sources, references: a.references, findings: a.findings };
}

/** The reference whose host is written at the n-th occurrence of `around` (the host being its first word). */
function refAt(a: Analysed, around: string, host: string): Reference {
  const at = a.text.indexOf(around) + around.indexOf(host);
  const ref = a.references.find((r) => r.hostStart === at);
  assert.ok(ref, `a reference at ${host} in "${around}"`);
  return ref;
}

function verdictOf(a: Analysed, around: string, host: string): ReferenceVerdict | undefined {
  return referenceVerdict(refAt(a, around, host), { sources: a.sources, workspace: a.model.snapshot });
}

function policyFindings(a: Analysed): Finding[] {
  return a.findings.filter((f) => /^NL0(1[7-9]|2[01])$/.test(f.code));
}

/** `code@text` for each policy finding: where it sits, shown by the text it covers. */
function placed(a: Analysed): string[] {
  return policyFindings(a).map((f) => `${f.code}@${a.text.slice(f.start, f.end)}`);
}

function apply(text: string, fix: Fix): string {
  let out = text;
  for (const e of [...fix.edits].sort((x, y) => y.start - x.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

describe('reach: the verdict line of a reference (what the hover shows)', () => {
  const a = analyse(SHOP);

  it('a blocked ingress names the isolating policy and what its closest rule lacks, and the blocked DNS', () => {
    const v = verdictOf(a, 'http://api:8080/v1', 'api');
    assert.ok(v);
    assert.equal(v.reach.verdict, 'blocked');
    assert.deepEqual(v.target, { kind: 'Service', namespace: 'shop', name: 'api', port: 8080, protocol: 'TCP' });
    assert.equal(
      v.line,
      'Policy: blocked — ingress of shop/api isolated by shop/api; closest rule shop/api#ingress[0] lacks port 8080/TCP; ' +
        'DNS blocked: the egress of shop/web (isolated by shop/web-egress) admits neither UDP nor TCP 53 to the DNS pods (assumed: kube-system, k8s-app=kube-dns)',
    );
    // The Service port 8080 goes to the container port named http (8080): the policy sees 8080 on the pod.
    assert.deepEqual(
      v.reach.paths.map((p) => [p.from, p.pod, p.port, p.egress.allowedBy.join()]),
      [['shop/web', 'shop/api', 8080, 'shop/web-egress#egress[0]']],
    );
  });

  it('a blocked egress names the closest rule that lacks the peer (a StatefulSet pod)', () => {
    const v = verdictOf(a, 'value: db', 'db')!;
    assert.equal(v.reach.verdict, 'blocked');
    assert.match(
      v.line,
      /^Policy: blocked — egress of shop\/web isolated by shop\/web-egress; closest rule shop\/web-egress#egress\[0\] lacks the peer shop\/db-0 and port 5432\/TCP; DNS blocked/,
    );
  });

  it('an allowed connection names the rules on each side', () => {
    const fixed = SHOP.replace('    - port: 9090\n', '    - port: 8080\n');
    const v = verdictOf(analyse(fixed), 'http://api:8080/v1', 'api')!;
    assert.equal(v.reach.verdict, 'allowed');
    assert.match(v.line, /^Policy: allowed — egress by shop\/web-egress#egress\[0\], ingress by shop\/api#ingress\[0\]; DNS blocked/);
  });

  it('no NetworkPolicy at all: allowed, and nothing said about DNS (the egress is not isolated)', () => {
    const bare = SHOP.slice(0, SHOP.indexOf('apiVersion: networking.k8s.io/v1'));
    const v = verdictOf(analyse(bare), 'http://api:8080/v1', 'api')!;
    assert.equal(v.line, 'Policy: allowed — no NetworkPolicy isolates either end');
  });

  it('has no verdict where the pods do not make the connection: a probe (the kubelet, from the node) and a ConfigMap', () => {
    assert.equal(verdictOf(a, 'httpGet: {host: api', 'api'), undefined);
    const cm = analyse(`${SHOP}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop}\ndata:\n  API: "api:8080"\n`);
    assert.equal(verdictOf(cm, 'API: "api:8080"', 'api'), undefined);
  });
});

describe('reach: diagnostics on blocked traffic, on the reference', () => {
  const a = analyse(SHOP);

  it('NL018 for api (ingress), NL017 for db (egress), NL019 for each name web looks up', () => {
    assert.deepEqual(placed(a).sort(), ['NL017@db', 'NL018@api', 'NL019@api', 'NL019@db'].sort());
    const nl018 = policyFindings(a).find((f) => f.code === 'NL018')!;
    assert.equal(nl018.severity, 'warning');
    assert.equal(
      nl018.message,
      'Service shop/api does not admit Deployment shop/web on 8080/TCP: ingress of shop/api isolated by shop/api; closest rule shop/api#ingress[0] lacks port 8080/TCP.',
    );
    const nl019 = policyFindings(a).find((f) => f.code === 'NL019' && a.text.slice(f.start, f.end) === 'db')!;
    assert.match(
      nl019.message,
      /^Deployment shop\/web looks up "db" in the cluster DNS, but the egress of shop\/web \(isolated by shop\/web-egress\) admits neither UDP nor TCP 53/,
    );
  });

  it('the probe host gets no finding although the same call from the pod would be blocked', () => {
    const probeAt = a.text.indexOf('httpGet: {host: api') + 'httpGet: {host: '.length;
    assert.equal(policyFindings(a).filter((f) => f.start === probeAt).length, 0);
  });

  it('quick fixes for NL018: the missing port on the closest rule, or a rule of its own; each makes it allowed', () => {
    const nl018 = policyFindings(a).find((f) => f.code === 'NL018')!;
    assert.deepEqual(
      nl018.fixes.map((f) => f.title),
      ['Add port 8080/TCP to shop/api#ingress[0]', 'Add an ingress rule to shop/api for app=web on 8080/TCP'],
    );
    for (const fix of nl018.fixes) {
      const after = analyse(apply(SHOP, fix));
      assert.equal(after.manifest.problems.length, 0, `${fix.title}: the edited file parses`);
      assert.equal(verdictOf(after, 'http://api:8080/v1', 'api')!.reach.verdict, 'allowed', fix.title);
      assert.deepEqual(
        placed(after).filter((p) => p.startsWith('NL018')),
        [],
        fix.title,
      );
    }
    const rule = apply(SHOP, nl018.fixes[1]!);
    assert.ok(
      rule.includes(
        '    - port: 9090\n      protocol: TCP\n  - from:\n    - podSelector:\n        matchLabels:\n          app: web\n    ports:\n    - port: 8080\n      protocol: TCP\n',
      ),
      rule,
    );
  });

  it('quick fixes for NL017: the peer (the Service selector) on the closest rule, or a rule of its own', () => {
    const nl017 = policyFindings(a).find((f) => f.code === 'NL017')!;
    // The closest rule lacks the peer and the port: only a new rule admits exactly this connection.
    assert.deepEqual(
      nl017.fixes.map((f) => f.title),
      ['Add an egress rule to shop/web-egress for app=db on 5432/TCP'],
    );
    const after = analyse(apply(SHOP, nl017.fixes[0]!));
    assert.equal(verdictOf(after, 'value: db', 'db')!.reach.verdict, 'allowed');
  });

  it('a rule of address blocks is not given the port: it was undecided on the pod, and the port would not admit it', () => {
    // web-egress#egress[1] admits 10.0.0.0/8 on 443: for db's pod, which has no IP yet, it "lacks the port" only.
    const text = `${SHOP}  - to:\n    - ipBlock: {cidr: 10.0.0.0/8}\n    ports:\n    - {port: 443}\n`;
    const a = analyse(text);
    const nl017 = policyFindings(a).find((f) => f.code === 'NL017')!;
    assert.match(nl017.message, /closest rule shop\/web-egress#egress\[1\] lacks port 5432\/TCP/);
    assert.deepEqual(
      nl017.fixes.map((f) => f.title),
      ['Add an egress rule to shop/web-egress for app=db on 5432/TCP'],
    );
  });

  it('a fix is offered only when the policy is in the same file', () => {
    const split = SHOP.indexOf('apiVersion: networking.k8s.io/v1');
    const parsed = [SHOP.slice(0, split), SHOP.slice(split)].map((t, i) =>
      new ManifestCache({ zone: ZONE, defaultNamespace: 'default' }).parse(`f${i}.yaml`, t),
    );
    const model = buildWorkspaceModel(parsed.map((p) => p.manifest));
    const sources: CheckSource[] = [{ name: 'the workspace manifests', resolver: new Resolver(model.snapshot), live: false, facts: model.facts }];
    const findings = analyzeManifest(
      parsed[0]!.manifest,
      { zone: ZONE, defaultNamespace: 'default', sources, workspace: model.snapshot },
      parsed[0]!.references,
    ).findings;
    const nl018 = findings.find((f) => f.code === 'NL018');
    assert.ok(nl018, 'still reported');
    assert.deepEqual(nl018.fixes, []);
  });

  it('severities are settings: off drops the finding', () => {
    const parsed = new ManifestCache({ zone: ZONE, defaultNamespace: 'default' }).parse(URI, SHOP);
    const model = buildWorkspaceModel([parsed.manifest]);
    const sources: CheckSource[] = [{ name: 'm', resolver: new Resolver(model.snapshot), live: false, facts: model.facts }];
    const f = analyzeManifest(
      parsed.manifest,
      { zone: ZONE, defaultNamespace: 'default', sources, workspace: model.snapshot, severities: { NL019: 'off', NL018: 'error' } },
      parsed.references,
    ).findings;
    assert.equal(f.filter((x) => x.code === 'NL019').length, 0);
    assert.equal(f.find((x) => x.code === 'NL018')?.severity, 'error');
  });
});

describe('reach: partial, DNS over UDP only, other namespaces', () => {
  it('partial: one of two endpoint workloads admits web; NL018 names the endpoint that does not', () => {
    // The api policy leaves the canary out; the canary's own policy admits nothing.
    const shop = SHOP.replace('    - port: 9090\n', '    - port: 8080\n').replace(
      '      app: api\n  ingress:',
      '      app: api\n    matchExpressions:\n    - {key: track, operator: DoesNotExist}\n  ingress:',
    );
    const text = `${shop}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api-canary, namespace: shop}
spec:
  selector: {matchLabels: {app: api, track: canary}}
  template:
    metadata: {labels: {app: api, track: canary}}
    spec:
      containers:
      - {name: api, image: example/api, ports: [{name: http, containerPort: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: canary-lockdown, namespace: shop}
spec:
  podSelector:
    matchLabels:
      track: canary
  ingress: []
`;
    const a = analyse(text);
    const v = verdictOf(a, 'http://api:8080/v1', 'api')!;
    assert.equal(v.reach.verdict, 'partial');
    assert.match(
      v.line,
      /^Policy: partial — blocked to 1 of 2 endpoints \(shop\/api-canary: ingress of shop\/api-canary isolated by shop\/canary-lockdown, whose policies admit no ingress at all\); allowed to the others; DNS blocked/,
    );
    const nl018 = policyFindings(a).find((f) => f.code === 'NL018')!;
    assert.match(nl018.message, /on 8080\/TCP to 1 of its 2 endpoints \(shop\/api-canary\)/);
  });

  it('DNS over UDP only: said in the line, not a finding (lookups work; large answers fail)', () => {
    const text = `${SHOP}  - ports:\n    - {port: 53, protocol: UDP}\n`;
    const a = analyse(text);
    const v = verdictOf(a, 'http://api:8080/v1', 'api')!;
    assert.equal(v.dns?.verdict, 'partial');
    assert.match(v.line, /; DNS over UDP only \(TCP 53 is blocked: large answers fail\)$/);
    assert.deepEqual(
      placed(a).filter((p) => p.startsWith('NL019')),
      [],
    );
  });

  it('a rule naming the DNS pods by namespace name and label admits lookups (the stand-in CoreDNS pod)', () => {
    const text = `${SHOP}  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - {port: 53, protocol: UDP}
    - {port: dns-tcp, protocol: TCP}
`;
    const v = verdictOf(analyse(text), 'value: db', 'db')!;
    assert.equal(v.dns?.verdict, 'allowed');
    assert.equal(v.dns?.standIn, true);
  });

  it('by the labels of a namespace the manifests do not declare: unknown, and no finding', () => {
    // kube-system is not declared here: whether it carries `name: kube-system` is not known.
    const text = `${SHOP}  - to:
    - namespaceSelector:
        matchLabels:
          name: kube-system
    ports:
    - {port: 53, protocol: UDP}
    - {port: 53, protocol: TCP}
`;
    const a = analyse(text);
    const v = verdictOf(a, 'value: db', 'db')!;
    assert.equal(v.dns?.verdict, 'unknown');
    assert.match(v.line, /DNS unknown \(it depends on the labels of namespace kube-system, which the model does not hold/);
    assert.deepEqual(
      placed(a).filter((p) => p.startsWith('NL019')),
      [],
    );
    // Declared with that label, the same rule is decided.
    const declared = analyse(`${text}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n  labels: {name: kube-system}\n`);
    assert.equal(verdictOf(declared, 'value: db', 'db')!.dns?.verdict, 'allowed');
  });

  it('a client in another namespace: the ingress fix adds a namespaceSelector by name', () => {
    const text = `${SHOP.replace('    - port: 9090\n', '    - port: 8080\n')}---
apiVersion: v1
kind: Namespace
metadata: {name: jobs}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: jobs}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec:
          containers:
          - name: report
            image: example/report
            args: ["--api", "http://api.shop:8080"]
`;
    const a = analyse(text);
    const v = verdictOf(a, 'http://api.shop:8080', 'api.shop')!;
    assert.equal(v.reach.verdict, 'blocked');
    assert.deepEqual(v.holder, { kind: 'CronJob', namespace: 'jobs', name: 'report' });
    const nl018 = policyFindings(a).find((f) => f.code === 'NL018' && a.text.slice(f.start, f.end) === 'api.shop')!;
    assert.deepEqual(
      nl018.fixes.map((f) => f.title),
      ['Add app=report in namespace jobs to shop/api#ingress[0]', 'Add an ingress rule to shop/api for app=report in namespace jobs on 8080/TCP'],
    );
    for (const fix of nl018.fixes) assert.equal(verdictOf(analyse(apply(text, fix)), 'http://api.shop:8080', 'api.shop')!.reach.verdict, 'allowed', fix.title);
  });
});

describe('reach: references written in a ConfigMap are the connections of the pods that read it', () => {
  const config = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data:
  API_ADDR: "api:8080"
`;
  const reader = (name: string, app: string, how: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec:
${how}
`;
  const byEnv = '      containers:\n      - name: c\n        image: example/c\n        envFrom:\n        - configMapRef: {name: web-config}';
  const byVolume = '      containers: [{name: c, image: example/c}]\n      volumes:\n      - name: cfg\n        configMap: {name: web-config}';

  it('one reader: its verdict, and NL018 on the ConfigMap line with the fix for that reader', () => {
    const text = SHOP + config + reader('billing', 'billing', byEnv);
    const a = analyse(text);
    const v = verdictOf(a, 'API_ADDR: "api:8080"', 'api')!;
    assert.equal(v.holder.kind, 'ConfigMap');
    assert.deepEqual(
      v.consumers?.map((c) => c.workload.name),
      ['billing'],
    );
    assert.equal(v.reach.verdict, 'blocked');
    assert.match(v.line, /lacks the peer shop\/billing and port 8080\/TCP \(for the pods that read ConfigMap web-config: Deployment shop\/billing\)$/);
    const nl018 = policyFindings(a).find((f) => f.code === 'NL018' && a.text.slice(f.start, f.end) === 'api' && f.start > a.text.indexOf('kind: ConfigMap'))!;
    assert.match(nl018.message, /^Service shop\/api does not admit Deployment shop\/billing \(which reads ConfigMap shop\/web-config\) on 8080\/TCP/);
    assert.deepEqual(
      nl018.fixes.map((f) => f.title),
      ['Add an ingress rule to shop/api for app=billing on 8080/TCP'],
    );
  });

  it('two readers, both blocked: reported without a fix (one rule would not serve both); one admitted: partial, not reported', () => {
    const both = analyse(SHOP + config + reader('billing', 'billing', byEnv) + reader('worker', 'worker', byVolume));
    const nl018 = policyFindings(both).filter((f) => f.code === 'NL018' && f.start > both.text.indexOf('kind: ConfigMap'));
    assert.equal(nl018.length, 1);
    assert.match(nl018[0]!.message, /does not admit any workload that reads ConfigMap shop\/web-config \(Deployment shop\/billing, Deployment shop\/worker\)/);
    assert.deepEqual(nl018[0]!.fixes, []);
    // web is admitted on 8080 once the port is right; billing still is not.
    const mixed = analyse(
      SHOP.replace('    - port: 9090\n', '    - port: 8080\n') + config + reader('billing', 'billing', byEnv) + reader('web2', 'web', byVolume),
    );
    const v = verdictOf(mixed, 'API_ADDR: "api:8080"', 'api')!;
    assert.equal(v.reach.verdict, 'partial');
    assert.match(
      v.line,
      /^Policy: partial — allowed from Deployment shop\/web2; not from Deployment shop\/billing \(ingress of shop\/api isolated by shop\/api; closest rule shop\/api#ingress\[0\] lacks the peer shop\/billing\) \(the workloads that read ConfigMap web-config\)/,
    );
    assert.deepEqual(
      policyFindings(mixed).filter((f) => f.start > mixed.text.indexOf('kind: ConfigMap') && f.code !== 'NL019'),
      [],
    );
  });

  it('a ConfigMap no workload reads has no verdict', () => {
    assert.equal(verdictOf(analyse(SHOP + config), 'API_ADDR: "api:8080"', 'api'), undefined);
  });
});

describe('reach: where the model cannot know, nothing is reported', () => {
  it('a Cilium policy in the namespace: unknown, named in the line, and no finding', () => {
    const text = `${SHOP}---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: l7, namespace: shop}\nspec: {}\n`;
    const a = analyse(text);
    const v = verdictOf(a, 'http://api:8080/v1', 'api')!;
    assert.equal(v.reach.verdict, 'unknown');
    assert.equal(v.reach.networkPolicies, 'blocked');
    assert.match(v.line, /^Policy: unknown — NetworkPolicies block it, but CiliumNetworkPolicy shop\/l7 may decide too \(not evaluated\)/);
    assert.deepEqual(placed(a), []);
  });

  it('a model that read no NetworkPolicies (a live cluster without the watch): unknown, no finding', () => {
    const model = buildWorkspaceModel([new ManifestCache({ zone: ZONE, defaultNamespace: 'default' }).parse(URI, SHOP).manifest]);
    const { networkPolicies: _, ...rest } = model.objects;
    const live = ClusterSnapshot.build(rest);
    const source: CheckSource = { name: 'the cluster of context test', resolver: new Resolver(live), live: true };
    // Only the live source: the workspace model still holds the pods of the reference's holder.
    const parsed = new ManifestCache({ zone: ZONE, defaultNamespace: 'default' }).parse(URI, SHOP);
    const a = analyzeManifest(parsed.manifest, { zone: ZONE, defaultNamespace: 'default', sources: [source], workspace: model.snapshot }, parsed.references);
    assert.deepEqual(
      a.findings.filter((f) => /^NL0(1[7-9]|2[01])$/.test(f.code)).map((f) => f.code),
      [],
    );
    const ref = a.references.find((r) => r.host === 'api' && r.context.includes('API_URL'))!;
    const v = referenceVerdict(ref, { sources: [source], workspace: model.snapshot })!;
    assert.equal(v.reach.reason, 'policies-unknown');
    assert.equal(v.line, 'Policy: unknown — the cluster of context test holds no NetworkPolicies to judge by (they were not read)');
  });

  it('a source that allows it wins over one that blocks it (as a name found in any source is found)', () => {
    const open = buildWorkspaceModel([
      new ManifestCache({ zone: ZONE, defaultNamespace: 'default' }).parse(URI, SHOP.replace('    - port: 9090\n', '    - port: 8080\n')).manifest,
    ]);
    const a = analyse(SHOP, [{ name: 'the cluster of context test', resolver: new Resolver(open.snapshot), live: true }]);
    const v = verdictOf(a, 'http://api:8080/v1', 'api')!;
    assert.equal(v.reach.verdict, 'allowed');
    assert.equal(v.model, 'the cluster of context test');
    assert.deepEqual(
      placed(a).filter((p) => p.startsWith('NL018')),
      [],
    );
  });

  it('a weak reference (a bare word in a field that only sometimes holds a host) is never a policy finding', () => {
    const text = SHOP.replace(
      '        - name: DB_HOST\n          value: db\n        - name: DB_PORT\n          value: "5432"\n',
      '        args: ["--backend", "db"]\n',
    );
    const a = analyse(text);
    assert.deepEqual(
      placed(a).filter((p) => p.endsWith('@db')),
      [],
    );
  });
});

describe('reach: the policies a file declares (NL020, NL021)', () => {
  const extra = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: typo, namespace: shop}
spec:
  podSelector:
    matchLabels:
      app: apii
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: wbe
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: elsewhere, namespace: shop}
spec:
  podSelector:
    matchLabels:
      role: batch
  ingress:
  - from:
    - podSelector:
        matchLabels:
          role: scheduler
`;

  it('a podSelector and a peer that select nothing, at the pair no pod has, with the near value as fix', () => {
    const a = analyse(SHOP + extra);
    assert.deepEqual(
      placed(a).filter((p) => /NL02[01]/.test(p)),
      ['NL020@app: apii', 'NL021@app: wbe'],
    );
    const nl020 = policyFindings(a).find((f) => f.code === 'NL020')!;
    assert.equal(
      nl020.message,
      'The podSelector of NetworkPolicy shop/typo (app=apii) selects no pod of namespace shop: the policy isolates nothing and its rules admit nothing; did you mean app=api?',
    );
    assert.deepEqual(
      nl020.fixes.map((f) => f.title),
      ['Change app to api'],
    );
    const fixed = analyse(apply(SHOP + extra, nl020.fixes[0]!));
    assert.deepEqual(
      placed(fixed).filter((p) => p.startsWith('NL020')),
      [],
    );
    const nl021 = policyFindings(a).find((f) => f.code === 'NL021')!;
    assert.match(
      nl021.message,
      /^Peer 0 of shop\/typo#ingress\[0\] selects pods app=wbe in namespace shop, and none has those labels: the rule admits nothing through this peer; did you mean app=web\?$/,
    );
  });

  it('a label key no pod of the namespace carries is written for pods kept elsewhere: no finding', () => {
    assert.deepEqual(
      placed(analyse(SHOP + extra)).filter((p) => p.includes('role')),
      [],
    );
  });

  it('a namespace whose pods the manifests do not hold, or where an operator may run pods: no finding', () => {
    const other = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: lone, namespace: payments}
spec:
  podSelector:
    matchLabels:
      app: apii
`;
    assert.deepEqual(placed(analyse(SHOP + other)), placed(analyse(SHOP)));
    const operated = `${SHOP + extra}---\napiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: shop}\nspec: {instances: 1}\n`;
    assert.deepEqual(
      placed(analyse(operated)).filter((p) => /NL02[01]/.test(p)),
      [],
    );
  });
});

describe('the diagnostic codes', () => {
  it('every code is in the README table and in the severity settings of package.json, with its default', () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { properties: Record<string, { default: string }> }> } };
    };
    const settings = pkg.contributes.configuration.properties['netlens.diagnostics.severity']!.properties;
    for (const d of Object.values(DIAGNOSTICS)) {
      assert.match(readme, new RegExp(`\\n\\| ${d.code} \\| ${d.name} \\| ${d.severity} \\|`), `${d.code} in the README's table`);
      assert.equal(settings[d.code]?.default, d.severity, `${d.code} in package.json`);
    }
    assert.deepEqual(Object.keys(settings).sort(), Object.keys(DIAGNOSTICS).sort());
  });
});
