import type { PrismaClient } from '../generated/prisma/client';
import { ApplicationFailure } from '@temporalio/activity';
import { isOutputRef } from '../shared/output-ref';
import { toStorable } from '../shared/safe-text';
import type { PlanStep } from '../shared/plan';
import { isTerminalStatus, type TaskStatus } from '../shared/task';
import type { StepState } from '../workflows/definitions';

/**
 * Writes to the PostgreSQL projection that the REST API reads. Each write is idempotent,
 * because Temporal may run an activity more than once.
 */
export function createProjectionActivities(prisma: PrismaClient) {
  return permanentOnBadData({
    /** Moves a task to a new status; stamps when it started and ended. */
    async recordTaskStatus(input: {
      taskId: string;
      status: TaskStatus;
      runId?: string;
      error?: string;
      blockedReason?: string;
    }): Promise<void> {
      const now = new Date();
      await prisma.task.update({
        where: { id: input.taskId },
        data: {
          status: input.status,
          runId: input.runId,
          error: toStorable(input.error),
          blockedReason: toStorable(input.blockedReason),
          ...(input.status === 'screening' ? { startedAt: now } : {}),
          ...(isTerminalStatus(input.status) ? { completedAt: now } : {}),
        },
      });
    },

    /** Stores the plan's steps, all waiting. A retry after a partial write adds nothing twice. */
    async recordPlan(input: { taskId: string; steps: PlanStep[]; model: string }): Promise<void> {
      await prisma.planStep.createMany({
        data: input.steps.map((step, position) => ({
          taskId: input.taskId,
          stepId: step.id,
          position,
          action: step.action,
          arm: step.arm,
          acceptanceCriteria: step.acceptance_criteria,
          dependsOn: step.depends_on,
          status: 'waiting',
        })),
        skipDuplicates: true,
      });
    },

    /** Records a step's new state, its output and what it cost. */
    async recordStepStatus(input: {
      taskId: string;
      stepId: string;
      status: StepState;
      output?: unknown;
      summary?: string;
      error?: string;
      tokens?: number;
      costUsd?: number;
    }): Promise<void> {
      const now = new Date();
      const finished = input.status !== 'running' && input.status !== 'waiting';
      await prisma.planStep.update({
        where: { taskId_stepId: { taskId: input.taskId, stepId: input.stepId } },
        data: {
          status: input.status,
          // A reference means the output is stored in this row already (see step-outputs.ts).
          ...(input.output !== undefined && !isOutputRef(input.output)
            ? { output: toStorable(input.output) as object }
            : {}),
          summary: toStorable(input.summary),
          error: toStorable(input.error),
          tokens: input.tokens,
          costUsd: input.costUsd,
          ...(input.status === 'running' ? { startedAt: now } : {}),
          ...(finished ? { completedAt: now } : {}),
        },
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
    async recordResult(input: {
      taskId: string;
      output: unknown;
      summary: string;
      confidence?: number;
      tokens: number;
      costUsd: number;
    }): Promise<void> {
      const data = {
        output: toStorable(input.output) as object,
        summary: toStorable(input.summary),
        confidence: input.confidence,
        tokens: input.tokens,
        costUsd: input.costUsd,
      };
      await prisma.taskResult.upsert({
        where: { taskId: input.taskId },
        create: { taskId: input.taskId, ...data },
        update: data,
      });
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
function permanentOnBadData<T extends Record<string, (input: never) => Promise<void>>>(
  writers: T,
): T {
  return Object.fromEntries(
    Object.entries(writers).map(([name, write]) => [
      name,
      async (input: never) => {
        try {
          await write(input);
        } catch (err) {
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
