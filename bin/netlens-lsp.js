#!/usr/bin/env node

// The NetLens language server for any LSP editor: `netlens-lsp --stdio`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const server = join(__dirname, '..', 'dist', 'server.js');
if (!existsSync(server)) {
  process.stderr.write('netlens-lsp: the server is not built yet; run `npm run build` in ' + join(__dirname, '..') + '\n');
  process.exit(2);
}
require(server);
