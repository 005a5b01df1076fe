import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiKey } from '../../src/api/api-keys';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { stopPostmaster } from '../../src/db/postmaster-lock';
import { postmasterPid } from '../../chaos/process-faults';
import type { PrismaClient } from '../../src/db/prisma-client';
import { DEV_SERVER_ARGS } from '../../src/runtime/dev-server-args';
import { resolveDevServer } from '../../src/toolchain';
import { findFreePort, freePortRange } from '../../src/toolchain/wait-for-port';

const ROOT = path.resolve(__dirname, '../..');

/** The system under test, however it was found: started here or already running. */
export interface Stack {
  apiUrl: string;
  /** The API key the clients send (the API asks for one, as in production). */
  apiKey: string;
  temporalAddress: string;
  namespace: string;
  client: Client;
  /** The worker process, when this bench started it (for its RSS). */
  workerPid?: number;
  /** Where the processes' logs go. */
  logDir: string;
  /** The started stack's parts, for the chaos suite (not there for a running stack). */
  control?: StackControl;
  stop(): Promise<void>;
}

/** A role of `main.js` that runs as its own process. */
export type Role = 'services' | 'worker' | 'api';

/** What the chaos suite needs to break and mend a stack that {@link startStack} started. */
export interface StackControl {
  /** The role's latest process. */
  child(role: Role): ChildProcess;
  /** Starts another process of the role, with the same settings and log (after a kill). */
  start(role: Role): ChildProcess;
  /** The application database (the projection), for checking what a scenario left. */
  prisma: PrismaClient;
  /** The embedded PostgreSQL's data directory (its postmaster.pid names the server). */
  pgDataDir: string;
  /** The dev server's SQLite file (to find its process). */
  temporalDbFile: string;
  /** Where the services' arms listen: the arm of index i at armsBasePort + i. */
  armsBasePort: number;
  /** Where the Reflex Layer and the Planner Arm listen. */
  reflexPort: number;
  plannerPort: number;
  /** Stops PostgreSQL (fast shutdown, as a restart by an operator would) and starts it again. */
  restartPostgres(): Promise<void>;
}

/** Settings for {@link startStack}. */
export interface StackOptions {
  /** Writes a V8 CPU profile of each process into this folder. */
  profileDir?: string;
  /** More environment for the worker (e.g. `ARM_URLS` through a fault proxy). */
  workerEnv?: NodeJS.ProcessEnv;
  /** More environment for every process (e.g. a model server: `OPENAI_BASE_URL`). */
  env?: NodeJS.ProcessEnv;
}

/** The worker's heap settings in temporal-docker-compose.yml and `npm run worker`. */
export const WORKER_HEAP_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=8'];

/** The worker's environment in the Dockerfile and `npm run worker`: two malloc arenas. */
export const WORKER_ENV = { MALLOC_ARENA_MAX: '2' };

/** Where {@link buildForBench} compiles the code under test. */
export const BUILD_DIR = path.join(ROOT, '.octollm', 'bench-build');

/**
 * Compiles the code under test as it is deployed (`tsc`, plus the prebuilt workflow bundle, as
 * `npm run build` and the Dockerfile do), together with the baseline's worker, so both run as
 * plain `node` processes with the same settings and no TypeScript loader in their memory.
 */
