import { AppError } from '../../http/app-error';
import type { Grant } from '../../shared/budget';
import { minus } from '../../shared/model-cost';

/**
 * What a request may still spend on models, as a fresh object its model calls draw on: the
 * tokens and USD of the grant it came with (`budget_left`, `grant`), never negative, so a
 * request granted nothing can still do its free work.
 */
export function remainingGrant(granted: { tokens: number; cost_usd: number }): Grant {
  return {
    tokens: Math.max(0, Math.floor(granted.tokens)),
    cost_usd: Math.max(0, granted.cost_usd),
  };
}

/** Charges one model call's actual usage to what is left of a grant, down to 0 at most. */
export function chargeGrant(left: Grant, used: Grant): void {
  Object.assign(left, minus(left, used));
}

/**
 * The `402 BUDGET_INSUFFICIENT` a service answers, before calling the model, when what is left
 * of its grant does not cover the smallest model call; `needed` says what would.
 */
export function budgetInsufficient(left: Grant, needed: Grant): AppError {
  const message = `Budget too small: ${shortfall(left, needed)}`;
  return new AppError('BUDGET_INSUFFICIENT', message, undefined, { needed });
}

/** Says what a model call needs at least and what is left of the grant, in words. */
export function shortfall(left: Grant, needed: Grant): string {
  return (
    `the model call needs at least ${needed.tokens} tokens and ${usd(needed.cost_usd)}, ` +
    `but the grant has only ${left.tokens} tokens and ${usd(left.cost_usd)} left`
  );
}

function usd(amount: number): string {
  return `$${Number(amount.toFixed(6))}`;
}
