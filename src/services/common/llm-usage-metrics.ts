import { Counter, type Registry } from 'prom-client';
import type { Llm } from './llm-client';

/**
 * The model tokens and dollars a service spends, by model, on its `/metrics`
 * (`octollm_llm_tokens_total`, `octollm_llm_cost_usd_total`). Registered whether or not a model
 * is configured, so dashboards find the series; offline they stay at nothing.
 */
export function meterLlmUsage(llm: Llm | undefined, registry: Registry): Llm | undefined {
  const tokens = new Counter({
    name: 'octollm_llm_tokens_total',
    help: 'Model tokens used (prompt and completion), by model',
    labelNames: ['model'] as const,
    registers: [registry],
  });
  const cost = new Counter({
    name: 'octollm_llm_cost_usd_total',
    help: 'Model cost in USD at the configured prices, by model',
    labelNames: ['model'] as const,
    registers: [registry],
  });
  if (!llm) return undefined;
  return {
    ...llm,
    recordUsage: (used) => {
      tokens.inc({ model: llm.model }, used.tokens);
      cost.inc({ model: llm.model }, used.costUsd);
    },
  };
}
