import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** One JSON request's outcome. */
export interface JsonReply {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

/** A keep-alive JSON client with little overhead, so the bench spends its CPU on nothing else. */
export function jsonClient(baseUrl: string, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const url = new URL(baseUrl);
  const call = (method: string, path: string, body?: unknown): Promise<JsonReply> =>
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
          headers: payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown> = {};
            try {
              parsed = JSON.parse(text) as Record<string, unknown>;
            } catch {
              parsed = { raw: text.slice(0, 200) };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - started });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    post: (path: string, body: unknown) => call('POST', path, body),
    get: (path: string) => call('GET', path),
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
  completed: number;
  failures: { reason: string; taskId?: string }[];
}

export function newStats(): TaskRunStats {
  return {
    endToEnd: new Samples(),
    submit: new Samples(),
    get: new Samples(),
    completed: 0,
    failures: [],
  };
}

const TERMINAL = new Set(['completed', 'failed', 'blocked', 'cancelled']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Submits one task and polls `GET /tasks/:id` every `pollMs` until it ends, as a user's client
 * would. End to end is from just before the submit to the reply that shows `completed`, so it
 * includes up to one poll interval of waiting.
 */
export async function runOneTask(
  client: ReturnType<typeof jsonClient>,
  body: unknown,
  pollMs: number,
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
  const id = submitted.body.task_id as string | undefined;
  if (submitted.status !== 202 || !id) {
    stats.failures.push({ reason: `submit answered ${submitted.status}` });
    return undefined;
  }
  for (;;) {
    await sleep(pollMs);
    let reply: JsonReply;
    try {
      reply = await getWithRetry(client, `/tasks/${id}`);
    } catch (err) {
      stats.failures.push({ reason: `get: ${(err as Error).message}`, taskId: id });
      return id;
    }
    stats.get.add(reply.ms);
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

/**
 * A GET, retried (up to three tries) when the connection breaks: a keep-alive socket the server
 * closed just as the client reused it, which any polling client shrugs off.
 */
async function getWithRetry(client: ReturnType<typeof jsonClient>, path: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.get(path);
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
