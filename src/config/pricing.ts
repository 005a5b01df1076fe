import { z } from 'zod';

/** What a model costs, per 1 000 tokens of prompt (input) and of completion (output). */
export interface ModelPrice {
  input_usd_per_1k: number;
  output_usd_per_1k: number;
}

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

/**
 * The price of a model missing from the table: deliberately not low, so that budgets err on
 * the safe side. Set the model's price with `LLM_PRICING`.
 */
export const UNKNOWN_MODEL_PRICE: ModelPrice = { input_usd_per_1k: 0.01, output_usd_per_1k: 0.03 };

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

/** The price of a model in a table, or {@link UNKNOWN_MODEL_PRICE}. */
export function priceOf(prices: Readonly<Record<string, ModelPrice>>, model: string): ModelPrice {
  return prices[model] ?? UNKNOWN_MODEL_PRICE;
}

/** What a call cost, from the tokens the server reports. */
export function costOf(
  price: ModelPrice,
  usage: { promptTokens: number; completionTokens: number },
): number {
  return (
    (usage.promptTokens / 1000) * price.input_usd_per_1k +
    (usage.completionTokens / 1000) * price.output_usd_per_1k
  );
}
