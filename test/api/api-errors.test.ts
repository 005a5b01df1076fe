import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { TestDatabase } from '../db/start-test-database';
import { startApiOnDatabase, type ApiOnDatabase } from '../support/api-on-database';
import { insertTask } from '../support/task-rows';

// The REST facade's error paths, on real PostgreSQL, with Temporal down.
let system: ApiOnDatabase;
let db: TestDatabase;
let api: Express;

beforeAll(async () => {
  system = await startApiOnDatabase();
  ({ db, api } = system);
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

const fields = (body: { error: { details?: { field: string }[] } }) =>
  (body.error.details ?? []).map((d) => d.field).sort();

describe('POST /submit validation', () => {
  test('a missing goal is a 400 naming the field', async () => {
    const res = await request(api).post('/submit').send({});
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(fields(res.body)).toEqual(['goal']);
  });

  test('every bad field is named, nested ones by path', async () => {
    const res = await request(api)
      .post('/submit')
      .send({
        goal: '   ',
        priority: 'urgent',
        budget: { max_tokens: -5, max_time_seconds: 1.5 },
        colour: 'red',
      });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual([
      '',
      'budget.max_time_seconds',
      'budget.max_tokens',
      'goal',
      'priority',
    ]);
    // The unknown key is reported by name.
    expect(JSON.stringify(res.body)).toContain('colour');
  });

  test('text PostgreSQL cannot store, or absurdly deep context, is a 400 naming the field', async () => {
    const nul = await request(api).post('/submit').send({ goal: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(fields(nul.body)).toEqual(['goal']);
    const surrogate = await request(api)
      .post('/submit')
      .set('content-type', 'application/json')
      .send('{"goal":"ok","context":{"note":"\\ud800"}}');
    expect(surrogate.status).toBe(400);
    expect(fields(surrogate.body)).toEqual(['context']);
    let deep: unknown = 'x';
    for (let i = 0; i < 3_000; i++) deep = [deep];
    const nested = await request(api).post('/submit').send({ goal: 'ok', context: { deep } });
    expect(nested.status).toBe(400);
    expect(nested.body.error.message).toMatch(/nested deeper/);
  });

  test('a corrupt compressed body or a malformed path escape is a 400', async () => {
    const gzip = await request(api)
      .post('/submit')
      .set('content-type', 'application/json')
      .set('content-encoding', 'gzip')
      .send('{"goal":"not gzip"}');
    expect(gzip.status).toBe(400);
    const escape = await request(api).get('/tasks/%E0%A4%A');
    expect(escape.status).toBe(400);
  });

  test('malformed JSON is a 400, not a 500', async () => {
    const res = await request(api)
      .post('/submit')
      .set('content-type', 'application/json')
      .send('{"goal": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MALFORMED_JSON');
  });

  test('a body over the limit is a 413', async () => {
    const res = await request(api)
      .post('/submit')
      .send({ goal: 'x'.repeat(300_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('a non-JSON body is a 400 asking for the goal', async () => {
    const res = await request(api)
      .post('/submit')
      .set('content-type', 'text/plain')
      .send('do things');
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['goal']);
  });

  test('when Temporal is down a task is still accepted, kept, and waits for its workflow', async () => {
    const res = await request(api).post('/submit').send({ goal: 'Summarise the news' });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('pending');
    const row = await db.prisma.task.findUniqueOrThrow({ where: { id: res.body.task_id } });
    expect(row).toMatchObject({
      status: 'pending',
      workflowStarted: false,
      goal: 'Summarise the news',
    });
    // Cancelling needs its workflow: 503, and the task is left as it was.
    const cancel = await request(api).post(`/tasks/${row.id}/cancel`);
    expect(cancel.status).toBe(503);
    expect(cancel.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(cancel.body.error.message).not.toMatch(/127\.0\.0\.1|stack|at /);
    expect(await db.prisma.task.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'pending',
      workflowStarted: false,
    });
  }, 30_000);
});

describe('task lookups', () => {
  const unknown = '6f1c2a9e-8b1d-4c3e-9f7a-2b4c6d8e0f12';

  test.each(['/tasks/%s', '/tasks/%s/results'])(
    'GET %s with a malformed id is a 400 naming id',
    async (path) => {
      const res = await request(api).get(path.replace('%s', 'not-a-uuid'));
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(['id']);
    },
  );

  test.each(['/tasks/%s', '/tasks/%s/results'])(
    'GET %s for an unknown task is a 404',
    async (path) => {
      const res = await request(api).get(path.replace('%s', unknown));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    },
  );

  test('cancelling an unknown task is a 404', async () => {
    const res = await request(api).post(`/tasks/${unknown}/cancel`);
    expect(res.status).toBe(404);
  });

  test('cancelling a finished task is a 409', async () => {
    const id = '0d6f9a4e-1c2b-4d3e-8f7a-9b8c7d6e5f40';
    await insertTask(db.prisma, id, { status: 'completed', goal: 'done already' });
    const res = await request(api).post(`/tasks/${id}/cancel`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/already ended \(completed\)/);
  });

  test.each(['pause', 'resume'])(
    'POST /tasks/:id/%s: 400 for a bad id, 404 unknown, 409 ended, 503 with Temporal down',
    async (control) => {
      const bad = await request(api).post(`/tasks/not-a-uuid/${control}`);
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(['id']);
      expect((await request(api).post(`/tasks/${unknown}/${control}`)).status).toBe(404);
      const ended = randomUUID();
      await insertTask(db.prisma, ended, { status: 'completed' });
      const conflict = await request(api).post(`/tasks/${ended}/${control}`);
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.message).toContain(`nothing to ${control}`);
      const live = randomUUID();
      await insertTask(db.prisma, live, { status: 'running' });
      const down = await request(api).post(`/tasks/${live}/${control}`);
      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    },
    30_000,
  );

  test.each(['approve', 'reject'])(
    'POST /tasks/:id/%s: 400 for a bad body, 404 unknown, 409 when not awaiting approval',
    async (decision) => {
      const id = randomUUID();
      await insertTask(db.prisma, id, { status: 'running' });
      const tooLong = await request(api)
        .post(`/tasks/${id}/${decision}`)
        .send({ comment: 'x'.repeat(2_001) });
      expect(tooLong.status).toBe(400);
      expect(fields(tooLong.body)).toEqual(['comment']);
      const extra = await request(api).post(`/tasks/${id}/${decision}`).send({ approved: true });
      expect(extra.status).toBe(400);
      expect((await request(api).post(`/tasks/${unknown}/${decision}`)).status).toBe(404);
      const notWaiting = await request(api).post(`/tasks/${id}/${decision}`).send({});
      expect(notWaiting.status).toBe(409);
      expect(notWaiting.body.error.message).toMatch(/not awaiting approval \(it is running\)/);
    },
  );

  test('an unknown route is a JSON 404', async () => {
    const res = await request(api).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('operations endpoints', () => {
  test('health answers, readiness names what is down, metrics are Prometheus text', async () => {
    expect((await request(api).get('/health')).status).toBe(200);
    const ready = await request(api).get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database.ok).toBe(true);
    expect(ready.body.checks.temporal.ok).toBe(false);
    const metrics = await request(api).get('/metrics');
    expect(metrics.text).toContain('octollm_tasks_submitted_total');
    expect(metrics.text).toContain('http_request_duration_seconds');
  }, 30_000);

  test('GET /openapi.json describes the API from the same schemas that validate it', async () => {
    const res = await request(api).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const submit = res.body.paths['/submit'].post;
    const body = submit.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['goal']);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.priority.enum).toEqual(['low', 'medium', 'high', 'critical']);
    expect(Object.keys(submit.responses).sort()).toEqual(
      ['200', '202', '400', '401', '403', '409', '413', '429', '503'].sort(),
    );
    // A client that gets a task id can follow it to the task's routes (OpenAPI links).
    expect(submit.responses['202'].links.GetTask).toEqual({
      operationId: 'getTask',
      parameters: { id: '$response.body#/task_id' },
    });
    const operationIds = Object.values(res.body.paths).flatMap((ops) =>
      Object.values(ops as Record<string, { operationId?: string }>).map((op) => op.operationId),
    );
    for (const link of Object.values(submit.responses['202'].links) as { operationId: string }[]) {
      expect(operationIds).toContain(link.operationId);
    }
    // Every route needs an API key (a bearer token).
    expect(res.body.security).toEqual([{ apiKey: [] }]);
    expect(res.body.components.securitySchemes.apiKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(submit.parameters).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
    ]);
    // Listing, deleting, live events and budget extensions are described too.
    expect(res.body.paths['/tasks'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'priority', 'created_after', 'limit', 'cursor']),
    );
    expect(Object.keys(res.body.paths['/tasks/{id}'].delete.responses)).toEqual(
      expect.arrayContaining(['204', '404', '503']),
    );
    expect(res.body.paths['/tasks/{id}/events'].get).toBeDefined();
    expect(res.body.paths['/tasks/{id}/budget'].post).toBeDefined();
    const task = res.body.paths['/tasks/{id}'].get;
    expect(task.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'id', in: 'path' }),
        expect.objectContaining({
          name: 'wait',
          in: 'query',
          schema: expect.objectContaining({ maximum: 60 }),
        }),
        expect.objectContaining({ name: 'if-none-match', in: 'header' }),
      ]),
    );
    expect(Object.keys(task.responses)).toEqual([
      '200',
      '304',
      '400',
      '401',
      '403',
      '404',
      '429',
      '503',
    ]);
  });

  test('GET / lists the endpoints', async () => {
    const res = await request(api).get('/');
    expect(res.body.endpoints.submit).toBe('POST /submit');
  });
});
