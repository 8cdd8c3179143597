#!/usr/bin/env node

const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('netlens: the CLI is not built yet; run `npm run build` in ' + join(__dirname, '..') + '\n');
  process.exit(2);
}
require(cli);
