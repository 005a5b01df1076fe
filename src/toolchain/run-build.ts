import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { formatDuration } from './format-duration';
import type { ToolchainLog } from './resolved-server';

/** What {@link runBuild} runs and how it reports. */
export interface RunBuildOptions {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Prefix of every progress line, e.g. `dev server (go install)`. */
  label: string;
  log: ToolchainLog;
  timeoutMs: number;
  progressIntervalMs: number;
}

/** Default limit for one build; a cold Go build of the CLI takes several minutes on 2 cores. */
export const DEFAULT_BUILD_TIMEOUT_MS = 30 * 60_000;

/** Default interval between "still building" lines. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 15_000;

/** How many trailing output lines a failure message quotes. */
const FAILURE_TAIL_LINES = 15;
/** Progress lines quote the build's latest output line, cut to this length. */
const MAX_QUOTED_LINE = 120;
/** Grace period between SIGTERM and SIGKILL when a build times out. */
const KILL_GRACE_MS = 5_000;

/**
 * Runs one slow build command to completion. Instead of echoing hundreds of lines (go -v prints
 * every package), it reports every `progressIntervalMs` how long it has run, how many output
 * lines it has seen and the latest one. Rejects with the tail of the output when the command
 * cannot start, exits non-zero or runs past `timeoutMs`.
 */
export async function runBuild(opts: RunBuildOptions): Promise<void> {
  const started = Date.now();
  const tail: string[] = [];
  let lines = 0;
  let latest = '';

  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onLine = (line: string): void => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    lines += 1;
    latest = trimmed;
    tail.push(trimmed);
    if (tail.length > FAILURE_TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);

  const progress = setInterval(() => {
    const quoted =
      latest.length > MAX_QUOTED_LINE ? `${latest.slice(0, MAX_QUOTED_LINE)}…` : latest;
    opts.log(
      `${opts.label}: still building… ${formatDuration(Date.now() - started)}, ` +
        `output lines: ${lines}${quoted ? `, last: ${quoted}` : ''}`,
    );
  }, opts.progressIntervalMs);
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timeout = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  }, opts.timeoutMs);

  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode));
    });
    const command = `${opts.command} ${opts.args.join(' ')}`;
    const output = tail.length > 0 ? `\n    ${tail.join('\n    ')}` : ' (no output)';
    if (timedOut) {
      throw new Error(`\`${command}\` timed out after ${formatDuration(opts.timeoutMs)}:${output}`);
    }
    if (code !== 0) {
      throw new Error(`\`${command}\` exited with code ${String(code)}:${output}`);
    }
  } finally {
    clearInterval(progress);
    clearTimeout(timeout);
    if (killTimer) clearTimeout(killTimer);
  }
}
