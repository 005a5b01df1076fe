import type { Got } from 'got';
import type { PrismaClient } from '../generated/prisma/client';
import { staticArmRouter, type ArmRouter } from './arm-router';
import { serviceHttp } from './http-json';
import { createProjectionActivities } from './projection-activities';
import { createServiceActivities, type ServiceUrls } from './service-activities';
import { createStepOutputs } from './step-outputs';

/** What the activities need; the worker builds the real ones once. */
export interface ActivityDeps {
  prisma: PrismaClient;
  services: ServiceUrls;
  /** HTTP client for the services; tests may pass one with other defaults. */
  http?: Got;
  /** Chooses arm instances by health; by default always `services.armUrls`. */
  router?: ArmRouter;
}

/**
 * Every activity TaskWorkflow uses, bound to their dependencies. Workflows import this
 * module as a type only (`ReturnType<typeof createActivities>`).
 */
export function createActivities(deps: ActivityDeps) {
  const projection = createProjectionActivities(deps.prisma);
  const outputs = createStepOutputs(deps.prisma);
  return {
    ...projection,
    ...createServiceActivities(
      deps.http ?? serviceHttp,
      deps.services,
      projection,
      outputs,
      deps.router ?? staticArmRouter(deps.services.armUrls),
      async (taskId) =>
        (await deps.prisma.task.findUnique({ where: { id: taskId }, select: { tenantId: true } }))
          ?.tenantId,
    ),
  };
}
