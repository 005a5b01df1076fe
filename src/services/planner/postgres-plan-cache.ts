import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { planResponseSchema } from '../../shared/plan';
import type { CachedPlan, PlanCache } from './plan-cache';

/** Options for the PostgreSQL plan cache. */
export interface PostgresPlanCacheOptions {
  /** Clock, replaceable in tests. */
  now?: () => Date;
  /** Least time between purges of expired rows, in milliseconds (default one minute). */
  purgeEveryMs?: number;
}

const cachedPlanSchema = planResponseSchema.omit({ cache: true, usage: true });

/**
 * The plan cache in PostgreSQL (table `plan_cache`): shared by every planner process and kept
 * across restarts. A hit is one primary-key read. Expired rows are never returned, and are
 * deleted in the background of a write at most once per `purgeEveryMs`.
 */
export function createPostgresPlanCache(
  prisma: PrismaClient,
  options: PostgresPlanCacheOptions = {},
): PlanCache & { purgeExpired(): Promise<number> } {
  const now = options.now ?? (() => new Date());
  const purgeEveryMs = options.purgeEveryMs ?? 60_000;
  let lastPurge = 0;

  const purgeExpired = async () =>
    (await prisma.planCacheEntry.deleteMany({ where: { expiresAt: { lte: now() } } })).count;

  return {
    async get(key) {
      const row = await prisma.planCacheEntry.findUnique({ where: { key } });
      if (!row || row.expiresAt <= now()) return undefined;
      // A row written by an older version may not fit today's contract: treat it as a miss.
      const parsed = cachedPlanSchema.safeParse(row.plan);
      return parsed.success ? parsed.data : undefined;
    },

    async set(key, plan: CachedPlan, ttlSeconds) {
      const expiresAt = new Date(now().getTime() + ttlSeconds * 1_000);
      const data = {
        plan: plan as unknown as Prisma.InputJsonValue,
        model: plan.model,
        promptVersion: plan.prompt_version,
        expiresAt,
      };
      await prisma.planCacheEntry.upsert({
        where: { key },
        create: { key, ...data },
        update: { ...data, createdAt: now() },
      });
      if (Date.now() - lastPurge >= purgeEveryMs) {
        lastPurge = Date.now();
        await purgeExpired();
      }
    },

    async invalidate(filter) {
      const { count } = await prisma.planCacheEntry.deleteMany({
        where: {
          ...(filter.key !== undefined ? { key: filter.key } : {}),
          ...(filter.model !== undefined ? { model: filter.model } : {}),
          ...(filter.promptVersion !== undefined ? { promptVersion: filter.promptVersion } : {}),
        },
      });
      return count;
    },

    purgeExpired,
  };
}
