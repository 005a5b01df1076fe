import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseServerTiming } from '../../src/api/server-timing';

export { README_TASK } from '../../src/api/request-examples';

/** One JSON request's outcome. */
export interface JsonReply {
  status: number;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  ms: number;
}

/** A keep-alive JSON client with little overhead, so the bench spends its CPU on nothing else. */
export function jsonClient(baseUrl: string, maxSockets: number, apiKey: string) {
  const authorization = `Bearer ${apiKey}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const url = new URL(baseUrl);
  const call = (
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<JsonReply> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: {
            authorization,
            ...extraHeaders,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown> = {};
            try {
              if (text) parsed = JSON.parse(text) as Record<string, unknown>;
            } catch {
              parsed = { raw: text.slice(0, 200) };
            }
            resolve({
              status: res.statusCode ?? 0,
              body: parsed,
              headers: res.headers,
              ms: performance.now() - started,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    post: (path: string, body: unknown) => call('POST', path, body),
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    close: () => agent.destroy(),
  };
}

/** Latency samples of one kind, in milliseconds. */
export class Samples {
  readonly values: number[] = [];
  add(ms: number): void {
    this.values.push(ms);
  }
  /** The p-th percentile (0–100), nearest rank. */
  pct(p: number): number {
    if (this.values.length === 0) return NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank]!;
  }
}

/** What a run of tasks through the API measured. */
export interface TaskRunStats {
  endToEnd: Samples;
  submit: Samples;
  get: Samples;
  /** The API's own time per phase (its `Server-Timing` header), by request and phase. */
  server: { submit: Record<string, Samples>; get: Record<string, Samples> };
  /** `GET /tasks/:id/results?wait=` replies, when the clients wait instead of polling. */
  waits: number;
  completed: number;
  failures: { reason: string; taskId?: string }[];
}

export function newStats(): TaskRunStats {
  return {
    endToEnd: new Samples(),
    submit: new Samples(),
    get: new Samples(),
    server: { submit: {}, get: {} },
    waits: 0,
    completed: 0,
    failures: [],
  };
}

const TERMINAL = new Set(['completed', 'failed', 'blocked', 'cancelled']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How a client follows its task: `wait` reads it once (`GET /tasks/:id`), then waits for its end
 * with `GET /tasks/:id/results?wait=` (the CLI's way); `{ pollMs }` polls `GET /tasks/:id` every
 * pollMs until it ends.
 */
export type FollowMode = 'wait' | { pollMs: number };

/** Seconds each `results?wait=` request may wait for the task to end. */
const WAIT_SECONDS = 20;

/**
 * Submits one task and follows it until it ends, as a user's client would. End to end is from
 * just before the submit to the reply that shows it ended (when polling, that includes up to
 * one poll interval of waiting). `stats.get` holds the `GET /tasks/:id` reads (answered at once).
 */
export async function runOneTask(
  client: ReturnType<typeof jsonClient>,
  body: unknown,
  mode: FollowMode,
  stats: TaskRunStats,
  timeoutMs = 60_000,
): Promise<string | undefined> {
  const started = performance.now();
  let submitted: JsonReply;
  try {
    submitted = await client.post('/submit', body);
  } catch (err) {
    stats.failures.push({ reason: `submit: ${(err as Error).message}` });
    return undefined;
  }
  stats.submit.add(submitted.ms);
  addServerTiming(stats.server.submit, submitted);
  const id = submitted.body.task_id as string | undefined;
  if (submitted.status !== 202 || !id) {
    stats.failures.push({ reason: `submit answered ${submitted.status}` });
    return undefined;
  }
  for (let read = 0; ; read++) {
    const waiting = mode === 'wait' && read > 0;
    if (mode !== 'wait') await sleep(mode.pollMs);
    let reply: JsonReply;
    try {
      reply = await getWithRetry(
        client,
        waiting ? `/tasks/${id}/results?wait=${WAIT_SECONDS}` : `/tasks/${id}`,
      );
    } catch (err) {
      stats.failures.push({ reason: `get: ${(err as Error).message}`, taskId: id });
      return id;
    }
    if (waiting) stats.waits++;
    else {
      stats.get.add(reply.ms);
      addServerTiming(stats.server.get, reply);
    }
    if (reply.status !== 200) {
      stats.failures.push({ reason: `get answered ${reply.status}`, taskId: id });
      return id;
    }
    const status = reply.body.status as string;
    if (TERMINAL.has(status)) {
      if (status === 'completed') {
        stats.completed++;
        stats.endToEnd.add(performance.now() - started);
      } else {
        stats.failures.push({
          reason: `task ended ${status}: ${String(reply.body.error ?? reply.body.blocked_reason)}`,
          taskId: id,
        });
      }
      return id;
    }
    if (performance.now() - started > timeoutMs) {
      stats.failures.push({
        reason: `not done after ${timeoutMs / 1000} s (${status})`,
        taskId: id,
      });
      return id;
    }
  }
}

/** Adds a reply's `Server-Timing` phases to `into`. */
function addServerTiming(into: Record<string, Samples>, reply: JsonReply): void {
  const header = reply.headers['server-timing'];
  for (const [phase, ms] of Object.entries(parseServerTiming(String(header ?? '')))) {
    (into[phase] ??= new Samples()).add(ms);
  }
}

/**
 * A GET, retried (up to three tries) when the connection breaks: a keep-alive socket the server
 * closed just as the client reused it, which any polling client shrugs off.
 */
async function getWithRetry(
  client: ReturnType<typeof jsonClient>,
  path: string,
  headers?: Record<string, string>,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.get(path, headers);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/** Runs `clients` closed loops of `once()` until `durationMs` has passed; returns the elapsed ms. */
export async function closedLoop(
  clients: number,
  durationMs: number,
  once: () => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) await once();
    }),
  );
  return performance.now() - started;
}

/** Resident memory of a process (Linux), in MiB. */
export function processMemory(pid: number): { rssMiB: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}
