// Navigation through the language server, in-process: find references, rename, completion, code lenses, document
// links and workspace symbols, over open documents and workspace files that are only on disk.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Diagnostic, type Location, ResponseError, type WorkspaceEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Navigation, SHOW_REFERENCES_COMMAND } from '../../src/server/navigation';
import { NetLensServer, type ServerClient } from '../../src/server/server';

class Client implements ServerClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  viewsChanged?: () => void;
  workspaceChanged(): void {}
  publishDiagnostics(uri: string, _version: number | undefined, diagnostics: Diagnostic[]): void {
    this.diagnostics.set(uri, diagnostics);
  }
  log(): void {}
}

const SERVICES_URI = 'file:///ws/services.yaml';
const SERVICES = `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  selector: {app: api}
  ports: [{name: http, port: 8080, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: apiary, namespace: shop}
spec:
  selector: {app: apiary}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: apiary, namespace: shop}
spec:
  selector: {matchLabels: {app: apiary}}
  template:
    metadata: {labels: {app: apiary}}
    spec: {containers: [{name: apiary, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{}]
`;

const WEB_URI = 'file:///ws/web.yaml';
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: web
          image: x
          env:
            - {name: API_ADDR, value: "api:8080"}
            - {name: APIARY_ADDR, value: "apiary:80"}
          args: ["--upstream", "api.shop:8080"]
`;

/** Only on disk: a config map that spells the Service as an FQDN, and an Ingress backend. */
const EDGE_URI = 'file:///ws/edge.yaml';
const EDGE = `apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data:
  API_URL: http://api.shop.svc.cluster.local:8080/v1
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: api, port: {number: 8080}}}
`;

async function workspace(): Promise<{ server: NetLensServer; client: Client; nav: Navigation; texts: Map<string, string> }> {
  const client = new Client();
  const server = new NetLensServer(client);
  const texts = new Map([
    [SERVICES_URI, SERVICES],
    [WEB_URI, WEB],
    [EDGE_URI, EDGE],
  ]);
  await server.loadWorkspaceFiles(texts, async () => {});
  server.open(SERVICES_URI, SERVICES, 1);
  server.open(WEB_URI, WEB, 1);
  return { server, client, nav: new Navigation(server.navigationSource()), texts };
}

function offsetOf(text: string, needle: string, within = 0): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0 && text.indexOf(needle, i + 1) < 0, `"${needle}" occurs once`);
  return i + within;
}

function slice(texts: Map<string, string>, l: Location): string {
  const text = texts.get(l.uri)!;
  const doc = TextDocument.create(l.uri, 'yaml', 0, text);
  return text.slice(doc.offsetAt(l.range.start), doc.offsetAt(l.range.end));
}

function apply(texts: Map<string, string>, edit: WorkspaceEdit): Map<string, string> {
  const out = new Map(texts);
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    out.set(uri, TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 0, texts.get(uri)!), edits));
  }
  return out;
}

describe('server navigation: find references', () => {
  it('from the Service name: every spelling in open and on-disk files, the workloads it selects, the policies of its pods, the declaration when asked', async () => {
    const { nav, texts } = await workspace();
    const at = offsetOf(SERVICES, '  name: api\n', 9);
    const lineOf = (l: Location) => l.range.start.line + 1;
    const found = nav.references(SERVICES_URI, at, true).map((l) => `${l.uri.slice(7)}:${lineOf(l)} ${slice(texts, l)}`);
    const line = (text: string, needle: string) => text.slice(0, offsetOf(text, needle)).split('\n').length;
    const declaration = `/ws/services.yaml:${line(SERVICES, '  name: api\n')} api`;
    assert.deepEqual(
      found.sort(),
      [
        `/ws/edge.yaml:${line(EDGE, 'http://api.')} http://api.shop.svc.cluster.local:8080`,
        `/ws/edge.yaml:${line(EDGE, 'name: api, port')} api`,
        declaration,
        // The Deployment whose pods the selector matches, and the NetworkPolicy that selects them.
        `/ws/services.yaml:${line(SERVICES, 'metadata: {name: api, namespace: shop}')} api`,
        `/ws/services.yaml:${line(SERVICES, 'metadata: {name: api-ingress')} api-ingress`,
        `/ws/web.yaml:${line(WEB, '"api.shop:8080"')} api.shop:8080`,
        `/ws/web.yaml:${line(WEB, '"api:8080"')} api:8080`,
      ].sort(),
    );
    const withoutDeclaration = nav.references(SERVICES_URI, at, false).map((l) => `${l.uri.slice(7)}:${lineOf(l)} ${slice(texts, l)}`);
    assert.deepEqual(
      withoutDeclaration.sort(),
      found.filter((f) => f !== declaration),
    );
  });

  it('from a reference: the same places as from the Service', async () => {
    const { nav } = await workspace();
    const fromRef = nav.references(WEB_URI, offsetOf(WEB, 'api.shop:8080', 1), true);
    const fromName = nav.references(SERVICES_URI, offsetOf(SERVICES, '  name: api\n', 9), true);
    assert.deepEqual(fromRef, fromName);
  });

  it('nothing off a reference', async () => {
    const { nav } = await workspace();
    assert.deepEqual(nav.references(WEB_URI, offsetOf(WEB, 'image: x', 2), true), []);
  });
});

