import type { PlanStep } from '../../src/shared/plan';

/** A plan step for planner tests: `Do <id>`, one criterion, $0.01, 10 s and 1000 tokens. */
export function planStep(
  id: string,
  arm: PlanStep['arm'],
  depends_on: string[] = [],
  action = `Do ${id}`,
): PlanStep {
  return {
    id,
    action,
    arm,
    acceptance_criteria: [`${id} done`],
    depends_on,
    estimated_cost_usd: 0.01,
    estimated_seconds: 10,
    estimated_tokens: 1_000,
  };
}
