import type { PlanStep, ReplanRequest } from '../../shared/plan';
import { ARM_REGISTRY } from './arm-registry';
import { fitBudget } from './offline-planner';
import { quote } from './offline-templates';
import { complexityOf, type PlanDraft } from './plan-draft';
import { remapDeps, renameSteps, revisionId } from './revision-ids';
import type { ReplanScope } from './replan-scope';

/** Longest action a step may carry (`planStepSchema`). */
const MAX_ACTION_CHARS = 4_000;

/** Confidence of a first offline revision; each further revision is less sure. */
const FIRST_REVISION_CONFIDENCE = 0.5;

/**
 * Revises a plan without an LLM, deterministically (no clock, no randomness). A failed step:
 * the unfinished steps again under new ids, the failed one told why it failed. A failed verdict
 * (say, the final judge found criteria unmet): one step per checked output, on the arm that
 * produced it, to revise that output until it meets the unmet criteria; the checks between
 * them again; then the verdict step again on the revised outputs; then any unfinished steps.
 * Completed steps are never repeated; new steps depend on them by their kept ids.
 */
export function replanOffline(request: ReplanRequest, scope: ReplanScope): PlanDraft {
  const { revision, failure } = request;
  // New ids must not reuse a completed id, nor an unfinished one the workflow has marked skipped.
  const taken = new Set([...scope.completed.keys(), ...request.unfinished.map((s) => s.id)]);
  const reason = quote(failure.reason, 200);
  let steps: PlanStep[];
  let rationale: string;

  if (scope.failedStep) {
    const failedId = scope.failedStep.id;
    const renamed = renameSteps(request.unfinished, revision, taken);
    steps = renamed.steps.map((step) =>
      step.id === renamed.ids.get(failedId)
        ? {
            ...step,
            action: clip(
              `Revision ${revision}: the previous attempt failed (${reason}). ${step.action}`,
            ),
          }
        : step,
    );
    rationale =
      `Offline revision ${revision} (no LLM configured): step ${failedId} failed (${reason}), ` +
      `so the ${steps.length} unfinished step${steps.length === 1 ? ' runs' : 's run'} again under ` +
      `new ids; the ${request.completed.length} completed steps are kept.`;
  } else {
    const verdict = scope.verdict!;
    const criteria =
      failure.unmet_criteria.length > 0 ? failure.unmet_criteria : verdict.acceptance_criteria;
    const wanted = criteria.map((c) => quote(c, 300)).join('; ');
    const ids = new Map<string, string>();
    const revised = scope.producers.map((producer): PlanStep => {
      const id = revisionId(producer.id, revision, taken);
      ids.set(producer.id, id);
      const typical = ARM_REGISTRY[producer.arm].typical;
      return {
        id,
        // Quoted text is the subject matter, so the arm refusals do not read it as instructions.
        action: clip(
          `Revise the output of step ${producer.id} so that it meets: ${wanted}. ` +
            `The step's task was ${quote(producer.action, 300)}; the check found ${reason}.`,
        ),
        arm: producer.arm,
        acceptance_criteria: [...criteria],
        depends_on: [producer.id],
        estimated_cost_usd: typical.cost_usd,
        estimated_seconds: typical.seconds,
        estimated_tokens: typical.tokens,
      };
    });
    const recheck = (step: PlanStep, extraDeps: readonly string[] = []): PlanStep => {
      const id = revisionId(step.id, revision, taken);
      const depends_on = remapDeps([...extraDeps, ...step.depends_on], ids);
      ids.set(step.id, id);
      return { ...step, id, depends_on };
    };
    // A check re-runs only when something it checked was revised; otherwise its verdict stands.
    const checks: PlanStep[] = [];
    for (const check of scope.checks) {
      if (check.depends_on.some((dep) => ids.has(dep))) checks.push(recheck(check));
    }
    const again = scope.producers.includes(verdict)
      ? []
      : [
          recheck(
            {
              ...verdict,
              action: clip(`Revision ${revision}: check the revised outputs. ${verdict.action}`),
            },
            revised.map((s) => s.id),
          ),
        ];
    const unfinished = renameSteps(request.unfinished, revision, taken, ids).steps;
    steps = [...revised, ...checks, ...again, ...unfinished];
    rationale =
      `Offline revision ${revision} (no LLM configured): step ${verdict.id} found ` +
      `${failure.unmet_criteria.length > 0 ? `unmet criteria (${wanted})` : `a failure (${reason})`}, ` +
      `so ${revised.map((s) => s.depends_on[0]).join(', ') || 'no step'} ` +
      `${revised.length === 1 ? 'is' : 'are'} revised` +
      `${again.length > 0 ? ` and checked again by ${again[0]!.id}` : ''}; ` +
      `the ${request.completed.length} completed steps are kept.`;
  }

  const fitted = fitBudget(steps, request.budget);
  return {
    steps: fitted,
    rationale,
    confidence: Math.max(0.1, FIRST_REVISION_CONFIDENCE - 0.1 * (revision - 1)),
    complexity: complexityOf(fitted),
  };
}

/** An action cut to the contract's length. */
function clip(action: string): string {
  return action.length > MAX_ACTION_CHARS ? `${action.slice(0, MAX_ACTION_CHARS - 1)}…` : action;
}
