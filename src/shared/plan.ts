import { z } from 'zod';
import { grantSchema } from './budget';
import { budgetSchema } from './task';

/** The arms a plan step may name. */
export const ARM_NAMES = [
  'retriever',
  'coder',
  'executor',
  'judge',
  'guardian',
  'planner',
] as const;

/** Name of a specialised arm. */
export type ArmName = (typeof ARM_NAMES)[number];

/** Smallest and largest number of steps a plan may have. */
export const PLAN_STEP_LIMITS = { min: 3, max: 7 } as const;

/** One step of a plan: what to do, on which arm, after which steps, and how to judge it. */
export const planStepSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -'),
  action: z.string().min(1).max(4_000),
  arm: z.enum(ARM_NAMES),
  acceptance_criteria: z.array(z.string().min(1)).min(1, 'every step needs acceptance criteria'),
  depends_on: z.array(z.string()).default([]),
  estimated_cost_usd: z.number().nonnegative().default(0),
  estimated_seconds: z.number().nonnegative().default(0),
  estimated_tokens: z.number().int().nonnegative().default(0),
});

/** A plan step. */
export type PlanStep = z.infer<typeof planStepSchema>;

/** Body of the Planner Arm's `POST /plan`. */
export const planRequestSchema = z.object({
  goal: z.string().min(1),
  constraints: z.array(z.string()).default([]),
  acceptance_criteria: z.array(z.string()).default([]),
  context: z.record(z.string(), z.unknown()).default({}),
  budget: budgetSchema,
  arms: z
    .array(z.enum(ARM_NAMES))
    .min(1)
    .default([...ARM_NAMES]),
  /** What planning may spend on models, from the task's ledger; without it, no cap. */
  grant: grantSchema.optional(),
  /** The tenant the task belongs to: a cached plan is only served to the tenant it was made for. */
  tenant: z.string().min(1).max(200).optional(),
});

/** A planning request. */
export type PlanRequest = z.infer<typeof planRequestSchema>;

/** Response of the Planner Arm's `POST /plan`. */
export const planResponseSchema = z.object({
  steps: z.array(planStepSchema),
  rationale: z.string(),
  confidence: z.number().min(0).max(1),
  complexity: z.enum(['simple', 'moderate', 'complex']),
  total_estimates: z.object({
    cost_usd: z.number().nonnegative(),
    seconds: z.number().nonnegative(),
    tokens: z.number().int().nonnegative(),
  }),
  cache: z.object({ hit: z.boolean(), key: z.string() }),
  model: z.string(),
  prompt_version: z.string(),
  /**
   * What this response's model calls spent (0 for cache hits and the offline planner). A
   * default, because plans recorded before it existed lack it.
   */
  usage: z
    .object({ tokens: z.number().int().nonnegative(), cost_usd: z.number().nonnegative() })
    .default({ tokens: 0, cost_usd: 0 }),
});

/** A plan as the Planner Arm returns it. */
export type PlanResponse = z.infer<typeof planResponseSchema>;

/**
 * Checks the rules a plan must meet before it may run: step count, unique ids, dependencies
 * that point only to earlier steps (so there are no cycles), arms from the allowed set.
 * Returns human-readable problems; an empty list means the plan is valid.
 */
export function validatePlanSteps(steps: readonly PlanStep[], arms: readonly ArmName[]): string[] {
  const problems: string[] = [];
  if (steps.length < PLAN_STEP_LIMITS.min || steps.length > PLAN_STEP_LIMITS.max) {
    problems.push(
      `plan has ${steps.length} steps; it needs ${PLAN_STEP_LIMITS.min} to ${PLAN_STEP_LIMITS.max}`,
    );
  }
  return [...problems, ...stepProblems(steps, arms, new Set())];
}

/**
 * What is wrong with each step: ids unique and none of `completed`, arms allowed, acceptance
 * criteria present, dependencies only on earlier steps or `completed` ones.
 */
function stepProblems(
  steps: readonly PlanStep[],
  arms: readonly ArmName[],
  completed: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const earlier = new Set<string>();
  const missing = completed.size
    ? 'is neither a completed step nor an earlier step'
    : 'does not exist';
  steps.forEach((step, index) => {
    const where = `steps[${index}] (${step.id})`;
    if (completed.has(step.id)) problems.push(`${where}: id is taken by a completed step`);
    else if (earlier.has(step.id)) problems.push(`${where}: duplicate step id`);
    if (!arms.includes(step.arm)) problems.push(`${where}: arm "${step.arm}" is not available`);
    if (step.acceptance_criteria.length === 0) problems.push(`${where}: no acceptance criteria`);
    for (const dep of step.depends_on) {
      if (dep === step.id) problems.push(`${where}: depends on itself`);
      else if (!earlier.has(dep) && !completed.has(dep)) {
        const later = steps.some((s) => s.id === dep);
        problems.push(
          `${where}: depends_on "${dep}" ${later ? 'is not an earlier step' : missing}`,
        );
      }
    }
    earlier.add(step.id);
  });
  return problems;
}

/**
 * Body of the Planner Arm's `POST /replan`: the task as planned, what already completed, what
 * did not, and why a revision is needed. The response is a {@link PlanResponse} whose steps are
 * only the revision's new steps.
 */
export const replanRequestSchema = planRequestSchema.extend({
  /** 1 for the first revision. */
  revision: z.number().int().min(1),
  /** Steps that completed: kept, never re-run. `output` is the step's output as the workflow holds it (inline, or a reference object for large outputs: pass it through, never resolve it). */
  completed: z.array(
    z.object({
      step: planStepSchema,
      summary: z.string().optional(),
      output: z.unknown().optional(),
    }),
  ),
  /** Steps of the current plan that did not complete (the failed one, and those skipped or never started). */
  unfinished: z.array(planStepSchema),
  /** Why a revision is needed. `step_id`: the failed step, or the judge step whose verdict failed. */
  failure: z.object({
    step_id: z.string(),
    reason: z.string(),
    unmet_criteria: z.array(z.string()).default([]),
  }),
});

/** A replanning request, defaults applied. */
export type ReplanRequest = z.infer<typeof replanRequestSchema>;

/**
 * Checks the rules a plan revision must meet before it may run: 1 to {@link PLAN_STEP_LIMITS}
 * `.max` steps, ids unique and new (a completed step's id would make the workflow mistake the
 * new step for the kept one), dependencies only on completed steps or earlier steps of the
 * revision (so there are no cycles), arms from the allowed set, acceptance criteria on every
 * step. Returns human-readable problems; an empty list means the revision is valid.
 */
export function validateRevisionSteps(
  steps: readonly PlanStep[],
  completedIds: Iterable<string>,
  arms: readonly ArmName[],
): string[] {
  const problems: string[] = [];
  if (steps.length < 1 || steps.length > PLAN_STEP_LIMITS.max) {
    problems.push(`revision has ${steps.length} steps; it needs 1 to ${PLAN_STEP_LIMITS.max}`);
  }
  return [...problems, ...stepProblems(steps, arms, new Set(completedIds))];
}
