import { Context } from '@temporalio/activity';

/**
 * Runs `fn` while heartbeating every `intervalMs`. Heartbeats are how a cancellation reaches
 * a running activity: once the server reports it, the context's signal aborts, and `fn`
 * passes that signal to its HTTP call so the call in flight stops too.
 */
export async function withHeartbeats<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  intervalMs = 1_000,
): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), intervalMs);
  try {
    return await fn(ctx.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
