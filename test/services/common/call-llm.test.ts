import type { ModelPrice } from '../../../src/shared/model-cost';
import { AppError } from '../../../src/http/app-error';
import { callLlm } from '../../../src/services/common/call-llm';
import { createLlm } from '../../../src/services/common/llm-client';
import {
  MIN_COMPLETION_TOKENS,
  estimatePromptTokens,
  worstCase,
} from '../../../src/shared/model-cost';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../support/fake-openai-server';
import { rejectionOf } from '../../support/rejection';

// callLlm against a real OpenAI-compatible HTTP server that reports token usage
// (100 prompt + 200 completion tokens per answer).
let fake: FakeOpenAiServer;

beforeAll(async () => {
  fake = await startFakeOpenAiServer();
});
afterAll(() => fake.close());

/** One call to `model`, priced with `prices`, answered with `content`. */
async function askOnce(model: string, content: string, prices?: Record<string, ModelPrice>) {
  const llm = createLlm({ apiKey: 'k', baseUrl: fake.baseUrl, model, timeoutMs: 5_000, prices })!;
  fake.enqueue({ content });
  return callLlm(llm, { messages: [{ role: 'user', content: 'hi' }], maxTokens: 50 });
}

test('a call is priced from the model’s input and output prices', async () => {
  const answer = await askOnce('local-model', 'hello', {
    'local-model': { input_usd_per_1k: 0.01, output_usd_per_1k: 0.02 },
  });
  expect(answer).toMatchObject({ text: 'hello', tokens: 300 });
  expect(answer.costUsd).toBeCloseTo(0.1 * 0.01 + 0.2 * 0.02, 10);
});

test('a model missing from the table is priced on the safe side, not for free', async () => {
  const answer = await askOnce('mystery', 'x');
  expect(answer.costUsd).toBeCloseTo(0.1 * 0.01 + 0.2 * 0.03, 10);
});

describe('with a grant', () => {
  const price = { input_usd_per_1k: 0.01, output_usd_per_1k: 0.03 };
  const llm = () =>
    createLlm({
      apiKey: 'k',
      baseUrl: fake.baseUrl,
      model: 'priced',
      timeoutMs: 5_000,
      prices: { priced: price },
    })!;
  const messages = [{ role: 'user' as const, content: 'Say hello to the reader.' }];
  const prompt = estimatePromptTokens(messages);

  beforeEach(() => fake.reset());

  test('max_tokens is cut to what the grant’s tokens leave after the prompt', async () => {
    fake.enqueue({ content: 'hello' });
    await callLlm(llm(), { messages, maxTokens: 1_000, grant: { tokens: 400, cost_usd: 1 } });
    expect(fake.completions()[0]!.body!.max_tokens).toBe(400 - prompt);
  });

  test('max_tokens is cut to what the grant’s USD buy after the prompt', async () => {
    fake.enqueue({ content: 'hello' });
    const grant = { tokens: 1_000_000, cost_usd: 0.003 };
    await callLlm(llm(), { messages, maxTokens: 1_000, grant: { ...grant } });
    const sent = fake.completions()[0]!.body!.max_tokens!;
    expect(sent).toBeGreaterThanOrEqual(MIN_COMPLETION_TOKENS);
    expect(worstCase(price, prompt, sent).cost_usd).toBeLessThanOrEqual(grant.cost_usd);
    expect(worstCase(price, prompt, sent + 1).cost_usd).toBeGreaterThan(grant.cost_usd);
  });

  test('the request’s maxTokens stays the cap when the grant is roomy', async () => {
    fake.enqueue({ content: 'hello' });
    await callLlm(llm(), { messages, maxTokens: 150, grant: { tokens: 100_000, cost_usd: 10 } });
    expect(fake.completions()[0]!.body!.max_tokens).toBe(150);
  });

  test('each call is charged its actual usage, and the next call draws on what is left', async () => {
    const grant = { tokens: 1_000, cost_usd: 1 };
    fake.enqueue(
      { content: 'one', usage: { prompt_tokens: 40, completion_tokens: 60 } },
      { content: 'two', usage: { prompt_tokens: 50, completion_tokens: 250 } },
    );
    const first = await callLlm(llm(), { messages, maxTokens: 2_000, grant });
    expect(first).toMatchObject({ text: 'one', tokens: 100 });
    expect(grant.tokens).toBe(900);
    expect(grant.cost_usd).toBeCloseTo(1 - (0.04 * 0.01 + 0.06 * 0.03), 12);
    await callLlm(llm(), { messages, maxTokens: 2_000, grant });
    expect(fake.completions()[1]!.body!.max_tokens).toBe(900 - prompt);
    expect(grant.tokens).toBe(600);
  });

  test('a server reporting more than was granted leaves the grant at 0, not below', async () => {
    const grant = { tokens: prompt + 100, cost_usd: 1 };
    fake.enqueue({ content: 'long', usage: { prompt_tokens: 100, completion_tokens: 900 } });
    await callLlm(llm(), { messages, maxTokens: 2_000, grant });
    expect(grant.tokens).toBe(0);
    expect(grant.cost_usd).toBeGreaterThan(0);
  });

  test('a grant too small for the smallest call is refused before the model is asked', async () => {
    fake.enqueue({ content: 'never sent' });
    const grant = { tokens: prompt + MIN_COMPLETION_TOKENS - 1, cost_usd: 1 };
    const error = await rejectionOf(
      callLlm(llm(), { messages, maxTokens: 2_000, grant }),
      AppError,
    );
    expect(error.code).toBe('BUDGET_INSUFFICIENT');
    expect(error.status).toBe(402);
    const needed = worstCase(price, prompt, MIN_COMPLETION_TOKENS);
    expect(error.extra).toEqual({ needed });
    expect(error.message).toContain(`needs at least ${needed.tokens} tokens`);
    expect(error.message).toContain(`only ${grant.tokens} tokens`);
    expect(fake.completions()).toHaveLength(0);
    expect(grant.tokens).toBe(prompt + MIN_COMPLETION_TOKENS - 1);
  });

  test('a grant without USD refuses a priced model but lets a free one run', async () => {
    const broke = { tokens: 10_000, cost_usd: 0 };
    const refused = await rejectionOf(
      callLlm(llm(), { messages, maxTokens: 100, grant: broke }),
      AppError,
    );
    expect(refused.code).toBe('BUDGET_INSUFFICIENT');
    expect(fake.completions()).toHaveLength(0);
    const local = createLlm({
      apiKey: 'k',
      baseUrl: fake.baseUrl,
      model: 'local',
      timeoutMs: 5_000,
      prices: { local: { input_usd_per_1k: 0, output_usd_per_1k: 0 } },
    })!;
    fake.enqueue({ content: 'free' });
    const answer = await callLlm(local, { messages, maxTokens: 100, grant: broke });
    expect(answer).toMatchObject({ text: 'free', costUsd: 0 });
    expect(broke).toEqual({ tokens: 10_000 - 300, cost_usd: 0 });
  });

  test('without a grant, maxTokens is sent as it is', async () => {
    fake.enqueue({ content: 'hello' });
    await callLlm(llm(), { messages, maxTokens: 30 });
    expect(fake.completions()[0]!.body!.max_tokens).toBe(30);
  });
});
