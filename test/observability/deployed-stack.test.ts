import fs from 'node:fs';
import path from 'node:path';
import { buildForBench, startStack, type Stack } from '../../bench/pipeline/stack';
import { README_TASK } from '../../src/api/request-examples';
import { findFreePort } from '../../src/toolchain/wait-for-port';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';

// The system as deployed (services, worker and API each their own process) with
// OTEL_EXPORTER_OTLP_ENDPOINT pointing at a collector in this test: one task is one trace; its
// logs carry the trace id; its metrics are exported and the Grafana dashboard's queries name them.
jest.setTimeout(300_000);

let receiver: OtlpReceiver;
let stack: Stack;
/** Every /metrics endpoint of the stack: the API, each service, the worker's SDK endpoint. */
let metricsUrls: string[];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  buildForBench(() => undefined);
  // The worker's metrics port is chosen here, to scrape it.
  const workerMetricsPort = await findFreePort();
  stack = await startStack(() => undefined, {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      LOG_LEVEL: 'debug',
      WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}`,
    },
  });
  const { reflexPort, plannerPort, armsBasePort } = stack.control!;
  const ports = [reflexPort, plannerPort, ...[0, 1, 2, 3, 4].map((i) => armsBasePort + i)];
  metricsUrls = [
    `${stack.apiUrl}/metrics`,
    ...[...ports, workerMetricsPort].map((port) => `http://127.0.0.1:${port}/metrics`),
  ];
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
  /** The service's span for a step's call: under the HTTP client span under the step's span. */
  const servedStep = (spans: ReceivedSpan[], step: { id: string; arm: string }) => {
    const [stepSpan] = ran(spans, `step ${step.id} ${step.arm}`);
    const client = stepSpan && spans.find((s) => s.parentSpanId === stepSpan.spanId);
    return client
      ? spans.find((s) => s.parentSpanId === client.spanId && s.service === 'octollm-services')
      : undefined;
  };
  // Each process sends its spans in its own batches: wait until all of them are in.
  const { submit, spans } = await traceOf(
    id,
    (found) =>
      activities.every(
        (a) => ran(found, `RunActivity:${a}`).length >= activities.filter((x) => x === a).length,
      ) && steps.every((step) => servedStep(found, step) !== undefined),
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
    expect(servedStep(spans, step)?.name).toBe('POST /execute');
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

/** Metric names a Prometheus text exposition declares (with a histogram's series) and samples. */
function exported(text: string): { names: Set<string>; samples: string[] } {
  const names = new Set<string>();
  const samples: string[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name, kind] = type;
      names.add(name!);
      if (kind === 'histogram')
        for (const s of ['_bucket', '_count', '_sum']) names.add(`${name}${s}`);
    } else if (line && !line.startsWith('#')) {
      names.add(line.split(/[{ ]/)[0]!);
      samples.push(line);
    }
  }
  return { names, samples };
}

test("/metrics has the SDK's series and OctoLLM's after a task; every dashboard query names them", async () => {
  const submitted = await call('POST', '/submit', README_TASK);
  const id = submitted.body.task_id as string;
  expect((await call('GET', `/tasks/${id}/results?wait=60`)).body.status).toBe('completed');

  const scraped = await Promise.all(metricsUrls.map(async (url) => (await fetch(url)).text()));
  const names = new Set(scraped.flatMap((text) => [...exported(text).names]));
  const samples = scraped.flatMap((text) => exported(text).samples);
  const sample = (name: string, label = '') =>
    samples.filter((s) => s.startsWith(`${name}{`) && s.includes(label));

  // The Temporal SDK's worker series: task latencies, slots, the sticky cache.
  for (const name of [
    'temporal_workflow_task_execution_latency_bucket',
    'temporal_activity_schedule_to_start_latency_bucket',
    'temporal_worker_task_slots_used',
    'temporal_sticky_cache_size',
  ]) {
    expect({ name, found: sample(name).length > 0 }).toEqual({ name, found: true });
  }
  // OctoLLM's: the tasks that ended, step attempts by arm, screening verdicts, plan cache,
  // model usage (declared; offline, no model is called).
  expect(sample('octollm_tasks_finished', 'status="completed"').length).toBeGreaterThan(0);
  expect(sample('octollm_step_duration_ms_count', 'outcome="completed"').length).toBeGreaterThan(0);
  expect(sample('reflex_verdicts_total', 'verdict="safe"').length).toBeGreaterThan(0);
  for (const name of [
    'planner_cache_misses_total',
    'octollm_llm_tokens_total',
    'octollm_llm_cost_usd_total',
  ]) {
    expect({ name, declared: names.has(name) }).toEqual({ name, declared: true });
  }

  // The dashboard: well formed for Grafana, and every query names series that exist.
  const root = path.resolve(__dirname, '../..');
  const dashboard = JSON.parse(
    fs.readFileSync(path.join(root, 'docker/grafana/dashboards/octollm.json'), 'utf8'),
  ) as DashboardJson;
  const datasource = fs.readFileSync(
    path.join(root, 'docker/grafana/provisioning/datasources/prometheus.yml'),
    'utf8',
  );
  expect(dashboard).toMatchObject({
    uid: 'octollm',
    title: 'OctoLLM',
    schemaVersion: expect.any(Number),
  });
  expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  const missing: string[] = [];
  for (const panel of dashboard.panels) {
    expect(panel).toMatchObject({
      title: expect.any(String),
      type: expect.stringMatching(/^(timeseries|stat|gauge|table)$/),
      gridPos: {
        h: expect.any(Number),
        w: expect.any(Number),
        x: expect.any(Number),
        y: expect.any(Number),
      },
      datasource: { type: 'prometheus', uid: expect.any(String) },
    });
    expect(datasource).toContain(`uid: ${panel.datasource.uid}`);
    expect(panel.targets.length).toBeGreaterThan(0);
    for (const target of panel.targets) {
      const selectors = [...target.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map(
        (m) => m[1]!,
      );
      expect(selectors.length).toBeGreaterThan(0);
      for (const name of selectors) if (!names.has(name)) missing.push(`${panel.title}: ${name}`);
    }
  }
  expect(missing).toEqual([]);
});

interface DashboardJson {
  uid: string;
  panels: {
    id: number;
    title: string;
    datasource: { uid: string };
    targets: { expr: string }[];
  }[];
}
