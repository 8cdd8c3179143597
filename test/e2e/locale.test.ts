/**
 * NetLens in Spanish, in real VS Code: code-server started with `--locale es` (the test language pack of
 * test/e2e/language-pack), on a copy of the sample workspace and no cluster. The view's name, the tree's texts, a
 * client's verdict, a command's title and the map's texts come from the Spanish tables (package.nls.es.json, l10n/bundle.l10n.es.json);
 * names, kinds and ports stay as they are. Screenshots go to test-results/e2e/locale-*.png.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { copyWorkspace, startCodeServer } from './vscode';
import { expandTreeRow, launchBrowser, mapFrame, openNetLensView, openWorkbench, runCommand, screenshot, treeRow } from './workbench';

const WAIT = 90_000;
const TEST_TIMEOUT = 300_000;
const scratch = mkdtempSync(join(tmpdir(), 'netlens-e2e-locale-'));
let browser: Browser | undefined;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

test('en español: the view, the tree, a client verdict and a command in Spanish', { timeout: TEST_TIMEOUT }, async () => {
  const workspace = copyWorkspace(undefined, join(scratch, 'sample-workspace'));
  const server = await startCodeServer({ workspace, locale: 'es', settings: { 'netlens.cluster.enabled': false } });
  const page = await browser!.newPage({ viewport: { width: 1440, height: 900 }, locale: 'es-ES' });
  try {
    await openWorkbench(page, server.url, WAIT);
    await openNetLensView(page, WAIT);
    // The view's name (views.tree.name): "Clúster" (its header is hidden while it is the container's only view).
    await page.locator('.pane-header[aria-label^="Clúster"]').first().waitFor({ state: 'attached', timeout: WAIT });
    // A namespace's counts ("{0} services"), in Spanish; the pods' word is the same in both.
    const shop = treeRow(page, 'shop').first();
    await shop.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await shop.innerText(), /4 servicios · 5 pods/);
    // The clients of redis: web, allowed by the policy that selects redis ("permitido"), on its port.
    await expandTreeRow(page, 'shop', WAIT);
    await expandTreeRow(page, 'Services', WAIT);
    await expandTreeRow(page, 'redis', WAIT);
    await expandTreeRow(page, 'Clientes', WAIT);
    const web = page.locator('.pane-body .monaco-list-row', { hasText: 'Deployment · permitido · 6379/TCP' }).first();
    await web.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await web.innerText(), /^web/);
    await screenshot(page, 'locale-es-tree');
    // A command by its Spanish title (command.showMap.title): the map opens.
    await runCommand(page, 'NetLens: Mostrar mapa de red', WAIT);
    const map = await mapFrame(page, WAIT);
    assert.ok((await map.locator('svg.canvas g.node.service').count()) > 0);
    // The map's own texts: the filter's placeholder, the connections' choice, the summary.
    assert.equal(await map.locator('input.search').getAttribute('placeholder'), 'Filtrar por nombre, namespace o IP');
    assert.equal(await map.locator('select.connections-filter option[value="blocked"]').textContent(), 'Solo bloqueadas');
    assert.match((await map.locator('.summary').textContent()) ?? '', /manifiestos del área de trabajo · 1 namespace · 4 servicios · 5 pods · 2 conexiones/);
    assert.equal(await map.locator('html').getAttribute('lang'), 'es');
    await screenshot(page, 'locale-es-map');
  } catch (e) {
    await screenshot(page, 'locale-es-failed').catch(() => undefined);
    console.log(server.logs());
    throw e;
  } finally {
    await page.close().catch(() => undefined);
    await server.stop();
  }
});
