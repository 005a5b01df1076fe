import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { listen } from './listen';
import type { ServiceName } from './service-names';
import type { HttpApp } from '../http/create-http-app';
import { createArmApp } from '../services/arms/arm-app';
import { createArmDescriptors } from '../services/arms/arm-registry';
import { createLlm } from '../services/common/llm-client';
import type { PrismaClient } from '../db/prisma-client';
import { createMemoryPlanCache } from '../services/planner/memory-plan-cache';
import { createPlannerApp } from '../services/planner/planner-app';
import { createPostgresPlanCache } from '../services/planner/postgres-plan-cache';
import { createTieredPlanCache } from '../services/planner/tiered-plan-cache';
import { createReflexApp } from '../services/reflex/reflex-app';

export { SERVICE_NAMES, DATABASE_SERVICES, type ServiceName } from './service-names';
export { listen, closeServers } from './listen';

/** A running service. */
export interface RunningService {
  name: ServiceName;
  url: string;
  server: Server;
}

/** What services may share: the database, for the plan cache and the retriever's documents. */
export interface ServiceDeps {
  /** Without it the plan cache lives in memory only and the retriever is not ready. */
  prisma?: PrismaClient;
}

/** Builds one service's app from configuration. */
export function createServiceApp(
  name: ServiceName,
  config: Config,
  logger: Logger,
  deps: ServiceDeps = {},
): HttpApp {
  const llm = createLlm(config.llm);
  if (name === 'reflex') return createReflexApp({ logger });
  if (name === 'planner') {
    // PostgreSQL keeps plans across restarts and processes; the memory tier answers repeats fast.
    const cache = deps.prisma
      ? createTieredPlanCache(createMemoryPlanCache(), createPostgresPlanCache(deps.prisma))
      : undefined;
    return createPlannerApp({ logger, llm, cache });
  }
  const arms = createArmDescriptors({
    reflexUrl: config.services.reflexUrl,
    prisma: deps.prisma,
    executor: config.services.executor,
  });
  return createArmApp({ arm: arms[name], logger, llm });
}

/** The port a service listens on, from configuration. */
export function servicePort(name: ServiceName, config: Config): number {
  if (name === 'reflex') return config.services.reflexPort;
  if (name === 'planner') return config.services.plannerPort;
  return config.services.armPorts[name];
}

/** Starts the named services on their configured ports (port 0 picks a free one). */
export async function startServices(
  names: readonly ServiceName[],
  config: Config,
  logger: Logger,
  ports: Partial<Record<ServiceName, number>> = {},
  deps: ServiceDeps = {},
): Promise<RunningService[]> {
  return Promise.all(
    names.map(async (name) => {
      const { app } = createServiceApp(name, config, logger, deps);
      const server = await listen(
        app,
        ports[name] ?? servicePort(name, config),
        config.services.host,
        name,
      );
      const { port } = server.address() as { port: number };
      const host = config.services.host === '0.0.0.0' ? '127.0.0.1' : config.services.host;
      return { name, url: `http://${host}:${port}`, server };
    }),
  );
}
