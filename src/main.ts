import { makeTelemetryFilterString, Runtime, type Worker } from '@temporalio/worker';
import { Command } from 'commander';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import { createActivities } from './activities';
import { createArmRouter } from './activities/arm-router';
import {
  createApiKey,
  ensureLocalApiKey,
  listApiKeys,
  LOCAL_KEY_FILE,
  revokeApiKey,
} from './api/api-keys';
import { ConfigError, loadConfig, type Config } from './config';
import { armActivityLimits } from './config/arms';
import { priceOf } from './shared/model-cost';
import { openDatabase, type Database } from './db/database';
import { listenForTaskChanges } from './db/task-changes';
import { createLogger } from './observability/logger';
import { temporalLogger } from './observability/temporal-logger';
import { startTracing, type Tracing } from './observability/tracing';
import { ArmHealthMonitor } from './runtime/arm-health';
import { openTemporal, type TemporalHandle } from './runtime/temporal-connection';
import { closeServers, listen } from './runtime/listen';
import { DATABASE_SERVICES, SERVICE_NAMES, type ServiceName } from './runtime/service-names';
import { createTaskWorker } from './runtime/task-worker';
// Types only: the modules themselves are loaded on demand below.
import type * as ApiModule from './api/api-app';
import type * as ServicesModule from './runtime/services';

// The API and the services are loaded only by the commands that run them, so a worker process
// does not carry their modules (about 40 MB).
/* eslint-disable @typescript-eslint/no-require-imports */
const loadApi = async (): Promise<typeof ApiModule> => require('./api/api-app');
const loadServices = async (): Promise<typeof ServicesModule> => require('./runtime/services');
/* eslint-enable @typescript-eslint/no-require-imports */

const USAGE = `Usage: tsx src/main.ts <command> (node dist/main.js in the image; npm start, npm run api|worker|services|migrate|keys)
  start              everything: PostgreSQL, Temporal dev server + Web UI, services, worker, API (default)
  api                the REST facade only
  worker             the Temporal worker only
  services [name…]   the Reflex Layer, Planner Arm and arms (or the named ones: ${SERVICE_NAMES.join(', ')})
  migrate            apply database migrations and exit
  keys create --tenant NAME | keys list | keys revoke ID
                     API keys: create one (shown once, on the last line), list them, revoke one`;

/** Things to stop on shutdown, last started first. */
type Stopper = () => Promise<unknown>;

