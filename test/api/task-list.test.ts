import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ensureTenant, LOCAL_TENANT } from '../../src/api/api-keys';
import { taskListSchema } from '../../src/api/view-schemas';
import { useApiOnDatabase } from '../support/api-on-database';

// GET /tasks on real PostgreSQL: keyset pages, filters and their validation.
const system = useApiOnDatabase();

/** Inserts tasks created at the given times, several sharing a millisecond. */
async function insertTasks(times: Date[], extra: { status?: string; priority?: string } = {}) {
  // The API runs with AUTH=off: its requests act for the tenant `local`.
  const tenant = await ensureTenant(system().db.prisma, LOCAL_TENANT);
  const rows = times.map((createdAt) => {
    const id = randomUUID();
    return {
      id,
      tenantId: tenant.id,
      goal: 'a listed task',
      constraints: [],
      context: {},
      acceptanceCriteria: [],
      priority: extra.priority ?? 'medium',
      budgetMaxCostUsd: 1,
      budgetMaxTimeSeconds: 60,
      budgetMaxTokens: 100,
      status: extra.status ?? 'completed',
      workflowId: `task-${id}`,
      createdAt,
    };
  });
  await system().db.prisma.task.createMany({ data: rows });
  return rows.map((r): string => r.id);
}

interface Page {
  tasks: { task_id: string; created_at: string; status: string; priority: string }[];
  next_cursor: string | null;
}

test('pages through 250 tasks, newest first, with no duplicate or gap while new ones arrive', async () => {
  const base = Date.parse('2026-11-01T00:00:00Z');
  // Three tasks per millisecond: the id breaks ties, so a page may end inside a millisecond.
  const listed = new Set(
    await insertTasks(Array.from({ length: 250 }, (_, i) => new Date(base + Math.floor(i / 3)))),
  );
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await request(system().api)
      .get('/tasks')
      .query({ limit: 40, ...(cursor ? { cursor } : {}) })
      .expect(200);
    const page = res.body as Page;
    seen.push(...page.tasks.map((t) => t.task_id).filter((id) => listed.has(id)));
    cursor = page.next_cursor;
    pages += 1;
    // Submitted while the client pages: newer than every listed task, so they never shift a page.
    await insertTasks([new Date(), new Date()]);
  } while (cursor);
  expect(pages).toBeGreaterThanOrEqual(7);
  expect(seen).toHaveLength(250);
  expect(new Set(seen).size).toBe(250);
});

test('a page is newest first, and the last page has no next cursor', async () => {
  const times = ['2020-01-01T00:00:01Z', '2020-01-01T00:00:03Z', '2020-01-01T00:00:02Z'];
  await insertTasks(
    times.map((t) => new Date(t)),
    { priority: 'critical' },
  );
  const res = await request(system().api).get('/tasks?priority=critical&limit=10').expect(200);
  const page = taskListSchema.parse(res.body) as Page; // exactly as documented
  expect(page.tasks.map((t) => t.created_at)).toEqual([
    '2020-01-01T00:00:03.000Z',
    '2020-01-01T00:00:02.000Z',
    '2020-01-01T00:00:01.000Z',
  ]);
  expect(page.next_cursor).toBeNull();
});

test('filters by status, priority and creation time', async () => {
  const [failedHigh] = await insertTasks([new Date('2030-01-01T00:00:00Z')], {
    status: 'failed',
    priority: 'high',
  });
  await insertTasks([new Date('2030-01-01T00:00:00Z')], { status: 'failed', priority: 'low' });
  await insertTasks([new Date('2019-01-01T00:00:00Z')], { status: 'failed', priority: 'high' });
  const res = await request(system().api)
    .get('/tasks')
    .query({ status: 'failed', priority: 'high', created_after: '2029-12-31T00:00:00Z' })
    .expect(200);
  expect((res.body as Page).tasks.map((t) => t.task_id)).toEqual([failedHigh]);
});

test.each([
  ['limit=0', 'limit'],
  ['limit=101', 'limit'],
  ['limit=ten', 'limit'],
  ['status=done', 'status'],
  ['priority=urgent', 'priority'],
  ['created_after=yesterday', 'created_after'],
  ['cursor=not-a-cursor', 'cursor'],
  [`cursor=${Buffer.from('[1,"x"]').toString('base64url')}`, 'cursor'],
  ['colour=blue', ''],
])('GET /tasks?%s is a 400 naming the field', async (query, field) => {
  const res = await request(system().api).get(`/tasks?${query}`);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_FAILED');
  expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
});
