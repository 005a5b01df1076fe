import { trace } from '@opentelemetry/api';
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { isDatabaseUnavailable } from '../db/db-error';
import { AppError } from './app-error';

/** What `GET /ready` reports: each dependency's state, ready only when all are up. */
export interface ReadyReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** Options for an OctoLLM HTTP app (the API or a service). */
export interface HttpAppOptions {
  /** Name shown by `/health` and used as the metrics prefix label. */
  name: string;
  logger: Logger;
  /** Largest accepted JSON body. */
  bodyLimit?: string;
  /** Readiness checks; by default the app is ready once it listens. */
  ready?: () => Promise<ReadyReport>;
  /** Extra fields for `/health`, e.g. whether an LLM is configured. */
  health?: () => Record<string, unknown>;
  /**
   * Level of the access log line of a request that succeeded and changed something (not a GET).
   * Default `debug`: the services' calls from the worker are routine; the API logs submits and
   * cancels at `info`. Successful GETs are always `debug` (clients poll), errors `warn`/`error`.
   */
  writeLogLevel?: 'info' | 'debug';
  /** Routes that parse their own bodies (e.g. with a larger limit), mounted before the JSON parser. */
  beforeBodyParser?: RequestHandler;
}

/** An Express app with OctoLLM's plumbing, plus its own metrics registry. */
export interface HttpApp {
  app: Express;
  /** Per-app registry, so several services in one process keep their metrics apart. */
  registry: Registry;
  /** Call after routes are added: 404 for unknown routes, then the error handler. */
  finish(): void;
}

/**
 * Builds an Express app with JSON parsing, request logging, `/health`, `/ready`, `/metrics`
 * and one error handler that maps `AppError` codes to statuses and never leaks internals.
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { name, logger } = options;
  const registry = new Registry();
  registry.setDefaultLabels({ service: name });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    pinoHttp({
      logger,
      // Bodies and headers may carry user text or credentials: log only method, path and status.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      // Under load a line per poll costs CPU and buries what matters: see writeLogLevel.
      customLogLevel: (req, res, err) => {
        if (err || res.statusCode >= 500) return 'error';
        if (res.statusCode >= 400) return 'warn';
        return req.method === 'GET' ? 'debug' : (options.writeLogLevel ?? 'debug');
      },
    }),
  );
  const routeOf = (req: Request) => (req.route as { path?: string } | undefined)?.path;
  const timing: RequestHandler = (req, res, next) => {
    const end = duration.startTimer({ method: req.method });
    res.on('finish', () => {
      end({
        route: `${req.baseUrl}${routeOf(req) ?? 'unmatched'}`,
        status: String(res.statusCode),
      });
    });
    nameTraceSpan(req, res, routeOf);
    next();
  };
  app.use(timing);
  if (options.beforeBodyParser) app.use(options.beforeBodyParser);
  app.use(express.json({ limit: options.bodyLimit ?? '256kb' }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: name, ...(options.health?.() ?? {}) });
  });
  app.get('/ready', async (_req, res) => {
    const report = options.ready ? await options.ready() : { ready: true, checks: {} };
    res.status(report.ready ? 200 : 503).json({ service: name, ...report });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  const finish = () => {
    app.use((req, _res, next) => {
      next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
    });
    app.use(errorHandler(logger));
  };
  return { app, registry, finish };
}

/** Maps any thrown error to a JSON error response; unknown errors become an opaque 500. */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const appError = toAppError(err);
    if (appError.code === 'INTERNAL') logger.error({ err }, 'unhandled error');
    else if (appError !== err && appError.code === 'UPSTREAM_UNAVAILABLE') {
      logger.warn({ reason: (err as Error).message }, 'database unavailable');
    }
    res.status(appError.status).json({
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.details ? { details: appError.details } : {}),
        ...appError.extra,
      },
    });
  };
}

/** Body-parser errors carry a `type`; everything unrecognised is internal. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'The database is not answering; try again shortly');
  }
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.parse.failed') {
    return new AppError('MALFORMED_JSON', 'Request body is not valid JSON', [
      { field: '', message: 'malformed JSON' },
    ]);
  }
  if (type === 'entity.too.large') {
    const limit = (err as { limit?: number }).limit;
    return new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes`);
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding or charset');
  }
  // Other client errors raised by Express or body-parser (a corrupt gzip body, a malformed
  // URL escape) carry a 4xx status and a message that is safe to show.
  const { status, expose, message } = (err ?? {}) as {
    status?: number;
    expose?: boolean;
    message?: string;
  };
  if (expose && status !== undefined && status >= 400 && status < 500) {
    return new AppError('VALIDATION_FAILED', `Bad request: ${message ?? 'unreadable request'}`);
  }
  if (err instanceof URIError) {
    return new AppError('VALIDATION_FAILED', 'Bad request: malformed URL escape in the path');
  }
  return new AppError('INTERNAL', 'Internal server error');
}

/**
 * Names the request's trace span (the HTTP instrumentation's, active here) after the route it
 * matched, `POST /arms/:arm/execute` rather than `POST`, as Express instrumentation would (the
 * OpenTelemetry Express instrumentation of the 1.x line that the Temporal interceptors use does
 * not support Express 5). Done as the response ends, before the instrumentation ends the span.
 */
function nameTraceSpan(
  req: Request,
  res: Response,
  routeOf: (req: Request) => string | undefined,
): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  const reply = res as unknown as { end: (...args: unknown[]) => unknown };
  const end = reply.end;
  reply.end = function (this: unknown, ...args: unknown[]) {
    const route = routeOf(req);
    if (route !== undefined) {
      span.updateName(`${req.method} ${req.baseUrl}${route}`);
      span.setAttribute('http.route', `${req.baseUrl}${route}`);
    }
    return end.apply(this, args);
  };
}
