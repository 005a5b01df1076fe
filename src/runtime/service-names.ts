import { SERVICE_ARMS } from '../shared/arm';

/** Every service OctoLLM runs: the Reflex Layer, the Planner Arm and the arms. */
export const SERVICE_NAMES = ['reflex', 'planner', ...SERVICE_ARMS] as const;

/** Name of one service. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Services that need the database. */
export const DATABASE_SERVICES: readonly ServiceName[] = ['planner', 'retriever'];
