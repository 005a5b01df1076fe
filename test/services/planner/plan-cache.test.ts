import { createMemoryPlanCache } from '../../../src/services/planner/memory-plan-cache';
import { createTieredPlanCache } from '../../../src/services/planner/tiered-plan-cache';
import {
  normaliseText,
  planCacheKey,
  type CachedPlan,
} from '../../../src/services/planner/plan-cache';

const base = {
  goal: 'Research bees',
  constraints: ['Cite sources', 'Short'],
  acceptance_criteria: ['Names three species'],
  arms: ['retriever', 'coder', 'judge'] as const,
};
const key = (over: Partial<typeof base> = {}, model = 'm', version = 'v1') =>
  planCacheKey(
    { ...base, arms: [...base.arms], ...over } as Parameters<typeof planCacheKey>[0],
    model,
    version,
  );

describe('planCacheKey', () => {
  it('is a sha256 hex digest', () => {
    expect(key()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores case, spacing, trailing punctuation and list order', () => {
    expect(key({ goal: '  RESEARCH   bees. ' })).toBe(key());
    expect(key({ constraints: ['short', 'cite  sources', 'Short'] })).toBe(key());
    expect(key({ arms: ['judge', 'retriever', 'coder'] } as never)).toBe(key());
    expect(normaliseText('Ｒｅｓｅａｒｃｈ')).toBe('research');
  });

  it('changes with the goal, constraints, criteria, arms, model and prompt version', () => {
    const keys = [
      key(),
      key({ goal: 'Research wasps' }),
      key({ constraints: [] }),
      key({ acceptance_criteria: [] }),
      key({ arms: ['retriever', 'coder'] } as never),
      key({}, 'other-model'),
      key({}, 'm', 'v2'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

const plan = (model: string, version: string): CachedPlan => ({
  steps: [],
  rationale: 'r',
  confidence: 0.5,
  complexity: 'simple',
  total_estimates: { cost_usd: 0, seconds: 0, tokens: 0 },
  model,
  prompt_version: version,
});

describe('memory plan cache', () => {
  it('returns entries until they expire', async () => {
    let now = 0;
    const cache = createMemoryPlanCache({ now: () => now });
    await cache.set('k', plan('m', 'v1'), 10);
    expect(await cache.get('k')).toEqual(plan('m', 'v1'));
    now = 10_000;
    expect(await cache.get('k')).toBeUndefined();
  });

  it('copies entries so callers cannot change what is cached', async () => {
    const cache = createMemoryPlanCache();
    const entry = plan('m', 'v1');
    await cache.set('k', entry, 60);
    entry.rationale = 'changed';
    const got = await cache.get('k');
    got!.confidence = 1;
    expect(await cache.get('k')).toEqual(plan('m', 'v1'));
  });

  it('invalidates by key, model, prompt version or everything', async () => {
    const cache = createMemoryPlanCache();
    await cache.set('a', plan('m1', 'v1'), 60);
    await cache.set('b', plan('m1', 'v2'), 60);
    await cache.set('c', plan('m2', 'v1'), 60);
    await cache.set('d', plan('m2', 'v2'), 60);
    expect(await cache.invalidate({ key: 'a' })).toBe(1);
    expect(await cache.invalidate({ model: 'm1' })).toBe(1);
    expect(await cache.invalidate({ promptVersion: 'v1' })).toBe(1);
    expect(await cache.invalidate({})).toBe(1);
    expect(await cache.get('d')).toBeUndefined();
  });

  it('drops the oldest entry beyond its size limit', async () => {
    const cache = createMemoryPlanCache({ maxEntries: 2 });
    await cache.set('a', plan('m', 'v'), 60);
    await cache.set('b', plan('m', 'v'), 60);
    await cache.set('c', plan('m', 'v'), 60);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('c')).toBeDefined();
  });
});

describe('tiered plan cache', () => {
  it('copies back-tier hits to the front and writes and invalidates both', async () => {
    const front = createMemoryPlanCache();
    const back = createMemoryPlanCache();
    const tiered = createTieredPlanCache(front, back, { frontTtlSeconds: 30 });
    await back.set('k', plan('m', 'v1'), 60);
    expect(await front.get('k')).toBeUndefined();
    expect(await tiered.get('k')).toEqual(plan('m', 'v1'));
    expect(await front.get('k')).toEqual(plan('m', 'v1'));
    await tiered.set('j', plan('m', 'v2'), 60);
    expect(await back.get('j')).toBeDefined();
    expect(await tiered.invalidate({ model: 'm' })).toBe(2);
    expect(await front.get('k')).toBeUndefined();
    expect(await tiered.get('j')).toBeUndefined();
  });
});
