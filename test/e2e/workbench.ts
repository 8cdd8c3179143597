/**
 * Playwright helpers for VS Code's web workbench (served by code-server) in Debian's Chromium: launching the
 * browser, opening the workbench, Quick Open, Go to Line, hovering a piece of editor text, screenshots.
 * Every wait is on a selector or a condition in the page, bounded by a timeout.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Frame, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium, repoRoot } from './vscode';

/** Where screenshots go (gitignored): test-results/e2e/. */
export const RESULTS_DIR = join(repoRoot(), 'test-results', 'e2e');

export async function launchBrowser(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Opens the workbench at url and waits for it; returns the time to `.monaco-workbench`, in ms. */
export async function openWorkbench(page: Page, url: string, timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  const ms = Date.now() - started;
  // The explorer shows the folder once the remote file system answered.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
  return ms;
}

const ctrl = 'Control';

/** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab to be active. */
export async function quickOpen(page: Page, fileName: string, timeoutMs = 30_000): Promise<Locator> {
  await focusWorkbench(page);
  await page.keyboard.press(`${ctrl}+P`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(fileName);
  // The file search answers asynchronously; wait for the row that names the file, then take it.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.press('Enter');
  const tab = page.locator('.tabs-container .tab.active', { hasText: fileName });
  await tab.waitFor({ state: 'visible', timeout: timeoutMs });
  const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines');
  await editor.waitFor({ state: 'visible', timeout: timeoutMs });
  return editor;
}

/** Moves the cursor of the active editor to a 1-based line (Ctrl+G), which scrolls it into view. */
export async function goToLine(page: Page, line: number, timeoutMs = 15_000): Promise<void> {
  await page.keyboard.press(`${ctrl}+G`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: timeoutMs });
}

async function focusWorkbench(page: Page): Promise<void> {
  // Keyboard shortcuts need the focus inside the workbench, not on the page body.
  const active = await page.evaluate(() => {
    const d = (globalThis as any).document;
    return Boolean(d.activeElement && d.activeElement !== d.body);
  });
  if (!active)
    await page
      .locator('.monaco-workbench .part.statusbar')
      .click({ position: { x: 2, y: 2 } })
      .catch(() => undefined);
}

/** Screen coordinates of the middle of the first occurrence of text in the visible lines of the active editor. */
export async function textPosition(page: Page, text: string): Promise<{ x: number; y: number } | undefined> {
  return page.evaluate((needle) => {
    const d = (globalThis as any).document;
    const lines = d.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line');
    for (const line of Array.from(lines) as any[]) {
      const full: string = line.textContent ?? '';
      const at = full.indexOf(needle);
      if (at < 0) continue;
      // Find the text node and offset of the needle's middle character.
      const mid = at + Math.floor(needle.length / 2);
      const walker = d.createTreeWalker(line, 4 /* NodeFilter.SHOW_TEXT */);
      let seen = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const len = node.textContent.length;
        if (mid < seen + len) {
          const range = d.createRange();
          range.setStart(node, mid - seen);
          range.setEnd(node, mid - seen + 1);
          const r = range.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
        seen += len;
      }
    }
    return undefined;
  }, text);
}

/**
 * Hovers over text in the active editor until NetLens's hover, with `expect` in its text, shows (the language server may
 * still be starting at the first attempt, and an empty hover is not asked again until the mouse moves); returns
 * the hover's text. NetLens's hover is told from a document link's tooltip by `source`, the word its last line
 * starts with in the display language.
 */
export async function hoverText(page: Page, text: string, expect: string, timeoutMs = 60_000, source = 'Source:'): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  // NetLens's hover (it ends with its source), not a document link's tooltip that names the same Service.
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: expect }).filter({ hasText: source });
  let last = '';
  while (Date.now() < deadline) {
    const at = await textPosition(page, text);
    if (!at) throw new Error(`"${text}" is not on screen in the active editor`);
    // Away first (an earlier hover hidden), so that the hover is asked for again.
    await page.mouse.move(1, 1);
    await page.keyboard.press('Escape');
    await page
      .locator('.monaco-hover:not(.hidden)')
      .first()
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => undefined);
    await page.mouse.move(at.x - 3, at.y);
    await page.mouse.move(at.x, at.y, { steps: 3 });
    try {
      await hover.first().waitFor({ state: 'visible', timeout: Math.min(5000, Math.max(1, deadline - Date.now())) });
      return (await hover.first().innerText()).trim();
    } catch {
      last = (
        await page
          .locator('.monaco-hover:not(.hidden)')
          .allInnerTexts()
          .catch(() => [])
      ).join(' | ');
    }
  }
  throw new Error(`no hover containing "${expect}" over "${text}" within ${timeoutMs / 1000} s${last ? `; last hover: ${last}` : ''}`);
}

