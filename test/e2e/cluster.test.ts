/**
 * End-to-end tests against the local control plane (test/cluster): one code-server with the packaged extension,
 * KUBECONFIG pointing at the plane, on a workspace with one manifest. The fixture lives in its own namespace
 * (`e2e-<random>`): a Service `web` with two Ready pods, and a Service `evil` whose annotations, pod annotations,
 * pod env values and pod phase carry HTML and script payloads (Kubernetes names and label values cannot hold `<`;
 * annotations, env values and a pod's status phase can). The manifest references `web` by name, a misspelt
 * `webb`, the evil pod's IP, and carries the payloads itself; a pod of its Deployment runs, and a NetworkPolicy
 * admits it (alone) to web's pods on http.
 *
 * Each test checks one thing; screenshots go to test-results/e2e/cluster-*.png. Without a control plane (it
 * cannot be built or started on this machine) every test is skipped, with the reason.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { NODES } from '../live/fixtures';
import { Kube } from '../live/kube';
import { type Plane, startPlane } from '../live/plane';
import { type CodeServer, startCodeServer } from './vscode';
import {
  dismissTooltips,
  expandTreeRow,
  goToLine,
  hoverText,
  launchBrowser,
  mapFrame,
  openNetLensView,
  openWorkbench,
  quickOpen,
  runCommand as runCommandIn,
  screenshot,
  textPosition,
  treeRow as treeRowOf,
} from './workbench';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(1)</script>';
const WAIT = 90_000;
const TEST_TIMEOUT = 240_000;

const ns = `e2e-${randomBytes(3).toString('hex')}`;
const net = 1 + (randomBytes(1)[0]! % 200);
const ip = (n: number) => `10.247.${net}.${n}`;
const pods: { name: string; labels: Record<string, string>; ip: string; node: { name: string; ip: string }; hostile?: boolean }[] = [
  { name: 'web-0', labels: { app: 'web' }, ip: ip(10), node: NODES[0]! },
  { name: 'web-1', labels: { app: 'web' }, ip: ip(11), node: NODES[1]! },
  { name: 'evil-0', labels: { app: 'evil' }, ip: ip(20), node: NODES[2]!, hostile: true },
  // A pod of the manifest's Deployment `client` (its template's labels, and a pod-template-hash as a ReplicaSet adds).
  { name: 'client-7c9-x4k2p', labels: { app: 'client', 'pod-template-hash': '7c9' }, ip: ip(30), node: NODES[0]! },
];
const added = { name: 'web-2', labels: { app: 'web' }, ip: ip(12), node: NODES[2]! };
const manifestName = 'client.yaml';

let plane: Plane | undefined;
let skipReason: string | undefined;
let kube: Kube | undefined;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;
let workspace: string | undefined;
let webClusterIP = '';
const dialogs: string[] = [];
const figures: string[] = [];

function manifest(): string {
  return `# A client of the e2e fixture: a name that resolves, one misspelt (webb), a pod IP, and hostile strings.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: client
  namespace: ${ns}
  annotations:
    banner: "${IMG}"
spec:
  replicas: 1
  selector:
    matchLabels: {app: client}
  template:
    metadata:
      labels: {app: client}
    spec:
      containers:
        - name: client
          image: example/client:1
          env:
            - name: WEB_URL
              value: http://web.${ns}.svc.cluster.local:80/
            - name: BROKEN_HOST
              value: webb.${ns}.svc.cluster.local
            - name: EVIL_ADDR
              value: ${ip(20)}
            - name: BANNER
              value: "${IMG}"
            - name: SCRIPT
              value: "${SCRIPT}"
`;
}

async function createPod(
  k: Kube,
  p: { name: string; labels: Record<string, string>; ip: string; node: { name: string; ip: string }; hostile?: boolean },
): Promise<void> {
  await k.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name: p.name, labels: p.labels, ...(p.hostile ? { annotations: { note: IMG, script: SCRIPT } } : {}) },
    spec: {
      nodeName: p.node.name,
      containers: [
        {
          name: 'main',
          image: 'registry.invalid/none',
          ports: [{ name: 'http', containerPort: 8080 }],
          ...(p.hostile
            ? {
                env: [
                  { name: 'BANNER', value: IMG },
                  { name: 'SCRIPT', value: SCRIPT },
                ],
              }
            : {}),
        },
      ],
    },
  });
  await k.setPodStatus(ns, p.name, [p.ip], p.node.ip, true);
  if (p.hostile) {
    // The API server does not validate a pod's phase: a status writer can put markup there.
    await k.must('PATCH', `/api/v1/namespaces/${ns}/pods/${p.name}/status`, { status: { phase: IMG } }, 'application/merge-patch+json');
  }
}

async function loadFixture(k: Kube): Promise<void> {
  await k.all(NODES, (n) =>
    k.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name }, status: { addresses: [{ type: 'InternalIP', address: n.ip }] } }),
  );
  await k.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const web = await k.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: ns, name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
  webClusterIP = web.spec.clusterIP;
  await k.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      namespace: ns,
      name: 'evil',
      labels: { app: 'evil' },
      annotations: { description: IMG, script: SCRIPT, 'x-html': `</td><b onmouseover=alert(1)>bold</b>` },
    },
    spec: { selector: { app: 'evil' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  for (const p of pods) await createPod(k, p);
  await k.create({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: ns, name: 'web-from-client' },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 'http' }] }],
    },
  });
}

before(async () => {
  try {
    plane = startPlane();
  } catch (e) {
    skipReason = `the local control plane did not start (test/cluster/up.sh): ${(e as Error).message.split('\n')[0]}`;
    return;
  }
  kube = new Kube(plane.kubeconfig);
  await loadFixture(kube);
  const dir = mkdtempSync(join(tmpdir(), 'netlens-e2e-ws-'));
  workspace = join(dir, 'cluster-workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, manifestName), manifest());
  let t = Date.now();
  server = await startCodeServer({
    workspace,
    kubeconfig: plane.kubeconfig,
    ...(process.env.NETLENS_VSIX ? { vsix: process.env.NETLENS_VSIX } : {}),
    settings: { 'netlens.cluster.enabled': true },
  });
  figures.push(`code-server answering: ${Date.now() - t} ms`);
  t = Date.now();
  browser = await launchBrowser();
  figures.push(`chromium launched: ${Date.now() - t} ms`);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
});

after(async () => {
  await page?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await server?.stop();
  if (workspace) rmSync(join(workspace, '..'), { recursive: true, force: true });
  if (kube) {
    // Pods first, at once: there is no kubelet to finish a graceful deletion, which would keep the namespace.
    for (const p of [...pods, added]) await kube.delete({ kind: 'Pod', metadata: { namespace: ns, name: p.name } }).catch(() => undefined);
    await kube.request('DELETE', `/api/v1/namespaces/${ns}`).catch(() => undefined);
    kube.close();
  }
  if (figures.length) console.log(`# e2e cluster figures: ${figures.join('; ')}`);
});

/** Runs a test's body unless the plane is missing; on failure, saves a screenshot and prints the ends of the logs. */
function step(name: string, body: () => Promise<void>): (t: TestContext) => Promise<void> {
  return async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    try {
      await body();
    } catch (e) {
      const shot = page ? await screenshot(page, `cluster-${name}-failed`).catch(() => undefined) : undefined;
      console.log(`# ${name} failed${shot ? `; screenshot ${shot}` : ''}\n${server?.logs() ?? ''}`);
      throw e;
    }
  };
}

