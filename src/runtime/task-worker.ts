import {
  type NativeConnection,
  Worker,
  type WorkerOptions,
  type WorkflowBundle,
} from '@temporalio/worker';
import type { createActivities } from '../activities';

/** What a task worker needs. */
export interface TaskWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReturnType<typeof createActivities>;
  /** A prebuilt bundle (tests bundle once); by default the worker bundles src/workflows. */
  workflowBundle?: WorkflowBundle;
}

/**
 * Worker settings that shape speed and memory. `npm run bench:pipeline` runs its bare-Temporal
 * baseline with these same settings, so the comparison is like for like.
 */
export const TASK_WORKER_TUNING = {
  // Cancellation reaches an activity only with a heartbeat's reply; sending heartbeats at
  // least every 2 s (instead of up to 80% of the heartbeat timeout) stops a cancelled
  // task's in-flight HTTP call within seconds.
  maxHeartbeatThrottleInterval: '2 seconds',
} satisfies Partial<WorkerOptions>;

/** Creates the worker that runs TaskWorkflow and its activities. */
export function createTaskWorker(options: TaskWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...TASK_WORKER_TUNING,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
  });
}
