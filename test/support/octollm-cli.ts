import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

// The `octollm` command line as a user runs it: bin/octollm.cjs in a child process.

const BIN = path.resolve(__dirname, '../../bin/octollm.cjs');

/** What a run of the command line printed, and its exit code. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `octollm args…` with pipes (no terminal), as a script would. */
export async function octollm(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Starts `octollm args…` with pipes and resolves once its output matches `ready`; `done`
 * resolves when it exits. For a command that follows something while the test acts.
 */
export async function octollmUntil(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ done: Promise<Ran> }> {
  const child = spawn(process.execPath, [BIN, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<Ran>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (ready.test(stdout)) resolve();
    });
    void done.then((ran) =>
      reject(
        new Error(
          `octollm ${args.join(' ')} exited ${ran.code} before ${ready}: ${ran.stdout}${ran.stderr}`,
        ),
      ),
    );
  });
  return { done };
}

/**
 * Runs `octollm args…` in a pseudo-terminal (util-linux `script`), as a person at a terminal
 * would, and returns everything the terminal was sent (stdout and stderr), escape sequences
 * removed.
 */
export async function octollmInTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`);
  const child = spawn(
    'script',
    ['-qec', `stty cols 120 rows 40; ${quoted.join(' ')}`, '/dev/null'],
    {
      env: { ...env, TERM: 'xterm-256color' },
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, stdout: stripVTControlCharacters(out).replace(/\r/g, ''), stderr: '' };
}
