import { type NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
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

/** Creates the worker that runs TaskWorkflow and its activities. */
export function createTaskWorker(options: TaskWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    // Cancellation reaches an activity only with a heartbeat's reply; sending heartbeats at
    // least every 2 s (instead of up to 80% of the heartbeat timeout) stops a cancelled
    // task's in-flight HTTP call within seconds.
    maxHeartbeatThrottleInterval: '2 seconds',
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
  });
}
