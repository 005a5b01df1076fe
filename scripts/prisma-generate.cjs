#!/usr/bin/env node
// Generates the Prisma client (src/generated/prisma) offline, and only when its inputs changed.
//
// Every Prisma CLI command first tries to download the Rust schema engine from
// binaries.prisma.sh, which this project's machines cannot reach. `generate` never runs that
// engine, and the CLI skips the download when PRISMA_SCHEMA_ENGINE_BINARY names an existing
// file, so we point it at a placeholder. CHECKPOINT_DISABLE stops the CLI's update check, its
// only other network call. With both set, generate makes no network connection at all.
//
// Plain Node, no dependencies: it runs before anything is compiled. Usage:
//   node scripts/prisma-generate.cjs [--force]
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const schemaFile = path.join(root, 'prisma', 'schema.prisma');
const outputDir = path.join(root, 'src', 'generated', 'prisma');
// Kept inside the output folder: deleting the generated client also invalidates the stamp.
const stampFile = path.join(outputDir, '.generate-stamp');
const placeholder = path.join(root, '.octollm', 'prisma', 'schema-engine-placeholder');

function packageVersion(name) {
  const file = require.resolve(`${name}/package.json`, { paths: [root] });
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

function inputsHash() {
  return crypto
    .createHash('sha256')
    .update(fs.readFileSync(schemaFile))
    .update(`prisma@${packageVersion('prisma')} @prisma/client@${packageVersion('@prisma/client')}`)
    .digest('hex');
}

/**
 * A stand-in for the schema engine. generate only checks that it exists; if a migrate command
 * ever runs it, it explains itself instead of failing obscurely.
 */
function ensurePlaceholder() {
  if (fs.existsSync(placeholder)) return;
  fs.mkdirSync(path.dirname(placeholder), { recursive: true });
  fs.writeFileSync(
    placeholder,
    '#!/bin/sh\n' +
      'echo "The Prisma schema engine is not installed on this machine (binaries.prisma.sh is' +
      ' unreachable). Migrations are applied by src/db/migrate.ts (npm run migrate)." >&2\n' +
      'exit 1\n',
    { mode: 0o755 },
  );
}

function main() {
  const force = process.argv.includes('--force');
  const hash = inputsHash();
  const upToDate =
    fs.existsSync(path.join(outputDir, 'client.ts')) &&
    fs.existsSync(stampFile) &&
    fs.readFileSync(stampFile, 'utf8').trim() === hash;
  if (upToDate && !force) return;

  const env = { ...process.env };
  if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
    ensurePlaceholder();
    env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
  }
  env.CHECKPOINT_DISABLE = env.CHECKPOINT_DISABLE || '1';
  env.PRISMA_HIDE_UPDATE_MESSAGE = env.PRISMA_HIDE_UPDATE_MESSAGE || '1';

  // A lone stale stamp would make Prisma refuse the output folder as "not a Prisma client".
  fs.rmSync(stampFile, { force: true });
  const cli = path.join(
    path.dirname(require.resolve('prisma/package.json', { paths: [root] })),
    'build',
    'index.js',
  );
  try {
    execFileSync(process.execPath, [cli, 'generate', '--schema', schemaFile], {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch {
    console.error('[octollm] prisma generate failed (see above).');
    process.exit(1);
  }
  fs.writeFileSync(stampFile, `${hash}\n`);
}

main();
