/** Installs code-server (into the cache) and Debian's Chromium ahead of the end-to-end tests: `node out/test/e2e/install.js`. */
import { CODE_SERVER_VERSION, ensureChromium, installCodeServer } from './vscode';

const t0 = Date.now();
const dir = installCodeServer();
console.log(`code-server ${CODE_SERVER_VERSION}: ${dir} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
const t1 = Date.now();
console.log(`chromium: ${ensureChromium()} (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
