import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

import { DbError } from './db-error';
import type { DbLogger } from './db-logger';
import { isProcessRunning, processInfo, stopProcess } from './os-process';

/**
 * A custom setting passed on the postmaster's command line (`-c octollm.starter_pid=N`).
 * PostgreSQL accepts any dotted name as a placeholder setting; we only use it so that a later
 * start can read, from the process table, which process launched a running postmaster.
 */
export const STARTER_PID_SETTING = 'octollm.starter_pid';

/** Stops a postmaster the way pg_ctl does: fast shutdown, then immediate, then kill. */
export async function stopPostmaster(pid: number): Promise<void> {
  await stopProcess(pid, [
    ['SIGINT', 20_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ]);
}

/** The pid on the first line of a postmaster.pid file (negative in a standalone backend's). */
const pidIn = (content: string) => Math.abs(Number.parseInt(content.split('\n')[0] ?? '', 10));

/** The pid a data directory's postmaster.pid names, if there is one to read. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = pidIn(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function samePath(a: string, b: string): Promise<boolean> {
  const real = (p: string) => fs.realpath(p).catch(() => path.resolve(p));
  return (await real(a)) === (await real(b));
}

/**
 * Makes `dataDir` startable after an unclean end of a previous run.
 *
 * - postmaster.pid names a dead process, or a live process that is not a postmaster for this
 *   directory (PIDs are reused, notably after a container restart): the file is removed.
 * - A postmaster for this directory is still running, but the process that started it is gone
 *   (the app was SIGKILLed; children outlive their parent): it is an orphan nobody can stop, so
 *   it is shut down cleanly and the caller starts a fresh one.
 * - A postmaster for this directory is running under a live starter, or was started by something
 *   other than OctoLLM: refuse with DATA_DIR_IN_USE rather than kill someone else's server.
 */
export async function reclaimDataDir(
  dataDir: string,
  log: DbLogger,
  settingNames: { dataDir: string },
): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let content: string;
  try {
    content = await fs.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = pidIn(content);
  const removeStale = async (reason: string) => {
    log.warn({ dataDir, pid, reason }, 'removing stale postmaster.pid');
    await fs.rm(pidFile, { force: true });
  };
  if (!Number.isInteger(pid) || pid <= 0) return removeStale('unreadable pid file');
  if (!isProcessRunning(pid)) return removeStale('process is gone');

  const info = await processInfo(pid);
  const dashD = info?.args.indexOf('-D') ?? -1;
  const argDir = dashD >= 0 ? info?.args[dashD + 1] : undefined;
  const isOurPostmaster =
    info !== undefined &&
    path.basename(info.args[0] ?? '').startsWith('postgres') &&
    argDir !== undefined &&
    (await samePath(argDir, dataDir));
  if (!isOurPostmaster) return removeStale('pid belongs to an unrelated process');

  const marker = info.args.find((arg) => arg.startsWith(`${STARTER_PID_SETTING}=`));
  const starterPid = marker ? Number(marker.slice(STARTER_PID_SETTING.length + 1)) : undefined;
  if (starterPid === undefined || (info.ppid === starterPid && isProcessRunning(starterPid))) {
    const owner = starterPid === undefined ? 'a process outside OctoLLM' : `process ${starterPid}`;
    throw new DbError(
      'DATA_DIR_IN_USE',
      `The PostgreSQL data directory ${dataDir} is in use by a running server (pid ${pid}) ` +
        `started by ${owner}. Stop that process, or point ${settingNames.dataDir} at another ` +
        'directory.',
    );
  }
  log.warn({ dataDir, pid, starterPid }, 'stopping orphaned PostgreSQL left by a previous run');
  await stopPostmaster(pid);
  if (isProcessRunning(pid)) {
    throw new DbError(
      'DATA_DIR_IN_USE',
      `Could not stop the orphaned PostgreSQL (pid ${pid}) using ${dataDir}.`,
    );
  }
}
