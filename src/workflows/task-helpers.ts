import { ActivityFailure, ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
import { BUDGET_INSUFFICIENT_FAILURE } from '../shared/model-cost';

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

/**
 * When a failure is a service's refusal for want of budget (`BudgetInsufficient`): the least its
 * model call needs free, and what the refused activity had spent before it refused.
 */
export function budgetShortfall(
  err: unknown,
):
  | { needed: { tokens: number; cost_usd: number }; usage?: { tokens: number; cost_usd: number } }
  | undefined {
  let current: unknown = err;
  while (current instanceof TemporalFailure) {
    if (current instanceof ApplicationFailure && current.type === BUDGET_INSUFFICIENT_FAILURE) {
      const detail = current.details?.[0] as
        { tokens?: unknown; cost_usd?: unknown; needed?: unknown; usage?: unknown } | undefined;
      // The service's refusal carries the needed amount itself; runStep wraps it with its usage.
      const needed = (detail?.needed ?? detail) as { tokens?: unknown; cost_usd?: unknown };
      if (typeof needed?.tokens !== 'number' || typeof needed.cost_usd !== 'number')
        return undefined;
      const usage = detail?.usage as { tokens: number; cost_usd: number } | undefined;
      return { needed: { tokens: needed.tokens, cost_usd: needed.cost_usd }, usage };
    }
    current = current.cause;
  }
  return undefined;
}
