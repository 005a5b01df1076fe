import path from 'node:path';
import { z } from 'zod';
import type { ModelPrice } from '../shared/model-cost';
import { parseLlmPricing } from './pricing';
import { SERVICE_ARMS, type ServiceArm } from '../shared/arm';
import { loadArmRegistry, type ArmInstance } from './arms';

const port = z.coerce.number().int().min(0).max(65_535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const optionalUrl = optionalString.pipe(z.url().optional());

/**
 * Every environment variable OctoLLM reads, with defaults that run on a fresh machine.
 * Nothing else in the code reads `process.env`.
 */
const envSchema = z.object({
  OCTOLLM_DATA_DIR: z.string().default('.octollm'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** An OTLP/HTTP collector (Jaeger, Tempo, the OpenTelemetry Collector): traces go there. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,

  DATABASE_URL: optionalString,
  EMBEDDED_PG_PORT: port.default(54329),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('octollm-tasks'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_TEST_SERVER_PATH: optionalString,
  TEMPORAL_SEARCH_ATTRIBUTES: z.enum(['auto', 'true', 'false']).default('auto'),
  OCTOLLM_CODEC_KEYS: optionalString,
  CODEC_CORS_ORIGINS: optionalString,
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(250),
  /** Where the worker serves the Temporal SDK's metrics for Prometheus; empty: not served. */
  WORKER_METRICS_ADDRESS: z.string().default('127.0.0.1:9464'),
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3_600).default(10),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(8000),
  APPROVAL_ABOVE_USD: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number('must be a number of USD').nonnegative('must be 0 or more').optional(),
  ),
  AUTH: z
    .enum(['keys', 'off'], 'must be "keys" (the default) or "off" (tests only)')
    .default('keys'),
  RATE_LIMIT_PER_MINUTE: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number('must be a number of requests')
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .optional(),
  ),
  SERVICES_HOST: z.string().default('127.0.0.1'),
  REFLEX_PORT: port.default(8101),
  PLANNER_PORT: port.default(8102),
  ARMS_BASE_PORT: port.default(8110),
  REFLEX_URL: optionalUrl,
  PLANNER_URL: optionalUrl,
  ARM_URLS: optionalString,
  ARMS_CONFIG: optionalString,

  EXECUTOR_HTTP_ALLOWLIST: z.string().default(''),
  EXECUTOR_HTTP_MAX_BYTES: z.coerce.number().int().positive().default(1_000_000),
  EXECUTOR_HTTP_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  EXECUTOR_TRANSFORM_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  LLM_PRICING: optionalString,
});

/** The parsed environment. */
export type Env = z.infer<typeof envSchema>;

/** OctoLLM's configuration, derived once from the environment. */
export interface Config {
  /** OpenTelemetry traces: exported over OTLP/HTTP to `endpoint`; off when unset. */
  tracing: { endpoint?: string };
  env: Env;
  dataDir: string;
  database: { url?: string; embeddedPort: number; dataDir: string };
  temporal: {
    /** Set when an existing cluster is used; otherwise a local dev server is started. */
    address?: string;
    namespace: string;
    taskQueue: string;
    devServer: { port: number; uiPort: number; dbFile: string };
    cliPath?: string;
    testServerPath?: string;
    /**
     * Whether tasks keep OctoLLM's search attributes current. `auto`: only on the dev server
     * OctoLLM starts (which registers them); on other clusters register them first.
     */
    searchAttributes: 'auto' | boolean;
    toolchainDir: string;
    /**
     * Runs the worker keeps in memory between their workflow tasks (the SDK's sticky cache);
     * a run beyond it is evicted and replayed from its history on its next task.
     */
    maxCachedWorkflows: number;
    /**
     * On SIGTERM, how long running activities may take to finish before they are cancelled and
     * left to be retried by another worker (`WORKER_SHUTDOWN_GRACE_SECONDS`, default 10).
     */
    shutdownGraceSeconds: number;
    /** `host:port` of the worker's Prometheus endpoint for the SDK's and OctoLLM's worker series. */
    metricsAddress?: string;
    /**
     * Payload encryption keys, `id:base64key,…` (`OCTOLLM_CODEC_KEYS`; the last encrypts);
     * unset: the data folder's generated key.
     */
    codecKeys?: string;
  };
  api: {
    host: string;
    port: number;
    /** Plans estimated above this many USD wait for approval; unset: only when asked. */
    approvalAboveUsd?: number;
    /** `keys`: API keys required; `off` (`AUTH=off`): none, for tests only. */
    auth: 'keys' | 'off';
    /** Requests per minute per API key (`RATE_LIMIT_PER_MINUTE`); unset: the API's default. */
    requestsPerMinute?: number;
    /** Browser origins allowed to call the codec endpoint: the Temporal Web UI's. */
    codecCorsOrigins: string[];
  };
  services: {
    host: string;
    reflexPort: number;
    plannerPort: number;
    armPorts: Record<ServiceArm, number>;
    reflexUrl: string;
    plannerUrl: string;
    /** Where each arm is reached; the planner arm is the Planner service. */
    armUrls: Record<ServiceArm | 'planner', string>;
    /** Every arm instance, with timeouts, concurrency and fallbacks (`ARMS_CONFIG`). */
    arms: ArmInstance[];
    /** The executor arm's tool limits; no host is reachable unless allowlisted. */
    executor: {
      httpAllowlist: string[];
      http: { maxBytes: number; timeoutMs: number };
      transform: { timeoutMs: number };
    };
  };
  llm: {
    apiKey?: string;
    baseUrl?: string;
    model: string;
    timeoutMs: number;
    /** USD per 1 000 tokens by model: the defaults with `LLM_PRICING` on top. */
    prices: Record<string, ModelPrice>;
  };
}

