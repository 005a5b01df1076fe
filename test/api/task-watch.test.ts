import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startApiOnDatabase, type ApiOnDatabase } from '../support/api-on-database';
import { insertStep, insertTask } from '../support/task-rows';

// GET /tasks/:id as a conditional GET and a watch (?wait=), on real PostgreSQL, with the
// listener (announced changes) and without it (re-reads every second).
describe.each([
  ['with change announcements', true],
  ['without change announcements', false],
])('GET /tasks/:id?wait= %s', (_name, taskChanges) => {
  let system: ApiOnDatabase;

  beforeAll(async () => {
    system = await startApiOnDatabase({ taskChanges });
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  const setStatus = (id: string, status: string) =>
    system.db.prisma.task.update({ where: { id }, data: { status } });

  test('a view has an ETag; If-None-Match with it is a 304 at once without wait', async () => {
    const id = randomUUID();
    await insertTask(system.db.prisma, id);
    const first = await request(system.api).get(`/tasks/${id}`);
    expect(first.status).toBe(200);
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
    const again = await request(system.api)
      .get(`/tasks/${id}`)
      .set('if-none-match', first.headers.etag!);
    expect(again.status).toBe(304);
    await setStatus(id, 'completed');
    const changed = await request(system.api)
      .get(`/tasks/${id}`)
      .set('if-none-match', first.headers.etag!);
    expect(changed.status).toBe(200);
    expect(changed.body.status).toBe('completed');
    expect(changed.headers.etag).not.toBe(first.headers.etag);
  });

  test('a watch answers with the new view as soon as the task changes', async () => {
    const id = randomUUID();
    await insertTask(system.db.prisma, id);
    const { headers } = await request(system.api).get(`/tasks/${id}`);
    const started = Date.now();
    const watch = request(system.api)
      .get(`/tasks/${id}?wait=20`)
      .set('if-none-match', headers.etag!)
      .then((res) => res);
    await new Promise((r) => setTimeout(r, 300));
    await setStatus(id, 'completed');
    const res = await watch;
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(Date.now() - started).toBeLessThan(taskChanges ? 5_000 : 8_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  test('a watch with no change ends in a 304 when its wait is over', async () => {
    const id = randomUUID();
    await insertTask(system.db.prisma, id);
    const { headers } = await request(system.api).get(`/tasks/${id}`);
    const started = Date.now();
    const res = await request(system.api)
      .get(`/tasks/${id}?wait=0.5`)
      .set('if-none-match', headers.etag!);
    expect(res.status).toBe(304);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  test('a watch without If-None-Match, or with a stale one, answers at once', async () => {
    const id = randomUUID();
    await insertTask(system.db.prisma, id);
    const started = Date.now();
    const plain = await request(system.api).get(`/tasks/${id}?wait=30`);
    const stale = await request(system.api)
      .get(`/tasks/${id}?wait=30`)
      .set('if-none-match', '"old"');
    expect(plain.status).toBe(200);
    expect(stale.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a bad wait, an unknown parameter or an unknown task is a clear 4xx', async () => {
    const id = randomUUID();
    await insertTask(system.db.prisma, id);
    for (const [query, message] of [
      ['wait=soon', 'must be a number of seconds'],
      ['wait=-1', 'at least 0'],
      ['wait=61', 'at most 60'],
    ] as const) {
      const res = await request(system.api).get(`/tasks/${id}?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        { field: 'wait', message: expect.stringContaining(message) },
      ]);
    }
    const unknown = await request(system.api).get(`/tasks/${id}?colour=red`);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('colour');
    const missing = await request(system.api)
      .get(`/tasks/${randomUUID()}?wait=5`)
      .set('if-none-match', '"x"');
    expect(missing.status).toBe(404);
  });

  test('results?wait= answers when the task ends, not on a step’s change', async () => {
    const id = randomUUID();
    await insertTask(system.db.prisma, id);
    const started = Date.now();
    const watch = request(system.api)
      .get(`/tasks/${id}/results?wait=20`)
      .then((res) => res);
    await new Promise((r) => setTimeout(r, 300));
    await insertStep(system.db.prisma, id, { status: 'completed', output: { text: 'done' } });
    await new Promise((r) => setTimeout(r, taskChanges ? 1_500 : 2_500));
    await setStatus(id, 'completed');
    const res = await watch;
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(res.body.steps[0].output).toEqual({ text: 'done' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_800);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test('results?wait= on a running task answers with its status when the wait is over', async () => {
    const id = randomUUID();
    await insertTask(system.db.prisma, id);
    const started = Date.now();
    const res = await request(system.api).get(`/tasks/${id}/results?wait=0.5`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('running');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    const bad = await request(system.api).get(`/tasks/${id}/results?wait=100`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { field: 'wait', message: expect.stringContaining('at most 60') },
    ]);
    const missing = await request(system.api).get(`/tasks/${randomUUID()}/results?wait=5`);
    expect(missing.status).toBe(404);
  });

  test('a client that hangs up stops its watch', async () => {
    const id = randomUUID();
    await insertTask(system.db.prisma, id);
    const { headers } = await request(system.api).get(`/tasks/${id}`);
    const watchers = async () => {
      const metrics = await request(system.api).get('/metrics');
      return Number(/^octollm_task_watchers\{[^}]*\} (\d+)/m.exec(metrics.text)?.[1]);
    };
    const server = system.api.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const abort = new AbortController();
      const hanging = fetch(`http://127.0.0.1:${port}/tasks/${id}?wait=30`, {
        headers: { 'if-none-match': headers.etag! },
        signal: abort.signal,
      }).catch(() => 'aborted');
      const deadline = Date.now() + 5_000;
      while ((await watchers()) !== 1 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(await watchers()).toBe(1);
      abort.abort();
      expect(await hanging).toBe('aborted');
      const gone = Date.now() + 5_000;
      while ((await watchers()) !== 0 && Date.now() < gone)
        await new Promise((r) => setTimeout(r, 50));
      expect(await watchers()).toBe(0);
    } finally {
      server.close();
    }
  });
});
