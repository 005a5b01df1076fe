import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
// Types only: workflow code must not load activity implementations (they do I/O).
import type { createActivities } from '../activities';
import { add, minus, UNKNOWN_MODEL_PRICE, worstCase, type ModelPrice } from '../shared/model-cost';
import { isOutputRef } from '../shared/output-ref';
import type { PlanResponse, PlanStep } from '../shared/plan';
import { blockedReason } from '../shared/screening-reason';
import { isTerminalStatus, type TaskStatus } from '../shared/task-status';
import {
  BudgetLedger,
  checkExtension,
  STEP_COMPLETION_TOKENS,
  stepPromptTokens,
  type Amount,
} from './budget-ledger';
import { scheduleSteps } from './dag-scheduler';
import { Deadline } from './deadline';
import {
  approvePlanUpdate,
  DEFAULT_APPROVAL_TIMEOUT_SECONDS,
  DEFAULT_MAX_REPLANS,
  extendBudgetUpdate,
  MAX_BUDGET_EXTENSION,
  memoGoal,
  pauseSignal,
  progressQuery,
  resumeSignal,
  SEARCH_ATTRIBUTES,
  type StepProgress,
  type PlanDecision,
  type StepState,
  type TaskProgress,
  type TaskWorkflowInput,
  type TaskWorkflowResult,
} from './definitions';
import { budgetShortfall, describeFailure } from './task-helpers';

type Activities = ReturnType<typeof createActivities>;

/** Projection writes are small and idempotent: retry them patiently. */
const PROJECTION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '30 seconds', backoffCoefficient: 2 },
};

/**
 * The same writes as local activities: run by the worker inside the workflow task that asks for
 * them, without a round trip through the server's task queues (a few ms instead of a remote
 * activity's dispatch). Retries past a minute wait on a server timer instead of in the worker.
 */
const LOCAL_PROJECTION_OPTIONS: LocalActivityOptions = {
  ...PROJECTION_OPTIONS,
  localRetryThreshold: '1 minute',
};

/** Screening is fast and pure: a short timeout and a few quick retries. */
const SCREENING_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
};

/**
 * Planning and step execution may wait on an LLM for a long time: they heartbeat, so a
 * cancellation reaches the HTTP call in flight and a dead worker is noticed within 15 s.
 * Planning may take up to three model calls (a plan and two repairs).
 */
const LLM_CALL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
};

/** Steps of one task that may run at once when the plan allows it. */
export const DEFAULT_MAX_PARALLEL_STEPS = 4;

const remoteProjection = proxyActivities<Activities>(PROJECTION_OPTIONS);
const localProjection = proxyLocalActivities<Activities>(LOCAL_PROJECTION_OPTIONS);
const { screenTaskInput, screenStepOutput } = proxyActivities<Activities>(SCREENING_OPTIONS);
const { planTask, replanTask } = proxyActivities<Activities>(LLM_CALL_OPTIONS);

/**
 * Tasks started from this version on take the fast path: projection writes are local
 * activities, one per status change (the plan and the result ride with theirs), and each step is
 * one activity (`runStep`: attempt, arm call, output screening and the step's projection rows)
 * instead of four. Tasks started before it replay and finish on the path they began on.
 */
export const FAST_PATH_PATCH = 'fast-path-local-projection-one-activity-per-step';

/**
 * Tasks started from this version on answer the `pause` and `resume` signals. Before it, the
 * signals had no handler; a history that received one then must replay without acting on it.
 */
export const PAUSE_RESUME_PATCH = 'run-control-pause-resume';

/**
 * Tasks started from this version on can wait for a person to approve their plan (the
 * `approvePlan` update), and their time budget counts working time only: screening and planning
 * run under one deadline, the steps under what is left of it, and the wait for approval between
 * the two counts against the approval timeout instead.
 */
export const PLAN_APPROVAL_PATCH = 'plan-approval';

/**
 * Tasks started from this version on number their status writes, so that a late retry of an
 * older write cannot overwrite a newer one, and a task that ends early (cancelled, failed, out of
 * time) leaves no step `waiting` in the projection.
 */
export const ORDERED_WRITES_PATCH = 'ordered-status-writes';

/**
 * Tasks started from this version on keep a budget ledger: every model call (planning and each
 * step) is granted its worst case from the budget before it is made and settled with its actual
 * usage after, so steps running at once can never together overspend. A call the budget cannot
 * cover does not fail the task: it waits in `awaiting_budget` for the `extendBudget` update (at
 * most the approval timeout), and the time budget does not count that wait.
 */
export const BUDGET_LEDGER_PATCH = 'budget-ledger';

/**
 * Runs from this version on revise their plan when a step fails for good or the final judge
 * finds a criterion unmet, instead of failing (or completing regardless of the verdict). Asked
 * lazily, at the first such failure, so a run that never needs a revision pays nothing for it.
 */
export const REPLANNING_PATCH = 'replanning';

/**
 * Runs from this version on ask this one patch instead of each of the above: every patch a run
 * asks records a marker and upserts `TemporalChangeVersion` (a visibility write on the server),
 * five per task before it. Such a run has every feature above. Older histories have no marker
 * for it and ask each patch as they did. Such runs also set `OctoArmCount` with the `running`
 * status, in one upsert instead of two.
 */
