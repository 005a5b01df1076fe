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

/** Prisma's codes for a server it cannot reach or that did not answer in time. */
const UNREACHABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);

/** Socket errors, and PostgreSQL's (SQLSTATE) for a server shutting down or starting up. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
]);

/**
 * What node-postgres says when a deadline of `createPrismaClient` passes, a socket closes or the
 * server is not there (its Unix socket file is gone while it restarts: `connect ENOENT`), and
 * how Prisma reports a PostgreSQL error it has no code of its own for (P2039, "Database error.
 * Code: `57P01`"): a connection exception (08…) or a server shutting down (57P0…).
 */
const UNREACHABLE_MESSAGE =
  /Code: `(08[0-9A-Z]{3}|57P0[1-3])`|connect E(NOENT|CONNREFUSED)|Query read timeout|Connection terminated|timeout exceeded when trying to connect|Can't reach database server|database system is (starting up|shutting down)|terminating connection due to administrator command/;

/**
 * Whether a query failed because the database could not be reached in time (stopped,
 * restarting, frozen, overloaded past the deadline) rather than because of the query: the
 * caller should answer 503 or retry, not report a bug.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (UNREACHABLE_PRISMA_CODES.has(code) || UNREACHABLE_CODES.has(code))
    )
      return true;
    if (UNREACHABLE_MESSAGE.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
