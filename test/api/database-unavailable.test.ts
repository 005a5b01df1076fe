import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { freezeTree, postmasterPid } from '../../chaos/process-faults';
import { DB_DEADLINE_MS } from '../../src/db/prisma-client';
import { useApiOnDatabase } from '../support/api-on-database';
import { insertTask } from '../support/task-rows';

// What the API answers while its PostgreSQL is frozen (SIGSTOP: connections open, no answer).
const system = useApiOnDatabase();

jest.setTimeout(60_000);

const submission = {
  goal: 'Summarise the trade-offs of event sourcing',
  acceptance_criteria: ['names two trade-offs'],
};

test('a frozen database makes reads and submits 503 UPSTREAM_UNAVAILABLE within the deadline, and they work again once it thaws', async () => {
  const id = randomUUID();
  await insertTask(system().db.prisma, id);
  const thaw = freezeTree(postmasterPid(system().db.dataDir));
  try {
    for (const call of [
      () => request(system().api).get(`/tasks/${id}`),
      () => request(system().api).post('/submit').send(submission),
    ]) {
      const started = Date.now();
      const res = await call();
      const ms = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(res.body.error.message).toMatch(/database/);
      // A connection may be waited for, then an answer: never more than both deadlines.
      expect(ms).toBeLessThan(2 * DB_DEADLINE_MS + 2_000);
    }
  } finally {
    thaw();
  }
  const again = await request(system().api).get(`/tasks/${id}`);
  expect(again.status).toBe(200);
  expect(again.body.task_id).toBe(id);
});
