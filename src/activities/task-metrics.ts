import { Context } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import type { TaskStatus } from '../shared/task-status';

// OctoLLM's worker-side series, through the Temporal SDK's metric meter: they are exported with
// the SDK's own (the worker's Prometheus endpoint, WORKER_METRICS_ADDRESS), tagged by the SDK
// with namespace, task queue and activity type, and never emitted twice for one activity call.

/** The running activity's meter; none when called outside an activity (a unit test). */
function meter(): MetricMeter | undefined {
  try {
    return Context.current().metricMeter;
  } catch {
    return undefined;
  }
}

/** A task reached a final status. */
export function countTaskEnd(status: TaskStatus): void {
  meter()
    ?.createCounter('octollm_tasks_finished', 'tasks', 'Tasks that ended, by final status')
    .add(1, { status });
}

/** A step attempt ended: how long it took on its arm (ms, the SDK's histogram buckets), and how. */
export function recordStepAttempt(
  arm: string,
  outcome: 'completed' | 'blocked' | 'failed',
  ms: number,
): void {
  meter()
    ?.createHistogram(
      'octollm_step_duration_ms',
      'int',
      'ms',
      'Step attempts (arm call, output screening, projection), by arm and outcome',
    )
    .record(Math.round(ms), { arm, outcome });
}
