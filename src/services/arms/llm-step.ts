import type { ArmExecuteResponse } from '../../shared/arm';
import type { Llm } from '../common/llm-client';
import { callLlm } from '../common/call-llm';
import { spotlight, type Spotlight } from '../common/spotlight';
import type { ArmContext, ArmRequest } from './arm-handler';

/** How inputs too long for a prompt are cut: to `maxChars` characters, then `marker`. */
export interface InputCut {
  maxChars: number;
  marker: string;
}

/**
 * A step's inputs (earlier steps' outputs: retrieved passages, fetched pages, model text) as
 * prompt text: each as text (JSON pretty-printed), cut if `cut` says so, and marked as data with
 * `spot`, since they are untrusted; `spot`'s rule goes into the system prompt. '' when there are
 * none.
 */
export function renderInputs(
  inputs: Record<string, unknown>,
  spot: Spotlight,
  cut?: InputCut,
): string {
  return Object.entries(inputs)
    .map(([id, value]) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
      const shown =
        cut && text.length > cut.maxChars ? `${text.slice(0, cut.maxChars)}${cut.marker}` : text;
      return spot.wrap(`output of step ${id}`, shown);
    })
    .join('\n\n');
}

/**
 * Renders a step, its goal and its inputs (see {@link renderInputs}, cut as `cut` says) as the
 * user message of an arm's LLM call.
 */
export function describeStep(request: ArmRequest, spot: Spotlight, cut?: InputCut): string {
  const inputs = renderInputs(request.inputs, spot, cut);
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
      { role: 'system', content: spot.system(systemPrompt) },
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
