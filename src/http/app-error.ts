/** Every error code the HTTP layer can answer with. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_CONFLICT',
  'PLAN_INVALID',
  'BUDGET_INSUFFICIENT',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_REJECTED',
  'INTERNAL',
] as const;

/** A machine-readable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The single code-to-status table: each code always answers with the same HTTP status. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** No API key, or one that is not known (`Authorization: Bearer <key>`). */
  UNAUTHENTICATED: 401,
  /** A revoked API key. */
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** An Idempotency-Key already used for a different request. */
  IDEMPOTENCY_CONFLICT: 409,
  /** The model never produced a plan that passes validation; retrying the same request will not help. */
  PLAN_INVALID: 422,
  /**
   * A service's grant from the task's budget (`budget_left`, `grant`) does not cover even the
   * smallest model call; the body's `needed` says what would. The workflow waits for more budget.
   */
  BUDGET_INSUFFICIENT: 402,
  /** The key's requests per minute are used up; `Retry-After` says when to try again. */
  RATE_LIMITED: 429,
  /** A dependency is down or overloaded; retrying later may work. */
  UPSTREAM_UNAVAILABLE: 503,
  /** A dependency (such as the LLM) refused the request for good: bad credentials, bad request. */
  UPSTREAM_REJECTED: 424,
  INTERNAL: 500,
};

/** One problem with one field of a request. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `budget.max_tokens`; empty for the body as a whole. */
  field: string;
  message: string;
}

/** An error meant for the client: its message is safe to show, its code fixes the status. */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldIssue[],
    /** Fields added to the error body as they are, e.g. `needed` for BUDGET_INSUFFICIENT. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** The HTTP status for this error's code. */
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
