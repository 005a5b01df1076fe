import type { ServiceArm } from '../../shared/arm';
import type { PrismaClient } from '../../generated/prisma/client';
import type { ArmDescriptor } from './arm-handler';
import type { ExecutorSettings } from './executor/executor-tools';
import { coderArm } from './handlers/coder';
import { createExecutorArm } from './handlers/executor';
import { createGuardianArm } from './handlers/guardian';
import { judgeArm } from './handlers/judge';
import { createRetrieverArm } from './handlers/retriever';

/** What the arms depend on. */
export interface ArmDeps {
  /** The Reflex Layer, for the guardian arm. */
  reflexUrl: string;
  /**
   * The database holding the `documents` the retriever searches. The retriever needs it:
   * without it, its `/ready` is false and every step answers 503 until it is restarted with one.
   */
  prisma: PrismaClient | undefined;
  /** The executor's tool settings; by default `http_get` refuses every host. */
  executor?: ExecutorSettings;
}

/** Every arm that runs as its own service, by name. */
export function createArmDescriptors(deps: ArmDeps): Record<ServiceArm, ArmDescriptor> {
  return {
    retriever: createRetrieverArm({ prisma: deps.prisma }),
    coder: coderArm,
    executor: createExecutorArm(deps.executor),
    judge: judgeArm,
    guardian: createGuardianArm(deps.reflexUrl),
  };
}