export const ALL_FEATURES_PATCH = 'features-fast-path-to-replanning';

/** The step activities with the arm's own timeout and attempts, when the registry sets them. */
function stepActivitiesFor(limits: TaskWorkflowInput['armLimits'], arm: PlanStep['arm']) {
  const own = limits?.[arm];
  return proxyActivities<Activities>(
    own
      ? {
          ...LLM_CALL_OPTIONS,
          startToCloseTimeout: own.timeoutSeconds * 1000,
          retry: { ...LLM_CALL_OPTIONS.retry, maximumAttempts: own.maxAttempts },
        }
      : LLM_CALL_OPTIONS,
  );
}

type Projection = typeof remoteProjection;

type SetStatus = (
  status: TaskStatus,
  extra?: Omit<Parameters<Projection['recordTaskStatus']>[0], 'taskId' | 'status' | 'runId'>,
) => Promise<void>;

/** What the task's functions share: its input, live progress and how it writes the projection. */
interface TaskRun {
  input: TaskWorkflowInput;
  progress: TaskProgress;
  setStatus: SetStatus;
  projection: Projection;
  /** Whether this run takes the fast path (see {@link FAST_PATH_PATCH}). */
  fast: boolean;
  /** Operator controls, for runs that have them (see {@link PAUSE_RESUME_PATCH}). */
  control?: { paused: boolean };
  /** Plan approval, for runs that have it (see {@link PLAN_APPROVAL_PATCH}). */
  approval?: ApprovalState;
  /** The budget ledger, for runs that have it (see {@link BUDGET_LEDGER_PATCH}). */
  budget?: LedgerState;
  /** Whether the run has every patch's behaviour (see {@link ALL_FEATURES_PATCH}). */
  allFeatures: boolean;
  /** Search attributes to set with the next status upsert. */
  pendingAttributes: SearchAttributeUpdatePair[];
  /**
   * Runs a phase of the task within its time budget. Runs with approval time each phase with
   * what is left of the budget; older runs are timed as a whole by the caller.
   */
  timed: <T>(phase: () => Promise<T>) => Promise<T>;
}

/** A run's budget ledger and the deadline its time budget runs on. */
interface LedgerState {
  ledger: BudgetLedger;
  deadline: Deadline;
  price: ModelPrice;
  /** What planning has spent, and reserves while it runs (the projection shows both). */
  planning: { spent: Amount; reserved: Amount };
  /** Bumped by each `extendBudget`, so a wait for budget looks again. */
  extensions: number;
}

/** Where the plan's approval stands. */
interface ApprovalState {
  /** True while the task waits in `awaiting_approval`: only then is a decision accepted. */
  awaiting: boolean;
  decision?: PlanDecision;
  /** Time spent waiting for the decision, which the time budget does not count. */
  waitedMs: number;
}

