import pino from 'pino';
import request from 'supertest';
import { createPostgresPlanCache } from '../../../src/services/planner/postgres-plan-cache';
import { createPlannerApp } from '../../../src/services/planner/planner-app';
import { createMemoryPlanCache } from '../../../src/services/planner/memory-plan-cache';
import { createTieredPlanCache } from '../../../src/services/planner/tiered-plan-cache';
import type { CachedPlan } from '../../../src/services/planner/plan-cache';
import { startTestDatabase, type TestDatabase } from '../../db/start-test-database';

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(() => db?.stop());
beforeEach(() => db.prisma.planCacheEntry.deleteMany());

const plan = (model = 'm', version = 'v1'): CachedPlan => ({
  steps: [
    {
      id: 's1',
      action: 'Search',
      arm: 'retriever',
      acceptance_criteria: ['found'],
      depends_on: [],
      estimated_cost_usd: 0.01,
      estimated_seconds: 5,
      estimated_tokens: 100,
    },
  ],
  rationale: 'r',
  confidence: 0.7,
  complexity: 'simple',
  total_estimates: { cost_usd: 0.01, seconds: 5, tokens: 100 },
  model,
  prompt_version: version,
});
const key = (c: string) => c.repeat(64);

describe('PostgreSQL plan cache', () => {
  it('stores, replaces and returns plans until they expire', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const cache = createPostgresPlanCache(db.prisma, { now: () => now });
    await cache.set(key('a'), plan(), 60);
    expect(await cache.get(key('a'))).toEqual(plan());
    await cache.set(key('a'), { ...plan(), rationale: 'newer' }, 60);
    expect((await cache.get(key('a')))?.rationale).toBe('newer');
    expect(await cache.get(key('b'))).toBeUndefined();
    now = new Date('2026-01-01T00:01:00Z');
    expect(await cache.get(key('a'))).toBeUndefined();
    expect(await cache.purgeExpired()).toBe(1);
  });

  it('treats a row that no longer fits the contract as a miss', async () => {
    await db.prisma.planCacheEntry.create({
      data: {
        key: key('c'),
        plan: { steps: 'nope' },
        model: 'm',
        promptVersion: 'v1',
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    expect(await createPostgresPlanCache(db.prisma).get(key('c'))).toBeUndefined();
  });

  it('invalidates by key, model, prompt version or everything', async () => {
    const cache = createPostgresPlanCache(db.prisma);
    await cache.set(key('a'), plan('m1', 'v1'), 60);
    await cache.set(key('b'), plan('m1', 'v2'), 60);
    await cache.set(key('c'), plan('m2', 'v1'), 60);
    await cache.set(key('d'), plan('m2', 'v2'), 60);
    expect(await cache.invalidate({ key: key('a') })).toBe(1);
    expect(await cache.invalidate({ model: 'm1' })).toBe(1);
    expect(await cache.invalidate({ promptVersion: 'v1' })).toBe(1);
    expect(await cache.invalidate({})).toBe(1);
    expect(await db.prisma.planCacheEntry.count()).toBe(0);
  });

  it('serves the planner behind an in-process tier: a repeated goal is a hit, P95 within 5 ms', async () => {
    const postgres = createPostgresPlanCache(db.prisma);
    const { app } = createPlannerApp({
      logger: pino({ level: 'silent' }),
      cache: createTieredPlanCache(createMemoryPlanCache(), postgres),
    });
    const body = {
      goal: 'Research the history of the Raft consensus algorithm',
      budget: { max_cost_usd: 1, max_time_seconds: 300, max_tokens: 20_000 },
    };
    const first = await request(app).post('/plan').send(body).expect(200);
    expect(first.body.cache.hit).toBe(false);
    // Written through to PostgreSQL, so another planner process (a fresh front tier) hits too.
    const { key } = first.body.cache as { key: string };
    expect(await postgres.get(key)).toMatchObject({ model: 'offline' });
    const other = createTieredPlanCache(createMemoryPlanCache(), postgres);
    expect(await other.get(key)).toBeDefined();

    const samples: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const started = performance.now();
      expect(await other.get(key)).toBeDefined();
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    expect(samples[Math.ceil(samples.length * 0.95) - 1]).toBeLessThanOrEqual(5);

    const second = await request(app).post('/plan').send(body).expect(200);
    expect(second.body).toEqual({ ...first.body, cache: { hit: true, key } });
    await request(app)
      .post('/cache/invalidate')
      .send({ all: true })
      .expect(200, { invalidated: 1 });
    expect(await db.prisma.planCacheEntry.count()).toBe(0);
    const third = await request(app).post('/plan').send(body).expect(200);
    expect(third.body.cache.hit).toBe(false);
  });
});