const treeRow = (label: string) => treeRowOf(page, label);
const expand = (label: string) => expandTreeRow(page, label, WAIT);
const runCommand = (title: string) => runCommandIn(page, title, WAIT);

async function assertNoScript(): Promise<void> {
  assert.deepEqual(dialogs, [], 'no dialog (alert) opened');
  const injected = await page.evaluate(
    () => (globalThis as any).document.querySelectorAll('.monaco-workbench img[src="x"], .monaco-hover script, .pane-body script').length,
  );
  assert.equal(injected, 0, 'no <img src=x> or <script> element made from cluster or manifest text');
}

test(
  'the NetLens view lists the namespace, its Service and its pods with their IPs',
  { timeout: TEST_TIMEOUT },
  step('tree', async () => {
    const started = Date.now();
    const ms = await openWorkbench(page, server!.url, WAIT);
    figures.push(`workbench visible: ${ms} ms`);
    await openNetLensView(page, WAIT);
    await treeRow(ns).first().waitFor({ state: 'visible', timeout: WAIT });
    const listed = Date.now();
    const activated = server!.activatedAt('netlens.netlens');
    figures.push(`workbench URL opened → namespace ${ns} in the tree: ${listed - started} ms`);
    if (activated !== undefined) figures.push(`extension activated → namespace in the tree: ${listed - activated} ms`);
    // The first level shows the namespaces while the lists are still read (their counts so far, "loading…"), then
    // the counts of the complete lists.
    const complete = treeRow(ns)
      .filter({ hasText: /2 services · 4 pods(?! · loading)/ })
      .first();
    await complete.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await complete.innerText(), /2 services · 4 pods/);
    await expand(ns);
    await expand('Services');
    await expand('Pods');
    await treeRow('web').first().waitFor({ state: 'visible', timeout: WAIT });
    const web = await treeRow('web').first().innerText();
    assert.ok(web.includes(webClusterIP), `Service row shows ClusterIP ${webClusterIP}: ${web}`);
    for (const p of pods.filter((p) => !p.hostile)) {
      const row = treeRow(p.name).first();
      await row.waitFor({ state: 'visible', timeout: WAIT });
      const text = await row.innerText();
      assert.ok(text.includes(p.ip), `pod ${p.name} shows ${p.ip}: ${text}`);
    }
    await screenshot(page, 'cluster-tree');
  }),
);

