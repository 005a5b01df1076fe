import type { PrismaClient } from '../../src/db/prisma-client';

/** Inserts a task row directly, as the API would after `POST /submit`. */
export async function insertTask(
  prisma: PrismaClient,
  id: string,
  overrides: { status?: string; goal?: string } = {},
): Promise<void> {
  await prisma.task.create({
    data: {
      id,
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
