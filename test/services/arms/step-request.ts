import type { ArmRequest } from '../../../src/services/arms/arm-handler';
import type { PlanStep } from '../../../src/shared/plan';

/** A `POST /execute` body (and handler request) for one step, with test defaults. */
export function stepRequest(
  step: Partial<PlanStep> & Pick<PlanStep, 'action'>,
  extra: { goal?: string; inputs?: Record<string, unknown>; tokens?: number; taskId?: string } = {},
): ArmRequest {
  return {
    task_id: extra.taskId ?? 'task-test',
    goal: extra.goal ?? '',
    step: {
      id: 's1',
      arm: 'executor',
      acceptance_criteria: ['non-empty'],
      depends_on: [],
      estimated_cost_usd: 0,
      estimated_seconds: 0,
      estimated_tokens: 0,
      ...step,
    },
    inputs: extra.inputs ?? {},
    budget_left: { cost_usd: 1, tokens: extra.tokens ?? 10_000, seconds: 300 },
  };
}
