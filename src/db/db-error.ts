/**
 * Why a database-layer operation failed. Codes are stable so callers (startup code, tests) can
 * branch on them without parsing messages.
 */
export type DbErrorCode =
  /** The TCP port for the embedded server is taken by another process. */
  | 'PORT_IN_USE'
  /** A live PostgreSQL server started by another process is using the data directory. */
  | 'DATA_DIR_IN_USE'
  /** The data directory exists but is not a PostgreSQL cluster we can use. */
  | 'DATA_DIR_INVALID'
  /** The OS account PostgreSQL runs as cannot reach the data directory. */
  | 'DATA_DIR_PERMISSIONS'
  /** The data directory was created by another PostgreSQL major version. */
  | 'VERSION_MISMATCH'
  /** initdb failed. */
  | 'INIT_FAILED'
  /** The server process exited or timed out before accepting connections. */
  | 'START_FAILED'
  /** An applied migration's migration.sql was edited afterwards. */
  | 'MIGRATION_CHECKSUM_MISMATCH'
  /** A migration failed earlier and was never resolved. */
  | 'MIGRATION_FAILED_BEFORE'
  /** A migration's SQL failed while being applied now. */
  | 'MIGRATION_FAILED'
  /** Another migrator held Prisma's migration lock for longer than the timeout. */
  | 'MIGRATION_LOCK_TIMEOUT'
  /** The database has tables but no `_prisma_migrations` history (Prisma P3005). */
  | 'DATABASE_NOT_EMPTY';

/** The single error type thrown by src/db for conditions an operator has to act on. */
export class DbError extends Error {
  override readonly name = 'DbError';

  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
