/**
 * Planner scenario suite: plans every scenario in test/fixtures/planner/scenarios.json with the
 * offline planner and with the LLM path replaying recorded model replies through a real local
 * OpenAI-compatible server, and reports the share of valid plans, the step-count distribution,
 * latency and cache-hit latency.
 *
 *   npm run eval:planner                 # report; exits 1 when a target is missed
 *   npm run eval:planner -- --json out   # also write the figures as JSON
 *   npm run eval:planner -- --record     # re-record the replies from the configured model
 *                                        # (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL)
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { AppError } from '../src/http/app-error';
import { loadConfig } from '../src/config';
import { createLlm, type Llm, type LlmSettings } from '../src/services/common/llm-client';
import { priceOf } from '../src/shared/model-cost';
import { createMemoryPlanCache } from '../src/services/planner/memory-plan-cache';
import { PlanInvalidError } from '../src/services/planner/plan-invalid-error';
import { validatePlan } from '../src/services/planner/plan-validator';
import { createPlanner, type Planner } from '../src/services/planner/planner';
import { createPlannerApp } from '../src/services/planner/planner-app';
import { planRequestSchema, planResponseSchema, type PlanRequest } from '../src/shared/plan';
import { startFakeOpenAiServer, type FakeReply } from '../test/support/fake-openai-server';

const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures', 'planner');
const SCENARIOS_FILE = path.join(FIXTURES, 'scenarios.json');
const RECORDED_FILE = path.join(FIXTURES, 'recorded-llm-responses.json');

/** Targets from the issue; the suite fails when one is missed. */
export const TARGETS = { offlineValid: 1, llmValid: 0.95, cacheHitP95Ms: 5 } as const;

// Temporal retries the plan activity on 503; the suite does the same, a bounded number of times.
const TRANSIENT_ATTEMPTS = 3;
const CACHE_HIT_REPEATS = 10;

/** One scenario of the suite. */
export interface Scenario {
  id: string;
  kind: string;
  request: PlanRequest;
}

/** Outcome of planning one scenario on one path. */
export interface ScenarioResult {
  id: string;
  valid: boolean;
  steps?: number;
  ms: number;
  /** Model calls made (LLM path). */
  calls?: number;
  /** 503s retried as Temporal would. */
  transientRetries?: number;
  problems?: readonly string[];
}

/** Figures for one path. */
export interface PathReport {
  scenarios: number;
  valid: number;
  validShare: number;
  stepCounts: Record<string, number>;
  latencyMs: { p50: number; p95: number; max: number };
  /** Plans returned that fail validation when re-checked here: must be 0. */
  invalidReturned: number;
  results: ScenarioResult[];
}

/** Everything the suite measures. */
export interface EvalReport {
  offline: PathReport;
  llm: PathReport & { modelCalls: number; repairs: number; transientRetries: number };
  /**
   * `inProcess`: the planner answering a hit (lookup, key, re-validation), which the target
   * applies to. `http`: the same over a real socket, with `httpBaseline` (GET /health on the
   * same server) showing how much of it is HTTP and machine load rather than the cache.
   */
  cacheHit: {
    inProcess: Percentiles;
    http: Percentiles;
    httpBaseline: Percentiles;
    samples: number;
  };
  passed: boolean;
}

type Percentiles = { p50: number; p95: number; max: number };

/** Reads the scenarios, applying the request schema's defaults. */
export function loadScenarios(file = SCENARIOS_FILE): Scenario[] {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    scenarios: (Record<string, unknown> & { id: string; kind: string })[];
  };
  return raw.scenarios.map(({ id, kind, ...fields }) => ({
    id,
    kind,
    request: planRequestSchema.parse(fields),
  }));
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted.at(-1) ?? 0) };
}

/** Plans one scenario, retrying 503s like the activity's retry policy would. */
async function planScenario(planner: Planner, scenario: Scenario): Promise<ScenarioResult> {
  const started = performance.now();
  let transientRetries = 0;
  for (;;) {
    try {
      const plan = planResponseSchema.parse(await planner.plan(scenario.request));
      const problems = validatePlan(plan.steps, scenario.request);
      return {
        id: scenario.id,
        valid: problems.length === 0,
        steps: plan.steps.length,
        ms: performance.now() - started,
        transientRetries,
        ...(problems.length > 0 ? { problems } : {}),
      };
    } catch (err) {
      const transient = err instanceof AppError && err.code === 'UPSTREAM_UNAVAILABLE';
      if (transient && transientRetries + 1 < TRANSIENT_ATTEMPTS) {
        transientRetries += 1;
        continue;
      }
      const problems =
        err instanceof PlanInvalidError ? err.problems : [(err as Error).message ?? String(err)];
      return {
        id: scenario.id,
        valid: false,
        ms: performance.now() - started,
        transientRetries,
        problems,
      };
    }
  }
}

