import type { PlanCache } from './plan-cache';

/** Options for the tiered plan cache. */
export interface TieredPlanCacheOptions {
  /**
   * Longest time a plan stays in the front tier, in seconds (default 60). It bounds how long
   * another process may serve a plan after it was invalidated or expired in the back tier.
   */
  frontTtlSeconds?: number;
}

/**
 * Two caches as one: a fast front (in process memory) before a shared back (PostgreSQL).
 * Hits on the front cost microseconds; a back hit is copied to the front. Writes and
 * invalidations go to both; the back's count is the one reported.
 */
export function createTieredPlanCache(
  front: PlanCache,
  back: PlanCache,
  options: TieredPlanCacheOptions = {},
): PlanCache {
  const frontTtl = options.frontTtlSeconds ?? 60;
  return {
    async get(key) {
      const near = await front.get(key);
      if (near) return near;
      const far = await back.get(key);
      if (far) await front.set(key, far, frontTtl);
      return far;
    },
    async set(key, plan, ttlSeconds) {
      await back.set(key, plan, ttlSeconds);
      await front.set(key, plan, Math.min(frontTtl, ttlSeconds));
    },
    async invalidate(filter) {
      await front.invalidate(filter);
      return back.invalidate(filter);
    },
  };
}
