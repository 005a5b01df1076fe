/**
 * The task pipeline end to end, against a bare-Temporal baseline measured in the same run.
 *
 *   npm run bench:pipeline [-- --clients 50 --duration 180 --single 30 --in-flight 100 --poll MS]
 *   API_URL=http://127.0.0.1:8000 OCTOLLM_API_KEY=… TEMPORAL_ADDRESS=127.0.0.1:7233 [WORKER_PID=…] npm run bench:pipeline
 *
 * Without API_URL it compiles the code as `npm run build` does and starts the system as
 * deployed, each piece its own `node` process (embedded PostgreSQL, the Temporal dev server with
 * `npm start`'s flags, services, worker, API), with offline arms. Then, in one run:
 *   (a) one client, `--single` tasks in a row: end-to-end, submit and GET latency;
 *   (m) `--in-flight` tasks submitted at once: the worker's peak RSS while they run;
 *   (b) `--clients` clients for `--duration` s: tasks/min, latencies, failures;
 *   (c) the bare baseline: a workflow with the same number and shape of remote activities as a
 *       task (read from a real task's history), each a no-op, on the same server with the same
 *       worker settings, driven by as many clients for as long; and the ratio of (b) to (c).
 * Clients follow their task as the CLI does: one `GET /tasks/:id`, then
 * `GET /tasks/:id/results?wait=` until it has ended; `--poll MS` makes them poll `GET /tasks/:id` every MS instead (200 is a typical UI).
 * The task is the README's 5-step example. Figures are printed and written as JSON beside the
 * processes' logs.
 */
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { temporal } from '@temporalio/proto';
import type { BaselineWorkflow, BaselineShape } from './baseline-workflows';
import {
  closedLoop,
  jsonClient,
  README_TASK,
  newStats,
  processMemory,
  runOneTask,
  Samples,
  type FollowMode,
  type TaskRunStats,
} from './pipeline/load';
import {
  buildForBench,
  existingStack,
  spawnNode,
  startStack,
  stopChild,
  WORKER_ENV,
  WORKER_HEAP_FLAGS,
  type Stack,
} from './pipeline/stack';

const { EventType } = temporal.api.enums.v1;

const { values: opts } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    duration: { type: 'string', default: '180' },
    single: { type: 'string', default: '30' },
    'in-flight': { type: 'string', default: '100' },
    /** Poll every this many ms instead of waiting for the result. */
    poll: { type: 'string' },
    'skip-baseline': { type: 'boolean', default: false },
    /** Writes a V8 CPU profile of each process it starts into this folder. */
    profile: { type: 'string' },
  },
});
const CLIENTS = Number(opts.clients);
const DURATION_MS = Number(opts.duration) * 1000;
const SINGLE = Number(opts.single);
const IN_FLIGHT = Number(opts['in-flight']);
const FOLLOW: FollowMode = opts.poll ? { pollMs: Number(opts.poll) } : 'wait';

const say = (msg: string) => console.error(`[bench] ${msg}`);
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : 'n/a');

async function main(): Promise<void> {
  buildForBench(say);
  const stack = process.env.API_URL
    ? await existingStack(process.env.API_URL)
    : await startStack(say, { profileDir: opts.profile });
  const api = jsonClient(stack.apiUrl, CLIENTS * 2 + 10, stack.apiKey);
  const report: Record<string, unknown> = {
    command: [
      'npm run bench:pipeline',
      ...(process.argv.length > 2 ? ['--'] : []),
      ...process.argv.slice(2),
    ].join(' '),
    machine: { cpus: os.cpus().length, load_before: os.loadavg()[0] },
    clients_follow_by: opts.poll
      ? `polling every ${opts.poll} ms`
      : 'reading once, then waiting (GET /tasks/:id/results?wait=)',
  };
  try {
    say('warming up (bundling, caches): 5 tasks');
    const warm = newStats();
    let sampleId: string | undefined;
    for (let i = 0; i < 5; i++)
      sampleId = await runOneTask(api, README_TASK, FOLLOW, warm, 180_000);
    if (warm.failures.length || !sampleId) {
      throw new Error(`warm-up tasks failed: ${JSON.stringify(warm.failures.slice(0, 3))}`);
    }
    const shape = await taskShape(stack, api, sampleId);
    report.task_shape = shape;
    say(
      `a task has ${shape.remote} remote activities (${shape.before} before the steps, ${shape.steps.length} steps, ${shape.after} after) and ${shape.local} local`,
    );

    say(`(a) one client, ${SINGLE} tasks in a row`);
    const single = newStats();
    for (let i = 0; i < SINGLE; i++) await runOneTask(api, README_TASK, FOLLOW, single);
    report.single = summary(single, 0);

    say(`(m) ${IN_FLIGHT} tasks at once, sampling the worker's memory`);
    report.memory = await memoryUnderLoad(stack, api);

    say(`(b) ${CLIENTS} clients for ${DURATION_MS / 1000} s`);
    const load = newStats();
    // prom-client resets its event-loop histogram at each scrape: this one starts the window.
    await eventLoopDelay(stack.apiUrl);
    const loadMs = await closedLoop(CLIENTS, DURATION_MS, () =>
      runOneTask(api, README_TASK, FOLLOW, load),
    );
    report.load = { ...summary(load, loadMs), api_event_loop: await eventLoopDelay(stack.apiUrl) };

    if (!opts['skip-baseline']) {
      say(`(c) bare-Temporal baseline: ${CLIENTS} clients for ${DURATION_MS / 1000} s`);
      report.baseline = await baseline(stack, shape);
      const b = (report.load as { tasks_per_min: number }).tasks_per_min;
      const c = (report.baseline as { workflows_per_min: number }).workflows_per_min;
      report.ratio_load_to_baseline = Number((b / c).toFixed(3));
    }
  } finally {
    api.close();
    await stack.stop();
  }
  const file = path.join(stack.logDir, 'pipeline.json');
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(render(report));
  say(`figures written to ${file}`);
}