export function buildForBench(say: (msg: string) => void): void {
  say('compiling the code under test (tsc -p tsconfig.bench.json) and bundling the workflows');
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.bench.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  execFileSync(process.execPath, [path.join(BUILD_DIR, 'src/runtime/workflow-bundle.js')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** Runs a compiled script of {@link BUILD_DIR} in a child node process. */
export function spawnNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  nodeArgs: string[] = [],
): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, path.join(BUILD_DIR, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  return child;
}

/** Stops a child and waits for it to exit (SIGKILL after 10 s). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers 200, or fails naming the log to read. */
async function waitForOk(url: string, timeoutMs: number, what: string, log: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} was not ready at ${url} within ${timeoutMs / 1000} s; see ${log}`);
}

/**
 * Starts the whole system as it would be deployed, each piece its own process: embedded
 * PostgreSQL and the Temporal dev server (with the flags `npm start` uses), then the services,
 * the worker and the API (compiled `main.js services|worker|api`), all with default settings.
 */
export async function startStack(
  say: (msg: string) => void,
  { profileDir, workerEnv = {}, env: extraEnv = {} }: StackOptions = {},
): Promise<Stack> {
  const config = loadConfig();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'octollm-bench-'));
  fs.chmodSync(dataDir, 0o755); // embedded PostgreSQL runs as another account under root
  const logDir = path.join(config.dataDir, 'bench', new Date().toISOString().replace(/[:.]/g, '-'));
  fs.mkdirSync(logDir, { recursive: true });
  const stops: (() => Promise<unknown>)[] = [
    async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  ];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const pgDataDir = path.join(dataDir, 'pg');
    const pgPort = await findFreePort();
    const [db, server] = await Promise.all([
      openDatabase({ dataDir: pgDataDir, port: pgPort }),
      resolveDevServer({
        explicitPath: config.temporal.cliPath,
        cacheDir: config.temporal.toolchainDir,
        log: say,
      }),
    ]);
    stops.push(() => db.stop());
    const temporalDbFile = path.join(dataDir, 'temporal.db');
    const temporal = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: server.executable,
        ip: '127.0.0.1',
        ui: false,
        dbFilename: temporalDbFile,
        extraArgs: [...DEV_SERVER_ARGS],
      },
    });
    stops.push(() => temporal.teardown());
    say(`PostgreSQL and the Temporal dev server ${temporal.address} are up`);

    const [apiPort, reflexPort, plannerPort, armsBase] = await Promise.all([
      findFreePort(),
      findFreePort(),
      findFreePort(),
      freePortRange(5),
    ]);
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL: db.databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_SEARCH_ATTRIBUTES: 'true',
      TEMPORAL_TASK_QUEUE: 'octollm-bench',
      API_PORT: String(apiPort),
      REFLEX_PORT: String(reflexPort),
      PLANNER_PORT: String(plannerPort),
      ARMS_BASE_PORT: String(armsBase),
      OPENAI_API_KEY: '',
      ...extraEnv,
    };
    const children: ChildProcess[] = [];
    const latest = new Map<Role, ChildProcess>();
    const start = (role: Role) => {
      const log = path.join(logDir, `${role}.log`);
      // One folder per role: tsx's loader thread writes a profile of its own beside the main one.
      const profile = profileDir
        ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir, role)}`]
        : [];
      // The worker runs with the heap settings and environment the compose file, the Dockerfile
      // and `npm run worker` give it.
      const heap = role === 'worker' ? WORKER_HEAP_FLAGS : [];
      const roleEnv = role === 'worker' ? { ...env, ...WORKER_ENV, ...workerEnv } : env;
      const child = spawnNode('src/main.js', [role], roleEnv, log, [...heap, ...profile]);
      children.push(child);
      latest.set(role, child);
      return { child, log };
    };
    stops.push(() => Promise.all(children.map(stopChild)));
    const services = start('services');
    await waitForOk(`http://127.0.0.1:${plannerPort}/health`, 60_000, 'services', services.log);
    const worker = start('worker');
    const api = start('api');
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForOk(`${apiUrl}/ready`, 120_000, 'API', api.log);
    say(`services, worker (pid ${worker.child.pid}) and API ${apiUrl} are up; logs in ${logDir}`);
    return {
      apiUrl,
      apiKey: (await createApiKey(db.prisma, 'bench')).key,
      temporalAddress: temporal.address,
      namespace: 'default',
      client: new Client({ connection: temporal.connection }),
      workerPid: worker.child.pid,
      logDir,
      control: {
        child: (role) => latest.get(role)!,
        start: (role) => start(role).child,
        prisma: db.prisma,
        pgDataDir,
        restartPostgres: async () => {
          await stopPostmaster(postmasterPid(pgDataDir));
          const again = await startEmbeddedPostgres({ dataDir: pgDataDir, port: pgPort });
          stops.push(() => again.stop());
        },
        temporalDbFile,
        armsBasePort: armsBase,
        reflexPort,
        plannerPort,
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A stack that is already running: `API_URL`, `OCTOLLM_API_KEY` and `TEMPORAL_ADDRESS` (and
 * `WORKER_PID`).
 */
export async function existingStack(apiUrl: string): Promise<Stack> {
  const apiKey = process.env.OCTOLLM_API_KEY;
  if (!apiKey) {
    throw new Error(
      'With API_URL, set OCTOLLM_API_KEY to a key of that API (npm start prints one; ' +
        'npm run keys -- create --tenant bench makes one)',
    );
  }
  const config = loadConfig();
  const temporalAddress = config.temporal.address ?? `127.0.0.1:${config.temporal.devServer.port}`;
  const connection = await Connection.connect({ address: temporalAddress });
  const logDir = path.join(config.dataDir, 'bench');
  fs.mkdirSync(logDir, { recursive: true });
  const pid = Number(process.env.WORKER_PID);
  return {
    apiUrl: apiUrl.replace(/\/$/, ''),
    apiKey,
    temporalAddress,
    namespace: config.temporal.namespace,
    client: new Client({ connection, namespace: config.temporal.namespace }),
    workerPid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
    logDir,
    stop: () => connection.close(),
  };
}
