/**
 * The packaged extension as a newcomer meets it, in real VS Code (code-server) driven by Playwright:
 *
 * - Restricted Mode: in an untrusted folder the extension is enabled (it declares limited support), answers
 *   hovers from the manifests, runs its language server outside the workspace folder, and `netlens check` run from
 *   the editor renders nothing;
 * - the walkthrough: each step is unchecked until its event, and checked after it (open a manifest, hover a name,
 *   open the map, run netlens check);
 * - rename: a Service renamed through the rename box (F2) changes every reference in every file, in its own
 *   spelling, and nothing else; the Problems panel stays empty;
 * - a cluster that comes up while VS Code is open (as `npm start` brings it up): the view says it is building, and
 *   the extension switches to the live cluster when the status file says ready, without a reload. This one needs
 *   the local control plane; without it, it is skipped with the reason.
 *
 * Screenshots go to test-results/e2e/product-*.png.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type Plane, startPlane } from '../live/plane';
import { type CodeServer, copyWorkspace, type StartOptions, startCodeServer } from './vscode';
import {
  goToLine,
  hoverText,
  launchBrowser,
  mapFrame,
  openNetLensView,
  openWorkbench,
  quickOpen,
  runCommand,
  screenshot,
  terminalText,
  textPosition,
} from './workbench';

const WAIT = 90_000;
const TEST_TIMEOUT = 300_000;
const scratch = mkdtempSync(join(tmpdir(), 'netlens-e2e-product-'));
let browser: Browser | undefined;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts code-server on a fresh copy of the sample workspace and opens its workbench; cleans up after `body`. */
async function withWorkbench(
  name: string,
  options: Partial<StartOptions>,
  body: (page: Page, server: CodeServer, workspace: string) => Promise<void>,
): Promise<void> {
  const workspace = copyWorkspace(undefined, join(scratch, name, 'sample-workspace'));
  // The DOM renderer draws the terminal's text as text, so that the test can read it.
  const settings = { 'netlens.cluster.enabled': false, 'terminal.integrated.gpuAcceleration': 'off', ...options.settings };
  const server = await startCodeServer({ workspace, ...options, settings });
  const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await openWorkbench(page, server.url, WAIT);
    await body(page, server, workspace);
  } catch (e) {
    await screenshot(page, `product-${name}-failed`).catch(() => undefined);
    console.log(server.logs());
    throw e;
  } finally {
    await page.close().catch(() => undefined);
    await server.stop();
  }
}