/**
 * One task, from submission to result: screen the input with the Reflex Layer, have the
 * Planner Arm plan it, run the steps as a DAG on their arms (every step whose dependencies are
 * done starts at once, each output screened before a later step sees it), aggregate, and keep
 * the PostgreSQL projection current at every status change.
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
  const current = patched(ALL_FEATURES_PATCH);
  const has = (patch: string) => current || patched(patch);
  const fast = has(FAST_PATH_PATCH);
  const projection = fast ? localProjection : remoteProjection;
  let control: TaskRun['control'];
  if (has(PAUSE_RESUME_PATCH)) {
    const state = { paused: false };
    setHandler(pauseSignal, () => void (state.paused = true));
    setHandler(resumeSignal, () => void (state.paused = false));
    control = state;
  }

  const ordered = has(ORDERED_WRITES_PATCH);
  const pendingAttributes: SearchAttributeUpdatePair[] = [];
  let writes = 0;
  const setStatus: SetStatus = async (status, extra = {}) => {
    progress.status = status;
    if (input.searchAttributes) {
      upsertSearchAttributes([
        ...pendingAttributes.splice(0),
        { key: SEARCH_ATTRIBUTES.status, value: status },
      ]);
    }
    // A task that ends early leaves no step waiting, in the projection as in `progress`.
    const ending =
      status === 'cancelled'
        ? ('cancelled' as const)
        : status === 'failed' || status === 'blocked'
          ? ('skipped' as const)
          : undefined;
    if (ordered && ending) {
      for (const step of progress.steps) if (step.state === 'waiting') step.state = ending;
    }
    await projection.recordTaskStatus({
      taskId,
      status,
      runId: workflowInfo().runId,
      ...extra,
      ...(ordered ? { seq: ++writes, endWaitingSteps: ending } : {}),
      ...(budget ? { ledger: ledgerRecord(budget) } : {}),
    });
  };

  const deadlineMs = spec.budget.max_time_seconds * 1000;
  let approval: ApprovalState | undefined;
  if (has(PLAN_APPROVAL_PATCH)) {
    const state: ApprovalState = { awaiting: false, waitedMs: 0 };
    setHandler(
      approvePlanUpdate,
      (decision) => {
        state.decision = { approved: decision.approved, comment: decision.comment };
        return { status: decision.approved ? 'approved' : 'rejected' };
      },
      { validator: (decision) => validateDecision(decision, state, progress.status) },
    );
    approval = state;
  }
  const startedMs = Date.now();
  // Declared before setStatus runs (it reads it); set only for runs that have the ledger.
  let budget: LedgerState | undefined;
  if (approval && has(BUDGET_LEDGER_PATCH)) {
    const state: LedgerState = {
      ledger: new BudgetLedger({
        tokens: spec.budget.max_tokens,
        cost_usd: spec.budget.max_cost_usd,
      }),
      deadline: new Deadline(deadlineMs, startedMs),
      price: input.llmPrice ?? UNKNOWN_MODEL_PRICE,
      planning: { spent: { tokens: 0, cost_usd: 0 }, reserved: { tokens: 0, cost_usd: 0 } },
      extensions: 0,
    };
    setHandler(
      extendBudgetUpdate,
      (more) => {
        state.ledger.extend({ tokens: more.add_tokens, cost_usd: more.add_usd });
        if (more.add_seconds) state.deadline.extend(more.add_seconds * 1000);
        state.extensions += 1;
        showLedger(progress, state);
        log.info('budget extended', { taskId, ...more });
        // The handler only changes state (a local activity run from an update handler does not
        // replay): the run writes the new limits to the projection on its next turn.
        return { budget: budgetView(state) };
      },
      {
        validator: (more) => {
          checkExtension(more, MAX_BUDGET_EXTENSION);
          if (isTerminalStatus(progress.status)) {
            throw new Error(`the task has ended (it is ${progress.status})`);
          }
        },
      },
    );
    budget = state;
    showLedger(progress, state);
  }
  // withTimeout cancels only the inner scope, so a deadline and an operator's cancel differ:
  // after a deadline the workflow's own scope is not cancelled.
  const timed = <T>(phase: () => Promise<T>): Promise<T> => {
    if (budget) return budget.deadline.run(phase);
    if (!approval) return phase();
    const used = Date.now() - startedMs - approval.waitedMs;
    return CancellationScope.withTimeout(Math.max(1, deadlineMs - used), phase);
  };
  const run: TaskRun = {
    input,
    progress,
    setStatus,
    projection,
    fast,
    control,
    approval,
    budget,
    timed,
    allFeatures: current,
    pendingAttributes,
  };
  try {
    return await (approval
      ? runTask(run)
      : CancellationScope.withTimeout(deadlineMs, () => runTask(run)));
  } catch (err) {
    if (isCancellation(err) && CancellationScope.current().consideredCancelled) {
      // Cancelled by an operator (UI, CLI or API). Record it even though our scope is cancelled.
      await CancellationScope.nonCancellable(() => setStatus('cancelled'));
      throw err;
    }
    const reason = isCancellation(err)
      ? `Task exceeded its time budget of ${budget?.deadline.limitSeconds ?? spec.budget.max_time_seconds} s`
      : describeFailure(err);
    await setStatus('failed', { error: reason });
    throw ApplicationFailure.nonRetryable(
      reason,
      isCancellation(err)
        ? 'TimeBudgetExceeded'
        : // The workflow's own failures keep their type (StepFailed, CriteriaNotMet, …).
          err instanceof ApplicationFailure && err.type
          ? err.type
          : 'TaskFailed',
    );
  }
}

/**
 * The task's story: screening and planning, the plan's approval when it needs one, then the
 * steps and the result. Runs without approval are inside one deadline scope; with it, each
 * phase is timed by `run.timed`.
 */
async function runTask(run: TaskRun): Promise<TaskWorkflowResult> {
  const planned = await run.timed(() => screenAndPlan(run));
  if ('ended' in planned) return planned.ended;
  const planShown = run.approval ? await awaitApproval(run, planned) : false;
  return run.timed(() => runSteps(run, planned, planShown));
}

/** A screened task with its plan, ready to run. */
interface Planned {
  spec: TaskWorkflowInput['spec'];
  plan: PlanResponse;
  planRecord: { steps: PlanStep[]; model: string };
}

/** Screens the task and has it planned, or ends it blocked. */
async function screenAndPlan(run: TaskRun): Promise<Planned | { ended: TaskWorkflowResult }> {
  const { input, progress, setStatus, projection, fast } = run;
  const { taskId } = input;
  // The API screens what it stores (and never starts a blocked task): its spec is already
  // screened. Tasks stored before that are screened here. The branch follows the run's input,
  // which its history holds, so older histories replay the screening they recorded.
  let spec = input.spec;
  if (!input.inputScreened) {
    await setStatus('screening');
    const screened = await screenTaskInput({ taskId, spec: input.spec });
    if (screened.verdict === 'blocked') {
      return { ended: await block(screened.reason, 'task input', setStatus) };
    }
    // From here on the task is what screening let through: redacted PII stays redacted.
    spec = screened.spec!;
  }
  // The goal goes into the memo (shown in the Web UI) only once it has been screened.
  if (!input.goalInMemo) upsertMemo({ goal: memoGoal(spec.goal) });

  let plan: PlanResponse;
  if (run.budget) {
    plan = await planWithinBudget(run, spec);
  } else {
    await setStatus('planning');
    plan = await planTask({ taskId, spec });
  }
  progress.steps = plan.steps.map((s): StepProgress => ({
    id: s.id,
    arm: s.arm,
    action: s.action,
    depends_on: s.depends_on,
    state: 'waiting',
  }));
  const planRecord = { steps: plan.steps, model: plan.model };
  if (!fast) await projection.recordPlan({ taskId, ...planRecord });
  if (input.searchAttributes) {
    const arms = {
      key: SEARCH_ATTRIBUTES.armCount,
      value: new Set(plan.steps.map((s) => s.arm)).size,
    };
    // Set with the next status (see ALL_FEATURES_PATCH), or on its own as before it.
    if (run.allFeatures) run.pendingAttributes.push(arms);
    else upsertSearchAttributes([arms]);
  }
  log.info('plan ready', { taskId, steps: plan.steps.length, model: plan.model });
  return { spec, plan, planRecord };
}

