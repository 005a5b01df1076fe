import { createHash } from 'node:crypto';
import type { PlanRequest, PlanResponse } from '../../shared/plan';

/**
 * A validated plan as it is cached: the response without its per-request fields, `cache` and
 * `usage` (what the model calls of the request that planned it spent: a hit spends nothing).
 */
export type CachedPlan = Omit<PlanResponse, 'cache' | 'usage'>;

/** Which entries to drop; an empty filter drops everything. */
export interface PlanCacheFilter {
  key?: string;
  model?: string;
  promptVersion?: string;
}

/**
 * Where validated plans are kept so a repeated goal does not pay for the LLM twice.
 * Implementations: in memory (tests, single process) and PostgreSQL (shared, durable).
 */
export interface PlanCache {
  /** The live entry for a key, or undefined when there is none or it has expired. */
  get(key: string): Promise<CachedPlan | undefined>;
  /** Stores a plan for `ttlSeconds`, replacing any entry under the same key. */
  set(key: string, plan: CachedPlan, ttlSeconds: number): Promise<void>;
  /** Drops the matching entries and says how many there were. */
  invalidate(filter: PlanCacheFilter): Promise<number>;
}

/** Lower case, NFKC, single spaces, no trailing punctuation: trivially different goals share a key. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.!?]+$/, '');
}

/** A list as a set: normalised, blanks and duplicates dropped, sorted so order does not matter. */
function normaliseList(items: readonly string[]): string[] {
  return [...new Set(items.map(normaliseText).filter(Boolean))].sort();
}

/**
 * The cache key: SHA-256 over the tenant, the normalised goal, constraints, acceptance criteria,
 * available arms, model and prompt version: one tenant's plan is never another's hit. The budget is left out on purpose (a hit is re-validated
 * against the request's budget instead), and so is the free-form context.
 */
export function planCacheKey(
  request: Pick<PlanRequest, 'tenant' | 'goal' | 'constraints' | 'acceptance_criteria' | 'arms'>,
  model: string,
  promptVersion: string,
): string {
  const material = JSON.stringify({
    tenant: request.tenant ?? '',
    goal: normaliseText(request.goal),
    constraints: normaliseList(request.constraints),
    acceptance_criteria: normaliseList(request.acceptance_criteria),
    arms: [...new Set(request.arms)].sort(),
    model,
    prompt_version: promptVersion,
  });
  return createHash('sha256').update(material).digest('hex');
}
