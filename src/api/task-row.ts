import type { Prisma, Task } from '../generated/prisma/client';
import type { Priority, TaskSpec } from '../shared/task';
import { workflowIdFor } from '../workflows/definitions';

/**
 * A submitted task as its row stores it. The row holds the whole submission, so the workflow
 * can be started from it later ({@link specOf}).
 */
export function taskRowFor(
  id: string,
  tenantId: string,
  spec: TaskSpec,
  idempotency?: { key: string; requestHash: string },
): Prisma.TaskCreateManyInput {
  return {
    id,
    tenantId,
    goal: spec.goal,
    constraints: spec.constraints,
    context: spec.context as object,
    acceptanceCriteria: spec.acceptance_criteria,
    priority: spec.priority,
    budgetMaxCostUsd: spec.budget.max_cost_usd,
    budgetMaxTimeSeconds: spec.budget.max_time_seconds,
    budgetMaxTokens: spec.budget.max_tokens,
    requireApproval: spec.require_approval ?? false,
    approvalTimeoutSeconds: spec.approval_timeout_seconds,
    maxReplans: spec.max_replans,
    status: 'pending',
    workflowId: workflowIdFor(id),
    idempotencyKey: idempotency?.key,
    requestHash: idempotency?.requestHash,
  };
}

/** The submission a row stores: the workflow's input, as {@link taskRowFor} wrote it. */
export function specOf(task: Task): TaskSpec {
  return {
    goal: task.goal,
    constraints: task.constraints as string[],
    context: task.context as Record<string, unknown>,
    acceptance_criteria: task.acceptanceCriteria as string[],
    priority: task.priority as Priority,
    budget: {
      max_cost_usd: task.budgetMaxCostUsd,
      max_time_seconds: task.budgetMaxTimeSeconds,
      max_tokens: task.budgetMaxTokens,
    },
    ...(task.requireApproval ? { require_approval: true } : {}),
    ...(task.approvalTimeoutSeconds !== null
      ? { approval_timeout_seconds: task.approvalTimeoutSeconds }
      : {}),
    ...(task.maxReplans !== null ? { max_replans: task.maxReplans } : {}),
  };
}
