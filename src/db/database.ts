import { silentDbLogger, type DbLogger } from './db-logger';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { applyMigrations } from './migrate';
import { createPrismaClient, type PrismaClient } from './prisma-client';

/** Settings for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** An existing PostgreSQL; when set, no embedded server is started. */
  databaseUrl?: string;
  /** Embedded server's data directory (ignored with databaseUrl). */
  dataDir: string;
  /** Embedded server's port on 127.0.0.1 (ignored with databaseUrl). */
  port: number;
  /**
   * A pino-style logger, or a plain function that receives the notable messages (server ready,
   * migrations applied, recovery from a killed run) but not PostgreSQL's own log lines.
   */
  log?: DbLogger | ((message: string) => void);
  /** Default: the repository's prisma/migrations. */
  migrationsDir?: string;
  /** Passed to the embedded server; false only for throwaway clusters. Default true. */
  durable?: boolean;
}

/** An open, migrated database. */
export interface Database {
  databaseUrl: string;
  prisma: PrismaClient;
  /** Migration folders applied by this open (empty when the schema was up to date). */
  appliedMigrations: string[];
  /** Whether an embedded server was started (and is stopped by stop()). */
  embedded: boolean;
  /** Disconnects Prisma, then stops the embedded server if one was started. Idempotent. */
  stop(): Promise<void>;
}

function toLogger(log: OpenDatabaseOptions['log']): DbLogger {
  if (log === undefined) return silentDbLogger;
  if (typeof log !== 'function') return log;
  const say = (fields: object, message: string) => {
    const details = Object.entries(fields)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ');
    log(details ? `${message} (${details})` : message);
  };
  return { debug: () => undefined, info: say, warn: say };
}

/**
 * Opens the application database: `databaseUrl` when given (DATABASE_URL always wins), else an
 * embedded PostgreSQL in `dataDir`; then applies pending migrations and returns a Prisma client.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const log = toLogger(options.log);
  let server: EmbeddedPostgres | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    const started = Date.now();
    server = await startEmbeddedPostgres({
      dataDir: options.dataDir,
      port: options.port,
      log,
      durable: options.durable,
    });
    databaseUrl = server.databaseUrl;
    log.info({ ms: Date.now() - started }, `PostgreSQL on 127.0.0.1:${options.port}`);
  }

  let prisma: PrismaClient | undefined;
  try {
    const started = Date.now();
    const { applied } = await applyMigrations(databaseUrl, {
      migrationsDir: options.migrationsDir,
      log,
    });
    log.info(
      { ms: Date.now() - started },
      `database schema up to date (${applied.length} applied)`,
    );
    prisma = createPrismaClient(databaseUrl, {
      onPoolError: (err) => log.warn({ err: err.message }, 'idle database connection failed'),
    });
    await prisma.$connect();

    const client = prisma;
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        await client.$disconnect().catch(() => undefined);
        await server?.stop();
      })();
      return stopping;
    };
    return { databaseUrl, prisma, appliedMigrations: applied, embedded: !!server, stop };
  } catch (err) {
    await prisma?.$disconnect().catch(() => undefined);
    await server?.stop();
    throw err;
  }
}
