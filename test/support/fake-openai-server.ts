import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The token usage a completion reports; default 100 prompt and 200 completion tokens. */
export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** One scripted answer of the fake server to a chat completion request. */
export type FakeReply =
  /** A completion whose message content is this value as JSON. */
  | { plan: unknown; usage?: FakeUsage; delayMs?: number }
  /** A completion with exactly this content (malformed JSON, fenced JSON, prose...). */
  | { content: string; finishReason?: 'stop' | 'length'; usage?: FakeUsage; delayMs?: number }
  /** A completion that refuses, as structured-output models do. */
  | { refusal: string; delayMs?: number }
  /** An OpenAI-style error response with this status. */
  | { status: number; message?: string; param?: string; delayMs?: number }
  /** Never answers, so the client's timeout fires. */
  | { hang: true };

/** The parts of a chat completion request body that tests look at. */
export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: string | null }[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
  temperature?: number;
  max_tokens?: number;
  [field: string]: unknown;
}

/** A request the fake server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed JSON body, or undefined for requests without one. */
  body: ChatRequestBody | undefined;
  authorization: string | undefined;
}

/** Options of the fake server. */
export interface FakeOpenAiServerOptions {
  /** Bearer token it accepts; other tokens get 401. Default: any token. */
  apiKey?: string;
  /** `response_format` types it answers with 400, like a server without that feature. */
  unsupportedFormats?: readonly ('json_schema' | 'json_object')[];
  /** Model ids listed by `GET /v1/models`. */
  models?: readonly string[];
  /** The reply to a chat completion when none is queued (default: a 500 saying so). */
  fallback?: (body: ChatRequestBody | undefined) => FakeReply;
}

/** A running fake server. */
export interface FakeOpenAiServer {
  /** Base URL for the `openai` client, ending in `/v1`. */
  baseUrl: string;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Chat completion requests only. */
  completions(): RecordedRequest[];
  /** Queues replies; each chat completion request takes the next one. */
  enqueue(...replies: FakeReply[]): void;
  /** Replies still queued. */
  pending(): number;
  /** Forgets queued replies and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_USAGE: FakeUsage = { prompt_tokens: 100, completion_tokens: 200 };

function completion(
  model: string,
  content: string | null,
  finish: string,
  refusal?: string,
  usage: FakeUsage = DEFAULT_USAGE,
) {
  return {
    id: `chatcmpl-fake-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: refusal ?? null },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

function errorBody(status: number, message: string, param?: string) {
  const type =
    status === 429
      ? 'rate_limit_exceeded'
      : status >= 500
        ? 'server_error'
        : 'invalid_request_error';
  return { error: { message, type, param: param ?? null, code: null } };
}

/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 with scripted replies, for tests that must
 * go through the real `openai` client: status codes, headers, timeouts and bodies are real.
 */
export async function startFakeOpenAiServer(
  options: FakeOpenAiServerOptions = {},
): Promise<FakeOpenAiServer> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: ChatRequestBody | undefined;
      try {
        body = raw ? (JSON.parse(raw) as ChatRequestBody) : undefined;
      } catch {
        return send(res, 400, errorBody(400, 'body is not JSON'));
      }
      const path = (req.url ?? '').split('?')[0] ?? '';
      requests.push({
        method: req.method ?? '',
        path,
        body,
        authorization: req.headers.authorization,
      });

      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        return send(res, 401, errorBody(401, 'Incorrect API key provided'));
      }
      if (req.method === 'GET' && path === '/v1/models') {
        const data = (options.models ?? ['fake-model']).map((id) => ({
          id,
          object: 'model',
          created: 0,
          owned_by: 'fake',
        }));
        return send(res, 200, { object: 'list', data });
      }
      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        return send(res, 404, errorBody(404, `no route ${req.method} ${path}`));
      }
      const format = body?.response_format?.type;
      if (
        format &&
        (options.unsupportedFormats as readonly string[] | undefined)?.includes(format)
      ) {
        return send(
          res,
          400,
          errorBody(400, `response_format type ${format} is not supported`, 'response_format'),
        );
      }
      const reply = queue.shift() ?? options.fallback?.(body);
      if (!reply) return send(res, 500, errorBody(500, 'fake server: no scripted reply left'));
      if ('hang' in reply) return; // the client times out; close() destroys the socket
      const model = String(body?.model ?? 'fake-model');
      const answer = () => {
        if ('status' in reply)
          return send(
            res,
            reply.status,
            errorBody(reply.status, reply.message ?? `status ${reply.status}`, reply.param),
          );
        if ('refusal' in reply)
          return send(res, 200, completion(model, null, 'stop', reply.refusal));
        if ('plan' in reply)
          return send(
            res,
            200,
            completion(model, JSON.stringify(reply.plan), 'stop', undefined, reply.usage),
          );
        return send(
          res,
          200,
          completion(model, reply.content, reply.finishReason ?? 'stop', undefined, reply.usage),
        );
      };
      if (!reply.delayMs) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, reply.delayMs);
      timers.add(timer);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    completions: () => requests.filter((r) => r.path === '/v1/chat/completions'),
    enqueue: (...replies) => void queue.push(...replies),
    pending: () => queue.length,
    reset() {
      queue.length = 0;
      requests.length = 0;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}
