/**
 * The bare-Temporal baseline's worker, run by `npm run bench:pipeline` as a process of its own
 * with the task worker's settings (TASK_WORKER_TUNING).
 *
 *   node .octollm/bench-build/bench/baseline-worker.js <temporal address> <task queue> [namespace]
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { TASK_WORKER_TUNING } from '../src/runtime/task-worker';
import { createBaselineActivities } from './baseline-activities';

async function main(): Promise<void> {
  const [address, taskQueue, namespace = 'default'] = process.argv.slice(2);
  if (!address || !taskQueue) throw new Error('usage: baseline-worker <address> <task queue>');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createBaselineActivities(),
    workflowsPath: require.resolve('./baseline-workflows'),
    ...TASK_WORKER_TUNING,
  });
  const running = worker.run();
  // The SDK's Runtime shuts the worker down on SIGINT and SIGTERM.
  console.log('baseline worker polling');
  await running;
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
