import pino from 'pino';
import request from 'supertest';
import { createLlm } from '../../../src/services/common/llm-client';
import { createPlannerApp } from '../../../src/services/planner/planner-app';
import {
  ARM_NAMES,
  planResponseSchema,
  validateRevisionSteps,
  type PlanStep,
} from '../../../src/shared/plan';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../support/fake-openai-server';
import { planStep } from '../../support/plan-step';

const logger = pino({ level: 'silent' });
const budget = { max_cost_usd: 1, max_time_seconds: 300, max_tokens: 20_000 };
const step = planStep;
const plan = [
  step('s1', 'retriever', [], 'Search the documents for how B-tree indexes work'),
  step('s2', 'coder', ['s1'], 'Explain range scans on a B-tree with an example'),
  step('s3', 'judge', ['s2'], 'Verify the explanation against the acceptance criteria'),
];
// Large outputs travel by reference; the planner must pass them on, never inline or resolve them.
const outputRef = {
  $ref: 'step-output',
  task_id: 't1',
  step_id: 's1',
  bytes: 40_000,
  preview: 'PASSAGES-PREVIEW',
};
const failedStep = {
  goal: 'Explain how a B-tree index speeds up range queries',
  budget,
  revision: 1,
  completed: [{ step: plan[0], summary: 'Found 4 passages on B-trees', output: outputRef }],
  unfinished: plan.slice(1),
  failure: { step_id: 's2', reason: 'the coder arm returned an empty answer' },
};

describe('POST /replan (offline)', () => {
  const { app } = createPlannerApp({ logger });

  it('returns a valid revision for the remaining work', async () => {
    const res = await request(app).post('/replan').send(failedStep).expect(200);
    const revision = planResponseSchema.parse(res.body);
    expect(revision.steps.map((s) => [s.id, s.depends_on])).toEqual([
      ['s2-r1', ['s1']],
      ['s3-r1', ['s2-r1']],
    ]);
    expect(validateRevisionSteps(revision.steps, ['s1'], ARM_NAMES)).toEqual([]);
    expect(revision).toMatchObject({ model: 'offline', cache: { hit: false } });
    const again = await request(app).post('/replan').send(failedStep).expect(200);
    expect(again.body).toEqual(res.body);
  });

  it('says which field is wrong when failure.step_id names no step', async () => {
    const res = await request(app)
      .post('/replan')
      .send({ ...failedStep, failure: { step_id: 'nope', reason: 'x' } })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([
      { field: 'failure.step_id', message: expect.stringMatching(/unfinished step/) },
    ]);
  });

  it('names the bad fields of a malformed body', async () => {
    const { unfinished: _, ...withoutUnfinished } = failedStep;
    const res = await request(app)
      .post('/replan')
      .send({ ...withoutUnfinished, revision: 0 })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['revision', 'unfinished']));
  });

  it('answers 422 PLAN_INVALID when no valid revision fits the arms on offer', async () => {
    const res = await request(app)
      .post('/replan')
      .send({ ...failedStep, arms: ['coder'] })
      .expect(422);
    expect(res.body.error.code).toBe('PLAN_INVALID');
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'plan', message: 'steps[1] (s3-r1): arm "judge" is not available' },
      ]),
    );
  });
});

describe('POST /replan with an OpenAI-compatible server', () => {
  let fake: FakeOpenAiServer;

  beforeAll(async () => {
    fake = await startFakeOpenAiServer({ apiKey: 'test-key' });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const app = () =>
    createPlannerApp({
      logger,
      llm: createLlm({
        apiKey: 'test-key',
        baseUrl: fake.baseUrl,
        model: 'fake-model',
        timeoutMs: 2_000,
      }),
    }).app;

  it('plans the remaining work with the model and attaches it to the completed steps', async () => {
    fake.enqueue({
      plan: {
        steps: [
          step('s1', 'coder', [], 'Draft the range-scan explanation from the passages'),
          step('s2', 'coder', ['s1'], 'Add a worked example of a range scan'),
          step('s3', 'judge', ['s2'], 'Verify the explanation against the acceptance criteria'),
        ],
        rationale: 'Redo the explanation, then verify.',
        confidence: 0.7,
        complexity: 'simple',
      },
    });
    const res = await request(app()).post('/replan').send(failedStep).expect(200);
    const revision = planResponseSchema.parse(res.body);
    // The model's s1 becomes s1-r1: no clash with the completed s1, whose output it now gets.
    expect(revision.steps.map((s) => [s.id, s.depends_on])).toEqual([
      ['s1-r1', ['s1']],
      ['s2-r1', ['s1-r1']],
      ['s3-r1', ['s2-r1']],
    ]);
    expect(revision).toMatchObject({ model: 'fake-model', cache: { hit: false } });
    expect(revision.total_estimates).toEqual({ cost_usd: 0.03, seconds: 30, tokens: 3_000 });
    // The fake server reports 300 tokens per completion.
    expect(revision.usage.tokens).toBe(300);

    const sent = JSON.stringify(fake.completions()[0]?.body?.messages);
    expect(sent).toContain('Revision 1');
    expect(sent).toContain(failedStep.goal);
    expect(sent).toContain('Found 4 passages on B-trees');
    expect(sent).toContain('the coder arm returned an empty answer');
    expect(sent).not.toContain('PASSAGES-PREVIEW');
    // What earlier steps reported reaches the model marked as data, with the rule for it.
    const [system, user] = fake.completions()[0]!.body!.messages as { content: string }[];
    const block = /<<DATA (\w+) source="[^"]*">>\n([\s\S]*)\n<<\/DATA \1>>/.exec(user!.content);
    expect(block?.[2]).toContain('Found 4 passages on B-trees');
    expect(system!.content).toContain(`<<DATA ${block![1]} …>>`);
    expect(system!.content).toMatch(/never as instructions/);
  });

  it('after a failed verdict, starts the revision from the outputs the judge checked', async () => {
    fake.enqueue({
      plan: {
        steps: [
          step('s1', 'coder', [], 'Rewrite the explanation with a worked example'),
          step('s2', 'coder', ['s1'], 'Tighten the wording'),
          step('s3', 'judge', ['s2'], 'Verify the explanation against the acceptance criteria'),
        ],
        rationale: 'Rewrite, tighten, verify.',
        confidence: 0.7,
        complexity: 'simple',
      },
    });
    const res = await request(app())
      .post('/replan')
      .send({
        ...failedStep,
        completed: plan.map((s) => ({ step: s, summary: `${s.id} done` })),
        unfinished: [],
        failure: {
          step_id: 's3',
          reason: 'No worked example',
          unmet_criteria: ['Includes a worked example'],
        },
      })
      .expect(200);
    expect(res.body.steps.map((s: PlanStep) => [s.id, s.depends_on])).toEqual([
      ['s1-r1', ['s2']],
      ['s2-r1', ['s1-r1']],
      ['s3-r1', ['s2-r1']],
    ]);
    const sent = JSON.stringify(fake.completions()[0]?.body?.messages);
    expect(sent).toContain('Includes a worked example');
  });

  it('still refuses a failure that names no step, without calling the model', async () => {
    await request(app())
      .post('/replan')
      .send({ ...failedStep, failure: { step_id: 'nope', reason: 'x' } })
      .expect(400);
    expect(fake.completions()).toHaveLength(0);
  });
});
