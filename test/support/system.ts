import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createActivities } from '../../src/activities';
import { createArmRouter } from '../../src/activities/arm-router';
import { armActivityLimits, type ArmInstance } from '../../src/config/arms';
import { ArmHealthMonitor } from '../../src/runtime/arm-health';
import type { ServiceUrls } from '../../src/activities/service-activities';
import { createApiApp } from '../../src/api/api-app';
import { loadConfig } from '../../src/config';
import { priceOf } from '../../src/shared/model-cost';
import {
  closeServers,
  SERVICE_NAMES,
  startServices,
  type RunningService,
} from '../../src/runtime/services';
import { createTaskWorker } from '../../src/runtime/task-worker';
import { AesGcmPayloadCodec, parseCodecKeys } from '../../src/runtime/payload-codec';
import { randomBytes } from 'node:crypto';
import type { TaskStatus } from '../../src/shared/task-status';
import { listenForTaskChanges } from '../../src/db/task-changes';
import { startTestDatabase, type TestDatabase } from '../db/start-test-database';
import { DEV_SERVER_ARGS } from '../../src/runtime/dev-server-args';
import { freePortRange } from '../../src/toolchain/wait-for-port';
import { devServer, workflowBundle } from './temporal-servers';

/** The whole system, in this process, on real parts: PostgreSQL, Temporal dev server, HTTP services. */
export interface TestSystem {
  db: TestDatabase;
  temporal: TestWorkflowEnvironment;
  /** A client with the system's payload codec (histories are encrypted, as in production). */
  client: Client;
  codec: AesGcmPayloadCodec;
  services: RunningService[];
  urls: ServiceUrls;
  /** The REST facade on the default task queue. */
  api: Express;
  /**
   * Adds a worker (and an API in front of it) on its own task queue with other service URLs,
   * and optionally an arm registry whose health decides where steps go.
   */
  addLane(taskQueue: string, urls: ServiceUrls, arms?: ArmInstance[]): Promise<Express>;
  /** With `webUi`: the Temporal Web UI, and the port `api` must listen on for its codec. */
  webUi?: { url: string; apiPort: number };
  stop(): Promise<void>;
}

/** How the system starts. */
export interface SystemOptions {
  /**
   * Also serve the Temporal Web UI, which decodes payloads through the API's codec endpoint
   * (as `npm start` sets it up). The API is not listening yet: the test listens on `apiPort`.
   */
  webUi?: boolean;
}

const silent = pino({ level: 'silent' });

/**
 * Starts embedded PostgreSQL, the Temporal dev server, every service, a worker and the API.
 * `env` adds configuration, e.g. `OPENAI_API_KEY` and `OPENAI_BASE_URL` for a model server.
 */
