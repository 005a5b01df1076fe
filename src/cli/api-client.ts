import got, { RequestError, type Got, type OptionsOfJSONResponseBody } from 'got';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { CliEnv } from './cli-env';

/** The API's error body (`{ error: { code, message, details } }`). */
interface ErrorBody {
  error?: { code?: string; message?: string; details?: { field: string; message: string }[] };
}

/** A failed call, as one line for the user: what the API said, or why it was not reached. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    message: string,
    /** The HTTP status, or undefined when the API was not reached. */
    readonly status?: number,
    /** The API's error code (`NOT_FOUND`, `CONFLICT`, …). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A route this server does not have (an older API): the command is not available here. */
export class NotAvailableError extends ApiError {
  override name = 'NotAvailableError';
}

type Method = 'GET' | 'POST' | 'DELETE';

/** One call's options. */
export interface CallOptions {
  json?: unknown;
  searchParams?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Longest a call waits for an answer: above the API's longest `?wait=` (60 s). */
const CALL_TIMEOUT_MS = 75_000;
/** The event stream sends a keepalive every 15 s: this long without a byte, it is dead. */
const STREAM_IDLE_MS = 45_000;

/** The OctoLLM REST API, for the command line. */
export class ApiClient {
  private readonly http: Got;

  constructor(private readonly env: CliEnv) {
    this.http = got.extend({
      prefixUrl: env.url,
      headers: {
        'user-agent': 'octollm-cli',
        ...(env.apiKey ? { authorization: `Bearer ${env.apiKey}` } : {}),
      },
      // Commands are not retried behind the user's back; they see the one clear error.
      retry: { limit: 0 },
      throwHttpErrors: false,
    });
  }

  /** Calls `method path` and returns the JSON body; a non-2xx answer throws an ApiError. */
  async call<T>(method: Method, path: string, options: CallOptions = {}): Promise<T> {
    const request: OptionsOfJSONResponseBody = {
      method,
      json: options.json,
      searchParams: dropUndefined(options.searchParams),
      headers: options.headers,
      signal: options.signal,
      responseType: 'json',
      timeout: { request: CALL_TIMEOUT_MS },
    };
    let response;
    try {
      response = await this.http<T>(relative(path), request);
    } catch (err) {
      throw this.unreachable(err);
    }
    if (response.statusCode >= 300 && response.statusCode !== 304) {
      throw this.failure(method, path, response.statusCode, response.body);
    }
    return response.body;
  }

  /**
   * `GET /tasks/:id/events`: the task's Server-Sent Events until the stream ends. Returns
   * undefined when this server has no event stream (an older API), so the caller can poll.
   */
  async events(
    taskId: string,
    signal?: AbortSignal,
  ): Promise<AsyncIterable<EventSourceMessage> | undefined> {
    const path = `tasks/${encodeURIComponent(taskId)}/events`;
    const stream = this.http.stream(path, {
      headers: { accept: 'text/event-stream' },
      signal,
      timeout: { connect: 10_000, response: 30_000, socket: STREAM_IDLE_MS },
    });
    let response;
    try {
      response = await new Promise<{ statusCode: number }>((resolve, reject) => {
        stream.once('response', resolve);
        stream.once('error', reject);
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    if (response.statusCode !== 200) {
      const text = await readAll(stream).catch(() => '');
      const error = this.failure('GET', path, response.statusCode, parseJson(text));
      if (error instanceof NotAvailableError) return undefined;
      throw error;
    }
    return messagesOf(stream, (err) => this.unreachable(err));
  }

  private failure(method: Method, path: string, status: number, body: unknown): ApiError {
    const error = (body as ErrorBody | undefined)?.error;
    const message = error?.message ?? `the API answered ${status}`;
    if (status === 404 && message.startsWith('No route for')) {
      return new NotAvailableError(
        `This server has no ${method} /${relative(path).split('?')[0]} (an older OctoLLM API): not available here`,
        status,
        error?.code,
      );
    }
    // Validation messages already name their fields; other errors' details are added.
    const issues = (error?.details ?? []).map((d) =>
      d.field ? `${d.field}: ${d.message}` : d.message,
    );
    const details = issues.some((i) => !message.includes(i)) ? ` (${issues.join('; ')})` : '';
    if (status === 401 && this.env.keySource === 'none') {
      return new ApiError(
        'UNAUTHENTICATED: no API key; set OCTOLLM_API_KEY (`npm start` prints one and keeps it ' +
          'in .octollm/api-key, which octollm reads by itself when run from that folder)',
        status,
        error?.code,
      );
    }
    let hint = '';
    if (status === 401 || status === 403) {
      hint = `; check OCTOLLM_API_KEY${this.env.keySource === 'file' ? ' (the key came from .octollm/api-key)' : ''}`;
    }
    return new ApiError(
      `${error?.code ?? status}: ${message}${details}${hint}`,
      status,
      error?.code,
    );
  }

  private unreachable(err: unknown): Error {
    if (err instanceof ApiError) return err;
    if (err instanceof RequestError) {
      if (err.name === 'AbortError' || err.code === 'ERR_ABORTED') return err;
      return new ApiError(
        `Cannot reach the OctoLLM API at ${this.env.url} (${err.code ?? err.message}): ` +
          'is it running? Start it with `npm start`, or set OCTOLLM_URL',
      );
    }
    return err as Error;
  }
}

async function* messagesOf(
  stream: AsyncIterable<Buffer>,
  unreachable: (err: unknown) => Error,
): AsyncIterable<EventSourceMessage> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  try {
    for await (const chunk of stream) {
      parser.feed(chunk.toString('utf8'));
      yield* queue.splice(0);
    }
  } catch (err) {
    throw unreachable(err);
  }
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** got's prefixUrl wants paths without a leading slash. */
const relative = (path: string) => path.replace(/^\//, '');

function dropUndefined(params: CallOptions['searchParams']) {
  if (!params) return undefined;
  return Object.fromEntries(
    Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined),
  );
}
