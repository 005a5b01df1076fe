import { spawn } from 'node:child_process';
import { AppError } from '../../../http/app-error';

/** Limits of `json_transform`. */
export interface JsonTransformLimits {
  /** Time the expression may run, in milliseconds (the process gets a second more to start). */
  timeoutMs: number;
  /** Largest input and output, as JSON characters. */
  maxBytes: number;
  /** Longest expression, in characters. */
  maxExpressionLength: number;
  /** Heap of the process the expression runs in, in megabytes. */
  memoryMb: number;
}

/** Defaults: 2 s, 1 MB in and out, 10 000-character expressions, 128 MB of heap. */
export const DEFAULT_JSON_TRANSFORM_LIMITS: JsonTransformLimits = {
  timeoutMs: 2_000,
  maxBytes: 1_000_000,
  maxExpressionLength: 10_000,
  memoryMb: 128,
};

/** What `json_transform` returns. */
export interface JsonTransformResult {
  tool: 'json_transform';
  expression: string;
  /** The transformed value; null when the expression matched nothing. */
  result: unknown;
  /** Set when the expression matched nothing. */
  note?: string;
}

/** Time a fresh Node process may take to start and load jsonata, on a busy machine. */
const STARTUP_DEADLINE_MS = 5_000;

/** Time past the expression's own timeout before the process is killed. */
const KILL_GRACE_MS = 250;

/** The child's first line: it has started and begins to evaluate now. */
const READY = 'ready\n';

/**
 * The program the child process runs: reads `{ expression, input, ... }` on stdin, evaluates
 * it with jsonata's own guards (timeout, stack depth, sequence length), and writes `ready`
 * when it starts evaluating, then one JSON reply. Plain JavaScript passed with `-e`, so it
 * needs no build step.
 */
const CHILD_SOURCE = `
'use strict';
const jsonata = require(process.argv[1]);
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const job = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  process.stdout.write(${JSON.stringify(READY)});
  let reply;
  try {
    const expr = jsonata(job.expression, { timeout: job.timeoutMs, stack: 500, sequence: 100000 });
    const value = await expr.evaluate(job.input);
    if (value === undefined) reply = { ok: true, empty: true };
    else {
      const json = JSON.stringify(value);
      reply = json === undefined ? { ok: true, empty: true }
        : json.length > job.maxBytes ? { ok: false, code: 'SIZE', message: 'output of ' + json.length + ' characters is over the limit of ' + job.maxBytes }
        : { ok: true, json };
    }
  } catch (err) {
    reply = { ok: false, code: String(err && err.code || 'ERROR'), message: String(err && err.message || err), position: err && err.position };
  }
  process.stdout.write(JSON.stringify(reply));
});
`;

interface ChildReply {
  ok: boolean;
  json?: string;
  empty?: boolean;
  code?: string;
  message?: string;
  position?: number;
}

const invalid = (message: string) =>
  new AppError('VALIDATION_FAILED', `json_transform: ${message}`);

/**
 * Applies a JSONata expression to a JSON value. The expression runs in its own short-lived
 * Node process with a capped heap, no environment and a hard deadline: jsonata's timeout only
 * fires between evaluation steps, so a runaway regular expression or a huge string could
 * otherwise hang or crash this service. Expression errors, timeouts and size overruns are the
 * step's fault (400).
 */
export async function jsonTransform(
  expression: string,
  input: unknown,
  limits: JsonTransformLimits,
  signal?: AbortSignal,
): Promise<JsonTransformResult> {
  const text = expression.trim();
  if (!text) throw invalid('the expression is empty');
  if (text.length > limits.maxExpressionLength) {
    throw invalid(
      `the expression is ${text.length} characters; the limit is ${limits.maxExpressionLength}`,
    );
  }
  const inputJson = JSON.stringify(input ?? null);
  if (inputJson.length > limits.maxBytes) {
    throw invalid(`the input is ${inputJson.length} characters; the limit is ${limits.maxBytes}`);
  }
  const job = JSON.stringify({
    expression: text,
    input: input ?? null,
    timeoutMs: limits.timeoutMs,
    maxBytes: limits.maxBytes,
  });
  const reply = await runChild(job, limits, signal);
  if (!reply.ok) {
    if (reply.code === 'D1012') {
      throw invalid(`the expression ran longer than ${limits.timeoutMs} ms`);
    }
    if (reply.code === 'SIZE') throw invalid(reply.message ?? 'output too large');
    const at = typeof reply.position === 'number' ? ` (at character ${reply.position})` : '';
    throw invalid(`${reply.message ?? 'evaluation failed'}${at}`);
  }
  if (reply.empty || reply.json === undefined) {
    return {
      tool: 'json_transform',
      expression: text,
      result: null,
      note: 'The expression matched nothing in the input.',
    };
  }
  return { tool: 'json_transform', expression: text, result: JSON.parse(reply.json) as unknown };
}

function runChild(
  job: string,
  limits: JsonTransformLimits,
  signal?: AbortSignal,
): Promise<ChildReply> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AppError('UPSTREAM_UNAVAILABLE', 'json_transform: aborted'));
      return;
    }
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${limits.memoryMb}`, '-e', CHILD_SOURCE, require.resolve('jsonata')],
      // No environment: nothing of this service's configuration reaches the expression.
      { stdio: ['pipe', 'pipe', 'ignore'], env: {}, windowsHide: true },
    );
    let stdout = '';
    let started = false;
    let failure: AppError | undefined;
    const stop = (error: AppError) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    // Two deadlines: one for starting up, then the expression's own from when it begins.
    let timer = setTimeout(
      () => stop(new AppError('INTERNAL', 'json_transform: the sandbox process did not start')),
      STARTUP_DEADLINE_MS,
    );
    const onAbort = () => stop(new AppError('UPSTREAM_UNAVAILABLE', 'json_transform: aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (!started && stdout.startsWith(READY)) {
        started = true;
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            stop(invalid(`the expression ran longer than ${limits.timeoutMs} ms and was stopped`)),
          limits.timeoutMs + KILL_GRACE_MS,
        );
      }
      if (stdout.length > limits.maxBytes + 10_000) stop(invalid('the output is over the limit'));
    });
    // The child may exit before reading all of its input (a crash): that is reported below.
    child.stdin.on('error', () => undefined);
    child.stdin.end(job);
    child.on('error', (err) => {
      failure ??= new AppError('INTERNAL', `json_transform could not start: ${err.message}`);
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (failure) return reject(failure);
      if (code === 0) {
        try {
          return resolve(JSON.parse(stdout.slice(READY.length)) as ChildReply);
        } catch {
          // Fall through: a reply cut short is a crash.
        }
      }
      reject(
        invalid(
          `the expression stopped its process (${sig ?? `exit ${code}`}); it may have ` +
            `exceeded the memory limit of ${limits.memoryMb} MB`,
        ),
      );
    });
  });
}
