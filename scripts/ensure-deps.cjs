#!/usr/bin/env node
// First step of `npm start` and `npm test`: make a fresh clone runnable with no other command.
// Installs the locked dependencies (npm ci) when node_modules is missing or stale, then generates the
// Prisma client. Plain Node (no TypeScript, no dependencies): it runs before anything exists.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stampFile = path.join(root, 'node_modules', '.octollm-lock-hash');

function lockHash() {
  const lock = fs.readFileSync(path.join(root, 'package-lock.json'));
  const pkg = fs.readFileSync(path.join(root, 'package.json'));
  return crypto.createHash('sha256').update(lock).update(pkg).digest('hex');
}

function main() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(
      `Node ${process.versions.node} is too old: OctoLLM needs Node 20.19 or newer (install it from nodejs.org or your package manager).`,
    );
  }
  const hash = lockHash();
  const current = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
  if (current !== hash) {
    // `npm ci`: exactly the versions in the committed (complete) lockfile, nothing else, and
    // package-lock.json left as it is.
    console.error('[octollm] installing dependencies (npm ci from package-lock.json)…');
    const started = Date.now();
    try {
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    } catch {
      fail(
        'npm ci failed. If package.json changed, run `npm install` to update package-lock.json and ' +
          'commit it; otherwise check that the npm registry is reachable (npm config get registry) and retry.',
      );
    }
    fs.writeFileSync(stampFile, hash);
    console.error(
      `[octollm] dependencies installed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  execFileSync(process.execPath, [path.join(__dirname, 'prisma-generate.cjs')], {
    cwd: root,
    stdio: 'inherit',
  });
}

function fail(message) {
  console.error(`[octollm] ${message}`);
  process.exit(1);
}

main();
