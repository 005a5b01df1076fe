import { isDatabaseUnavailable } from '../../src/db/db-error';

// The errors below have the shapes node-postgres and Prisma 7 (adapter-pg) produce: seen with a
// PostgreSQL frozen (SIGSTOP), restarted and stopped under a client (npm run chaos).
const prismaError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, meta: { modelName: 'Task' } });

test.each([
  ['a query past its deadline', new Error('Query read timeout')],
  ['no pooled connection in time', new Error('Connection terminated due to connection timeout')],
  ['a socket closed', new Error('Connection terminated unexpectedly')],
  [
    'connection refused',
    Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  ],
  [
    'a restart, as Prisma reports it',
    prismaError(
      'P2039',
      'Database error. Code: `57P01`. Message: `terminating connection due to administrator command`',
    ),
  ],
  [
    'the server socket gone while it restarts',
    prismaError(
      'P2039',
      'Invalid `prisma.task.findUnique()` invocation: connect ENOENT /tmp/x/.s.PGSQL.5432',
    ),
  ],
  ['a transaction that could not start', prismaError('P2028', 'Unable to start a transaction')],
  [
    'unreachable, wrapped',
    new Error('write failed', { cause: prismaError('P1001', "Can't reach") }),
  ],
])('%s is the database being unavailable', (_what, err) => {
  expect(isDatabaseUnavailable(err)).toBe(true);
});

test.each([
  [
    'text PostgreSQL cannot store',
    prismaError(
      'P2039',
      'Database error. Code: `22P05`. Message: `unsupported Unicode escape sequence`',
    ),
  ],
  ['a unique violation', prismaError('P2002', 'Unique constraint failed on the fields: (`id`)')],
  ['a missing row', prismaError('P2025', 'No record was found for an update.')],
  ['not an error at all', 'Query read timeout'],
])('%s is not', (_what, err) => {
  expect(isDatabaseUnavailable(err)).toBe(false);
});