export async function startSystem(
  env: Record<string, string> = {},
  options: SystemOptions = {},
): Promise<TestSystem> {
  const config = loadConfig({ OCTOLLM_DATA_DIR: '.octollm', ...env });
  const [db, server] = await Promise.all([startTestDatabase(), devServer()]);
  const cleanup: (() => Promise<unknown>)[] = [() => db.stop()];
  try {
    const base = options.webUi ? await freePortRange(2) : undefined;
    const webUi = base === undefined ? undefined : { uiPort: base, apiPort: base + 1 };
    return await startOnDatabase(config, db, server, cleanup, webUi);
  } catch (err) {
    // A half-started system would keep jest alive: stop whatever did start.
    for (const stop of cleanup.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}

async function startOnDatabase(
  config: ReturnType<typeof loadConfig>,
  db: TestDatabase,
  server: Awaited<ReturnType<typeof devServer>>,
  cleanup: (() => Promise<unknown>)[],
  webUi?: { uiPort: number; apiPort: number },
): Promise<TestSystem> {
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: server.executable,
      ui: webUi !== undefined,
      uiPort: webUi?.uiPort,
      extraArgs: [
        ...DEV_SERVER_ARGS,
        ...(webUi ? ['--ui-codec-endpoint', `http://127.0.0.1:${webUi.apiPort}/codec`] : []),
      ],
    },
  });
  const uiUrl = webUi && `http://127.0.0.1:${webUi.uiPort}`;
  cleanup.push(() => temporal.teardown());
  // Payloads are encrypted as `npm start` encrypts them, with a key of this system's own.
  const codec = new AesGcmPayloadCodec(
    parseCodecKeys(`test:${randomBytes(32).toString('base64')}`, 'test'),
  );
  const dataConverter = { payloadCodecs: [codec] };
  // As the API's client without a collector: runs start untraced.
  const client = new Client({ connection: temporal.connection, dataConverter });
  const ports = Object.fromEntries(SERVICE_NAMES.map((n) => [n, 0]));
  // The guardian arm needs the Reflex Layer's URL, known only once reflex listens.
  const [reflex] = await startServices(['reflex'], config, silent, ports);
  cleanup.push(() => closeServers([reflex!.server]));
  const withReflex = { ...config, services: { ...config.services, reflexUrl: reflex!.url } };
  const others = await startServices(
    SERVICE_NAMES.filter((n) => n !== 'reflex'),
    withReflex,
    silent,
    ports,
    { prisma: db.prisma },
  );
  cleanup.push(() => closeServers(others.map((s) => s.server)));
  const services = [reflex!, ...others];
  const url = (name: string) => services.find((s) => s.name === name)!.url;
  const urls: ServiceUrls = {
    reflexUrl: url('reflex'),
    plannerUrl: url('planner'),
    armUrls: {
      retriever: url('retriever'),
      coder: url('coder'),
      executor: url('executor'),
      judge: url('judge'),
      guardian: url('guardian'),
      planner: url('planner'),
    },
  };

  const taskChanges = await listenForTaskChanges(db.databaseUrl);
  cleanup.push(() => taskChanges.close());
  const bundle = await workflowBundle();
  const workers: { worker: Worker; running: Promise<void> }[] = [];
  const addLane = async (taskQueue: string, laneUrls: ServiceUrls, arms?: ArmInstance[]) => {
    const monitor = arms && new ArmHealthMonitor(arms, { intervalMs: 500 });
    if (monitor) {
      await monitor.start();
      cleanup.push(async () => monitor.stop());
    }
    const worker = await createTaskWorker({
      connection: temporal.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities({
        prisma: db.prisma,
        services: laneUrls,
        router: monitor && createArmRouter(arms, monitor),
      }),
      workflowBundle: bundle,
      dataConverter,
    });
    workers.push({ worker, running: worker.run() });
    const app = createApiApp({
      prisma: db.prisma,
      temporal: client,
      taskQueue,
      logger: silent,
      serviceUrls: { reflex: laneUrls.reflexUrl, planner: laneUrls.plannerUrl },
      reflexUrl: laneUrls.reflexUrl,
      searchAttributes: true,
      arms: monitor,
      armLimits: arms && armActivityLimits(arms),
      taskChanges,
      llmPrice: priceOf(config.llm.prices, config.llm.model),
      // Requests act for the tenant `local`; test/api/auth.test.ts covers keys and tenants.
      auth: { mode: 'off' },
      codec,
      codecCorsOrigins: uiUrl ? [uiUrl, `http://localhost:${webUi!.uiPort}`] : [],
      temporalUiUrl: uiUrl,
    });
    cleanup.push(() => app.starter.stop());
    return app.app;
  };
  const api = await addLane('octollm-e2e', urls);

  return {
    db,
    temporal,
    client,
    codec,
    services,
    urls,
    api,
    addLane,
    webUi: uiUrl ? { url: uiUrl, apiPort: webUi!.apiPort } : undefined,
    stop: async () => {
      for (const { worker } of workers) worker.shutdown();
      await Promise.all(workers.map((w) => w.running));
      for (const stop of cleanup.reverse()) await stop();
    },
  };
}

/**
 * Watches `GET /tasks/:id` (`?wait=` with the last ETag, as a client would) until the task
 * reaches one of `statuses` (or fails the test).
 */
export async function waitForStatus(
  api: Express,
  taskId: string,
  statuses: TaskStatus[],
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  let etag: string | undefined;
  while (Date.now() < deadline) {
    const wait = Math.max(0.1, Math.min(5, (deadline - Date.now()) / 1000));
    const res = await request(api)
      .get(`/tasks/${taskId}?wait=${wait}`)
      .set(etag ? { 'if-none-match': etag } : {});
    if (res.status === 304) continue;
    if (res.status !== 200) throw new Error(`GET /tasks/${taskId} answered ${res.status}`);
    etag = res.headers.etag;
    last = res.body as Record<string, unknown>;
    if (statuses.includes(last.status as TaskStatus)) return last;
  }
  throw new Error(
    `task ${taskId} did not reach ${statuses.join('/')}; last: ${JSON.stringify(last)}`,
  );
}