function summarise(results: ScenarioResult[]): PathReport {
  const stepCounts: Record<string, number> = {};
  for (const r of results)
    if (r.steps !== undefined) stepCounts[r.steps] = (stepCounts[r.steps] ?? 0) + 1;
  const valid = results.filter((r) => r.valid).length;
  return {
    scenarios: results.length,
    valid,
    validShare: results.length ? valid / results.length : 0,
    stepCounts,
    latencyMs: percentiles(results.map((r) => r.ms)),
    invalidReturned: results.filter((r) => r.steps !== undefined && !r.valid).length,
    results,
  };
}

const silent = pino({ level: 'silent' });

/** Runs the whole suite: offline, LLM with recorded replies, and cache-hit latency. */
export async function runPlannerEval(
  scenarios = loadScenarios(),
  recordedFile = RECORDED_FILE,
): Promise<EvalReport> {
  // Offline path, each scenario planned fresh (its own cache) so latency is the planning cost.
  const offlineResults: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    offlineResults.push(await planScenario(createPlanner({ logger: silent }), scenario));
  }

  // LLM path, replaying the recorded replies through the real openai client and a real server.
  const recorded = JSON.parse(fs.readFileSync(recordedFile, 'utf8')) as {
    model: string;
    replies: Record<string, FakeReply[]>;
  };
  const fake = await startFakeOpenAiServer();
  const llmResults: ScenarioResult[] = [];
  let repairs = 0;
  let modelCalls = 0;
  const hitsInProcess: number[] = [];
  try {
    const llm = createLlm({
      apiKey: 'recorded',
      baseUrl: fake.baseUrl,
      model: recorded.model,
      timeoutMs: 5_000,
    });
    const planner = createPlanner({ logger: silent, llm, cache: createMemoryPlanCache() });
    for (const scenario of scenarios) {
      fake.reset();
      fake.enqueue(...(recorded.replies[scenario.id] ?? []));
      const result = await planScenario(planner, scenario);
      const calls = fake.completions().length;
      modelCalls += calls;
      repairs += Math.max(0, calls - 1 - (result.transientRetries ?? 0));
      llmResults.push({ ...result, calls });
      if (!result.valid) continue;
      for (let i = 0; i < CACHE_HIT_REPEATS; i += 1) {
        const started = performance.now();
        const hit = await planner.plan(scenario.request);
        hitsInProcess.push(performance.now() - started);
        if (!hit.cache.hit) throw new Error(`${scenario.id}: expected a cache hit`);
      }
    }
  } finally {
    await fake.close();
  }

  // Cache hits over real HTTP: the service as the activity calls it.
  const { hits: hitsHttp, baseline } = await measureHttpHits(scenarios);

  const offline = summarise(offlineResults);
  const llmReport = summarise(llmResults);
  const cacheHit = {
    inProcess: percentiles(hitsInProcess),
    http: percentiles(hitsHttp),
    httpBaseline: percentiles(baseline),
    samples: hitsInProcess.length + hitsHttp.length,
  };
  const passed =
    offline.validShare >= TARGETS.offlineValid &&
    llmReport.validShare >= TARGETS.llmValid &&
    offline.invalidReturned + llmReport.invalidReturned === 0 &&
    cacheHit.inProcess.p95 <= TARGETS.cacheHitP95Ms;
  return {
    offline,
    llm: {
      ...llmReport,
      modelCalls,
      repairs,
      transientRetries: llmResults.reduce((a, r) => a + (r.transientRetries ?? 0), 0),
    },
    cacheHit,
    passed,
  };
}

