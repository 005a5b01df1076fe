import {
  type NativeConnection,
  Worker,
  type WorkerOptions,
  type WorkflowBundle,
} from '@temporalio/worker';
import type { Context } from '@temporalio/activity';
import type { DataConverter } from '@temporalio/common';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { createActivities } from '../activities';
import { NO_TRACING, type Tracing } from '../observability/tracing';
import { TaskSpanAttributes } from './task-span-attributes';
import { loadWorkflowBundle } from './workflow-bundle';

/** What a task worker needs. */
export interface TaskWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReturnType<typeof createActivities>;
  /** A prebuilt bundle (tests bundle once); by default see {@link loadWorkflowBundle}. */
  workflowBundle?: WorkflowBundle;
  /** The sticky cache's size (`WORKER_MAX_CACHED_WORKFLOWS`); default 250. */
  maxCachedWorkflows?: number;
  /**
   * On shutdown, how long running activities may take to finish before they are cancelled (and
   * retried by another worker). Default 0, the SDK's: cancel at once.
   */
  shutdownGraceSeconds?: number;
  /** Encrypts what the worker sends to Temporal (see `payload-codec.ts`). */
  dataConverter?: DataConverter;
  /** Where the activities' and workflows' spans go; default: nowhere. */
  tracing?: Pick<Tracing, 'spanProcessor' | 'resource'>;
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
  // Sized on purpose rather than from the heap limit (the SDK's default, ~2 300 on a 4 GB heap):
  // a cached run costs well under 1 MB (`npm run bench:pipeline`, phase m), and tasks in flight
  // beyond the cache still run, replayed from their history on each workflow task.
  // WORKER_MAX_CACHED_WORKFLOWS overrides it.
  maxCachedWorkflows: 250,
} satisfies Partial<WorkerOptions>;

/** Creates the worker that runs TaskWorkflow and its activities. */
export async function createTaskWorker(options: TaskWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...TASK_WORKER_TUNING,
    maxCachedWorkflows: options.maxCachedWorkflows ?? TASK_WORKER_TUNING.maxCachedWorkflows,
    workflowBundle: options.workflowBundle ?? (await loadWorkflowBundle()),
    dataConverter: options.dataConverter,
    shutdownGraceTime: (options.shutdownGraceSeconds ?? 0) * 1000,
    ...tracingWorkerOptions(options.tracing ?? NO_TRACING),
  });
}

/**
 * What every worker of the task workflow bundle needs for tracing (the bundle holds the
 * OpenTelemetry workflow interceptors, whose spans leave through the `exporter` sink): a span
 * per activity attempt, parented by the workflow's through the headers and marked with the
 * task's ids, and the sink. With {@link NO_TRACING}, the spans are dropped.
 */
export function tracingWorkerOptions(tracing: Pick<Tracing, 'spanProcessor' | 'resource'>) {
  return {
    interceptors: {
      activity: [
        (ctx: Context) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
        (ctx: Context) => ({ inbound: new TaskSpanAttributes(ctx) }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  } satisfies Pick<WorkerOptions, 'interceptors' | 'sinks'>;
}
