import type { Grant } from './budget';

// Model prices and the arithmetic of budgets, without dependencies: workflow code uses it too
// (the workflow bundle must stay free of I/O and heavy libraries). The price table and
// `LLM_PRICING` are configuration (src/config/pricing.ts).

/** What a model costs, per 1 000 tokens of prompt (input) and of completion (output). */
export interface ModelPrice {
  input_usd_per_1k: number;
  output_usd_per_1k: number;
}

/**
 * The price of a model missing from the table: deliberately not low, so that budgets err on
 * the safe side. Set the model's price with `LLM_PRICING` (src/config/pricing.ts).
 */
export const UNKNOWN_MODEL_PRICE: ModelPrice = { input_usd_per_1k: 0.01, output_usd_per_1k: 0.03 };

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

/** The sum of two amounts of tokens and USD. */
export function add(a: Grant, b: Grant): Grant {
  return { tokens: a.tokens + b.tokens, cost_usd: a.cost_usd + b.cost_usd };
}

/** `a - b`, never below 0. */
export function minus(a: Grant, b: Grant): Grant {
  return {
    tokens: Math.max(0, a.tokens - b.tokens),
    cost_usd: Math.max(0, a.cost_usd - b.cost_usd),
  };
}

/** Text of `chars` characters in tokens, on the safe side: one per 3 (tokenizers give about 4). */
export function tokensForChars(chars: number): number {
  return Math.ceil(chars / 3);
}

/** The fewest completion tokens worth asking a model for. */
export const MIN_COMPLETION_TOKENS = 64;

/**
 * A prompt's size in tokens, estimated on the safe side: one token per 3 characters (tokenizers
 * give about 4 for English) and 4 per message for the chat format.
 */
export function estimatePromptTokens(messages: readonly { content?: unknown }[]): number {
  let chars = 0;
  for (const m of messages) {
    chars +=
      typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content ?? '').length;
  }
  return tokensForChars(chars) + 4 * messages.length;
}

/** What a call of `promptTokens` and `completionTokens` costs at most. */
export function worstCase(
  price: ModelPrice,
  promptTokens: number,
  completionTokens: number,
): Grant {
  return {
    tokens: promptTokens + completionTokens,
    cost_usd: costOf(price, { promptTokens, completionTokens }),
  };
}

/**
 * The `max_tokens` a model call may ask for within a grant: at most `cap`, and no more than the
 * grant's tokens and USD leave after the prompt. When not even {@link MIN_COMPLETION_TOKENS}
 * fit, returns what the call needs at least instead.
 */
export function completionTokensWithin(
  grant: Grant,
  promptTokens: number,
  price: ModelPrice,
  cap: number,
): { maxTokens: number } | { needed: Grant } {
  const byTokens = grant.tokens - promptTokens;
  const promptCost = costOf(price, { promptTokens, completionTokens: 0 });
  const byCost =
    price.output_usd_per_1k > 0
      ? Math.floor(((grant.cost_usd - promptCost) * 1000) / price.output_usd_per_1k)
      : Infinity;
  const maxTokens = Math.min(cap, byTokens, byCost);
  if (maxTokens >= MIN_COMPLETION_TOKENS) return { maxTokens };
  return { needed: worstCase(price, promptTokens, MIN_COMPLETION_TOKENS) };
}

/**
 * The `ApplicationFailure` type an activity throws for a `402 BUDGET_INSUFFICIENT` answer; its
 * `details[0]` is the needed {@link Grant}. Not retryable: the same grant would be refused again.
 */
export const BUDGET_INSUFFICIENT_FAILURE = 'BudgetInsufficient';
