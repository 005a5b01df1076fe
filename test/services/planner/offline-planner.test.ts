import { planOffline } from '../../../src/services/planner/offline-planner';
import { validatePlan } from '../../../src/services/planner/plan-validator';
import { totalEstimates } from '../../../src/services/planner/plan-estimates';
import { ARM_NAMES, planRequestSchema, type ArmName } from '../../../src/shared/plan';

const budget = { max_cost_usd: 1, max_time_seconds: 300, max_tokens: 20_000 };
const req = (goal: string, extra: Record<string, unknown> = {}) =>
  planRequestSchema.parse({ goal, budget, ...extra });
const shape = (goal: string, extra?: Record<string, unknown>) =>
  planOffline(req(goal, extra)).steps.map((s) => s.arm);

describe('planOffline', () => {
  it('is deterministic', () => {
    const request = req('Research the history of TCP congestion control');
    expect(planOffline(request)).toEqual(planOffline(request));
  });

  it.each([
    [
      'Research the history of TCP congestion control',
      ['retriever', 'retriever', 'coder', 'guardian', 'judge'],
    ],
    [
      'Write a Go function that reverses a UTF-8 string',
      ['retriever', 'coder', 'coder', 'guardian', 'judge'],
    ],
    [
      'Fetch https://api.example.com/x.json and compute the average price',
      ['executor', 'executor', 'executor', 'coder', 'judge'],
    ],
    ['Calculate 15% of 3400 plus 12 * 7', ['coder', 'executor', 'coder', 'judge']],
    [
      'Draft an email announcing the new office',
      ['retriever', 'planner', 'coder', 'guardian', 'judge'],
    ],
    ['Compare Kafka and RabbitMQ for event sourcing', ['retriever', 'coder', 'coder', 'judge']],
    ['How do I choose a good team name?', ['retriever', 'coder', 'judge']],
  ])('gives %j a plan of its kind', (goal, arms) => {
    expect(shape(goal)).toEqual(arms);
  });

  it('gives a multi-part request one step per part, chained when the parts are sequential', () => {
    const plan = planOffline(
      req(
        'Fetch https://x.example/a.json, then compute the totals, then write a summary for the team',
      ),
    );
    expect(plan.steps.map((s) => [s.arm, s.depends_on])).toEqual([
      ['executor', []],
      ['executor', ['s1']],
      ['coder', ['s2']],
      ['coder', ['s1', 's2', 's3']],
      ['guardian', ['s4']],
      ['judge', ['s4', 's5']],
    ]);
  });

  it('folds parts beyond the limit so a long list still has at most 7 steps', () => {
    const goal = Array.from({ length: 9 }, (_, i) => `- Part number ${i + 1} of the request`).join(
      '\n',
    );
    const plan = planOffline(req(goal));
    expect(plan.steps).toHaveLength(7);
    expect(validatePlan(plan.steps, req(goal))).toEqual([]);
  });

  it('ends with a judge step checking the request acceptance criteria', () => {
    const plan = planOffline(
      req('Write a haiku about autumn', { acceptance_criteria: ['Three lines'] }),
    );
    expect(plan.steps.at(-1)).toMatchObject({ arm: 'judge', acceptance_criteria: ['Three lines'] });
  });

  it('turns constraints into final criteria when the request has none', () => {
    const plan = planOffline(req('Write a haiku about autumn', { constraints: ['No rhyme'] }));
    expect(plan.steps.at(-1)?.acceptance_criteria).toContain(
      `The result respects the constraint "No rhyme"`,
    );
  });

  it.each<[ArmName[]]>([
    [['coder', 'judge']],
    [['retriever', 'coder']],
    [['executor', 'coder', 'judge']],
    [['coder', 'guardian']],
    [[...ARM_NAMES]],
  ])('plans validly with only %j', (arms) => {
    for (const goal of [
      'Research solar panel efficiency',
      'Write a Python script that renames photos by date',
      'Compute the mean of the dataset records',
      'Write a blog post about tea',
      'Assess the risks of a late launch',
      'What should I cook tonight?',
    ]) {
      const request = req(goal, { arms });
      const plan = planOffline(request);
      expect({ goal, problems: validatePlan(plan.steps, request) }).toEqual({ goal, problems: [] });
      expect(plan.steps.every((s) => arms.includes(s.arm))).toBe(true);
    }
  });

  it('scales estimates into a small budget', () => {
    const small = { max_cost_usd: 0.005, max_time_seconds: 20, max_tokens: 1_000 };
    const request = req('Research the history of TCP congestion control', { budget: small });
    const totals = totalEstimates(planOffline(request).steps);
    expect(totals.cost_usd).toBeLessThanOrEqual(small.max_cost_usd * 0.9);
    expect(totals.seconds).toBeLessThanOrEqual(small.max_time_seconds * 0.9);
    expect(totals.tokens).toBeLessThanOrEqual(small.max_tokens * 0.9);
  });

  it('keeps quoted user text from tripping the capability checks', () => {
    const request = req('Write code that runs a shell command with "rm -rf" safely quoted');
    expect(validatePlan(planOffline(request).steps, request)).toEqual([]);
  });

  it('marks its rationale as offline', () => {
    expect(planOffline(req('Research bees')).rationale).toMatch(
      /^Offline plan \(no LLM configured\)/,
    );
  });
});
