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
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
  });
}
