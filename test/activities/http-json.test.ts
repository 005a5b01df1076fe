import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { postJson, serviceHttp } from '../../src/activities/http-json';
import { rejectionOf } from '../support/rejection';

// postJson against a real local HTTP server answering with a scripted status and body.
let server: http.Server;
let url: string;
let answer: { status: number; body?: unknown; raw?: string };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.raw ?? JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/execute`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = () =>
  rejectionOf(
    postJson(serviceHttp, url, {}, { service: 'Coder arm', response: z.object({}) }),
    ApplicationFailure,
  );

test('a 402 BUDGET_INSUFFICIENT is a non-retryable BudgetInsufficient with the needed grant', async () => {
  const needed = { tokens: 1_164, cost_usd: 0.0129 };
  answer = {
    status: 402,
    body: {
      error: {
        code: 'BUDGET_INSUFFICIENT',
        message: 'Budget too small: the model call needs at least 1164 tokens',
        needed,
      },
    },
  };
  const failure = await post();
  expect(failure.type).toBe('BudgetInsufficient');
  expect(failure.nonRetryable).toBe(true);
  // Then what the request had spent before the refusal: nothing, when the body does not say.
  expect(failure.details).toEqual([needed, { tokens: 0, cost_usd: 0 }]);
  expect(failure.message).toBe(
    'Coder arm answered 402: Budget too small: the model call needs at least 1164 tokens',
  );
});

test.each([
  ['another code', { error: { code: 'VALIDATION_FAILED', message: 'bad', needed: {} } }],
  [
    'no valid needed grant',
    { error: { code: 'BUDGET_INSUFFICIENT', message: 'x', needed: { tokens: -1 } } },
  ],
  ['a body that is not ours', 'Payment Required'],
])('any other 402 (%s) stays ServiceRejected', async (_name, body) => {
  answer = { status: 402, body };
  const failure = await post();
  expect(failure.type).toBe('ServiceRejected');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.details ?? []).toEqual([]);
});

test('other statuses are classified as before', async () => {
  answer = { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'bad step' } } };
  expect(await post()).toMatchObject({
    type: 'ServiceRejected',
    nonRetryable: true,
    message: 'Coder arm answered 400: bad step',
  });
  answer = { status: 503, body: { error: { code: 'UPSTREAM_UNAVAILABLE', message: 'down' } } };
  expect(await post()).toMatchObject({ type: 'ServiceUnavailable', nonRetryable: false });
});

test('a 2xx body cut short is retryable; JSON of the wrong shape is not', async () => {
  answer = { status: 200, raw: '{"output": {"text": "cut sho' };
  expect(await post()).toMatchObject({
    type: 'UnreadableServiceResponse',
    nonRetryable: false,
    message:
      'Coder arm answered 200 with a body that is not JSON (cut short?): "{\\"output\\": {\\"text\\": \\"cut sho"',
  });
  answer = { status: 200, body: ['not', 'an', 'object'] };
  expect(await post()).toMatchObject({ type: 'InvalidServiceResponse', nonRetryable: true });
});
