import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

import { isProcessRunning, processInfo, stopProcess } from '../db/os-process';

/**
 * Set in the environment of the dev server OctoLLM starts: the pid of the process that started
 * it. The server inherits it, so a later start can read from `/proc/<pid>/environ` whether a
 * running dev server was ours and whether the process that started it is still there.
 */
export const DEV_SERVER_STARTER_ENV = 'OCTOLLM_DEV_SERVER_STARTER_PID';

/** Why the dev server cannot be started; the message says what to do. */
export class DevServerError extends Error {
  override readonly name = 'DevServerError';

  constructor(
    readonly code: 'DB_FILE_IN_USE' | 'PORT_IN_USE' | 'ORPHAN_NOT_STOPPED',
    message: string,
  ) {
    super(message);
  }
}

/** What {@link reclaimDevServer} checks. */
export interface DevServerPlace {
  /** The dev server's SQLite file (one per data folder). */
  dbFile: string;
  /** Ports the dev server will listen on, each with the setting that chooses it. */
  ports: { port: number; setting: string; frontend?: boolean }[];
  log: (msg: string) => void;
}

/** A running `temporal server start-dev` whose `--db-filename` is `dbFile`. */
export interface DevServerProcess {
  pid: number;
  ppid: number;
  /** The starter recorded in its environment, if OctoLLM started it. */
  starterPid?: number;
}

/**
 * Makes the dev server startable after an unclean end of a previous run, as
 * `reclaimDataDir` does for PostgreSQL:
 *
 * - a dev server on this data folder's database whose starter is gone (the app was SIGKILLed;
 *   children outlive their parent) is an orphan nobody can stop: it is stopped, with a warning;
 * - one whose starter still runs (another `npm start` of the same data folder), or that OctoLLM
 *   did not start, is left alone: DB_FILE_IN_USE, saying how to use it or get out of its way;
 * - a port the dev server needs that something else holds is PORT_IN_USE, naming the setting,
 *   rather than the new server failing to bind while its client talks to whatever answers there.
 */
export async function reclaimDevServer(place: DevServerPlace): Promise<void> {
  for (const server of await findDevServers(place.dbFile)) {
    const starterAlive =
      server.starterPid !== undefined &&
      server.ppid === server.starterPid &&
      isProcessRunning(server.starterPid);
    if (server.starterPid === undefined || starterAlive) {
      const owner =
        server.starterPid === undefined
          ? 'a process outside OctoLLM'
          : `OctoLLM process ${server.starterPid}`;
      throw new DevServerError(
        'DB_FILE_IN_USE',
        `The Temporal dev server database ${place.dbFile} is in use by a running dev server ` +
          `(pid ${server.pid}) started by ${owner}. Stop that process, or set OCTOLLM_DATA_DIR ` +
          'to another folder, or set TEMPORAL_ADDRESS to use that server instead of starting one.',
      );
    }
    place.log(
      `stopping the orphaned Temporal dev server (pid ${server.pid}) left by a previous run ` +
        `(process ${server.starterPid}, which started it, is gone)`,
    );
    // SIGTERM (the dev server shuts down cleanly on it), then SIGKILL.
    const stopped = await stopProcess(server.pid, [
      ['SIGTERM', 10_000],
      ['SIGKILL', 5_000],
    ]);
    if (!stopped) {
      throw new DevServerError(
        'ORPHAN_NOT_STOPPED',
        `Could not stop the orphaned Temporal dev server (pid ${server.pid}) using ` +
          `${place.dbFile}: stop it by hand (kill ${server.pid}) and start again.`,
      );
    }
  }
  for (const port of place.ports) await assertPortFree(port);
}

/** Running dev servers (any starter) whose database is `dbFile`, found in `/proc`. */
export async function findDevServers(dbFile: string): Promise<DevServerProcess[]> {
  let pids: number[];
  try {
    pids = (await fs.readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return []; // no procfs (macOS): the port check below still catches a leftover server
  }
  const wanted = path.resolve(dbFile);
  const found: DevServerProcess[] = [];
  for (const pid of pids) {
    if (pid === process.pid) continue;
    const info = await processInfo(pid);
    if (!info || !info.args.includes('start-dev')) continue;
    const at = info.args.indexOf('--db-filename');
    const file = at >= 0 ? info.args[at + 1] : undefined;
    if (file === undefined || path.resolve(file) !== wanted) continue;
    found.push({ pid, ppid: info.ppid, starterPid: await starterOf(pid) });
  }
  return found;
}

async function starterOf(pid: number): Promise<number | undefined> {
  try {
    const environ = await fs.readFile(`/proc/${pid}/environ`, 'utf8');
    const entry = environ.split('\0').find((e) => e.startsWith(`${DEV_SERVER_STARTER_ENV}=`));
    const starter = Number(entry?.slice(DEV_SERVER_STARTER_ENV.length + 1));
    return Number.isInteger(starter) && starter > 0 ? starter : undefined;
  } catch {
    return undefined;
  }
}

async function assertPortFree({
  port,
  setting,
  frontend,
}: DevServerPlace['ports'][number]): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
  if (!free) {
    throw new DevServerError(
      'PORT_IN_USE',
      `Port ${port} on 127.0.0.1 is in use by another process, so the Temporal dev server ` +
        `cannot listen on it. Set ${setting} to a free port` +
        (frontend
          ? `, or set TEMPORAL_ADDRESS=127.0.0.1:${port} if a Temporal server you want to use ` +
            'runs there.'
          : '.'),
    );
  }
}
