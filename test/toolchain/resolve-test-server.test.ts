import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveTestServer, TEST_SERVER_CACHE_ENTRY, ToolchainError } from '../../src/toolchain';
import { captureLog, fakeExecutable, makeScratch, removeScratch } from './fakes';

describe('resolveTestServer route order', () => {
  let scratch: string;
  let cacheDir: string;
  let emptyBin: string;

  beforeEach(async () => {
    scratch = await makeScratch();
    cacheDir = path.join(scratch, 'cache');
    emptyBin = path.join(scratch, 'empty-bin');
    await mkdir(emptyBin);
  });
  afterEach(() => removeScratch(scratch));

  /** A cache entry shaped like a real one: wrapper, JVM link and class path file. */
  async function fakeCacheEntry(): Promise<string> {
    const entry = path.join(cacheDir, TEST_SERVER_CACHE_ENTRY);
    await fakeExecutable(entry, 'java', 'exit 0');
    await writeFile(path.join(entry, 'classpath.args'), '-cp lib/x.jar\n');
    return fakeExecutable(entry, 'temporal-test-server', 'exec ./java "$@"');
  }

  it('prefers the explicit path over the cache', async () => {
    await fakeCacheEntry();
    const explicit = await fakeExecutable(path.join(scratch, 'explicit'), 'test-server', 'exit 0');
    const server = await resolveTestServer({ explicitPath: explicit, cacheDir, env: {} });
    expect(server).toEqual({
      executable: { type: 'existing-path', path: explicit },
      source: 'explicit',
    });
  });

  it('uses a complete cache entry', async () => {
    const wrapper = await fakeCacheEntry();
    const server = await resolveTestServer({ cacheDir, env: { PATH: emptyBin } });
    expect(server).toEqual({
      executable: { type: 'existing-path', path: wrapper },
      source: 'cache',
      version: '1.38.0',
    });
  });

  it('ignores an entry whose JVM is gone', async () => {
    await fakeCacheEntry();
    // The entry links the JVM it was built with; uninstalling that JVM leaves a dangling link.
    const javaLink = path.join(cacheDir, TEST_SERVER_CACHE_ENTRY, 'java');
    await rm(javaLink);
    await symlink(path.join(scratch, 'uninstalled-jdk', 'bin', 'java'), javaLink);
    const attempt = resolveTestServer({
      cacheDir,
      env: { PATH: emptyBin },
      allowSdkDownload: false,
    });
    await expect(attempt).rejects.toThrow(/cache: no usable entry/);
  });

  it('rejects a missing explicit path, naming TEMPORAL_TEST_SERVER_PATH', async () => {
    await fakeCacheEntry();
    const attempt = resolveTestServer({
      explicitPath: path.join(scratch, 'missing'),
      cacheDir,
      env: { PATH: emptyBin },
    });
    await expect(attempt).rejects.toThrow(ToolchainError);
    await expect(attempt).rejects.toThrow(/TEMPORAL_TEST_SERVER_PATH is set to ".*missing"/);
  });

  it('lists every route and the fix when nothing works', async () => {
    const attempt = resolveTestServer({
      cacheDir,
      env: { PATH: emptyBin },
      allowSdkDownload: false,
      log: captureLog().log,
    });
    const err = (await attempt.catch((e: unknown) => e)) as ToolchainError;
    expect(err).toBeInstanceOf(ToolchainError);
    expect(err.attempts.map((a) => a.route)).toEqual([
      'explicit path (TEMPORAL_TEST_SERVER_PATH)',
      'cache',
      'maven',
      'sdk-download',
    ]);
    expect(err.message).toContain('3. maven: `mvn` and `java` not on PATH');
    expect(err.message).toMatch(/install a JDK .* and Maven .* or set TEMPORAL_TEST_SERVER_PATH/);
  });

  it('names only the missing tool', async () => {
    const javaBin = path.join(scratch, 'java-bin');
    await fakeExecutable(javaBin, 'java', 'exit 0');
    const attempt = resolveTestServer({
      cacheDir,
      env: { PATH: javaBin },
      allowSdkDownload: false,
    });
    await expect(attempt).rejects.toThrow(/maven: `mvn` not on PATH/);
  });

  it('moves on to the SDK download when Maven fails', async () => {
    const toolBin = path.join(scratch, 'tool-bin');
    await fakeExecutable(toolBin, 'java', 'echo \'openjdk version "17.0.1" 2021-10-19\' >&2');
    await fakeExecutable(toolBin, 'mvn', 'echo "[ERROR] Could not resolve dependencies"; exit 1');
    const { log, lines } = captureLog();
    const server = await resolveTestServer({ cacheDir, env: { PATH: toolBin }, log });
    expect(server.source).toBe('sdk-download');
    expect(lines.join('\n')).toMatch(/maven: failed: .* exited with code 1:\s+\[ERROR\] Could not/);
  });
});
