import type { ChatRequestBody, FakeReply } from './fake-openai-server';

/** Three prose steps on the coder arm, one after the other: a plan the planner accepts. */
export const PROSE_PLAN = {
  steps: ['Draft', 'Tighten', 'Polish'].map((verb, i) => ({
    id: `s${i + 1}`,
    action: `${verb} a short paragraph on durable execution`,
    arm: 'coder',
    acceptance_criteria: ['The paragraph is non-empty'],
    depends_on: i === 0 ? [] : [`s${i}`],
    estimated_cost_usd: 0.001,
    estimated_seconds: 5,
    estimated_tokens: 500,
  })),
  rationale: 'draft, then improve',
  confidence: 0.8,
  complexity: 'simple',
};

/**
 * A model for the fake OpenAI-compatible server that always costs the worst case: the planner
 * (asked for a `plan` structured output) gets {@link PROSE_PLAN} for 100 + 200 tokens; every other
 * call is answered with prose and uses all the completion tokens it was allowed (`max_tokens`).
 */
export function worstCaseModel(body: ChatRequestBody | undefined): FakeReply {
  if (body?.response_format?.json_schema?.name === 'plan') {
    return { plan: PROSE_PLAN, usage: { prompt_tokens: 100, completion_tokens: 200 } };
  }
  return {
    content: 'Durable execution keeps a workflow going through crashes.',
    usage: { prompt_tokens: 100, completion_tokens: body?.max_tokens ?? 2_000 },
  };
}

/** The tokens {@link worstCaseModel} reported for a request it answered. */
export function tokensReported(body: ChatRequestBody | undefined): number {
  return 100 + (body?.response_format ? 200 : (body?.max_tokens ?? 2_000));
}