describe('server navigation: rename', () => {
  it('renames the Service and every reference in its own spelling, and the result has no broken reference', async () => {
    const { nav, texts } = await workspace();
    const at = offsetOf(WEB, '"api:8080"', 2);
    const prepared = nav.prepareRename(WEB_URI, at);
    assert.ok(!(prepared instanceof ResponseError));
    assert.equal(prepared.placeholder, 'api');
    const edit = nav.rename(WEB_URI, at, 'payments-api');
    assert.ok(!(edit instanceof ResponseError), edit instanceof ResponseError ? edit.message : '');
    const after = apply(texts, edit);
    assert.match(after.get(SERVICES_URI)!, /\n {2}name: payments-api\n {2}namespace: shop/);
    assert.match(after.get(SERVICES_URI)!, /name: apiary/, 'the near name is untouched');
    assert.match(after.get(SERVICES_URI)!, /metadata: \{name: api, namespace: shop\}/, 'the Deployment keeps its name');
    assert.match(after.get(WEB_URI)!, /value: "payments-api:8080"/);
    assert.match(after.get(WEB_URI)!, /"payments-api\.shop:8080"/);
    assert.match(after.get(WEB_URI)!, /value: "apiary:80"/);
    assert.match(after.get(EDGE_URI)!, /http:\/\/payments-api\.shop\.svc\.cluster\.local:8080\/v1/);
    assert.match(after.get(EDGE_URI)!, /service: \{name: payments-api, port/);

    // The renamed workspace, analysed again: every reference still resolves.
    const client = new Client();
    const server = new NetLensServer(client);
    await server.loadWorkspaceFiles(after, async () => {});
    for (const [uri, text] of after) server.open(uri, text, 2);
    for (const uri of after.keys()) assert.deepEqual(client.diagnostics.get(uri) ?? [], [], uri);
  });

  it('refuses an invalid name, and a place that is not a Service', async () => {
    const { nav } = await workspace();
    const refused = nav.rename(WEB_URI, offsetOf(WEB, '"api:8080"', 2), 'Payments_API');
    assert.ok(refused instanceof ResponseError);
    assert.match(refused.message, /not a valid Service name/);
    assert.ok(nav.prepareRename(WEB_URI, offsetOf(WEB, 'image: x', 2)) instanceof ResponseError);
  });

  it('refuses, saying where, when a template builds a name from the Service name; a templated other name does not', async () => {
    const client = new Client();
    const server = new NetLensServer(client);
    const templated = WEB.replace('"api.shop:8080"', '"http://api.{{ .Release.Namespace }}.svc:8080"');
    await server.loadWorkspaceFiles(
      new Map([
        [SERVICES_URI, SERVICES],
        [WEB_URI, templated],
      ]),
      async () => {},
    );
    server.open(SERVICES_URI, SERVICES, 1);
    const nav = new Navigation(server.navigationSource());
    const at = offsetOf(SERVICES, '  name: api\n', 9);
    const refused = nav.rename(SERVICES_URI, at, 'payments-api');
    assert.ok(refused instanceof ResponseError);
    assert.match(refused.message, /web\.yaml line 13 builds "api\.\{\{ \.Release\.Namespace \}\}\.svc" with a template expression/);

    const other = WEB.replace('"api.shop:8080"', '"http://{{ .Release.Name }}-api.{{ .Release.Namespace }}:8080"');
    server.setDiskFile(WEB_URI, other);
    assert.ok(!(nav.rename(SERVICES_URI, at, 'payments-api') instanceof ResponseError), 'release-api is another name');
  });
});

describe('server navigation: completion, code lenses, links, symbols', () => {
  it('completes Service names and ports in a reference position, each saying what it reaches', async () => {
    const { server, nav } = await workspace();
    const text = WEB.replace('"apiary:80"', '"apia"');
    server.open(WEB_URI, text, 2);
    const items = nav.completion(WEB_URI, offsetOf(text, '"apia', 5));
    assert.deepEqual(
      items.map((i) => i.label),
      ['apiary'],
    );
    assert.ok(items[0]!.detail, 'the item says what it reaches');
    const ports = WEB.replace('"api:8080"', '"api:');
    server.open(WEB_URI, ports, 3);
    assert.deepEqual(
      nav.completion(WEB_URI, offsetOf(ports, '"api:', 5)).map((i) => i.label),
      ['8080'],
    );
  });

  it('a code lens above each Service: its references and ready endpoints, opening the references', async () => {
    const { nav } = await workspace();
    const lenses = nav.codeLenses(SERVICES_URI);
    assert.equal(lenses.length, 2);
    const [api, apiary] = lenses;
    // The policy admits every peer: web's pods, the one client whose pods connect, may reach api.
    assert.match(api!.command!.title, /^4 references · 3 ready endpoints · reachable from 1 of 1 client$/);
    assert.match(apiary!.command!.title, /^1 reference · 1 ready endpoint · reachable from 1 of 1 client$/);
    assert.equal(api!.command!.command, SHOW_REFERENCES_COMMAND);
    assert.equal((api!.command!.arguments![2] as Location[]).length, 4);
    assert.deepEqual(nav.codeLenses(WEB_URI), []);
    // Above the object's first line, not between its lines.
    const lines = SERVICES.split('\n');
    assert.equal(lines[api!.range.start.line], 'apiVersion: v1');
    assert.equal(lines[apiary!.range.start.line], 'apiVersion: v1');
    assert.equal(lines[apiary!.range.start.line + 2], 'metadata: {name: apiary, namespace: shop}');
  });

  it('the code lens counts the clients that policies block', async () => {
    const client = new Client();
    const server = new NetLensServer(client);
    const denying = SERVICES.replace('  ingress: [{}]\n', '  policyTypes: [Ingress]\n');
    assert.notEqual(denying, SERVICES);
    await server.loadWorkspaceFiles(
      new Map([
        [SERVICES_URI, denying],
        [WEB_URI, WEB],
      ]),
      async () => {},
    );
    server.open(SERVICES_URI, denying, 1);
    const [api] = new Navigation(server.navigationSource()).codeLenses(SERVICES_URI);
    assert.match(api!.command!.title, / · reachable from 0 of 1 client$/);
  });

  it('each resolved reference links to the Service declaration', async () => {
    const { nav, texts } = await workspace();
    const links = nav.documentLinks(WEB_URI);
    const spans = links.map((l) => slice(texts, { uri: WEB_URI, range: l.range }));
    assert.deepEqual(spans.sort(), ['api', 'api.shop', 'apiary']);
    const line = SERVICES.slice(0, offsetOf(SERVICES, '  name: api\n')).split('\n').length;
    assert.ok(links.every((l) => l.target?.startsWith(`${SERVICES_URI}#L`)));
    assert.ok(links.some((l) => l.target === `${SERVICES_URI}#L${line},9`));
  });

  it('workspace symbols: Services, workloads and NetworkPolicies, searched by name', async () => {
    const { nav } = await workspace();
    const all = nav.symbols('');
    assert.deepEqual(all.map((s) => `${s.containerName}/${s.name}`).sort(), [
      'Deployment · shop/api',
      'Deployment · shop/apiary',
      'Deployment · shop/web',
      'NetworkPolicy · shop/api-ingress',
      'Service · shop/api',
      'Service · shop/apiary',
    ]);
    assert.deepEqual(
      nav.symbols('ingr').map((s) => s.name),
      ['api-ingress'],
    );
    assert.deepEqual(nav.symbols('zzz'), []);
  });
});

describe('server navigation: rename a port name', () => {
  const PORTS_URI = 'file:///ws/ports.yaml';
  const PORTS = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 8080, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: back}}
    spec:
      containers:
        - name: api
          image: x
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: http}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: x
          ports: [{name: http, containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{ports: [{port: http}]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: front, namespace: shop}
spec:
  defaultBackend: {service: {name: api, port: {name: http}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: discovery, namespace: shop}
data:
  SRV_NAME: _http._tcp.api.shop.svc.cluster.local
`;

  async function ports(): Promise<{ nav: Navigation; texts: Map<string, string> }> {
    const server = new NetLensServer(new Client());
    const texts = new Map([[PORTS_URI, PORTS]]);
    await server.loadWorkspaceFiles(texts, async () => {});
    server.open(PORTS_URI, PORTS, 1);
    return { nav: new Navigation(server.navigationSource()), texts };
  }

  /** Each changed line, before → after. */
  function changedLines(before: string, after: string): string[] {
    const a = before.split('\n');
    const b = after.split('\n');
    assert.equal(a.length, b.length);
    return a.flatMap((l, i) => (l === b[i] ? [] : [`${l.trim()} → ${b[i]!.trim()}`]));
  }

  async function renamed(needle: string, within: number, newName: string): Promise<string[]> {
    const { nav, texts } = await ports();
    const at = offsetOf(PORTS, needle, within);
    const prepared = nav.prepareRename(PORTS_URI, at);
    assert.ok(!(prepared instanceof ResponseError), prepared instanceof ResponseError ? prepared.message : '');
    assert.equal(prepared.placeholder, 'http');
    const edit = nav.rename(PORTS_URI, at, newName);
    assert.ok(!(edit instanceof ResponseError), edit instanceof ResponseError ? edit.message : '');
    const after = apply(texts, edit).get(PORTS_URI)!;
    // The result checks clean, as the original does.
    const client = new Client();
    const server = new NetLensServer(client);
    server.open(PORTS_URI, after, 1);
    assert.deepEqual(client.diagnostics.get(PORTS_URI), []);
    return changedLines(PORTS, after);
  }

  it('a Service port: the Ingress backend and the SRV name follow; the pods’ port names do not', async () => {
    assert.deepEqual(await renamed('ports: [{name: http, port: 8080', 16, 'web'), [
      'ports: [{name: http, port: 8080, targetPort: http}] → ports: [{name: web, port: 8080, targetPort: http}]',
      'defaultBackend: {service: {name: api, port: {name: http}}} → defaultBackend: {service: {name: api, port: {name: web}}}',
      'SRV_NAME: _http._tcp.api.shop.svc.cluster.local → SRV_NAME: _web._tcp.api.shop.svc.cluster.local',
    ]);
  });

  it('from a reference to the port: the same edits', async () => {
    assert.deepEqual(await renamed('port: {name: http}', 15, 'web'), await renamed('ports: [{name: http, port: 8080', 16, 'web'));
  });

  it('a container port: the selecting Service’s targetPort, the probe, the policy port follow; another workload’s do not', async () => {
    assert.deepEqual(await renamed('ports: [{name: http, containerPort: 8080}]', 16, 'api-http'), [
      'ports: [{name: http, port: 8080, targetPort: http}] → ports: [{name: http, port: 8080, targetPort: api-http}]',
      'ports: [{name: http, containerPort: 8080}] → ports: [{name: api-http, containerPort: 8080}]',
      'readinessProbe: {httpGet: {path: /ready, port: http}} → readinessProbe: {httpGet: {path: /ready, port: api-http}}',
      'ingress: [{ports: [{port: http}]}] → ingress: [{ports: [{port: api-http}]}]',
    ]);
  });

  it('find references on a port name, and names the API server would refuse', async () => {
    const { nav, texts } = await ports();
    const at = offsetOf(PORTS, 'ports: [{name: http, containerPort: 8080}]', 16);
    const found = nav.references(PORTS_URI, at, false).map((l) => slice(texts, l));
    assert.deepEqual(found, ['http', 'http', 'http']);
    const tooLong = nav.rename(PORTS_URI, at, 'a-very-long-port-name');
    assert.ok(tooLong instanceof ResponseError);
    assert.match(tooLong.message, /not a valid container port name/);
  });
});

describe('server views: who talks to whom, and the policies of a pod', () => {
  it("a Service's clients: the workloads whose references name it, with the verdict, their pods and places", async () => {
    const { server, client, texts } = await workspace();
    let told = 0;
    client.viewsChanged = () => void told++;
    await server.clientsSettled();
    assert.equal(told, 1, 'the views are told when the clients are computed');
    const view = server.namespace('shop');
    const api = view.services.find((s) => s.name === 'api')!;
    assert.equal(api.clients?.length, 1);
    const [web] = api.clients!;
    assert.deepEqual([web!.kind, web!.namespace, web!.name, web!.verdict, web!.isolated], ['Deployment', 'shop', 'web', 'allowed', true]);
    assert.match(web!.line, /ingress by shop\/api-ingress#ingress\[0\]/);
    assert.deepEqual(web!.ports, ['8080/TCP']);
    assert.equal(web!.references, 2);
    assert.deepEqual(
      web!.locations.map((l) => slice(texts, l)),
      ['api:8080', 'api.shop:8080'],
    );
    assert.deepEqual(
      web!.pods,
      view.pods.filter((p) => p.pending?.name === 'web').map((p) => p.name),
    );
    const apiary = view.services.find((s) => s.name === 'apiary')!;
    assert.deepEqual(
      apiary.clients?.map((c) => [c.name, c.verdict, c.isolated]),
      [['web', 'allowed', false]],
    );
  });

  it('an edit that removes a reference removes the client; a policy that denies makes it blocked', async () => {
    const { server } = await workspace();
    await server.clientsSettled();
    server.change(WEB_URI, WEB.replace('            - {name: API_ADDR, value: "api:8080"}\n', '').replace('"--upstream", "api.shop:8080"', '"--verbose"'), 2);
    await server.clientsSettled();
    assert.equal(server.namespace('shop').services.find((s) => s.name === 'api')!.clients, undefined);
    server.change(SERVICES_URI, SERVICES.replace('  ingress: [{}]\n', '  policyTypes: [Ingress]\n'), 2);
    server.change(WEB_URI, WEB, 3);
    await server.clientsSettled();
    const [web] = server.namespace('shop').services.find((s) => s.name === 'api')!.clients!;
    assert.equal(web!.verdict, 'blocked');
    assert.match(web!.line, /^Policy: blocked — .*isolated by shop\/api-ingress/);
  });

  it('a workspace with many references: computed in the background, the views keep the last clients meanwhile', async () => {
    const { server, client } = await workspace();
    await server.clientsSettled();
    const many = Array.from({ length: 1500 }, (_, i) => `            - {name: APIARY_${i}, value: "apiary:80"}\n`).join('');
    const big = WEB.replace('          args:', `${many}          args:`);
    let told = 0;
    client.viewsChanged = () => void told++;
    server.change(WEB_URI, big, 2);
    const before = server.namespace('shop').services.find((s) => s.name === 'apiary')!.clients!;
    assert.equal(before[0]!.references, 1, 'the last clients, while the new ones are computed');
    assert.equal(told, 0);
    await server.clientsSettled();
    assert.equal(told, 1);
    const after = server.namespace('shop').services.find((s) => s.name === 'apiary')!.clients!;
    assert.equal(after[0]!.references, 1501);
    assert.equal(after[0]!.locations.length, 20, 'places listed up to a bound');
  });

  it("a pod's policies by direction, and where the workspace declares one", async () => {
    const { server } = await workspace();
    const pods = server.namespace('shop').pods;
    const api = pods.find((p) => p.pending?.name === 'api')!;
    assert.deepEqual(api.policies, { ingress: ['shop/api-ingress'], egress: [] });
    const web = pods.find((p) => p.pending?.name === 'web')!;
    assert.deepEqual(web.policies, { ingress: [], egress: [] });
    const at = server.declaration('NetworkPolicy', 'shop', 'api-ingress');
    assert.equal(at?.uri, SERVICES_URI);
    assert.equal(SERVICES.split('\n')[at!.range.start.line]!.slice(at!.range.start.character, at!.range.end.character), 'api-ingress');
  });
});
