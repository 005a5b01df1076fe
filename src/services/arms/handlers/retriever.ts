import type { ArmDescriptor } from '../arm-handler';
import { llmStep } from '../llm-step';

const SYSTEM_PROMPT =
  'You are the retriever arm of OctoLLM. Gather the facts the step asks for from what you know, ' +
  'list each fact with where it comes from, and say plainly what you could not find.';

/**
 * Finds information for a step. Until the document store exists, it has no corpus of its
 * own: with an LLM it answers from the model's knowledge, offline it reports that it found
 * nothing rather than inventing passages.
 */
export const retrieverArm: ArmDescriptor = {
  name: 'retriever',
  capabilities: ['search', 'retrieval', 'fact-finding'],
  cost_tier: 'low',
  handler: async (request, { llm, signal }) => {
    if (llm) return llmStep(llm, SYSTEM_PROMPT, request, signal);
    return {
      output: {
        passages: [],
        query: request.step.action,
        note: 'No documents are indexed; nothing retrieved.',
      },
      summary: 'retriever: 0 passages (no documents indexed)',
      confidence: 0.2,
      usage: { tokens: 0, cost_usd: 0 },
      mode: 'offline',
    };
  },
};