/**
 * When the task asks for approval, or its plan's estimated cost is above the configured
 * threshold: shows the plan in `awaiting_approval` and waits for the `approvePlan` update, at
 * most the approval timeout. Returns whether the plan has been written to the projection.
 */
async function awaitApproval(run: TaskRun, { spec, plan, planRecord }: Planned): Promise<boolean> {
  const approval = run.approval!;
  const threshold = run.input.approvalAboveUsd;
  const needed =
    spec.require_approval === true ||
    (threshold !== undefined && plan.total_estimates.cost_usd > threshold);
  if (!needed) return false;
  const timeoutSeconds = spec.approval_timeout_seconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS;
  approval.awaiting = true;
  await run.setStatus('awaiting_approval', run.fast ? { plan: planRecord } : {});
  const waitStarted = Date.now();
  run.budget?.deadline.pause();
  let decided: boolean;
  try {
    decided = await condition(() => approval.decision !== undefined, timeoutSeconds * 1000);
  } finally {
    approval.awaiting = false;
    approval.waitedMs += Date.now() - waitStarted;
    run.budget?.deadline.resume();
  }
  if (!decided) {
    throw ApplicationFailure.nonRetryable(
      `Plan approval timed out after ${timeoutSeconds} s`,
      'ApprovalTimedOut',
    );
  }
  const { approved, comment } = approval.decision!;
  const because = comment ? `: ${comment}` : '';
  if (!approved) throw ApplicationFailure.nonRetryable(`Plan rejected${because}`, 'PlanRejected');
  log.info('plan approved', { taskId: run.input.taskId });
  return run.fast;
}

/**
 * Runs the plan's steps and records the result. When a step fails for good, or the final judge
 * finds an acceptance criterion unmet, the plan is revised for the remaining work (at most
 * `max_replans` times) and the revision runs on the outputs of the steps already completed,
 * which never run again (see {@link REPLANNING_PATCH}).
 */
async function runSteps(
  run: TaskRun,
  { spec, plan, planRecord }: Planned,
  planShown: boolean,
): Promise<TaskWorkflowResult> {
  const { input, progress, setStatus, projection, fast } = run;
  const { taskId } = input;
  const stepRun = { ...run, input: { ...input, spec } };
  await setStatus('running', fast && !planShown ? { plan: planRecord } : {});
  const known = new Map(plan.steps.map((s) => [s.id, s]));
  let steps = plan.steps;
  let outputs: Record<string, unknown> = {};
  let revision = 0;
  for (;;) {
    const outcome = await runPlan(stepRun, { ...plan, steps }, outputs);
    outputs = outcome.outputs;
    if (outcome.blocked) {
      return block(outcome.blocked.reason, `output of step ${outcome.blocked.stepId}`, setStatus);
    }
    const miss = outcome.failure ? undefined : unmetCriteria(steps, outputs);
    if (!outcome.failure && !miss) break;
    // Runs from before replanning (and their replays) end here as they always did: failed for
    // a failed step, completed whatever the judge said. The patch is asked only now, so runs
    // that never need a revision carry no marker for it.
    if (!run.budget || !(run.allFeatures || patched(REPLANNING_PATCH))) {
      if (outcome.failure) throw ApplicationFailure.nonRetryable(outcome.failure, 'StepFailed');
      break;
    }
    const maxReplans = spec.max_replans ?? DEFAULT_MAX_REPLANS;
    if (revision >= maxReplans) {
      const after = revision > 0 ? ` (after ${revision} revisions of the plan)` : '';
      if (outcome.failure) {
        throw ApplicationFailure.nonRetryable(`${outcome.failure}${after}`, 'StepFailed');
      }
      throw ApplicationFailure.nonRetryable(
        `Acceptance criteria not met${after}: ${miss!.unmet.join('; ')}`,
        'CriteriaNotMet',
      );
    }
    revision += 1;
    const failure = outcome.failedStep
      ? { step_id: outcome.failedStep.id, reason: outcome.failedStep.reason, unmet_criteria: [] }
      : { step_id: miss!.stepId, reason: miss!.reason, unmet_criteria: miss!.unmet };
    const revised = await withPlanningGrant(run, (grant) =>
      replanTask({
        taskId,
        spec,
        grant,
        revision,
        failure,
        completed: progress.steps
          .filter((s) => s.state === 'completed')
          .map((s) => ({
            step: known.get(s.id)!,
            output: referenceTo(taskId, s.id, outputs[s.id]),
          })),
        unfinished: steps.filter((s) => entryOf(progress, s.id).state !== 'completed'),
      }),
    );
    log.info('plan revised', { taskId, revision, failedStep: failure.step_id });
    steps = revised.steps;
    for (const step of steps) known.set(step.id, step);
    progress.steps.push(
      ...steps.map((s): StepProgress => ({
        id: s.id,
        arm: s.arm,
        action: s.action,
        depends_on: s.depends_on,
        state: 'waiting',
        revision,
      })),
    );
    const reason = failure.unmet_criteria.length
      ? `the judge found criteria unmet: ${failure.unmet_criteria.join('; ')}`
      : `step ${failure.step_id} failed: ${failure.reason}`;
    await setStatus('running', {
      revision: { revision, reason, failedStepId: failure.step_id, steps },
    });
  }

  const finalStep = steps[steps.length - 1]!;
  const done = progress.steps.filter((s) => s.state === 'completed').length;
  const summary = progress.steps.map((s) => `${s.id} (${s.arm}): ${s.state}`).join('; ');
  const revised = revision > 0 ? ` after ${revision} revision${revision > 1 ? 's' : ''}` : '';
  const result = {
    output: { final: outputs[finalStep.id], steps: outputs },
    summary:
      revision > 0
        ? `Completed ${done} steps${revised} of the plan from ${plan.model}. ${summary}`
        : `Completed ${plan.steps.length} steps with plan from ${plan.model}. ${summary}`,
    confidence: plan.confidence,
    tokens: progress.usage.tokens,
    costUsd: progress.usage.cost_usd,
  };
  if (!fast) await projection.recordResult({ taskId, ...result });
  await setStatus('completed', fast ? { result } : {});
  return { status: 'completed', summary: result.summary };
}

