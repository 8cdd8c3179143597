// The language server in the client's language: a client that sends `locale` in `initialize` (es, zh-CN, ko-KR)
// gets its diagnostics, quick-fix titles, hovers and inlay hints in that language, over the real LSP framing on
// in-memory streams; codes, kinds, names, addresses, ports and field names stay as they are. A client without a
// locale, or with one NetLens has no table for, gets the English it always got. One server at a time: the
// language is the process's (src/core/l10n.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createConnection } from 'vscode-languageserver/node';
import {
  type CodeAction,
  CodeActionRequest,
  createProtocolConnection,
  type Diagnostic,
  DidOpenTextDocumentNotification,
  type Hover,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  type InlayHint,
  InlayHintRequest,
  LogMessageNotification,
  type LogMessageParams,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { chooseLocale } from '../../src/cli/locale';
import { languageOf, t, useMessages } from '../../src/core/l10n';
import { readTable, tablesDir, useLocale } from '../../src/l10n/tables';
import { NamespaceRequest } from '../../src/protocol/requests';
import { serve } from '../../src/server/connection';
import { Inbox } from '../support/inbox';

const SERVICES = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  clusterIP: 10.96.4.2
  selector: {app: api}
  ports: [{name: http, port: 8080, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: orders, namespace: shop}
spec: {clusterIP: 10.96.4.3, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: cache, namespace: shop}
spec: {ports: [{port: 6379}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: example/api, ports: [{name: http, containerPort: 8080}]}]
`;
const CLIENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: front
          env:
            - {name: API_URL, value: "http://api.shop:8080"}
            - {name: ORDERS_ADDR, value: "ordrs.shop:80"}
            - {name: API_ADMIN, value: "api.shop:9999"}
`;

function position(needle: string, delta = 0): { line: number; character: number } {
  const before = CLIENT.slice(0, CLIENT.indexOf(needle) + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

const temps: string[] = [];
// The server's own file watches do not keep a process alive (its connection does; here, this handle).
const alive = setInterval(() => undefined, 1 << 30);
after(() => {
  clearInterval(alive);
  useMessages(undefined);
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** What a client sees of the front Deployment's file, from a server started with `locale`. */
interface Seen {
  readonly nl001: Diagnostic;
  readonly nl003: Diagnostic;
  readonly fixes: string[];
  readonly hover: string;
  readonly hints: string[];
  /** The tree's and the map's Services of shop: `name: address · readiness`. */
  readonly services: string[];
}

async function seen(locale: string | undefined): Promise<Seen> {
  const ws = mkdtempSync(join(tmpdir(), 'netlens-l10n-'));
  temps.push(ws);
  writeFileSync(join(ws, 'services.yaml'), SERVICES);
  const uri = pathToFileURL(join(ws, 'front.yaml')).href;
  const up = new PassThrough();
  const down = new PassThrough();
  const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  serve(server);
  const client: ProtocolConnection = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const diagnostics = new Inbox<PublishDiagnosticsParams>();
  const logs = new Inbox<LogMessageParams>();
  client.onNotification(PublishDiagnosticsNotification.type, (p) => diagnostics.push(p));
  client.onNotification(LogMessageNotification.type, (p) => logs.push(p));
  client.onRequest('workspace/configuration', () => [{}]);
  client.onRequest('client/registerCapability', () => null);
  client.listen();
  try {
    await client.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: null,
      ...(locale ? { locale } : {}),
      capabilities: {
        textDocument: {
          hover: { contentFormat: ['markdown'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          inlayHint: {},
        },
      },
      initializationOptions: { cluster: false },
      workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'ws' }],
    });
    await client.sendNotification(InitializedNotification.type, {});
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: CLIENT } });
    // The workspace is read (and says so) before the document's findings can name its Services.
    await logs.next((l) => l.message.startsWith('Workspace: '));
    const published = await diagnostics.next((p) => p.uri === uri && p.diagnostics.length === 2);
    const byCode = (code: string) => published.diagnostics.find((d) => d.code === code)!;
    const actions = (await client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: byCode('NL001').range,
      context: { diagnostics: [byCode('NL001')] },
    })) as CodeAction[];
    const portActions = (await client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: byCode('NL003').range,
      context: { diagnostics: [byCode('NL003')] },
    })) as CodeAction[];
    const hover = (await client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: position('api.shop:8080', 1) })) as Hover;
    const hints = (await client.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    })) as InlayHint[];
    const shop = await client.sendRequest(NamespaceRequest, { namespace: 'shop' });
    return {
      services: shop.services.map((v) => `${v.name}: ${v.address} · ${v.readiness}`).sort(),
      nl001: byCode('NL001'),
      nl003: byCode('NL003'),
      fixes: [...actions, ...portActions].map((a) => a.title),
      hover: (hover.contents as { value: string }).value,
      hints: hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''))),
    };
  } finally {
    // Shut down first: the server stops watching the folder, which is deleted at the end.
    await client.sendRequest(ShutdownRequest.type);
    client.dispose();
    server.dispose();
  }
}

