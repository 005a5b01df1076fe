import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

import { Client } from 'pg';

import { DbError } from '../../src/db/db-error';
import type { DbLogger } from '../../src/db/db-logger';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { isProcessRunning } from '../../src/db/os-process';
import { freePort, makeTempRoot } from './start-test-database';

let root: string;
let dataDir: string;
let port: number;
const running: EmbeddedPostgres[] = [];

async function start(overrides: { dataDir?: string; port?: number; log?: DbLogger } = {}) {
  const server = await startEmbeddedPostgres({
    dataDir: overrides.dataDir ?? dataDir,
    port: overrides.port ?? port,
    durable: false,
    log: overrides.log,
  });
  running.push(server);
  return server;
}

/** Collects the warnings a start logs, to tell which recovery path it took. */
function warningLog(): DbLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (_fields, message) => void warnings.push(message),
  };
}

async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  root = await makeTempRoot();
  dataDir = path.join(root, 'pg');
  port = await freePort();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

// The cases share one data directory and run in order: each starts from the previous state.
describe('startEmbeddedPostgres', () => {
  it('initialises an empty data directory and creates the octollm database', async () => {
    const server = await start();

    // Local clients connect through the Unix socket in the data directory; TCP works too.
    const tcpUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/octollm`;
    expect(server.databaseUrl).toBe(`${tcpUrl}?host=${encodeURIComponent(dataDir)}`);
    const [row] = await query<{ db: string; socket: boolean }>(
      server.databaseUrl,
      'SELECT current_database() AS db, inet_server_addr() IS NULL AS socket',
    );
    expect(row).toEqual({ db: 'octollm', socket: true });
    const [overTcp] = await query<{ socket: boolean }>(
      tcpUrl,
      'SELECT inet_server_addr() IS NULL AS socket',
    );
    expect(overTcp!.socket).toBe(false);
    const stat = await fs.stat(dataDir);
    expect(stat.mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) {
      // PostgreSQL refuses root, so the cluster belongs to the account it runs as.
      const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
      expect(stat.uid).toBe(uid);
    }
  });

  it('keeps data across a stop and start, and stop() is idempotent', async () => {
    const first = await start();
    await query(
      first.databaseUrl,
      "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')",
    );
    await first.stop();
    await first.stop();
    expect(isProcessRunning(first.pid)).toBe(false);

    const second = await start();
    expect(await query(second.databaseUrl, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
  });

  it('starts despite a postmaster.pid naming a dead process', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    await fs.writeFile(path.join(dataDir, 'postmaster.pid'), `${gone}\n${dataDir}\n0\n${port}\n`);
    const log = warningLog();

    const server = await start({ log });

    expect(log.warnings).toContain('removing stale postmaster.pid');
    expect(await query(server.databaseUrl, 'SELECT v FROM kept')).toHaveLength(1);
  });

  it('starts despite a postmaster.pid whose pid now belongs to an unrelated process', async () => {
    // What a container restart typically produces. PostgreSQL alone would refuse to start
    // ("Is another postmaster running?") as the pid is alive.
    const unrelated = spawn('sleep', ['30']);
    try {
      await fs.writeFile(path.join(dataDir, 'postmaster.pid'), `${unrelated.pid}\n${dataDir}\n`);
      const log = warningLog();

      await expect(start({ log })).resolves.toMatchObject({ databaseUrl: expect.any(String) });
      expect(log.warnings).toContain('removing stale postmaster.pid');
      expect(isProcessRunning(unrelated.pid!)).toBe(true);
    } finally {
      unrelated.kill();
    }
  });

  it('stops the orphaned server of a killed previous run and starts a fresh one', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'orphan-starter.fixture.ts'), dataDir, String(port)],
      { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const orphanPid = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).pid));
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(isProcessRunning(orphanPid)).toBe(true); // children outlive a SIGKILLed parent

    const server = await start();

    expect(isProcessRunning(orphanPid)).toBe(false);
    expect(server.pid).not.toBe(orphanPid);
    expect(await query(server.databaseUrl, 'SELECT v FROM kept')).toHaveLength(1);
  });

  it("outlives a terminal's Ctrl-C to the app's process group, so the app stops it last", async () => {
    // Like a shell job: the app leads its own process group, and Ctrl-C signals the group.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'orphan-starter.fixture.ts'), dataDir, String(port)],
      {
        cwd: path.resolve(__dirname, '../..'),
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: true,
      },
    );
    const lines: Record<string, unknown>[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (lines.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const { pid } = lines[0] as { pid: number };

    process.kill(-child.pid!, 'SIGINT');
    await exited;

    expect(lines[1]).toEqual({ upAfterCtrlC: true, warnings: [] });
    expect(isProcessRunning(pid)).toBe(false);
  });

  it('refuses a data directory that a live server of another starter is using', async () => {
    const live = await start();

    const error = await start({ port: await freePort() }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DbError);
    expect(error).toMatchObject({ code: 'DATA_DIR_IN_USE' });
    expect((error as Error).message).toContain('OCTOLLM_DATA_DIR');
    // …and left the running one alone.
    expect(await query(live.databaseUrl, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('reports a busy port clearly, naming the port and the setting to change', async () => {
    const blocker = net.createServer();
    const busy = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const error = await start({ port: busy }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'PORT_IN_USE' });
      expect((error as Error).message).toContain(`Port ${busy}`);
      expect((error as Error).message).toContain('EMBEDDED_PG_PORT');
    } finally {
      blocker.close();
    }
  });

  // As root the server runs as `postgres`; files restored or copied by root must be handed back.
  (process.getuid?.() === 0 ? it : it.skip)(
    'takes back a data directory whose files were left owned by root',
    async () => {
      const chown = spawnSync('chown', ['-R', 'root:root', dataDir]);
      expect(chown.status).toBe(0);
      await fs.chmod(dataDir, 0o755);

      const server = await start();

      expect(await query(server.databaseUrl, 'SELECT v FROM kept')).toHaveLength(1);
      expect((await fs.stat(path.join(dataDir, 'PG_VERSION'))).uid).not.toBe(0);
    },
  );

  (process.getuid?.() === 0 ? it : it.skip)(
    'explains when the server account cannot enter a parent folder (mkdtemp is 0700)',
    async () => {
      const closed = path.join(root, 'closed');
      await fs.mkdir(closed, { mode: 0o700 });

      const error = await start({ dataDir: path.join(closed, 'pg') }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'DATA_DIR_PERMISSIONS' });
      expect((error as Error).message).toContain(closed);
    },
  );

  it('refuses a non-empty directory that is not a PostgreSQL cluster', async () => {
    const other = path.join(root, 'not-a-cluster');
    await fs.mkdir(other);
    await fs.writeFile(path.join(other, 'notes.txt'), 'mine');

    await expect(start({ dataDir: other })).rejects.toMatchObject({ code: 'DATA_DIR_INVALID' });
    expect(await fs.readdir(other)).toEqual(['notes.txt']);
  });
});