test(
  'a pod added to the cluster appears in the tree without a refresh',
  { timeout: TEST_TIMEOUT },
  step('live-pod', async () => {
    const t = Date.now();
    await createPod(kube!, added);
    const row = treeRow(added.name).filter({ hasText: added.ip }).first();
    await row.waitFor({ state: 'visible', timeout: WAIT });
    figures.push(`added pod shown in the tree: ${Date.now() - t} ms`);
    await screenshot(page, 'cluster-live-pod');
    // The expansion was kept.
    assert.equal(await treeRow(ns).first().getAttribute('aria-expanded'), 'true');
  }),
);

test(
  'Open YAML on a pod shows the live object read-only, and follows it when it changes',
  { timeout: TEST_TIMEOUT },
  step('open-yaml', async () => {
    const pod = pods[0]!;
    const row = treeRow(pod.name).first();
    await row.waitFor({ state: 'visible', timeout: WAIT });
    const t = Date.now();
    const tab = page.locator('.tabs-container .tab', { hasText: `${pod.name}.yaml` }).first();
    // A redraw of the tree (the cluster still settling after the previous test) can swallow a click: try again.
    for (let attempt = 1; ; attempt++) {
      // A tooltip of another row, left open where the mouse last was, would cover this one.
      await dismissTooltips(page);
      await row.hover();
      await row.locator('.action-label[aria-label="Open YAML"]').click({ timeout: WAIT });
      const opened = await tab.waitFor({ state: 'visible', timeout: attempt < 3 ? 5000 : WAIT }).then(
        () => true,
        () => false,
      );
      if (opened) break;
      if (attempt >= 3) throw new Error('Open YAML opened no editor');
    }
    const editorText = async () =>
      (await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
    await page.waitForFunction(
      (name) =>
        ((globalThis as any).document.querySelector('.editor-group-container.active .monaco-editor .view-lines')?.textContent ?? '')
          .replace(/\u00a0/g, ' ')
          .includes(`name: ${name}`),
      pod.name,
      { timeout: WAIT },
    );
    figures.push(`Open YAML (click → text shown): ${Date.now() - t} ms`);
    const before = await editorText();
    assert.match(before, new RegExp(`^# Pod ${ns}/${pod.name}, as the API server of context`, 'm'));
    assert.match(before, /^kind: Pod$/m);
    assert.match(before, new RegExp(`^  nodeName: ${pod.node.name}$`, 'm'));
    assert.doesNotMatch(before, /^\s*managedFields:/m, 'managedFields are left out');
    await screenshot(page, 'cluster-open-yaml');

    // Read-only: typing changes nothing, and the editor says so.
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.type('zzz');
    await page
      .locator('.monaco-editor-overlaymessage', { hasText: /read-only/i })
      .first()
      .waitFor({ state: 'visible', timeout: WAIT });
    assert.ok(!(await editorText()).includes('zzz'), 'the text did not change');

    // The object changes in the cluster: the open document follows without being opened again.
    await kube!.must('PATCH', `/api/v1/namespaces/${ns}/pods/${pod.name}`, { metadata: { labels: { tier: 'reviewed' } } }, 'application/merge-patch+json');
    await page.waitForFunction(
      () =>
        ((globalThis as any).document.querySelector('.editor-group-container.active .monaco-editor .view-lines')?.textContent ?? '')
          .replace(/\u00a0/g, ' ')
          .includes('tier: reviewed'),
      undefined,
      { timeout: WAIT },
    );
    await screenshot(page, 'cluster-open-yaml-updated');
    await page.keyboard.press('Escape');
  }),
);

test(
  'a hover on the Service name in the manifest shows its ClusterIP from the cluster',
  { timeout: TEST_TIMEOUT },
  step('hover', async () => {
    await quickOpen(page, manifestName, WAIT);
    const needle = `web.${ns}.svc.cluster.local`;
    const line =
      manifest()
        .split('\n')
        .findIndex((l) => l.includes(needle)) + 1;
    await goToLine(page, line);
    const t = Date.now();
    const text = await hoverText(page, needle, `Service ${ns}/web`, WAIT);
    figures.push(`hover shown: ${Date.now() - t} ms`);
    await screenshot(page, 'cluster-hover');
    assert.ok(text.includes(webClusterIP), `hover shows ClusterIP ${webClusterIP}:\n${text}`);
    assert.doesNotMatch(text, /Source: the workspace manifests/);
  }),
);

test(
  'a misspelt name shows its diagnostic, and the quick fix repairs it',
  { timeout: TEST_TIMEOUT },
  step('quick-fix', async () => {
    const broken = `webb.${ns}.svc.cluster.local`;
    await page.keyboard.press('Escape');
    // The Problems panel lists the diagnostic with its code.
    await page.keyboard.press('Control+Shift+M');
    const marker = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'NL001' });
    await marker.first().waitFor({ state: 'visible', timeout: WAIT });
    const markerText = await marker.first().innerText();
    assert.match(markerText, /NL001/);
    await screenshot(page, 'cluster-diagnostic');
    // Put the cursor on the misspelt name and take the first quick fix.
    const line =
      manifest()
        .split('\n')
        .findIndex((l) => l.includes(broken)) + 1;
    await goToLine(page, line);
    const at = await textPosition(page, broken);
    assert.ok(at, `${broken} is on screen`);
    await page.mouse.click(at.x, at.y);
    await page.keyboard.press('Control+.');
    const action = page.locator('.action-widget .monaco-list-row.action').first();
    await action.waitFor({ state: 'visible', timeout: WAIT });
    const actions = await page.locator('.action-widget .monaco-list-row.action').allInnerTexts();
    figures.push(`quick fixes offered: ${actions.map((a) => a.trim()).join(' | ')}`);
    await screenshot(page, 'cluster-quick-fix-menu');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (wrong) => {
        const lines = Array.from((globalThis as any).document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line')).map(
          (l: any) => l.textContent as string,
        );
        return lines.length > 0 && !lines.some((l) => l.includes(wrong));
      },
      broken,
      { timeout: WAIT },
    );
    const lines = await page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').allInnerTexts();
    const fixedLine = lines.find((l) => l.includes(`.${ns}.svc.cluster.local`) && !l.includes('http://'));
    assert.ok(fixedLine?.includes(`web.${ns}.svc.cluster.local`), `the name was repaired: ${fixedLine}`);
    await marker.first().waitFor({ state: 'detached', timeout: WAIT });
    await screenshot(page, 'cluster-quick-fix-applied');
    await page.keyboard.press('Control+S');
  }),
);

