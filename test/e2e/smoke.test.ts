/**
 * The smoke test in real VS Code (code-server, the packaged netlens.vsix) driven by Playwright in Debian's
 * Chromium: the workbench loads, shop.yaml opens through Quick Open, and a hover on a Service name shows the
 * NetLens language server's answer. Workspace mode (the cluster is off), so it needs no control plane.
 * Screenshots go to test-results/e2e/.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type CodeServer, copyWorkspace, startCodeServer } from './vscode';
import { goToLine, hoverText, launchBrowser, openWorkbench, quickOpen, screenshot } from './workbench';

let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;
let workspace: string;
const figures: string[] = [];

before(async () => {
  workspace = copyWorkspace();
  let t = Date.now();
  server = await startCodeServer({ workspace, settings: { 'netlens.cluster.enabled': false } });
  figures.push(`code-server answering: ${Date.now() - t} ms`);
  t = Date.now();
  browser = await launchBrowser();
  figures.push(`chromium launched: ${Date.now() - t} ms`);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
});

/** Runs a test's body; on failure, saves a screenshot and prints the ends of the logs (stop() deletes them). */
function step(name: string, body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (e) {
      const shot = page ? await screenshot(page, `${name}-failed`).catch(() => undefined) : undefined;
      console.log(`# ${name} failed${shot ? `; screenshot ${shot}` : ''}\n${server?.logs() ?? ''}`);
      throw e;
    }
  };
}

after(async () => {
  await page?.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  if (workspace) rmSync(dirname(workspace), { recursive: true, force: true });
  if (figures.length) console.log(`# e2e figures: ${figures.join('; ')}`);
});

test(
  'the workbench loads with the sample workspace',
  step('workbench', async () => {
    const ms = await openWorkbench(page, server!.url);
    figures.push(`workbench (.monaco-workbench) visible: ${ms} ms`);
    await screenshot(page, 'workbench');
    const explorer = await page.locator('.explorer-folders-view').innerText();
    assert.match(explorer, /shop\.yaml/);
  }),
);

test(
  'a hover on a Service name in shop.yaml shows the Service',
  step('hover-api', async () => {
    let t = Date.now();
    await quickOpen(page, 'shop.yaml');
    figures.push(`shop.yaml open through Quick Open: ${Date.now() - t} ms`);
    const needle = 'api.shop.svc.cluster.local';
    const line =
      readFileSync(join(workspace, 'shop.yaml'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(needle)) + 1;
    assert.ok(line > 0, `${needle} is in shop.yaml`);
    await goToLine(page, line);
    t = Date.now();
    const text = await hoverText(page, needle, 'Service shop/api');
    figures.push(`hover shown: ${Date.now() - t} ms`);
    await screenshot(page, 'hover-api');
    assert.match(text, /Service shop\/api/);
    assert.match(text, /Source: the workspace manifests/);
  }),
);
