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
}

/**
 * A Prisma 7 client over node-postgres. Prisma 7 needs no Rust query engine: the generated
 * client compiles queries in WebAssembly and runs them through this driver adapter.
 */
export function createPrismaClient(
  databaseUrl: string,
  options: PrismaClientOptions = {},
): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: databaseUrl, max: options.poolSize ?? 10 },
    { onPoolError: options.onPoolError },
  );
  return new PrismaClient({ adapter });
}
