#!/usr/bin/env node
// `octollm`, the command line (src/cli). In the repository it runs the TypeScript source through
// tsx; where only the build is there (`npm run build`, the Docker image), it runs dist/cli.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'src', 'cli', 'main.ts');
let entry = path.join(root, 'dist', 'cli', 'main.js');
if (fs.existsSync(source)) {
  try {
    require('tsx/cjs/api').register();
    entry = source;
  } catch {
    // No tsx (a production install): the build must be there.
  }
}
if (!fs.existsSync(entry)) {
  console.error(
    'octollm: the command line is not built; run `npm install` (or `npm run build`) first',
  );
  process.exit(2);
}
require(entry)
  .runCli(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
