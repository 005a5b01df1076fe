import type { ArmExecuteResponse } from '../../../shared/arm';
import type { ArmDescriptor, ArmRequest } from '../arm-handler';
import { llmStep } from '../llm-step';

const SYSTEM_PROMPT =
  'You are the judge arm of OctoLLM. Check the inputs against each acceptance criterion. For each ' +
  'criterion answer PASS or FAIL with one sentence of evidence, then an overall verdict.';

/** A criterion's verdict and how it was reached. */
export interface CriterionVerdict {
  criterion: string;
  verdict: 'pass' | 'fail' | 'unverified';
  method: 'rule' | 'none';
  detail: string;
}

/**
 * Checks the rules a machine can decide without an LLM: that there is output at all, and
 * criteria of the form `contains "x"`. Everything else stays `unverified` offline.
 */
export function judgeByRules(request: ArmRequest): CriterionVerdict[] {
  const text = Object.values(request.inputs)
    .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
    .join('\n');
  return request.step.acceptance_criteria.map((criterion): CriterionVerdict => {
    const contains = /contains?\s+["'“](.+?)["'”]/i.exec(criterion);
    if (contains?.[1]) {
      const ok = text.toLowerCase().includes(contains[1].toLowerCase());
      return {
        criterion,
        verdict: ok ? 'pass' : 'fail',
        method: 'rule',
        detail: `looked for "${contains[1]}"`,
      };
    }
    if (/\b(non-?empty|not empty|produced|exists?)\b/i.test(criterion)) {
      const ok = text.trim().length > 0;
      return {
        criterion,
        verdict: ok ? 'pass' : 'fail',
        method: 'rule',
        detail: `${text.length} characters of input`,
      };
    }
    return { criterion, verdict: 'unverified', method: 'none', detail: 'needs an LLM to judge' };
  });
}

/** Judges earlier outputs against acceptance criteria. */
export const judgeArm: ArmDescriptor = {
  name: 'judge',
  capabilities: ['verification', 'evaluation', 'acceptance-check'],
  cost_tier: 'low',
  handler: async (request, { llm, signal }): Promise<ArmExecuteResponse> => {
    if (llm) return llmStep(llm, SYSTEM_PROMPT, request, signal);
    const verdicts = judgeByRules(request);
    const failed = verdicts.filter((v) => v.verdict === 'fail').length;
    const unverified = verdicts.filter((v) => v.verdict === 'unverified').length;
    return {
      output: { verdicts, passed: failed === 0 && unverified === 0 },
      summary: `judge: ${verdicts.length - failed - unverified} pass, ${failed} fail, ${unverified} unverified (offline: rules only)`,
      confidence: verdicts.length ? (verdicts.length - unverified) / verdicts.length : 0,
      usage: { tokens: 0, cost_usd: 0 },
      mode: 'offline',
    };
  },
};