test(
  'Find Owner of IP names the pod that holds the IP',
  { timeout: TEST_TIMEOUT },
  step('find-owner', async () => {
    const pod = pods[0]!;
    await runCommand('NetLens: Find Owner of IP');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget', { hasText: 'Find Owner of IP' }).waitFor({ state: 'visible', timeout: WAIT });
    await input.fill(pod.ip);
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `${ns}/${pod.name}` }).first();
    await toast.waitFor({ state: 'visible', timeout: WAIT });
    const text = await toast.innerText();
    await screenshot(page, 'cluster-find-owner');
    assert.match(text, new RegExp(`pod ${ns}/${pod.name}`));
    // The answer's actions: Reveal in Tree selects the pod.
    await toast.locator('.monaco-button', { hasText: 'Reveal in Tree' }).click();
    await treeRow(pod.name).and(page.locator('[aria-selected="true"]')).first().waitFor({ state: 'visible', timeout: WAIT });
  }),
);

test(
  'hostile cluster and manifest strings render as text, and no script runs',
  { timeout: TEST_TIMEOUT },
  step('hostile', async () => {
    await page.keyboard.press('Escape');
    await page
      .locator('.notifications-toasts .notification-toast')
      .first()
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => undefined);
    // The hover on the evil pod's IP names its owner with the phase the API server holds: markup, shown as text.
    await quickOpen(page, manifestName, WAIT);
    const line =
      manifest()
        .split('\n')
        .findIndex((l) => l.includes(ip(20))) + 1;
    await goToLine(page, line);
    const hover = await hoverText(page, ip(20), 'evil-0', WAIT);
    await screenshot(page, 'cluster-hostile-hover');
    assert.ok(hover.includes(IMG), `the hover shows the literal markup:\n${hover}`);
    // The manifest's own payload lines are plain editor text.
    const lines = (await page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').allInnerTexts())
      .join('\n')
      .replace(/\u00a0/g, ' ');
    assert.ok(lines.includes(IMG) || lines.includes(SCRIPT), 'the payloads are shown as text in the editor');
    await page.mouse.move(1, 1);
    await page.keyboard.press('Escape');
    // The tree: the evil pod's row and its tooltip show the phase as text.
    await expand('Pods').catch(() => undefined);
    const row = treeRow('evil-0').first();
    await row.waitFor({ state: 'visible', timeout: WAIT });
    assert.ok((await row.innerText()).includes(IMG), 'the pod row shows its phase as text');
    const tooltip = page.locator('.monaco-hover:not(.hidden), .workbench-hover').filter({ hasText: 'Pod ' }).filter({ hasText: 'evil-0' });
    const deadline = Date.now() + WAIT;
    while (
      !(await tooltip
        .first()
        .isVisible()
        .catch(() => false))
    ) {
      if (Date.now() > deadline) throw new Error('no tooltip on the evil pod row');
      await page.mouse.move(1, 1);
      await row.locator('.label-name').hover();
      await tooltip
        .first()
        .waitFor({ state: 'visible', timeout: 5000 })
        .catch(() => undefined);
    }
    const tip = (await tooltip.first().innerText()).replace(/\s+/g, ' ');
    await screenshot(page, 'cluster-hostile-tooltip');
    assert.ok(tip.includes(`phase: ${IMG}`), `the tooltip shows the phase as text:\n${tip}`);
    await assertNoScript();
  }),
);

