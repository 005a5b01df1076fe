import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { PrismaClient, Task } from '../generated/prisma/client';
import { runPeriodically, type Periodic } from './periodic';
import { specOf } from './task-row';
import { TEMPORAL_PRIORITY_KEY } from '../shared/task';
import { memoGoal, SEARCH_ATTRIBUTES, type TaskWorkflowInput } from '../workflows/definitions';
// Type only: the API starts the workflow by name and never loads workflow code.
import type { TaskWorkflow } from '../workflows/task-workflow';

/** What the starter needs. */
export interface WorkflowStarterDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  registry: Registry;
  /** Whether the namespace has OctoLLM's search attributes registered. */
  searchAttributes: boolean;
  armLimits?: TaskWorkflowInput['armLimits'];
  /** Plans estimated above this many USD wait for approval (`APPROVAL_ABOVE_USD`). */
  approvalAboveUsd?: number;
  /** The configured model's price, for each task's budget ledger to reserve model calls. */
  llmPrice?: TaskWorkflowInput['llmPrice'];
  /** How often to look for accepted tasks whose workflow has not started. Default 2 s. */
  sweepIntervalMs?: number;
}

/** How long one start may wait for Temporal. */
const START_DEADLINE_MS = 5_000;
/** A task is left to the in-process start this long before a sweep takes it over. */
const SWEEP_GRACE_MS = 1_000;
const SWEEP_BATCH = 100;

/**
 * Starts the workflows of accepted tasks. `POST /submit` only writes the task row (with
 * `workflow_started = false`) and answers; the workflow is started right after, from the row,
 * and a sweep every few seconds starts any the process did not (Temporal was down, or the
 * process died in between). Starting is idempotent: the workflow id comes from the task id,
 * a running workflow is reused and a closed one is never started again, so several API
 * processes sweeping at once start each task once.
 */
export function createWorkflowStarter(deps: WorkflowStarterDeps) {
  const {
    prisma,
    temporal,
    taskQueue,
    logger,
    searchAttributes,
    armLimits,
    approvalAboveUsd,
    llmPrice,
  } = deps;
  const started = new Counter({
    name: 'octollm_workflow_starts_total',
    help: 'Workflow starts of accepted tasks: started (or found running), existing (found ended), failed',
    labelNames: ['outcome'] as const,
    registers: [deps.registry],
  });
  const inFlight = new Map<string, Promise<void>>();
  let sweeping: Periodic | undefined;
  let stopped = false;

  const startFromRow = async (task: Task & { tenant: { name: string } }): Promise<void> => {
    const spec = specOf(task);
    try {
      await temporal.connection.withDeadline(Date.now() + START_DEADLINE_MS, () =>
        temporal.workflow.start<typeof TaskWorkflow>('TaskWorkflow', {
          taskQueue,
          workflowId: task.workflowId,
          args: [
            {
              taskId: task.id,
              spec,
              ...(task.inputScreened ? { inputScreened: true, goalInMemo: true } : {}),
              searchAttributes,
              armLimits,
              approvalAboveUsd,
              llmPrice,
            },
          ],
          // Idempotent: a running workflow with this id is the one; a closed one is not rerun.
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          priority: { priorityKey: TEMPORAL_PRIORITY_KEY[spec.priority] },
          // A screened task's goal is shown in the Web UI from the start.
          ...(task.inputScreened ? { memo: { goal: memoGoal(spec.goal) } } : {}),
          ...(searchAttributes
            ? {
                typedSearchAttributes: [
                  { key: SEARCH_ATTRIBUTES.priority, value: spec.priority },
                  { key: SEARCH_ATTRIBUTES.status, value: 'pending' },
                  { key: SEARCH_ATTRIBUTES.tenant, value: task.tenant.name },
                ],
              }
            : {}),
        }),
      );
      started.inc({ outcome: 'started' });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        started.inc({ outcome: 'failed' });
        throw err;
      }
      started.inc({ outcome: 'existing' });
    }
    await prisma.task.updateMany({
      where: { id: task.id, workflowStarted: false },
      // The run's start; a task screened by the workflow itself resets it when screening starts.
      data: { workflowStarted: true, startedAt: new Date() },
    });
  };

  /** Starts the task's workflow unless it has been; one start per task at a time. */
  const ensureStarted = (taskId: string): Promise<void> => {
    const running = inFlight.get(taskId);
    if (running) return running;
    const attempt = (async () => {
      const task = await prisma.task.findUnique({
        where: { id: taskId },
        include: { tenant: { select: { name: true } } },
      });
      if (task && !task.workflowStarted) await startFromRow(task);
    })().finally(() => inFlight.delete(taskId));
    inFlight.set(taskId, attempt);
    return attempt;
  };

  const sweep = async (): Promise<void> => {
    const waiting = await prisma.task.findMany({
      where: { workflowStarted: false, createdAt: { lt: new Date(Date.now() - SWEEP_GRACE_MS) } },
      orderBy: { createdAt: 'asc' },
      take: SWEEP_BATCH,
      select: { id: true },
    });
    for (const { id } of waiting) {
      if (stopped) return;
      try {
        await ensureStarted(id);
      } catch (err) {
        // Temporal is most likely down: the next sweep tries again, oldest first.
        logger.warn(
          { err, taskId: id, waiting: waiting.length },
          'could not start the workflow of an accepted task; will retry',
        );
        return;
      }
    }
  };

  return {
    /**
     * Starts the task's workflow now, or throws why not (the sweep retries later).
     * Used before acting on a task's workflow, e.g. to cancel it.
     */
    ensureStarted,
    /** Starts the task's workflow in the background; a failure is left to the sweep. */
    kick(taskId: string): void {
      ensureStarted(taskId).catch((err: unknown) => {
        logger.warn({ err, taskId }, 'could not start the workflow yet; the sweep will retry');
      });
    },
    /** Begins sweeping for tasks whose workflow has not started. */
    start(): void {
      sweeping = runPeriodically(deps.sweepIntervalMs ?? 2_000, sweep, (err) =>
        logger.warn({ err }, 'workflow start sweep failed'),
      );
    },
    /** Stops sweeping and waits for starts in progress. */
    async stop(): Promise<void> {
      stopped = true;
      await Promise.allSettled([sweeping?.stop(), ...inFlight.values()]);
    },
  };
}

export type WorkflowStarter = ReturnType<typeof createWorkflowStarter>;
