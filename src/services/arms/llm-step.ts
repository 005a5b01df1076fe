import type { ArmExecuteResponse } from '../../shared/arm';
import type { Llm } from '../common/llm-client';
import { callLlm } from '../common/call-llm';
import type { ArmRequest } from './arm-handler';

/** Renders a step, its goal and its inputs as the user message of an arm's LLM call. */
export function describeStep(request: ArmRequest): string {
  const inputs = Object.entries(request.inputs)
    .map(
      ([id, value]) =>
        `### Output of ${id}\n${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}`,
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

/** Runs a step through the LLM with an arm-specific system prompt. */
export async function llmStep(
  llm: Llm,
  systemPrompt: string,
  request: ArmRequest,
  signal: AbortSignal,
): Promise<ArmExecuteResponse> {
  const answer = await callLlm(llm, {
    messages: [
      { role: 'system', content: systemPrompt },
      { role: 'user', content: describeStep(request) },
    ],
    maxTokens: Math.max(64, Math.min(2_000, request.budget_left.tokens)),
    signal,
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
