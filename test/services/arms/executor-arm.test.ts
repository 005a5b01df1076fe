import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createArmApp } from '../../../src/services/arms/arm-app';
import { createExecutorArm } from '../../../src/services/arms/handlers/executor';
import { createLlm } from '../../../src/services/common/llm-client';
import { budgetInsufficientBodySchema } from '../../../src/shared/budget';
import { estimatePromptTokens } from '../../../src/shared/model-cost';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../support/fake-openai-server';
import { stepRequest } from './step-request';

// The executor arm over HTTP, its tools real: a local data server, child-process JSONata,
// and a real OpenAI-compatible server (scripted) for the LLM path.
const silent = pino({ level: 'silent' });
let data: http.Server;
let dataUrl: string;
let fake: FakeOpenAiServer;
let offline: Express;
let withLlm: Express;

beforeAll(async () => {
  data = http.createServer((req, res) => {
    if (req.url === '/rates.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ base: 'EUR', rates: { USD: 1.08, GBP: 0.85 } }));
    }
    res.writeHead(503);
    res.end();
  });
  await new Promise<void>((resolve) => data.listen(0, '127.0.0.1', resolve));
  dataUrl = `http://127.0.0.1:${(data.address() as AddressInfo).port}`;
  fake = await startFakeOpenAiServer();
  const arm = createExecutorArm({ httpAllowlist: ['127.0.0.1'] });
  offline = createArmApp({ arm, logger: silent }).app;
  const llm = createLlm({
    apiKey: 'test-key',
    baseUrl: fake.baseUrl,
    model: 'fake-model',
    timeoutMs: 5_000,
  });
  withLlm = createArmApp({ arm, logger: silent, llm }).app;
});

afterEach(() => fake.reset());

afterAll(async () => {
  await fake.close();
  data.closeAllConnections();
  await new Promise((resolve) => data.close(resolve));
});

const execute = (app: Express, action: string, inputs: Record<string, unknown> = {}) =>
  request(app).post('/execute').send(stepRequest({ action }, { inputs }));

describe('steps that name their tool run without an LLM', () => {
  test('calc: with units', async () => {
    const res = await execute(offline, 'calc: 5 km to m');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      output: { tool: 'calc', result: '5000 m', value: 5000, unit: 'm' },
      summary: 'calc: 5 km to m = 5000 m',
      mode: 'tool',
      usage: { tokens: 0, cost_usd: 0 },
    });
  });

  test('HTTP GET as the planner words it, to an allowlisted host', async () => {
    const res = await execute(
      offline,
      `HTTP GET ${dataUrl}/rates.json (allowlisted host) and return the response body.`,
    );
    expect(res.status).toBe(200);
    expect(res.body.output).toMatchObject({
      tool: 'http_get',
      status: 200,
      json: { base: 'EUR', rates: { USD: 1.08, GBP: 0.85 } },
    });
  });

  test('json_transform: applied to the output of the step it depends on', async () => {
    const fetched = { tool: 'http_get', status: 200, json: { rates: { USD: 1.08, GBP: 0.85 } } };
    const res = await execute(offline, 'json_transform: $keys(json.rates)', { s1: fetched });
    expect(res.status).toBe(200);
    expect(res.body.output).toEqual({
      tool: 'json_transform',
      expression: '$keys(json.rates)',
      result: ['USD', 'GBP'],
    });
  });

  test('the JSON form, with input inline or picked from one of several inputs', async () => {
    const inline = await execute(
      offline,
      '{"tool":"json_transform","expression":"$sum(items.price)","input":{"items":[{"price":2},{"price":3}]}}',
    );
    expect(inline.body.output.result).toBe(5);
    const picked = await execute(
      offline,
      '{"tool":"json_transform","expression":"$count(rows)","input_from":"s2"}',
      { s1: 'ignored', s2: '{"rows":[1,2,3]}' },
    );
    expect(picked.body.output.result).toBe(3);
  });

  test('a step naming no tool gets the offline answer, saying how to name one', async () => {
    const res = await execute(offline, 'Evaluate the expressions with the arithmetic tool.');
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('offline');
    expect(res.body.confidence).toBe(0);
    expect(res.body.output).toMatch(/^\[offline\] The executor arm has no LLM configured/);
    expect(res.body.output).toContain('calc: 5 km to m');
  });
});

