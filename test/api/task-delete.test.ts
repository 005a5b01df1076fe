import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { useApiOnDatabase } from '../support/api-on-database';
import { insertCompletedTask, insertTask } from '../support/task-rows';

// DELETE /tasks/:id on real PostgreSQL, with Temporal unreachable.
const system = useApiOnDatabase();

test('a task that has ended is purged: its row, steps and result', async () => {
  const id = randomUUID();
  const prisma = system().db.prisma;
  await insertCompletedTask(prisma, id);
  await request(system().api).delete(`/tasks/${id}`).expect(204);
  expect(await prisma.task.count({ where: { id } })).toBe(0);
  expect(await prisma.planStep.count({ where: { taskId: id } })).toBe(0);
  expect(await prisma.taskResult.count({ where: { taskId: id } })).toBe(0);
  await request(system().api).get(`/tasks/${id}`).expect(404);
});

test('a running task is not deleted while Temporal cannot cancel it: 503, nothing lost', async () => {
  const id = randomUUID();
  await insertTask(system().db.prisma, id, { status: 'running' });
  await system().db.prisma.task.update({ where: { id }, data: { workflowStarted: true } });
  const res = await request(system().api).delete(`/tasks/${id}`);
  expect(res.status).toBe(503);
  expect(res.body.error.message).toMatch(/the task was not deleted/);
  expect(await system().db.prisma.task.count({ where: { id } })).toBe(1);
}, 30_000);

test('an unknown task is a 404, a malformed id a 400', async () => {
  await request(system().api).delete(`/tasks/${randomUUID()}`).expect(404);
  const bad = await request(system().api).delete('/tasks/x');
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].field).toBe('id');
});
