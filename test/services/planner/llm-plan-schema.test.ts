import { parseLlmPlan } from '../../../src/services/planner/llm-plan-schema';
import { splitGoalParts, primaryKind } from '../../../src/services/planner/goal-classifier';

const step = { id: 's1', action: 'a', arm: 'coder', acceptance_criteria: ['ok'], depends_on: [] };

describe('parseLlmPlan', () => {
  it('reads a plan, applying defaults and rounding token estimates', () => {
    const parsed = parseLlmPlan(
      JSON.stringify({
        steps: [{ ...step, estimated_tokens: 12.6 }],
        rationale: 'r',
        confidence: 0.7,
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      draft: {
        steps: [{ ...step, estimated_cost_usd: 0, estimated_seconds: 0, estimated_tokens: 13 }],
        rationale: 'r',
        confidence: 0.7,
        complexity: 'simple',
      },
    });
  });

  it('says what is wrong, field by field', () => {
    const parsed = parseLlmPlan(
      JSON.stringify({
        steps: [
          { ...step, arm: 'writer' },
          { ...step, id: 'bad id!', acceptance_criteria: [] },
        ],
      }),
    );
    expect(parsed).toEqual({
      ok: false,
      problems: [
        expect.stringContaining('steps[0] (s1): arm "writer" does not exist'),
        expect.stringContaining('steps[1] (bad id!).id: must be 1-32 letters'),
        'steps[1] (bad id!).acceptance_criteria: every step needs acceptance criteria',
      ],
    });
  });

  it('reports empty, non-JSON and wrongly shaped replies', () => {
    expect(parseLlmPlan('')).toEqual({ ok: false, problems: ['the reply was empty'] });
    expect(parseLlmPlan('Sure! Here is a plan')).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('not valid JSON')],
    });
    expect(parseLlmPlan('[1,2]')).toEqual({
      ok: false,
      problems: ['the reply must be a JSON object with a "steps" array'],
    });
  });

  it('accepts JSON in a Markdown fence', () => {
    expect(parseLlmPlan('```json\n{"steps":[]}\n```')).toMatchObject({ ok: true });
  });
});

describe('goal classification', () => {
  it('takes the opening verb over nouns in the goal', () => {
    expect(primaryKind('Investigate the history of the Raft consensus algorithm')).toBe('research');
    expect(primaryKind('Write a Python function that sorts')).toBe('code');
    expect(primaryKind('Write a letter to my landlord')).toBe('writing');
  });

  it('splits numbered lists, bullets, semicolons and "then" chains', () => {
    expect(splitGoalParts('1. Research rate limits\n2. Write a limiter in Go')).toEqual([
      'Research rate limits',
      'Write a limiter in Go',
    ]);
    expect(splitGoalParts('Explain bloom filters; implement one in Go')).toEqual([
      'Explain bloom filters',
      'implement one in Go',
    ]);
    expect(splitGoalParts('Fetch the rates, then convert 10 EUR to USD')).toEqual([
      'Fetch the rates',
      'convert 10 EUR to USD',
    ]);
    expect(splitGoalParts('Write a haiku about autumn')).toEqual(['Write a haiku about autumn']);
  });
});
