import { ActivityFailure, ApplicationFailure, TemporalFailure } from '@temporalio/workflow';

/** The most useful message in a failure chain: the innermost application failure's. */
export function describeFailure(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof TemporalFailure) {
    if (current instanceof ApplicationFailure) {
      message = current.message;
    } else if (current instanceof ActivityFailure && !(current.cause instanceof TemporalFailure)) {
      message = `${current.activityType} failed: ${current.message}`;
    }
    current = current.cause;
  }
  return message;
}
