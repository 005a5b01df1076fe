import { ActivityFailure, ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
import type { TaskSpec } from '../shared/task';

/**
 * The text a screening call sees: for a task, everything the user wrote; for a step output,
 * the output itself, serialised when it is not already text.
 */
export function textForScreening(value: TaskSpec | unknown): string {
  if (typeof value === 'string') return value;
  if (isTaskSpec(value)) {
    return [
      value.goal,
      ...value.constraints,
      ...value.acceptance_criteria,
      Object.keys(value.context).length ? JSON.stringify(value.context) : '',
    ]
      .filter(Boolean)
      .join('\n');
  }
  return JSON.stringify(value ?? null);
}

function isTaskSpec(value: unknown): value is TaskSpec {
  return typeof value === 'object' && value !== null && 'goal' in value && 'budget' in value;
}

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