describe('failures are classified where they happen', () => {
  test.each([
    ['a malformed tool call', '{"tool":"shell","command":"ls"}', /malformed tool call/],
    ['a bad expression', 'calc: 2 +* 3', /calc: cannot parse/],
    ['a restricted function', 'calc: evaluate("1")', /function evaluate is not allowed/],
    ['a host off the allowlist', 'http_get: https://example.com/', /host not on the allowlist/],
    ['a transform without input', 'json_transform: $', /no input/],
  ])('%s is the step’s fault: 400', async (_name, action, message) => {
    const res = await execute(offline, action);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(message);
  });

  test('an upstream 503 may pass: 503', async () => {
    const res = await execute(offline, `http_get: ${dataUrl}/down`);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
  });
});

test('capabilities name the tools, their limits and the allowed hosts', async () => {
  const caps = await request(offline).get('/capabilities').expect(200);
  expect(caps.body).toMatchObject({
    arm: 'executor',
    mode: 'tool',
    llm: null,
    http_allowlist: ['127.0.0.1'],
  });
  expect(caps.body.tools.map((t: { name: string }) => t.name)).toEqual([
    'calc',
    'http_get',
    'json_transform',
  ]);
  expect(caps.body.tools[1].limits).toMatchObject({ max_bytes: 1_000_000 });
  const llmCaps = await request(withLlm).get('/capabilities').expect(200);
  expect(llmCaps.body).toMatchObject({ mode: 'llm', llm: 'fake-model' });
  const bare = createArmApp({ arm: createExecutorArm(), logger: silent }).app;
  expect((await request(bare).get('/capabilities')).body.http_allowlist).toEqual([]);
});

describe('with an LLM, the model picks the tool', () => {
  test('a step naming its tool does not call the model', async () => {
    const res = await execute(withLlm, 'calc: 2 * 21');
    expect(res.body).toMatchObject({ output: { value: 42 }, mode: 'tool' });
    expect(fake.completions()).toHaveLength(0);
  });

  test('the model’s pick is validated and run, in JSON mode, with the allowed hosts named', async () => {
    fake.enqueue({ plan: { tool: 'calc', expression: '2400 * 0.15' } });
    const res = await execute(withLlm, 'Work out 15% of the 2400 EUR budget.');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      output: { tool: 'calc', value: 360 },
      mode: 'llm',
      usage: { tokens: 300 },
    });
    const [sent] = fake.completions();
    expect(sent!.body!.response_format).toEqual({ type: 'json_object' });
    expect(sent!.body!.messages![0]!.content).toContain('Allowed hosts: 127.0.0.1');
    expect(sent!.body!.messages![1]!.content).toContain('Work out 15% of the 2400 EUR budget.');
  });

  test('an unreadable pick goes back to the model once', async () => {
    fake.enqueue({ content: 'Sure! I would use the calculator.' });
    fake.enqueue({ plan: { tool: 'calc', expression: '10 km to mi' } });
    const res = await execute(withLlm, 'Convert ten kilometres to miles.');
    expect(res.status).toBe(200);
    expect(res.body.output.unit).toBe('mi');
    expect(res.body.usage.tokens).toBe(600);
    const repair = fake.completions()[1]!.body!.messages!.at(-1)!.content;
    expect(repair).toMatch(/not a JSON object/);
  });

  test('a pick the tool refuses goes back to the model with the reason', async () => {
    fake.enqueue({ plan: { tool: 'calc', expression: 'ones(1000, 1000)' } });
    fake.enqueue({ plan: { tool: 'calc', expression: '1000 * 1000' } });
    const res = await execute(withLlm, 'How many cells has a 1000 by 1000 grid?');
    expect(res.body.output.value).toBe(1_000_000);
    expect(fake.completions()[1]!.body!.messages!.at(-1)!.content).toMatch(
      /function ones is not allowed/,
    );
  });

  test('nothing outside the three tools ever runs: a model that insists is refused (424)', async () => {
    fake.enqueue({ plan: { tool: 'shell', command: 'cat /etc/passwd' } });
    fake.enqueue({ plan: { tool: 'eval', code: 'process.exit()' } });
    const res = await execute(withLlm, 'List the users of this machine.');
    expect(res.status).toBe(424);
    expect(res.body.error.code).toBe('UPSTREAM_REJECTED');
  });

  test('a host off the allowlist stays refused whatever the model says (400)', async () => {
    fake.enqueue({ plan: { tool: 'http_get', url: 'https://example.com/' } });
    fake.enqueue({ plan: { tool: 'http_get', url: 'http://169.254.169.254/latest/meta-data' } });
    const res = await execute(withLlm, 'Fetch the page.');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/host not on the allowlist/);
  });

  test('the model may say no tool fits, and the arm reports that', async () => {
    fake.enqueue({ plan: { tool: 'none', reason: 'the step asks for an opinion' } });
    const res = await execute(withLlm, 'Decide which colour the logo should be.');
    expect(res.body).toMatchObject({
      output: { tool: null, reason: 'the step asks for an opinion' },
      mode: 'llm',
      confidence: 0.1,
    });
  });

  test('an LLM outage is a 503 the activity retries', async () => {
    fake.enqueue({ status: 503 });
    const res = await execute(withLlm, 'Work out 2 + 2.');
    expect(res.status).toBe(503);
  });
});

