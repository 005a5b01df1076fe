import type { PlanRevision, PlanStep, Task, TaskResult } from '../generated/prisma/client';
import { isOutputRef } from '../shared/output-ref';

/** The links a client follows from a task: `self`, then one per sub-route. */
export const TASK_LINKS = [
  'self',
  'results',
  'cancel',
  'pause',
  'resume',
  'approve',
  'reject',
  'budget',
] as const;

/** Links a client follows from a task. */
export function taskLinks(id: string): Record<(typeof TASK_LINKS)[number], string> {
  const base = `/tasks/${id}`;
  return Object.fromEntries(
    TASK_LINKS.map((name) => [name, name === 'self' ? base : `${base}/${name}`]),
  ) as Record<(typeof TASK_LINKS)[number], string>;
}

/** A task row, with its steps, as the API shows it (snake_case, like the request). */
export function toTaskView(
  task: Task & { steps: Omit<PlanStep, 'output'>[]; revisions?: PlanRevision[] },
) {
  return {
    task_id: task.id,
    status: task.status,
    goal: task.goal,
    constraints: task.constraints,
    context: task.context,
    acceptance_criteria: task.acceptanceCriteria,
    priority: task.priority,
    require_approval: task.requireApproval,
    approval_timeout_seconds: task.approvalTimeoutSeconds,
    budget: {
      max_cost_usd: task.budgetMaxCostUsd,
      max_time_seconds: task.budgetMaxTimeSeconds,
      max_tokens: task.budgetMaxTokens,
    },
    usage: usageOf(task),
    error: task.error,
    blocked_reason: task.blockedReason,
    workflow_id: task.workflowId,
    run_id: task.runId,
    created_at: task.createdAt,
    updated_at: task.updatedAt,
    started_at: task.startedAt,
    completed_at: task.completedAt,
    max_replans: task.maxReplans,
    steps: task.steps.map(toStepView),
    /** Each revision of the plan: why, and the steps it added (their `revision` says so too). */
    plan_revisions: (task.revisions ?? []).map((r) => ({
      revision: r.revision,
      reason: r.reason,
      failed_step_id: r.failedStepId,
      steps: r.stepIds,
      created_at: r.createdAt,
    })),
    links: taskLinks(task.id),
  };
}

/**
 * The task's budget ledger as the projection has it: what planning and the steps have spent
 * (every attempt's model usage), what planning and the running steps have reserved for calls in
 * flight, and what is left of the token and cost budget after both (never below 0).
 */
function usageOf(
  task: Task & {
    steps: Pick<PlanStep, 'tokens' | 'costUsd' | 'reservedTokens' | 'reservedCostUsd'>[];
  },
) {
  const sum = (pick: (s: (typeof task.steps)[number]) => number) =>
    task.steps.reduce((total, s) => total + pick(s), 0);
  const spent = {
    tokens: task.planningTokens + sum((s) => s.tokens),
    costUsd: task.planningCostUsd + sum((s) => s.costUsd),
  };
  const reserved = {
    tokens: task.reservedTokens + sum((s) => s.reservedTokens),
    costUsd: task.reservedCostUsd + sum((s) => s.reservedCostUsd),
  };
  return {
    spent: { tokens: spent.tokens, cost_usd: round6(spent.costUsd) },
    reserved: { tokens: reserved.tokens, cost_usd: round6(reserved.costUsd) },
    planning: { tokens: task.planningTokens, cost_usd: round6(task.planningCostUsd) },
    remaining: {
      tokens: Math.max(0, task.budgetMaxTokens - spent.tokens - reserved.tokens),
      cost_usd: round6(Math.max(0, task.budgetMaxCostUsd - spent.costUsd - reserved.costUsd)),
    },
  };
}

const round6 = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** A plan step without its output (outputs can be large: they are under `/results`). */
export function toStepView(step: Omit<PlanStep, 'output'>) {
  return {
    id: step.stepId,
    action: step.action,
    arm: step.arm,
    acceptance_criteria: step.acceptanceCriteria,
    depends_on: step.dependsOn,
    revision: step.revision,
    status: step.status,
    summary: step.summary,
    error: step.error,
    attempts: step.attempts,
    served_by: step.servedBy,
    usage: { tokens: step.tokens, cost_usd: step.costUsd },
    reserved: { tokens: step.reservedTokens, cost_usd: step.reservedCostUsd },
    started_at: step.startedAt,
    completed_at: step.completedAt,
  };
}

/**
 * Replaces references to stored step outputs (large outputs are passed by reference, see
 * src/shared/output-ref.ts) with the outputs themselves, taken from the task's steps.
 */
function resolveRefs(value: unknown, steps: PlanStep[]): unknown {
  if (isOutputRef(value)) return steps.find((s) => s.stepId === value.step_id)?.output ?? null;
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, steps));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, steps)]));
  }
  return value;
}

/** A task's result, with every step's output. */
export function toResultView(task: Task & { steps: PlanStep[]; result: TaskResult | null }) {
  return {
    task_id: task.id,
    status: task.status,
    error: task.error,
    blocked_reason: task.blockedReason,
    result: task.result && {
      output: resolveRefs(task.result.output, task.steps),
      summary: task.result.summary,
      confidence: task.result.confidence,
      usage: { tokens: task.result.tokens, cost_usd: task.result.costUsd },
      created_at: task.result.createdAt,
    },
    steps: task.steps.map((step) => ({ ...toStepView(step), output: step.output })),
  };
}