function entryOf(progress: TaskProgress, id: string): StepProgress {
  return progress.steps.find((s) => s.id === id)!;
}

/**
 * A completed step's output as the planner gets it: by reference to its row, never inline (the
 * planner needs to know it exists, and the revision's steps get the output itself as input).
 */
function referenceTo(taskId: string, stepId: string, output: unknown): unknown {
  return isOutputRef(output) ? output : { $ref: 'step-output', task_id: taskId, step_id: stepId };
}

/**
 * When the plan's last step is a judge whose verdict fails a criterion: which ones. Criteria it
 * could not verify (no rule, no model) do not count as failed.
 */
function unmetCriteria(
  steps: readonly PlanStep[],
  outputs: Readonly<Record<string, unknown>>,
): { stepId: string; reason: string; unmet: string[] } | undefined {
  const last = steps[steps.length - 1];
  if (last?.arm !== 'judge') return undefined;
  const verdicts = (outputs[last.id] as { verdicts?: unknown } | null)?.verdicts;
  if (!Array.isArray(verdicts)) return undefined;
  const unmet = verdicts
    .filter((v: { verdict?: unknown }) => v?.verdict === 'fail')
    .map((v: { criterion?: unknown }) => String(v.criterion));
  if (unmet.length === 0) return undefined;
  return { stepId: last.id, reason: `judge verdict: ${unmet.length} criteria unmet`, unmet };
}

/** The budget's limits as the API shows them, extensions included. */
function budgetView(state: LedgerState) {
  return {
    max_cost_usd: state.ledger.limit.cost_usd,
    max_tokens: state.ledger.limit.tokens,
    max_time_seconds: state.deadline.limitSeconds,
  };
}

/** Keeps the progress query's usage and budget in step with the ledger. */
function showLedger(progress: TaskProgress, state: LedgerState, needed?: Amount): void {
  const { ledger } = state;
  progress.usage = { ...ledger.spent };
  progress.budget = {
    limit: { ...ledger.limit, seconds: state.deadline.limitSeconds },
    reserved: { ...ledger.reserved },
    ...(needed ? { needed } : {}),
  };
}

/** What every status write of a run with a ledger carries: limits, planning's spend and reservation. */
function ledgerRecord(state: LedgerState) {
  const { planning } = state;
  const view = budgetView(state);
  return {
    maxCostUsd: view.max_cost_usd,
    maxTokens: view.max_tokens,
    maxTimeSeconds: view.max_time_seconds,
    planningTokens: planning.spent.tokens,
    planningCostUsd: planning.spent.cost_usd,
    reservedTokens: planning.reserved.tokens,
    reservedCostUsd: planning.reserved.cost_usd,
  };
}

/** Has the task planned with a grant from the ledger (see {@link withPlanningGrant}). */
function planWithinBudget(run: TaskRun, spec: TaskWorkflowInput['spec']): Promise<PlanResponse> {
  return withPlanningGrant(run, (grant) => planTask({ taskId: run.input.taskId, spec, grant }));
}

/**
 * Runs a planner call (a plan or a revision) in status `planning` with a grant from the ledger:
 * all that is free, since nothing else runs meanwhile. The planner knows best what it needs
 * (nothing for a cached plan or the offline planner): when it refuses for want of budget, the
 * task waits for more and asks again.
 */