async function measureHttpHits(
  scenarios: Scenario[],
): Promise<{ hits: number[]; baseline: number[] }> {
  const { app } = createPlannerApp({ logger: silent });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  // A keep-alive client, as an activity's HTTP client would hold, so connection set-up is not
  // counted as cache latency.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: unknown, path = '/plan') =>
    new Promise<{ cache?: { hit: boolean } }>((resolve, reject) => {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: body === undefined ? 'GET' : 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const samples: number[] = [];
  const baseline: number[] = [];
  try {
    // Fill the cache and warm the JIT before timing.
    for (const { request } of scenarios) for (let i = 0; i < 3; i += 1) await post(request);
    for (let i = 0; i < CACHE_HIT_REPEATS; i += 1) {
      for (const { request } of scenarios) {
        const started = performance.now();
        const body = await post(request);
        samples.push(performance.now() - started);
        if (!body.cache?.hit) throw new Error('expected a cache hit over HTTP');
        const before = performance.now();
        await post(undefined, '/health');
        baseline.push(performance.now() - before);
      }
    }
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return { hits: samples, baseline };
}

/**
 * Asks a real model (by default the configured one) for every scenario and writes its raw
 * replies, in order, as the recording the LLM path replays.
 */
export async function recordReplies(
  scenarios: Scenario[],
  out: string,
  settings: LlmSettings = loadConfig().llm,
  log: (line: string) => void = console.log,
): Promise<void> {
  if (!settings.apiKey) {
    throw new Error('--record needs OPENAI_API_KEY (and OPENAI_BASE_URL / OPENAI_MODEL)');
  }
  let current: FakeReply[] = [];
  // Capture each raw completion as the fake server will replay it.
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (String(input instanceof Request ? input.url : input).endsWith('/chat/completions')) {
      if (!res.ok) current.push({ status: res.status, message: `recorded status ${res.status}` });
      else {
        const body = (await res.clone().json()) as {
          choices?: {
            message?: { content?: string | null; refusal?: string | null };
            finish_reason?: string;
          }[];
        };
        const choice = body.choices?.[0];
        if (choice?.message?.refusal) current.push({ refusal: choice.message.refusal });
        else
          current.push({
            content: choice?.message?.content ?? '',
            finishReason: choice?.finish_reason === 'length' ? 'length' : 'stop',
          });
      }
    }
    return res;
  };
  const llm: Llm = {
    model: settings.model,
    price: priceOf(settings.prices ?? {}, settings.model),
    client: new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseUrl,
      maxRetries: 0,
      timeout: settings.timeoutMs,
      fetch: recordingFetch,
    }),
  };
  const planner = createPlanner({ logger: silent, llm });
  const replies: Record<string, FakeReply[]> = {};
  for (const scenario of scenarios) {
    current = [];
    const result = await planScenario(planner, scenario);
    replies[scenario.id] = current;
    log(`${scenario.id}: ${current.length} call(s), ${result.valid ? 'valid' : 'invalid'}`);
  }
  const about = `Recorded from ${settings.model} on ${new Date().toISOString().slice(0, 10)} by npm run eval:planner -- --record.`;
  fs.writeFileSync(out, `${JSON.stringify({ about, model: settings.model, replies }, null, 2)}\n`);
  log(`wrote ${out}`);
}

function printPath(name: string, report: PathReport): void {
  const pct = (report.validShare * 100).toFixed(1);
  console.log(
    `\n${name}: ${report.valid}/${report.scenarios} valid (${pct}%), invalid returned: ${report.invalidReturned}`,
  );
  console.log(
    `  steps: ${Object.entries(report.stepCounts)
      .map(([n, c]) => `${n}:${c}`)
      .join('  ')}`,
  );
  const l = report.latencyMs;
  console.log(`  latency ms: p50 ${l.p50}  p95 ${l.p95}  max ${l.max}`);
  for (const r of report.results.filter((x) => !x.valid)) {
    console.log(`  not planned: ${r.id}: ${(r.problems ?? []).join('; ')}`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scenarios = loadScenarios();
  if (args.includes('--record')) {
    const outIndex = args.indexOf('--out');
    return recordReplies(
      scenarios,
      outIndex >= 0 ? (args[outIndex + 1] ?? RECORDED_FILE) : RECORDED_FILE,
    );
  }
  const report = await runPlannerEval(scenarios);
  console.log(`Planner scenario suite: ${scenarios.length} scenarios`);
  printPath('offline planner', report.offline);
  printPath('LLM path (recorded replies, real openai client + local server)', report.llm);
  console.log(
    `  model calls: ${report.llm.modelCalls}, repairs: ${report.llm.repairs}, transient retries (as Temporal would): ${report.llm.transientRetries}`,
  );
  const c = report.cacheHit;
  console.log(
    `\ncache hit ms (in process): p50 ${c.inProcess.p50}  p95 ${c.inProcess.p95}  max ${c.inProcess.max}`,
  );
  console.log(
    `cache hit ms (over HTTP):   p50 ${c.http.p50}  p95 ${c.http.p95}  max ${c.http.max}  (${c.samples} samples)`,
  );
  const b = c.httpBaseline;
  console.log(`GET /health ms (baseline):  p50 ${b.p50}  p95 ${b.p95}  max ${b.max}`);
  console.log(
    `\ntargets: offline ${TARGETS.offlineValid * 100}% valid, LLM >= ${TARGETS.llmValid * 100}% valid, cache hit p95 <= ${TARGETS.cacheHitP95Ms} ms (in process): ${report.passed ? 'PASS' : 'FAIL'}`,
  );
  const jsonIndex = args.indexOf('--json');
  const jsonOut = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
  if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.passed ? 0 : 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
