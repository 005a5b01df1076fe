import OpenAI from 'openai';
import { costOf } from '../../config/pricing';
import { AppError } from '../../http/app-error';
import type { Llm } from './llm-client';

/** The text and usage of one chat completion. */
export interface LlmAnswer {
  text: string;
  tokens: number;
  costUsd: number;
}

/**
 * One chat completion. Upstream failures become `AppError`s a caller's activity can
 * classify: 429, 5xx, timeouts and connection errors are transient (503); anything else
 * the server refused (bad key, bad request) is permanent (424).
 */
export async function callLlm(
  llm: Llm,
  request: {
    messages: OpenAI.Chat.ChatCompletionMessageParam[];
    maxTokens: number;
    signal?: AbortSignal;
    json?: boolean;
  },
): Promise<LlmAnswer> {
  try {
    const completion = await llm.client.chat.completions.create(
      {
        model: llm.model,
        messages: request.messages,
        max_tokens: request.maxTokens,
        ...(request.json ? { response_format: { type: 'json_object' as const } } : {}),
      },
      { signal: request.signal },
    );
    const promptTokens = completion.usage?.prompt_tokens ?? 0;
    const completionTokens = completion.usage?.completion_tokens ?? 0;
    return {
      text: completion.choices[0]?.message.content ?? '',
      tokens: completion.usage?.total_tokens ?? promptTokens + completionTokens,
      // Priced from the model's input and output prices (src/config/pricing.ts).
      costUsd: costOf(llm.price, { promptTokens, completionTokens }),
    };
  } catch (err) {
    throw toAppError(err);
  }
}

/** Maps the openai package's errors to our transient/permanent split. */
export function toAppError(err: unknown): AppError {
  if (err instanceof OpenAI.APIConnectionError) {
    // Includes APIConnectionTimeoutError.
    return new AppError('UPSTREAM_UNAVAILABLE', `LLM unreachable: ${err.message}`);
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    if (status === 429 || status === 408 || status >= 500) {
      return new AppError('UPSTREAM_UNAVAILABLE', `LLM temporarily unavailable (HTTP ${status})`);
    }
    return new AppError(
      'UPSTREAM_REJECTED',
      `LLM refused the request (HTTP ${status}): ${err.message}`,
    );
  }
  if (err instanceof AppError) return err;
  if ((err as { name?: string })?.name === 'AbortError') {
    return new AppError('UPSTREAM_UNAVAILABLE', 'LLM call aborted');
  }
  throw err;
}
