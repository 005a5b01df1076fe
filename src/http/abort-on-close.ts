import type { Response } from 'express';

/**
 * A signal that aborts when the client goes away before its answer is sent (a caller that gave
 * up: an activity timeout, a cancellation), so the work done for it, such as a model call,
 * stops too.
 */
export function abortOnClose(res: Response): AbortSignal {
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  return abort.signal;
}
