import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The fields of /proc/<pid>/stat after "pid (comm) ": comm may hold spaces and parentheses. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** A process as the process table shows it: its parent and its command line. */
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
    return statFields(stat)[0] !== 'Z';
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
    const ppid = Number(statFields(stat)[1]);
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

/**
 * Sends each signal in turn, waiting up to its time for the process to exit; whether it did.
 * A process already gone counts as stopped.
 */
export async function stopProcess(
  pid: number,
  steps: readonly (readonly [NodeJS.Signals, number])[],
): Promise<boolean> {
  for (const [signal, waitMs] of steps) {
    try {
      process.kill(pid, signal);
    } catch {
      return true;
    }
    if (await waitForExit(pid, waitMs)) return true;
  }
  return false;
}

/** The pids of `pid`'s children (one level), from /proc; none where there is no procfs. */
export function childPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        return Number(statFields(readFileSync(`/proc/${entry}/stat`, 'utf8'))[1]) === pid;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}
