import OpenAI from 'openai';
import { costOf } from '../../shared/model-cost';
import { AppError } from '../../http/app-error';
import { type Grant } from '../../shared/budget';
import { completionTokensWithin, estimatePromptTokens } from '../../shared/model-cost';
import { budgetInsufficient, chargeGrant } from './grant';
import type { Llm } from './llm-client';

/** The text and usage of one chat completion. */
export interface LlmAnswer {
  text: string;
  tokens: number;
  costUsd: number;
}

/** One chat completion request. */
export interface LlmRequest {
  messages: OpenAI.Chat.ChatCompletionMessageParam[];
  /** The most completion tokens to ask for; with a grant, the cap on what the grant allows. */
  maxTokens: number;
  signal?: AbortSignal;
  json?: boolean;
  /**
   * What is left of the grant of the request this call serves, shared by all its calls: the
   * call's prompt estimate plus `max_tokens` must fit it, and its actual usage is charged to it.
   */
  grant?: Grant;
}

/**
 * One chat completion. With a grant, `max_tokens` is cut to what the grant leaves after the
 * prompt, and a call that cannot get even the smallest completion is refused with
 * `BUDGET_INSUFFICIENT` (402) before the model is asked. Upstream failures become `AppError`s
 * a caller's activity can classify: 429, 5xx, timeouts and connection errors are transient
 * (503); anything else the server refused (bad key, bad request) is permanent (424).
 */
export async function callLlm(llm: Llm, request: LlmRequest): Promise<LlmAnswer> {
  const { grant } = request;
  let maxTokens = request.maxTokens;
  if (grant) {
    const prompt = estimatePromptTokens(request.messages);
    const fit = completionTokensWithin(grant, prompt, llm.price, request.maxTokens);
    if ('needed' in fit) throw budgetInsufficient(grant, fit.needed);
    maxTokens = fit.maxTokens;
  }
  let answer: LlmAnswer;
  try {
    const completion = await llm.client.chat.completions.create(
      {
        model: llm.model,
        messages: request.messages,
        max_tokens: maxTokens,
        ...(request.json ? { response_format: { type: 'json_object' as const } } : {}),
      },
      { signal: request.signal },
    );
    const promptTokens = completion.usage?.prompt_tokens ?? 0;
    const completionTokens = completion.usage?.completion_tokens ?? 0;
    answer = {
      text: completion.choices[0]?.message.content ?? '',
      tokens: completion.usage?.total_tokens ?? promptTokens + completionTokens,
      // Priced from the model's input and output prices (src/config/pricing.ts).
      costUsd: costOf(llm.price, { promptTokens, completionTokens }),
    };
  } catch (err) {
    throw toAppError(err);
  }
  llm.recordUsage?.({ tokens: answer.tokens, costUsd: answer.costUsd });
  if (grant) chargeGrant(grant, { tokens: answer.tokens, cost_usd: answer.costUsd });
  return answer;
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
