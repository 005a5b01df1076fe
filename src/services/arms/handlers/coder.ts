import type { ArmDescriptor } from '../arm-handler';
import { llmStep } from '../llm-step';
import { offlineAnswer } from './offline';

const SYSTEM_PROMPT =
  'You are the coder arm of OctoLLM. Write, explain or review code exactly as the step asks. ' +
  'Answer with the code in fenced blocks and a short explanation. Meet every acceptance criterion.';

/** Writes, explains and reviews code with the LLM. */
export const coderArm: ArmDescriptor = {
  name: 'coder',
  capabilities: ['code-generation', 'code-review', 'code-explanation', 'debugging'],
  cost_tier: 'medium',
  handler: async (request, ctx) =>
    ctx.llm
      ? llmStep(ctx.llm, SYSTEM_PROMPT, request, ctx)
      : offlineAnswer('coder', request, 'write any code'),
};
