import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { Got } from 'got';
import { armExecuteResponseSchema, type ArmExecuteResponse } from '../shared/arm';
import {
  planResponseSchema,
  validatePlanSteps,
  validateRevisionSteps,
  type PlanResponse,
  type PlanStep,
  type ReplanRequest,
} from '../shared/plan';
import { reflexResponseSchema, type ReflexResponse } from '../shared/reflex';
import { combineVerdicts, screenSpec, type ScreenedInput } from '../shared/screen-spec';
import type { Grant } from '../shared/budget';
import { BUDGET_INSUFFICIENT_FAILURE } from '../shared/model-cost';
import type { TaskSpec } from '../shared/task';
import { inSpan } from '../observability/spans';
import { recordStepAttempt } from './task-metrics';
import { withHeartbeats } from './heartbeat';
import type { ArmRouter, ArmTarget } from './arm-router';
import { chunkText } from './chunk-text';
import { postJson } from './http-json';
import type { StepOutputs } from './step-outputs';
import type { Projection } from './projection-activities';

/** Where the services are. */
export interface ServiceUrls {
  reflexUrl: string;
  plannerUrl: string;
  armUrls: Record<PlanStep['arm'], string>;
}

/** A step output after screening: what later steps may see, inline or by reference. */
export interface ScreenedOutput {
  verdict: ReflexResponse['verdict'];
  /** Injection categories and PII types, never the text. */
  reason: string;
  /** The output to pass on (redacted if need be); absent when blocked. */
  output?: unknown;
}

/** What a step is run with. */
export interface StepInput {
  taskId: string;
  goal: string;
  step: PlanStep;
  /** Outputs of the steps it depends on (inline or by reference). */
  inputs: Record<string, unknown>;
  /**
   * What the step may spend on models. For runs with a budget ledger this is the step's grant,
   * shared by all the activity's attempts, and `spentBefore` is set.
   */
  budgetLeft: { cost_usd: number; tokens: number; seconds: number };
  /**
   * What the ledger has already counted of this step's spending (runs with a budget ledger):
   * what the step's rows show beyond it was spent by this activity's earlier attempts, and comes
   * out of the grant.
   */
  spentBefore?: Grant;
}

/** How a step run by {@link createServiceActivities} `runStep` ended; already in the projection. */
export interface StepOutcome extends ScreenedOutput {
  summary?: string;
  /** What the step has cost so far, every attempt's arm calls included. */
  usage: ArmExecuteResponse['usage'];
}

/** The Reflex Layer's limit is 128 KiB of text; larger outputs are screened in pieces. */
const SCREEN_CHUNK_BYTES = 100 * 1024;

