import { ActivityFailure, ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
import type { ReflexResponse } from '../shared/reflex';
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

/** A screening verdict's reason: injection categories and PII types, never matched text. */
export function screeningReason(screened: ReflexResponse): string {
  if (screened.reasons.length) return screened.reasons.join('; ');
  const parts: string[] = [];
  if (screened.injection.categories.length) {
    parts.push(`prompt injection (${screened.injection.categories.join(', ')})`);
  }
  const types = [...new Set(screened.pii.map((p) => p.type))];
  if (types.length) parts.push(`PII (${types.join(', ')})`);
  return parts.join('; ') || 'unsafe content';
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
