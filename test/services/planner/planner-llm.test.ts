import pino from 'pino';
import request from 'supertest';
import { createLlm } from '../../../src/services/common/llm-client';
import { PLAN_MAX_COMPLETION_TOKENS } from '../../../src/services/planner/llm-planner';
import {
  createPlannerApp,
  type PlannerAppOptions,
} from '../../../src/services/planner/planner-app';
import { budgetInsufficientBodySchema } from '../../../src/shared/budget';
import { estimatePromptTokens } from '../../../src/shared/model-cost';
import { planResponseSchema } from '../../../src/shared/plan';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
  type RecordedRequest,
} from '../../support/fake-openai-server';

const logger = pino({ level: 'silent' });
const budget = { max_cost_usd: 1, max_time_seconds: 300, max_tokens: 20_000 };
const task = { goal: 'Explain how a B-tree index speeds up range queries', budget };

const step = (id: string, arm: string, depends_on: string[] = [], action = `Do ${id}`) => ({
  id,
  action,
  arm,
  acceptance_criteria: [`${id} is done`],
  depends_on,
  estimated_cost_usd: 0.01,
  estimated_seconds: 20,
  estimated_tokens: 2_000,
});
const validPlan = {
  steps: [
    step('s1', 'retriever', [], 'Search the documents for how B-tree indexes work'),
    step('s2', 'coder', ['s1'], 'Explain range scans on a B-tree with an example'),
    step('s3', 'judge', ['s2'], 'Verify the explanation against the acceptance criteria'),
  ],
  rationale: 'Gather, explain, verify.',
  confidence: 0.8,
  complexity: 'simple',
};
/** The fake server reports 100 prompt + 200 completion tokens a call; 'fake-model' is priced
 * on the safe side, 0.01 and 0.03 USD per 1k, so a call costs $0.007. */
const CALL = { tokens: 300, cost_usd: 0.1 * 0.01 + 0.2 * 0.03 };

/** A recorded call's prompt as the planner estimates it: the messages and the response format. */
const promptOf = (sent: RecordedRequest | undefined) =>
  estimatePromptTokens([...(sent?.body?.messages ?? []), { content: sent?.body?.response_format }]);

const forwardDependency = {
  ...validPlan,
  steps: [step('s1', 'retriever', ['s2']), step('s2', 'coder'), step('s3', 'judge', ['s2'])],
};

