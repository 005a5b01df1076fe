import OpenAI from 'openai';

/** How to reach an OpenAI-compatible endpoint; no key means offline mode. */
export interface LlmSettings {
  apiKey?: string;
  baseUrl?: string;
  model: string;
  timeoutMs: number;
}

/** A configured LLM: the client and the model to ask. */
export interface Llm {
  client: OpenAI;
  model: string;
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
  };
}
