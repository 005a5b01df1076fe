import type { ArmExecuteResponse } from '../../shared/arm';
import type { Llm } from '../common/llm-client';
import { callLlm } from '../common/call-llm';
import { spotlight, type Spotlight } from '../common/spotlight';
import type { ArmContext, ArmRequest } from './arm-handler';

/**
 * Renders a step, its goal and its inputs as the user message of an arm's LLM call. The inputs
 * (earlier steps' outputs: retrieved passages, fetched pages, model text) are untrusted: each is
 * marked as data with `spot`, whose rule goes into the system prompt.
 */
export function describeStep(request: ArmRequest, spot: Spotlight): string {
  const inputs = Object.entries(request.inputs)
    .map(([id, value]) =>
      spot.wrap(
        `output of step ${id}`,
        typeof value === 'string' ? value : JSON.stringify(value, null, 2),
      ),
    )
    .join('\n\n');
  return [
    `Overall goal: ${request.goal}`,
    `Your step: ${request.step.action}`,
    `Acceptance criteria:\n${request.step.acceptance_criteria.map((c) => `- ${c}`).join('\n')}`,
    inputs && `Inputs from earlier steps:\n${inputs}`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Completion tokens a step's answer may take at most, grant permitting. */
const MAX_COMPLETION_TOKENS = 2_000;

/** Runs a step through the LLM with an arm-specific system prompt, within the request's grant. */
export async function llmStep(
  llm: Llm,
  systemPrompt: string,
  request: ArmRequest,
  { signal, grant }: Pick<ArmContext, 'signal' | 'grant'>,
): Promise<ArmExecuteResponse> {
  const spot = spotlight();
  const answer = await callLlm(llm, {
    messages: [
      { role: 'system', content: `${systemPrompt}\n\n${spot.rule}` },
      { role: 'user', content: describeStep(request, spot) },
    ],
    maxTokens: MAX_COMPLETION_TOKENS,
    signal,
    grant,
  });
  return {
    output: answer.text,
    summary:
      answer.text
        .split('\n')
        .find((l) => l.trim())
        ?.slice(0, 200) ?? '',
    confidence: 0.7,
    usage: { tokens: answer.tokens, cost_usd: answer.costUsd },
    mode: 'llm',
  };
}