async function withPlanningGrant(
  run: TaskRun,
  call: (grant: Amount) => Promise<PlanResponse>,
): Promise<PlanResponse> {
  const state = run.budget!;
  const { ledger, planning } = state;
  let least: Amount = { tokens: 0, cost_usd: 0 };
  for (;;) {
    const grant = ledger.reserve(ledger.available(), least);
    if (!grant) {
      await awaitBudget(run, least, 'planning');
      continue;
    }
    planning.reserved = grant;
    showLedger(run.progress, state);
    await run.setStatus('planning');
    try {
      const plan = await call(grant);
      const used = plan.usage ?? { tokens: 0, cost_usd: 0 };
      ledger.settle(grant, used);
      planning.spent = add(planning.spent, used);
      return plan;
    } catch (err) {
      const short = budgetShortfall(err);
      // A planning call that failed otherwise may have spent its grant: count it all.
      const used = short ? (short.usage ?? { tokens: 0, cost_usd: 0 }) : grant;
      ledger.settle(grant, used);
      planning.spent = add(planning.spent, used);
      if (!short) throw err;
      least = short.needed;
    } finally {
      planning.reserved = { tokens: 0, cost_usd: 0 };
      showLedger(run.progress, state);
    }
  }
}

/**
 * Waits in `awaiting_budget` until `needed` fits in what the ledger has free (an `extendBudget`
 * update), at most the approval timeout; the time budget does not count the wait. Fails the task
 * when the wait times out.
 */
async function awaitBudget(run: TaskRun, needed: Amount, what: string): Promise<void> {
  const state = run.budget!;
  const timeoutSeconds =
    run.input.spec.approval_timeout_seconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS;
  showLedger(run.progress, state, needed);
  log.info('waiting for budget', { taskId: run.input.taskId, what, ...needed });
  await run.setStatus('awaiting_budget');
  state.deadline.pause();
  let extended: boolean;
  try {
    extended = await condition(() => state.ledger.fits(needed), timeoutSeconds * 1000);
  } finally {
    state.deadline.resume();
    showLedger(run.progress, state);
  }
  if (!extended) {
    const free = state.ledger.available();
    throw ApplicationFailure.nonRetryable(
      `No budget extension within ${timeoutSeconds} s: ${what} needs ${needed.tokens} tokens and ` +
        `$${needed.cost_usd.toFixed(4)} free; ${free.tokens} tokens and $${free.cost_usd.toFixed(4)} are`,
      'BudgetExhausted',
    );
  }
}

/** Rejects a malformed decision, or one that comes when the task is not waiting for it. */
function validateDecision(decision: unknown, state: ApprovalState, status: string): void {
  const d = decision as Partial<PlanDecision> | null;
  if (typeof d !== 'object' || d === null || typeof d.approved !== 'boolean') {
    throw new Error('approvePlan takes {"approved": true|false, "comment"?: "..."}');
  }
  if (d.comment !== undefined && (typeof d.comment !== 'string' || d.comment.length > 2_000)) {
    throw new Error('comment must be a string of at most 2000 characters');
  }
  if (!state.awaiting) {
    throw new Error(`the task is not awaiting approval (it is ${status})`);
  }
  if (state.decision) throw new Error('the plan has already been decided');
}

/** How running the plan ended: all outputs, or the reason it stopped early. */
interface PlanRun {
  outputs: Record<string, unknown>;
  /** Set when a step's output was blocked by screening. */
  blocked?: { stepId: string; reason: string };
  /** Set when a step failed or the budget ran out: the reason, for the task's error. */
  failure?: string;
  /** The first step that failed for good, and why. */
  failedStep?: { id: string; reason: string };
}

/**
 * Runs the plan as a DAG: every step whose dependencies have completed starts at once (up to
 * the parallel limits). A failed step's dependents are skipped with the reason; steps already
 * running on other branches finish (their results stay in the projection) but no new step
 * starts, since the task will fail. A blocked output or an exhausted budget cancels the steps
 * still running. Cancellation from outside (operator or deadline) is rethrown once every running
 * step has recorded it.
 */
