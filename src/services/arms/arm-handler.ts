import type { ArmExecuteResponse } from '../../shared/arm';
import type { PlanStep } from '../../shared/plan';
import type { Llm } from '../common/llm-client';

/** A validated `POST /execute` request, as a handler sees it. */
export interface ArmRequest {
  task_id: string;
  goal: string;
  step: PlanStep;
  inputs: Record<string, unknown>;
  budget_left: { cost_usd: number; tokens: number; seconds: number };
}

/** What a handler may use: the LLM when one is configured, and the request's abort signal. */
export interface ArmContext {
  llm?: Llm;
  signal: AbortSignal;
}

/** An arm's behaviour: one step in, one result out. */
export type ArmHandler = (request: ArmRequest, ctx: ArmContext) => Promise<ArmExecuteResponse>;

/** Static facts an arm reports at `GET /capabilities`. */
export interface ArmDescriptor {
  name: string;
  capabilities: string[];
  cost_tier: 'free' | 'low' | 'medium' | 'high';
  handler: ArmHandler;
}
