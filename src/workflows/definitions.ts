import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ModelPrice } from '../shared/model-cost';
import type { Grant } from '../shared/budget';
import type { ArmName, PlanStep } from '../shared/plan';
import type { TaskSpec } from '../shared/task';
import type { StepState, TaskStatus } from '../shared/task-status';

/** Where one step of a running task stands. */
export type { StepState };

/** What `TaskWorkflow` is started with. */
export interface TaskWorkflowInput {
  taskId: string;
  spec: TaskSpec;
  /**
   * Whether `spec` was screened by the Reflex Layer before it was stored (the API does so for
   * every task it accepts): the run then starts with planning. Absent for older tasks, which the
   * run screens first.
   */
  inputScreened?: boolean;
  /**
   * The starter put the screened goal in the workflow's memo at start (shown in the Web UI), so
   * the run does not upsert it (one visibility write less per task).
   */
  goalInMemo?: boolean;
  /** Steps that may run at once; the workflow's default is 4. */
  maxParallelSteps?: number;
  /** Per-arm step limits from the arm registry; defaults apply to arms not listed. */
  armLimits?: Partial<
    Record<ArmName, { timeoutSeconds: number; maxAttempts: number; concurrency: number }>
  >;
  /**
   * Whether to keep the task's search attributes current. Only when the namespace has them
   * registered: upserting an unknown attribute fails the workflow task.
   */
  searchAttributes?: boolean;
  /** Plans whose estimated cost is above this many USD wait for approval (`APPROVAL_ABOVE_USD`). */
  approvalAboveUsd?: number;
  /**
   * The configured model's price, to reserve each model call's worst case from the task's
   * budget before it is made. Absent: the safe-side price of an unknown model.
   */
  llmPrice?: ModelPrice;
}

/** The task's goal as its workflow memo shows it in the Web UI (the screened goal, shortened). */
export function memoGoal(goal: string): string {
  return goal.slice(0, 200);
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
  /** The plan revision that added the step (absent: the first plan). */
  revision?: number;
}

/** The answer to the `progress` query. */
export interface TaskProgress {
  task_id: string;
  status: TaskStatus;
  steps: StepProgress[];
  /** What the task has spent: planning and every step (for runs with a budget ledger). */
  usage: { tokens: number; cost_usd: number };
  /** The budget ledger, for runs that have one (see `BUDGET_LEDGER_PATCH`). */
  budget?: {
    limit: Grant & { seconds: number };
    reserved: Grant;
    /** While `awaiting_budget`: the least the next model call needs free. */
    needed?: Grant;
  };
}

/** Query: the task's status and each step's state. `temporal workflow query --name progress`. */
export const progressQuery = defineQuery<TaskProgress>('progress');

/**
 * Signal: start no new step until `resume` (steps already running finish); the task shows
 * `paused`. `temporal workflow signal --workflow-id task-<id> --name pause`, or
 * `POST /tasks/:id/pause`. The time budget keeps counting while paused.
 */
export const pauseSignal = defineSignal('pause');

/** Signal: start steps again after `pause`. `POST /tasks/:id/resume`. */
export const resumeSignal = defineSignal('resume');

/** How many times a plan may be revised unless the task says otherwise. */
export const DEFAULT_MAX_REPLANS = 2;

/** How long a plan waits for approval unless the task says otherwise: one day. */
export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 86_400;

/** A person's decision on a plan that awaits approval. */
export interface PlanDecision {
  approved: boolean;
  comment?: string;
}

/**
 * Update: approve or reject the plan of a task in `awaiting_approval`. Rejected by its validator
 * (and not recorded) when the task is not waiting for a decision.
 * `temporal workflow update execute --workflow-id task-<id> --name approvePlan --input '{"approved":true}'`,
 * or `POST /tasks/:id/approve|reject`.
 */
export const approvePlanUpdate = defineUpdate<{ status: 'approved' | 'rejected' }, [PlanDecision]>(
  'approvePlan',
);

/** More budget for a task: any of tokens, USD and seconds, added to its limits. */
export interface BudgetExtension {
  add_usd?: number;
  add_tokens?: number;
  add_seconds?: number;
}

/** The largest single extension of each kind (the same bounds as a task's budget). */
export const MAX_BUDGET_EXTENSION = { add_usd: 1_000, add_tokens: 10_000_000, add_seconds: 86_400 };

/**
 * Update: raise the task's budget; a task in `awaiting_budget` goes on at once. Accepted while
 * the task has not ended. Returns the new limits.
 * `temporal workflow update execute --workflow-id task-<id> --name extendBudget --input '{"add_tokens":5000}'`,
 * or `POST /tasks/:id/budget`.
 */
export const extendBudgetUpdate = defineUpdate<
  { budget: { max_cost_usd: number; max_tokens: number; max_time_seconds: number } },
  [BudgetExtension]
>('extendBudget');

/** Temporal workflow id of a task: stable, so a task can be found from its id alone. */
export function workflowIdFor(taskId: string): string {
  return `task-${taskId}`;
}

/**
 * Search attributes that make tasks findable in the Web UI and with
 * `temporal workflow list --query 'OctoTaskStatus="running"'`. The dev server OctoLLM starts
 * registers them; on another cluster, register them once (see README) and set
 * `TEMPORAL_SEARCH_ATTRIBUTES=true`.
 */
export const SEARCH_ATTRIBUTES = {
  status: defineSearchAttributeKey('OctoTaskStatus', SearchAttributeType.KEYWORD),
  priority: defineSearchAttributeKey('OctoPriority', SearchAttributeType.KEYWORD),
  armCount: defineSearchAttributeKey('OctoArmCount', SearchAttributeType.INT),
  /** The name of the tenant whose task it is, set when the run starts. */
  tenant: defineSearchAttributeKey('OctoTenant', SearchAttributeType.KEYWORD),
} as const;

/** `temporal server start-dev` flags that register {@link SEARCH_ATTRIBUTES}. */
export const DEV_SERVER_SEARCH_ATTRIBUTE_ARGS = [
  '--search-attribute',
  'OctoTaskStatus=Keyword',
  '--search-attribute',
  'OctoPriority=Keyword',
  '--search-attribute',
  'OctoArmCount=Int',
  '--search-attribute',
  'OctoTenant=Keyword',
];
