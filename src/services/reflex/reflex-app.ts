import type { Logger } from 'pino';
import {
  reflexBatchRequestSchema,
  reflexRequestSchema,
  type ReflexDirection,
  type ReflexResponse,
} from '../../shared/reflex';
import { AppError } from '../../http/app-error';
import { createHttpApp, type HttpApp } from '../../http/create-http-app';
import { parseOrThrow } from '../../http/validate';
import { PlaceholderMap } from './placeholder-map';
import type { PhoneOptions } from './pii/phone';
import { resolvePolicy, type ReflexPolicyOverrides } from './policy';
import { createReflexMetrics } from './reflex-metrics';
import { screen } from './screen';
import { VerdictCache } from './verdict-cache';

/** Options for the Reflex Layer service. */
export interface ReflexAppOptions {
  logger: Logger;
  /** Overrides of the default policy, at any depth (a `Partial<ReflexPolicy>` works too). */
  policy?: ReflexPolicyOverrides;
  /** Largest `text` accepted, in UTF-8 bytes; larger ones get 413. Default 128 KiB. */
  maxTextBytes?: number;
  /** Shared placeholder map (task-stable placeholders); one per app by default. */
  placeholders?: PlaceholderMap;
  /** Shared verdict cache; one per app by default. */
  cache?: VerdictCache;
  /** Phone regions tried for national-format numbers. */
  phone?: PhoneOptions;
}

/** Default largest text: 100 KB inputs must pass, with headroom for multi-byte characters. */
export const DEFAULT_MAX_TEXT_BYTES = 128 * 1024;

/**
 * The Reflex Layer: `POST /process` screens a text for PII and prompt injection and returns a
 * verdict, the findings (types, offsets, scores; never values) and the redacted text;
 * `POST /process/batch` does so for several texts of one request.
 * A thin wrapper over `screen`; `/health`, `/ready` and `/metrics` come from `createHttpApp`.
 */
export function createReflexApp(options: ReflexAppOptions): HttpApp {
  const { logger } = options;
  const maxTextBytes = options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
  const policy = resolvePolicy(options.policy);
  const placeholders = options.placeholders ?? new PlaceholderMap();
  const cache = options.cache ?? new VerdictCache();
  // JSON escaping can double a text's size (and \uXXXX sextuple it); the text limit below is the
  // real one, the body limit only stops absurd bodies before they are parsed. A batch holds a
  // whole submission (the API's body limit is 256 KB), escaped.
  const http = createHttpApp({
    name: 'reflex',
    logger,
    bodyLimit: `${Math.max(maxTextBytes, 256 * 1024) * 2 + 64 * 1024}b`,
  });
  const metrics = createReflexMetrics(http.registry);

  /** Screens one text of a request: checks its size, screens, counts and logs it. */
  const screenText = (
    text: string,
    body: { direction: ReflexDirection; context?: Record<string, unknown> },
    field: string,
  ): ReflexResponse => {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > maxTextBytes) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `${field} is ${bytes} bytes; the limit is ${maxTextBytes} bytes`,
        [{ field, message: `longer than ${maxTextBytes} bytes` }],
      );
    }
    const taskId = typeof body.context?.task_id === 'string' ? body.context.task_id : undefined;
    const result = screen(text, body.direction, {
      policy,
      taskId,
      placeholders,
      cache,
      pii: { phone: options.phone },
    });
    metrics.record(body.direction, result);
    // Types, categories and counts only: the text and the matched values stay out of the log.
    // Flagged texts at info; safe ones (most of them, several per task) at debug.
    logger[result.verdict === 'safe' ? 'debug' : 'info'](
      {
        direction: body.direction,
        verdict: result.verdict,
        reasons: result.reasons,
        injectionScore: result.injection.score,
        piiCount: result.pii.length,
        bytes,
        latencyMs: result.latency_ms,
        cached: result.cached,
        taskId,
      },
      'reflex screened text',
    );
    return {
      verdict: result.verdict,
      pii: result.pii.map(({ type, start, end, score }) => ({ type, start, end, score })),
      injection: result.injection,
      redacted_text: result.redacted_text,
      reasons: result.reasons,
      latency_ms: result.latency_ms,
    };
  };

  http.app.post('/process', (req, res) => {
    const body = parseOrThrow(reflexRequestSchema, req.body);
    res.json(screenText(body.text, body, 'text'));
  });

  // Several texts of one request in one round trip (the API screens a submission's fields so).
  http.app.post('/process/batch', (req, res) => {
    const body = parseOrThrow(reflexBatchRequestSchema, req.body);
    res.json({ results: body.texts.map((text, i) => screenText(text, body, `texts.${i}`)) });
  });

  http.finish();
  return http;
}
