// The language server with real renders: a copy of Online Boutique's Kustomize tree and of the argo-cd chart,
// rendered by the helm and kustomize of the render tier, as an editor sees them: diagnostics on the base line that
// an overlay breaks, hovers and inlay hints on template lines with the rendered value and what it reaches.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { WorkspaceRenders } from '../../src/server/renders';
import { DEFAULT_SETTINGS, NetLensServer, type ServerClient, type ServerSettings } from '../../src/server/server';
import { corpusCopy, lineOf, tools, writeKubebuilderConfig } from './support';

class Client implements ServerClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly logs: string[] = [];
  workspaceChanged(): void {}
  publishDiagnostics(uri: string, _version: number | undefined, diagnostics: Diagnostic[]): void {
    this.diagnostics.set(uri, diagnostics);
  }
  log(level: string, message: string): void {
    this.logs.push(`${level}: ${message}`);
  }
}

let helm = '';
let kustomize = '';
const copies: string[] = [];
before(() => {
  ({ helm, kustomize } = tools());
});
const figures: string[] = [];
after(() => {
  for (const c of copies) rmSync(c, { recursive: true, force: true });
  if (figures.length > 0) console.log(`# language server render figures: ${figures.join('; ')}`);
});

/** A server on a folder, its files read as the workspace, and its charts and overlays rendered. */
async function serverOn(
  dir: string,
  files: string[],
  settings: Partial<ServerSettings> = {},
): Promise<{ server: NetLensServer; client: Client; renders: WorkspaceRenders; uri: (f: string) => string }> {
  const client = new Client();
  const server = new NetLensServer(client, { ...DEFAULT_SETTINGS, ...settings });
  const uri = (f: string) => pathToFileURL(join(dir, f)).href;
  await server.loadWorkspaceFiles(new Map(files.map((f) => [uri(f), readFileSync(join(dir, f), 'utf8')])), async () => {});
  const renders = new WorkspaceRenders(
    {
      folders: () => [dir],
      scan: () => server.renderOptions().scan,
      buildOptions: () => server.renderOptions().build,
      log: (level, message) => client.log(level, message),
      changed: (state) => server.setRendered(state),
    },
    () => ({
      helmPath: helm,
      kustomizePath: kustomize,
      searchPath: '',
      release: server.renderOptions().release,
      helmValues: server.renderOptions().helmValues,
    }),
  );
  // The longest time the event loop is held during the render pass and what follows it (the model, diagnostics of
  // the open files, the clients of the views), from the gaps between ticks of a 1 ms timer: printed, for the
  // editor's responsiveness.
  let longest = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  try {
    await renders.refresh();
    await server.clientsSettled();
  } finally {
    clearInterval(ticker);
  }
  longest = Math.max(longest, performance.now() - last);
  figures.push(`${files[0]}: render pass ${Math.round(performance.now() - started)} ms, longest event-loop block ${Math.round(longest)} ms`);
  return { server, client, renders, uri };
}

function open(server: NetLensServer, dir: string, uriOf: (f: string) => string, file: string): { text: string; doc: TextDocument } {
  const text = readFileSync(join(dir, file), 'utf8');
  server.open(uriOf(file), text, 1);
  return { text, doc: TextDocument.create(uriOf(file), 'yaml', 1, text) };
}

