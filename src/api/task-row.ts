import type { Prisma, Task } from '../generated/prisma/client';
import { blockedReason } from '../shared/screening-reason';
import type { Priority, TaskSpec } from '../shared/task';
import { workflowIdFor } from '../workflows/definitions';

/**
 * A submitted task as its row stores it, once screened: the row holds the whole (screened,
 * maybe redacted) submission, so the workflow can be started from it later ({@link specOf}).
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
    inputScreened: true,
  };
}

/**
 * A task whose input screening blocked: no text of it at all, only the screening categories.
 * It has ended, and no workflow is ever started for it.
 */
export function blockedTaskRowFor(
  id: string,
  tenantId: string,
  spec: TaskSpec,
  categories: string,
  idempotency?: { key: string; requestHash: string },
): Prisma.TaskCreateManyInput {
  const now = new Date();
  return {
    ...taskRowFor(
      id,
      tenantId,
      { ...spec, goal: '', constraints: [], acceptance_criteria: [], context: {} },
      idempotency,
    ),
    status: 'blocked',
    blockedReason: blockedReason('task input', categories),
    workflowStarted: true,
    startedAt: now,
    completedAt: now,
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
