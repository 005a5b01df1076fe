import { randomUUID } from 'node:crypto';
import { LOCAL_TENANT } from '../../src/api/api-keys';
import type { PrismaClient } from '../../src/db/prisma-client';

/** A task's or document's tenant by name (default `local`), created if new. */
export function tenantNamed(name: string = LOCAL_TENANT) {
  return { connectOrCreate: { where: { name }, create: { id: randomUUID(), name } } };
}

/** Inserts a task row directly, as the API would after `POST /submit`. */
export async function insertTask(
  prisma: PrismaClient,
  id: string,
  overrides: { status?: string; goal?: string; tenant?: string } = {},
): Promise<void> {
  await prisma.task.create({
    data: {
      id,
      tenant: tenantNamed(overrides.tenant),
      goal: overrides.goal ?? 'a test task',
      constraints: [],
      context: {},
      acceptanceCriteria: [],
      priority: 'medium',
      budgetMaxCostUsd: 1,
      budgetMaxTimeSeconds: 60,
      budgetMaxTokens: 100,
      status: overrides.status ?? 'running',
      workflowId: `task-${id}`,
    },
  });
}

/** Inserts one plan step of a task directly, as the workflow's plan write would. */
export async function insertStep(
  prisma: PrismaClient,
  taskId: string,
  overrides: {
    stepId?: string;
    position?: number;
    status?: string;
    output?: object;
    tokens?: number;
    costUsd?: number;
    reservedTokens?: number;
    reservedCostUsd?: number;
  } = {},
): Promise<void> {
  await prisma.planStep.create({
    data: {
      taskId,
      stepId: overrides.stepId ?? 's1',
      position: overrides.position ?? 0,
      tokens: overrides.tokens ?? 0,
      costUsd: overrides.costUsd ?? 0,
      reservedTokens: overrides.reservedTokens ?? 0,
      reservedCostUsd: overrides.reservedCostUsd ?? 0,
      action: 'a',
      arm: 'coder',
      acceptanceCriteria: [],
      dependsOn: [],
      status: overrides.status ?? 'waiting',
      ...(overrides.output ? { output: overrides.output } : {}),
    },
  });
}

/** A completed task with one completed step (output `{text: 'x'}`) and its result. */
export async function insertCompletedTask(prisma: PrismaClient, id: string): Promise<void> {
  await insertTask(prisma, id, { status: 'completed' });
  await insertStep(prisma, id, { stepId: 's1', status: 'completed', output: { text: 'x' } });
  await prisma.taskResult.create({
    data: { taskId: id, output: { final: 'x' }, summary: 's', tokens: 1, costUsd: 0 },
  });
}