describe('language server: Kustomize overlays as rendered', () => {
  it('a patch that deletes a Service: NL001 on the base lines that name it, with the overlay; nothing on a sound base', async () => {
    const dir = corpusCopy('kustomize/online-boutique/kustomize');
    copies.push(dir);
    const overlay = join(dir, 'tests', 'spanner-with-all-components', 'kustomization.yaml');
    writeFileSync(
      overlay,
      `${readFileSync(overlay, 'utf8')}patches:\n- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: cartservice\n    $patch: delete\n`,
    );
    const { server, client, renders, uri } = await serverOn(dir, ['base/checkoutservice.yaml', 'base/cartservice.yaml', 'base/frontend.yaml']);
    try {
      const { text } = open(server, dir, uri, 'base/checkoutservice.yaml');
      const diagnostics = client.diagnostics.get(uri('base/checkoutservice.yaml')) ?? [];
      const cart = diagnostics.filter((d) => d.message.includes('"cartservice"'));
      const line = lineOf(text, 'value: "cartservice:7070"') - 1;
      assert.deepEqual(
        cart.map((d) => [d.code, d.range.start.line, d.range.start.character]),
        [['NL001', line, text.split('\n')[line]!.indexOf('cartservice')]],
      );
      assert.match(cart[0]!.message, /rendered by .*spanner-with-all-components/);
      // The Service's own file: the overlays that keep it find nothing there.
      open(server, dir, uri, 'base/cartservice.yaml');
      assert.deepEqual(client.diagnostics.get(uri('base/cartservice.yaml')), []);

      // A hover on a base reference names the build that answers it.
      const at = text.indexOf('productcatalogservice:3550') + 2;
      const hover = server.hover(uri('base/checkoutservice.yaml'), at, 'markdown');
      assert.ok(hover);
      const value = (hover.contents as { value: string }).value;
      assert.match(value, /^Rendered as `productcatalogservice:3550` by `kustomize build /);
      assert.match(value, /productcatalogservice/);

      // Go to definition: the Service in the build, at the base line that writes its name.
      const target = server.definition(uri('base/checkoutservice.yaml'), at);
      assert.equal(target?.uri, uri('base/productcatalogservice.yaml'));
      const source = readFileSync(join(dir, 'base', 'productcatalogservice.yaml'), 'utf8').split('\n');
      const named = source[target!.range.start.line]!;
      assert.equal(named.slice(target!.range.start.character, target!.range.end.character), 'productcatalogservice');
      assert.match(named, /^ {2}name: productcatalogservice$/);
      assert.ok(
        source
          .slice(0, target!.range.start.line)
          .reverse()
          .find((l) => /^kind: /.test(l))
          ?.includes('Service'),
        'the Service, not the Deployment',
      );

      // Who talks to whom, from the rendered build: checkoutservice is a client of productcatalogservice, at its base line.
      await server.clientsSettled();
      const clients = server.namespace('default').services.find((s) => s.name === 'productcatalogservice')?.clients ?? [];
      const checkout = clients.find((c) => c.name === 'checkoutservice');
      assert.ok(checkout, JSON.stringify(clients.map((c) => c.name)));
      assert.ok(
        checkout.locations.some((l) => l.uri === uri('base/checkoutservice.yaml') && l.range.start.line === lineOf(text, 'productcatalogservice:3550') - 1),
        JSON.stringify(checkout.locations),
      );
    } finally {
      renders.dispose();
    }
  });
});

describe("language server: a file its folder's kustomization lists only in a comment", () => {
  it('is left out of the model and gets no diagnostics; the builds are analysed as ever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-left-out-'));
    copies.push(dir);
    const files = writeKubebuilderConfig(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'));
    const { server, client, renders, uri } = await serverOn(dir, files);
    try {
      open(server, dir, uri, 'config/rbac/auth_proxy_service.yaml');
      // Its selector names pods of namespace system, which the build renames: read as a manifest, it was NL005.
      assert.deepEqual(client.diagnostics.get(uri('config/rbac/auth_proxy_service.yaml')), []);
      assert.deepEqual(
        server.namespace('system').services.map((s) => s.name),
        [],
      );
      assert.deepEqual(
        server.namespace('project-system').pods.map((p) => p.name),
        ['project-controller-manager'],
      );
    } finally {
      renders.dispose();
    }
  });
});

describe('language server: a Helm chart as rendered', () => {
  it('argo-cd: a name built by template expressions gets an inlay hint with its rendered value and what it reaches', async () => {
    const dir = corpusCopy('charts/argo-cd');
    copies.push(dir);
    const file = 'charts/argo-cd/templates/argocd-notifications/deployment.yaml';
    const { server, client, renders, uri } = await serverOn(dir, [file]);
    try {
      const { text, doc } = open(server, dir, uri, file);
      assert.deepEqual(client.diagnostics.get(uri(file)), [], 'the template checks clean, as netlens check finds it');
      const line = lineOf(text, '--argocd-repo-server={{ template') - 1;
      const hints = server.inlayHints(uri(file), { start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
      assert.equal(hints.length, 1, JSON.stringify(hints));
      assert.match(String(hints[0]!.label), /^= release-argocd-repo-server:8081 /);
      const hover = server.hover(uri(file), doc.offsetAt(hints[0]!.position) - 2, 'plaintext');
      assert.ok(hover);
      assert.match((hover.contents as { value: string }).value, /^Rendered as release-argocd-repo-server:8081 by helm template/);
      assert.match((hover.contents as { value: string }).value, /Service argo-cd\/release-argocd-repo-server/);
      // Go to definition: the template that makes the Service, at the line that writes its name.
      const target = server.definition(uri(file), doc.offsetAt(hints[0]!.position) - 2);
      assert.equal(target?.uri, uri('charts/argo-cd/templates/argocd-repo-server/service.yaml'));
      const service = readFileSync(join(dir, 'charts/argo-cd/templates/argocd-repo-server/service.yaml'), 'utf8').split('\n');
      assert.match(service[target!.range.start.line]!, /^ {2}name: \{\{ template "argo-cd\.repoServer\.fullname" \. \}\}/);
    } finally {
      renders.dispose();
    }
  });

  it('podinfo with the values file a setting names (redis enabled), under the release the setting names', async () => {
    const dir = corpusCopy('charts/podinfo');
    copies.push(dir);
    const file = 'charts/podinfo/templates/deployment.yaml';
    const { server, renders, uri } = await serverOn(dir, [file], { helmRelease: 'shop', helmValues: ['values-prod.yaml'] });
    try {
      const { text } = open(server, dir, uri, file);
      const line = lineOf(text, '--cache-server=tcp://') - 1;
      const hints = server.inlayHints(uri(file), { start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
      assert.equal(hints.length, 1, JSON.stringify(hints));
      assert.match(String(hints[0]!.label), /^= tcp:\/\/shop-podinfo-redis:6379 /);
    } finally {
      renders.dispose();
    }
  });
});
