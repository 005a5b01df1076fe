import fs from 'node:fs';
import path from 'node:path';
import { buildForBench, startStack, type Stack } from '../../bench/pipeline/stack';
import { README_TASK } from '../../src/api/request-examples';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';

// The system as deployed (services, worker and API each their own process) with
// OTEL_EXPORTER_OTLP_ENDPOINT pointing at a collector in this test: one task is one trace.
jest.setTimeout(300_000);

let receiver: OtlpReceiver;
let stack: Stack;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  buildForBench(() => undefined);
  stack = await startStack(() => undefined, {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, LOG_LEVEL: 'debug' },
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The spans of the trace that `POST /submit` of this task began, once `done` says it is whole. */
async function traceOf(taskId: string, done: (spans: ReceivedSpan[]) => boolean) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const submit = receiver.spans.find(
      (s) =>
        s.service === 'octollm-api' &&
        s.attributes['octollm.task_id'] === taskId &&
        !s.parentSpanId,
    );
    const spans = submit ? receiver.spans.filter((s) => s.traceId === submit.traceId) : [];
    if ((submit && done(spans)) || Date.now() > deadline) return { submit, spans };
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('a task is one trace: API, workflow, every activity and every service call, parent-linked', async () => {
  const submitted = await call('POST', '/submit', README_TASK);
  expect(submitted.status).toBe(202);
  const id = submitted.body.task_id as string;
  const results = await call('GET', `/tasks/${id}/results?wait=60`);
  expect(results.body.status).toBe('completed');
  const steps = results.body.steps as { id: string; arm: string }[];

  // What the run did, from its history: every activity it scheduled.
  const history = await stack.client.workflow.getHandle(`task-${id}`).fetchHistory();
  const activities = (history.events ?? [])
    .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
    .filter((name): name is string => Boolean(name));
  expect(activities.length).toBeGreaterThan(steps.length);

  const ran = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);
  const { submit, spans } = await traceOf(id, (found) =>
    activities.every(
      (a) => ran(found, `RunActivity:${a}`).length >= activities.filter((x) => x === a).length,
    ),
  );
  expect(submit?.name).toBe('POST /submit');

  // The API started the workflow; the worker ran it and each of its activities.
  expect(ran(spans, 'StartWorkflow:TaskWorkflow')).toEqual([
    expect.objectContaining({ service: 'octollm-api' }),
  ]);
  expect(ran(spans, 'RunWorkflow:TaskWorkflow').length).toBeGreaterThanOrEqual(1);
  for (const activity of new Set(activities)) {
    expect({ activity, spans: ran(spans, `RunActivity:${activity}`).length }).toEqual({
      activity,
      spans: activities.filter((a) => a === activity).length,
    });
  }
  // Each step: a span named after it and its arm, with the task's ids, attempt, tokens, cost,
  // and beneath it the call into the arm's service, traced on the service's side too.
  for (const step of steps) {
    const [stepSpan] = ran(spans, `step ${step.id} ${step.arm}`);
    expect(stepSpan?.attributes).toMatchObject({
      'octollm.task_id': id,
      'octollm.step_id': step.id,
      'octollm.arm': step.arm,
      'octollm.attempt': 1,
      'octollm.tokens': expect.any(Number),
      'octollm.cost_usd': expect.any(Number),
    });
    const client = spans.find((s) => s.parentSpanId === stepSpan!.spanId);
    const server = spans.find(
      (s) => s.parentSpanId === client?.spanId && s.service === 'octollm-services',
    );
    expect(server?.name).toMatch(/^POST \//);
  }
  // The Reflex Layer (screening the input at submit and each output) and the Planner Arm were
  // called within the trace as well.
  const served = spans.filter((s) => s.service === 'octollm-services').map((s) => s.name);
  expect(served).toEqual(expect.arrayContaining(['POST /process', 'POST /plan', 'POST /execute']));
  // Every span hangs from another of the same trace, up to the one root: POST /submit.
  const ids = new Set(spans.map((s) => s.spanId));
  const orphans = spans.filter((s) => s !== submit && !ids.has(s.parentSpanId ?? ''));
  expect(orphans.map((s) => `${s.service} ${s.name}`)).toEqual([]);
  expect(new Set(spans.map((s) => s.service))).toEqual(
    new Set(['octollm-api', 'octollm-worker', 'octollm-services']),
  );

  // The worker's log: a line per step attempt, through pino, with the task's ids and trace id.
  const lines = fs
    .readFileSync(path.join(stack.logDir, 'worker.log'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const stepLines = lines.filter((l) => l.msg === 'step completed' && l.taskId === id);
  expect(stepLines.map((l) => l.stepId).sort()).toEqual(steps.map((s) => s.id).sort());
  for (const line of stepLines) {
    expect(line).toMatchObject({
      component: 'temporal',
      arm: expect.any(String),
      attempt: 1,
      workflowId: `task-${id}`,
      trace_id: submit!.traceId,
    });
  }
});