describe('the request’s budget_left is a strict cap on its model calls', () => {
  const ZERO = { tokens: 0, cost_usd: 0, seconds: 0 };
  const withGrant = (action: string, grant: { tokens: number; cost_usd: number }) =>
    request(withLlm)
      .post('/execute')
      .send({ ...stepRequest({ action }), budget_left: { ...grant, seconds: 300 } });

  test('each call’s max_tokens is what the one grant leaves after its prompt', async () => {
    // Small enough to bind the 600-token cap of a pick, even after the first call's 100 tokens.
    const granted = 700;
    fake.enqueue({
      content: 'I would use the calculator.',
      usage: { prompt_tokens: 60, completion_tokens: 40 },
    });
    fake.enqueue({ plan: { tool: 'calc', expression: '2 + 2' } });
    const res = await withGrant('Work out two plus two.', { tokens: granted, cost_usd: 1 });
    expect(res.status).toBe(200);
    expect(res.body.usage.tokens).toBe(400);
    const [first, repair] = fake.completions().map((r) => r.body!);
    expect(first!.max_tokens).toBeLessThan(600);
    expect(first!.max_tokens).toBe(granted - estimatePromptTokens(first!.messages!));
    // The repair draws on what the first call left.
    expect(repair!.max_tokens).toBe(granted - 100 - estimatePromptTokens(repair!.messages!));
  });

  test('a grant too small for any call is refused with 402 and what is needed', async () => {
    const res = await withGrant('Work out two plus two.', { tokens: 100, cost_usd: 1 });
    expect(res.status).toBe(402);
    expect(budgetInsufficientBodySchema.parse(res.body).error.needed.tokens).toBeGreaterThan(100);
    expect(fake.completions()).toHaveLength(0);
  });

  test('a repair the rest of the grant cannot cover is refused without asking the model', async () => {
    fake.enqueue({
      content: 'I would use the calculator.',
      usage: { prompt_tokens: 400, completion_tokens: 1_000 },
    });
    const res = await withGrant('Work out two plus two.', { tokens: 1_500, cost_usd: 1 });
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe('BUDGET_INSUFFICIENT');
    expect(fake.completions()).toHaveLength(1);
    // The refusal says what the first call spent, so the task's ledger counts it.
    expect(budgetInsufficientBodySchema.parse(res.body).error.spent?.tokens).toBe(1_400);
  });

  test('tool and offline steps spend nothing, so they run on an empty grant', async () => {
    const empty = { ...stepRequest({ action: 'calc: 6 * 7' }), budget_left: ZERO };
    const tool = await request(withLlm).post('/execute').send(empty).expect(200);
    expect(tool.body).toMatchObject({ mode: 'tool', usage: { tokens: 0, cost_usd: 0 } });
    const offlineRes = await request(offline)
      .post('/execute')
      .send({ ...empty, step: { ...empty.step, action: 'Add up the totals.' } })
      .expect(200);
    expect(offlineRes.body).toMatchObject({ mode: 'offline', usage: { tokens: 0, cost_usd: 0 } });
    // Even an overdrawn ledger (negative budget_left) does not stop free work.
    const overdrawn = { ...empty, budget_left: { cost_usd: -0.5, tokens: -100, seconds: 0 } };
    await request(offline).post('/execute').send(overdrawn).expect(200);
    expect(fake.completions()).toHaveLength(0);
  });
});
