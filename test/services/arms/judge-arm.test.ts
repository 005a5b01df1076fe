import type { Express } from 'express';
import request from 'supertest';
import { judgeArm } from '../../../src/services/arms/handlers/judge';
import { budgetInsufficientBodySchema } from '../../../src/shared/budget';
import { estimatePromptTokens } from '../../../src/shared/model-cost';
import { useArmApps } from './arm-apps';
import { stepRequest } from './step-request';

const apps = useArmApps(judgeArm);

const SUMMARY =
  'Event sourcing keeps an audit log of every change, at the cost of schema evolution.';

const judge = (app: Express, criteria: string[], inputs: Record<string, unknown>) =>
  request(app)
    .post('/execute')
    .send(
      stepRequest(
        {
          action: 'Verify the result against the acceptance criteria.',
          arm: 'judge',
          acceptance_criteria: criteria,
        },
        { goal: 'Summarise event sourcing', inputs },
      ),
    );

test('offline: rules decide what they can, the rest is unverified, never passed', async () => {
  const res = await judge(
    apps().offline,
    [
      'summary is non-empty',
      'at most 20 words',
      'does not contain "TODO"',
      'The summary is accurate',
    ],
    { s3: SUMMARY },
  );
  expect(res.status).toBe(200);
  expect(res.body.output).toEqual({
    verdicts: [
      {
        criterion: 'summary is non-empty',
        verdict: 'pass',
        method: 'rule',
        detail: expect.any(String),
      },
      {
        criterion: 'at most 20 words',
        verdict: 'pass',
        method: 'rule',
        detail: 's3: 15 words (≤ 20)',
      },
      {
        criterion: 'does not contain "TODO"',
        verdict: 'pass',
        method: 'rule',
        detail: expect.any(String),
      },
      {
        criterion: 'The summary is accurate',
        verdict: 'unverified',
        method: 'none',
        detail: 'no rule applies; no LLM configured',
      },
    ],
    passed: false,
  });
  expect(res.body).toMatchObject({ mode: 'offline', confidence: 0.75 });
  expect(res.body.summary).toBe('judge: 3 pass, 0 fail, 1 unverified (offline: rules only)');
});

test('offline: when the rules decide everything, the judge is a tool and can pass', async () => {
  const res = await judge(apps().offline, ['result is between 10 and 20'], {
    s2: { tool: 'calc', value: 14 },
  });
  expect(res.body).toMatchObject({ output: { passed: true }, mode: 'tool', confidence: 1 });
});

test('a failing rule fails the step’s verdict', async () => {
  const res = await judge(apps().offline, ['at least 3 passages'], {
    s1: { query: 'q', passages: [] },
  });
  expect(res.body.output).toMatchObject({
    verdicts: [{ verdict: 'fail', method: 'rule', detail: 's1: 0 passages (≥ 3)' }],
    passed: false,
  });
});

test('with an LLM: one call for every criterion the rules left open, verdicts validated', async () => {
  apps().fake.enqueue({
    plan: {
      verdicts: [
        { criterion: 1, verdict: 'PASS', detail: 'It says "audit log of every change".' },
        { criterion: 2, verdict: 'fail', detail: 'No source is cited.' },
      ],
    },
  });
  const res = await judge(
    apps().withLlm,
    ['summary is non-empty', 'The summary is accurate', 'Every claim cites a source', 'rambles'],
    { s3: SUMMARY },
  );
  expect(res.status).toBe(200);
  expect(res.body.output.verdicts).toEqual([
    {
      criterion: 'summary is non-empty',
      verdict: 'pass',
      method: 'rule',
      detail: expect.any(String),
    },
    {
      criterion: 'The summary is accurate',
      verdict: 'pass',
      method: 'llm',
      detail: 'It says "audit log of every change".',
    },
    {
      criterion: 'Every claim cites a source',
      verdict: 'fail',
      method: 'llm',
      detail: 'No source is cited.',
    },
    {
      criterion: 'rambles',
      verdict: 'unverified',
      method: 'llm',
      detail: 'the model gave no verdict for this criterion',
    },
  ]);
  expect(res.body).toMatchObject({
    mode: 'llm',
    usage: { tokens: 300 },
    output: { passed: false },
  });
  const calls = apps().fake.completions();
  expect(calls).toHaveLength(1);
  const prompt = calls[0]!.body!.messages![1]!.content!;
  // Only the open criteria are asked, numbered; the rule-decided one is not.
  expect(prompt).toContain('1. The summary is accurate\n2. Every claim cites a source\n3. rambles');
  expect(prompt).not.toContain('summary is non-empty');
  expect(prompt).toContain(SUMMARY);
  expect(calls[0]!.body!.response_format).toEqual({ type: 'json_object' });
});

