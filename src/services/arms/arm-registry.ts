import type { ServiceArm } from '../../config';
import type { ArmDescriptor } from './arm-handler';
import { coderArm } from './handlers/coder';
import { executorArm } from './handlers/executor';
import { createGuardianArm } from './handlers/guardian';
import { judgeArm } from './handlers/judge';
import { retrieverArm } from './handlers/retriever';

/** Every arm that runs as its own service, by name. */
export function createArmDescriptors(deps: {
  reflexUrl: string;
}): Record<ServiceArm, ArmDescriptor> {
  return {
    retriever: retrieverArm,
    coder: coderArm,
    executor: executorArm,
    judge: judgeArm,
    guardian: createGuardianArm(deps.reflexUrl),
  };
}
