import type { CachedPlan, PlanCache, PlanCacheFilter } from './plan-cache';

/** Options for the in-memory plan cache. */
export interface MemoryPlanCacheOptions {
  /** Most entries kept; the oldest is dropped first. */
  maxEntries?: number;
  /** Clock in milliseconds, replaceable in tests. */
  now?: () => number;
}

/**
 * A plan cache in this process's memory: for unit tests and for running without a database.
 * Entries are copied in and out so callers cannot change what is cached.
 */
export function createMemoryPlanCache(options: MemoryPlanCacheOptions = {}): PlanCache {
  const maxEntries = options.maxEntries ?? 1_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { plan: CachedPlan; expiresAt: number }>();

  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return structuredClone(entry.plan);
    },
    async set(key, plan, ttlSeconds) {
      entries.delete(key); // re-inserting moves the key to the newest end
      entries.set(key, { plan: structuredClone(plan), expiresAt: now() + ttlSeconds * 1_000 });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    async invalidate(filter: PlanCacheFilter) {
      let dropped = 0;
      for (const [key, { plan }] of entries) {
        if (filter.key !== undefined && key !== filter.key) continue;
        if (filter.model !== undefined && plan.model !== filter.model) continue;
        if (filter.promptVersion !== undefined && plan.prompt_version !== filter.promptVersion) {
          continue;
        }
        entries.delete(key);
        dropped += 1;
      }
      return dropped;
    },
  };
}
