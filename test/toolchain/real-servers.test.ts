import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/config';
import { resolveDevServer, resolveTestServer, type ResolvedServer } from '../../src/toolchain';
import { findFreePort } from '../../src/toolchain/wait-for-port';
import { canConnect } from '../../src/toolchain/wait-for-port';

/**
 * The resolved binaries against the real SDK: no fakes. The first run on a machine may build
 * both servers (jest's global setup usually already did); later runs hit the cache.
 */
const { temporal } = loadConfig();
const FIRST_BUILD_TIMEOUT_MS = 35 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/** Port from an ephemeral server's `127.0.0.1:PORT` address. */
const portOf = (env: TestWorkflowEnvironment): number => Number(env.address.split(':').pop());

describe('time-skipping test server from the toolchain', () => {
  let server: ResolvedServer;
  beforeAll(async () => {
    server = await resolveTestServer({
      explicitPath: temporal.testServerPath,
      cacheDir: temporal.toolchainDir,
    });
  }, FIRST_BUILD_TIMEOUT_MS);

  it('resolves to a local binary, not the SDK download', () => {
    expect(server.executable.type).toBe('existing-path');
  });

  it('starts under createTimeSkipping, skips a day, and takes its JVM down on teardown', async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: server.executable },
    });
    const port = portOf(env);
    try {
      expect(env.supportsTimeSkipping).toBe(true);
      const before = await env.currentTimeMs();
      await env.sleep(DAY_MS);
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(DAY_MS);
    } finally {
      await env.teardown();
    }
    // The SDK kills only its direct child. Had the wrapper not `exec`ed, the orphaned JVM would
    // keep this port open (and its inherited output pipe would stall teardown).
    await new Promise((r) => setTimeout(r, 500));
    expect(await canConnect(port)).toBe(false);
  });
});

describe('dev server (temporal CLI) from the toolchain', () => {
  let server: ResolvedServer;
  beforeAll(async () => {
    server = await resolveDevServer({
      explicitPath: temporal.cliPath,
      cacheDir: temporal.toolchainDir,
    });
  }, FIRST_BUILD_TIMEOUT_MS);

  it('resolves to a local binary, not the SDK download', () => {
    expect(server.executable.type).toBe('existing-path');
  });

  it('starts under createLocal with the Web UI, answers gRPC and serves the UI', async () => {
    const uiPort = await findFreePort();
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: server.executable, ui: true, uiPort },
    });
    try {
      const info = await env.connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
      const res = await fetch(`http://127.0.0.1:${uiPort}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<html/i);
    } finally {
      await env.teardown();
    }
  });
});
