import got, { HTTPError } from 'got';
import { AppError } from '../http/app-error';
import { z } from 'zod';
import { reflexResponseSchema } from '../shared/reflex';
import { screenSpec, type ScreenedInput } from '../shared/screen-spec';
import type { TaskSpec } from '../shared/task';

/** Screens a submission before anything of it is stored. */
export type InputScreening = (taskId: string, spec: TaskSpec) => Promise<ScreenedInput>;

/** How long one screening call may take before submit answers 503. */
const SCREEN_TIMEOUT_MS = 5_000;

/**
 * Screening of submissions with the Reflex Layer at `reflexUrl`, over HTTP. When it cannot be
 * reached, submit answers `503 UPSTREAM_UNAVAILABLE` and stores nothing: a task is never written
 * unscreened.
 */
export function createInputScreening(reflexUrl: string): InputScreening {
  const http = got.extend({
    prefixUrl: reflexUrl,
    timeout: { request: SCREEN_TIMEOUT_MS },
    // One quick retry for a dropped keep-alive connection; screening is read-only.
    retry: { limit: 1, methods: ['POST'] },
  });
  const batchSchema = z.object({ results: z.array(reflexResponseSchema) });
  return (taskId, spec) =>
    // Every field in one round trip.
    screenSpec(spec, async (texts) => {
      try {
        const body = await http
          .post('process/batch', {
            json: { texts, direction: 'input', context: { task_id: taskId } },
          })
          .json();
        const { results } = batchSchema.parse(body);
        if (results.length !== texts.length) throw new Error('one verdict per text expected');
        return results;
      } catch (err) {
        if (err instanceof HTTPError && err.response.statusCode < 500) {
          throw new AppError(
            'UPSTREAM_REJECTED',
            `The Reflex Layer refused to screen the task (${err.response.statusCode}); nothing was stored`,
          );
        }
        throw new AppError(
          'UPSTREAM_UNAVAILABLE',
          'The Reflex Layer is unavailable, and a task is only stored once it is screened; ' +
            'nothing was stored. Retry later.',
        );
      }
    });
}
