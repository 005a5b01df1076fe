import {
  validatePlanSteps,
  validateRevisionSteps,
  type ArmName,
  type PlanStep,
} from '../../shared/plan';
import type { Budget } from '../../shared/task';
import { ARM_REGISTRY, armRefusals } from './arm-registry';
import { budgetProblems, totalEstimates } from './plan-estimates';

/** What a plan is checked against: the arms on offer and the task's budget. */
export interface PlanLimits {
  arms: readonly ArmName[];
  budget: Budget;
}

/**
 * Every rule a plan must meet before it may run: the shared structural rules (3-7 steps,
 * unique ids, dependencies only on earlier steps, available arms, acceptance criteria), plus
 * what only the planner knows: each arm can do what its step asks, checking arms have
 * something to check, and the estimates fit the budget. An empty list means valid.
 */
export function validatePlan(steps: readonly PlanStep[], limits: PlanLimits): string[] {
  return [...validatePlanSteps(steps, limits.arms), ...plannerProblems(steps, limits)];
}

/**
 * The same rules for a revision of a plan ({@link validateRevisionSteps}: 1-7 new steps that
 * may also depend on the completed steps, whose ids they must not reuse), plus what only the
 * planner knows. The budget is the revision's own. An empty list means valid.
 */
export function validateRevision(
  steps: readonly PlanStep[],
  completedIds: Iterable<string>,
  limits: PlanLimits,
): string[] {
  return [
    ...validateRevisionSteps(steps, completedIds, limits.arms),
    ...plannerProblems(steps, limits),
  ];
}

/** What only the planner checks: arm capabilities, inputs of checking arms, blank criteria, budget. */
function plannerProblems(steps: readonly PlanStep[], limits: PlanLimits): string[] {
  const problems: string[] = [];
  steps.forEach((step, index) => {
    const where = `steps[${index}] (${step.id})`;
    const capability = ARM_REGISTRY[step.arm];
    if (!capability) return; // unknown names are reported by the structural rules
    for (const reason of armRefusals(step.arm, step.action)) {
      problems.push(`${where}: the ${step.arm} arm cannot do this: ${reason}`);
    }
    if (capability.needsInputs && step.depends_on.length === 0) {
      problems.push(
        `${where}: the ${step.arm} arm checks earlier outputs, so it must depend on at least one step`,
      );
    }
    if (step.acceptance_criteria.some((c) => c.trim() === '')) {
      problems.push(`${where}: acceptance criteria must not be blank`);
    }
  });
  problems.push(...budgetProblems(totalEstimates(steps), limits.budget));
  return problems;
}
