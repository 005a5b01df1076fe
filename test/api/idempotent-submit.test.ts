import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { useApiOnDatabase } from '../support/api-on-database';

// POST /submit with an Idempotency-Key, on real PostgreSQL (Temporal down: the tasks wait for
// their workflow, which is what a client retrying after a timeout may well see).
const system = useApiOnDatabase();

const task = { goal: 'Summarise the news', context: { region: 'EU', topic: 'energy' } };
const submit = (key: string | undefined, body: object) => {
  const req = request(system().api).post('/submit');
  return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
};
const rows = (key: string) => system().db.prisma.task.count({ where: { idempotencyKey: key } });

test('the same key with the same body returns the same task, once stored', async () => {
  const key = `retry-${randomUUID()}`;
  const first = await submit(key, task);
  expect(first.status).toBe(202);
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  // Key order in objects does not make it another request.
  const again = await submit(key, { context: { topic: 'energy', region: 'EU' }, goal: task.goal });
  expect(again.status).toBe(200);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.headers.location).toBe(`/tasks/${first.body.task_id}`);
  expect(again.body).toMatchObject({
    task_id: first.body.task_id,
    workflow_id: first.body.workflow_id,
    status: 'pending',
  });
  expect(await rows(key)).toBe(1);
});

test('the same key with another body is a 409 and changes nothing', async () => {
  const key = `retry-${randomUUID()}`;
  const first = await submit(key, task);
  const other = await submit(key, { ...task, priority: 'critical' });
  expect(other.status).toBe(409);
  expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  expect(other.body.error.message).toContain(first.body.task_id);
  const row = await system().db.prisma.task.findUniqueOrThrow({
    where: { id: first.body.task_id },
  });
  expect(row.priority).toBe('medium');
  expect(await rows(key)).toBe(1);
});

test('requests racing with one key store one task; the others get it', async () => {
  const key = `race-${randomUUID()}`;
  const replies = await Promise.all(Array.from({ length: 8 }, () => submit(key, task)));
  expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 202]);
  expect(new Set(replies.map((r) => r.body.task_id)).size).toBe(1);
  expect(await rows(key)).toBe(1);
});

test('different keys, or none, are different tasks', async () => {
  const [a, b, none1, none2] = await Promise.all([
    submit(`k-${randomUUID()}`, task),
    submit(`k-${randomUUID()}`, task),
    submit(undefined, task),
    submit(undefined, task),
  ]);
  expect([a, b, none1, none2].map((r) => r.status)).toEqual([202, 202, 202, 202]);
  expect(new Set([a, b, none1, none2].map((r) => r.body.task_id)).size).toBe(4);
});

test('a malformed key is a 400 naming the header, and nothing is stored', async () => {
  const before = await system().db.prisma.task.count();
  for (const key of ['has space', 'x'.repeat(256), 'naïve']) {
    const res = await submit(key, task);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { field: 'Idempotency-Key', message: expect.stringContaining('visible ASCII') },
    ]);
  }
  expect(await system().db.prisma.task.count()).toBe(before);
});
