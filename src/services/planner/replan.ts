import { createHash } from 'node:crypto';
import stableStringify from 'safe-stable-stringify';
import { AppError } from '../../http/app-error';
import {
  validateRevisionSteps,
  type PlanResponse,
  type PlanStep,
  type ReplanRequest,
} from '../../shared/plan';
import { replanOffline } from './offline-replanner';
import { totalEstimates } from './plan-estimates';
import { PlanInvalidError } from './plan-invalid-error';
import { validateRevision } from './plan-validator';
import type { PlanCallOptions, Planner } from './planner';
import { replanPlanRequest } from './replan-plan-request';
import { replanScope, type ReplanScope } from './replan-scope';
import { renameSteps } from './revision-ids';

/**
 * A revised plan for the remaining work of a task (`POST /replan`): only the new steps, under
 * new ids (`<id>-r<revision>`), depending on completed steps (whose outputs then reach them) or
 * on earlier new steps. Offline, the revision is derived deterministically from the request;
 * with a model, the remaining work is planned by `planner.plan` and then attached to the
 * completed steps. Throws a 400 AppError when `failure.step_id` names no step of the request,
 * and PlanInvalidError when no valid revision came out.
 */
export async function replan(
  planner: Planner,
  request: ReplanRequest,
  call: PlanCallOptions = {},
): Promise<PlanResponse> {
  const scope = replanScope(request);
  if (!scope) {
    const message = 'must name an unfinished step or a completed step';
    throw new AppError('VALIDATION_FAILED', `Invalid request body: failure.step_id: ${message}`, [
      { field: 'failure.step_id', message },
    ]);
  }
  const completedIds = [...scope.completed.keys()];
  if (planner.mode === 'offline') {
    const draft = replanOffline(request, scope);
    const problems = validateRevision(draft.steps, completedIds, request);
    if (problems.length > 0) throw new PlanInvalidError(problems, 1);
    return {
      ...draft,
      total_estimates: totalEstimates(draft.steps),
      cache: { hit: false, key: replanKey(request, planner) },
      model: planner.model,
      prompt_version: planner.promptVersion,
      usage: { tokens: 0, cost_usd: 0 },
    };
  }

  // `plan.usage` says what the model calls spent (nothing on a cache hit); `call.usage` still
  // accumulates the tokens for callers that count them.
  const plan = await planner.plan(replanPlanRequest(request, scope), call);
  const steps = attach(plan.steps, request, scope);
  const problems = validateRevisionSteps(steps, completedIds, request.arms);
  if (problems.length > 0) throw new PlanInvalidError(problems, 1);
  return { ...plan, steps, total_estimates: totalEstimates(steps) };
}

/**
 * The model's plan as a revision: its steps renamed to revision ids that no completed or
 * unfinished step uses, and its root steps made to depend on the completed steps the remaining
 * work builds on, so their outputs reach the revision.
 */
function attach(
  steps: readonly PlanStep[],
  request: ReplanRequest,
  scope: ReplanScope,
): PlanStep[] {
  const taken = new Set([...scope.completed.keys(), ...request.unfinished.map((s) => s.id)]);
  return renameSteps(steps, request.revision, taken).steps.map((step) =>
    step.depends_on.length === 0 ? { ...step, depends_on: [...scope.anchors] } : step,
  );
}

/** A deterministic key for an offline revision: SHA-256 over the request, keys sorted. */
function replanKey(request: ReplanRequest, planner: Planner): string {
  const material = stableStringify({
    request,
    model: planner.model,
    prompt_version: planner.promptVersion,
  });
  return createHash('sha256')
    .update(material ?? '')
    .digest('hex');
}
