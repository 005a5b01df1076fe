import type { ArmDescriptor } from '../arm-handler';
import { llmStep } from '../llm-step';
import { offlineAnswer } from './offline';

const SYSTEM_PROMPT =
  'You are the executor arm of OctoLLM. Carry out the step as a precise procedure and report ' +
  'exactly what was done and the result. Never claim to have run something you did not run.';

/** Carries out procedural steps. Its safe tool set arrives with the execution engine. */
export const executorArm: ArmDescriptor = {
  name: 'executor',
  capabilities: ['procedure', 'transformation', 'calculation'],
  cost_tier: 'low',
  handler: async (request, { llm, signal }) =>
    llm
      ? llmStep(llm, SYSTEM_PROMPT, request, signal)
      : offlineAnswer('executor', request, 'execute anything'),
};
