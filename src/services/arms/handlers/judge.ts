import type { ArmExecuteResponse } from '../../../shared/arm';
import type { ArmDescriptor, ArmRequest } from '../arm-handler';
import { CRITERION_RULES, judgeByRule } from '../judge/criterion-rules';
import { judgeWithLlm } from '../judge/llm-verdicts';

/** A criterion's verdict and how it was reached. */
export interface CriterionVerdict {
  criterion: string;
  verdict: 'pass' | 'fail' | 'unverified';
  method: 'rule' | 'llm' | 'none';
  detail: string;
}

/**
 * Checks each criterion a rule can decide (see criterion-rules.ts); the others come back
 * `unverified` with method `none`, and the reason the rules gave, if any.
 */
export function judgeByRules(request: ArmRequest): CriterionVerdict[] {
  return request.step.acceptance_criteria.map((criterion) => {
    const outcome = judgeByRule(criterion, request.inputs);
    if (outcome && outcome.verdict !== 'undecided') {
      return { criterion, verdict: outcome.verdict, method: 'rule', detail: outcome.detail };
    }
    return {
      criterion,
      verdict: 'unverified',
      method: 'none',
      detail: outcome ? `${outcome.rule}: ${outcome.detail}` : 'no rule applies',
    };
  });
}

/**
 * Judges a step's inputs (the outputs of the steps it depends on) against its acceptance
 * criteria: machine-checkable criteria by rule, the rest in one LLM call when a model is
 * configured, else `unverified`. `passed` is true only when every criterion passed.
 */
export const judgeArm: ArmDescriptor = {
  name: 'judge',
  capabilities: ['verification', 'evaluation', 'acceptance-check'],
  cost_tier: 'low',
  details: {
    rules: CRITERION_RULES.map((r) => ({ name: r.name, example: r.example })),
  },
  handler: async (request, ctx): Promise<ArmExecuteResponse> => {
    const { llm } = ctx;
    const verdicts = judgeByRules(request);
    const open = verdicts.filter((v) => v.method === 'none');
    const usage = { tokens: 0, cost_usd: 0 };
    if (llm && open.length) {
      const answer = await judgeWithLlm(
        llm,
        request,
        open.map((v) => v.criterion),
        ctx,
      );
      open.forEach((v, i) => {
        Object.assign(v, { method: 'llm', ...answer.verdicts[i] });
      });
      usage.tokens = answer.tokens;
      usage.cost_usd = answer.costUsd;
    } else {
      for (const v of open) v.detail = `${v.detail}; no LLM configured`;
    }
    const count = (verdict: CriterionVerdict['verdict']) =>
      verdicts.filter((v) => v.verdict === verdict).length;
    const [pass, fail, unverified] = [count('pass'), count('fail'), count('unverified')];
    const mode = llm && open.length ? 'llm' : open.length ? 'offline' : 'tool';
    return {
      output: { verdicts, passed: fail === 0 && unverified === 0 },
      summary: `judge: ${pass} pass, ${fail} fail, ${unverified} unverified${mode === 'offline' ? ' (offline: rules only)' : ''}`,
      confidence: verdicts.length ? (verdicts.length - unverified) / verdicts.length : 0,
      usage,
      mode,
    };
  },
};
