import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { useApiOnDatabase } from '../support/api-on-database';
import { resultViewSchema, taskViewSchema } from '../../src/api/view-schemas';
import { insertCompletedTask, insertStep, insertTask } from '../support/task-rows';

// What GET /tasks/:id shows of a task's spending, on real PostgreSQL.
const system = useApiOnDatabase();

test('GET /tasks/:id shows what the steps spent and what is left of the budget', async () => {
  const id = randomUUID();
  await insertTask(system().db.prisma, id); // budget: $1, 100 tokens
  await insertStep(system().db.prisma, id, {
    stepId: 's1',
    position: 0,
    tokens: 30,
    costUsd: 0.25,
  });
  await insertStep(system().db.prisma, id, { stepId: 's2', position: 1, tokens: 45, costUsd: 0.5 });
  await insertStep(system().db.prisma, id, { stepId: 's3', position: 2 });
  const res = await request(system().api).get(`/tasks/${id}`);
  expect(res.status).toBe(200);
  const none = { tokens: 0, cost_usd: 0 };
  expect(res.body.usage).toEqual({
    spent: { tokens: 75, cost_usd: 0.75 },
    reserved: none,
    planning: none,
    remaining: { tokens: 25, cost_usd: 0.25 },
  });
  expect(res.body.steps.map((s: { usage: unknown }) => s.usage)).toEqual([
    { tokens: 30, cost_usd: 0.25 },
    { tokens: 45, cost_usd: 0.5 },
    { tokens: 0, cost_usd: 0 },
  ]);

  // Overspent (a step's usage is only known once it has run): nothing left, never negative.
  await insertStep(system().db.prisma, id, { stepId: 's4', position: 3, tokens: 40, costUsd: 0.5 });
  const over = await request(system().api).get(`/tasks/${id}`);
  expect(over.body.usage).toEqual({
    spent: { tokens: 115, cost_usd: 1.25 },
    reserved: none,
    planning: none,
    remaining: none,
  });
});

test('GET /tasks/:id counts planning in what was spent, and running steps in what is reserved', async () => {
  const id = randomUUID();
  await insertTask(system().db.prisma, id); // budget: $1, 100 tokens
  await system().db.prisma.task.update({
    where: { id },
    data: { planningTokens: 10, planningCostUsd: 0.1 },
  });
  await insertStep(system().db.prisma, id, {
    stepId: 's1',
    status: 'completed',
    tokens: 20,
    costUsd: 0.2,
  });
  await insertStep(system().db.prisma, id, {
    stepId: 's2',
    position: 1,
    status: 'running',
    reservedTokens: 30,
    reservedCostUsd: 0.3,
  });
  const res = await request(system().api).get(`/tasks/${id}`);
  expect(res.body.usage).toEqual({
    spent: { tokens: 30, cost_usd: 0.3 },
    reserved: { tokens: 30, cost_usd: 0.3 },
    planning: { tokens: 10, cost_usd: 0.1 },
    remaining: { tokens: 40, cost_usd: 0.4 },
  });
  expect(res.body.steps[1].reserved).toEqual({ tokens: 30, cost_usd: 0.3 });
});

test('the task and results views are exactly what /openapi.json documents', async () => {
  const id = randomUUID();
  const prisma = system().db.prisma;
  await insertCompletedTask(prisma, id);
  await prisma.planRevision.create({
    data: { taskId: id, revision: 1, reason: 'r', failedStepId: 's1', stepIds: ['s1-r1'] },
  });
  // Strict schemas: a field the documentation does not name fails the parse.
  taskViewSchema.parse((await request(system().api).get(`/tasks/${id}`)).body);
  resultViewSchema.parse((await request(system().api).get(`/tasks/${id}/results`)).body);
});
