// What the command line reads of the API's answers: a subset of the views in src/api, kept
// here so the command line depends on the API's JSON, not on its code.
import type { StepState, TaskStatus } from '../shared/task-status';

/** A plan step, as `GET /tasks/:id` shows it. */
export interface StepView {
  id: string;
  action: string;
  arm: string;
  status: StepState;
  revision: number;
  summary: string | null;
  error: string | null;
  attempts: number;
  started_at: string | null;
  completed_at: string | null;
}

/** Spent, reserved and remaining tokens and dollars. */
interface Amounts {
  tokens: number;
  cost_usd: number;
}

/** A task, as `GET /tasks/:id` shows it. */
export interface TaskView {
  task_id: string;
  status: TaskStatus;
  goal: string;
  priority: string;
  budget: { max_cost_usd: number; max_time_seconds: number; max_tokens: number };
  usage: { spent: Amounts; reserved: Amounts; remaining: Amounts };
  error: string | null;
  blocked_reason: string | null;
  workflow_id: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  steps: StepView[];
}

/** A task's outcome, as `GET /tasks/:id/results` shows it. */
export interface ResultView {
  task_id: string;
  status: TaskStatus;
  error: string | null;
  blocked_reason: string | null;
  result: {
    output: unknown;
    summary: string | null;
    confidence: number | null;
    usage: Amounts;
  } | null;
  steps: (StepView & { output: unknown })[];
}

/** The answer to `POST /submit` and to the task controls. */
export interface TaskReply {
  task_id: string;
  status: string;
  workflow_id?: string;
}
