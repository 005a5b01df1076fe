import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
// Types only: workflow code must not load activity implementations (they do I/O).
import type { createActivities } from '../activities';
import type { PlanStep } from '../shared/plan';
import type { ReflexResponse } from '../shared/reflex';
import type { TaskStatus } from '../shared/task';
import {
  progressQuery,
  type StepProgress,
  type TaskProgress,
  type TaskWorkflowInput,
  type TaskWorkflowResult,
} from './definitions';
import { describeFailure, screeningReason, textForScreening } from './task-helpers';

type Activities = ReturnType<typeof createActivities>;

/** Projection writes are small and idempotent: retry them patiently. */
const PROJECTION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '30 seconds', backoffCoefficient: 2 },
};

/** Screening is fast and pure: a short timeout and a few quick retries. */
const SCREENING_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
};

/**
 * Planning and step execution may wait on an LLM for a long time: they heartbeat, so a
 * cancellation reaches the HTTP call in flight and a dead worker is noticed within 15 s.
 */
const LLM_CALL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
};

const projection = proxyActivities<Activities>(PROJECTION_OPTIONS);
const { screenText } = proxyActivities<Activities>(SCREENING_OPTIONS);
const { planTask, executeStep } = proxyActivities<Activities>(LLM_CALL_OPTIONS);

/**
 * One task, from submission to result: screen the input with the Reflex Layer, have the
 * Planner Arm plan it, run each step on its arm in dependency order (screening every output),
 * aggregate, and keep the PostgreSQL projection current at every status change.
 *
 * Ends `completed` or `blocked` by returning, `failed` by throwing an ApplicationFailure,
 * `cancelled` by rethrowing the cancellation. `budget.max_time_seconds` bounds the whole run.
 */
export async function TaskWorkflow(input: TaskWorkflowInput): Promise<TaskWorkflowResult> {
  const { taskId, spec } = input;
  const progress: TaskProgress = {
    task_id: taskId,
    status: 'pending',
    steps: [],
    usage: { tokens: 0, cost_usd: 0 },
  };
  setHandler(progressQuery, () => progress);

  const setStatus = async (
    status: TaskStatus,
    extra: { error?: string; blockedReason?: string } = {},
  ) => {
    progress.status = status;
    await projection.recordTaskStatus({ taskId, status, runId: workflowInfo().runId, ...extra });
  };

  const deadlineMs = spec.budget.max_time_seconds * 1000;
  try {
    // withTimeout cancels only the inner scope, so a deadline and an operator's cancel differ:
    // after a deadline the workflow's own scope is not cancelled.
    return await CancellationScope.withTimeout(deadlineMs, () =>
      runTask(input, progress, setStatus),
    );
  } catch (err) {
    if (isCancellation(err) && CancellationScope.current().consideredCancelled) {
      // Cancelled by an operator (UI, CLI or API). Record it even though our scope is cancelled.
      await CancellationScope.nonCancellable(() => setStatus('cancelled'));
      throw err;
    }
    const reason = isCancellation(err)
      ? `Task exceeded its time budget of ${spec.budget.max_time_seconds} s`
      : describeFailure(err);
    markUnfinishedSteps(progress, isCancellation(err) ? 'cancelled' : 'skipped');
    await setStatus('failed', { error: reason });
    throw ApplicationFailure.nonRetryable(
      reason,
      isCancellation(err) ? 'TimeBudgetExceeded' : 'TaskFailed',
    );
  }
}

type SetStatus = (
  status: TaskStatus,
  extra?: { error?: string; blockedReason?: string },
) => Promise<void>;