async function main(argv: string[]): Promise<void> {
  const [command = 'start', ...rest] = argv;
  if (command === '--help' || command === 'help') {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const logger = createLogger(config.env.LOG_LEVEL);
  // The SDK logs every bundling step at INFO; its warnings and errors are what an operator needs.
  const sdkLevel = config.env.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN';
  const say = (msg: string) => logger.info(msg);
  // The worker's metrics: the SDK's (task latencies, slots, sticky cache) and OctoLLM's
  // worker-side series, for Prometheus at WORKER_METRICS_ADDRESS.
  const metricsAddress = ['start', 'worker'].includes(command)
    ? config.temporal.metricsAddress
    : undefined;
  installTemporalRuntime(logger, sdkLevel, metricsAddress);
  const stoppers: Stopper[] = [];
  installShutdown(stoppers, logger);
  // Before any server starts, so their HTTP is traced; stopped last, so the last spans leave.
  const tracing = startTracing(`octollm-${command}`, config.tracing.endpoint);
  if (tracing) {
    stoppers.push(() => tracing.shutdown());
    say(`traces go to ${config.tracing.endpoint} (OTLP/HTTP)`);
  }

  switch (command) {
    case 'start':
      return startAll(config, logger, stoppers, tracing);
    case 'api':
      return startApi(config, logger, stoppers, say);
    case 'worker':
      return startWorker(config, stoppers, say, false, tracing);
    case 'services': {
      const unknown = rest.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
      if (unknown.length)
        throw new ConfigError(`Unknown service(s): ${unknown.join(', ')}\n${USAGE}`);
      const names = (rest.length ? rest : SERVICE_NAMES) as ServiceName[];
      const db = names.some((n) => DATABASE_SERVICES.includes(n))
        ? await openDatabase({ ...dbOptions(config), log: say })
        : undefined;
      if (db) stoppers.push(() => db.stop());
      const { startServices } = await loadServices();
      const running = await startServices(names, config, logger, {}, { prisma: db?.prisma });
      stoppers.push(() => closeServers(running.map((s) => s.server)));
      for (const s of running) say(`${s.name} listening on ${s.url}`);
      return;
    }
    case 'migrate': {
      const db = await openDatabase({ ...dbOptions(config), log: say });
      await db.stop();
      return;
    }
    case 'keys':
      return manageKeys(config, rest, say);
    default:
      throw new ConfigError(`Unknown command "${command}"\n${USAGE}`);
  }
}

const KEYS_USAGE = 'usage: npm run keys -- create --tenant NAME | list | revoke ID';

/**
 * `keys create --tenant NAME`, `keys list`, `keys revoke ID`. What it prints comes after the
 * database has stopped, so a created key is alone on the last line of the output.
 */
async function manageKeys(config: Config, args: string[], say: (msg: string) => void) {
  const output: string[] = [];
  let work: ((db: Database) => Promise<void>) | undefined;
  const program = new Command('npm run keys --')
    .exitOverride()
    .configureOutput({ writeErr: (text) => output.push(text.trimEnd()) });
  program
    .command('create')
    .description('create a key for a tenant (created if new); the key is shown once')
    .requiredOption('--tenant <name>', 'the tenant the key acts for')
    .action((options: { tenant: string }) => {
      work = async (db) => {
        const created = await createApiKey(db.prisma, options.tenant);
        output.push(
          `Created key ${created.id} for tenant "${created.tenant}". It is shown only now:`,
          created.key,
        );
      };
    });
  program
    .command('list')
    .description('list the keys (without the keys themselves)')
    .action(() => {
      work = async (db) => {
        const keys = await listApiKeys(db.prisma);
        if (keys.length === 0) output.push('No keys yet: npm run keys -- create --tenant NAME');
        for (const k of keys) {
          const state = k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active';
          output.push(
            `${k.id}  ${k.prefix}…  ${k.tenant}  ${k.created_at.toISOString()}  ${state}`,
          );
        }
      };
    });
  program
    .command('revoke')
    .description('revoke a key by its id (from `list`)')
    .argument('<id>', 'the key id')
    .action((id: string) => {
      work = async (db) => {
        if (!(await revokeApiKey(db.prisma, id))) throw new ConfigError(`No key with id ${id}`);
        output.push(`Revoked key ${id}`);
      };
    });
  try {
    program.parse(args, { from: 'user' });
  } catch {
    throw new ConfigError(output.join('\n') || KEYS_USAGE);
  }
  if (!work) throw new ConfigError(KEYS_USAGE);
  const db = await openDatabase({ ...dbOptions(config), log: say });
  try {
    await work(db);
  } finally {
    await db.stop();
  }
  for (const line of output) console.log(line);
}

function dbOptions(config: Config) {
  return {
    databaseUrl: config.database.url,
    dataDir: config.database.dataDir,
    port: config.database.embeddedPort,
  };
}

/** The whole system in one process, on embedded defaults. */
async function startAll(
  config: Config,
  logger: Logger,
  stoppers: Stopper[],
  tracing: Tracing | undefined,
): Promise<void> {
  const say = (msg: string) => logger.info(msg);
  const db = await openDatabase({ ...dbOptions(config), log: say });
  stoppers.push(() => db.stop());
  const temporal = await openTemporal(config, say);
  stoppers.push(() => temporal.close());

  const { startServices } = await loadServices();
  const services = await startServices(SERVICE_NAMES, config, logger, {}, { prisma: db.prisma });
  stoppers.push(() => closeServers(services.map((s) => s.server)));

  const { worker, arms } = await createWorker(config, db, temporal, stoppers, tracing);
  const running = worker.run();
  stoppers.push(() => drain(worker, running));

  const server = await serveApi(config, logger, stoppers, db, temporal, {
    serviceUrls: Object.fromEntries(services.map((s) => [s.name, s.url])),
    temporalUiUrl: temporal.uiUrl,
    arms,
  });

  const apiUrl = `http://${config.api.host}:${(server.address() as { port: number }).port}`;
  // The local tenant's key, made on first start and kept in the data folder (as Jupyter
  // prints its token): the banner shows it on every start.
  const apiKey =
    config.api.auth === 'keys' ? await ensureLocalApiKey(db.prisma, config.dataDir) : undefined;
  console.log(banner(apiUrl, temporal.uiUrl, temporal.address, config, apiKey));
  await running.catch((err: unknown) => {
    logger.fatal({ err }, 'worker stopped');
    process.exitCode = 1;
  });
}

async function startApi(
  config: Config,
  logger: Logger,
  stoppers: Stopper[],
  say: (m: string) => void,
) {
  const db = await openDatabase({ ...dbOptions(config), log: say });
  stoppers.push(() => db.stop());
  const temporal = await openTemporal(config, say, { startDevServer: false });
  stoppers.push(() => temporal.close());
  const { reflexUrl, armUrls } = config.services;
  const arms = new ArmHealthMonitor(config.services.arms);
  await arms.start();
  stoppers.push(async () => arms.stop());
  await serveApi(config, logger, stoppers, db, temporal, {
    serviceUrls: { reflex: reflexUrl, planner: armUrls.planner },
    arms,
  });
  say(`API listening on http://${config.api.host}:${config.api.port}`);
}

/**
 * The REST API on the config's port, with what runs beside it: the listener for task changes,
 * the starter of accepted tasks' workflows and the reconciler of runs ended outside them.
 */
async function serveApi(
  config: Config,
  logger: Logger,
  stoppers: Stopper[],
  db: Database,
  temporal: TemporalHandle,
  extra: Pick<ApiModule.ApiDeps, 'serviceUrls' | 'temporalUiUrl' | 'arms'>,
): Promise<Server> {
  const taskChanges = await listenForTaskChanges(db.databaseUrl, logger.child({ component: 'db' }));
  stoppers.push(() => taskChanges.close());
  const { createApiApp } = await loadApi();
  const api = createApiApp({
    ...extra,
    prisma: db.prisma,
    taskChanges,
    temporal: temporal.client,
    taskQueue: config.temporal.taskQueue,
    logger,
    searchAttributes: temporal.searchAttributes,
    armLimits: armActivityLimits(config.services.arms),
    approvalAboveUsd: config.api.approvalAboveUsd,
    llmPrice: priceOf(config.llm.prices, config.llm.model),
    auth: { mode: config.api.auth, requestsPerMinute: config.api.requestsPerMinute },
    reflexUrl: config.services.reflexUrl,
    codec: temporal.codec,
    codecCorsOrigins: config.api.codecCorsOrigins,
  });
  api.starter.start();
  stoppers.push(() => api.starter.stop());
  api.reconciler.start();
  stoppers.push(() => api.reconciler.stop());
  const server = await listen(api.app, config.api.port, config.api.host, 'API');
  stoppers.push(() => closeServers([server]));
  return server;
}

/** The task worker with its activities, routing steps by the arms' polled health. */
async function createWorker(
  config: Config,
  db: Database,
  temporal: TemporalHandle,
  stoppers: Stopper[],
  tracing: Tracing | undefined,
) {
  const arms = new ArmHealthMonitor(config.services.arms);
  await arms.start();
  stoppers.push(async () => arms.stop());
  const worker = await createTaskWorker({
    connection: temporal.nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    shutdownGraceSeconds: config.temporal.shutdownGraceSeconds,
    dataConverter: temporal.dataConverter,
    tracing,
    activities: createActivities({
      prisma: db.prisma,
      services: config.services,
      router: createArmRouter(config.services.arms, arms),
    }),
  });
  return { worker, arms };
}

async function startWorker(
  config: Config,
  stoppers: Stopper[],
  say: (m: string) => void,
  devServer: boolean,
  tracing: Tracing | undefined,
) {
  const db = await openDatabase({ ...dbOptions(config), log: say });
  stoppers.push(() => db.stop());
  const temporal = await openTemporal(config, say, { startDevServer: devServer });
  stoppers.push(() => temporal.close());
  const { worker } = await createWorker(config, db, temporal, stoppers, tracing);
  const running = worker.run();
  stoppers.push(() => drain(worker, running));
  say(`worker polling task queue ${config.temporal.taskQueue} on ${temporal.address}`);
  await running;
}

/**
 * Waits for the worker to finish its tasks before the connection and database it uses close.
 * The SDK starts the drain itself on SIGINT/SIGTERM; shut it down only if it has not begun.
 */
async function drain(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
}

function banner(
  apiUrl: string,
  uiUrl: string | undefined,
  address: string,
  config: Config,
  apiKey: string | undefined,
): string {
  const mode = config.llm.apiKey
    ? `LLM: ${config.llm.model}`
    : 'LLM: offline (no OPENAI_API_KEY; deterministic planner and arms)';
  const auth = apiKey
    ? `API key: ${apiKey}`
    : 'API key: none asked for (AUTH=off: for tests only, never expose this port)';
  const keyFile = path.join(config.dataDir, LOCAL_KEY_FILE);
  return `
OctoLLM is up.
  API          ${apiUrl}
  API docs     ${apiUrl}/docs
  Temporal UI  ${uiUrl ?? `(external cluster at ${address})`}
  Temporal     ${address}, namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}
  ${mode}

${auth}

Try, from this folder (the command line finds the key itself):
  npx octollm submit "Research the trade-offs of event sourcing" --wait
or with curl:
  export OCTOLLM_API_KEY=$(cat ${keyFile})
  curl -s -X POST ${apiUrl}/submit -H "Authorization: Bearer $OCTOLLM_API_KEY" \\
    -H 'content-type: application/json' \\
    -d '{"goal":"Research the trade-offs of event sourcing and write a short summary","acceptance_criteria":["summary is non-empty"]}'
  curl -s -H "Authorization: Bearer $OCTOLLM_API_KEY" ${apiUrl}/tasks/<task_id>

Ctrl-C stops everything; data is kept in ${config.dataDir}.
`;
}

/** Ctrl-C / SIGTERM: stop everything in reverse order, once; a second Ctrl-C exits at once. */
function installShutdown(stoppers: Stopper[], logger: Logger): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info(`${signal}: shutting down`);
    for (const s of [...stoppers].reverse()) {
      await s().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
    }
    process.exit(0);
  };
  process.on('SIGINT', (s) => void stop(s));
  process.on('SIGTERM', (s) => void stop(s));
}

/**
 * The Temporal SDK's runtime: its logs through pino and, with an address, its metrics for
 * Prometheus. An address already taken (another worker on this machine) costs the metrics,
 * with a warning, not the worker.
 */
function installTemporalRuntime(logger: Logger, level: 'DEBUG' | 'WARN', metricsAddress?: string) {
  const logging = { filter: makeTelemetryFilterString({ core: level }) };
  const sdkLogger = temporalLogger(logger, level);
  if (metricsAddress) {
    try {
      Runtime.install({
        logger: sdkLogger,
        telemetryOptions: { logging, metrics: { prometheus: { bindAddress: metricsAddress } } },
      });
      logger.info(`worker metrics for Prometheus on http://${metricsAddress}/metrics`);
      return;
    } catch (err) {
      logger.warn(
        `worker metrics not served: ${(err as Error).message} (WORKER_METRICS_ADDRESS=${metricsAddress}; set another, or empty to turn them off)`,
      );
    }
  }
  Runtime.install({ logger: sdkLogger, telemetryOptions: { logging } });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
