import { randomUUID } from 'node:crypto';

import { Prisma } from '../../src/generated/prisma/client';
import { tenantNamed } from '../support/task-rows';
import { startTestDatabase, type TestDatabase } from './start-test-database';

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
});

afterAll(async () => {
  await db?.stop();
});

function newTask(overrides: Partial<Prisma.TaskCreateInput> = {}): Prisma.TaskCreateInput {
  const id = randomUUID();
  return {
    id,
    tenant: tenantNamed(),
    goal: 'Summarise the trade-offs of event sourcing',
    constraints: ['no external calls', 'under 200 words'],
    context: { audience: 'engineers', depth: { level: 2, notes: null } },
    acceptanceCriteria: ['summary is non-empty'],
    priority: 'high',
    budgetMaxCostUsd: 0.5,
    budgetMaxTimeSeconds: 300,
    budgetMaxTokens: 20_000,
    status: 'pending',
    workflowId: `task-${id}`,
    ...overrides,
  };
}

function planStep(stepId: string, position: number, dependsOn: string[] = []) {
  return {
    stepId,
    position,
    action: `do ${stepId}`,
    arm: 'retriever',
    acceptanceCriteria: [`${stepId} done`],
    dependsOn,
    status: 'waiting',
  };
}

describe('Task', () => {
  it('round-trips every column, jsonb values included, with database defaults', async () => {
    const input = newTask();
    const created = await db.prisma.task.create({ data: input });

    const read = await db.prisma.task.findUniqueOrThrow({ where: { id: input.id } });
    expect(read).toEqual(created);
    expect(read).toMatchObject({
      constraints: ['no external calls', 'under 200 words'],
      context: { audience: 'engineers', depth: { level: 2, notes: null } },
      acceptanceCriteria: ['summary is non-empty'],
      budgetMaxCostUsd: 0.5,
      error: null,
      blockedReason: null,
      runId: null,
      startedAt: null,
      completedAt: null,
    });
    expect(read.createdAt).toBeInstanceOf(Date);
    expect(read.updatedAt).toBeInstanceOf(Date);
  });

  it('updates status fields and bumps updatedAt', async () => {
    const task = await db.prisma.task.create({ data: newTask() });
    const startedAt = new Date('2026-01-02T03:04:05.678Z');
    await new Promise((resolve) => setTimeout(resolve, 5));

    const updated = await db.prisma.task.update({
      where: { workflowId: task.workflowId },
      data: { status: 'blocked', blockedReason: 'prompt injection', runId: 'run-1', startedAt },
    });

    expect(updated).toMatchObject({ status: 'blocked', blockedReason: 'prompt injection' });
    expect(updated.startedAt).toEqual(startedAt);
    expect(updated.updatedAt.getTime()).toBeGreaterThan(task.updatedAt.getTime());
  });

  it('rejects a second task with the same workflowId (P2002)', async () => {
    const first = await db.prisma.task.create({ data: newTask() });
    const duplicate = db.prisma.task.create({ data: newTask({ workflowId: first.workflowId }) });
    await expect(duplicate).rejects.toMatchObject({ code: 'P2002' });
  });

  it('filters by status and orders by createdAt (the indexed listing query)', async () => {
    const marker = randomUUID();
    for (const status of ['running', 'completed', 'running']) {
      await db.prisma.task.create({ data: newTask({ status, goal: marker }) });
    }
    const running = await db.prisma.task.findMany({
      where: { status: 'running', goal: marker },
      orderBy: { createdAt: 'desc' },
    });
    expect(running).toHaveLength(2);
    expect(running[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(running[1]!.createdAt.getTime());
  });
});

describe('PlanStep', () => {
  it('creates steps under a task with autoincrement bigint ids and defaults', async () => {
    const task = await db.prisma.task.create({
      data: newTask({
        steps: { create: [planStep('s1', 0), planStep('s2', 1, ['s1'])] },
      }),
      include: { steps: { orderBy: { position: 'asc' } } },
    });

    const [s1, s2] = task.steps;
    expect(typeof s1!.id).toBe('bigint');
    expect(s2!.id).toBeGreaterThan(s1!.id);
    expect(s2).toMatchObject({
      taskId: task.id,
      stepId: 's2',
      dependsOn: ['s1'],
      acceptanceCriteria: ['s2 done'],
      status: 'waiting',
      output: null,
      summary: null,
      error: null,
      attempts: 0,
      tokens: 0,
      costUsd: 0,
      startedAt: null,
      completedAt: null,
    });
  });

  it('records progress through the (taskId, stepId) unique key, including jsonb output', async () => {
    const task = await db.prisma.task.create({
      data: newTask({ steps: { create: [planStep('s1', 0)] } }),
    });
    const key = { taskId_stepId: { taskId: task.id, stepId: 's1' } };

    await db.prisma.planStep.update({
      where: key,
      data: { status: 'running', attempts: { increment: 1 }, startedAt: new Date() },
    });
    const done = await db.prisma.planStep.update({
      where: key,
      data: {
        status: 'completed',
        output: { text: 'findings', sources: [{ url: 'https://example.org', score: 0.9 }] },
        summary: 'found two sources',
        tokens: { increment: 1234 },
        costUsd: { increment: 0.0123 },
        completedAt: new Date(),
      },
    });

    expect(done).toMatchObject({
      status: 'completed',
      attempts: 1,
      tokens: 1234,
      costUsd: 0.0123,
      output: { text: 'findings', sources: [{ url: 'https://example.org', score: 0.9 }] },
    });

    const cleared = await db.prisma.planStep.update({
      where: key,
      data: { output: Prisma.DbNull },
    });
    expect(cleared.output).toBeNull();
  });

  it('rejects a duplicate stepId within a task but allows it in another task', async () => {
    const a = await db.prisma.task.create({
      data: newTask({ steps: { create: [planStep('s1', 0)] } }),
    });
    await expect(
      db.prisma.planStep.create({ data: { ...planStep('s1', 1), taskId: a.id } }),
    ).rejects.toMatchObject({ code: 'P2002' });

    const b = await db.prisma.task.create({ data: newTask() });
    await expect(
      db.prisma.planStep.create({ data: { ...planStep('s1', 0), taskId: b.id } }),
    ).resolves.toMatchObject({ taskId: b.id, stepId: 's1' });
  });

  it('refuses a step for a task that does not exist (foreign key)', async () => {
    await expect(
      db.prisma.planStep.create({ data: { ...planStep('s1', 0), taskId: randomUUID() } }),
    ).rejects.toMatchObject({ code: 'P2003' });
  });
});

describe('TaskResult', () => {
  it('stores one result per task, readable through the relation', async () => {
    const task = await db.prisma.task.create({ data: newTask({ status: 'completed' }) });
    await db.prisma.taskResult.create({
      data: {
        taskId: task.id,
        output: { answer: 'Event sourcing trades simplicity for auditability.', steps: 3 },
        summary: 'done',
        confidence: 0.82,
        tokens: 4321,
        costUsd: 0.042,
      },
    });

    const read = await db.prisma.task.findUniqueOrThrow({
      where: { id: task.id },
      include: { result: true },
    });
    expect(read.result).toMatchObject({
      taskId: task.id,
      output: { answer: 'Event sourcing trades simplicity for auditability.', steps: 3 },
      confidence: 0.82,
      tokens: 4321,
      costUsd: 0.042,
    });
    expect(read.result!.createdAt).toBeInstanceOf(Date);

    const updated = await db.prisma.taskResult.update({
      where: { taskId: task.id },
      data: { confidence: null, summary: 'revised' },
    });
    expect(updated).toMatchObject({ confidence: null, summary: 'revised' });

    await expect(
      db.prisma.taskResult.create({
        data: { taskId: task.id, output: {}, summary: 'again', tokens: 0, costUsd: 0 },
      }),
    ).rejects.toMatchObject({ code: 'P2002' });
  });
});

describe('deleting a task', () => {
  it('cascades to its plan steps and result, and leaves other tasks alone', async () => {
    const doomed = await db.prisma.task.create({
      data: newTask({
        steps: { create: [planStep('s1', 0), planStep('s2', 1)] },
        result: { create: { output: { ok: true }, summary: 's', tokens: 1, costUsd: 0 } },
      }),
    });
    const kept = await db.prisma.task.create({
      data: newTask({ steps: { create: [planStep('s1', 0)] } }),
    });

    await db.prisma.task.delete({ where: { id: doomed.id } });

    expect(await db.prisma.planStep.count({ where: { taskId: doomed.id } })).toBe(0);
    expect(await db.prisma.taskResult.findUnique({ where: { taskId: doomed.id } })).toBeNull();
    expect(await db.prisma.planStep.count({ where: { taskId: kept.id } })).toBe(1);
  });
});