/** Activities that call the Reflex Layer, the Planner Arm and the arms over HTTP. */
export function createServiceActivities(
  http: Got,
  urls: ServiceUrls,
  projection: Projection,
  outputs: StepOutputs,
  router: ArmRouter,
  /** The tenant a task belongs to (its row's), so the planner caches plans per tenant. */
  tenantOf: (taskId: string) => Promise<string | undefined>,
) {
  const screen = (taskId: string, direction: 'input' | 'output', text: string) =>
    postJson(
      http,
      `${urls.reflexUrl}/process`,
      { text, direction, context: { task_id: taskId } },
      {
        service: 'Reflex Layer',
        response: reflexResponseSchema,
        signal: Context.current().cancellationSignal,
      },
    );

  /**
   * Screens a step's output in pieces the Reflex Layer accepts; works on stored outputs too, so
   * a multi-megabyte output never passes through the workflow's history.
   */
  const screenOutput = async (
    taskId: string,
    stepId: string,
    output: unknown,
  ): Promise<ScreenedOutput> => {
    const value = await outputs.resolve(output);
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    const pieces = chunkText(text, SCREEN_CHUNK_BYTES);
    const verdicts: ReflexResponse[] = [];
    for (const piece of pieces) {
      verdicts.push(await screen(taskId, 'output', piece));
      Context.current().heartbeat();
    }
    const combined = combineVerdicts(pieces, verdicts);
    const { reason } = combined;
    if (combined.verdict === 'blocked') return { verdict: 'blocked', reason };
    if (combined.verdict === 'safe') return { verdict: 'safe', reason, output };
    // Redacted: later steps get the redacted text, as text (the structure cannot be kept).
    return {
      verdict: 'redacted',
      reason,
      output: await outputs.keepSmall(taskId, stepId, combined.texts.join('')),
    };
  };

  /** One call of an arm's `/execute`; a connection failure marks the instance down. */
  const callArm = (target: ArmTarget, input: StepInput, signal: AbortSignal) =>
    outputs.resolveInputs(input.inputs).then((inputs) =>
      postJson(
        http,
        `${target.url}/execute`,
        {
          task_id: input.taskId,
          goal: input.goal,
          step: input.step,
          inputs,
          budget_left: input.budgetLeft,
        },
        { service: `${target.name} arm`, response: armExecuteResponseSchema, signal },
      ).catch((err: unknown) => {
        // A call we aborted ourselves (cancellation) says nothing about the arm's health.
        if (
          err instanceof ApplicationFailure &&
          err.type === 'ServiceUnreachable' &&
          !signal.aborted
        ) {
          router.reportFailure(target.name, err.message);
        }
        throw err;
      }),
    );

  /**
   * Calls the arm. For a run with a budget ledger, the grant less what this activity's earlier
   * attempts spent; an arm's refusal for want of budget leaves the step `waiting` and fails the
   * activity for good with what the step needs and has spent, for the workflow's ledger.
   */
  const callArmWithinGrant = async (
    target: ArmTarget,
    input: StepInput,
    before: { tokens: number; costUsd: number },
    signal: AbortSignal,
  ) => {
    const { spentBefore } = input;
    if (!spentBefore) return callArm(target, input, signal);
    const left = {
      ...input.budgetLeft,
      tokens: Math.max(0, input.budgetLeft.tokens - (before.tokens - spentBefore.tokens)),
      cost_usd: Math.max(0, input.budgetLeft.cost_usd - (before.costUsd - spentBefore.cost_usd)),
    };
    try {
      return await callArm(target, { ...input, budgetLeft: left }, signal);
    } catch (err) {
      if (!(err instanceof ApplicationFailure) || err.type !== BUDGET_INSUFFICIENT_FAILURE)
        throw err;
      const { taskId, step } = input;
      const attempt = Context.current().info.attempt;
      // What the arm spent on this request before it was refused counts like any usage.
      const spent = (err.details?.[1] ?? { tokens: 0, cost_usd: 0 }) as Grant;
      await projection.recordStepStatus({
        taskId,
        stepId: step.id,
        attempt,
        status: 'waiting',
        error: `waiting for budget: ${err.message}`,
        tokens: before.tokens + spent.tokens,
        costUsd: before.costUsd + spent.cost_usd,
      });
      throw ApplicationFailure.nonRetryable(err.message, BUDGET_INSUFFICIENT_FAILURE, {
        needed: err.details?.[0],
        usage: { tokens: before.tokens + spent.tokens, cost_usd: before.costUsd + spent.cost_usd },
      });
    }
  };

  const arms = Object.keys(urls.armUrls) as PlanStep['arm'][];

  /**
   * Calls the Planner Arm (`/plan` or `/replan`) with the task and `extra`, and refuses an
   * answer that breaks the rules. Defence in depth: the planner validates too, but a plan that
   * would deadlock or overrun must never reach the workflow, whoever produced it.
   */
  const askPlanner = async (
    route: 'plan' | 'replan',
    taskId: string,
    spec: TaskSpec,
    extra: object,
    problemsOf: (steps: PlanStep[]) => string[],
  ): Promise<PlanResponse> => {
    const tenant = await tenantOf(taskId);
    const plan = await withHeartbeats((signal) =>
      postJson(
        http,
        `${urls.plannerUrl}/${route}`,
        {
          ...(tenant ? { tenant } : {}),
          goal: spec.goal,
          constraints: spec.constraints,
          acceptance_criteria: spec.acceptance_criteria,
          context: spec.context,
          budget: spec.budget,
          ...extra,
        },
        { service: 'Planner Arm', response: planResponseSchema, signal },
      ),
    );
    const problems = problemsOf(plan.steps);
    if (problems.length) {
      const what = route === 'plan' ? 'plan' : 'revision';
      throw ApplicationFailure.nonRetryable(
        `Planner returned an invalid ${what}: ${problems.join('; ')}`,
        'InvalidPlan',
      );
    }
    return plan;
  };

  return {
    /**
     * Screens everything the user wrote, field by field, so a redaction can be carried into
     * the task that is planned and run: the spec returned is the one later steps see.
     */
    async screenTaskInput(input: { taskId: string; spec: TaskSpec }): Promise<ScreenedInput> {
      // One call per field: a Reflex Layer of an older version may lack /process/batch.
      return screenSpec(input.spec, (texts) =>
        Promise.all(texts.map((text) => screen(input.taskId, 'input', text))),
      );
    },

    /**
     * Screens a step's output (direction `output`, for indirect injection and PII) before any
     * later step sees it. Works on stored outputs too, in pieces the Reflex Layer accepts, so
     * a multi-megabyte output never passes through the workflow's history.
     */
    async screenStepOutput(input: {
      taskId: string;
      stepId: string;
      output: unknown;
    }): Promise<ScreenedOutput> {
      return screenOutput(input.taskId, input.stepId, input.output);
    },

    /** Asks the Planner Arm for a plan and refuses one that breaks the plan rules. */
    async planTask(input: {
      taskId: string;
      spec: TaskSpec;
      grant?: Grant;
    }): Promise<PlanResponse> {
      const { taskId, spec, grant } = input;
      return askPlanner('plan', taskId, spec, grant ? { grant } : {}, (steps) =>
        validatePlanSteps(steps, arms),
      );
    },

    /**
     * Asks the Planner Arm to revise the plan for the remaining work (`POST /replan`), and
     * refuses a revision that breaks the rules (new ids, dependencies on completed or earlier
     * new steps only).
     */
    async replanTask(input: {
      taskId: string;
      spec: TaskSpec;
      grant?: Grant;
      revision: number;
      completed: ReplanRequest['completed'];
      unfinished: PlanStep[];
      failure: ReplanRequest['failure'];
    }): Promise<PlanResponse> {
      const { taskId, spec, grant, ...revision } = input;
      const completed = input.completed.map((c) => c.step.id);
      return askPlanner(
        'replan',
        taskId,
        spec,
        { ...(grant ? { grant } : {}), ...revision },
        (steps) => validateRevisionSteps(steps, completed, arms),
      );
    },

    /**
     * Runs one step on the arm it names, recording each attempt in the projection. Tasks
     * started before the fast path use it; newer ones use {@link runStep}.
     */
    async executeStep(input: StepInput): Promise<ArmExecuteResponse> {
      const { taskId, step } = input;
      // Routed per attempt: a retry after the arm died goes to its fallback if that is up.
      const target = router.route(step.arm);
      await projection.recordStepAttempt({
        taskId,
        stepId: step.id,
        attempt: Context.current().info.attempt,
        servedBy: target.name,
      });
      const answer = await withHeartbeats((signal) => callArm(target, input, signal));
      return { ...answer, output: await outputs.keepSmall(taskId, step.id, answer.output) };
    },

    /**
     * The whole of one step in one activity: records the attempt, runs the step on its arm,
     * screens the output (direction `output`) before any later step can see it, and records
     * how the step ended. Heartbeats throughout, so a cancellation reaches the call in flight.
     */
    async runStep(input: StepInput): Promise<StepOutcome> {
      const { taskId, step } = input;
      const stepId = step.id;
      const started = Date.now();
      // One line per attempt, with the ids to find the task and its trace; never its text.
      const logged = { taskId, stepId, arm: step.arm, attempt: Context.current().info.attempt };
      try {
        const outcome = await runStepAttempt(input);
        const ms = Date.now() - started;
        const fields = { ...logged, verdict: outcome.verdict, ms };
        if (outcome.verdict === 'blocked') {
          log.warn('step output blocked', fields);
          recordStepAttempt(step.arm, 'blocked', ms);
        } else {
          log.debug('step completed', { ...fields, tokens: outcome.usage.tokens });
          recordStepAttempt(step.arm, 'completed', ms);
        }
        return outcome;
      } catch (err) {
        const kind = err instanceof ApplicationFailure ? err.type : (err as Error).name;
        const ms = Date.now() - started;
        log.warn('step attempt failed', { ...logged, error: kind, ms });
        recordStepAttempt(step.arm, 'failed', ms);
        throw err;
      }
    },
  };

  /** One attempt of {@link runStep}: its work, without the log line. */
  async function runStepAttempt(input: StepInput): Promise<StepOutcome> {
    const { taskId, step } = input;
    const stepId = step.id;
    return withHeartbeats(async (signal) => {
      const target = router.route(step.arm);
      const attempt = Context.current().info.attempt;
      const before = await projection.recordStepStart({
        taskId,
        stepId,
        attempt,
        servedBy: target.name,
        ...(input.spentBefore ? { reserved: input.budgetLeft } : {}),
      });
      // A span named after the step and its arm, around the call (its HTTP span beneath).
      const answer = await inSpan(
        `step ${stepId} ${step.arm}`,
        {
          'octollm.task_id': taskId,
          'octollm.step_id': stepId,
          'octollm.arm': step.arm,
          'octollm.attempt': attempt,
          'octollm.served_by': target.name,
        },
        async (span) => {
          const reply = await callArmWithinGrant(target, input, before, signal);
          span.setAttributes({
            'octollm.tokens': reply.usage.tokens,
            'octollm.cost_usd': reply.usage.cost_usd,
          });
          return reply;
        },
      );
      // What the step has cost so far, this call and every earlier attempt's included.
      const usage = {
        tokens: before.tokens + answer.usage.tokens,
        cost_usd: before.costUsd + answer.usage.cost_usd,
      };
      const spent = { taskId, stepId, attempt, tokens: usage.tokens, costUsd: usage.cost_usd };
      try {
        // Screened before anything of it is stored: a blocked output is never written, a
        // redacted one only redacted, so no PII it carried is ever at rest.
        const check = await screenOutput(taskId, stepId, answer.output);
        if (check.verdict === 'blocked') {
          const error = `output blocked: ${check.reason}`;
          await projection.recordStepStatus({ ...spent, status: 'failed', error });
          return { verdict: 'blocked', reason: check.reason, usage };
        }
        // A large output is stored now and passed on by reference (a redacted one already is).
        const output =
          check.verdict === 'safe'
            ? await outputs.keepSmall(taskId, stepId, check.output)
            : check.output;
        await projection.recordStepStatus({
          ...spent,
          status: 'completed',
          output,
          summary: answer.summary,
        });
        return { ...check, output, summary: answer.summary, usage };
      } catch (err) {
        // The arm was paid for even though the attempt fails: the retry calls it again.
        const { tokens, cost_usd: costUsd } = answer.usage;
        await projection.addStepUsage({ taskId, stepId, tokens, costUsd }).catch(() => undefined);
        throw err;
      }
    });
  }
}
