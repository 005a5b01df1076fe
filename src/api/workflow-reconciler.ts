import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import { runPeriodically, type Periodic } from './periodic';
import { TERMINAL_STATUSES } from '../shared/task-status';

/** What the reconciler needs. */
export interface WorkflowReconcilerDeps {
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
  /** How often to look for runs that ended without their workflow code. Default 10 s. */
  intervalMs?: number;
  /** How far back the first look goes. Default one day. */
  lookbackMs?: number;
}

/** Later looks overlap the previous one by this much, for visibility's own delay. */
const OVERLAP_MS = 60_000;

const TERMINATED_ERROR =
  'Terminated in Temporal (Web UI or CLI): the workflow stopped without running to its end';
const TIMED_OUT_ERROR = 'The workflow hit a Temporal execution timeout';

/**
 * Brings the projection in line with runs that ended without their workflow code: terminated
 * from the Web UI or CLI, or timed out by Temporal. Their last status write never came, so the
 * task would show `running` (or `awaiting_approval`…) forever. It asks Temporal's visibility for
 * runs that closed that way since its last look and marks their tasks `terminated` (or `failed`
 * for a timeout), with their unfinished steps `cancelled`. Idempotent, so several API processes
 * may run it.
 */
export function createWorkflowReconciler(deps: WorkflowReconcilerDeps) {
  const { prisma, temporal, logger } = deps;
  let since = new Date(Date.now() - (deps.lookbackMs ?? 86_400_000));
  let looking: Periodic | undefined;

  const reconcile = async (workflowId: string, terminated: boolean, closedAt: Date) => {
    const status = terminated ? 'terminated' : 'failed';
    return prisma.$transaction(async (tx) => {
      const task = await tx.task.findUnique({ where: { workflowId }, select: { id: true } });
      if (!task) return false;
      const { count } = await tx.task.updateMany({
        where: { id: task.id, status: { notIn: [...TERMINAL_STATUSES] } },
        data: {
          status,
          error: terminated ? TERMINATED_ERROR : TIMED_OUT_ERROR,
          completedAt: closedAt,
        },
      });
      if (count === 0) return false;
      await tx.planStep.updateMany({
        where: { taskId: task.id, status: { in: ['waiting', 'running'] } },
        data: { status: 'cancelled', completedAt: closedAt },
      });
      return true;
    });
  };

  /** One look: every task run that closed as terminated or timed out since the last one. */
  const sweep = async (): Promise<number> => {
    const lookFrom = since;
    const now = Date.now();
    const query =
      `WorkflowType = "TaskWorkflow" AND ` +
      `(ExecutionStatus = "Terminated" OR ExecutionStatus = "TimedOut") AND ` +
      `CloseTime >= "${lookFrom.toISOString()}"`;
    let fixed = 0;
    for await (const run of temporal.workflow.list({ query })) {
      const terminated = run.status.name === 'TERMINATED';
      if (await reconcile(run.workflowId, terminated, run.closeTime ?? new Date())) {
        fixed++;
        logger.info(
          { workflowId: run.workflowId, status: run.status.name },
          'task reconciled with a run that ended outside its workflow code',
        );
      }
    }
    since = new Date(now - OVERLAP_MS);
    return fixed;
  };

  return {
    /** Looks once, now; resolves with how many tasks it corrected. */
    sweep,
    start(): void {
      looking = runPeriodically(deps.intervalMs ?? 10_000, sweep, (err) =>
        logger.warn({ err }, 'reconciling ended runs failed; will retry'),
      );
    },
    async stop(): Promise<void> {
      await looking?.stop();
    },
  };
}

export type WorkflowReconciler = ReturnType<typeof createWorkflowReconciler>;
