import type { ArmExecuteResponse } from '../../shared/arm';
import type { Grant } from '../../shared/budget';
import type { PlanStep } from '../../shared/plan';
import type { ReadyReport } from '../../http/create-http-app';
import type { Llm } from '../common/llm-client';

/** A validated `POST /execute` request, as a handler sees it. */
export interface ArmRequest {
  task_id: string;
  goal: string;
  step: PlanStep;
  inputs: Record<string, unknown>;
  budget_left: { cost_usd: number; tokens: number; seconds: number };
}

/**
 * What a handler may use: the LLM when one is configured, the request's abort signal, and what
 * is left of the request's grant for model calls.
 */
export interface ArmContext {
  llm?: Llm;
  signal: AbortSignal;
  /**
   * The tokens and USD of `budget_left`, a strict cap on the request's model calls: each call
   * is sized to fit it and charged to it (see `callLlm`). Tools and offline answers ignore it.
   */
  grant: Grant;
}

/** An arm's behaviour: one step in, one result out. */
export type ArmHandler = (request: ArmRequest, ctx: ArmContext) => Promise<ArmExecuteResponse>;

/** How an arm does its work: with the model, with a tool, or offline (saying what it skipped). */
export type ArmMode = ArmExecuteResponse['mode'];

/** Static facts an arm reports at `GET /capabilities`. */
export interface ArmDescriptor {
  name: string;
  capabilities: string[];
  cost_tier: 'free' | 'low' | 'medium' | 'high';
  handler: ArmHandler;
  /**
   * How the arm works given the configured LLM, as `/capabilities` and `/health` report it.
   * Default: `llm` with a model, `offline` without. Tool arms answer `tool` either way.
   */
  mode?: (llm: Llm | undefined) => ArmMode;
  /** More facts for `/capabilities`: the executor's tools and allowed hosts, the judge's rules. */
  details?: Record<string, unknown>;
  /** Readiness of what the arm depends on (the retriever's database); default: always ready. */
  ready?: () => Promise<ReadyReport>;
}

/** The mode an arm reports, from its descriptor and whether an LLM is configured. */
export function armMode(arm: ArmDescriptor, llm: Llm | undefined): ArmMode {
  return arm.mode ? arm.mode(llm) : llm ? 'llm' : 'offline';
}
