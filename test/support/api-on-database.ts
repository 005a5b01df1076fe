import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import pino from 'pino';
import { createApiApp, type ApiDeps } from '../../src/api/api-app';
import type { AuthOptions } from '../../src/api/auth';
import { listenForTaskChanges, type TaskChanges } from '../../src/db/task-changes';
import { closeServers, listen } from '../../src/runtime/listen';
import { createReflexApp } from '../../src/services/reflex/reflex-app';
import { startTestDatabase, type TestDatabase } from '../db/start-test-database';

/**
 * The REST API on a real, throwaway PostgreSQL, with a real Reflex Layer (over HTTP, screening
 * submissions) and Temporal unreachable.
 */
export interface ApiOnDatabase {
  db: TestDatabase;
  api: Express;
  stop(): Promise<void>;
}

/**
 * For tests of routes that read and write the database: Temporal is a real client pointed at
 * a port where nothing listens, which is exactly what "Temporal is down" looks like.
 */
export async function startApiOnDatabase(
  options: {
    taskChanges?: boolean;
    /** Default: AUTH=off, every request acting for the tenant `local`. */
    auth?: AuthOptions;
    /** Another Reflex Layer than the one started here (e.g. one that is down). */
    reflexUrl?: string;
    /** Serves `/codec` with this codec, for these browser origins. */
    codec?: ApiDeps['codec'];
    codecCorsOrigins?: string[];
  } = {},
): Promise<ApiOnDatabase> {
  const db = await startTestDatabase();
  let taskChanges: TaskChanges | undefined;
  if (options.taskChanges) taskChanges = await listenForTaskChanges(db.databaseUrl);
  const connection = await Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1 second' });
  const logger = pino({ level: 'silent' });
  const reflex = await listen(createReflexApp({ logger }).app, 0, '127.0.0.1', 'reflex');
  const reflexUrl = `http://127.0.0.1:${(reflex.address() as { port: number }).port}`;
  const app = createApiApp({
    prisma: db.prisma,
    temporal: new Client({ connection }),
    taskQueue: 'unused',
    logger,
    serviceUrls: {},
    reflexUrl: options.reflexUrl ?? reflexUrl,
    codec: options.codec,
    codecCorsOrigins: options.codecCorsOrigins,
    taskChanges,
    auth: options.auth ?? { mode: 'off' },
  });
  const api = app.app;
  return {
    db,
    api,
    stop: async () => {
      // Starts still retrying against the closed channel would throw from a timer.
      await app.starter.stop();
      await taskChanges?.close();
      await connection.close();
      await closeServers([reflex]);
      await db.stop();
    },
  };
}

/**
 * {@link startApiOnDatabase} for a whole test file: started in `beforeAll`, stopped in
 * `afterAll`. Call the returned function inside tests to reach it.
 */
export function useApiOnDatabase(
  options: Parameters<typeof startApiOnDatabase>[0] = {},
): () => ApiOnDatabase {
  let system: ApiOnDatabase | undefined;
  beforeAll(async () => {
    system = await startApiOnDatabase(options);
  }, 60_000);
  afterAll(async () => {
    await system?.stop();
  });
  return () => system!;
}
