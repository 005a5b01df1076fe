import { defineQuery } from '@temporalio/workflow';
import type { PlanStep } from '../shared/plan';
import type { TaskSpec, TaskStatus } from '../shared/task';

/** Where one step of a running task stands. */
export type StepState = 'waiting' | 'running' | 'completed' | 'failed' | 'skipped' | 'cancelled';

/** What `TaskWorkflow` is started with. */
export interface TaskWorkflowInput {
  taskId: string;
  spec: TaskSpec;
  /** Steps that may run at once; the workflow's default is 4. */
  maxParallelSteps?: number;
}

/** How a task ended, as the workflow returns it. Failures and cancellation throw instead. */
export interface TaskWorkflowResult {
  status: Extract<TaskStatus, 'completed' | 'blocked'>;
  /** For `blocked`: the screening categories, never the offending text. */
  reason?: string;
  summary?: string;
}

/** One step's live state, as the `progress` query reports it. */
export interface StepProgress {
  id: string;
  arm: PlanStep['arm'];
  action: string;
  depends_on: string[];
  state: StepState;
  error?: string;
}

/** The answer to the `progress` query. */
export interface TaskProgress {
  task_id: string;
  status: TaskStatus;
  steps: StepProgress[];
  usage: { tokens: number; cost_usd: number };
}

/** Query: the task's status and each step's state. `temporal workflow query --name progress`. */
export const progressQuery = defineQuery<TaskProgress>('progress');

/** Temporal workflow id of a task: stable, so a task can be found from its id alone. */
export function workflowIdFor(taskId: string): string {
  return `task-${taskId}`;
}
