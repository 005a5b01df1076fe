import type { Client } from '@temporalio/client';
import got from 'got';
import type { Logger } from 'pino';
import type { TaskChanges } from '../db/task-changes';
import type { PrismaClient } from '../generated/prisma/client';
import { createHttpApp, type HttpApp, type ReadyReport } from '../http/create-http-app';
import type { PayloadCodec } from '@temporalio/common';
import { createAuth, type AuthOptions } from './auth';
import { createCodecRouter } from './codec-router';
import { createDocumentsRouter } from './documents-router';
import { createInputScreening } from './input-screening';
import type { TaskWorkflowInput } from '../workflows/definitions';
import swaggerUi from 'swagger-ui-express';
import { createOpenApiDocument } from './openapi';
import { createTasksRouter } from './tasks-router';
import { createWorkflowReconciler, type WorkflowReconciler } from './workflow-reconciler';
import { createWorkflowStarter, type WorkflowStarter } from './workflow-starter';

/** An arm instance as `GET /arms` shows it: its registry entry and its live health. */
export interface ArmStatus {
  arm: string;
  name: string;
  health: { healthy: boolean };
}

/** What the REST facade needs; it never calls the services' work endpoints itself. */
export interface ApiDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** Services whose `/health` readiness checks, by name. */
  serviceUrls: Record<string, string>;
  /** The Reflex Layer, which screens every submission before it is stored. */
  reflexUrl: string;
  /** Where the Temporal Web UI is, if there is one, for `GET /`. */
  temporalUiUrl?: string;
  /** Whether the namespace has OctoLLM's search attributes registered (default false). */
  searchAttributes?: boolean;
  /** The arm registry with live health (the runtime's ArmHealthMonitor), for `GET /arms` and readiness. */
  arms?: { snapshot(): ArmStatus[] };
  /** Per-arm timeouts, attempts and concurrency handed to each task's workflow. */
  armLimits?: TaskWorkflowInput['armLimits'];
  /** Change announcements for `GET /tasks/:id?wait=` (else waits re-read every second). */
  taskChanges?: TaskChanges;
  /** Plans estimated above this many USD wait for approval (`APPROVAL_ABOVE_USD`). */
  approvalAboveUsd?: number;
  /** The configured model's price, for each task's budget ledger. */
  llmPrice?: TaskWorkflowInput['llmPrice'];
  /** How often the starter looks for accepted tasks without a workflow (default 2 s). */
  startSweepIntervalMs?: number;
  /** API keys and rate limits; by default every route but the public ones needs a key. */
  auth?: AuthOptions;
  /**
   * The payload codec of the Temporal clients and workers: served as a codec server on
   * `/codec/encode|decode` for the Web UI and the CLI. Without it those routes do not exist.
   */
  codec?: PayloadCodec;
  /** Browser origins allowed to call `/codec` (the Temporal Web UI's). */
  codecCorsOrigins?: readonly string[];
}

/**
 * The REST facade's app, with what keeps the projection in line with Temporal in the
 * background (call their `start()`): the starter of accepted tasks' workflows, and the
 * reconciler of runs terminated outside their workflow code.
 */
export interface ApiApp extends HttpApp {
  starter: WorkflowStarter;
  reconciler: WorkflowReconciler;
}

