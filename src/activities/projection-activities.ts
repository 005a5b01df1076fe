import type { PrismaClient } from '../generated/prisma/client';
import { ApplicationFailure } from '@temporalio/activity';
import { isDatabaseUnavailable } from '../db/db-error';
import { isOutputRef } from '../shared/output-ref';
import { toStorable } from '../shared/safe-text';
import type { PlanStep } from '../shared/plan';
import { isTerminalStatus, type TaskStatus } from '../shared/task-status';
import type { StepState } from '../shared/task-status';
import { countTaskEnd } from './task-metrics';

/** A task's plan, as stored when it starts running. */
export interface PlanRecord {
  steps: PlanStep[];
  model: string;
}

/** A revision of a task's plan, as stored when its steps start running. */
export interface RevisionRecord {
  revision: number;
  reason: string;
  failedStepId: string;
  steps: PlanStep[];
}

/** A task's aggregated result, as stored when it completes. */
export interface ResultRecord {
  output: unknown;
  summary: string;
  confidence?: number;
  tokens: number;
  costUsd: number;
}

/**
 * Writes to the PostgreSQL projection that the REST API reads. Each write is idempotent,
 * because Temporal may run an activity more than once.
 */
export function createProjectionActivities(prisma: PrismaClient) {
  // A revision's steps come after every earlier step: revision r places them from r * 100 on.
  const insertSteps = (taskId: string, steps: PlanStep[], revision = 0) =>
    prisma.planStep.createMany({
      data: steps.map((step, index) => ({
        taskId,
        stepId: step.id,
        position: revision * 100 + index,
        revision,
        action: step.action,
        arm: step.arm,
        acceptanceCriteria: step.acceptance_criteria,
        dependsOn: step.depends_on,
        status: 'waiting',
      })),
      skipDuplicates: true,
    });
  const upsertResult = (taskId: string, result: ResultRecord) => {
    const data = {
      output: toStorable(result.output) as object,
      summary: toStorable(result.summary),
      confidence: result.confidence,
      tokens: result.tokens,
      costUsd: result.costUsd,
    };
    return prisma.taskResult.upsert({
      where: { taskId },
      create: { taskId, ...data },
      update: data,
    });
  };

  return permanentOnBadData({
    /**
     * Moves a task to a new status; stamps when it started and ended. What the status change
     * brings is written in the same transaction: the plan when the task starts `running`, the
     * aggregated result when it ends `completed` (one write per status change).
     */
    async recordTaskStatus(input: {
      taskId: string;
      status: TaskStatus;
      runId?: string;
      error?: string;
      blockedReason?: string;
      plan?: PlanRecord;
      /** A revision of the plan, written with the status that starts running it. */
      revision?: RevisionRecord;
      result?: ResultRecord;
      /**
       * The write's place in the run's order (1, 2, …): it lands only if no write with the same
       * or a higher number has, so a late retry of an older write cannot undo a newer one.
       */
      seq?: number;
      /** Steps still `waiting` end with this state (a run that stops early leaves none waiting). */
      endWaitingSteps?: 'cancelled' | 'skipped';
      /**
       * Runs with a budget ledger: the budget's limits (extensions included), what planning has
       * spent, and what it has reserved while it runs.
       */
      ledger?: {
        maxCostUsd: number;
        maxTokens: number;
        maxTimeSeconds: number;
        planningTokens: number;
        planningCostUsd: number;
        reservedTokens: number;
        reservedCostUsd: number;
      };
    }): Promise<void> {
      const now = new Date();
      const { ledger } = input;
      const data = {
        status: input.status,
        ...(ledger
          ? {
              budgetMaxCostUsd: ledger.maxCostUsd,
              budgetMaxTokens: ledger.maxTokens,
              budgetMaxTimeSeconds: ledger.maxTimeSeconds,
              planningTokens: ledger.planningTokens,
              planningCostUsd: ledger.planningCostUsd,
              reservedTokens: ledger.reservedTokens,
              reservedCostUsd: ledger.reservedCostUsd,
            }
          : {}),
        runId: input.runId,
        error: toStorable(input.error),
        blockedReason: toStorable(input.blockedReason),
        ...(input.status === 'screening' ? { startedAt: now } : {}),
        ...(isTerminalStatus(input.status) ? { completedAt: now } : {}),
      };
      const update =
        input.seq === undefined
          ? prisma.task.update({ where: { id: input.taskId }, data })
          : prisma.task.updateMany({
              where: { id: input.taskId, statusSeq: { lt: input.seq } },
              data: { ...data, statusSeq: input.seq },
            });
      const { revision } = input;
      if (!input.plan && !revision && !input.result && !input.endWaitingSteps) {
        await update;
        if (isTerminalStatus(input.status)) countTaskEnd(input.status);
        return;
      }
      await prisma.$transaction([
        ...(input.plan ? [insertSteps(input.taskId, input.plan.steps)] : []),
        ...(revision
          ? [
              prisma.planRevision.createMany({
                data: [
                  {
                    taskId: input.taskId,
                    revision: revision.revision,
                    reason: toStorable(revision.reason),
                    failedStepId: revision.failedStepId,
                    stepIds: revision.steps.map((s) => s.id),
                  },
                ],
                skipDuplicates: true,
              }),
              insertSteps(input.taskId, revision.steps, revision.revision),
            ]
          : []),
        ...(input.result ? [upsertResult(input.taskId, input.result)] : []),
        ...(input.endWaitingSteps
          ? [
              prisma.planStep.updateMany({
                where: { taskId: input.taskId, status: 'waiting' },
                data: { status: input.endWaitingSteps, completedAt: now },
              }),
            ]
          : []),
        update,
      ]);
      if (isTerminalStatus(input.status)) countTaskEnd(input.status);
    },

    /** Stores the plan's steps, all waiting. A retry after a partial write adds nothing twice. */
    async recordPlan(input: { taskId: string } & PlanRecord): Promise<void> {
      await insertSteps(input.taskId, input.steps);
    },

    /**
     * Records a step's new state, its output and what it cost. With `attempt`, the write is an
     * attempt's own: it lands only while that attempt is the step's latest and the step is still
     * running, so neither a late attempt nor one the workflow has overtaken (cancelled, skipped)
     * overwrites what the workflow decided.
     */
    async recordStepStatus(input: {
      taskId: string;
      stepId: string;
      status: StepState;
      output?: unknown;
      summary?: string;
      error?: string;
      tokens?: number;
      costUsd?: number;
      attempt?: number;
    }): Promise<void> {
      const now = new Date();
      const finished = input.status !== 'running' && input.status !== 'waiting';
      const data = {
        status: input.status,
        // A reference means the output is stored in this row already (see step-outputs.ts).
        ...(input.output !== undefined && !isOutputRef(input.output)
          ? { output: toStorable(input.output) as object }
          : {}),
        summary: toStorable(input.summary),
        error: toStorable(input.error),
        tokens: input.tokens,
        costUsd: input.costUsd,
        // A step that is not running holds no reservation.
        ...(input.status === 'running'
          ? { startedAt: now }
          : { reservedTokens: 0, reservedCostUsd: 0 }),
        ...(finished ? { completedAt: now } : {}),
      };
      const { taskId, stepId, attempt } = input;
      if (attempt !== undefined) {
        await prisma.planStep.updateMany({
          where: { taskId, stepId, status: 'running', attempts: attempt },
          data,
        });
      } else {
        await prisma.planStep.update({ where: { taskId_stepId: { taskId, stepId } }, data });
      }
    },

    /**
     * An attempt of a step begins: the step is running, with the attempt number (Temporal counts
     * from 1) and the arm instance serving it; the first attempt stamps when it started. A step
     * an earlier attempt ended but never reported (its worker died) is reopened; one the
     * workflow ended (cancelled, skipped, or failed for good) is left as it is. Returns what
     * earlier attempts of the step have spent (zero when the step was left as it is).
     */
    async recordStepStart(input: {
      taskId: string;
      stepId: string;
      attempt: number;
      servedBy: string;
      /** What the step has reserved from the task's budget (runs with a budget ledger). */
      reserved?: { tokens: number; cost_usd: number };
    }): Promise<{ tokens: number; costUsd: number }> {
      const { taskId, stepId, attempt, servedBy, reserved } = input;
      const [row] = await prisma.planStep.updateManyAndReturn({
        where: {
          taskId,
          stepId,
          OR: [
            { status: { in: ['waiting', 'running'] } },
            { status: { in: ['completed', 'failed'] }, attempts: { lt: attempt } },
          ],
        },
        data: {
          status: 'running',
          attempts: attempt,
          servedBy,
          completedAt: null,
          ...(reserved
            ? { reservedTokens: reserved.tokens, reservedCostUsd: reserved.cost_usd }
            : {}),
          ...(attempt === 1 ? { startedAt: new Date() } : {}),
        },
        select: { tokens: true, costUsd: true },
      });
      return row ?? { tokens: 0, costUsd: 0 };
    },

    /**
     * Adds what an arm call cost to its step, for an attempt that fails after the call: the retry
     * calls the arm again, and both calls count.
     */
    async addStepUsage(input: {
      taskId: string;
      stepId: string;
      tokens: number;
      costUsd: number;
    }): Promise<void> {
      const { taskId, stepId } = input;
      await prisma.planStep.update({
        where: { taskId_stepId: { taskId, stepId } },
        data: { tokens: { increment: input.tokens }, costUsd: { increment: input.costUsd } },
      });
    },

    /**
     * Records which attempt of a step is running (Temporal counts attempts from 1) and which
     * arm instance it went to.
     */
    async recordStepAttempt(input: {
      taskId: string;
      stepId: string;
      attempt: number;
      servedBy?: string;
    }): Promise<void> {
      await prisma.planStep.update({
        where: { taskId_stepId: { taskId: input.taskId, stepId: input.stepId } },
        data: { attempts: input.attempt, servedBy: input.servedBy },
      });
    },

    /** Stores the aggregated result; a retry overwrites it with the same values. */
    async recordResult(input: { taskId: string } & ResultRecord): Promise<void> {
      await upsertResult(input.taskId, input);
    },
  });
}

