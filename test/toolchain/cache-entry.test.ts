import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildCacheEntry } from '../../src/toolchain/cache-entry';
import { makeScratch, removeScratch } from './fakes';

describe('buildCacheEntry', () => {
  let cacheDir: string;
  beforeEach(async () => {
    cacheDir = await makeScratch();
  });
  afterEach(() => removeScratch(cacheDir));

  const hasDone = async (dir: string): Promise<boolean> =>
    readFile(path.join(dir, 'done'), 'utf8').then(
      () => true,
      () => false,
    );
  const writeDone = (content: string) => async (tmp: string) => {
    await writeFile(path.join(tmp, 'done'), content);
  };

  it('leaves no entry and no temp dir when the build throws', async () => {
    const failing = buildCacheEntry(cacheDir, 'entry', hasDone, async (tmp) => {
      await writeFile(path.join(tmp, 'partial'), 'x');
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('rejects a build that does not produce a valid entry', async () => {
    const incomplete = buildCacheEntry(cacheDir, 'entry', hasDone, async () => undefined);
    await expect(incomplete).rejects.toThrow(/did not produce a usable entry/);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('replaces an existing entry that is no longer valid', async () => {
    await mkdir(path.join(cacheDir, 'entry'));
    await writeFile(path.join(cacheDir, 'entry', 'stale'), 'x');
    const dir = await buildCacheEntry(cacheDir, 'entry', hasDone, writeDone('new'));
    expect(await readdir(dir)).toEqual(['done']);
    expect(await readdir(cacheDir)).toEqual(['entry']);
  });

  it('lets two concurrent builds end with one complete entry', async () => {
    const [a, b] = await Promise.all([
      buildCacheEntry(cacheDir, 'entry', hasDone, writeDone('a')),
      buildCacheEntry(cacheDir, 'entry', hasDone, writeDone('b')),
    ]);
    expect(a).toBe(b);
    expect(['a', 'b']).toContain(await readFile(path.join(a, 'done'), 'utf8'));
    expect(await readdir(cacheDir)).toEqual(['entry']);
  });
});
