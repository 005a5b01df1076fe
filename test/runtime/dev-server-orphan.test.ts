import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { isProcessRunning } from '../../src/db/os-process';
import {
  DevServerError,
  findDevServers,
  reclaimDevServer,
} from '../../src/runtime/dev-server-orphan';
import { openTemporal } from '../../src/runtime/temporal-connection';
import { freePortRange } from '../../src/toolchain/wait-for-port';
import { devServer } from '../support/temporal-servers';

jest.setTimeout(120_000);

let root: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'octollm-devserver-'));
  const port = await freePortRange(2);
  const { executable } = await devServer();
  if (executable.type !== 'existing-path') throw new Error('expected a dev server on disk');
  env = {
    ...process.env,
    OCTOLLM_DATA_DIR: root,
    TEMPORAL_PORT: String(port),
    TEMPORAL_UI_PORT: String(port + 1),
    TEMPORAL_CLI_PATH: executable.path,
  };
  delete env.TEMPORAL_ADDRESS; // start a dev server, whatever the outer environment says
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Starts the dev server in a child process, as `npm start` would; resolves with its pid. */
async function startInChild() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'dev-server-starter.fixture.ts')],
    { cwd: path.resolve(__dirname, '../..'), env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
  });
  return child;
}

describe('the dev server left by a killed run', () => {
  it('is refused while its starter runs, and stopped once its starter is gone', async () => {
    const config = loadConfig(env);
    const { dbFile } = config.temporal.devServer;
    const ports = [{ port: config.temporal.devServer.port, setting: 'TEMPORAL_PORT' }];
    const child = await startInChild();
    const [server] = await findDevServers(dbFile);
    expect(server).toMatchObject({ ppid: child.pid, starterPid: child.pid });

    // Another start of the same data folder while the first one runs: refused, nothing stopped.
    const refused = await reclaimDevServer({ dbFile, ports, log: () => undefined }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(DevServerError);
    expect(refused).toMatchObject({ code: 'DB_FILE_IN_USE' });
    expect((refused as Error).message).toContain(`pid ${server!.pid}`);
    expect(isProcessRunning(server!.pid)).toBe(true);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(isProcessRunning(server!.pid)).toBe(true); // children outlive a SIGKILLed parent

    // The orphan's output pipe went with its starter: at its next log line it may die of
    // SIGPIPE by itself. Watch for that, so the check below knows which case it is in.
    let diedAt: number | undefined;
    const watch = setInterval(() => {
      if (diedAt === undefined && !isProcessRunning(server!.pid)) diedAt = Date.now();
    }, 5);

    // A fresh start stops the orphan and runs its own server on the same database and port.
    const said: { at: number; msg: string }[] = [];
    const temporal = await openTemporal(config, (msg) => said.push({ at: Date.now(), msg }));
    clearInterval(watch);
    try {
      const stopping = said.find((s) =>
        s.msg.includes(`stopping the orphaned Temporal dev server (pid ${server!.pid})`),
      );
      if (!stopping) {
        // Not stopped by this start: then it must have died before the start looked.
        const starting = said.find((s) => s.msg.startsWith('starting the Temporal dev server'));
        expect({ diedAt, before: starting!.at }).toEqual({
          diedAt: expect.any(Number),
          before: expect.any(Number),
        });
        expect(diedAt!).toBeLessThanOrEqual(starting!.at);
      }
      expect(isProcessRunning(server!.pid)).toBe(false);
      const [fresh] = await findDevServers(dbFile);
      // (Jest gives each test file its own copy of process.env, which a child does not inherit:
      // the starter mark is checked on the fixture's server above.)
      expect(fresh).toMatchObject({ ppid: process.pid });
      await expect(temporal.client.workflowService.getSystemInfo({})).resolves.toBeDefined();
    } finally {
      await temporal.close();
    }
    expect(await findDevServers(dbFile)).toEqual([]);
  });

  it('names the setting to change when something else holds a port', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const error = await reclaimDevServer({
        dbFile: path.join(root, 'other', 'temporal.db'),
        ports: [{ port, setting: 'TEMPORAL_UI_PORT' }],
        log: () => undefined,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'PORT_IN_USE' });
      expect((error as Error).message).toMatch(
        new RegExp(`Port ${port} .* Set TEMPORAL_UI_PORT to a free port\\.$`),
      );
    } finally {
      holder.close();
    }
  });
});
