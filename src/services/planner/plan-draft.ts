import type { PlanResponse, PlanStep } from '../../shared/plan';

/** How complex a plan is, as reported to the workflow. */
export type PlanComplexity = PlanResponse['complexity'];

/** A plan before totals, cache and model fields are attached: what a planner produces. */
export interface PlanDraft {
  steps: PlanStep[];
  rationale: string;
  confidence: number;
  complexity: PlanComplexity;
}

/** Complexity from the plan's shape: its size, and whether any step joins several branches. */
export function complexityOf(steps: readonly PlanStep[]): PlanComplexity {
  const joins = steps.some((s) => s.depends_on.length >= 3);
  if (steps.length >= 6 || (steps.length >= 5 && joins)) return 'complex';
  if (steps.length >= 4) return 'moderate';
  return 'simple';
}
