import type { ModelPrice } from '../../../src/config/pricing';
import { callLlm } from '../../../src/services/common/call-llm';
import { createLlm } from '../../../src/services/common/llm-client';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../support/fake-openai-server';

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