/** Hovers the first Service name of shop.yaml until NetLens answers. */
async function hoverApi(page: Page, workspace: string): Promise<string> {
  await quickOpen(page, 'shop.yaml');
  const needle = 'api.shop.svc.cluster.local';
  await goToLine(
    page,
    readFileSync(join(workspace, 'shop.yaml'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1,
  );
  return hoverText(page, needle, 'Service shop/api');
}

/** The pids of the processes whose command line holds `needle`. */
function pidsWith(needle: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('Restricted Mode: enabled, hovers answered, the server outside the workspace, netlens check renders nothing', { timeout: TEST_TIMEOUT }, async () => {
  const settings = { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' };
  await withWorkbench('restricted', { settings }, async (page, server, workspace) => {
    // A chart in the folder: a trusted run would try to render it; a restricted one must only say it did not.
    mkdirSync(join(workspace, 'chart', 'templates'), { recursive: true });
    writeFileSync(join(workspace, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: chart\nversion: 0.1.0\n');
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: WAIT });
    const hover = await hoverApi(page, workspace);
    assert.match(hover, /Service shop\/api/);
    assert.match(hover, /Source: the workspace manifests/);
    await screenshot(page, 'product-restricted-hover');

    // The language server's working folder is the extension's, not the workspace's.
    const servers = pidsWith(join(server.dataDir, 'extensions'));
    const lsp = servers.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/server.js'));
    assert.equal(lsp.length, 1, `one NetLens language server among ${servers.join(', ')}`);
    const cwd = readlinkSync(`/proc/${lsp[0]}/cwd`);
    assert.match(cwd, /\/extensions\/netlens\.netlens-[^/]+$/);
    assert.notEqual(cwd, workspace);

    await runCommand(page, 'NetLens: Run netlens check in a Terminal');
    const text = (await terminalText(page, /exit status/, WAIT)).replace(/\s+/g, ' ');
    assert.match(text, /Helm chart not rendered \(--no-render\): chart/);
    assert.match(text, /2 files checked: no findings\./);
    assert.match(text, /netlens check ended with exit status 0 \(0: no error found/);
    await screenshot(page, 'product-restricted-check');
  });
});

/**
 * Waits until `path` holds `expected` (the editor saved it) and returns what it holds then, or at the deadline. A
 * save truncates the file before it writes it, so a read in between sees an empty file: only the expected text, or
 * the deadline, ends the wait; the caller's assertion shows any difference.
 */
async function savedText(page: Page, path: string, expected: string): Promise<string> {
  const deadline = Date.now() + WAIT;
  for (;;) {
    const now = readFileSync(path, 'utf8');
    if (now === expected || Date.now() > deadline) return now;
    // Saving goes through code-server's file system; the page's next frame is the event to look again on.
    await page.evaluate(() => new Promise((r) => (globalThis as any).requestAnimationFrame(r)));
  }
}

/** The Problems indicator of the status bar: errors and warnings in the workspace. */
async function problemCounts(page: Page): Promise<string> {
  const item = page.locator('#status\\.problems');
  await item.waitFor({ state: 'visible', timeout: WAIT });
  return (await item.getAttribute('aria-label')) ?? (await item.innerText());
}

test('rename a Service through the rename box: every reference in every file, nothing else, no problems', { timeout: TEST_TIMEOUT }, async () => {
  await withWorkbench('rename', {}, async (page, _server, workspace) => {
    const shopPath = join(workspace, 'shop.yaml');
    const edgePath = join(workspace, 'edge.yaml');
    const shop = readFileSync(shopPath, 'utf8');
    const edge = readFileSync(edgePath, 'utf8');
    await hoverApi(page, workspace);
    assert.match(await problemCounts(page), /No Problems|0 errors?, 0 warnings?/i);

    // The code lens above Service web opens its one reference, the Ingress backend in edge.yaml, in a peek view.
    const lens = page.locator('.codelens-decoration a', { hasText: '1 reference · 3 ready endpoints' }).first();
    await lens.click({ timeout: WAIT });
    const peek = page.locator('.peekview-widget');
    await peek.locator('.peekview-title', { hasText: 'edge.yaml' }).first().waitFor({ state: 'visible', timeout: WAIT });
    await screenshot(page, 'product-code-lens-references');
    await page.keyboard.press('Escape');
    await peek.first().waitFor({ state: 'hidden', timeout: WAIT });

    // F2 on the reference in the URL: the box offers the Service's name alone.
    const at = await textPosition(page, '//api.');
    assert.ok(at);
    await page.mouse.click(at.x, at.y);
    await page.keyboard.press('F2');
    const box = page.locator('.rename-box input, .rename-box textarea').first();
    await box.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await box.inputValue(), 'api');
    await box.fill('payments-api');
    await page.keyboard.press('Enter');
    await box.waitFor({ state: 'hidden', timeout: WAIT });
    await runCommand(page, 'File: Save All Files');

    // Exactly the places that name the Service: the URL, the Service's own name, the Ingress backend.
    const expectedShop = shop
      .replace('http://api.shop.svc.cluster.local:8080/v1', 'http://payments-api.shop.svc.cluster.local:8080/v1')
      .replace('kind: Service\nmetadata:\n  name: api\n', 'kind: Service\nmetadata:\n  name: payments-api\n');
    const expectedEdge = edge.replace('                name: api\n', '                name: payments-api\n');
    assert.notEqual(expectedShop, shop);
    assert.notEqual(expectedEdge, edge);
    const shopAfter = await savedText(page, shopPath, expectedShop);
    assert.equal(shopAfter, expectedShop);
    assert.equal(await savedText(page, edgePath, expectedEdge), expectedEdge);
    assert.match(shopAfter, /kind: Deployment\nmetadata:\n {2}name: api\n/, 'the Deployment keeps its name');

    // The renamed workspace: the hover answers for the new name, and the Problems indicator stays at zero.
    await hoverText(page, 'payments-api.shop.svc.cluster.local', 'Service shop/payments-api');
    await screenshot(page, 'product-rename');
    assert.match(await problemCounts(page), /No Problems|0 errors?, 0 warnings?/i);
  });
});

/** Opens the walkthrough through the command palette (Welcome: Open Walkthrough...). */
async function openWalkthrough(page: Page): Promise<void> {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with NetLens' }).first().click({ timeout: WAIT });
  await page.locator('button.getting-started-step[data-step-id*="netlens.gettingStarted"]').first().waitFor({ state: 'visible', timeout: WAIT });
}

/** The open walkthrough's steps and whether each is checked. */
async function stepStates(page: Page): Promise<Record<string, boolean>> {
  const result: Record<string, boolean> = {};
  for (const step of await page.locator('button.getting-started-step[data-step-id*="netlens.gettingStarted"]').all()) {
    const id = (await step.getAttribute('data-step-id'))!.split('#').pop()!;
    result[id] = (await step.getAttribute('aria-checked')) === 'true';
  }
  return result;
}

/** Selects a step of the open walkthrough and clicks the button of its description, as a reader of it would. */
async function stepButton(page: Page, stepId: string, label: string): Promise<void> {
  await page.locator(`button.getting-started-step[data-step-id$="#${stepId}"]`).click();
  await page.locator(`button.getting-started-step.expanded[data-step-id$="#${stepId}"] .button-container a`, { hasText: label }).click({ timeout: WAIT });
}

test('the walkthrough: each step is checked by its own event', { timeout: TEST_TIMEOUT }, async () => {
  await withWorkbench('walkthrough', {}, async (page, _server, workspace) => {
    await openWalkthrough(page);
    assert.deepEqual(await stepStates(page), { openManifest: false, hover: false, map: false, check: false });
    await screenshot(page, 'product-walkthrough-before');
    await hoverApi(page, workspace);
    await openWalkthrough(page);
    await stepButton(page, 'map', 'Show Network Map');
    await mapFrame(page, WAIT);
    // The map's webview holds the keyboard focus, so the walkthrough is brought back by its tab, not by a key.
    await page.locator('.tabs-container .tab', { hasText: 'Walkthrough' }).first().click();
    await stepButton(page, 'check', 'Run netlens check');
    await terminalText(page, /checked/, WAIT);
    await page.locator('.tabs-container .tab', { hasText: 'Walkthrough' }).first().click();
    // The page redraws a step when its completion event comes; all four must show checked.
    await page.locator('button.getting-started-step[data-step-id$="#check"][aria-checked="true"]').waitFor({ state: 'attached', timeout: WAIT });
    assert.deepEqual(await stepStates(page), { openManifest: true, hover: true, map: true, check: true });
    await screenshot(page, 'product-walkthrough-done');
  });
});

test('a cluster that comes up while VS Code is open: the view says so, then shows the cluster without a reload', {
  timeout: TEST_TIMEOUT,
}, async (t: TestContext) => {
  let plane: Plane;
  try {
    plane = startPlane();
  } catch (e) {
    t.skip(`the local control plane did not start (test/cluster/up.sh): ${(e as Error).message.split('\n')[0]}`);
    return;
  }
  const dir = join(scratch, 'status');
  mkdirSync(dir, { recursive: true });
  const statusFile = join(dir, 'cluster-status.json');
  const kubeconfig = join(dir, 'kubeconfig');
  const writeStatus = (state: string, message: string) => {
    writeFileSync(`${statusFile}.tmp`, JSON.stringify({ state, message }));
    renameSync(`${statusFile}.tmp`, statusFile);
  };
  writeStatus('building', 'Local cluster: building, about 20 minutes the first time.');
  await withWorkbench(
    'cluster-status',
    { kubeconfig, env: { NETLENS_CLUSTER_STATUS_FILE: statusFile }, settings: { 'netlens.cluster.enabled': true, 'netlens.kubeconfig': kubeconfig } },
    async (page) => {
      await openNetLensView(page, WAIT);
      const message = page.locator('.pane-body', { hasText: 'Local cluster: building, about 20 minutes the first time.' }).first();
      await message.waitFor({ state: 'visible', timeout: WAIT });
      await page.locator('.statusbar-item', { hasText: 'NetLens: workspace' }).first().waitFor({ state: 'visible', timeout: WAIT });
      await screenshot(page, 'product-cluster-building');
      const started = Date.now();
      copyFileSync(plane.kubeconfig, kubeconfig);
      writeStatus('ready', 'Local cluster: up.');
      // The context of the plane's kubeconfig is "admin": the status bar names it once the server reads the cluster.
      await page.locator('.statusbar-item', { hasText: 'admin' }).first().waitFor({ state: 'visible', timeout: WAIT });
      await message.waitFor({ state: 'hidden', timeout: WAIT });
      console.log(`# e2e figures: switched to the cluster ${Date.now() - started} ms after the status said ready`);
      await screenshot(page, 'product-cluster-ready');
    },
  );
});