/**
 * The API process's event-loop delay since the last scrape (prom-client's default metrics,
 * `GET /metrics`): how long a ready reply waited for the process to get to it.
 */
async function eventLoopDelay(apiUrl: string): Promise<Record<string, number | null>> {
  const text = await fetch(`${apiUrl}/metrics`).then(
    (r) => r.text(),
    () => '',
  );
  const read = (name: string) => {
    const value = new RegExp(
      `^nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? (\\S+)$`,
      'm',
    ).exec(text)?.[1];
    return value === undefined ? null : round(Number(value) * 1000);
  };
  return { p50_ms: read('p50'), p99_ms: read('p99'), max_ms: read('max') };
}

/** The shape of a real task's remote activities, from its Temporal history. */
async function taskShape(stack: Stack, api: ReturnType<typeof jsonClient>, taskId: string) {
  const task = await api.get(`/tasks/${taskId}`);
  const steps = (task.body.steps as { id: string; depends_on: string[] }[]).map((s) => ({
    id: s.id,
    depends_on: s.depends_on,
  }));
  const history = await stack.client.workflow.getHandle(`task-${taskId}`).fetchHistory();
  const remote: string[] = [];
  let local = 0;
  const eventTypes: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const name = (EventType[event.eventType ?? 0] ?? 'unknown').replace(/^EVENT_TYPE_/, '');
    eventTypes[name] = (eventTypes[name] ?? 0) + 1;
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) remote.push(type);
    if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') local++;
  }
  // Steps are `runStep` activities (`executeStep` in tasks started before the fast path).
  const isStep = (type: string) => type === 'runStep' || type === 'executeStep';
  const first = remote.findIndex(isStep);
  const last = remote.length - 1 - [...remote].reverse().findIndex(isStep);
  const shape: BaselineShape & {
    remote: number;
    local: number;
    events: number;
    event_types: Record<string, number>;
  } = {
    before: first < 0 ? remote.length : first,
    steps: first < 0 ? [] : steps,
    after: first < 0 ? 0 : remote.length - last - 1,
    remote: remote.length,
    local,
    events: history.events?.length ?? 0,
    event_types: eventTypes,
  };
  return shape;
}