/** What each language says; the names, codes, addresses and ports in it are the English run's. */
const EXPECTED: Record<string, { nl001: string; nl003: string; fixes: string[]; hover: RegExp[]; hints: string[]; services: string[] }> = {
  es: {
    nl001: 'No hay ningún Service "ordrs" en el namespace shop en los manifiestos del área de trabajo; ¿quería decir orders?',
    nl003: 'El Service shop/api no expone el puerto 9999; expone http 8080/TCP.',
    fixes: ['Cambiar a orders.shop', 'Cambiar el puerto a 8080'],
    hover: [/^Endpoints: 2 listos$/m, /^_Fuente: los manifiestos del área de trabajo_$/m],
    hints: ['→ 10.96.4.2:8080 · 2 listos', '→ no existe ese Service', '→ no hay puerto 9999'],
    services: ['api: 10.96.4.2 · 2 listos', 'cache: IP de clúster asignada por el clúster · 0 listos', 'orders: 10.96.4.3 · 0 listos'],
  },
  'zh-CN': {
    nl001: '在工作区的清单中，命名空间 shop 中没有 Service“ordrs”；您是不是要写 orders？',
    nl003: 'Service shop/api 没有公开端口 9999；它公开的是 http 8080/TCP。',
    fixes: ['改为 orders.shop', '将端口改为 8080'],
    hover: [/^端点：2 个就绪$/m, /^_来源：工作区的清单_$/m],
    hints: ['→ 10.96.4.2:8080 · 2 个就绪', '→ 没有此 Service', '→ 没有端口 9999'],
    services: ['api: 10.96.4.2 · 2 个就绪', 'cache: 由集群分配的集群 IP · 0 个就绪', 'orders: 10.96.4.3 · 0 个就绪'],
  },
  'ko-KR': {
    nl001: '작업 영역의 매니페스트에서 네임스페이스 shop에 Service "ordrs"이(가) 없습니다 (orders을(를) 의도하셨나요?)',
    nl003: 'Service shop/api은(는) 포트 9999을(를) 노출하지 않습니다. 노출하는 포트: http 8080/TCP.',
    fixes: ['orders.shop(으)로 변경', '포트를 8080(으)로 변경'],
    hover: [/^엔드포인트: 2개 준비됨$/m, /^_출처: 작업 영역의 매니페스트_$/m],
    hints: ['→ 10.96.4.2:8080 · 2개 준비됨', '→ 그런 Service 없음', '→ 포트 9999 없음'],
    services: ['api: 10.96.4.2 · 2개 준비됨', 'cache: 클러스터가 할당하는 클러스터 IP · 0개 준비됨', 'orders: 10.96.4.3 · 0개 준비됨'],
  },
};

describe('the language server in the locale of initialize', () => {
  let english: Seen;

  it('without a locale: English, as it always was', async () => {
    english = await seen(undefined);
    assert.equal(english.nl001.message, 'No Service "ordrs" in namespace shop in the workspace manifests; did you mean orders?');
    assert.equal(english.nl003.message, 'Service shop/api does not expose port 9999; it exposes http 8080/TCP.');
    assert.deepEqual(english.fixes, ['Change to orders.shop', 'Change the port to 8080']);
    assert.match(english.hover, /^Endpoints: 2 ready$/m);
    assert.match(english.hover, /^_Source: the workspace manifests_$/m);
    assert.deepEqual(english.hints, ['→ 10.96.4.2:8080 · 2 ready', '→ no such Service', '→ no port 9999']);
    assert.deepEqual(english.services, ['api: 10.96.4.2 · 2 ready', 'cache: cluster IP allocated by the cluster · 0 ready', 'orders: 10.96.4.3 · 0 ready']);
  });

  for (const [locale, expected] of Object.entries(EXPECTED)) {
    it(`${locale}: a diagnostic, its quick fixes, a hover and the inlay hints in that language; codes, names and ports as they are`, async () => {
      const got = await seen(locale);
      assert.equal(got.nl001.message, expected.nl001);
      assert.equal(got.nl003.message, expected.nl003);
      assert.deepEqual([got.nl001.code, got.nl003.code], ['NL001', 'NL003']);
      assert.deepEqual([got.nl001.range, got.nl003.range], [english.nl001.range, english.nl003.range]);
      assert.deepEqual(got.fixes, expected.fixes);
      assert.deepEqual(got.hints, expected.hints);
      // The views the tree and the map show (a Service's address and readiness) are the server's words too.
      assert.deepEqual(got.services, expected.services);
      for (const re of expected.hover) assert.match(got.hover, re);
      // The hover's structure, names, addresses, kinds and field names are those of the English hover.
      for (const token of ['`api.shop:8080`', '`api.shop.svc.cluster.local.`', '- A `10.96.4.2`', '**Service** `shop/api` · ClusterIP · `10.96.4.2`']) {
        assert.ok(english.hover.includes(token) && got.hover.includes(token), `${locale}: ${token}\n${got.hover}`);
      }
      assert.match(got.hover, /^\| port \| name \| protocol \| targetPort \|$/m);
      assert.notEqual(got.hover, english.hover);
      assert.doesNotMatch(`${got.nl001.message}\n${got.hover}\n${got.hints.join('\n')}`, /\{\d\}|ready|Source|No Service|did you mean/);
    });
  }

  it('a locale without tables (fr-FR, zh-TW) is English', async () => {
    const french = await seen('fr-FR');
    assert.equal(french.nl001.message, english.nl001.message);
    assert.equal(french.hover, english.hover);
    assert.equal(languageOf('zh-TW'), undefined);
  });
});

