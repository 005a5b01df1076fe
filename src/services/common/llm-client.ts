import OpenAI from 'openai';
import { priceOf, type ModelPrice } from '../../shared/model-cost';

/** How to reach an OpenAI-compatible endpoint; no key means offline mode. */
export interface LlmSettings {
  apiKey?: string;
  baseUrl?: string;
  model: string;
  timeoutMs: number;
  /** USD per 1 000 tokens by model; models missing from it are priced on the safe side. */
  prices?: Record<string, ModelPrice>;
}

/** A configured LLM: the client and the model to ask. */
export interface Llm {
  client: OpenAI;
  model: string;
  /** The model's price, for the cost of each call. */
  price: ModelPrice;
  /** Counts each call's usage on the service's metrics (see llm-usage-metrics.ts). */
  recordUsage?: (used: { tokens: number; costUsd: number }) => void;
}

/**
 * Creates the LLM client, or `undefined` when no key is configured (offline mode).
 * The client never retries by itself: Temporal's retry policy is the only retry layer.
 */
export function createLlm(settings: LlmSettings): Llm | undefined {
  if (!settings.apiKey) return undefined;
  return {
    client: new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseUrl,
      maxRetries: 0,
      timeout: settings.timeoutMs,
    }),
    model: settings.model,
    price: priceOf(settings.prices ?? {}, settings.model),
  };
}