describe('planner app with an OpenAI-compatible server', () => {
  let fake: FakeOpenAiServer;

  beforeAll(async () => {
    fake = await startFakeOpenAiServer({ apiKey: 'test-key' });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const appWith = (
    overrides: Partial<PlannerAppOptions> & { key?: string; timeoutMs?: number } = {},
  ) => {
    const llm = createLlm({
      apiKey: overrides.key ?? 'test-key',
      baseUrl: overrides.llm ? undefined : fake.baseUrl,
      model: 'fake-model',
      timeoutMs: overrides.timeoutMs ?? 2_000,
    });
    return createPlannerApp({ logger, llm, ...overrides }).app;
  };

  it('returns a valid model plan, asking for structured output from the zod schema', async () => {
    fake.enqueue({ plan: validPlan });
    const res = await request(appWith()).post('/plan').send(task).expect(200);
    const plan = planResponseSchema.parse(res.body);
    expect(plan).toMatchObject({
      model: 'fake-model',
      prompt_version: 'plan-v2',
      cache: { hit: false },
    });
    expect(plan.steps.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    expect(plan.total_estimates).toEqual({ cost_usd: 0.03, seconds: 60, tokens: 6_000 });
    const [sent] = fake.completions();
    expect(sent?.authorization).toBe('Bearer test-key');
    expect(sent?.body?.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'plan' },
    });
    expect(JSON.stringify(sent?.body?.messages)).toContain(task.goal);
  });

  it('sends an invalid plan back with its validation errors and returns the repair', async () => {
    fake.enqueue({ plan: forwardDependency }, { plan: validPlan });
    const app = appWith();
    const res = await request(app).post('/plan').send(task).expect(200);
    expect(res.body.steps[0].depends_on).toEqual([]);
    const calls = fake.completions();
    expect(calls).toHaveLength(2);
    const repair = calls[1]?.body?.messages?.at(-1)?.content ?? '';
    expect(repair).toContain('depends_on "s2" is not an earlier step');
    const metrics = await request(app).get('/metrics');
    expect(metrics.text).toMatch(/planner_repair_attempts_total\{service="planner"\} 1/);
  });

  it('repairs malformed JSON and accepts JSON inside a code fence', async () => {
    fake.enqueue(
      { content: '{"steps": [ {"id": "s1", ' },
      { content: `\`\`\`json\n${JSON.stringify(validPlan)}\n\`\`\`` },
    );
    await request(appWith()).post('/plan').send(task).expect(200);
    const repair = fake.completions()[1]?.body?.messages?.at(-1)?.content ?? '';
    expect(repair).toContain('not valid JSON');
  });

  it('fails with the validation errors when the plan never validates, within the repair bound', async () => {
    const tooMany = {
      ...validPlan,
      steps: Array.from({ length: 9 }, (_, i) => step(`s${i + 1}`, 'coder')),
    };
    fake.enqueue(
      { plan: tooMany },
      { plan: forwardDependency },
      {
        plan: {
          ...validPlan,
          steps: [step('s1', 'writer'), step('s2', 'coder'), step('s3', 'coder')],
        },
      },
    );
    const res = await request(appWith()).post('/plan').send(task).expect(422);
    expect(fake.completions()).toHaveLength(3);
    expect(res.body.error.code).toBe('PLAN_INVALID');
    expect(res.body.error.message).toMatch(/No valid plan after 3 attempts/);
    expect(res.body.error.details).toEqual([
      { field: 'plan', message: expect.stringContaining('arm "writer" does not exist') },
    ]);
  });

  it('honours a smaller repair bound', async () => {
    fake.enqueue({ plan: forwardDependency }, { plan: validPlan });
    await request(appWith({ maxRepairs: 0 }))
      .post('/plan')
      .send(task)
      .expect(422);
    expect(fake.completions()).toHaveLength(1);
  });

  it('turns 429 into a retryable 503 without retrying inside the client', async () => {
    fake.enqueue({ status: 429, message: 'Rate limit reached' }, { plan: validPlan });
    const res = await request(appWith()).post('/plan').send(task).expect(503);
    expect(res.body.error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining('429'),
    });
    expect(fake.completions()).toHaveLength(1);
    expect(fake.pending()).toBe(1);
  });

  it('turns a 5xx into a retryable 503', async () => {
    fake.enqueue({ status: 502, message: 'bad gateway' });
    const res = await request(appWith()).post('/plan').send(task).expect(503);
    expect(res.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('turns a timeout into a retryable 503', async () => {
    fake.enqueue({ hang: true });
    const started = Date.now();
    const res = await request(appWith({ timeoutMs: 300 }))
      .post('/plan')
      .send(task)
      .expect(503);
    expect(res.body.error.message).toMatch(/did not answer in time/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fake.completions()).toHaveLength(1);
  });

  it('treats rejected credentials and bad requests as permanent (424)', async () => {
    const auth = await request(appWith({ key: 'wrong-key' }))
      .post('/plan')
      .send(task)
      .expect(424);
    expect(auth.body.error.message).toMatch(/credentials/);
    expect(JSON.stringify(auth.body)).not.toContain('wrong-key');
    fake.enqueue({ status: 400, message: 'model not found' });
    const bad = await request(appWith()).post('/plan').send(task).expect(424);
    expect(bad.body.error.message).toMatch(/rejected the request \(400\)/);
  });

  it('treats a refusal as permanent', async () => {
    fake.enqueue({ refusal: 'I cannot help with that.' });
    const res = await request(appWith()).post('/plan').send(task).expect(424);
    expect(res.body.error.message).toMatch(/refused/);
  });

  it('answers a repeated goal from the cache without calling the model', async () => {
    fake.enqueue({ plan: validPlan });
    const app = appWith();
    const first = await request(app).post('/plan').send(task).expect(200);
    const second = await request(app).post('/plan').send(task).expect(200);
    expect(second.body.cache).toEqual({ hit: true, key: first.body.cache.key });
    expect(fake.completions()).toHaveLength(1);
  });

  it('misses the cache when a cached plan no longer fits the budget', async () => {
    const app = appWith();
    fake.enqueue({ plan: validPlan });
    const first = await request(app).post('/plan').send(task).expect(200);
    const tight = { ...task, budget: { ...budget, max_tokens: 5_000 } };
    const cheaper = {
      ...validPlan,
      steps: validPlan.steps.map((s) => ({ ...s, estimated_tokens: 1_000 })),
    };
    fake.enqueue({ plan: validPlan }, { plan: cheaper });
    const res = await request(app).post('/plan').send(tight).expect(200);
    expect(res.body.cache).toEqual({ hit: false, key: first.body.cache.key });
    expect(res.body.total_estimates.tokens).toBe(3_000);
    const repair = fake.completions()[2]?.body?.messages?.at(-1)?.content ?? '';
    expect(repair).toContain('6000 tokens exceed the budget of 5000');
  });

  it('plans a planner-arm sub-goal with the model and reports the tokens it used', async () => {
    fake.enqueue({ plan: forwardDependency }, { plan: validPlan });
    const res = await request(appWith())
      .post('/execute')
      .send({
        task_id: 't1',
        goal: task.goal,
        step: {
          ...step('s2', 'planner', ['s1'], 'Break the explanation into sections'),
          estimated_cost_usd: 0.02,
        },
        budget_left: { cost_usd: 0.5, tokens: 10_000, seconds: 200 },
      })
      .expect(200);
    // Two calls were made, and their real cost is reported, not the step's estimate.
    expect(res.body).toMatchObject({ mode: 'llm', usage: { tokens: 600 } });
    expect(res.body.usage.cost_usd).toBeCloseTo(2 * CALL.cost_usd, 10);
    // budget_left is the planning's grant: the calls were capped.
    expect(fake.completions()[0]?.body?.max_tokens).toBe(PLAN_MAX_COMPLETION_TOKENS);
    const sent = JSON.stringify(fake.completions()[0]?.body?.messages);
    expect(sent).toContain('Break the explanation into sections');
    expect(sent).not.toMatch(/- planner:/);
  });

  it('refuses a planner-arm step whose budget_left cannot cover planning (402)', async () => {
    fake.enqueue({ plan: validPlan });
    const res = await request(appWith())
      .post('/execute')
      .send({
        task_id: 't1',
        goal: task.goal,
        step: step('s2', 'planner', [], 'Break the explanation into sections'),
        budget_left: { cost_usd: 0.5, tokens: 200, seconds: 200 },
      })
      .expect(402);
    expect(budgetInsufficientBodySchema.parse(res.body).error.needed.tokens).toBeGreaterThan(200);
    expect(fake.completions()).toHaveLength(0);
  });

  it('reports the tokens and cost of all its model calls, repairs included', async () => {
    fake.enqueue({ plan: forwardDependency }, { plan: validPlan });
    const res = await request(appWith()).post('/plan').send(task).expect(200);
    const plan = planResponseSchema.parse(res.body);
    expect(plan.usage.tokens).toBe(2 * CALL.tokens);
    expect(plan.usage.cost_usd).toBeCloseTo(2 * CALL.cost_usd, 10);
    // Without a grant, the calls are not capped.
    expect(fake.completions().map((c) => c.body?.max_tokens)).toEqual([undefined, undefined]);
  });

  it('reports nothing spent for a cache hit', async () => {
    fake.enqueue({ plan: validPlan });
    const app = appWith();
    const first = await request(app).post('/plan').send(task).expect(200);
    expect(first.body.usage).toEqual({ tokens: CALL.tokens, cost_usd: CALL.cost_usd });
    const hit = await request(app).post('/plan').send(task).expect(200);
    expect(hit.body).toMatchObject({ cache: { hit: true }, usage: { tokens: 0, cost_usd: 0 } });
    expect(fake.completions()).toHaveLength(1);
  });

  it('with a grant, sizes each call to what is left of it after the prompt', async () => {
    const grant = { tokens: 3_000, cost_usd: 1 };
    fake.enqueue({ plan: forwardDependency }, { plan: validPlan });
    const res = await request(appWith())
      .post('/plan')
      .send({ ...task, grant })
      .expect(200);
    expect(res.body.usage.tokens).toBe(2 * CALL.tokens);
    const [first, repair] = fake.completions();
    expect(first?.body?.max_tokens).toBeLessThan(PLAN_MAX_COMPLETION_TOKENS);
    expect(first?.body?.max_tokens).toBe(grant.tokens - promptOf(first));
    // The repair draws on what the first call left.
    expect(repair?.body?.max_tokens).toBe(grant.tokens - CALL.tokens - promptOf(repair));
  });

  it('refuses a grant too small for the first call with 402, before calling the model', async () => {
    fake.enqueue({ plan: validPlan });
    const res = await request(appWith())
      .post('/plan')
      .send({ ...task, grant: { tokens: 1_000, cost_usd: 1 } })
      .expect(402);
    const { error } = budgetInsufficientBodySchema.parse(res.body);
    expect(error.needed.tokens).toBeGreaterThan(1_000);
    expect(error.message).toMatch(/only 1000 tokens/);
    expect(fake.completions()).toHaveLength(0);
  });

  it('stops repairing when the grant cannot cover another call', async () => {
    fake.enqueue({ plan: forwardDependency }, { plan: validPlan });
    const res = await request(appWith())
      .post('/plan')
      .send({ ...task, grant: { tokens: 1_450, cost_usd: 1 } })
      .expect(422);
    expect(fake.completions()).toHaveLength(1);
    expect(res.body.error.code).toBe('PLAN_INVALID');
    expect(res.body.error.message).toMatch(
      /^No valid plan after 1 attempt: the planning grant ran out before a repair/,
    );
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'plan', message: expect.stringContaining('is not an earlier step') },
      ]),
    );
  });

  it('reports ready when the server answers and not ready when it rejects the key', async () => {
    const ok = await request(appWith()).get('/ready').expect(200);
    expect(ok.body.checks.llm).toMatchObject({
      ok: true,
      detail: expect.stringContaining('fake-model'),
    });
    const rejected = await request(appWith({ key: 'wrong-key' }))
      .get('/ready')
      .expect(503);
    expect(rejected.body.checks.llm.detail).toMatch(/credentials rejected/);
    const health = await request(appWith()).get('/health').expect(200);
    expect(health.body).toMatchObject({ mode: 'llm', model: 'fake-model' });
  });
});