/**
 * Parses `ARM_URLS` (`name=url,name=url`) into a map, rejecting unknown arms so a typo
 * does not silently route a step to the default.
 */
function parseArmUrls(raw: string | undefined): Partial<Record<ServiceArm, string>> {
  if (!raw) return {};
  const result: Partial<Record<ServiceArm, string>> = {};
  for (const pair of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, url] = pair.split('=', 2).map((s) => s.trim());
    if (!name || !url || !(SERVICE_ARMS as readonly string[]).includes(name)) {
      throw new Error(
        `ARM_URLS: "${pair}" is not name=url with name one of ${SERVICE_ARMS.join(', ')}`,
      );
    }
    result[name as ServiceArm] = z.url().parse(url);
  }
  return result;
}

/** Thrown when the environment is invalid; the message names each bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates configuration from an environment (by default the process's). */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const pricing = parseLlmPricing(parsed.data.LLM_PRICING);
  if ('problems' in pricing) {
    throw new ConfigError(
      `Invalid configuration:\n${pricing.problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.OCTOLLM_DATA_DIR);
  const host = env.SERVICES_HOST;
  const local = (p: number) => `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${p}`;
  const armPorts = Object.fromEntries(
    SERVICE_ARMS.map((arm, i) => [arm, env.ARMS_BASE_PORT + i]),
  ) as Record<ServiceArm, number>;
  let overrides: Partial<Record<ServiceArm, string>>;
  try {
    overrides = parseArmUrls(env.ARM_URLS);
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  ${(err as Error).message}`);
  }
  const plannerUrl = env.PLANNER_URL ?? local(env.PLANNER_PORT);
  const armUrls = {
    ...Object.fromEntries(SERVICE_ARMS.map((arm) => [arm, overrides[arm] ?? local(armPorts[arm])])),
    planner: plannerUrl,
  } as Record<ServiceArm | 'planner', string>;

  let arms: ArmInstance[];
  try {
    arms = loadArmRegistry(env.ARMS_CONFIG, armUrls);
  } catch (err) {
    const detail =
      err instanceof z.ZodError
        ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
        : (err as Error).message;
    throw new ConfigError(`Invalid configuration:\n  ARMS_CONFIG: ${detail}`);
  }

  return {
    env,
    dataDir,
    database: {
      url: env.DATABASE_URL,
      embeddedPort: env.EMBEDDED_PG_PORT,
      dataDir: path.join(dataDir, 'postgres'),
    },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      devServer: {
        port: env.TEMPORAL_PORT,
        uiPort: env.TEMPORAL_UI_PORT,
        dbFile: path.join(dataDir, 'temporal', 'temporal.db'),
      },
      cliPath: env.TEMPORAL_CLI_PATH,
      testServerPath: env.TEMPORAL_TEST_SERVER_PATH,
      searchAttributes:
        env.TEMPORAL_SEARCH_ATTRIBUTES === 'auto'
          ? 'auto'
          : env.TEMPORAL_SEARCH_ATTRIBUTES === 'true',
      toolchainDir: path.join(dataDir, 'toolchain'),
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      shutdownGraceSeconds: env.WORKER_SHUTDOWN_GRACE_SECONDS,
      metricsAddress: env.WORKER_METRICS_ADDRESS || undefined,
      codecKeys: env.OCTOLLM_CODEC_KEYS,
    },
    tracing: { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT },
    api: {
      host: env.API_HOST,
      port: env.API_PORT,
      approvalAboveUsd: env.APPROVAL_ABOVE_USD,
      auth: env.AUTH,
      requestsPerMinute: env.RATE_LIMIT_PER_MINUTE,
      codecCorsOrigins: env.CODEC_CORS_ORIGINS
        ? env.CODEC_CORS_ORIGINS.split(',').map((o) => o.trim())
        : [`http://127.0.0.1:${env.TEMPORAL_UI_PORT}`, `http://localhost:${env.TEMPORAL_UI_PORT}`],
    },
    services: {
      host,
      reflexPort: env.REFLEX_PORT,
      plannerPort: env.PLANNER_PORT,
      armPorts,
      reflexUrl: env.REFLEX_URL ?? local(env.REFLEX_PORT),
      plannerUrl,
      armUrls,
      arms,
      executor: {
        httpAllowlist: env.EXECUTOR_HTTP_ALLOWLIST.split(',')
          .map((h) => h.trim())
          .filter(Boolean),
        http: { maxBytes: env.EXECUTOR_HTTP_MAX_BYTES, timeoutMs: env.EXECUTOR_HTTP_TIMEOUT_MS },
        transform: { timeoutMs: env.EXECUTOR_TRANSFORM_TIMEOUT_MS },
      },
    },
    llm: {
      apiKey: env.OPENAI_API_KEY,
      baseUrl: env.OPENAI_BASE_URL,
      model: env.OPENAI_MODEL,
      timeoutMs: env.LLM_TIMEOUT_MS,
      prices: pricing.prices,
    },
  };
}
