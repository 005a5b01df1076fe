import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DbError } from '../../src/db/db-error';
import { findFreePort } from '../../src/toolchain/wait-for-port';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { applyMigrations } from '../../src/db/migrate';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma-client';

/** A throwaway, migrated PostgreSQL for one test file. */
export interface TestDatabase {
  databaseUrl: string;
  prisma: PrismaClient;
  /** Data directory of the embedded server (inside a temp folder removed by stop()). */
  dataDir: string;
  port: number;
  /** Disconnects Prisma, stops the server and deletes its files. */
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago (the OS picks it). */
export const freePort = findFreePort;

/**
 * A fresh temp folder PostgreSQL can use. mkdtemp creates it 0700; when tests run as root the
 * server runs as the `postgres` account, which must be able to enter it.
 */
export async function makeTempRoot(prefix = 'octollm-db-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await fs.chmod(dir, 0o755);
  return dir;
}

/**
 * Starts an embedded PostgreSQL in a temp folder on a free port (fsync off: it is thrown away),
 * applies prisma/migrations and connects a Prisma client. Call stop() in afterAll.
 *
 * ```ts
 * let db: TestDatabase;
 * beforeAll(async () => { db = await startTestDatabase(); });
 * afterAll(() => db.stop());
 * ```
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const root = await makeTempRoot();
  const dataDir = path.join(root, 'pg');
  let server: EmbeddedPostgres | undefined;
  let port = 0;
  try {
    // Another process can take the "free" port before PostgreSQL binds it: retry on that only.
    for (let attempt = 1; !server; attempt++) {
      port = await freePort();
      try {
        server = await startEmbeddedPostgres({ dataDir, port, durable: false });
      } catch (err) {
        if (!(err instanceof DbError && err.code === 'PORT_IN_USE') || attempt === 3) throw err;
      }
    }
    await applyMigrations(server.databaseUrl);
  } catch (err) {
    await server?.stop();
    await fs.rm(root, { recursive: true, force: true });
    throw err;
  }
  const prisma = createPrismaClient(server.databaseUrl, { poolSize: 5 });
  const running = server;
  return {
    databaseUrl: running.databaseUrl,
    prisma,
    dataDir,
    port,
    stop: async () => {
      await prisma.$disconnect();
      await running.stop();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
