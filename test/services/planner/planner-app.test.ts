import pino from 'pino';
import request from 'supertest';
import { armExecuteResponseSchema } from '../../../src/shared/arm';
import {
  planResponseSchema,
  validatePlanSteps,
  ARM_NAMES,
  type PlanStep,
} from '../../../src/shared/plan';
import { createPlannerApp } from '../../../src/services/planner/planner-app';

const logger = pino({ level: 'silent' });
const budget = { max_cost_usd: 1, max_time_seconds: 300, max_tokens: 20_000 };

describe('planner app (offline)', () => {
  const { app } = createPlannerApp({ logger });

  it('plans a goal with the offline planner and validates the contract', async () => {
    const res = await request(app)
      .post('/plan')
      .send({
        goal: 'Research the trade-offs between PostgreSQL and SQLite for an embedded app',
        acceptance_criteria: ['Names at least three trade-offs'],
        budget,
      })
      .expect(200);
    const plan = planResponseSchema.parse(res.body);
    expect(plan.model).toBe('offline');
    expect(plan.cache).toEqual({ hit: false, key: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(validatePlanSteps(plan.steps, ARM_NAMES)).toEqual([]);
    expect(plan.steps.at(-1)).toMatchObject({
      arm: 'judge',
      acceptance_criteria: ['Names at least three trade-offs'],
    });
    expect(plan.total_estimates.tokens).toBeLessThanOrEqual(budget.max_tokens);
  });

  it('spends nothing on models, so it plans on an empty grant and reports 0 usage', async () => {
    const body = {
      goal: 'Summarise the history of the printing press',
      budget,
      grant: { tokens: 0, cost_usd: 0 },
    };
    const first = await request(app).post('/plan').send(body).expect(200);
    expect(first.body).toMatchObject({ cache: { hit: false }, usage: { tokens: 0, cost_usd: 0 } });
    const hit = await request(app).post('/plan').send(body).expect(200);
    expect(hit.body).toMatchObject({ cache: { hit: true }, usage: { tokens: 0, cost_usd: 0 } });
  });

  it('names the bad field of an invalid grant', async () => {
    const res = await request(app)
      .post('/plan')
      .send({ goal: 'Plan a trip', budget, grant: { tokens: 1.5, cost_usd: -1 } })
      .expect(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['grant.tokens', 'grant.cost_usd']));
  });

  it('answers a repeated goal from the cache, and counts hits and misses in /metrics', async () => {
    const body = { goal: 'Write a Python function that parses ISO 8601 dates', budget };
    const first = await request(app).post('/plan').send(body).expect(200);
    const second = await request(app)
      .post('/plan')
      .send({ ...body, goal: '  write a python function that parses ISO 8601 dates. ' })
      .expect(200);
    expect(second.body.cache).toEqual({ hit: true, key: first.body.cache.key });
    expect(second.body.steps).toEqual(first.body.steps);
    const metrics = await request(app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/planner_cache_hits_total\{service="planner"\} [1-9]/);
    expect(metrics.text).toMatch(/planner_cache_misses_total\{service="planner"\} [1-9]/);
  });

  it("never serves one tenant's cached plan to another", async () => {
    const body = { goal: 'Compare three message brokers for a small team', budget };
    const acme = await request(app)
      .post('/plan')
      .send({ ...body, tenant: 'tenant-acme' })
      .expect(200);
    const acmeAgain = await request(app)
      .post('/plan')
      .send({ ...body, tenant: 'tenant-acme' })
      .expect(200);
    expect(acmeAgain.body.cache).toEqual({ hit: true, key: acme.body.cache.key });
    const globex = await request(app)
      .post('/plan')
      .send({ ...body, tenant: 'tenant-globex' })
      .expect(200);
    expect(globex.body.cache.hit).toBe(false);
    expect(globex.body.cache.key).not.toBe(acme.body.cache.key);
    // Nor is a plan made without a tenant served to one.
    const none = await request(app).post('/plan').send(body).expect(200);
    expect(none.body.cache.hit).toBe(false);
  });

  it('invalidates a cached plan by key', async () => {
    const body = { goal: 'Compute 17% of 2450 plus 3^4', budget };
    const first = await request(app).post('/plan').send(body).expect(200);
    await request(app)
      .post('/cache/invalidate')
      .send({ key: first.body.cache.key })
      .expect(200, { invalidated: 1 });
    const again = await request(app).post('/plan').send(body).expect(200);
    expect(again.body.cache.hit).toBe(false);
  });

  it('refuses an invalidation that names nothing', async () => {
    const res = await request(app).post('/cache/invalidate').send({}).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('names the bad field of an invalid request', async () => {
    const res = await request(app)
      .post('/plan')
      .send({ goal: '', budget: { ...budget, max_tokens: -1 } })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['goal', 'budget.max_tokens']));
  });

  it('uses only the arms on offer', async () => {
    const res = await request(app)
      .post('/plan')
      .send({ goal: 'Write a blog post about durable execution', arms: ['coder', 'judge'], budget })
      .expect(200);
    const arms = new Set(res.body.steps.map((s: { arm: string }) => s.arm));
    expect([...arms].every((a) => a === 'coder' || a === 'judge')).toBe(true);
  });

  it('fails with the validation errors when no valid plan fits the arms', async () => {
    const res = await request(app)
      .post('/plan')
      .send({ goal: 'Research quantum error correction', arms: ['retriever'], budget })
      .expect(422);
    expect(res.body.error.code).toBe('PLAN_INVALID');
    expect(res.body.error.details[0].message).toMatch(/steps/);
  });

  it('runs a planner-arm step by planning its sub-goal within the budget left', async () => {
    const plan = await request(app)
      .post('/plan')
      .send({ goal: 'Write an article about the history of tea', budget })
      .expect(200);
    const outline = plan.body.steps.find((s: { arm: string }) => s.arm === 'planner');
    expect(outline).toBeDefined();
    const res = await request(app)
      .post('/execute')
      .send({
        task_id: 't1',
        goal: 'Write an article about the history of tea',
        step: outline,
        inputs: { s1: { passages: ['Tea originated in China'] } },
        budget_left: { cost_usd: 0.2, tokens: 5_000, seconds: 100 },
      })
      .expect(200);
    const result = armExecuteResponseSchema.parse(res.body);
    expect(result).toMatchObject({ mode: 'offline', usage: { tokens: 0, cost_usd: 0 } });
    const output = result.output as { steps: PlanStep[]; total_estimates: { tokens: number } };
    expect(output.steps.length).toBeGreaterThanOrEqual(3);
    expect(output.steps.some((s) => s.arm === 'planner')).toBe(false);
    expect(output.total_estimates.tokens).toBeLessThanOrEqual(5_000);
    expect(result.summary).toMatch(/^Sub-plan of \d+ steps: s1 /);
  });

  it('rejects an invalid execute request', async () => {
    const res = await request(app).post('/execute').send({ task_id: 't1' }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('describes its capabilities, health and readiness', async () => {
    const caps = await request(app).get('/capabilities').expect(200);
    expect(caps.body.mode).toBe('offline');
    expect(caps.body.arms.map((a: { name: string }) => a.name)).toEqual([...ARM_NAMES]);
    const health = await request(app).get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', mode: 'offline', model: 'offline' });
    const ready = await request(app).get('/ready').expect(200);
    expect(ready.body).toMatchObject({ ready: true, checks: { llm: { ok: true } } });
  });
});
