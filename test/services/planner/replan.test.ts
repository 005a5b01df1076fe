import pino from 'pino';
import { createPlanner } from '../../../src/services/planner/planner';
import { replan } from '../../../src/services/planner/replan';
import { revisionId } from '../../../src/services/planner/revision-ids';
import {
  ARM_NAMES,
  replanRequestSchema,
  validateRevisionSteps,
  type PlanStep,
} from '../../../src/shared/plan';
import { planStep } from '../../support/plan-step';

const logger = pino({ level: 'silent' });
const budget = { max_cost_usd: 1, max_time_seconds: 300, max_tokens: 20_000 };
const step = planStep;
// The offline planner's research shape: gather, counter-evidence, synthesis, screen, verify.
const plan = [
  step('s1', 'retriever', [], 'Find sources on PostgreSQL and SQLite'),
  step('s2', 'retriever', [], 'Find counter-arguments'),
  step('s3', 'coder', ['s1', 's2'], 'Write a comparison of the trade-offs'),
  step('s4', 'guardian', ['s3'], 'Screen the comparison'),
  {
    ...step('s5', 'judge', ['s3', 's4'], 'Verify the comparison'),
    acceptance_criteria: ['Names three trade-offs'],
  },
];
const done = (s: PlanStep) => ({
  step: s,
  summary: `${s.id} finished`,
  output: { text: `out ${s.id}` },
});
const replanRequest = (fields: Record<string, unknown>) =>
  replanRequestSchema.parse({
    goal: 'Research the trade-offs between PostgreSQL and SQLite',
    budget,
    revision: 1,
    ...fields,
  });

describe('replan (offline)', () => {
  const planner = createPlanner({ logger });

  it('re-runs the unfinished steps of a failed middle step under new ids, deterministically', async () => {
    const request = replanRequest({
      completed: plan.slice(0, 2).map(done),
      unfinished: plan.slice(2),
      failure: { step_id: 's3', reason: 'the coder arm timed out after 3 attempts' },
    });
    const revision = await replan(planner, request);
    expect(revision.steps.map((s) => [s.id, s.arm, s.depends_on])).toEqual([
      ['s3-r1', 'coder', ['s1', 's2']],
      ['s4-r1', 'guardian', ['s3-r1']],
      ['s5-r1', 'judge', ['s3-r1', 's4-r1']],
    ]);
    expect(revision.steps[0]!.action).toBe(
      'Revision 1: the previous attempt failed ("the coder arm timed out after 3 attempts"). ' +
        'Write a comparison of the trade-offs',
    );
    expect(revision.steps[2]!.acceptance_criteria).toEqual(['Names three trade-offs']);
    expect(validateRevisionSteps(revision.steps, ['s1', 's2'], ARM_NAMES)).toEqual([]);
    expect(revision).toMatchObject({
      model: 'offline',
      prompt_version: 'offline-v1',
      confidence: 0.5,
      complexity: 'simple',
      cache: { hit: false, key: expect.stringMatching(/^[0-9a-f]{64}$/) },
      usage: { tokens: 0, cost_usd: 0 },
      total_estimates: { cost_usd: 0.03, seconds: 30, tokens: 3_000 },
    });
    expect(revision.rationale).toMatch(/step s3 failed/);
    expect(await replan(planner, request)).toEqual(revision);
    const other = await replan(planner, {
      ...request,
      failure: { ...request.failure, reason: 'x' },
    });
    expect(other.cache.key).not.toBe(revision.cache.key);
  });

  it('cuts a long failure reason in the note', async () => {
    const revision = await replan(
      planner,
      replanRequest({
        completed: plan.slice(0, 2).map(done),
        unfinished: plan.slice(2),
        failure: { step_id: 's3', reason: 'x'.repeat(1_000) },
      }),
    );
    const note = revision.steps[0]!.action.replace(/Write a comparison.*$/, '');
    expect(note.length).toBeLessThan(260);
    expect(note).toContain('…');
  });

  it('revises the checked outputs after a failed verdict and checks them again last', async () => {
    const revision = await replan(
      planner,
      replanRequest({
        completed: plan.map(done),
        unfinished: [],
        failure: {
          step_id: 's5',
          reason: 'Only two trade-offs are named',
          unmet_criteria: ['Names three trade-offs'],
        },
      }),
    );
    expect(revision.steps.map((s) => [s.id, s.arm, s.depends_on])).toEqual([
      ['s3-r1', 'coder', ['s3']],
      ['s4-r1', 'guardian', ['s3-r1']],
      ['s5-r1', 'judge', ['s3-r1', 's4-r1']],
    ]);
    const [revise, , judge] = revision.steps;
    expect(revise!.action).toMatch(
      /^Revise the output of step s3 so that it meets: "Names three trade-offs"\./,
    );
    expect(revise!.acceptance_criteria).toEqual(['Names three trade-offs']);
    expect(judge!.acceptance_criteria).toEqual(['Names three trade-offs']);
    expect(
      validateRevisionSteps(
        revision.steps,
        plan.map((s) => s.id),
        ARM_NAMES,
      ),
    ).toEqual([]);
  });

  it('revises every output a judge checked directly, and keeps unfinished work after it', async () => {
    const steps = [
      step('a', 'retriever'),
      step('b', 'coder', ['a']),
      step('check', 'judge', ['a', 'b']),
      step('report', 'coder', ['check', 'b']),
    ];
    const revision = await replan(
      planner,
      replanRequest({
        completed: steps.slice(0, 3).map(done),
        unfinished: steps.slice(3),
        failure: {
          step_id: 'check',
          reason: 'unsupported claims',
          unmet_criteria: ['Cites sources'],
        },
      }),
    );
    expect(revision.steps.map((s) => [s.id, s.depends_on])).toEqual([
      ['a-r1', ['a']],
      ['b-r1', ['b']],
      ['check-r1', ['a-r1', 'b-r1']],
      ['report-r1', ['check-r1', 'b-r1']],
    ]);
    expect(revision.steps.at(2)!.arm).toBe('judge');
  });

  it('bumps the suffix of an id from an earlier revision', async () => {
    const revision = await replan(
      planner,
      replanRequest({
        revision: 2,
        completed: plan.slice(0, 2).map(done),
        unfinished: [step('s3-r1', 'coder', ['s1', 's2']), step('s4-r1', 'judge', ['s3-r1'])],
        failure: { step_id: 's3-r1', reason: 'failed again' },
      }),
    );
    expect(revision.steps.map((s) => [s.id, s.depends_on])).toEqual([
      ['s3-r2', ['s1', 's2']],
      ['s4-r2', ['s3-r2']],
    ]);
    expect(revision.steps[0]!.action).toMatch(/^Revision 2: /);
    expect(revision.confidence).toBeLessThan(0.5);
  });

  it('fails as PLAN_INVALID when the revision needs an arm that is not on offer', async () => {
    await expect(
      replan(
        planner,
        replanRequest({
          arms: ['coder', 'judge'],
          completed: plan.slice(0, 2).map(done),
          unfinished: plan.slice(2),
          failure: { step_id: 's3', reason: 'timeout' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'PlanInvalidError',
      problems: expect.arrayContaining(['steps[1] (s4-r1): arm "guardian" is not available']),
    });
  });

  it('refuses a failure that names no step of the request', async () => {
    await expect(
      replan(
        planner,
        replanRequest({
          completed: plan.slice(0, 2).map(done),
          unfinished: plan.slice(2),
          failure: { step_id: 's9', reason: 'timeout' },
        }),
      ),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'failure.step_id', message: expect.any(String) }],
    });
  });
});