test('with an LLM and nothing left open, the model is not called', async () => {
  const res = await judge(apps().withLlm, ['output is valid JSON'], { s1: '{"ok": true}' });
  expect(res.body).toMatchObject({ output: { passed: true }, mode: 'tool', usage: { tokens: 0 } });
  expect(apps().fake.completions()).toHaveLength(0);
});

test('an unreadable model reply leaves the open criteria unverified, never passed', async () => {
  apps().fake.enqueue({ content: 'Looks good to me!' });
  const res = await judge(apps().withLlm, ['The summary is accurate'], { s3: SUMMARY });
  expect(res.body.output).toEqual({
    verdicts: [
      {
        criterion: 'The summary is accurate',
        verdict: 'unverified',
        method: 'llm',
        detail: 'the model reply could not be read as verdicts',
      },
    ],
    passed: false,
  });
});

test('verdicts outside pass/fail/unverified are not accepted', async () => {
  apps().fake.enqueue({ plan: { verdicts: [{ criterion: 1, verdict: 'probably', detail: '' }] } });
  const res = await judge(apps().withLlm, ['The summary is accurate'], { s3: SUMMARY });
  expect(res.body.output.verdicts[0]).toMatchObject({ verdict: 'unverified' });
});

test('an LLM outage is a 503 the activity retries', async () => {
  apps().fake.enqueue({ status: 500 });
  const res = await judge(apps().withLlm, ['The summary is accurate'], { s3: SUMMARY });
  expect(res.status).toBe(503);
});

test('capabilities list the rules', async () => {
  const caps = await request(apps().offline).get('/capabilities').expect(200);
  expect(caps.body.mode).toBe('offline');
  expect(caps.body.rules.map((r: { name: string }) => r.name)).toEqual(
    expect.arrayContaining(['non-empty', 'valid-json', 'contains', 'count', 'number-between']),
  );
});

describe('within the request’s grant (budget_left)', () => {
  const judgeWithin = (
    app: Express,
    criteria: string[],
    grant: { tokens: number; cost_usd: number },
  ) =>
    request(app)
      .post('/execute')
      .send({
        ...stepRequest(
          { action: 'Verify the summary.', arm: 'judge', acceptance_criteria: criteria },
          { inputs: { s3: SUMMARY } },
        ),
        budget_left: { ...grant, seconds: 60 },
      });

  test('the model call’s max_tokens is what the grant leaves after the prompt', async () => {
    apps().fake.enqueue({ plan: { verdicts: [{ criterion: 1, verdict: 'pass', detail: 'ok' }] } });
    const res = await judgeWithin(apps().withLlm, ['The summary is accurate'], {
      tokens: 500,
      cost_usd: 1,
    });
    expect(res.status).toBe(200);
    const [sent] = apps().fake.completions();
    expect(sent!.body!.max_tokens).toBe(500 - estimatePromptTokens(sent!.body!.messages!));
  });

  test('a grant too small for the call is refused with 402 before the model is asked', async () => {
    const res = await judgeWithin(apps().withLlm, ['The summary is accurate'], {
      tokens: 1_000,
      cost_usd: 0.000_01,
    });
    expect(res.status).toBe(402);
    const { error } = budgetInsufficientBodySchema.parse(res.body);
    expect(error.needed.cost_usd).toBeGreaterThan(0.000_01);
    expect(error.message).toMatch(/needs at least/);
    expect(apps().fake.completions()).toHaveLength(0);
  });

  test('rules alone spend nothing: the judge runs on an empty grant', async () => {
    const empty = { tokens: 0, cost_usd: 0 };
    const ruled = await judgeWithin(apps().withLlm, ['summary is non-empty'], empty).expect(200);
    expect(ruled.body).toMatchObject({ mode: 'tool', usage: { tokens: 0, cost_usd: 0 } });
    const offlineRes = await judgeWithin(apps().offline, ['The summary is accurate'], empty).expect(
      200,
    );
    expect(offlineRes.body).toMatchObject({ mode: 'offline', usage: { tokens: 0, cost_usd: 0 } });
    expect(apps().fake.completions()).toHaveLength(0);
  });
});