/** The REST facade: submit, inspect and cancel tasks; health, readiness and metrics. */
export function createApiApp(deps: ApiDeps): ApiApp {
  const auth = createAuth(deps.prisma, deps.logger, deps.auth);
  const http = createHttpApp({
    name: 'api',
    logger: deps.logger,
    bodyLimit: '256kb',
    writeLogLevel: 'info',
    ready: () => checkReadiness(deps),
    beforeBodyParser:
      deps.codec &&
      createCodecRouter({ codec: deps.codec, auth, corsOrigins: deps.codecCorsOrigins ?? [] }),
  });
  http.app.get('/', (_req, res) => {
    res.json({
      service: 'OctoLLM',
      description: 'Durable LLM task orchestration on Temporal',
      endpoints: {
        submit: 'POST /submit',
        list: 'GET /tasks (?status=&priority=&created_after=&limit=&cursor=)',
        task: 'GET /tasks/:id (?wait=<seconds> with If-None-Match waits for a change)',
        events: 'GET /tasks/:id/events (Server-Sent Events until the task ends)',
        results: 'GET /tasks/:id/results (?wait=<seconds> waits for the task to end)',
        delete: 'DELETE /tasks/:id',
        cancel: 'POST /tasks/:id/cancel',
        pause: 'POST /tasks/:id/pause',
        resume: 'POST /tasks/:id/resume',
        approve: 'POST /tasks/:id/approve',
        reject: 'POST /tasks/:id/reject',
        budget: 'POST /tasks/:id/budget',
        health: 'GET /health',
        ready: 'GET /ready',
        metrics: 'GET /metrics',
        arms: 'GET /arms',
        openapi: 'GET /openapi.json',
        docs: 'GET /docs (the API documentation, to browse and try)',
        documents: 'POST /documents, GET /documents, GET /documents/:id, DELETE /documents/:id',
        ...(deps.codec
          ? { codec: 'POST /codec/encode, POST /codec/decode (GET /codec/login for the Web UI)' }
          : {}),
      },
      auth: 'Authorization: Bearer <API key> on every route but /, /health, /ready, /metrics, /openapi.json, /docs',
      temporal_ui: deps.temporalUiUrl,
    });
  });
  const openApi = createOpenApiDocument();
  http.app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  // The same document as a page to click through and try against this API (Swagger UI, served
  // from its package: no CDN). "Authorize" takes an API key.
  http.app.use(
    '/docs',
    swaggerUi.serve,
    swaggerUi.setup(openApi, {
      customSiteTitle: 'OctoLLM API',
      swaggerOptions: { persistAuthorization: true },
    }),
  );
  // Everything below needs an API key (or acts for the local tenant with AUTH=off).
  http.app.use(auth.handlers);
  http.app.get('/arms', (_req, res) => {
    res.json({ arms: deps.arms?.snapshot() ?? [] });
  });
  const starter = createWorkflowStarter({
    ...deps,
    registry: http.registry,
    searchAttributes: deps.searchAttributes ?? false,
    sweepIntervalMs: deps.startSweepIntervalMs,
  });
  http.app.use(
    createTasksRouter({
      ...deps,
      registry: http.registry,
      starter,
      screenInput: createInputScreening(deps.reflexUrl),
    }),
  );
  http.app.use(createDocumentsRouter({ prisma: deps.prisma }));
  http.finish();
  const reconciler = createWorkflowReconciler(deps);
  return { ...http, starter, reconciler };
}

/** Ready when the database, Temporal and every service answer. */
async function checkReadiness(deps: ApiDeps): Promise<ReadyReport> {
  const checks: ReadyReport['checks'] = {};
  const probe = async (name: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      checks[name] = { ok: true };
    } catch (err) {
      checks[name] = { ok: false, detail: (err as Error).message.slice(0, 200) };
    }
  };
  // Arms are ready when each arm has at least one healthy instance (a fallback counts).
  const instances = deps.arms?.snapshot() ?? [];
  for (const arm of new Set(instances.map((a) => a.arm))) {
    const up = instances.filter((a) => a.arm === arm && a.health.healthy);
    checks[`arm:${arm}`] = up.length
      ? { ok: true, detail: up.map((a) => a.name).join(', ') }
      : { ok: false, detail: 'no healthy instance' };
  }
  await Promise.all([
    probe('database', () => deps.prisma.$queryRaw`SELECT 1`),
    probe('temporal', () =>
      deps.temporal.connection.withDeadline(Date.now() + 2_000, () =>
        deps.temporal.workflowService.getSystemInfo({}),
      ),
    ),
    ...Object.entries(deps.serviceUrls).map(([name, url]) =>
      probe(name, () => got(`${url}/health`, { timeout: { request: 2_000 }, retry: { limit: 0 } })),
    ),
  ]);
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}
