import type { PlanStep, ReplanRequest } from '../../shared/plan';
import { ARM_REGISTRY } from './arm-registry';

/** What a revision has to redo, read from a replan request. */
export interface ReplanScope {
  /** Completed steps by id. */
  completed: ReadonlyMap<string, PlanStep>;
  /** The failed step when it is among the unfinished ones. */
  failedStep?: PlanStep;
  /** The completed step whose verdict failed (usually the final judge). */
  verdict?: PlanStep;
  /**
   * Completed steps whose outputs the revision must redo: for a failed verdict on a checking arm,
   * the steps it checked; for a failed verdict on any other arm, that step itself.
   */
  producers: PlanStep[];
  /**
   * Completed checking steps (judge, guardian) between the verdict and its producers, such as the
   * safety screen a final judge relied on: they checked outputs that are now being redone.
   */
  checks: PlanStep[];
  /**
   * Completed steps whose outputs the remaining work starts from: the producers, and the
   * completed dependencies of the unfinished steps. In plan order.
   */
  anchors: string[];
}

/** True for arms that check other steps' outputs rather than produce their own. */
export function isCheckingArm(step: PlanStep): boolean {
  return ARM_REGISTRY[step.arm].needsInputs;
}

/**
 * Where the failure sits and which completed work the revision builds on. Returns undefined
 * when `failure.step_id` is neither an unfinished nor a completed step.
 */
export function replanScope(request: ReplanRequest): ReplanScope | undefined {
  const order = new Map(request.completed.map((c, index) => [c.step.id, index]));
  const completed = new Map(request.completed.map((c) => [c.step.id, c.step]));
  const byPlanOrder = (a: PlanStep, b: PlanStep) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0);
  const { step_id: failedId } = request.failure;
  const failedStep = request.unfinished.find((s) => s.id === failedId);
  const verdict = failedStep ? undefined : completed.get(failedId);
  if (!failedStep && !verdict) return undefined;

  const producers = new Map<string, PlanStep>();
  const checks = new Map<string, PlanStep>();
  if (verdict && !isCheckingArm(verdict)) producers.set(verdict.id, verdict);
  else if (verdict) {
    // Walk down through checking steps to the steps that produced what was checked.
    const visit = (ids: readonly string[]) => {
      for (const id of ids) {
        const step = completed.get(id);
        if (!step || producers.has(id) || checks.has(id)) continue;
        if (isCheckingArm(step)) {
          checks.set(id, step);
          visit(step.depends_on);
        } else producers.set(id, step);
      }
    };
    visit(verdict.depends_on);
  }
  const anchors = new Map(producers);
  for (const step of request.unfinished) {
    for (const dep of step.depends_on) {
      const kept = completed.get(dep);
      if (kept && dep !== verdict?.id) anchors.set(dep, kept);
    }
  }
  return {
    completed,
    failedStep,
    verdict,
    producers: [...producers.values()].sort(byPlanOrder),
    checks: [...checks.values()].sort(byPlanOrder),
    anchors: [...anchors.values()].sort(byPlanOrder).map((s) => s.id),
  };
}
