import { z } from 'zod';
import { planStepSchema } from './plan';

/** Arms that run as their own HTTP service, in port order from `ARMS_BASE_PORT`. */
export const SERVICE_ARMS = ['retriever', 'coder', 'executor', 'judge', 'guardian'] as const;

/** Name of an arm that runs as its own service. */
export type ServiceArm = (typeof SERVICE_ARMS)[number];

/** Body of an arm's `POST /execute`. */
export const armExecuteRequestSchema = z.object({
  task_id: z.string().min(1),
  step: planStepSchema,
  /** The task's goal, so an arm can keep the overall aim in view. */
  goal: z.string().default(''),
  /** Outputs of the steps this step depends on, keyed by step id. */
  inputs: z.record(z.string(), z.unknown()).default({}),
  budget_left: z.object({
    cost_usd: z.number(),
    tokens: z.number().int(),
    seconds: z.number(),
  }),
});

/** A request to run one step on an arm. */
export type ArmExecuteRequest = z.input<typeof armExecuteRequestSchema>;

/** Response of an arm's `POST /execute`. */
export const armExecuteResponseSchema = z.object({
  output: z.unknown(),
  summary: z.string(),
  confidence: z.number().min(0).max(1),
  usage: z.object({ tokens: z.number().int().nonnegative(), cost_usd: z.number().nonnegative() }),
  mode: z.enum(['llm', 'offline', 'tool']),
});

/** What an arm returns for a step. */
export type ArmExecuteResponse = z.infer<typeof armExecuteResponseSchema>;
