import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { DbError } from './db-error';
import { silentDbLogger, type DbLogger } from './db-logger';
import {
  defaultMigrationsDir,
  readMigrationsFolder,
  scriptMatchesChecksum,
  type LocalMigration,
} from './migrations-folder';

/**
 * The advisory lock key Prisma Migrate takes (`SELECT pg_advisory_lock(72707369)`), so this
 * runner, other instances of it and `prisma migrate deploy` never apply migrations concurrently.
 */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/**
 * `_prisma_migrations` exactly as the schema engine's PostgreSQL flavour creates it, so that
 * `prisma migrate status/deploy` accept a database migrated by this runner and vice versa.
 */
export const PRISMA_MIGRATIONS_TABLE_DDL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

/** Settings for {@link applyMigrations}. */
export interface ApplyMigrationsOptions {
  /** Default: the repository's prisma/migrations. */
  migrationsDir?: string;
  /** How long to wait for another migrator's lock. Default 10 s, Prisma's value. */
  lockTimeoutMs?: number;
  log?: DbLogger;
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
}

/**
 * Applies the unapplied migrations in prisma/migrations, recording each in `_prisma_migrations`
 * the way `prisma migrate deploy` does (the Rust schema engine that command needs is not
 * available offline). Stricter than deploy in one respect: an applied migration whose
 * migration.sql changed afterwards is refused instead of silently ignored.
 *
 * Each migration's SQL and its "finished" record commit in one transaction; on failure the row
 * is left unfinished with the error in `logs`, as Prisma leaves it, and later runs refuse to
 * continue until it is resolved.
 */
export async function applyMigrations(
  databaseUrl: string,
  options: ApplyMigrationsOptions = {},
): Promise<{ applied: string[] }> {
  const log = options.log ?? silentDbLogger;
  const folder = readMigrationsFolder(options.migrationsDir ?? defaultMigrationsDir());
  if (folder.provider !== undefined && folder.provider !== 'postgresql') {
    throw new Error(
      `${folder.dir}/migration_lock.toml is for provider "${folder.provider}", not postgresql`,
    );
  }

  const client = new Client({ connectionString: databaseUrl });
  // A server restart mid-run surfaces as a failed query; without a listener it would crash Node.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await acquireLock(client, options.lockTimeoutMs ?? 10_000);
    await ensureMigrationsTable(client);
    const { rows } = await client.query<MigrationRow>(
      'SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at ' +
        'FROM _prisma_migrations ORDER BY started_at ASC',
    );
    const live = rows.filter((row) => row.rolled_back_at === null);
    assertNoFailedMigration(live);
    assertChecksumsUnchanged(live, folder.migrations, log);

    const applied: string[] = [];
    for (const migration of folder.migrations) {
      if (live.some((row) => row.migration_name === migration.name)) continue;
      const started = Date.now();
      await applyOne(client, migration);
      applied.push(migration.name);
      log.info({ migration: migration.name, ms: Date.now() - started }, 'applied migration');
    }
    return { applied };
  } finally {
    // Ending the session releases the advisory lock too; unlocking first is just tidier.
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => {});
    await client.end().catch(() => {});
  }
}

async function acquireLock(client: Client, timeoutMs: number): Promise<void> {
  // lock_timeout also bounds advisory lock waits; 55P03 is lock_not_available.
  await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') {
      throw new DbError(
        'MIGRATION_LOCK_TIMEOUT',
        `Timed out after ${timeoutMs} ms waiting for the migration lock ` +
          `(pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY})): another migrator is running.`,
        { cause: err },
      );
    }
    throw err;
  } finally {
    await client.query('RESET lock_timeout');
  }
}

/**
 * Creates the history table on first use. Like the schema engine, refuses a database that
 * already holds tables but no migration history (Prisma's P3005): applying our DDL there would
 * fail half-way or, worse, mix our tables into someone else's schema.
 */
async function ensureMigrationsTable(client: Client): Promise<void> {
  const { rows } = await client.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  );
  const names = rows.map((row) => row.table_name);
  if (names.includes('_prisma_migrations')) return;
  if (names.length > 0) {
    throw new DbError(
      'DATABASE_NOT_EMPTY',
      `The database schema is not empty (${names.slice(0, 5).join(', ')}…) and has no ` +
        '_prisma_migrations table, so migrations cannot be applied to it (Prisma P3005). Use an ' +
        'empty database, or baseline it: https://pris.ly/d/migrate-baseline',
    );
  }
  await client.query(PRISMA_MIGRATIONS_TABLE_DDL);
}

function assertNoFailedMigration(rows: MigrationRow[]): void {
  const failed = rows.filter((row) => row.finished_at === null);
  if (failed.length === 0) return;
  const details = failed
    .map((row) => {
      const logs = row.logs?.trim() ? ` with the following logs:\n${row.logs.trim()}` : '';
      return `The \`${row.migration_name}\` migration started at ${row.started_at.toISOString()} failed${logs}`;
    })
    .join('\n');
  throw new DbError(
    'MIGRATION_FAILED_BEFORE',
    `Migrations failed earlier in this database, so no new migration is applied (Prisma P3009).\n` +
      `${details}\nFix the cause, then mark it rolled back ` +
      `(UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '<name>' AND ` +
      `finished_at IS NULL; or \`prisma migrate resolve --rolled-back <name>\`) and start again.`,
  );
}

function assertChecksumsUnchanged(
  rows: MigrationRow[],
  local: LocalMigration[],
  log: DbLogger,
): void {
  for (const row of rows) {
    const migration = local.find((m) => m.name === row.migration_name);
    if (!migration) {
      // As `migrate deploy`: a newer release may have migrated this database already.
      log.warn(
        { migration: row.migration_name },
        'applied migration is not in the migrations folder',
      );
      continue;
    }
    if (!scriptMatchesChecksum(migration.script, row.checksum)) {
      throw new DbError(
        'MIGRATION_CHECKSUM_MISMATCH',
        `The migration ${row.migration_name} was modified after it was applied: its ` +
          `migration.sql no longer matches the checksum recorded in _prisma_migrations ` +
          `(${row.checksum}). Restore the original file and put the change in a new migration.`,
      );
    }
  }
}

async function applyOne(client: Client, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  // Recorded outside the transaction, as Prisma does, so a failure leaves a visible trace.
  await client.query(
    'INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, $3, $4)',
    [id, migration.checksum, new Date(), migration.name],
  );
  try {
    await client.query('BEGIN');
    // No parameters: pg uses the simple query protocol, which runs a multi-statement script.
    await client.query(migration.script);
    await client.query(
      'UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = $2 WHERE id = $1',
      [id, new Date()],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    const e = err as { code?: string; message?: string; position?: string };
    const logs =
      `A migration failed to apply. New migrations cannot be applied before the error is ` +
      `recovered from.\n\nMigration name: ${migration.name}\n\nDatabase error code: ` +
      `${e.code ?? 'none'}\n\nDatabase error:\n${e.message ?? String(err)}` +
      (e.position ? ` (at character ${e.position})` : '');
    await client
      .query('UPDATE _prisma_migrations SET logs = $2 WHERE id = $1', [id, logs])
      .catch(() => {});
    throw new DbError('MIGRATION_FAILED', logs, { cause: err });
  }
}
