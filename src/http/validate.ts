import type { z } from 'zod';
import { AppError, type FieldIssue } from './app-error';

/** Turns zod issues into field issues a client can act on. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Parses a value with a schema, or throws a 400 `AppError` that names each bad field.
 * `what` says which part of the request it was (body, query, path).
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'body',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = toFieldIssues(result.error);
  const summary = details.map((d) => `${d.field || what}: ${d.message}`).join('; ');
  throw new AppError('VALIDATION_FAILED', `Invalid request ${what}: ${summary}`, details);
}