test(
  'the network map renders, and a click on a pod node reveals it in the tree',
  { timeout: TEST_TIMEOUT },
  step('map', async () => {
    const pod = pods[1]!;
    await page.keyboard.press('Escape');
    // Collapse the namespace in the tree, so that the reveal has to open it.
    const nsRow = treeRow(ns).first();
    if ((await nsRow.getAttribute('aria-expanded')) === 'true') await nsRow.click();
    await runCommand('NetLens: Show Network Map');
    const t = Date.now();
    const frame = await mapFrame(page, WAIT);
    figures.push(`map first render (command → nodes drawn): ${Date.now() - t} ms`);
    const podNode = () => frame.locator(`svg.canvas g.node.pod[data-id="pod/${ns}/${pod.name}"]`).first();
    let node = podNode();
    if (!(await node.isVisible().catch(() => false))) {
      // A collapsed namespace in the map: open it first.
      await frame
        .locator('svg.canvas g.node', { hasText: ns })
        .first()
        .click({ timeout: 10_000 })
        .catch(() => undefined);
      node = podNode();
    }
    await node.waitFor({ state: 'visible', timeout: WAIT });
    await screenshot(page, 'cluster-map');
    await node.click();
    const selected = treeRow(pod.name).and(page.locator('[aria-selected="true"]')).filter({ hasText: pod.ip }).first();
    await selected.waitFor({ state: 'visible', timeout: WAIT });
    await screenshot(page, 'cluster-map-reveal');
    await assertNoScript();
  }),
);

