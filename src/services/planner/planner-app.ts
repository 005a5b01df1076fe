import { z } from 'zod';
import { AppError } from '../../http/app-error';
import { createHttpApp, type HttpApp, type ReadyReport } from '../../http/create-http-app';
import { abortOnClose } from '../../http/abort-on-close';
import { parseOrThrow } from '../../http/validate';
import { armExecuteRequestSchema } from '../../shared/arm';
import {
  ARM_NAMES,
  PLAN_STEP_LIMITS,
  planRequestSchema,
  replanRequestSchema,
} from '../../shared/plan';
import { ARM_REGISTRY } from './arm-registry';
import { meterLlmUsage } from '../common/llm-usage-metrics';
import { PlanInvalidError } from './plan-invalid-error';
import { createPlanner, type PlannerOptions } from './planner';
import { planSubGoal } from './plan-sub-goal';
import { replan } from './replan';
import { createPlannerMetrics } from './planner-metrics';

/** Options for the Planner Arm service: the planner core's, plus readiness caching. */
export interface PlannerAppOptions extends Omit<PlannerOptions, 'metrics'> {
  /** How long a readiness probe of the model is reused, in milliseconds (default 10 s). */
  readyCacheMs?: number;
}

const invalidateSchema = z
  .object({
    key: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be a plan cache key (64 hex digits)')
      .optional(),
    model: z.string().min(1).optional(),
    prompt_version: z.string().min(1).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine((b) => b.all || b.key || b.model || b.prompt_version, {
    message: 'name a key, model or prompt_version, or set all: true',
  });

/**
 * A plan that never validated becomes a permanent 422 PLAN_INVALID listing the problems.
 * Other errors pass through unchanged.
 */
function planInvalidToAppError(err: unknown): unknown {
  if (!(err instanceof PlanInvalidError)) return err;
  const message = err.message.length > 2_000 ? `${err.message.slice(0, 2_000)}…` : err.message;
  return new AppError(
    'PLAN_INVALID',
    message,
    err.problems.map((problem) => ({ field: 'plan', message: problem })),
  );
}

/**
 * The Planner Arm: `POST /plan` turns a goal into a validated 3-7 step plan (from the cache,
 * the model with bounded repair, or the offline planner); `POST /replan` revises a plan for the
 * work that remains after a failure; `POST /execute` runs a `planner`-arm step by planning its
 * sub-goal; `GET /capabilities` says what it can plan with; `POST /cache/invalidate` drops
 * cached plans; plus `/health`, `/ready`, `/metrics`.
 */
export function createPlannerApp(options: PlannerAppOptions): HttpApp {
  const { logger } = options;
  const readyCacheMs = options.readyCacheMs ?? 10_000;
  let lastProbe: { at: number; result: Promise<{ ok: boolean; detail: string }> } | undefined;

  const ready = async (): Promise<ReadyReport> => {
    // Probing the model on every /ready poll would cost a request each time; reuse a recent one.
    if (!lastProbe || Date.now() - lastProbe.at > readyCacheMs) {
      lastProbe = { at: Date.now(), result: planner.probe() };
    }
    const llm = await lastProbe.result;
    return { ready: llm.ok, checks: { llm } };
  };
  const http = createHttpApp({
    name: 'planner',
    logger,
    ready,
    health: () => ({
      mode: planner.mode,
      model: planner.model,
      prompt_version: planner.promptVersion,
    }),
  });
  const planner = createPlanner({
    ...options,
    llm: meterLlmUsage(options.llm, http.registry),
    metrics: createPlannerMetrics(http.registry),
  });
  const { app } = http;

  /** A route that plans: a caller that gave up stops the model call; a plan that never validated is a 422. */
  const planningRoute = <S extends z.ZodType>(
    path: string,
    schema: S,
    work: (body: z.output<S>, signal: AbortSignal) => Promise<unknown>,
  ) =>
    app.post(path, async (req, res) => {
      const body = parseOrThrow(schema, req.body);
      try {
        res.json(await work(body, abortOnClose(res)));
      } catch (err) {
        throw planInvalidToAppError(err);
      }
    });
  planningRoute('/plan', planRequestSchema, (request, signal) => planner.plan(request, { signal }));
  // A revision of a plan for the remaining work, after a step failed or a verdict did not pass.
  planningRoute('/replan', replanRequestSchema, (request, signal) =>
    replan(planner, request, { signal }),
  );
  // The planner is also an arm: steps on the `planner` arm come here to be re-planned.
  planningRoute('/execute', armExecuteRequestSchema, (body, signal) =>
    planSubGoal(planner, body, signal),
  );

  app.get('/capabilities', (_req, res) => {
    res.json({
      mode: planner.mode,
      model: planner.model,
      prompt_version: planner.promptVersion,
      plan_limits: PLAN_STEP_LIMITS,
      arms: ARM_NAMES.map((name) => {
        const arm = ARM_REGISTRY[name];
        return {
          name,
          description: arm.description,
          capabilities: arm.capabilities,
          refuses: arm.refuses.map((r) => r.reason),
          typical: arm.typical,
        };
      }),
    });
  });

  app.post('/cache/invalidate', async (req, res) => {
    const body = parseOrThrow(invalidateSchema, req.body ?? {});
    const invalidated = await planner.invalidate(
      body.all ? {} : { key: body.key, model: body.model, promptVersion: body.prompt_version },
    );
    res.json({ invalidated });
  });

  http.finish();
  return http;
}
