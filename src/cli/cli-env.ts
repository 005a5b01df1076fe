import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The command line's environment, parsed once (STYLE.md rule 8). */
const cliEnvSchema = z.object({
  OCTOLLM_URL: z
    .url({
      protocol: /^https?$/,
      message: 'must be the API base URL, e.g. http://127.0.0.1:8000',
    })
    .default('http://127.0.0.1:8000'),
  OCTOLLM_API_KEY: z.string().trim().min(1).optional(),
  /** Where `npm start` keeps the local tenant's key (`<dir>/api-key`), the fallback key. */
  OCTOLLM_DATA_DIR: z.string().default('.octollm'),
});

/** Where the command line finds the API, and the key it sends. */
export interface CliEnv {
  url: string;
  apiKey?: string;
  /** Where the key came from, for error messages. */
  keySource: 'OCTOLLM_API_KEY' | 'file' | 'none';
}

/** A setting the command line cannot use; shown as one line. */
export class CliEnvError extends Error {
  override name = 'CliEnvError';
}

/**
 * Reads `OCTOLLM_URL` and `OCTOLLM_API_KEY`. Without a key, and with the API on this machine,
 * the key `npm start` keeps in `.octollm/api-key` (the local tenant's) is used when it is
 * readable, so the command line works beside a local stack with no setup. That key is never
 * sent to another host.
 */
export function loadCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const parsed = cliEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliEnvError(`${issue.path.join('.')} ${issue.message}`);
  }
  const { OCTOLLM_URL: url, OCTOLLM_API_KEY: apiKey, OCTOLLM_DATA_DIR: dataDir } = parsed.data;
  if (apiKey) return { url, apiKey, keySource: 'OCTOLLM_API_KEY' };
  const kept = isLoopback(url) ? readKeyFile(path.resolve(dataDir, 'api-key')) : undefined;
  return kept ? { url, apiKey: kept, keySource: 'file' } : { url, keySource: 'none' };
}

function readKeyFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}
