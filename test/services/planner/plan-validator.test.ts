import { validatePlan } from '../../../src/services/planner/plan-validator';
import { ARM_NAMES } from '../../../src/shared/plan';
import { planStep } from '../../support/plan-step';

const budget = { max_cost_usd: 1, max_time_seconds: 300, max_tokens: 20_000 };
const limits = { arms: ARM_NAMES, budget };
const step = planStep;
const good = [step('s1', 'retriever'), step('s2', 'coder', ['s1']), step('s3', 'judge', ['s2'])];

describe('validatePlan', () => {
  it('accepts a valid plan', () => {
    expect(validatePlan(good, limits)).toEqual([]);
  });

  it('rejects too few and too many steps', () => {
    expect(validatePlan(good.slice(0, 2), limits)).toContain('plan has 2 steps; it needs 3 to 7');
    const eight = Array.from({ length: 8 }, (_, i) => step(`s${i + 1}`, 'coder'));
    expect(validatePlan(eight, limits)).toContain('plan has 8 steps; it needs 3 to 7');
  });

  it('rejects forward, circular, self and dangling dependencies, and duplicate ids', () => {
    const plan = [
      step('s1', 'retriever', ['s2']),
      step('s2', 'coder', ['s2']),
      step('s2', 'coder', ['nope']),
      step('s4', 'judge', ['s2']),
    ];
    expect(validatePlan(plan, limits)).toEqual([
      'steps[0] (s1): depends_on "s2" is not an earlier step',
      'steps[1] (s2): depends on itself',
      'steps[2] (s2): duplicate step id',
      'steps[2] (s2): depends_on "nope" does not exist',
    ]);
  });

  it('rejects arms that are not on offer', () => {
    const problems = validatePlan(good, { ...limits, arms: ['retriever', 'judge'] });
    expect(problems).toEqual(['steps[1] (s2): arm "coder" is not available']);
  });

  it('rejects steps an arm cannot do, but not quoted subject matter', () => {
    const shell = [
      step('s1', 'executor', [], 'Run a shell command to list the files'),
      step('s2', 'retriever', [], 'Write the parsing function'),
      step('s3', 'judge', ['s1'], 'Fetch the page and check it'),
    ];
    const problems = validatePlan(shell, limits);
    expect(problems).toEqual([
      expect.stringMatching(
        /steps\[0\] \(s1\): the executor arm cannot do this: no arm runs shell/,
      ),
      expect.stringMatching(
        /steps\[1\] \(s2\): the retriever arm cannot do this: it does not write code/,
      ),
      expect.stringMatching(/steps\[2\] \(s3\): the judge arm cannot do this: it makes no network/),
    ]);
    const quoted = [
      step(
        's1',
        'retriever',
        [],
        'Search the documents for material on "write a parsing function"',
      ),
      ...good.slice(1),
    ];
    expect(validatePlan(quoted, limits)).toEqual([]);
  });

  it('requires checking arms to depend on something', () => {
    const plan = [step('s1', 'retriever'), step('s2', 'guardian'), step('s3', 'judge', ['s1'])];
    expect(validatePlan(plan, limits)).toEqual([
      'steps[1] (s2): the guardian arm checks earlier outputs, so it must depend on at least one step',
    ]);
  });

  it('rejects blank acceptance criteria', () => {
    const plan = [{ ...good[0]!, acceptance_criteria: ['  '] }, ...good.slice(1)];
    expect(validatePlan(plan, limits)).toEqual([
      'steps[0] (s1): acceptance criteria must not be blank',
    ]);
  });

  it('rejects estimates over the budget, naming each exceeded limit', () => {
    const tight = { max_cost_usd: 0.02, max_time_seconds: 20, max_tokens: 2_000 };
    expect(validatePlan(good, { ...limits, budget: tight })).toEqual([
      'estimated cost $0.03 exceeds the budget of $0.02',
      'estimated time 30s exceeds the budget of 20s',
      'estimated 3000 tokens exceed the budget of 2000',
    ]);
  });
});
