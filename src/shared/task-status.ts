// Without dependencies, so workflow code can use it too.

/** Every state a task's projection can be in; the last five are terminal. */
export const TASK_STATUSES = [
  'pending',
  'screening',
  'planning',
  'awaiting_approval',
  'running',
  'paused',
  'awaiting_budget',
  'completed',
  'failed',
  'blocked',
  'cancelled',
  'terminated',
] as const;

/** A task's lifecycle state as stored in the projection. */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Every state a plan step can be in. */
export const STEP_STATES = [
  'waiting',
  'running',
  'completed',
  'failed',
  'skipped',
  'cancelled',
] as const;

/** A plan step's state, in the workflow's progress and in the projection. */
export type StepState = (typeof STEP_STATES)[number];

/** States from which a task never moves again. */
export const TERMINAL_STATUSES: readonly TaskStatus[] = [
  'completed',
  'failed',
  'blocked',
  'cancelled',
  'terminated',
];

/** True when a task in this state will not change any more. */
export function isTerminalStatus(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
