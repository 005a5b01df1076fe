import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A scratch directory per test, removed by {@link removeScratch}. */
export async function makeScratch(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'octollm-toolchain-'));
}

/** Removes a scratch directory made by {@link makeScratch}. */
export async function removeScratch(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Writes an executable `sh` script. Fakes run with a PATH holding only fake directories, so
 * their bodies use shell builtins or absolute paths (`/bin/chmod`).
 */
export async function fakeExecutable(dir: string, name: string, body: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

/** A fake Temporal CLI that answers `--version` like the real one. */
export async function fakeTemporalCli(dir: string, version = '9.9.9'): Promise<string> {
  return fakeExecutable(
    dir,
    'temporal',
    `echo "temporal version ${version} (Server 1.0.0, UI 2.0.0)"`,
  );
}

/** Collects log lines for assertions. */
export function captureLog(): { log: (msg: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { log: (msg) => lines.push(msg), lines };
}
