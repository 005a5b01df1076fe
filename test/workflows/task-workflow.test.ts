import { NO_TRACING } from '../../src/observability/tracing';
import { tracingWorkerOptions } from '../../src/runtime/task-worker';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { PlanResponse } from '../../src/shared/plan';
import { submitTaskSchema, type TaskSpec } from '../../src/shared/task';
import {
  approvePlanUpdate,
  extendBudgetUpdate,
  pauseSignal,
  progressQuery,
  resumeSignal,
  type TaskProgress,
  type TaskWorkflowInput,
  type TaskWorkflowResult,
} from '../../src/workflows/definitions';
import type { TaskWorkflow } from '../../src/workflows/task-workflow';
import {
  fakeActivities,
  hangUntilCancelled,
  samplePlan,
  verdict,
  type FakeOptions,
  type Recorded,
} from '../support/fake-activities';
import { testServer, workflowBundle } from '../support/temporal-servers';

// Workflow logic on the real time-skipping test server, with fake activities: deadlines skip
// time instead of waiting for it.
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  const server = await testServer();
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: server.executable },
  });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

function spec(overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    ...submitTaskSchema.parse({ goal: 'Summarise the state of durable execution' }),
    ...overrides,
  };
}

/** A successful arm answer. */
function ok(output: unknown = 'ok') {
  return {
    output,
    summary: 'ok',
    confidence: 1,
    usage: { tokens: 5, cost_usd: 0 },
    mode: 'offline' as const,
  };
}

/** a and b independent, c after both, d after c. */
function diamondPlan(): PlanResponse {
  const plan = samplePlan();
  const [s1] = plan.steps;
  plan.steps = [
    { ...s1!, id: 'a', arm: 'retriever', depends_on: [] },
    { ...s1!, id: 'b', arm: 'retriever', depends_on: [] },
    { ...s1!, id: 'c', arm: 'coder', depends_on: ['a', 'b'] },
    { ...s1!, id: 'd', arm: 'judge', depends_on: ['c'] },
  ];
  return plan;
}

/** Starts a workflow on its own worker and hands `body` the handle while the worker runs. */
async function withRunningTask(
  options: FakeOptions,
  taskSpec: TaskSpec,
  body: (handle: WorkflowHandle<typeof TaskWorkflow>) => Promise<void>,
  taskId: string = randomUUID(),
  extra: Partial<TaskWorkflowInput> = {},
): Promise<Recorded> {
  const { activities, recorded } = fakeActivities(options);
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    ...tracingWorkerOptions(NO_TRACING),
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start<typeof TaskWorkflow>('TaskWorkflow', {
      taskQueue,
      workflowId: `task-${taskId}`,
      args: [{ ...extra, taskId, spec: taskSpec }],
    });
    await body(handle);
  });
  return recorded;
}

