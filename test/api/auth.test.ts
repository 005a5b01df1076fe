import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApiKey, hashKey, revokeApiKey } from '../../src/api/api-keys';
import { startApiOnDatabase, type ApiOnDatabase } from '../support/api-on-database';

// The API with keys required, on real PostgreSQL (Temporal unreachable, as in a cold start).
let system: ApiOnDatabase;
const keys: Record<'acme' | 'globex', string> = { acme: '', globex: '' };

beforeAll(async () => {
  // Revocations are seen at once (no key cache), and a low rate limit is easy to reach.
  system = await startApiOnDatabase({ auth: { mode: 'keys', keyCacheMs: 0 } });
  keys.acme = (await createApiKey(system.db.prisma, 'acme')).key;
  keys.globex = (await createApiKey(system.db.prisma, 'globex')).key;
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

const as = (tenant: keyof typeof keys) => ({ authorization: `Bearer ${keys[tenant]}` });
const goal = { goal: 'Summarise the trade-offs of event sourcing' };

describe('authentication', () => {
  test('health, readiness, metrics and the docs need no key', async () => {
    for (const path of ['/', '/health', '/metrics', '/openapi.json']) {
      const res = await request(system.api).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    // Not ready (Temporal is unreachable here), but answered without a key.
    expect((await request(system.api).get('/ready')).status).toBe(503);
  });

  test('/docs is the OpenAPI document as a Swagger UI page, its assets served from the package', async () => {
    const page = await request(system.api).get('/docs/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('<title>OctoLLM API</title>');
    // The page loads its scripts from /docs itself (no CDN) and the document is the API's own.
    expect(page.text).not.toMatch(/src="https?:/);
    const init = await request(system.api).get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('"/submit"');
    expect(init.text).toContain('"/tasks/{id}/cancel"');
    const bundle = await request(system.api).get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.type).toMatch(/javascript/);
  });

  test('every other route without a key is a 401 that says how to send one', async () => {
    const id = randomUUID();
    const routes: [string, string][] = [
      ['post', '/submit'],
      ['get', '/tasks'],
      ['get', `/tasks/${id}`],
      ['get', `/tasks/${id}/results`],
      ['get', `/tasks/${id}/events`],
      ['post', `/tasks/${id}/cancel`],
      ['delete', `/tasks/${id}`],
      ['post', `/tasks/${id}/budget`],
      ['get', '/documents'],
      ['post', '/documents'],
      ['get', '/arms'],
      ['get', '/no-such-route'],
    ];
    for (const [method, path] of routes) {
      const res = await (
        request(system.api) as unknown as Record<string, (p: string) => request.Test>
      )[method]!(path).send(method === 'post' ? goal : undefined);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    const res = await request(system.api).get('/tasks');
    expect(res.body.error.message).toMatch(/Authorization: Bearer <API key>/);
  });

  test('a malformed header or an unknown key is a 401; a revoked key a 403', async () => {
    const basic = await request(system.api).get('/tasks').set('authorization', 'Basic abc');
    expect(basic.status).toBe(401);
    expect(basic.body.error.message).toMatch(/must be "Bearer <API key>"/);
    const unknown = await request(system.api)
      .get('/tasks')
      .set('authorization', 'Bearer octo_not-a-key');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe('This API key is not known');

    const { key, id } = await createApiKey(system.db.prisma, 'acme');
    expect(
      (await request(system.api).get('/tasks').set('authorization', `Bearer ${key}`)).status,
    ).toBe(200);
    await revokeApiKey(system.db.prisma, id);
    const revoked = await request(system.api).get('/tasks').set('authorization', `Bearer ${key}`);
    expect(revoked.status).toBe(403);
    expect(revoked.body.error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'This API key has been revoked',
    });
  });

  test('keys are stored only as their SHA-256', async () => {
    const rows = await system.db.prisma.apiKey.findMany();
    const stored = JSON.stringify(rows);
    for (const key of Object.values(keys)) {
      expect(stored).not.toContain(key);
      expect(rows.map((r) => r.hash)).toContain(hashKey(key));
    }
  });
});

describe('tenants', () => {
  test("another tenant's task is a 404 for every read and control, and not in its list", async () => {
    const submitted = await request(system.api).post('/submit').set(as('acme')).send(goal);
    expect(submitted.status).toBe(202);
    const id = submitted.body.task_id as string;
    expect((await request(system.api).get(`/tasks/${id}`).set(as('acme'))).status).toBe(200);

    const attempts: [string, string, object?][] = [
      ['get', `/tasks/${id}`],
      ['get', `/tasks/${id}/results`],
      ['get', `/tasks/${id}/events`],
      ['post', `/tasks/${id}/cancel`],
      ['post', `/tasks/${id}/pause`],
      ['post', `/tasks/${id}/approve`],
      ['post', `/tasks/${id}/budget`, { add_tokens: 10 }],
      ['delete', `/tasks/${id}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await (
        request(system.api) as unknown as Record<string, (p: string) => request.Test>
      )[method]!(path)
        .set(as('globex'))
        .send(body);
      expect({ path, method, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        method,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
    const theirs = await request(system.api).get('/tasks').set(as('globex'));
    expect(theirs.body.tasks.map((t: { task_id: string }) => t.task_id)).not.toContain(id);
    const ours = await request(system.api).get('/tasks').set(as('acme'));
    expect(ours.body.tasks.map((t: { task_id: string }) => t.task_id)).toContain(id);
    // The task is untouched by the other tenant's attempts.
    const row = await system.db.prisma.task.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('pending');
  });

  test('the same Idempotency-Key used by two tenants makes two tasks', async () => {
    const key = `same-key-${randomUUID()}`;
    const a = await request(system.api)
      .post('/submit')
      .set(as('acme'))
      .set('idempotency-key', key)
      .send(goal);
    const b = await request(system.api)
      .post('/submit')
      .set(as('globex'))
      .set('idempotency-key', key)
      .send({ goal: 'Something else entirely' });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.task_id).not.toBe(b.body.task_id);
  });

  test("another tenant's document is a 404, and not in its list", async () => {
    const doc = await request(system.api)
      .post('/documents')
      .set(as('acme'))
      .send({ title: 'Acme runbook', source: 'wiki', content: 'Restart the widget service.' });
    expect(doc.status).toBe(201);
    const id = doc.body.id as string;
    expect((await request(system.api).get(`/documents/${id}`).set(as('globex'))).status).toBe(404);
    expect((await request(system.api).delete(`/documents/${id}`).set(as('globex'))).status).toBe(
      404,
    );
    const theirs = await request(system.api).get('/documents').set(as('globex'));
    expect(theirs.body).toMatchObject({ documents: [], total: 0 });
    const ours = await request(system.api).get(`/documents/${id}`).set(as('acme'));
    expect(ours.body.content).toBe('Restart the widget service.');
  });

  test('submissions are counted per tenant in /metrics', async () => {
    const metrics = await request(system.api).get('/metrics');
    expect(metrics.text).toMatch(/octollm_tasks_submitted_total\{[^}]*tenant="acme"[^}]*\} [1-9]/);
    expect(metrics.text).toMatch(
      /octollm_tasks_submitted_total\{[^}]*tenant="globex"[^}]*\} [1-9]/,
    );
  });
});

describe('rate limits', () => {
  let limited: ApiOnDatabase;
  beforeAll(async () => {
    limited = await startApiOnDatabase({ auth: { mode: 'keys', requestsPerMinute: 3 } });
  }, 60_000);
  afterAll(async () => {
    await limited?.stop();
  });

  test('a key beyond its requests per minute gets 429 with Retry-After; other keys go on', async () => {
    const busy = (await createApiKey(limited.db.prisma, 'busy')).key;
    const calm = (await createApiKey(limited.db.prisma, 'calm')).key;
    for (let i = 0; i < 3; i++) {
      const ok = await request(limited.api).get('/tasks').set('authorization', `Bearer ${busy}`);
      expect(ok.status).toBe(200);
    }
    const over = await request(limited.api).get('/tasks').set('authorization', `Bearer ${busy}`);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(over.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const other = await request(limited.api).get('/tasks').set('authorization', `Bearer ${calm}`);
    expect(other.status).toBe(200);
    // Health stays open whatever the rate.
    expect((await request(limited.api).get('/health')).status).toBe(200);
  });
});
