import { InvalidArgumentError } from 'commander';
import type { ApiClient } from './api-client';

/** Runs a command's body with the API client and Ctrl-C's signal; resolves to the exit code. */
export type Run = (
  body: (client: ApiClient, signal: AbortSignal) => Promise<number>,
) => Promise<void>;

/** A mistake in the arguments found after parsing (a file that is not there, say). */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** `--json`, on every command. */
export const json = ['--json', 'print the answer as JSON, for scripts'] as const;

/** A number above 0, for commander. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number above 0');
  return n;
}

/** A whole number above 0, for commander. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new InvalidArgumentError('must be a whole number above 0');
  }
  return n;
}