describe('planner app with a server without structured outputs', () => {
  it('falls back to JSON mode and remembers it', async () => {
    const fake = await startFakeOpenAiServer({ unsupportedFormats: ['json_schema'] });
    try {
      const llm = createLlm({
        apiKey: 'k',
        baseUrl: fake.baseUrl,
        model: 'local',
        timeoutMs: 2_000,
      });
      const { app } = createPlannerApp({ logger, llm });
      fake.enqueue({ plan: validPlan }, { plan: validPlan });
      await request(app).post('/plan').send(task).expect(200);
      await request(app)
        .post('/plan')
        .send({ ...task, goal: 'Another goal entirely' })
        .expect(200);
      const formats = fake.completions().map((r) => r.body?.response_format?.type);
      expect(formats).toEqual(['json_schema', 'json_object', 'json_object']);
    } finally {
      await fake.close();
    }
  });

  it('reports not ready when the server is down', async () => {
    const fake = await startFakeOpenAiServer();
    await fake.close();
    const llm = createLlm({ apiKey: 'k', baseUrl: fake.baseUrl, model: 'local', timeoutMs: 500 });
    const res = await request(createPlannerApp({ logger, llm }).app).get('/ready').expect(503);
    expect(res.body.checks.llm).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/unreachable/),
    });
    const plan = await request(createPlannerApp({ logger, llm }).app)
      .post('/plan')
      .send(task)
      .expect(503);
    expect(plan.body.error.message).toMatch(/could not be reached/);
  });
});
