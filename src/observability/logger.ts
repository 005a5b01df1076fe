import pino, { type Logger } from 'pino';

/** Creates the process's one pino logger; children add `service` and other fields. */
export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: { app: 'octollm' },
    // Defence in depth: if a caller ever logs a request body or key, keep it out of the output.
    redact: {
      paths: ['*.text', '*.goal', '*.apiKey', '*.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
