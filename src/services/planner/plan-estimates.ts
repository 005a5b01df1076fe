import type { PlanResponse, PlanStep } from '../../shared/plan';
import type { Budget } from '../../shared/task';

/** Summed estimates of a plan. */
export type PlanTotals = PlanResponse['total_estimates'];

/**
 * Adds up the steps' estimates. Seconds are summed too, not taken along the critical path:
 * the workflow may run steps one at a time, so the sum is the honest upper bound.
 */
export function totalEstimates(steps: readonly PlanStep[]): PlanTotals {
  const sum = (pick: (s: PlanStep) => number) => steps.reduce((acc, s) => acc + pick(s), 0);
  return {
    // Rounded so float noise (0.1 + 0.2) never pushes a plan over a budget it fits.
    cost_usd: Math.round(sum((s) => s.estimated_cost_usd) * 1e6) / 1e6,
    seconds: Math.round(sum((s) => s.estimated_seconds) * 1e3) / 1e3,
    tokens: sum((s) => s.estimated_tokens),
  };
}

/** Where the totals exceed the budget, one message per exceeded limit. */
export function budgetProblems(totals: PlanTotals, budget: Budget): string[] {
  const problems: string[] = [];
  if (totals.cost_usd > budget.max_cost_usd) {
    problems.push(
      `estimated cost $${totals.cost_usd} exceeds the budget of $${budget.max_cost_usd}`,
    );
  }
  if (totals.seconds > budget.max_time_seconds) {
    problems.push(
      `estimated time ${totals.seconds}s exceeds the budget of ${budget.max_time_seconds}s`,
    );
  }
  if (totals.tokens > budget.max_tokens) {
    problems.push(`estimated ${totals.tokens} tokens exceed the budget of ${budget.max_tokens}`);
  }
  return problems;
}
