/**
 * The logging surface src/db needs: structured fields first, then a message, exactly like pino,
 * so the application passes `logger.child({ component: 'db' })` straight in.
 */
export interface DbLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** A logger that drops everything (the default, and handy in tests). */
export const silentDbLogger: DbLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
