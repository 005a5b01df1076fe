import type { Express } from 'express';
import request from 'supertest';
import { coderArm } from '../../../src/services/arms/handlers/coder';
import { budgetInsufficientBodySchema } from '../../../src/shared/budget';
import { estimatePromptTokens } from '../../../src/shared/model-cost';
import { useArmApps } from './arm-apps';
import { stepRequest } from './step-request';

// The coder arm's one model call, against a real OpenAI-compatible server (scripted), kept
// within the request's grant.
const apps = useArmApps(coderArm);

const write = (app: Express, grant: { tokens: number; cost_usd: number }) =>
  request(app)
    .post('/execute')
    .send({
      ...stepRequest({ action: 'Write a function that adds two numbers.', arm: 'coder' }),
      budget_left: { ...grant, seconds: 60 },
    });

test('the answer may take what the grant leaves after the prompt, and reports its usage', async () => {
  apps().fake.enqueue({ content: '```ts\nconst add = (a: number, b: number) => a + b;\n```' });
  const res = await write(apps().withLlm, { tokens: 500, cost_usd: 1 });
  expect(res.status).toBe(200);
  // The fake server reports 100 prompt + 200 completion tokens; the model is priced on the
  // safe side (0.01 and 0.03 USD per 1k).
  expect(res.body.usage.tokens).toBe(300);
  expect(res.body.usage.cost_usd).toBeCloseTo(0.007, 10);
  const [sent] = apps().fake.completions();
  expect(sent!.body!.max_tokens).toBe(500 - estimatePromptTokens(sent!.body!.messages!));
});

test('a grant too small for the call is a 402 saying what is needed, and nothing is asked', async () => {
  const res = await write(apps().withLlm, { tokens: 50, cost_usd: 1 });
  expect(res.status).toBe(402);
  const { error } = budgetInsufficientBodySchema.parse(res.body);
  expect(error.needed.tokens).toBeGreaterThan(50);
  expect(error.message).toMatch(/only 50 tokens/);
  expect(apps().fake.completions()).toHaveLength(0);
});

test('offline, the coder spends nothing and answers on an empty grant', async () => {
  const res = await write(apps().offline, { tokens: 0, cost_usd: 0 }).expect(200);
  expect(res.body).toMatchObject({ mode: 'offline', usage: { tokens: 0, cost_usd: 0 } });
});