describe('revisionId', () => {
  it('adds or bumps the revision suffix', () => {
    expect(revisionId('s3', 1, new Set())).toBe('s3-r1');
    expect(revisionId('s3-r1', 2, new Set())).toBe('s3-r2');
    expect(revisionId('s3-r12', 13, new Set())).toBe('s3-r13');
  });

  it('stays within 32 characters and unique', () => {
    const taken = new Set<string>();
    const long = 'x'.repeat(32);
    const first = revisionId(long, 1, taken);
    const second = revisionId(`${long.slice(0, 31)}y`, 1, taken);
    expect(first).toBe(`${'x'.repeat(29)}-r1`);
    expect(second).toBe(`${'x'.repeat(27)}-2-r1`);
    expect(revisionId('s1', 1, new Set(['s1-r1']))).toBe('s1-2-r1');
  });
});

describe('validateRevisionSteps', () => {
  const completed = ['s1', 's2'];

  it('accepts new steps that depend on completed and earlier new steps', () => {
    const steps = [step('s3-r1', 'coder', ['s1', 's2']), step('s4-r1', 'judge', ['s3-r1'])];
    expect(validateRevisionSteps(steps, completed, ARM_NAMES)).toEqual([]);
    expect(validateRevisionSteps(steps.slice(0, 1), completed, ARM_NAMES)).toEqual([]);
  });

  it('rejects no steps and too many steps', () => {
    expect(validateRevisionSteps([], completed, ARM_NAMES)).toEqual([
      'revision has 0 steps; it needs 1 to 7',
    ]);
    const eight = Array.from({ length: 8 }, (_, i) => step(`n${i}`, 'coder'));
    expect(validateRevisionSteps(eight, completed, ARM_NAMES)).toEqual([
      'revision has 8 steps; it needs 1 to 7',
    ]);
  });

  it('rejects ids of completed steps, duplicates, and unknown or later dependencies', () => {
    const steps = [
      step('s2', 'coder', ['s1']),
      step('n1', 'coder', ['n2']),
      step('n2', 'coder', ['gone']),
      step('n2', 'judge', ['n2x']),
    ];
    expect(validateRevisionSteps(steps, completed, ['coder'])).toEqual([
      'steps[0] (s2): id is taken by a completed step',
      'steps[1] (n1): depends_on "n2" is not an earlier step',
      'steps[2] (n2): depends_on "gone" is neither a completed step nor an earlier step',
      'steps[3] (n2): duplicate step id',
      'steps[3] (n2): arm "judge" is not available',
      'steps[3] (n2): depends_on "n2x" is neither a completed step nor an earlier step',
    ]);
  });
});