describe('choosing the language', () => {
  it('maps BCP 47 tags and POSIX locales to the tables, and the rest to English', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['es', 'es'],
      ['es-ES', 'es'],
      ['es-419', 'es'],
      ['es_MX.UTF-8', 'es'],
      ['zh-cn', 'zh-cn'],
      ['zh-CN', 'zh-cn'],
      ['zh-Hans', 'zh-cn'],
      ['zh_CN.UTF-8', 'zh-cn'],
      ['zh-TW', undefined],
      ['zh-Hant-HK', undefined],
      ['ko', 'ko'],
      ['ko-KR', 'ko'],
      ['ko_KR.UTF-8@hangul', 'ko'],
      ['en-US', undefined],
      ['C', undefined],
      ['POSIX', undefined],
      ['C.UTF-8', undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [locale, language] of cases) assert.equal(languageOf(locale), language, String(locale));
  });

  it('reads one table from the package folder and makes it current; English needs none', () => {
    assert.ok(tablesDir()?.endsWith(join('l10n', 'server')));
    assert.equal(readTable('es')?.['Change to {0}'], 'Cambiar a {0}');
    assert.equal(useLocale('ko_KR.UTF-8'), 'ko');
    assert.equal(t('Change to {0}', 'api'), 'api(으)로 변경');
    assert.equal(useLocale('en_GB.UTF-8'), undefined);
    assert.equal(t('Change to {0}', 'api'), 'Change to api');
    // One pass: an argument's braces are not placeholders.
    assert.equal(t('{0} and {1} more', '{1}', 2), '{1} and 2 more');
  });

  it('the command: --locale first, else LC_ALL, LC_MESSAGES, LANG (the first set); --locale is taken out of the arguments', () => {
    const env = { LC_ALL: '', LC_MESSAGES: 'ko_KR.UTF-8', LANG: 'es_ES.UTF-8' };
    assert.deepEqual(chooseLocale(['check', 'k8s'], env), { args: ['check', 'k8s'], locale: 'ko_KR.UTF-8', explicit: false });
    assert.deepEqual(chooseLocale(['check', '--locale', 'zh-CN', 'k8s'], env), { args: ['check', 'k8s'], locale: 'zh-CN', explicit: true });
    assert.deepEqual(chooseLocale(['check', '--locale=es', 'k8s'], { LC_ALL: 'C' }), { args: ['check', 'k8s'], locale: 'es', explicit: true });
    assert.deepEqual(chooseLocale(['check', 'k8s'], { LC_ALL: 'C', LANG: 'es_ES.UTF-8' }), { args: ['check', 'k8s'], locale: 'C', explicit: false });
    assert.deepEqual(chooseLocale(['check', 'k8s'], { LANG: 'es_ES.UTF-8' }).valueOf(), { args: ['check', 'k8s'], locale: 'es_ES.UTF-8', explicit: false });
    assert.deepEqual(chooseLocale(['resolve', '--', '--locale'], {}), { args: ['resolve', '--', '--locale'], locale: undefined, explicit: false });
    assert.ok('error' in chooseLocale(['check', '--locale'], {}));
    assert.ok('error' in chooseLocale(['check', '--locale', '--json'], {}));
  });
});
