import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEV_SERVER_CACHE_ENTRY, resolveDevServer, ToolchainError } from '../../src/toolchain';
import { captureLog, fakeExecutable, fakeTemporalCli, makeScratch, removeScratch } from './fakes';

describe('resolveDevServer route order', () => {
  let scratch: string;
  let cacheDir: string;
  let pathBin: string; // a PATH directory with a fake `temporal`
  let emptyBin: string; // a PATH directory with nothing in it
  let cachedCli: string;

  beforeEach(async () => {
    scratch = await makeScratch();
    cacheDir = path.join(scratch, 'cache');
    pathBin = path.join(scratch, 'path-bin');
    emptyBin = path.join(scratch, 'empty-bin');
    await mkdir(emptyBin);
    await fakeTemporalCli(pathBin, '2.0.0');
    cachedCli = await fakeTemporalCli(path.join(cacheDir, DEV_SERVER_CACHE_ENTRY));
  });
  afterEach(() => removeScratch(scratch));

  it('prefers the explicit path over PATH and the cache', async () => {
    const explicit = await fakeTemporalCli(path.join(scratch, 'explicit'), '3.0.0');
    const server = await resolveDevServer({
      explicitPath: explicit,
      cacheDir,
      env: { PATH: pathBin },
      log: captureLog().log,
    });
    expect(server).toEqual({
      executable: { type: 'existing-path', path: explicit },
      source: 'explicit',
      version: '3.0.0',
    });
  });

  it('prefers `temporal` on PATH over the cache', async () => {
    const server = await resolveDevServer({ cacheDir, env: { PATH: `${emptyBin}:${pathBin}` } });
    expect(server.source).toBe('path');
    expect(server.executable).toEqual({
      type: 'existing-path',
      path: path.join(pathBin, 'temporal'),
    });
    expect(server.version).toBe('2.0.0');
  });

  it('uses the cache when nothing is explicit or on PATH', async () => {
    const server = await resolveDevServer({ cacheDir, env: { PATH: emptyBin } });
    expect(server).toEqual({
      executable: { type: 'existing-path', path: cachedCli },
      source: 'cache',
      version: '1.5.1',
    });
  });

  it('skips a `temporal` on PATH that is not the Temporal CLI', async () => {
    const otherBin = path.join(scratch, 'other-bin');
    await fakeExecutable(otherBin, 'temporal', 'echo "some other tool"');
    const server = await resolveDevServer({ cacheDir, env: { PATH: otherBin } });
    expect(server.source).toBe('cache');
  });

  it('rejects a missing explicit path, naming TEMPORAL_CLI_PATH, even when others exist', async () => {
    const missing = path.join(scratch, 'nope', 'temporal');
    const attempt = resolveDevServer({
      explicitPath: missing,
      cacheDir,
      env: { PATH: pathBin },
    });
    await expect(attempt).rejects.toThrow(ToolchainError);
    await expect(attempt).rejects.toThrow(/TEMPORAL_CLI_PATH is set to ".*nope\/temporal"/);
  });

  it('lists every route and the fix when nothing works', async () => {
    const attempt = resolveDevServer({
      cacheDir: path.join(scratch, 'empty-cache'),
      env: { PATH: emptyBin },
      allowSdkDownload: false,
      log: captureLog().log,
    });
    await expect(attempt).rejects.toThrow(ToolchainError);
    const err = (await attempt.catch((e: unknown) => e)) as ToolchainError;
    expect(err.attempts.map((a) => a.route)).toEqual([
      'explicit path (TEMPORAL_CLI_PATH)',
      'PATH',
      'cache',
      'go-build',
      'sdk-download',
    ]);
    expect(err.message).toContain(
      '1. explicit path (TEMPORAL_CLI_PATH): TEMPORAL_CLI_PATH is not set',
    );
    expect(err.message).toContain('2. PATH: no `temporal` on PATH');
    expect(err.message).toContain('4. go-build: `go` is not on PATH');
    expect(err.message).toContain('5. sdk-download: disabled');
    expect(err.message).toMatch(/install Go .* or set TEMPORAL_CLI_PATH/);
  });

  it("falls back to the SDK's download by default, saying why", async () => {
    const { log, lines } = captureLog();
    const server = await resolveDevServer({
      cacheDir: path.join(scratch, 'empty-cache'),
      env: { PATH: emptyBin },
      log,
    });
    expect(server).toEqual({ executable: { type: 'cached-download' }, source: 'sdk-download' });
    expect(lines.join('\n')).toMatch(/temporal\.download[\s\S]*go-build: `go` is not on PATH/);
  });
});

describe('resolveDevServer go-build route', () => {
  let scratch: string;
  let cacheDir: string;
  let goBin: string;

  beforeEach(async () => {
    scratch = await makeScratch();
    cacheDir = path.join(scratch, 'cache');
    goBin = path.join(scratch, 'go-bin');
  });
  afterEach(() => removeScratch(scratch));

  /** A fake `go` that checks its pinned arguments and "installs" a fake CLI into $GOBIN. */
  const fakeGo = (extra = '') =>
    fakeExecutable(
      goBin,
      'go',
      `[ "$CGO_ENABLED" = 0 ] || { echo "CGO_ENABLED=$CGO_ENABLED"; exit 3; }
for a in "$@"; do last=$a; done
[ "$last" = github.com/temporalio/cli/cmd/temporal@v1.5.1 ] || { echo "bad package $last"; exit 4; }
${extra}
echo github.com/temporalio/cli/temporalcli
printf '#!/bin/sh\\necho "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"\\n' > "$GOBIN/temporal"
/bin/chmod 755 "$GOBIN/temporal"`,
    );

  it('builds once into the cache, reports progress, then hits the cache', async () => {
    await fakeGo('/bin/sleep 0.3');
    const { log, lines } = captureLog();
    const opts = { cacheDir, env: { PATH: goBin }, log, progressIntervalMs: 50 };

    const built = await resolveDevServer(opts);
    const entry = path.join(cacheDir, DEV_SERVER_CACHE_ENTRY, 'temporal');
    expect(built).toEqual({
      executable: { type: 'existing-path', path: entry },
      source: 'go-build',
      version: '1.5.1',
    });
    expect(lines.some((l) => /still building… .*output lines: \d/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/built in .*: .*temporal$/);
    expect(await readdir(cacheDir)).toEqual([DEV_SERVER_CACHE_ENTRY]); // no temp dirs left

    expect((await resolveDevServer(opts)).source).toBe('cache');
  });

  it('moves on when the build fails, leaving no entry, and quotes its output', async () => {
    await fakeExecutable(goBin, 'go', 'echo "go: module lookup disabled"; exit 2');
    const attempt = resolveDevServer({
      cacheDir,
      env: { PATH: goBin },
      allowSdkDownload: false,
      log: captureLog().log,
    });
    await expect(attempt).rejects.toThrow(/go-build: failed: `.*go install .*` exited with code 2/);
    await expect(attempt).rejects.toThrow(/module lookup disabled/);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('removes temp dirs of builds whose process died', async () => {
    await fakeGo();
    const deadPid = spawnSync('/bin/true').pid;
    const abandoned = path.join(cacheDir, `.tmp-${DEV_SERVER_CACHE_ENTRY}-${deadPid}-abc123`);
    await mkdir(abandoned, { recursive: true });
    await writeFile(path.join(abandoned, 'temporal'), 'half written');

    await resolveDevServer({ cacheDir, env: { PATH: goBin }, log: captureLog().log });
    expect(await readdir(cacheDir)).toEqual([DEV_SERVER_CACHE_ENTRY]);
  });
});