/** Saves a full-page screenshot as test-results/e2e/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The rows of the NetLens tree view. */
export function treeRows(page: Page): Locator {
  return page.locator('.pane-body .monaco-list-row');
}

/** The NetLens tree rows whose label is exactly `label`. */
export function treeRow(page: Page, label: string): Locator {
  return treeRows(page).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
}

/**
 * Starts watching the page for the first moment (its wall clock) a NetLens tree row labelled `label` whose text does
 * not contain `without` is in the DOM, from a MutationObserver; the function returned resolves with that time once
 * it has come. Playwright's waits poll, at 500 ms intervals after the first few hundred ms: this is the moment itself.
 */
export async function whenTreeRowAppears(page: Page, label: string, without?: string): Promise<(timeoutMs?: number) => Promise<number>> {
  const key = `__netlensRow_${label}_${without ?? ''}`;
  await page.evaluate(
    ({ key, label, without }) => {
      // The page's globals, typed as far as used here (this project's tests compile without the DOM's types).
      type El = { querySelector(s: string): El | null; textContent: string | null };
      const g = globalThis as unknown as {
        document: { body: unknown; querySelectorAll(s: string): ArrayLike<El> };
        MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
      } & Record<string, number | undefined>;
      const seen = () =>
        Array.from(g.document.querySelectorAll('.pane-body .monaco-list-row')).some(
          (row) => row.querySelector('.label-name')?.textContent?.trim() === label && (!without || !row.textContent?.includes(without)),
        );
      const observer = new g.MutationObserver(() => {
        if (g[key] === undefined && seen()) {
          g[key] = Date.now();
          observer.disconnect();
        }
      });
      observer.observe(g.document.body, { childList: true, subtree: true, characterData: true });
    },
    { key, label, without },
  );
  return async (timeoutMs = 90_000) => {
    const handle = await page.waitForFunction((k) => (globalThis as unknown as Record<string, number | undefined>)[k], key, { timeout: timeoutMs });
    return Number(await handle.jsonValue());
  };
}

/** Opens the NetLens view from the activity bar. */
export async function openNetLensView(page: Page, timeoutMs = 90_000): Promise<void> {
  await page
    .locator('.activitybar .action-item a[aria-label^="NetLens"], .activitybar .action-item[aria-label^="NetLens"]')
    .first()
    .click({ timeout: timeoutMs });
}

/** Moves the mouse away and waits until the tooltip it left open (a hover's markdown) is gone. */
export async function dismissTooltips(page: Page): Promise<void> {
  await page.mouse.move(1, 1);
  await page
    .locator('.context-view .rendered-markdown')
    .first()
    .waitFor({ state: 'hidden', timeout: 5_000 })
    .catch(() => undefined);
}

/** Expands the first tree row labelled `label`, and waits until it is expanded. */
export async function expandTreeRow(page: Page, label: string, timeoutMs = 90_000): Promise<void> {
  const row = treeRow(page, label).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  if ((await row.getAttribute('aria-expanded')) !== 'true') {
    // The tooltip of the row the mouse rests on (the one expanded before) can cover this one.
    await dismissTooltips(page);
    await row.click();
    await page.waitForFunction(
      (l) =>
        Array.from((globalThis as any).document.querySelectorAll('.pane-body .monaco-list-row')).some(
          (r: any) => r.querySelector('.label-name')?.textContent === l && r.getAttribute('aria-expanded') === 'true',
        ),
      label,
      { timeout: timeoutMs },
    );
  }
}

/** Runs a command by its palette title (F1). */
export async function runCommand(page: Page, title: string, timeoutMs = 90_000): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.press('Enter');
}

/**
 * The webview frame of the network map once it has drawn (its canvas is `data-state="ready"`). Webview frames
 * attach as the panel opens; each navigation is an event to look again on.
 */
export async function mapFrame(page: Page, timeoutMs = 90_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (
        await f
          .locator('svg.canvas[data-state="ready"] g.node')
          .first()
          .isVisible()
          .catch(() => false)
      )
        return f;
    }
    if (Date.now() > deadline) throw new Error('no webview frame with a drawn map');
    await page.waitForEvent('framenavigated', { timeout: 2000 }).catch(() => undefined);
  }
}

/** The text of the active terminal, as the DOM renderer draws it (`terminal.integrated.gpuAcceleration: off`); waits until it contains `expect`. */
export async function terminalText(page: Page, expect: RegExp, timeoutMs = 60_000): Promise<string> {
  const rows = page.locator('.terminal-wrapper.active .xterm-rows');
  await rows.filter({ hasText: expect }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  return rows.first().innerText();
}