/** Polls the progress query until a step is running. */
async function untilRunning(handle: WorkflowHandle<typeof TaskWorkflow>, stepId: string) {
  for (;;) {
    const progress = await handle.query(progressQuery);
    if (progress.steps.find((s) => s.id === stepId)?.state === 'running') return progress;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the workflow to its end on a fresh task queue with the given fakes. */
async function run(
  options: FakeOptions,
  input: TaskWorkflowInput = { taskId: randomUUID(), spec: spec() },
) {
  let outcome: { result?: TaskWorkflowResult; error?: unknown } = {};
  const recorded = await withRunningTask(
    options,
    input.spec,
    async (handle) => {
      outcome = await handle.result().then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
    },
    input.taskId,
    input,
  );
  return { ...outcome, recorded };
}

test('a safe task is screened, planned, run step by step and completed', async () => {
  const { result, recorded } = await run({});
  expect(result).toMatchObject({ status: 'completed' });
  expect(recorded.statuses).toEqual(['screening', 'planning', 'running', 'completed']);
  expect(recorded.stepEvents).toEqual([
    'plan:s1,s2,s3',
    's1:running',
    's1:completed',
    's2:running',
    's2:completed',
    's3:running',
    's3:completed',
  ]);
  // Each step receives exactly the outputs of the steps it depends on.
  expect(recorded.executed).toEqual([
    { stepId: 's1', inputs: {} },
    { stepId: 's2', inputs: { s1: 'output of s1' } },
    { stepId: 's3', inputs: { s1: 'output of s1', s2: 'output of s2' } },
  ]);
  expect(recorded.result?.output).toEqual({
    final: 'output of s3',
    steps: { s1: 'output of s1', s2: 'output of s2', s3: 'output of s3' },
  });
});

test('an unsafe task input ends blocked, with categories but not the text as reason', async () => {
  const { result, recorded } = await run({
    screen: (direction) =>
      direction === 'input' ? verdict('blocked', ['instruction_override']) : verdict('safe'),
  });
  expect(result).toMatchObject({ status: 'blocked' });
  expect(recorded.statuses).toEqual(['screening', 'blocked']);
  expect(recorded.blockedReasons.at(-1)).toMatch(/task input.*instruction_override/);
  expect(recorded.executed).toHaveLength(0);
});

test('a spec the API screened is not screened again: the run starts with planning', async () => {
  const taskId = randomUUID();
  const screenedSpec = spec({ goal: 'Summarise the work of [PERSON_1]' });
  const { result, recorded } = await run(
    // Input screening would block: it must not be asked.
    {
      screen: (direction) =>
        direction === 'input' ? verdict('blocked', ['instruction_override']) : verdict('safe'),
    },
    { taskId, spec: screenedSpec, inputScreened: true },
  );
  expect(result).toMatchObject({ status: 'completed' });
  expect(recorded.statuses).toEqual(['planning', 'running', 'completed']);
  expect(new Set(recorded.goals)).toEqual(new Set(['Summarise the work of [PERSON_1]']));
});

test('a step output that carries an injection blocks the task before later steps see it', async () => {
  const { result, recorded } = await run({
    screen: (direction, text) =>
      direction === 'output' && text.includes('s1')
        ? verdict('blocked', ['indirect_injection'])
        : verdict('safe'),
  });
  expect(result).toMatchObject({ status: 'blocked' });
  expect(recorded.executed.map((e) => e.stepId)).toEqual(['s1']);
  expect(recorded.stepEvents).toContain('s1:failed');
  expect(recorded.blockedReasons.at(-1)).toMatch(/output of step s1.*indirect_injection/);
});

test('input redaction carries through: planner and arms see only the redacted goal', async () => {
  const { result, recorded } = await run({
    screen: (direction) =>
      direction === 'input'
        ? { ...verdict('redacted'), redacted_text: 'Summarise the work of [PERSON_1]' }
        : verdict('safe'),
  });
  expect(result).toMatchObject({ status: 'completed' });
  expect(new Set(recorded.goals)).toEqual(new Set(['Summarise the work of [PERSON_1]']));
});

test('redacted step output is what later steps receive', async () => {
  const { recorded } = await run({
    screen: (direction, text) =>
      direction === 'output' && text.includes('s1') ? verdict('redacted') : verdict('safe'),
  });
  expect(recorded.executed[1]).toEqual({ stepId: 's2', inputs: { s1: '[EMAIL_1]' } });
});

test('a permanent planning failure fails the task with the planner error', async () => {
  const { error, recorded } = await run({
    plan: () => {
      throw ApplicationFailure.nonRetryable('plan has 9 steps; it needs 3 to 7', 'InvalidPlan');
    },
  });
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect(recorded.statuses).toEqual(['screening', 'planning', 'failed']);
  expect(recorded.errors.at(-1)).toBe('plan has 9 steps; it needs 3 to 7');
});

test('a failing step fails the task, skips its dependents and names both', async () => {
  const { error, recorded } = await run(
    {
      execute: async (step) => {
        if (step.id === 's2') {
          throw ApplicationFailure.nonRetryable(
            'coder arm answered 400: bad step',
            'ServiceRejected',
          );
        }
        return ok();
      },
    },
    // Without replanning (tested below), so that the failure ends the task.
    { taskId: randomUUID(), spec: spec({ max_replans: 0 }) },
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect(recorded.stepEvents).toContain('s2:failed');
  expect(recorded.stepEvents).toContain('s3:skipped');
  expect(recorded.stepEvents).not.toContain('s3:running');
  expect(recorded.statuses.at(-1)).toBe('failed');
  expect(recorded.errors.at(-1)).toBe(
    'Step s2 (coder) failed: coder arm answered 400: bad step; skipped: s3',
  );
});

test('independent steps run at the same time; a step waits for all its dependencies', async () => {
  // a and b are independent: each waits until the other has started, which only works if
  // both are in flight at once. c needs both.
  const plan = diamondPlan();
  const started = new Set<string>();
  const events: string[] = [];
  const bothStarted = () =>
    new Promise<void>((resolve) => {
      const check = () =>
        started.has('a') && started.has('b') ? resolve() : setTimeout(check, 10);
      check();
    });
  const { result, recorded } = await run({
    plan: () => plan,
    execute: async (step) => {
      started.add(step.id);
      events.push(`start:${step.id}`);
      if (step.id === 'a' || step.id === 'b') await bothStarted();
      events.push(`end:${step.id}`);
      return ok(`out-${step.id}`);
    },
  });
  expect(result).toMatchObject({ status: 'completed' });
  expect(events.indexOf('start:c')).toBeGreaterThan(events.indexOf('end:a'));
  expect(events.indexOf('start:c')).toBeGreaterThan(events.indexOf('end:b'));
  expect(recorded.executed.find((e) => e.stepId === 'c')?.inputs).toEqual({
    a: 'out-a',
    b: 'out-b',
  });
});

test('a failed step skips its dependents while a step already running on another branch finishes', async () => {
  const { error, recorded } = await run(
    {
      plan: diamondPlan,
      execute: async (step) => {
        if (step.id === 'a')
          throw ApplicationFailure.nonRetryable('retriever arm answered 400', 'ServiceRejected');
        return ok();
      },
    },
    { taskId: randomUUID(), spec: spec({ max_replans: 0 }) },
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect(recorded.stepEvents).toEqual(
    expect.arrayContaining(['a:failed', 'b:completed', 'c:skipped']),
  );
  expect(recorded.errors.at(-1)).toBe(
    'Step a (retriever) failed: retriever arm answered 400; skipped: c, d',
  );
});

test('max_time_seconds ends a task whose arm keeps failing, in skipped time', async () => {
  // The time-skipping server does not skip time while an activity attempt is in flight, so
  // the deadline is reached during retry backoff: an arm that is down, retried by policy.
  const wallStart = Date.now();
  const budget = { max_cost_usd: 1, max_time_seconds: 20, max_tokens: 1000 };
  const { error, recorded } = await run(
    {
      execute: async () => {
        throw ApplicationFailure.retryable(
          'retriever arm unreachable: ECONNREFUSED',
          'ServiceUnavailable',
        );
      },
    },
    { taskId: randomUUID(), spec: spec({ budget }) },
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe('TimeBudgetExceeded');
  expect(recorded.statuses.at(-1)).toBe('failed');
  expect(recorded.errors.at(-1)).toBe('Task exceeded its time budget of 20 s');
  expect(recorded.stepEvents).toContain('s1:cancelled');
  // Retried by policy (backoff 2 s, 4 s, 8 s…) until the deadline, not once.
  expect(recorded.executed.length).toBeGreaterThanOrEqual(3);
  expect(Date.now() - wallStart).toBeLessThan(15_000);
});

test('cancelling the workflow ends the task cancelled, and progress shows each step', async () => {
  const execute: FakeOptions['execute'] = async (step) =>
    step.id === 's2' ? hangUntilCancelled() : ok();
  const recorded = await withRunningTask({ execute }, spec(), async (handle) => {
    // Read progress while s2 runs, then cancel, as an operator would from the UI or CLI.
    const progress = await untilRunning(handle, 's2');
    expect(progress.status).toBe('running');
    expect(progress.steps.map((s) => [s.id, s.state])).toEqual([
      ['s1', 'completed'],
      ['s2', 'running'],
      ['s3', 'waiting'],
    ]);
    expect(progress.usage.tokens).toBe(5);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    const { status } = await handle.describe();
    expect(status.name).toBe('CANCELLED');
    // No step is left waiting: s3 never started, and ended cancelled with the task.
    const ended = await handle.query(progressQuery);
    expect(ended.steps.map((s) => [s.id, s.state])).toEqual([
      ['s1', 'completed'],
      ['s2', 'cancelled'],
      ['s3', 'cancelled'],
    ]);
  });
  expect(recorded.statuses.at(-1)).toBe('cancelled');
  expect(recorded.endWaitingSteps.at(-1)).toBe('cancelled');
  expect(recorded.stepEvents).toContain('s2:cancelled');
});

/** Polls the progress query until `check` holds. */
async function until(
  handle: WorkflowHandle<typeof TaskWorkflow>,
  check: (progress: TaskProgress) => boolean,
) {
  for (;;) {
    const progress = await handle.query(progressQuery);
    if (check(progress)) return progress;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('pause and resume', () => {
  test('pause lets the running step finish, starts none until resume, and shows paused', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const execute: FakeOptions['execute'] = async (step) => {
      if (step.id === 's1') await gate;
      return ok(`output of ${step.id}`);
    };
    const recorded = await withRunningTask({ execute }, spec(), async (handle) => {
      await untilRunning(handle, 's1');
      await handle.signal(pauseSignal);
      await until(handle, (p) => p.status === 'paused');
      release();
      await until(handle, (p) => p.steps[0]!.state === 'completed');
      // Real time passes (time skipping is off until we wait for the result): still paused.
      await new Promise((r) => setTimeout(r, 500));
      const paused = await handle.query(progressQuery);
      expect(paused.status).toBe('paused');
      expect(paused.steps.map((s) => [s.id, s.state])).toEqual([
        ['s1', 'completed'],
        ['s2', 'waiting'],
        ['s3', 'waiting'],
      ]);
      await handle.signal(resumeSignal);
      await expect(handle.result()).resolves.toMatchObject({ status: 'completed' });
    });
    expect(recorded.statuses).toEqual([
      'screening',
      'planning',
      'running',
      'paused',
      'running',
      'completed',
    ]);
    expect(recorded.executed.map((e) => e.stepId)).toEqual(['s1', 's2', 's3']);
  });

  test('a task paused before its steps starts none, and a cancel still ends it', async () => {
    const recorded = await withRunningTask({}, spec(), async (handle) => {
      await handle.signal(pauseSignal);
      const progress = await until(handle, (p) => p.status === 'paused');
      expect(progress.steps.every((s) => s.state === 'waiting')).toBe(true);
      await handle.signal(pauseSignal); // twice is the same as once
      await handle.cancel();
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    });
    expect(recorded.executed).toEqual([]);
    expect(recorded.statuses.slice(-2)).toEqual(['paused', 'cancelled']);
  });

  test('resume without pause changes nothing', async () => {
    const recorded = await withRunningTask({}, spec(), async (handle) => {
      await handle.signal(resumeSignal);
      await expect(handle.result()).resolves.toMatchObject({ status: 'completed' });
    });
    expect(recorded.statuses).toEqual(['screening', 'planning', 'running', 'completed']);
  });
});

describe('plan approval', () => {
  const awaiting = (handle: WorkflowHandle<typeof TaskWorkflow>) =>
    until(handle, (p) => p.status === 'awaiting_approval');

  test('a plan that asks for approval waits, runs no step, and runs once approved', async () => {
    const recorded = await withRunningTask({}, spec({ require_approval: true }), async (handle) => {
      const progress = await awaiting(handle);
      expect(progress.steps.map((s) => s.state)).toEqual(['waiting', 'waiting', 'waiting']);
      // Malformed decisions are refused by the validator and change nothing.
      await expect(
        handle.executeUpdate(approvePlanUpdate, { args: [{ approved: 'yes' } as never] }),
      ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/approvePlan takes/) } });
      const answer = await handle.executeUpdate(approvePlanUpdate, {
        args: [{ approved: true, comment: 'looks right' }],
      });
      expect(answer).toEqual({ status: 'approved' });
      await expect(handle.result()).resolves.toMatchObject({ status: 'completed' });
    });
    expect(recorded.statuses).toEqual([
      'screening',
      'planning',
      'awaiting_approval',
      'running',
      'completed',
    ]);
    // The plan is shown with awaiting_approval, once.
    expect(recorded.stepEvents.filter((e) => e.startsWith('plan:'))).toEqual(['plan:s1,s2,s3']);
    expect(recorded.executed.map((e) => e.stepId)).toEqual(['s1', 's2', 's3']);
  });

  test('a rejected plan fails the task with the comment, and no step runs', async () => {
    const recorded = await withRunningTask({}, spec({ require_approval: true }), async (handle) => {
      await awaiting(handle);
      const answer = await handle.executeUpdate(approvePlanUpdate, {
        args: [{ approved: false, comment: 'too broad' }],
      });
      expect(answer).toEqual({ status: 'rejected' });
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    });
    expect(recorded.statuses.slice(-1)).toEqual(['failed']);
    expect(recorded.errors.at(-1)).toBe('Plan rejected: too broad');
    expect(recorded.executed).toEqual([]);
  });

  test('an approval that never comes fails the task when the approval timeout ends', async () => {
    const wallStart = Date.now();
    // Short, so that it holds whether or not the test server skips the time.
    const taskSpec = spec({ require_approval: true, approval_timeout_seconds: 2 });
    const recorded = await withRunningTask({}, taskSpec, async (handle) => {
      await awaiting(handle);
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    });
    expect(recorded.errors.at(-1)).toBe('Plan approval timed out after 2 s');
    expect(recorded.statuses.slice(-2)).toEqual(['awaiting_approval', 'failed']);
    expect(recorded.executed).toEqual([]);
    expect(Date.now() - wallStart).toBeLessThan(15_000);
  });

  test('waiting for approval does not count against the time budget', async () => {
    // Real time rather than skipped time, so that it holds whatever else the test server runs.
    const taskSpec = spec({
      require_approval: true,
      budget: { max_cost_usd: 1, max_time_seconds: 4, max_tokens: 20_000 },
    });
    await withRunningTask({}, taskSpec, async (handle) => {
      await awaiting(handle);
      await new Promise((r) => setTimeout(r, 5_000)); // longer than the whole budget
      await handle.executeUpdate(approvePlanUpdate, { args: [{ approved: true }] });
      await expect(handle.result()).resolves.toMatchObject({ status: 'completed' });
    });
  }, 30_000);

  test('a decision when the task is not awaiting approval is refused', async () => {
    await withRunningTask({}, spec(), async (handle) => {
      await expect(
        handle.executeUpdate(approvePlanUpdate, { args: [{ approved: true }] }),
      ).rejects.toMatchObject({
        cause: {
          message: expect.stringMatching(
            /not awaiting approval \(it is (pending|screening|planning|running)\)/,
          ),
        },
      });
      await expect(handle.result()).resolves.toMatchObject({ status: 'completed' });
    });
  });

  test('APPROVAL_ABOVE_USD: a plan estimated above it waits; one below does not', async () => {
    const costly = () => {
      const plan = samplePlan();
      plan.total_estimates.cost_usd = 2.5;
      return plan;
    };
    const below = await run(
      { plan: costly },
      {
        taskId: randomUUID(),
        spec: spec(),
        approvalAboveUsd: 5,
      },
    );
    expect(below.result).toMatchObject({ status: 'completed' });
    const recorded = await withRunningTask(
      { plan: costly },
      spec(),
      async (handle) => {
        await awaiting(handle);
        await handle.executeUpdate(approvePlanUpdate, { args: [{ approved: true }] });
        await handle.result();
      },
      randomUUID(),
      { approvalAboveUsd: 1 },
    );
    expect(recorded.statuses).toContain('awaiting_approval');
  });
});

describe('budget ledger', () => {
  // Prices of 0 leave tokens as the only limit, which keeps the arithmetic readable.
  const free = { llmPrice: { input_usd_per_1k: 0, output_usd_per_1k: 0 } };
  const budget = (max_tokens: number) => ({ max_cost_usd: 1, max_time_seconds: 300, max_tokens });
  const awaitingBudget = (handle: WorkflowHandle<typeof TaskWorkflow>) =>
    until(handle, (p) => p.status === 'awaiting_budget');

  test('a step the budget cannot cover waits in awaiting_budget; an extension lets it finish', async () => {
    // Three steps of 2000 tokens each, 5000 tokens of budget: the third does not fit.
    const recorded = await withRunningTask(
      { stepTokens: () => 2_000 },
      spec({ budget: budget(5_000) }),
      async (handle) => {
        const waiting = await awaitingBudget(handle);
        expect(waiting.steps.map((s) => s.state)).toEqual(['completed', 'completed', 'waiting']);
        expect(waiting.usage.tokens).toBe(4_000);
        expect(waiting.budget).toMatchObject({
          limit: { tokens: 5_000 },
          reserved: { tokens: 0 },
          needed: { tokens: 2_000 },
        });
        // A malformed extension is refused by the validator and changes nothing.
        await expect(
          handle.executeUpdate(extendBudgetUpdate, { args: [{ add_tokens: -5 }] }),
        ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/add_tokens/) } });
        await expect(
          handle.executeUpdate(extendBudgetUpdate, { args: [{}] }),
        ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/nothing to add/) } });
        const answer = await handle.executeUpdate(extendBudgetUpdate, {
          args: [{ add_tokens: 3_000, add_seconds: 60 }],
        });
        expect(answer.budget).toEqual({
          max_cost_usd: 1,
          max_tokens: 8_000,
          max_time_seconds: 360,
        });
        await expect(handle.result()).resolves.toMatchObject({ status: 'completed' });
        const done = await handle.query(progressQuery);
        expect(done.usage.tokens).toBe(6_000);
        expect(done.budget?.reserved.tokens).toBe(0);
      },
      randomUUID(),
      free,
    );
    expect(recorded.statuses).toEqual([
      'screening',
      'planning',
      'running',
      'awaiting_budget',
      'running',
      'completed',
    ]);
    expect(recorded.executed.map((e) => e.stepId)).toEqual(['s1', 's2', 's3']);
  });

  test('two parallel steps with budget for one: one runs, the other waits; never overspent', async () => {
    // a and b may run at once and need 2500 tokens each; 4000 tokens cover only one of them.
    const recorded = await withRunningTask(
      {
        plan: diamondPlan,
        stepTokens: (step) => (step.id === 'a' || step.id === 'b' ? 2_500 : 500),
      },
      spec({ budget: budget(4_000) }),
      async (handle) => {
        const waiting = await awaitingBudget(handle);
        const states = Object.fromEntries(waiting.steps.map((s) => [s.id, s.state]));
        expect(states).toEqual({ a: 'completed', b: 'waiting', c: 'waiting', d: 'waiting' });
        expect(waiting.usage.tokens).toBe(2_500);
        await handle.executeUpdate(extendBudgetUpdate, { args: [{ add_tokens: 3_000 }] });
        await expect(handle.result()).resolves.toMatchObject({ status: 'completed' });
        expect((await handle.query(progressQuery)).usage.tokens).toBe(6_000);
      },
      randomUUID(),
      free,
    );
    // Before the extension, what the running steps were granted never exceeded the budget.
    expect(recorded.peakGrantedTokens).toBeLessThanOrEqual(4_000);
    expect(recorded.executed.map((e) => e.stepId)).toEqual(['a', 'b', 'c', 'd']);
    expect(recorded.grants.find((g) => g.stepId === 'b')!.tokens).toBeGreaterThanOrEqual(2_500);
  });

  test('planning is granted what is free, and waits for more when the planner needs it', async () => {
    const recorded = await withRunningTask(
      { planningTokens: 3_000 },
      spec({ budget: budget(2_500) }),
      async (handle) => {
        const waiting = await awaitingBudget(handle);
        expect(waiting.steps).toEqual([]);
        await handle.executeUpdate(extendBudgetUpdate, { args: [{ add_tokens: 10_000 }] });
        await expect(handle.result()).resolves.toMatchObject({ status: 'completed' });
        // Planning's own tokens count against the budget like a step's.
        expect((await handle.query(progressQuery)).usage.tokens).toBe(3_000 + 3 * 10);
      },
      randomUUID(),
      free,
    );
    expect(recorded.planningGrants).toEqual([2_500, 12_500]);
    expect(recorded.statuses.slice(0, 5)).toEqual([
      'screening',
      'planning',
      'awaiting_budget',
      'planning',
      'running',
    ]);
  });

  test('no extension within the approval timeout fails the task, naming what was needed', async () => {
    const recorded = await withRunningTask(
      { stepTokens: () => 2_000 },
      spec({ budget: budget(3_000), approval_timeout_seconds: 2 }),
      async (handle) => {
        await awaitingBudget(handle);
        await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
      },
      randomUUID(),
      free,
    );
    expect(recorded.statuses.slice(-2)).toEqual(['awaiting_budget', 'failed']);
    expect(recorded.errors.at(-1)).toMatch(
      /^No budget extension within 2 s: step s2 needs 2000 tokens and \$0\.0000 free; 1000 tokens/,
    );
  });
});

