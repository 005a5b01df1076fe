import fs from 'node:fs';

/** The pids of `pid`'s children (one level), from /proc. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return children;
}

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

/** The postmaster's pid of a PostgreSQL data directory (first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
}
