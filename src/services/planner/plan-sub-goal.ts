import type { z } from 'zod';
import type { armExecuteRequestSchema, ArmExecuteResponse } from '../../shared/arm';
import { ARM_NAMES, type PlanRequest } from '../../shared/plan';
import { remainingGrant } from '../common/grant';
import type { Planner } from './planner';

/** A validated `POST /execute` body. */
export type SubGoalRequest = z.output<typeof armExecuteRequestSchema>;

// A sub-plan may use every arm but the planner itself, so re-planning cannot recurse.
const SUB_PLAN_ARMS = ARM_NAMES.filter((arm) => arm !== 'planner');

/**
 * The planner as an arm: a workflow step on the `planner` arm is a sub-goal, and its output is
 * a validated sub-plan (steps, rationale, estimates) within the task's remaining budget. The
 * budget left is turned into a plan budget; limits already spent become the smallest allowed
 * values, so the plan's estimates must shrink to fit them rather than fail validation outright.
 * Its tokens and USD are also the grant the planning itself must keep within.
 */
export async function planSubGoal(
  planner: Planner,
  request: SubGoalRequest,
  signal?: AbortSignal,
): Promise<ArmExecuteResponse> {
  const { step, goal, budget_left: left } = request;
  const planRequest: PlanRequest = {
    goal: step.action,
    constraints: goal ? [`Serves the overall goal: ${goal.slice(0, 500)}`] : [],
    acceptance_criteria: step.acceptance_criteria,
    context: { parent_goal: goal, inputs: request.inputs },
    budget: {
      max_cost_usd: Math.min(1_000, Math.max(1e-6, left.cost_usd)),
      max_time_seconds: Math.min(86_400, Math.max(1, Math.floor(left.seconds))),
      max_tokens: Math.min(10_000_000, Math.max(1, Math.floor(left.tokens))),
    },
    arms: [...SUB_PLAN_ARMS],
    grant: remainingGrant(left),
  };
  const plan = await planner.plan(planRequest, { signal });
  const outline = plan.steps.map((s) => `${s.id} ${s.arm}`).join(' → ');
  return {
    output: {
      sub_goal: step.action,
      steps: plan.steps,
      rationale: plan.rationale,
      complexity: plan.complexity,
      total_estimates: plan.total_estimates,
      model: plan.model,
      cache: plan.cache,
    },
    summary: `Sub-plan of ${plan.steps.length} steps: ${outline}`,
    confidence: plan.confidence,
    // What the planning's model calls spent, priced at the model's prices; offline plans and
    // cache hits cost nothing.
    usage: plan.usage,
    mode: planner.mode,
  };
}