test(
  'who talks to whom: the map draws the client pod → Service connection by verdict, the tree its Clients and Policies',
  { timeout: TEST_TIMEOUT },
  step('connections', async () => {
    const client = pods.find((p) => p.labels.app === 'client')!;
    await page.keyboard.press('Escape');
    await runCommand('NetLens: Show Network Map');
    const frame = await mapFrame(page, WAIT);
    const connection = frame.locator(`svg.canvas g.connection[data-source="pod/${ns}/${client.name}"][data-target="svc/${ns}/web"]`).first();
    await connection.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await connection.getAttribute('data-verdict'), 'allowed');
    assert.match((await connection.getAttribute('class')) ?? '', /\bisolated\b/);
    const title = await connection.locator('title').first().textContent();
    assert.match(title ?? '', new RegExp(`Deployment ${ns}/client → Service ${ns}/web on 80/TCP`));
    assert.match(title ?? '', new RegExp(`ingress by ${ns}/web-from-client#ingress\\[0\\]`));
    await frame.locator(`svg.canvas g.node.pod[data-id="pod/${ns}/${client.name}"]`).first().click();
    assert.match((await connection.getAttribute('class')) ?? '', /\brelated\b/, 'selecting the client pod highlights its connection');
    await screenshot(page, 'cluster-map-connections');
    // Blocked only: the allowed connection is not drawn.
    await frame.locator('select.connections-filter').selectOption('blocked');
    await connection.waitFor({ state: 'hidden', timeout: WAIT });
    await frame.locator('select.connections-filter').selectOption('all');
    await connection.waitFor({ state: 'visible', timeout: WAIT });

    // The tree: web's Clients names the Deployment and its verdict; a web pod's Policies name the policy.
    if (!(await treeRow(ns).first().isVisible())) await openNetLensView(page, WAIT);
    await expand(ns);
    await expand('Services');
    await expand('web');
    await expand('Clients');
    const clientRow = treeRow('client').first();
    await clientRow.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await clientRow.innerText(), /Deployment · allowed · 80\/TCP/);
    await expand('Pods');
    await expand(pods[0]!.name);
    await expand('Policies');
    const policyRow = treeRow('web-from-client').first();
    await policyRow.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await policyRow.innerText(), /ingress/);
    await screenshot(page, 'cluster-tree-clients-policies');
  }),
);

test(
  'the status bar shows the context; from it, a namespace filter narrows the tree and shows in the status bar',
  { timeout: TEST_TIMEOUT },
  step('filter', async () => {
    await page.keyboard.press('Escape');
    const map = await mapFrame(page, WAIT);
    const mapNamespace = (name: string) => map.locator(`svg.canvas [data-ns="ns/${name}"], svg.canvas [data-id="ns/${name}"]`);
    assert.ok((await mapNamespace('default').count()) > 0, 'the map shows namespace default before the filter');
    const item = page.locator('.statusbar-item', { hasText: 'admin' }).first();
    await item.waitFor({ state: 'visible', timeout: WAIT });
    await item.click();
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'admin' }).first().waitFor({ state: 'visible', timeout: WAIT });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Filter Namespaces' }).first().click();
    // A multi-select pick with every namespace checked: uncheck all, then check ours.
    const toggleAll = page.locator('.quick-input-widget [aria-label="Toggle all checkboxes"]').first();
    await page.locator('.quick-input-widget', { hasText: 'Namespaces to Show' }).waitFor({ state: 'visible', timeout: WAIT });
    await toggleAll.click();
    await input.fill(ns);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: ns }).first().click();
    await page.keyboard.press('Enter');
    const filterNote = page.locator('.pane-body .monaco-list-row', { hasText: /Showing 1 of \d+ namespaces/ });
    await filterNote.first().waitFor({ state: 'visible', timeout: WAIT });
    await treeRow(ns).first().waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await treeRow('default').count(), 0, 'other namespaces are filtered out');
    await page
      .locator('.statusbar-item', { hasText: `admin · ${ns}` })
      .first()
      .waitFor({ state: 'visible', timeout: WAIT });
    // The map, still open from the tests before, follows the filter.
    await mapNamespace('default').first().waitFor({ state: 'detached', timeout: WAIT });
    assert.ok((await mapNamespace(ns).count()) > 0, 'the map keeps the chosen namespace');
    await screenshot(page, 'cluster-filter');

    // All namespaces again: check all.
    await runCommand('NetLens: Filter Namespaces');
    await page.locator('.quick-input-widget', { hasText: 'Namespaces to Show' }).waitFor({ state: 'visible', timeout: WAIT });
    await toggleAll.click();
    await page.keyboard.press('Enter');
    await treeRow('default').first().waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await filterNote.count(), 0);
  }),
);
