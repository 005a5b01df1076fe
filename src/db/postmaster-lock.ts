import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { DbError } from './db-error';
import type { DbLogger } from './db-logger';

const run = promisify(execFile);

/**
 * A custom setting passed on the postmaster's command line (`-c octollm.starter_pid=N`).
 * PostgreSQL accepts any dotted name as a placeholder setting; we only use it so that a later
 * start can read, from the process table, which process launched a running postmaster.
 */
export const STARTER_PID_SETTING = 'octollm.starter_pid';

export interface ProcessInfo {
  ppid: number;
  args: string[];
}

/**
 * Whether `pid` is a running process. A zombie (exited, not yet reaped) counts as gone: an
 * orphaned postmaster is reaped by PID 1, which in some containers never reaps at all.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs: trust kill()
  }
}

/** A process's parent and command line, from /proc (or ps where there is no procfs). */
export async function processInfo(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const [cmdline, stat] = await Promise.all([
      fs.readFile(`/proc/${pid}/cmdline`, 'utf8'),
      fs.readFile(`/proc/${pid}/stat`, 'utf8'),
    ]);
    // stat is "pid (comm) state ppid ..."; comm may contain spaces, so parse after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { ppid, args: cmdline.split('\0').filter(Boolean) };
  } catch {
    // No procfs (macOS) or the process just exited: ask ps instead.
    try {
      const { stdout } = await run('ps', ['-o', 'ppid=,args=', '-p', String(pid)]);
      const match = /^\s*(\d+)\s+(.*)$/.exec(stdout.trim());
      return match ? { ppid: Number(match[1]), args: (match[2] ?? '').split(/\s+/) } : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Whether `pid` exits within `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessRunning(pid)) return true;
    await sleep(50);
  }
  return !isProcessRunning(pid);
}

/** Stops a postmaster the way pg_ctl does: fast shutdown, then immediate, then kill. */
export async function stopPostmaster(pid: number): Promise<void> {
  const steps: [NodeJS.Signals, number][] = [
    ['SIGINT', 20_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ];
  for (const [signal, waitMs] of steps) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, waitMs)) return;
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
  const pid = Math.abs(Number.parseInt(content.split('\n')[0] ?? '', 10));
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
