import { planRequestSchema, type PlanRequest, type ReplanRequest } from '../../shared/plan';
import { quote } from './offline-templates';
import type { ReplanScope } from './replan-scope';

/**
 * Turns a replan request into an ordinary planning request for the model: the goal becomes the
 * remaining work, and the constraints say what completed (id, arm, action, summary), what
 * failed and which criteria are unmet, so a model that only knows `POST /plan` plans just the
 * rest. Step outputs are never inlined: they can be large or stored by reference, and the
 * revision receives them through its dependencies instead. The facts go into the goal and
 * constraints, not only the context, because those make the plan cache key: a different
 * failure must not reuse another revision's plan.
 */
export function replanPlanRequest(request: ReplanRequest, scope: ReplanScope): PlanRequest {
  const { failure, revision } = request;
  const completed = request.completed.map(
    ({ step, summary }) =>
      `Step ${step.id} (${step.arm}) is complete and must not be redone: ${quote(step.action, 200)}` +
      (summary ? `; its result: ${quote(summary, 300)}` : ''),
  );
  const unmet = failure.unmet_criteria.map((c) => quote(c, 300)).join('; ');
  const failed = scope.failedStep
    ? `Step ${failure.step_id} (${scope.failedStep.arm}) failed for good: ${quote(failure.reason, 300)}; ` +
      `plan a different way to do ${quote(scope.failedStep.action, 300)}`
    : `The check in step ${failure.step_id} failed: ${quote(failure.reason, 300)}` +
      (unmet ? `; unmet criteria: ${unmet}` : '') +
      (scope.producers.length > 0
        ? `; revise the outputs of ${scope.producers.map((s) => s.id).join(', ')}`
        : '');
  const unfinished = request.unfinished.map(
    (s) => `Step ${s.id} (${s.arm}) did not complete: ${quote(s.action, 200)}`,
  );
  // Parsed rather than built as a literal, so fields the request schema defaults stay defaulted.
  return planRequestSchema.parse({
    goal:
      `Revision ${revision}: plan only the remaining work of this goal, building on the ` +
      `completed steps' outputs: ${request.goal}`,
    constraints: [
      ...request.constraints,
      failed,
      ...unfinished,
      ...completed,
      "The completed steps' outputs reach the new steps as their inputs; do not repeat that work.",
    ],
    acceptance_criteria: [...new Set([...failure.unmet_criteria, ...request.acceptance_criteria])],
    context: {
      ...request.context,
      revision: {
        number: revision,
        failure,
        completed: request.completed.map(({ step, summary }) => ({
          id: step.id,
          arm: step.arm,
          action: step.action,
          ...(summary ? { summary } : {}),
        })),
        unfinished: request.unfinished.map((s) => ({ id: s.id, arm: s.arm, action: s.action })),
      },
    },
    budget: request.budget,
    ...(request.grant ? { grant: request.grant } : {}),
    arms: request.arms,
  });
}
