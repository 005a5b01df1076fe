import request from 'supertest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';
import { tokensReported, worstCaseModel } from '../support/fake-llm-replies';
import { startSystem, waitForStatus, type TestSystem } from '../support/system';

// The budget ledger end to end, with a model: the services call a local OpenAI-compatible
// server (real HTTP, the real `openai` client) that reports token usage. Planning and every step
// are granted a share of the budget before they call the model, and settle what it reports.
let openai: FakeOpenAiServer;
let system: TestSystem;

beforeAll(async () => {
  openai = await startFakeOpenAiServer({ fallback: worstCaseModel });
  system = await startSystem({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: openai.baseUrl });
}, 180_000);

afterAll(async () => {
  await system?.stop();
  await openai?.close();
}, 60_000);

interface Usage {
  spent: { tokens: number; cost_usd: number };
  reserved: { tokens: number; cost_usd: number };
  planning: { tokens: number; cost_usd: number };
  remaining: { tokens: number; cost_usd: number };
}

test('a task out of budget waits in awaiting_budget; POST /tasks/:id/budget lets it finish', async () => {
  // Planning takes 300 tokens and the first step 2100 (all 2000 completion tokens it is allowed);
  // the second is granted the 2000 left and uses them all, so the third cannot even be asked.
  const submitted = await request(system.api)
    .post('/submit')
    .send({
      goal: 'Write a short paragraph on durable execution',
      budget: { max_tokens: 4_400, max_cost_usd: 1, max_time_seconds: 120 },
    })
    .expect(202);
  const id = submitted.body.task_id as string;

  const waiting = await waitForStatus(system.api, id, ['awaiting_budget', 'completed', 'failed']);
  expect(waiting.status).toBe('awaiting_budget');
  const usage = waiting.usage as Usage;
  // Planning's tokens count, and nothing is spent or reserved beyond the budget.
  expect(usage.planning.tokens).toBe(300);
  expect(usage.reserved.tokens).toBe(0);
  expect(usage.spent.tokens).toBeLessThanOrEqual(4_400);
  const steps = waiting.steps as { id: string; status: string; usage: { tokens: number } }[];
  expect(steps.filter((s) => s.status === 'completed').length).toBeGreaterThanOrEqual(1);
  expect(steps.some((s) => s.status === 'waiting')).toBe(true);
  // What the steps and planning report is what the model server reported.
  const reported = openai.completions().reduce((n, r) => n + tokensReported(r.body), 0);
  expect(usage.spent.tokens).toBe(reported);

  // Invalid extensions are refused, naming the field.
  const bad = await request(system.api).post(`/tasks/${id}/budget`).send({ add_tokens: -1 });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].field).toBe('add_tokens');

  const extended = await request(system.api)
    .post(`/tasks/${id}/budget`)
    .send({ add_tokens: 10_000 })
    .expect(200);
  expect(extended.body.budget).toMatchObject({ max_tokens: 14_400, max_time_seconds: 120 });

  const done = await waitForStatus(system.api, id, ['completed', 'failed']);
  expect(done.status).toBe('completed');
  expect(done.budget).toMatchObject({ max_tokens: 14_400 });
  const final = done.usage as Usage;
  expect(final.reserved.tokens).toBe(0);
  expect(final.spent.tokens).toBeLessThanOrEqual(14_400);
  // Every arm call kept within its grant: no completion was allowed more than the arms' cap.
  for (const call of openai.completions()) {
    if (!call.body?.response_format) expect(call.body?.max_tokens).toBeLessThanOrEqual(2_000);
  }

  // After the end, the budget cannot change.
  const late = await request(system.api).post(`/tasks/${id}/budget`).send({ add_tokens: 1 });
  expect(late.status).toBe(409);
}, 120_000);
