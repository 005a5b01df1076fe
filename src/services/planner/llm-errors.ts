import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { AppError } from '../../http/app-error';

/** Whether an LLM failure may succeed when retried later. */
export type LlmFailureKind = 'transient' | 'permanent';

/**
 * Maps an `openai` client error to the `AppError` the planner answers with. Transient failures
 * (timeouts, lost connections, 408, 409, 429, 5xx) become UPSTREAM_UNAVAILABLE (503), which the
 * calling activity retries under Temporal's policy; the rest (bad credentials, bad request,
 * unknown model) become UPSTREAM_REJECTED (424), which it does not. Upstream messages are not
 * passed on: they can echo the prompt. Returns undefined for errors that are not the client's.
 */
export function llmErrorToAppError(err: unknown): AppError | undefined {
  if (err instanceof APIConnectionTimeoutError) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'The LLM did not answer in time');
  }
  if (err instanceof APIUserAbortError) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'The LLM request was aborted');
  }
  if (err instanceof APIConnectionError) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'The LLM could not be reached');
  }
  if (!(err instanceof APIError)) return undefined;
  const status = err.status;
  if (status === undefined) return new AppError('UPSTREAM_UNAVAILABLE', 'The LLM request failed');
  if (status === 429)
    return new AppError('UPSTREAM_UNAVAILABLE', 'The LLM is rate limiting requests (429)');
  if (status === 408 || status === 409 || status >= 500) {
    return new AppError('UPSTREAM_UNAVAILABLE', `The LLM failed with status ${status}`);
  }
  if (status === 401 || status === 403) {
    return new AppError('UPSTREAM_REJECTED', `The LLM rejected the credentials (${status})`);
  }
  return new AppError('UPSTREAM_REJECTED', `The LLM rejected the request (${status})`);
}

/** The failure kind of an LLM error, for metrics and logs. */
export function llmFailureKind(err: unknown): LlmFailureKind {
  return llmErrorToAppError(err)?.code === 'UPSTREAM_REJECTED' ? 'permanent' : 'transient';
}

/**
 * True when the server turned down the `response_format` itself (an OpenAI-compatible server
 * without structured outputs or JSON mode), so the planner can ask again in a simpler mode.
 */
export function isResponseFormatUnsupported(err: unknown): boolean {
  if (!(err instanceof APIError) || (err.status !== 400 && err.status !== 422)) return false;
  const text = `${err.message} ${err.param ?? ''} ${JSON.stringify(err.error ?? {})}`;
  return /response_format|json_schema|json_object|structured output/i.test(text);
}
