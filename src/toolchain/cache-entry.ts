import { chmod, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Decides whether a finished cache entry directory is usable. */
export type EntryCheck = (entryDir: string) => Promise<boolean>;

/** Prefix of in-progress build directories; the pid after it tells whether the owner lives. */
const TMP_PREFIX = '.tmp-';

/**
 * Builds a cache entry atomically: `build` fills a fresh temp directory inside `cacheDir`, which
 * is then renamed to `<cacheDir>/<entryName>` in one step. A killed build leaves only a temp
 * directory (removed by the next build once its owner process is gone), never a half-written
 * entry. When two resolvers race, the first rename wins and the loser discards its copy.
 * An existing entry that `isValid` rejects (e.g. its JVM was uninstalled) is replaced.
 *
 * @returns the entry directory.
 */
export async function buildCacheEntry(
  cacheDir: string,
  entryName: string,
  isValid: EntryCheck,
  build: (tmpDir: string) => Promise<void>,
): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  await removeAbandonedBuilds(cacheDir, entryName);
  const entryDir = path.join(cacheDir, entryName);
  const tmpDir = await mkdtemp(path.join(cacheDir, `${TMP_PREFIX}${entryName}-${process.pid}-`));
  // mkdtemp makes it owner-only; a cache entry is as readable as any installed tool.
  await chmod(tmpDir, 0o755);
  try {
    await build(tmpDir);
    if (!(await isValid(tmpDir))) {
      throw new Error(`the build finished but did not produce a usable entry in ${tmpDir}`);
    }
    if (await isValid(entryDir)) return entryDir; // a concurrent resolver finished first
    await moveAsideAndRemove(cacheDir, entryName);
    try {
      await rename(tmpDir, entryDir);
    } catch (err) {
      // Lost a race between our validity check and the rename; the winner's entry is complete.
      if (!isCode(err, 'ENOTEMPTY', 'EEXIST') || !(await isValid(entryDir))) throw err;
    }
    return entryDir;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/** Removes temp directories of builds whose process no longer runs (killed or crashed). */
async function removeAbandonedBuilds(cacheDir: string, entryName: string): Promise<void> {
  const prefix = `${TMP_PREFIX}${entryName}-`;
  for (const name of await readdir(cacheDir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
      await rm(path.join(cacheDir, name), { recursive: true, force: true });
    }
  }
}

/** Renames a stale entry out of the way first, so no reader ever sees it half-deleted. */
async function moveAsideAndRemove(cacheDir: string, entryName: string): Promise<void> {
  // Named like a temp dir so removeAbandonedBuilds cleans it up if we die mid-removal.
  const trash = path.join(cacheDir, `${TMP_PREFIX}${entryName}-${process.pid}-stale`);
  await rm(trash, { recursive: true, force: true });
  try {
    await rename(path.join(cacheDir, entryName), trash);
  } catch (err) {
    if (isCode(err, 'ENOENT')) return;
    throw err;
  }
  await rm(trash, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks that the process exists
    return true;
  } catch (err) {
    return isCode(err, 'EPERM');
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  // Duck-typed: errors from Node built-ins fail `instanceof Error` inside jest's VM context.
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && codes.includes(code);
}
