/**
 * The NetLens view when there is no cluster to show, in real VS Code: no kubeconfig, a cluster that cannot be
 * reached, and a user who may list nothing (a real API server's RBAC). Each case gets its own code-server, with
 * KUBECONFIG set for it, on a workspace without manifests; the view must say what happened and offer what to do.
 * Screenshots go to test-results/e2e/welcome-*.png. The forbidden case needs the local control plane; without it,
 * that test is skipped with the reason.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Plane, startPlane } from '../live/plane';
import { writeKubeconfig } from '../support/kubeconfig';
import { startCodeServer } from './vscode';
import { launchBrowser, openNetLensView, openWorkbench, screenshot } from './workbench';

const WAIT = 90_000;
const TEST_TIMEOUT = 240_000;

const scratch = mkdtempSync(join(tmpdir(), 'netlens-e2e-welcome-'));
let browser: Browser | undefined;
let plane: Plane | undefined;
let planeError: string | undefined;

before(async () => {
  browser = await launchBrowser();
  try {
    plane = startPlane();
  } catch (e) {
    planeError = `the local control plane did not start (test/cluster/up.sh): ${(e as Error).message.split('\n')[0]}`;
  }
});

after(async () => {
  await browser?.close().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

function kubeconfig(name: string, server: string, user: Record<string, unknown>, ca?: string): string {
  return writeKubeconfig(scratch, { name, server, user, ...(ca ? { ca } : {}) });
}

/** Opens the NetLens view of a code-server started with this KUBECONFIG, and returns the text its welcome view shows. */
async function welcome(name: string, kubeconfigPath: string, expect: RegExp): Promise<string> {
  const workspace = join(scratch, `${name}-workspace`);
  mkdirSync(workspace, { recursive: true });
  // No manifest; one file, so that the explorer has a row to show when the workbench is ready.
  writeFileSync(join(workspace, 'notes.txt'), 'No manifests here.\n');
  const server = await startCodeServer({ workspace, kubeconfig: kubeconfigPath, settings: { 'netlens.cluster.enabled': true } });
  const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await openWorkbench(page, server.url, WAIT);
    await openNetLensView(page, WAIT);
    const view = page.locator('.pane-body .welcome-view-content', { hasText: expect }).first();
    await view.waitFor({ state: 'visible', timeout: WAIT });
    await screenshot(page, `welcome-${name}`);
    return (await view.innerText()).replace(/\s+/g, ' ');
  } catch (e) {
    await screenshot(page, `welcome-${name}-failed`).catch(() => undefined);
    console.log(server.logs());
    throw e;
  } finally {
    await page.close().catch(() => undefined);
    await server.stop();
  }
}

test('no kubeconfig: the view says so, and offers the setting', { timeout: TEST_TIMEOUT }, async () => {
  const text = await welcome('no-kubeconfig', join(scratch, 'does-not-exist.kubeconfig'), /No kubeconfig found/);
  assert.match(text, /NetLens answers from the manifests of this workspace/);
  assert.match(text, /Open Settings/);
});

test('an unreachable cluster: the view says so, and offers retry, the output and another context', { timeout: TEST_TIMEOUT }, async () => {
  // A port nothing listens on: connection refused.
  const text = await welcome('unreachable', kubeconfig('unreachable', 'https://127.0.0.1:9', { token: 'not-used' }), /cannot be reached/);
  assert.match(text, /Retry/);
  assert.match(text, /Show Output/);
  assert.match(text, /Switch Context/);
  assert.doesNotMatch(text, /not-used/, 'no credential in the view');
});

test('a user who may list nothing: the view says it is RBAC, not an empty cluster', { timeout: TEST_TIMEOUT }, async (t: TestContext) => {
  if (!plane) {
    t.skip(planeError);
    return;
  }
  const text = await welcome(
    'forbidden',
    kubeconfig('nobody', plane.env.APISERVER_URL!, { token: plane.env.LIMITED_TOKEN! }, plane.env.CA_CERT!),
    /may not list/,
  );
  assert.match(text, /RBAC/);
  assert.match(text, /Switch Context/);
});