/** Submits `IN_FLIGHT` tasks at once and samples the worker's RSS until all have ended. */
async function memoryUnderLoad(stack: Stack, api: ReturnType<typeof jsonClient>) {
  const pid = stack.workerPid;
  if (!pid) return { note: 'worker pid unknown (set WORKER_PID with API_URL)' };
  const before = processMemory(pid);
  let peak = before?.rssMiB ?? 0;
  const stats = newStats();
  let done = false;
  const sampler = (async () => {
    while (!done) {
      peak = Math.max(peak, processMemory(pid)?.rssMiB ?? 0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, () => runOneTask(api, README_TASK, FOLLOW, stats, 120_000)),
  );
  done = true;
  await sampler;
  return {
    tasks: IN_FLIGHT,
    completed: stats.completed,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    worker_rss_before_mib: round(before?.rssMiB),
    worker_peak_rss_mib: round(peak),
  };
}

/** The bare baseline: same server, same worker settings, same remote-activity shape. */
async function baseline(stack: Stack, shape: BaselineShape) {
  const taskQueue = `bench-baseline-${process.pid}`;
  const log = path.join(stack.logDir, 'baseline-worker.log');
  // The same worker settings as the task worker: TASK_WORKER_TUNING, heap flags, environment.
  const worker = spawnNode(
    'bench/baseline-worker.js',
    [stack.temporalAddress, taskQueue, stack.namespace],
    WORKER_ENV,
    log,
    WORKER_HEAP_FLAGS,
  );
  try {
    const run = (id: string) =>
      stack.client.workflow.execute<typeof BaselineWorkflow>('BaselineWorkflow', {
        taskQueue,
        workflowId: id,
        args: [{ before: shape.before, steps: shape.steps, after: shape.after }],
      });
    // Warm up (bundling) until the worker answers.
    for (let i = 0; i < 5; i++) await run(`baseline-warm-${process.pid}-${i}`);
    const e2e = new Samples();
    let n = 0;
    let failures = 0;
    const elapsed = await closedLoop(CLIENTS, DURATION_MS, async () => {
      const started = performance.now();
      try {
        await run(`baseline-${process.pid}-${n++}`);
        e2e.add(performance.now() - started);
      } catch {
        failures++;
      }
    });
    return {
      clients: CLIENTS,
      seconds: Number((elapsed / 1000).toFixed(1)),
      workflows: e2e.values.length,
      workflows_per_min: Number(((e2e.values.length / elapsed) * 60_000).toFixed(1)),
      e2e_p50_ms: round(e2e.pct(50)),
      e2e_p95_ms: round(e2e.pct(95)),
      failures,
    };
  } finally {
    await stopChild(worker);
  }
}

function summary(stats: TaskRunStats, elapsedMs: number) {
  return {
    completed: stats.completed,
    failures: stats.failures.length,
    failure_examples: stats.failures.slice(0, 5),
    ...(elapsedMs
      ? {
          clients: CLIENTS,
          seconds: Number((elapsedMs / 1000).toFixed(1)),
          tasks_per_min: Number(((stats.completed / elapsedMs) * 60_000).toFixed(1)),
        }
      : {}),
    e2e_p50_ms: round(stats.endToEnd.pct(50)),
    e2e_p95_ms: round(stats.endToEnd.pct(95)),
    submit_p50_ms: round(stats.submit.pct(50)),
    submit_p95_ms: round(stats.submit.pct(95)),
    get_p50_ms: round(stats.get.pct(50)),
    get_p95_ms: round(stats.get.pct(95)),
    gets: stats.get.values.length,
    wait_replies: stats.waits,
    // The API's own time (Server-Timing), so a slow reply shows where it waited.
    server_p95_ms: {
      submit: phasesP95(stats.server.submit),
      get: phasesP95(stats.server.get),
    },
  };
}

function phasesP95(phases: Record<string, Samples>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(phases).map(([name, s]) => [name, round(s.pct(95))]));
}

function round(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(1));
}

function phases(p: Record<string, number | null>): string {
  return Object.entries(p)
    .map(([name, v]) => `${name} ${v === null ? '-' : ms(v)}`)
    .join(', ');
}

function render(r: Record<string, unknown>): string {
  const s = r.single as ReturnType<typeof summary>;
  const l = r.load as ReturnType<typeof summary> & {
    tasks_per_min: number;
    seconds: number;
    api_event_loop: Record<string, number | null>;
  };
  const m = r.memory as Record<string, number | string>;
  const c = r.baseline as Record<string, number> | undefined;
  const shape = r.task_shape as { remote: number; local: number; events: number };
  const lines = [
    `pipeline bench (${r.command}) on ${(r.machine as { cpus: number }).cpus} cores; clients follow tasks by ${r.clients_follow_by}`,
    `task shape: ${shape.remote} remote activities, ${shape.local} local activities, ${shape.events} history events`,
    `(a) 1 client, ${s.completed} tasks: end-to-end P50 ${ms(s.e2e_p50_ms!)} P95 ${ms(s.e2e_p95_ms!)}; submit P50 ${ms(s.submit_p50_ms!)} P95 ${ms(s.submit_p95_ms!)}; GET P50 ${ms(s.get_p50_ms!)} P95 ${ms(s.get_p95_ms!)} (${s.gets} GETs, ${s.wait_replies} results?wait= replies); failures ${s.failures}`,
    `(m) ${m.tasks} tasks in flight: worker peak RSS ${m.worker_peak_rss_mib ?? m.note} MiB (before: ${m.worker_rss_before_mib ?? 'n/a'} MiB), ${m.completed} completed in ${m.seconds} s`,
    `(b) ${CLIENTS} clients, ${l.seconds} s: ${l.tasks_per_min} tasks/min, end-to-end P50 ${ms(l.e2e_p50_ms!)} P95 ${ms(l.e2e_p95_ms!)}; submit P95 ${ms(l.submit_p95_ms!)}; GET P95 ${ms(l.get_p95_ms!)} (${l.gets} GETs, ${l.wait_replies} results?wait= replies); failures ${l.failures}`,
    `    inside the API, P95: submit ${phases(l.server_p95_ms.submit)}; GET ${phases(l.server_p95_ms.get)}; API event-loop delay P50 ${l.api_event_loop.p50_ms} ms, P99 ${l.api_event_loop.p99_ms} ms, max ${l.api_event_loop.max_ms} ms`,
  ];
  if (c) {
    lines.push(
      `(c) bare baseline, ${c.clients} clients, ${c.seconds} s: ${c.workflows_per_min} workflows/min, end-to-end P50 ${ms(c.e2e_p50_ms!)} P95 ${ms(c.e2e_p95_ms!)}; failures ${c.failures}`,
      `ratio (b)/(c): ${r.ratio_load_to_baseline}`,
    );
  }
  return lines.join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
