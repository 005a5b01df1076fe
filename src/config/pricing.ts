import { z } from 'zod';
import type { ModelPrice } from '../shared/model-cost';

/**
 * List prices of common OpenAI models (USD per 1 000 tokens, as published when this was
 * written). `LLM_PRICING` adds models or overrides these; check your provider's prices.
 */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { input_usd_per_1k: 0.00015, output_usd_per_1k: 0.0006 },
  'gpt-4o': { input_usd_per_1k: 0.0025, output_usd_per_1k: 0.01 },
  'gpt-4.1-mini': { input_usd_per_1k: 0.0004, output_usd_per_1k: 0.0016 },
  'gpt-4.1': { input_usd_per_1k: 0.002, output_usd_per_1k: 0.008 },
};

const usdPer1k = z.number('must be a number of USD').nonnegative('must be 0 or more');

/** `LLM_PRICING`: `{"<model>": {"input_usd_per_1k": 0.15, "output_usd_per_1k": 0.6}}`. */
export const llmPricingSchema = z.record(
  z.string().min(1, 'model names must not be empty'),
  z.object({ input_usd_per_1k: usdPer1k, output_usd_per_1k: usdPer1k }).strict(),
);

/**
 * The price table: the defaults with `LLM_PRICING` (JSON) on top. Returns the problems instead
 * when the JSON is malformed or a price is not a non-negative number, each naming its path.
 */
export function parseLlmPricing(
  json: string | undefined,
): { prices: Record<string, ModelPrice> } | { problems: string[] } {
  if (json === undefined || json.trim() === '') return { prices: { ...DEFAULT_MODEL_PRICES } };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    return { problems: [`LLM_PRICING: not JSON (${(err as Error).message})`] };
  }
  const parsed = llmPricingSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map(
        (i) => `${['LLM_PRICING', ...i.path.map(String)].join('.')}: ${i.message}`,
      ),
    };
  }
  return { prices: { ...DEFAULT_MODEL_PRICES, ...parsed.data } };
}
