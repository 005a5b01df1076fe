import { Counter, Histogram, type Registry } from 'prom-client';

/** The planner's own metrics, registered on the app's registry. */
export interface PlannerMetrics {
  cacheHits: Counter;
  cacheMisses: Counter;
  /** Plans answered, by source (llm, offline, cache) and outcome (valid, invalid, error). */
  plans: Counter<'source' | 'outcome'>;
  /** Model replies that failed validation and were sent back for repair. */
  repairs: Counter;
  /** Time to answer `POST /plan`, by source. */
  planSeconds: Histogram<'source'>;
  /** Time of each LLM call, by outcome (ok, transient, permanent). */
  llmSeconds: Histogram<'outcome'>;
}

/** Creates the planner metrics on a registry (one per app, so tests can build many apps). */
export function createPlannerMetrics(registry: Registry): PlannerMetrics {
  const registers = [registry];
  return {
    cacheHits: new Counter({
      name: 'planner_cache_hits_total',
      help: 'Plan requests answered from the plan cache',
      registers,
    }),
    cacheMisses: new Counter({
      name: 'planner_cache_misses_total',
      help: 'Plan requests the plan cache could not answer',
      registers,
    }),
    plans: new Counter({
      name: 'planner_plans_total',
      help: 'Plan requests by source and outcome',
      labelNames: ['source', 'outcome'] as const,
      registers,
    }),
    repairs: new Counter({
      name: 'planner_repair_attempts_total',
      help: 'Invalid model plans sent back to the model with their validation errors',
      registers,
    }),
    planSeconds: new Histogram({
      name: 'planner_plan_duration_seconds',
      help: 'Time to answer a plan request, by source',
      labelNames: ['source'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.25, 1, 5, 15, 60],
      registers,
    }),
    llmSeconds: new Histogram({
      name: 'planner_llm_request_duration_seconds',
      help: 'Duration of LLM calls, by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
  };
}
