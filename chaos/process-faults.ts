import { childPids } from '../src/db/os-process';
import { postmasterPid as pidOfPostmaster } from '../src/db/postmaster-lock';

/**
 * Freezes a process and its children (`SIGSTOP`), as a hung VM, a stalled disk or a debugger
 * would: sockets stay open, nothing answers. Returns the function that thaws them (`SIGCONT`).
 */
export function freezeTree(pid: number): () => void {
  const frozen = [pid, ...childPids(pid)];
  for (const p of frozen) process.kill(p, 'SIGSTOP');
  let thawed = false;
  return () => {
    if (thawed) return;
    thawed = true;
    for (const p of frozen) {
      try {
        process.kill(p, 'SIGCONT');
      } catch {
        // gone
      }
    }
  };
}

/** The running postmaster of a PostgreSQL data directory (it must have one). */
export function postmasterPid(dataDir: string): number {
  const pid = pidOfPostmaster(dataDir);
  if (pid === undefined)
    throw new Error(`no postmaster.pid in ${dataDir}: PostgreSQL is not running`);
  return pid;
}
