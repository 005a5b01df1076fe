import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '../generated/prisma/client';

/** The generated client's type, re-exported so callers need not reach into src/generated. */
export type { PrismaClient };

/** Settings for {@link createPrismaClient}. */
export interface PrismaClientOptions {
  /** Connection pool size. Default 10 (pg's default). */
  poolSize?: number;
  /** Errors of idle pooled connections (e.g. the server restarted); the pool replaces them. */
  onPoolError?: (err: Error) => void;
  /**
   * How long a query may wait for a pooled connection, and then for its answer, in ms. Default
   * {@link DB_DEADLINE_MS}: a frozen or unreachable server fails a request instead of hanging it.
   */
  deadlineMs?: number;
}

/**
 * Default deadline for getting a connection and, separately, for a query's answer. Every query
 * of the API and the projection takes milliseconds; one that waits this long waits for a server
 * that is down, frozen or overloaded, and the caller answers 503 or retries.
 */
export const DB_DEADLINE_MS = 5_000;

/**
 * A Prisma 7 client over node-postgres. Prisma 7 needs no Rust query engine: the generated
 * client compiles queries in WebAssembly and runs them through this driver adapter.
 */
export function createPrismaClient(
  databaseUrl: string,
  options: PrismaClientOptions = {},
): PrismaClient {
  const adapter = new PrismaPg(
    {
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.deadlineMs ?? DB_DEADLINE_MS,
      query_timeout: options.deadlineMs ?? DB_DEADLINE_MS,
    },
    { onPoolError: options.onPoolError },
  );
  return new PrismaClient({ adapter });
}