/** The task's story, inside the deadline scope. */
async function runTask(
  { taskId, spec }: TaskWorkflowInput,
  progress: TaskProgress,
  setStatus: SetStatus,
): Promise<TaskWorkflowResult> {
  await setStatus('screening');
  const screened = await screenText({ taskId, direction: 'input', text: textForScreening(spec) });
  if (screened.verdict === 'blocked') return block(screened, 'task input', setStatus);

  await setStatus('planning');
  const plan = await planTask({ taskId, spec });
  progress.steps = plan.steps.map((s): StepProgress => ({
    id: s.id,
    arm: s.arm,
    action: s.action,
    depends_on: s.depends_on,
    state: 'waiting',
  }));
  await projection.recordPlan({ taskId, steps: plan.steps, model: plan.model });
  log.info('plan ready', { taskId, steps: plan.steps.length, model: plan.model });

  await setStatus('running');
  const outputs: Record<string, unknown> = {};
  const startedAt = workflowInfo().startTime.getTime();
  for (const step of plan.steps) {
    const entry = progress.steps.find((s) => s.id === step.id)!;
    const result = await runStep(
      taskId,
      spec.goal,
      step,
      outputs,
      {
        cost_usd: spec.budget.max_cost_usd - progress.usage.cost_usd,
        tokens: spec.budget.max_tokens - progress.usage.tokens,
        seconds: spec.budget.max_time_seconds - (Date.now() - startedAt) / 1000,
      },
      entry,
    );
    progress.usage.tokens += result.usage.tokens;
    progress.usage.cost_usd += result.usage.cost_usd;

    const check = await screenText({
      taskId,
      direction: 'output',
      text: textForScreening(result.output),
    });
    if (check.verdict === 'blocked') {
      entry.state = 'failed';
      entry.error = `output blocked: ${screeningReason(check)}`;
      await projection.recordStepStatus({
        taskId,
        stepId: step.id,
        status: 'failed',
        error: entry.error,
      });
      markUnfinishedSteps(progress, 'skipped');
      return block(check, `output of step ${step.id}`, setStatus);
    }
    outputs[step.id] = check.verdict === 'redacted' ? check.redacted_text : result.output;
    entry.state = 'completed';
    await projection.recordStepStatus({
      taskId,
      stepId: step.id,
      status: 'completed',
      output: outputs[step.id],
      summary: result.summary,
      tokens: result.usage.tokens,
      costUsd: result.usage.cost_usd,
    });
    if (
      progress.usage.tokens > spec.budget.max_tokens ||
      progress.usage.cost_usd > spec.budget.max_cost_usd
    ) {
      throw ApplicationFailure.nonRetryable(
        `Task exceeded its budget after step ${step.id}: ${progress.usage.tokens} tokens, $${progress.usage.cost_usd.toFixed(4)}`,
        'BudgetExceeded',
      );
    }
  }

  const last = plan.steps[plan.steps.length - 1]!;
  const summary = plan.steps
    .map((s) => `${s.id} (${s.arm}): ${progress.steps.find((p) => p.id === s.id)?.state}`)
    .join('; ');
  await projection.recordResult({
    taskId,
    output: { final: outputs[last.id], steps: outputs },
    summary: `Completed ${plan.steps.length} steps with plan from ${plan.model}. ${summary}`,
    confidence: plan.confidence,
    tokens: progress.usage.tokens,
    costUsd: progress.usage.cost_usd,
  });
  await setStatus('completed');
  return { status: 'completed', summary };
}

/** Runs one step on its arm, keeping the progress entry and the projection current. */
async function runStep(
  taskId: string,
  goal: string,
  step: PlanStep,
  outputs: Record<string, unknown>,
  budgetLeft: { cost_usd: number; tokens: number; seconds: number },
  entry: StepProgress,
) {
  entry.state = 'running';
  await projection.recordStepStatus({ taskId, stepId: step.id, status: 'running' });
  const inputs = Object.fromEntries(step.depends_on.map((id) => [id, outputs[id]]));
  try {
    return await executeStep({ taskId, goal, step, inputs, budgetLeft });
  } catch (err) {
    entry.state = isCancellation(err) ? 'cancelled' : 'failed';
    entry.error = describeFailure(err);
    await CancellationScope.nonCancellable(() =>
      projection.recordStepStatus({
        taskId,
        stepId: step.id,
        status: entry.state,
        error: entry.error,
      }),
    );
    throw err;
  }
}

/** Ends the task as blocked, with the screening categories (never the text) as the reason. */
async function block(
  screened: ReflexResponse,
  what: string,
  setStatus: SetStatus,
): Promise<TaskWorkflowResult> {
  const reason = `Blocked by the Reflex Layer (${what}): ${screeningReason(screened)}`;
  await setStatus('blocked', { blockedReason: reason });
  return { status: 'blocked', reason };
}

/** Gives every step that has not finished a final state, so progress never shows it waiting forever. */
function markUnfinishedSteps(progress: TaskProgress, state: 'skipped' | 'cancelled'): void {
  for (const step of progress.steps) {
    if (step.state === 'waiting') step.state = 'skipped';
    else if (step.state === 'running') step.state = state;
  }
}
