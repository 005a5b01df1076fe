import { execFile } from 'node:child_process';

/** `temporal --version` answers in well under a second; allow for a cold disk cache. */
const PROBE_TIMEOUT_MS = 15_000;

/**
 * Runs `<file> --version` and returns the Temporal CLI version it reports (`1.5.1` from
 * `temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)`). Rejects when the file does not run or
 * does not answer like the Temporal CLI, so a foreign `temporal` on PATH is not mistaken for it.
 */
export async function probeCliVersion(file: string, env: NodeJS.ProcessEnv): Promise<string> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(file, ['--version'], { env, timeout: PROBE_TIMEOUT_MS }, (err, out) =>
      err ? reject(err) : resolve(out),
    );
  });
  const match = /temporal version (\S+)/.exec(stdout);
  if (!match?.[1]) {
    throw new Error(`\`${file} --version\` did not print "temporal version …": ${stdout.trim()}`);
  }
  return match[1];
}
