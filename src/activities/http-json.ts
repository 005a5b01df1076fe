import { ApplicationFailure } from '@temporalio/activity';
import got, { RequestError, type Got } from 'got';
import type { z } from 'zod';
import { budgetInsufficientBodySchema } from '../shared/budget';
import { BUDGET_INSUFFICIENT_FAILURE } from '../shared/model-cost';

/** What a JSON POST to a service needs besides the URL and body. */
export interface PostJsonOptions<S extends z.ZodType> {
  /** Name of the service, for error messages. */
  service: string;
  /** Schema the response must match. */
  response: S;
  /** Aborts the request, e.g. when the activity is cancelled. */
  signal?: AbortSignal;
  /** Per-request timeout; the activity's own timeout bounds the whole attempt. */
  timeoutMs?: number;
}

/**
 * The HTTP client activities share: no retries of its own (Temporal's retry policy is the
 * only retry layer) and HTTP errors returned, not thrown, so they can be classified here.
 */
export const serviceHttp: Got = got.extend({
  retry: { limit: 0 },
  throwHttpErrors: false,
  responseType: 'text',
});

/** Statuses that mean "try again later"; every other 4xx is permanent. */
const TRANSIENT_STATUSES = new Set([408, 425, 429]);

/**
 * POSTs JSON to a service and validates the answer. Failures are classified where they
 * happen: 4xx (bad input, refusal) is non-retryable; 408/429, 5xx and network errors are
 * retryable; a 2xx body that is not JSON (cut short) is retryable, but JSON that breaks the
 * contract is not. A `402 BUDGET_INSUFFICIENT`
 * becomes a `BudgetInsufficient` failure whose `details[0]` is the needed grant, so the
 * workflow can wait for budget instead of failing.
 */
export async function postJson<S extends z.ZodType>(
  http: Got,
  url: string,
  body: unknown,
  options: PostJsonOptions<S>,
): Promise<z.output<S>> {
  const { service } = options;
  let response;
  try {
    response = await http.post(url, {
      json: body,
      signal: options.signal,
      timeout: options.timeoutMs ? { request: options.timeoutMs } : undefined,
    });
  } catch (err) {
    if (err instanceof RequestError) {
      // Connection refused, reset, timed out: the service may come back.
      throw ApplicationFailure.retryable(
        `${service} unreachable: ${err.code ?? err.message}`,
        'ServiceUnreachable',
      );
    }
    throw err;
  }
  const status = response.statusCode;
  if (status >= 200 && status < 300) {
    const json = parseJson(response.body);
    if (json === undefined) {
      // Not JSON at all: cut short (a dropped connection, a proxy) or garbled on the way. Unlike
      // JSON of the wrong shape, a second call may well be whole.
      throw ApplicationFailure.retryable(
        `${service} answered ${status} with a body that is not JSON (cut short?): ` +
          JSON.stringify(response.body.slice(0, 80)),
        'UnreadableServiceResponse',
      );
    }
    const parsed = options.response.safeParse(json);
    if (parsed.success) return parsed.data;
    throw ApplicationFailure.nonRetryable(
      `${service} answered with an invalid response: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ')}`,
      'InvalidServiceResponse',
    );
  }
  if (status === 402) {
    const refusal = budgetInsufficientBodySchema.safeParse(parseJson(response.body));
    if (refusal.success) {
      // details: what the call needs, then what the request had spent before it was refused.
      const { message, needed, spent } = refusal.data.error;
      throw ApplicationFailure.nonRetryable(
        `${service} answered 402: ${message.slice(0, 500)}`,
        BUDGET_INSUFFICIENT_FAILURE,
        needed,
        spent ?? { tokens: 0, cost_usd: 0 },
      );
    }
  }
  const message = `${service} answered ${status}: ${errorMessage(response.body)}`;
  if (status >= 500 || TRANSIENT_STATUSES.has(status)) {
    throw ApplicationFailure.retryable(message, 'ServiceUnavailable');
  }
  throw ApplicationFailure.nonRetryable(message, 'ServiceRejected');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The service's own error message if it sent one in our error format, else the status text. */
function errorMessage(body: string): string {
  const parsed = parseJson(body) as { error?: { message?: unknown } } | undefined;
  const message = parsed?.error?.message;
  return typeof message === 'string' ? message.slice(0, 500) : 'no error message';
}
