import type { Logger } from 'pino';
import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { zodResponseFormat } from 'openai/helpers/zod';
import { APIError } from 'openai';
import { costOf } from '../../shared/model-cost';
import { AppError } from '../../http/app-error';
import { type Grant } from '../../shared/budget';
import { completionTokensWithin, estimatePromptTokens } from '../../shared/model-cost';
import type { PlanRequest } from '../../shared/plan';
import { budgetInsufficient, chargeGrant, remainingGrant, shortfall } from '../common/grant';
import type { Llm } from '../common/llm-client';
import { isResponseFormatUnsupported, llmErrorToAppError, llmFailureKind } from './llm-errors';
import { llmPlanSchema, parseLlmPlan } from './llm-plan-schema';
import type { PlanDraft } from './plan-draft';
import { PlanInvalidError } from './plan-invalid-error';
import { validatePlan } from './plan-validator';
import { buildPlanMessages, buildRepairMessage } from './planner-prompt';
import type { PlannerMetrics } from './planner-metrics';

/**
 * How the reply format is requested: `json_schema` (structured outputs from the zod schema),
 * `json_object` (JSON mode) or `none` (format in the prompt only). `auto` starts with
 * `json_schema` and steps down when the server turns a format down.
 */
export type StructuredOutputMode = 'auto' | 'json_schema' | 'json_object' | 'none';

/** Options for the LLM planner. */
export interface LlmPlannerOptions {
  llm: Llm;
  logger: Logger;
  metrics?: PlannerMetrics;
  /** How many times an invalid plan goes back to the model; default 2 (3 calls at most). */
  maxRepairs?: number;
  structuredOutput?: StructuredOutputMode;
  /** Sampling temperature; null leaves it to the server (some reasoning models reject it). */
  temperature?: number | null;
  /** Deadline of each model call, in milliseconds; defaults to the client's own timeout. */
  timeoutMs?: number;
  /** Timeout of the readiness probe, in milliseconds. */
  probeTimeoutMs?: number;
}

/**
 * Completion tokens one planning call may ask for when a grant caps the calls: room for a
 * seven-step plan with its rationale and estimates.
 */
export const PLAN_MAX_COMPLETION_TOKENS = 4_000;

/** Plans with a model, repairing invalid plans, and reports whether the model is reachable. */
export interface LlmPlanner {
  model: string;
  /**
   * A valid plan, or PlanInvalidError after the allowed repairs (or when the request's grant
   * cannot cover another repair), or an upstream AppError: `BUDGET_INSUFFICIENT` when the grant
   * does not cover the first call. `usage` accumulates the tokens and cost of every model call,
   * rejected plans included.
   */
  plan(request: PlanRequest, call?: { signal?: AbortSignal; usage?: Grant }): Promise<PlanDraft>;
  /** Whether the server answers (a cheap `GET /models`) and accepts the credentials. */
  probe(): Promise<{ ok: boolean; detail: string }>;
}

const FORMAT_ORDER = ['json_schema', 'json_object', 'none'] as const;
type FormatMode = (typeof FORMAT_ORDER)[number];

/**
 * Creates the LLM planner. Each plan call sends the task, reads the reply with the zod schema,
 * validates it, and sends problems back for repair up to `maxRepairs` times. The client never
 * retries (maxRetries 0): transient failures surface as 503 for Temporal to retry the activity.
 */
