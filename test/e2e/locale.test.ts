/**
 * NetLens in Spanish, in real VS Code: code-server started with `--locale es` (the test language pack of
 * test/e2e/language-pack), on a copy of the sample workspace and no cluster. The view's name, the tree's texts, a
 * client's verdict, a command's title and the map's texts come from the Spanish tables (package.nls.es.json, l10n/bundle.l10n.es.json);
 * names, kinds and ports stay as they are. Then the same in an untrusted folder (Restricted Mode): the hover and
 * `netlens check` in the terminal answer in Spanish, and the check renders nothing.
 * Screenshots go to test-results/e2e/locale-*.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { copyWorkspace, startCodeServer } from './vscode';
import {
  expandTreeRow,
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
  treeRow,
} from './workbench';

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

test('en español, en una carpeta no confiable: the hover and netlens check in Spanish, nothing rendered', { timeout: TEST_TIMEOUT }, async () => {
  const workspace = copyWorkspace(undefined, join(scratch, 'restricted', 'sample-workspace'));
  // A chart in the folder: a trusted run would render it; a restricted one only says it did not.
  mkdirSync(join(workspace, 'chart', 'templates'), { recursive: true });
  writeFileSync(join(workspace, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: chart\nversion: 0.1.0\n');
  const server = await startCodeServer({
    workspace,
    locale: 'es',
    settings: {
      'netlens.cluster.enabled': false,
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'always',
      // The DOM renderer draws the terminal's text as text, so that the test can read it.
      'terminal.integrated.gpuAcceleration': 'off',
    },
  });
  const page = await browser!.newPage({ viewport: { width: 1440, height: 900 }, locale: 'es-ES' });
  try {
    await openWorkbench(page, server.url, WAIT);
    // VS Code's own words stay English with the test language pack; NetLens's are Spanish.
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: WAIT });
    await quickOpen(page, 'shop.yaml');
    const needle = 'api.shop.svc.cluster.local';
    await goToLine(
      page,
      readFileSync(join(workspace, 'shop.yaml'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(needle)) + 1,
    );
    const hover = await hoverText(page, needle, 'Service shop/api', WAIT, 'Fuente:');
    assert.match(hover, /Fuente: los manifiestos del área de trabajo/);
    assert.match(hover, /Endpoints: \d+ listos?/);
    assert.doesNotMatch(hover, /Source:|ready/);
    await screenshot(page, 'locale-es-restricted-hover');

    // netlens check from the editor: in the display language, and --no-render in Restricted Mode.
    await runCommand(page, 'NetLens: Ejecutar netlens check en un terminal', WAIT);
    const text = (await terminalText(page, /estado de salida/, WAIT)).replace(/\s+/g, ' ');
    assert.match(text, /1 chart de Helm sin renderizar \(--no-render\): chart/);
    assert.match(text, /\d+ archivos comprobados: sin hallazgos\./);
    assert.match(text, /netlens check terminó con el estado de salida 0/);
    assert.doesNotMatch(text, /files checked|no findings|exit status/);
    await screenshot(page, 'locale-es-restricted-check');
  } catch (e) {
    await screenshot(page, 'locale-es-restricted-failed').catch(() => undefined);
    console.log(server.logs());
    throw e;
  } finally {
    await page.close().catch(() => undefined);
    await server.stop();
  }
});
