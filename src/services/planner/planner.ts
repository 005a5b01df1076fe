import type { Logger } from 'pino';
import type { Grant } from '../../shared/budget';
import type { PlanRequest, PlanResponse } from '../../shared/plan';
import type { Llm } from '../common/llm-client';
import { createLlmPlanner, type LlmPlanner, type StructuredOutputMode } from './llm-planner';
import { createMemoryPlanCache } from './memory-plan-cache';
import { OFFLINE_MODEL, OFFLINE_PLANNER_VERSION, planOffline } from './offline-planner';
import { planCacheKey, type CachedPlan, type PlanCache, type PlanCacheFilter } from './plan-cache';
import type { PlanDraft } from './plan-draft';
import { totalEstimates } from './plan-estimates';
import { PlanInvalidError } from './plan-invalid-error';
import { validatePlan } from './plan-validator';
import type { PlannerMetrics } from './planner-metrics';
import { PROMPT_VERSION } from './planner-prompt';

/** What a cache hit and the offline planner spend on models. */
const NOTHING_SPENT: Readonly<Grant> = { tokens: 0, cost_usd: 0 };

/** Default time a cached plan stays valid: one day. */
export const DEFAULT_CACHE_TTL_SECONDS = 86_400;

/** Options for the planner core. */
export interface PlannerOptions {
  logger: Logger;
  /** The model to plan with; without it the deterministic offline planner is used. */
  llm?: Llm;
  /** Where validated plans are kept; defaults to an in-memory cache. */
  cache?: PlanCache;
  /** How long a cached plan stays valid, in seconds (default one day). */
  cacheTtlSeconds?: number;
  /** Times an invalid model plan is sent back for repair (default 2). */
  maxRepairs?: number;
  /** How the reply format is requested from the model (default `auto`). */
  structuredOutput?: StructuredOutputMode;
  /** Sampling temperature for the model; null leaves it to the server. */
  temperature?: number | null;
  metrics?: PlannerMetrics;
}

/** Per-call options of `Planner.plan`. */
export interface PlanCallOptions {
  /** Aborts the model call, e.g. when the caller disconnected. */
  signal?: AbortSignal;
  /**
   * Accumulates the model tokens this call used, failed attempts included (0 for the offline
   * planner and cache hits). A plan's own `usage` says the tokens and their cost.
   */
  usage?: { tokens: number };
}

/** The planner: cache first, then the model (or the offline planner), never an invalid plan. */
export interface Planner {
  mode: 'llm' | 'offline';
  model: string;
  promptVersion: string;
  /**
   * A plan that passed validation for this request, with what its model calls spent, or
   * PlanInvalidError / an AppError (`BUDGET_INSUFFICIENT` when `request.grant` is too small).
   */
  plan(request: PlanRequest, options?: PlanCallOptions): Promise<PlanResponse>;
  /** Drops cached plans; returns how many. */
  invalidate(filter: PlanCacheFilter): Promise<number>;
  /** Whether the model is reachable; offline is always ready. */
  probe(): Promise<{ ok: boolean; detail: string }>;
}

/**
 * What a cache error may log: its type and code only. Database errors can quote the query's
 * arguments, and a plan carries the user's goal.
 */
function errorFields(err: unknown): { error: string; code?: unknown } {
  const { name, code } = (err ?? {}) as { name?: string; code?: unknown };
  return { error: name ?? typeof err, ...(code !== undefined ? { code } : {}) };
}

/** Creates the planner core that `POST /plan` and the scenario suite both use. */
export function createPlanner(options: PlannerOptions): Planner {
  const { logger, metrics } = options;
  const cache = options.cache ?? createMemoryPlanCache();
  const ttl = options.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS;
  const llmPlanner: LlmPlanner | undefined = options.llm
    ? createLlmPlanner({
        llm: options.llm,
        logger,
        metrics,
        maxRepairs: options.maxRepairs,
        structuredOutput: options.structuredOutput,
        temperature: options.temperature,
      })
    : undefined;
  const model = llmPlanner?.model ?? OFFLINE_MODEL;
  const promptVersion = llmPlanner ? PROMPT_VERSION : OFFLINE_PLANNER_VERSION;
  const source = llmPlanner ? 'llm' : 'offline';

  /** A cache failure must not fail planning: it only costs the saving. */
  async function lookup(key: string): Promise<CachedPlan | undefined> {
    try {
      return await cache.get(key);
    } catch (err) {
      logger.warn(errorFields(err), 'plan cache lookup failed; planning without it');
      return undefined;
    }
  }

  async function draft(
    request: PlanRequest,
    call: { signal?: AbortSignal; usage: Grant },
  ): Promise<PlanDraft> {
    if (llmPlanner) return llmPlanner.plan(request, call);
    const offline = planOffline(request);
    const problems = validatePlan(offline.steps, request);
    if (problems.length > 0) throw new PlanInvalidError(problems, 1);
    return offline;
  }

  return {
    mode: source,
    model,
    promptVersion,

    async plan(request, call = {}) {
      const started = performance.now();
      const key = planCacheKey(request, model, promptVersion);
      const cached = await lookup(key);
      // The budget is not in the key, so a hit must still fit this request's budget.
      if (cached && validatePlan(cached.steps, request).length === 0) {
        metrics?.cacheHits.inc();
        metrics?.plans.inc({ source: 'cache', outcome: 'valid' });
        metrics?.planSeconds.observe({ source: 'cache' }, (performance.now() - started) / 1e3);
        // What the request that planned it spent is not spent again.
        return { ...cached, cache: { hit: true, key }, usage: { ...NOTHING_SPENT } };
      }
      metrics?.cacheMisses.inc();
      const usage = { ...NOTHING_SPENT };
      let plan: PlanDraft;
      try {
        plan = await draft(request, { signal: call.signal, usage });
      } catch (err) {
        metrics?.plans.inc({
          source,
          outcome: err instanceof PlanInvalidError ? 'invalid' : 'error',
        });
        throw err;
      } finally {
        if (call.usage) call.usage.tokens += usage.tokens;
      }
      const response: CachedPlan = {
        ...plan,
        total_estimates: totalEstimates(plan.steps),
        model,
        prompt_version: promptVersion,
      };
      try {
        await cache.set(key, response, ttl);
      } catch (err) {
        logger.warn(errorFields(err), 'plan cache write failed; plan returned uncached');
      }
      metrics?.plans.inc({ source, outcome: 'valid' });
      metrics?.planSeconds.observe({ source }, (performance.now() - started) / 1e3);
      return { ...response, cache: { hit: false, key }, usage };
    },

    invalidate: (filter) => cache.invalidate(filter),

    probe: async () =>
      llmPlanner ? llmPlanner.probe() : { ok: true, detail: 'offline planner: no LLM configured' },
  };
}