/** Prisma codes that no retry can fix: a missing row, a value the column cannot hold. */
const PERMANENT_PRISMA_CODES = new Set(['P2025', 'P2007', 'P2039', 'P2000', 'P2006']);
/** PostgreSQL states for values it cannot store (NUL, bad Unicode escapes, bad text). */
const PERMANENT_PG_STATES = ['22P05', '22021', '22P02', '22001'];

/**
 * Wraps every writer so that data errors fail the activity for good instead of being retried
 * until the task's time budget runs out; connection errors stay retryable.
 */
function permanentOnBadData<T extends Record<string, (input: never) => Promise<unknown>>>(
  writers: T,
): T {
  return Object.fromEntries(
    Object.entries(writers).map(([name, write]) => [
      name,
      async (input: never) => {
        try {
          return await write(input);
        } catch (err) {
          // A server restarting or out of reach: the write is retried until it lands.
          if (isDatabaseUnavailable(err)) throw err;
          const code = (err as { code?: unknown }).code;
          const text = String((err as Error).message);
          if (
            (typeof code === 'string' && PERMANENT_PRISMA_CODES.has(code)) ||
            PERMANENT_PG_STATES.some((state) => text.includes(state))
          ) {
            throw ApplicationFailure.nonRetryable(
              `Projection write ${name} failed: ${typeof code === 'string' ? code : 'invalid data'}`,
              'ProjectionRejected',
            );
          }
          throw err;
        }
      },
    ]),
  ) as T;
}

/** The projection writers, as activities and as the service activities' dependency. */
export type Projection = ReturnType<typeof createProjectionActivities>;