export function createLlmPlanner(options: LlmPlannerOptions): LlmPlanner {
  const { llm, logger, metrics } = options;
  const maxRepairs = options.maxRepairs ?? 2;
  const temperature = options.temperature === undefined ? 0 : options.temperature;
  // Learned once per planner: a server that rejected structured outputs will reject them again.
  let format: FormatMode =
    options.structuredOutput === 'auto' || !options.structuredOutput
      ? 'json_schema'
      : options.structuredOutput;
  const canStepDown = (options.structuredOutput ?? 'auto') === 'auto';
  const timeoutMs = options.timeoutMs ?? llm.client.timeout;

  function responseFormat(request: PlanRequest) {
    if (format === 'json_schema') {
      return { response_format: zodResponseFormat(llmPlanSchema(request.arms), 'plan') };
    }
    if (format === 'json_object') return { response_format: { type: 'json_object' as const } };
    return {};
  }

  /**
   * The `max_tokens` of the next call within what is left of the grant, or what it needs. The
   * prompt counts the response format too: a JSON schema goes with the messages and may be
   * counted as prompt tokens. Stepping down to a simpler format only shrinks the prompt.
   */
  function fitCall(request: PlanRequest, messages: ChatCompletionMessageParam[], left: Grant) {
    const sent = responseFormat(request).response_format;
    const prompt = estimatePromptTokens(sent ? [...messages, { content: sent }] : messages);
    return completionTokensWithin(left, prompt, llm.price, PLAN_MAX_COMPLETION_TOKENS);
  }

  async function complete(
    request: PlanRequest,
    messages: ChatCompletionMessageParam[],
    call: { signal?: AbortSignal; maxTokens?: number },
  ): Promise<ChatCompletion> {
    const { signal, maxTokens } = call;
    for (;;) {
      const started = performance.now();
      // The planner owns the deadline (the client's own timer is set later as a backstop) so a
      // timeout is told apart from a lost connection by which signal fired, not by parsing errors.
      const deadline = AbortSignal.timeout(timeoutMs);
      try {
        const completion = await llm.client.chat.completions.create(
          {
            model: llm.model,
            messages,
            ...(temperature === null ? {} : { temperature }),
            ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
            ...responseFormat(request),
          },
          {
            signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
            timeout: timeoutMs + 1_000,
            maxRetries: 0,
          },
        );
        metrics?.llmSeconds.observe({ outcome: 'ok' }, (performance.now() - started) / 1e3);
        return completion;
      } catch (err) {
        const seconds = (performance.now() - started) / 1e3;
        metrics?.llmSeconds.observe({ outcome: llmFailureKind(err) }, seconds);
        const next = FORMAT_ORDER[FORMAT_ORDER.indexOf(format) + 1];
        if (canStepDown && next && isResponseFormatUnsupported(err)) {
          logger.warn(
            { from: format, to: next },
            'LLM server rejected the response format; stepping down',
          );
          format = next;
          continue;
        }
        const appError = deadline.aborted
          ? new AppError('UPSTREAM_UNAVAILABLE', 'The LLM did not answer in time')
          : llmErrorToAppError(err);
        logger.warn(
          { status: err instanceof APIError ? err.status : undefined, code: appError?.code },
          'LLM call failed',
        );
        throw appError ?? err;
      }
    }
  }

  return {
    model: llm.model,

    async plan(request, { signal, usage } = {}) {
      const messages = buildPlanMessages(request);
      // What is left of the grant: every call is sized to fit it and charged to it.
      const left = request.grant && remainingGrant(request.grant);
      let problems: string[] = [];
      for (let attempt = 1; attempt <= maxRepairs + 1; attempt += 1) {
        if (attempt > 1) messages.push(buildRepairMessage(problems));
        let maxTokens: number | undefined;
        if (left) {
          const fit = fitCall(request, messages, left);
          if ('needed' in fit) {
            if (attempt === 1) throw budgetInsufficient(left, fit.needed);
            logger.info({ attempt }, 'planning grant ran out before a repair');
            throw new PlanInvalidError(
              [
                `the planning grant ran out before a repair: ${shortfall(left, fit.needed)}`,
                ...problems,
              ],
              attempt - 1,
            );
          }
          maxTokens = fit.maxTokens;
        }
        if (attempt > 1) metrics?.repairs.inc();
        const completion = await complete(request, messages, { signal, maxTokens });
        const used = usageOf(completion, llm.price);
        llm.recordUsage?.({ tokens: used.tokens, costUsd: used.cost_usd });
        if (usage) {
          usage.tokens += used.tokens;
          usage.cost_usd += used.cost_usd;
        }
        if (left) chargeGrant(left, used);
        const choice = completion.choices[0];
        if (choice?.message.refusal) {
          throw new AppError('UPSTREAM_REJECTED', 'The model refused to plan this task');
        }
        const content = choice?.message.content ?? '';
        const parsed = parseLlmPlan(content);
        problems = parsed.ok ? validatePlan(parsed.draft.steps, request) : parsed.problems;
        if (choice?.finish_reason === 'length') {
          problems = [
            'the reply was cut off at the token limit; return a shorter plan',
            ...problems,
          ];
        }
        if (parsed.ok && problems.length === 0) return parsed.draft;
        logger.info({ attempt, problems: problems.length }, 'model plan rejected by the validator');
        // Keep the conversation so the model repairs its own plan rather than starting over.
        messages.push({ role: 'assistant', content: content.slice(0, 16_000) });
      }
      throw new PlanInvalidError(problems, maxRepairs + 1);
    },

    async probe() {
      try {
        await llm.client.models.list({ timeout: options.probeTimeoutMs ?? 3_000, maxRetries: 0 });
        return { ok: true, detail: `model ${llm.model}: server reachable` };
      } catch (err) {
        if (err instanceof APIError && err.status !== undefined) {
          if (err.status === 401 || err.status === 403) {
            return {
              ok: false,
              detail: `model ${llm.model}: credentials rejected (${err.status})`,
            };
          }
          // Some compatible servers have no /models route; an HTTP answer still proves it is up.
          if (err.status < 500) {
            return { ok: true, detail: `model ${llm.model}: server reachable (${err.status})` };
          }
          return { ok: false, detail: `model ${llm.model}: server failing (${err.status})` };
        }
        return { ok: false, detail: `model ${llm.model}: server unreachable` };
      }
    },
  };
}

/** The tokens of one completion, and their cost at the model's prices. */
function usageOf(completion: ChatCompletion, price: Llm['price']): Grant {
  const promptTokens = completion.usage?.prompt_tokens ?? 0;
  const completionTokens = completion.usage?.completion_tokens ?? 0;
  return {
    tokens: completion.usage?.total_tokens ?? promptTokens + completionTokens,
    cost_usd: costOf(price, { promptTokens, completionTokens }),
  };
}