async function runPlan(
  run: TaskRun,
  plan: PlanResponse,
  carried: Readonly<Record<string, unknown>> = {},
): Promise<PlanRun> {
  const { progress, projection, fast, control, setStatus } = run;
  const { taskId, spec, maxParallelSteps, armLimits } = run.input;
  // Outputs of steps completed under an earlier revision of the plan are inputs like any other.
  const result: PlanRun = { outputs: { ...carried } };
  const failures: string[] = [];
  const entries = new Map(progress.steps.map((s) => [s.id, s]));
  const inFlight = new Map<string, { scope: CancellationScope; done: Promise<void> }>();
  const startedAt = workflowInfo().startTime.getTime();
  const budget = run.budget;
  /** With a ledger: each running step's grant, what the ledger has counted of each step's spending, and the least a step the budget held back needs. */
  const grants = new Map<string, Amount>();
  const counted = new Map<string, Amount>();
  const needs = new Map<string, Amount>();
  let stopping = false;
  /** Whether the task shows `paused` (it follows `control.paused` between turns). */
  let shownPaused = false;

  const stopOthers = () => {
    stopping = true;
    for (const { scope } of inFlight.values()) scope.cancel();
  };

  const finish = async (entry: StepProgress, state: StepState, error?: string) => {
    entry.state = state;
    entry.error = error;
    await CancellationScope.nonCancellable(() =>
      projection.recordStepStatus({ taskId, stepId: entry.id, status: state, error }),
    );
  };

  /** Adds a step's usage and stops the run once the token or cost budget is exceeded. */
  const addUsage = (usage: { tokens: number; cost_usd: number }) => {
    progress.usage.tokens += usage.tokens;
    progress.usage.cost_usd += usage.cost_usd;
  };

  /** Stops the run once the token or cost budget is exceeded, naming the step that did it. */
  const checkBudget = (step: PlanStep) => {
    const { tokens, cost_usd } = progress.usage;
    if (!stopping && (tokens > spec.budget.max_tokens || cost_usd > spec.budget.max_cost_usd)) {
      failures.push(
        `Task exceeded its budget after step ${step.id}: ${tokens} tokens, $${cost_usd.toFixed(4)}`,
      );
      stopOthers();
    }
  };

  /** A step's output was blocked by screening: the task will end blocked. */
  const blockedBy = (step: PlanStep, entry: StepProgress, reason: string) => {
    entry.state = 'failed';
    entry.error = `output blocked: ${reason}`;
    result.blocked ??= { stepId: step.id, reason };
    stopOthers();
  };

  const inputsOf = (step: PlanStep) =>
    Object.fromEntries(step.depends_on.map((id) => [id, result.outputs[id]]));

  const stepInput = (step: PlanStep) => {
    const base = { taskId, goal: spec.goal, step, inputs: inputsOf(step) };
    const grant = grants.get(step.id);
    if (budget && grant) {
      // The step may spend its grant and no more; `spentBefore` lets retries share it.
      return {
        ...base,
        budgetLeft: { ...grant, seconds: Math.max(0, budget.deadline.leftMs() / 1000) },
        spentBefore: counted.get(step.id) ?? { tokens: 0, cost_usd: 0 },
      };
    }
    return {
      ...base,
      budgetLeft: {
        cost_usd: spec.budget.max_cost_usd - progress.usage.cost_usd,
        tokens: spec.budget.max_tokens - progress.usage.tokens,
        seconds: spec.budget.max_time_seconds - (Date.now() - startedAt) / 1000,
      },
    };
  };

  /**
   * A step's worst case (its prompt and the arms' completion cap), and the least it can start on:
   * nothing, unless its arm has refused a smaller grant (a tool or offline arm spends nothing,
   * and only the arm knows its prompt; a grant below the worst case shortens the completion).
   */
  const reservationFor = (step: PlanStep, price: ModelPrice) => {
    const prompt = stepPromptTokens(
      [spec.goal, step.action, ...step.acceptance_criteria],
      inputsOf(step),
    );
    return {
      wanted: worstCase(price, prompt, STEP_COMPLETION_TOKENS),
      least: needs.get(step.id) ?? { tokens: 0, cost_usd: 0 },
    };
  };

  /** Settles a step's grant with what the step has spent in all (`total`), and releases it. */
  const settleStep = (stepId: string, total: Amount) => {
    const grant = grants.get(stepId);
    if (!budget || !grant) return;
    budget.ledger.settle(grant, minus(total, counted.get(stepId) ?? { tokens: 0, cost_usd: 0 }));
    counted.set(stepId, total);
    grants.delete(stepId);
    showLedger(progress, budget);
  };

  /** One activity runs, screens and records the step (see {@link FAST_PATH_PATCH}). */
  const runOneFast = async (step: PlanStep, entry: StepProgress): Promise<void> => {
    const { runStep } = stepActivitiesFor(armLimits, step.arm);
    const outcome = await runStep(stepInput(step));
    if (budget) settleStep(step.id, outcome.usage);
    else addUsage(outcome.usage);
    if (outcome.verdict === 'blocked') {
      blockedBy(step, entry, outcome.reason);
      return;
    }
    result.outputs[step.id] = outcome.output;
    entry.state = 'completed';
    // With a ledger a step cannot overspend: there is nothing to check afterwards.
    if (!budget) checkBudget(step);
  };

  /** Tasks started before the fast path: four remote activities per step. */
  const runOneClassic = async (step: PlanStep, entry: StepProgress): Promise<void> => {
    await projection.recordStepStatus({ taskId, stepId: step.id, status: 'running' });
    const { executeStep } = stepActivitiesFor(armLimits, step.arm);
    const answer = await executeStep(stepInput(step));
    addUsage(answer.usage);

    // Large outputs arrive as references: the history holds only what fits comfortably.
    const check = await screenStepOutput({ taskId, stepId: step.id, output: answer.output });
    if (check.verdict === 'blocked') {
      await finish(entry, 'failed', `output blocked: ${check.reason}`);
      blockedBy(step, entry, check.reason);
      return;
    }
    result.outputs[step.id] = check.output;
    entry.state = 'completed';
    await projection.recordStepStatus({
      taskId,
      stepId: step.id,
      status: 'completed',
      output: result.outputs[step.id],
      summary: answer.summary,
      tokens: answer.usage.tokens,
      costUsd: answer.usage.cost_usd,
    });
    checkBudget(step);
  };
  const runOne = fast ? runOneFast : runOneClassic;

  /** Starts a step; false when the ledger cannot grant it the least it needs (it stays waiting). */
  const start = (step: PlanStep): boolean => {
    const entry = entries.get(step.id)!;
    if (budget) {
      const { wanted, least } = reservationFor(step, budget.price);
      const grant = budget.ledger.reserve(wanted, least);
      if (!grant) return false;
      grants.set(step.id, grant);
      showLedger(progress, budget);
    }
    entry.state = 'running';
    // Each step in its own scope, so one blocked output can cancel its siblings; the scope is
    // a child of the deadline scope, so an operator's cancel or the deadline reaches it too.
    const scope = new CancellationScope();
    const done = scope
      .run(() => runOne(step, entry))
      .catch(async (err: unknown) => {
        const short = budget ? budgetShortfall(err) : undefined;
        if (short) {
          // The arm refused for want of budget before calling its model: the step waits (its
          // row is `waiting` again) until the ledger can grant what it needs.
          settleStep(step.id, short.usage ?? counted.get(step.id) ?? { tokens: 0, cost_usd: 0 });
          needs.set(step.id, short.needed);
          entry.state = 'waiting';
          return;
        }
        // A step that failed or was cancelled may have spent its grant: count it all.
        const grant = grants.get(step.id);
        if (grant)
          settleStep(step.id, add(counted.get(step.id) ?? { tokens: 0, cost_usd: 0 }, grant));
        const cancelled = isCancellation(err);
        await finish(entry, cancelled ? 'cancelled' : 'failed', describeFailure(err));
        if (!cancelled) {
          failures.push(`Step ${step.id} (${step.arm}) failed: ${entry.error}`);
          result.failedStep ??= { id: step.id, reason: entry.error ?? 'failed' };
        }
      })
      .finally(() => inFlight.delete(step.id));
    inFlight.set(step.id, { scope, done });
    return true;
  };

  for (;;) {
    const states = Object.fromEntries(progress.steps.map((s) => [s.id, s.state]));
    const perArm = Object.fromEntries(
      Object.entries(armLimits ?? {}).map(([arm, l]) => [arm, l.concurrency]),
    );
    const decision = scheduleSteps(
      plan.steps,
      states,
      maxParallelSteps ?? DEFAULT_MAX_PARALLEL_STEPS,
      perArm,
    );
    for (const { id, reason } of decision.skip) await finish(entries.get(id)!, 'skipped', reason);
    const goingOn = !stopping && failures.length === 0;
    if (control && goingOn && control.paused !== shownPaused) {
      shownPaused = control.paused;
      await setStatus(shownPaused ? 'paused' : 'running');
    }
    // After a failure the task will fail: steps already running finish, no new ones start.
    // While paused, no new ones start either; nor do those the budget cannot cover yet.
    const held: PlanStep[] = [];
    if (goingOn && !control?.paused) {
      for (const id of decision.start) {
        const step = plan.steps.find((s) => s.id === id)!;
        if (!start(step)) held.push(step);
      }
    }
    if (inFlight.size === 0) {
      // A skip can make its own dependents skippable: decide again until nothing changes.
      if (decision.skip.length > 0) continue;
      if (control?.paused && goingOn && !decision.done) {
        // Paused with nothing running: wait for `resume` (a cancel or the deadline ends it).
        await condition(() => !control.paused);
        continue;
      }
      if (budget && held.length > 0) {
        // Nothing running will release budget: wait for an extension, then go on.
        const first = held[0]!;
        await awaitBudget(run, reservationFor(first, budget.price).least, `step ${first.id}`);
        shownPaused = control?.paused ?? false;
        await setStatus(shownPaused ? 'paused' : 'running');
        continue;
      }
      break;
    }
    const extensions = budget?.extensions;
    await Promise.race([
      ...[...inFlight.values()].map((f) => f.done),
      // More budget is a turn of its own too: held steps may start, and the new limits are shown.
      ...(budget ? [condition(() => budget.extensions !== extensions).catch(() => undefined)] : []),
      // A pause or resume is a turn of its own: it shows at once, not when a step ends. A
      // cancellation must not end the wait here (it would skip recording the steps' end):
      // it is handled below, once the steps have recorded it.
      ...(control ? [condition(() => control.paused !== shownPaused).catch(() => undefined)] : []),
    ]);
    if (CancellationScope.current().consideredCancelled) {
      // Cancelled from outside: let every step record its cancellation, then end the run.
      await Promise.all([...inFlight.values()].map((f) => f.done));
      throw new CancelledFailure('Task cancelled while steps were running');
    }
    if (budget && budget.extensions !== extensions) await setStatus(progress.status);
  }

  for (const entry of progress.steps) {
    if (entry.state === 'waiting') await finish(entry, 'skipped', 'task stopped early');
  }
  if (failures.length) {
    const skipped = progress.steps.filter((s) => s.state === 'skipped').map((s) => s.id);
    result.failure =
      failures.join('; ') + (skipped.length ? `; skipped: ${skipped.join(', ')}` : '');
  }
  return result;
}

/** Ends the task as blocked, with the screening categories (never the text) as the reason. */
async function block(
  categories: string,
  what: string,
  setStatus: SetStatus,
): Promise<TaskWorkflowResult> {
  const reason = blockedReason(what, categories);
  await setStatus('blocked', { blockedReason: reason });
  return { status: 'blocked', reason };
}