describe('replanning', () => {
  test('a step that fails for good is replanned; completed steps keep their outputs and never rerun', async () => {
    let s2Calls = 0;
    const { result, recorded } = await run({
      execute: async (step) => {
        if (step.id === 's2' && ++s2Calls === 1) {
          throw ApplicationFailure.nonRetryable('coder arm: model refused', 'ServiceRejected');
        }
        return ok(`output of ${step.id}`);
      },
    });
    expect(result).toMatchObject({ status: 'completed' });
    expect(recorded.executed.map((e) => e.stepId)).toEqual(['s1', 's2', 's2-r1', 's3-r1']);
    // The revised step gets the kept output of s1 as its input.
    expect(recorded.executed[2]!.inputs).toEqual({ s1: 'output of s1' });
    const [asked] = recorded.replans;
    expect(asked).toMatchObject({
      revision: 1,
      failure: { step_id: 's2', reason: 'coder arm: model refused' },
    });
    expect(asked!.completed.map((c) => [c.step.id, c.output])).toEqual([
      ['s1', { $ref: 'step-output', task_id: expect.any(String), step_id: 's1' }],
    ]);
    expect(asked!.unfinished.map((s) => s.id)).toEqual(['s2', 's3']);
    expect(recorded.revisions).toEqual([
      {
        revision: 1,
        reason: 'step s2 failed: coder arm: model refused',
        stepIds: ['s2-r1', 's3-r1'],
      },
    ]);
    expect(recorded.statuses).toEqual([
      'screening',
      'planning',
      'running',
      'planning', // the revision
      'running',
      'completed',
    ]);
    expect(recorded.result?.output).toMatchObject({ final: 'output of s3-r1' });
  });

  test('a final judge verdict that keeps failing ends failed with the unmet criteria', async () => {
    const failing = {
      verdicts: [
        { criterion: 'cites two sources', verdict: 'fail' },
        { criterion: 'is non-empty', verdict: 'pass' },
      ],
      passed: false,
    };
    const { error, recorded } = await run({
      execute: async (step) => ok(step.arm === 'judge' ? failing : `output of ${step.id}`),
    });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('CriteriaNotMet');
    expect(recorded.errors.at(-1)).toBe(
      'Acceptance criteria not met (after 2 revisions of the plan): cites two sources',
    );
    expect(recorded.replans.map((r) => r.failure)).toEqual([
      {
        step_id: 's3',
        reason: 'judge verdict: 1 criteria unmet',
        unmet_criteria: ['cites two sources'],
      },
      {
        step_id: 's3-r1',
        reason: 'judge verdict: 1 criteria unmet',
        unmet_criteria: ['cites two sources'],
      },
    ]);
    // s1 and s2 ran once; only the judging was revised.
    expect(recorded.executed.map((e) => e.stepId)).toEqual(['s1', 's2', 's3', 's3-r1', 's3-r2']);
    expect(recorded.statuses.at(-1)).toBe('failed');
  });

  test('max_replans 0: a failed step fails the task without a revision', async () => {
    const { error, recorded } = await run(
      {
        execute: async (step) => {
          if (step.id === 's2') throw ApplicationFailure.nonRetryable('broken', 'ServiceRejected');
          return ok();
        },
      },
      { taskId: randomUUID(), spec: spec({ max_replans: 0 }) },
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(recorded.replans).toEqual([]);
    expect(recorded.errors.at(-1)).toMatch(/^Step s2 \(coder\) failed: broken/);
  });
});

test('the sample plan helper matches the contract the workflow expects', () => {
  expect(samplePlan().steps.map((s) => s.depends_on)).toEqual([[], ['s1'], ['s1', 's2']]);
});
