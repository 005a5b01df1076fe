import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { jsonClient, README_TASK } from '../bench/pipeline/load';
import {
  buildForBench,
  startStack,
  stopChild,
  type Stack,
  type StackControl,
} from '../bench/pipeline/stack';
import { findDevServers } from '../src/runtime/dev-server-orphan';
import { SERVICE_ARMS } from '../src/shared/arm';
import { isTerminalStatus } from '../src/shared/task-status';
import { startFaultProxy, type FaultMode, type FaultProxy } from './fault-proxy';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../test/support/fake-openai-server';
import { PROSE_PLAN } from '../test/support/fake-llm-replies';
import { freezeTree, postmasterPid } from './process-faults';

/** The README's task, with time enough to outlast a fault and its retries. */
export const CHAOS_TASK = {
  ...README_TASK,
  budget: { ...README_TASK.budget, max_time_seconds: 300 },
};

/** One scenario's outcome: the line `npm run chaos` prints. */
export interface ScenarioResult {
  name: string;
  submitted: number;
  completed: number;
  /** Tasks that ended otherwise, with their reasons. */
  failed: { id: string; status: string; reason: string | null }[];
  /** Accepted tasks that had not ended when the scenario gave up waiting. */
  lost: number;
  /** Steps whose activity completed more than once in the run's history. */
  duplicatedSteps: number;
  /** Steps whose arm was called more often than the projection shows attempts. */
  hiddenReruns: number;
  /** Steps that took more than one attempt (the fault reached them; each attempt is shown). */
  retriedSteps: number;
  /** Tasks whose plan breaks the planner's contract (a plan that should never have run). */
  invalidPlans: number;
  /** API replies 500 or above, other than 503 UPSTREAM_UNAVAILABLE. */
  serverErrors: number;
  /** 503 replies (the documented answer while a dependency is down). */
  unavailable: number;
  /** API replies that took longer than the API's deadlines allow. */
  slow: number;
  seconds: number;
}

/**
 * Whether a scenario's outcome breaks a guarantee. Where tasks may fail (`failedAllowed`: the
 * fault can outlast their retries), each must still name the arm or model at fault.
 */
export function isFailure(r: ScenarioResult, { failedAllowed = false } = {}): boolean {
  return (
    r.lost > 0 ||
    r.duplicatedSteps > 0 ||
    r.hiddenReruns > 0 ||
    r.invalidPlans > 0 ||
    r.serverErrors > 0 ||
    r.slow > 0 ||
    (failedAllowed ? !namesTheCause(r) : r.failed.length > 0)
  );
}

export function formatResult(r: ScenarioResult): string {
  const failed = r.failed.length
    ? ` (e.g. ${r.failed[0]!.status}: ${r.failed[0]!.reason ?? 'no reason'})`
    : '';
  return (
    `${r.name.padEnd(18)} submitted ${r.submitted}, completed ${r.completed}, ` +
    `failed ${r.failed.length}${failed}, lost ${r.lost}, duplicated steps ${r.duplicatedSteps}, ` +
    `retried steps ${r.retriedSteps}, hidden re-runs ${r.hiddenReruns}, ` +
    `invalid plans ${r.invalidPlans}, 5xx ${r.serverErrors} (503 ${r.unavailable}), ` +
    `slow replies ${r.slow}; ${r.seconds.toFixed(1)} s`
  );
}

/** A reply slower than this broke the API's deadlines (5 s for a connection, 5 s per query). */
const SLOW_REPLY_MS = 12_000;

/** How the stack's model server answers chat completions. */
export type ModelMode = 'ok' | 'rate-limited' | 'garbage' | 'truncated' | 'timeout';

/** The stack under test, with a fault proxy in front of every arm and a model that can fail. */
export interface ChaosStack {
  stack: Stack;
  control: StackControl;
  proxies: Record<string, FaultProxy>;
  model: { server: FakeOpenAiServer; mode: ModelMode };
  stop(): Promise<void>;
}

/** The client's timeout for one model call in the chaos stack (the default is 60 s). */
const CHAOS_LLM_TIMEOUT_MS = 3_000;

/**
 * An OpenAI-compatible model server: a valid three-step plan for the planner and a sentence for
 * every arm call, until its mode says otherwise (429, prose where JSON is due, JSON cut short,
 * no answer at all).
 */
async function startModelServer(): Promise<ChaosStack['model']> {
  const model: { server?: FakeOpenAiServer; mode: ModelMode } = { mode: 'ok' };
  const usage = { prompt_tokens: 50, completion_tokens: 30 };
  model.server = await startFakeOpenAiServer({
    fallback: (body) => {
      const planning = body?.response_format !== undefined;
      switch (model.mode) {
        case 'rate-limited':
          return { status: 429, message: 'Rate limit reached (injected)' };
        case 'garbage':
          return { content: 'Sure! Here is what I think about that.', usage };
        case 'truncated':
          return {
            content: JSON.stringify(PROSE_PLAN).slice(0, 60),
            finishReason: 'length',
            usage,
          };
        case 'timeout':
          return { hang: true };
        case 'ok':
          return planning
            ? { plan: PROSE_PLAN, usage }
            : { content: 'Durable execution keeps a workflow going through crashes.', usage };
      }
    },
  });
  return model as ChaosStack['model'];
}

/** Compiles the code and starts it as deployed, the worker reaching the arms through proxies. */
export async function startChaosStack(say: (msg: string) => void): Promise<ChaosStack> {
  buildForBench(say);
  const proxies = Object.fromEntries(
    await Promise.all(SERVICE_ARMS.map(async (arm) => [arm, await startFaultProxy()] as const)),
  );
  const armUrls = SERVICE_ARMS.map((arm) => `${arm}=${proxies[arm]!.url}`).join(',');
  const model = await startModelServer();
  const stack = await startStack(say, {
    workerEnv: { ARM_URLS: armUrls },
    env: {
      OPENAI_API_KEY: 'chaos',
      OPENAI_BASE_URL: model.server.baseUrl,
      LLM_TIMEOUT_MS: String(CHAOS_LLM_TIMEOUT_MS),
    },
  });
  const control = stack.control!;
  SERVICE_ARMS.forEach((arm, i) => {
    proxies[arm]!.target = `http://127.0.0.1:${control.armsBasePort + i}`;
  });
  return {
    stack,
    control,
    proxies,
    model,
    stop: async () => {
      await stack.stop();
      await Promise.all(Object.values(proxies).map((p) => p.close()));
      await model.server.close();
    },
  };
}

/** What a scenario does to the stack while its tasks run. */
type Fault = (chaos: ChaosStack, load: Load) => Promise<void>;

/** A scenario: how many tasks, what breaks, and whether a task may fail (naming why). */
export interface Scenario {
  name: string;
  tasks: number;
  fault: Fault;
  failedAllowed?: boolean;
}

/** Requests made while a scenario runs: its submits, and probes of the API during a fault. */
class Load {
  readonly ids: string[] = [];
  serverErrors = 0;
  unavailable = 0;
  slow = 0;
  private readonly client;

  constructor(stack: Stack) {
    this.client = jsonClient(stack.apiUrl, 64, stack.apiKey);
  }

  private note(status: number, ms: number): void {
    if (status === 503) this.unavailable++;
    else if (status >= 500) this.serverErrors++;
    if (ms > SLOW_REPLY_MS) this.slow++;
  }

  /** Submits `n` tasks at once; keeps the ids of those accepted. */
  async submit(n: number): Promise<void> {
    await Promise.all(
      Array.from({ length: n }, async () => {
        const reply = await this.client.post('/submit', CHAOS_TASK);
        this.note(reply.status, reply.ms);
        if (reply.status === 202) this.ids.push(reply.body.task_id as string);
      }),
    );
  }

  /**
   * Until `over()`, reads a task and submits one every 250 ms, as clients would: each
   * reply counts (a 5xx other than 503 is a failure, so is a reply past the deadlines).
   */
  async probe(over: () => boolean): Promise<void> {
    while (!over()) {
      const id = this.ids[Math.floor(Math.random() * this.ids.length)];
      const replies = await Promise.all([
        id ? this.client.get(`/tasks/${id}`) : undefined,
        this.client.post('/submit', CHAOS_TASK),
      ]);
      for (const r of replies) if (r) this.note(r.status, r.ms);
      const submitted = replies[1]!;
      if (submitted.status === 202) this.ids.push(submitted.body.task_id as string);
      await sleep(250);
    }
  }

  close(): void {
    this.client.close();
  }
}

/** Waits until every task has ended in the projection, or the time is up. */
async function waitForEnd(control: StackControl, ids: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await control.prisma.task.findMany({
      where: { id: { in: ids } },
      select: { id: true, status: true, error: true },
    });
    const ended = rows.filter((r) => isTerminalStatus(r.status as never));
    if (ended.length === ids.length || Date.now() > deadline) return { rows, ended };
    await sleep(1_000);
  }
}

/** Steps whose runStep activity completed more than once in their run's history. */
async function duplicatedSteps(stack: Stack, control: StackControl, ids: string[]) {
  const tasks = await control.prisma.task.findMany({
    where: { id: { in: ids } },
    select: { workflowId: true, _count: { select: { steps: true } } },
  });
  let duplicated = 0;
  for (const task of tasks) {
    const history = await stack.client.workflow.getHandle(task.workflowId).fetchHistory();
    const scheduled = new Map<string, string>();
    let completed = 0;
    for (const event of history.events ?? []) {
      const s = event.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(event.eventId), s.activityType?.name ?? '');
      const c = event.activityTaskCompletedEventAttributes;
      if (c && scheduled.get(String(c.scheduledEventId)) === 'runStep') completed++;
    }
    duplicated += Math.max(0, completed - task._count.steps);
  }
  return duplicated;
}

/**
 * Steps whose arm was called more often than the projection counts attempts (a re-run nobody
 * can see), and steps that took more than one attempt.
 */
async function attemptsSeen(
  control: StackControl,
  proxies: Record<string, FaultProxy>,
  ids: string[],
) {
  const steps = await control.prisma.planStep.findMany({
    where: { taskId: { in: ids } },
    select: { taskId: true, stepId: true, attempts: true },
  });
  let hidden = 0;
  for (const step of steps) {
    const key = `${step.taskId}/${step.stepId}`;
    const calls = Object.values(proxies).reduce((n, p) => n + (p.calls.get(key) ?? 0), 0);
    if (calls > step.attempts) hidden++;
  }
  return { hidden, retried: steps.filter((s) => s.attempts > 1).length };
}

/** Runs one scenario on the stack and reports what it left. */
export async function runScenario(
  chaos: ChaosStack,
  scenario: Scenario,
  say: (msg: string) => void,
): Promise<ScenarioResult> {
  const started = performance.now();
  const load = new Load(chaos.stack);
  try {
    say(`${scenario.name}: ${scenario.tasks} tasks`);
    await load.submit(scenario.tasks);
    await scenario.fault(chaos, load);
    const { rows, ended } = await waitForEnd(chaos.control, load.ids, 300_000);
    const completed = rows.filter((r) => r.status === 'completed').length;
    const attempts = await attemptsSeen(chaos.control, chaos.proxies, load.ids);
    return {
      name: scenario.name,
      submitted: load.ids.length,
      completed,
      failed: ended
        .filter((r) => r.status !== 'completed')
        .map((r) => ({ id: r.id, status: r.status, reason: r.error })),
      lost: load.ids.length - ended.length,
      duplicatedSteps: await duplicatedSteps(chaos.stack, chaos.control, load.ids),
      hiddenReruns: attempts.hidden,
      retriedSteps: attempts.retried,
      invalidPlans: await invalidPlans(chaos.control, load.ids),
      serverErrors: load.serverErrors,
      unavailable: load.unavailable,
      slow: load.slow,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    load.close();
  }
}

/** Waits until the arms have been called `n` more times (steps are running), at most 60 s. */
async function stepsRunning(chaos: ChaosStack, n: number): Promise<void> {
  const total = () =>
    Object.values(chaos.proxies).reduce(
      (sum, p) => sum + [...p.calls.values()].reduce((a, b) => a + b, 0),
      0,
    );
  const target = total() + n;
  const deadline = Date.now() + 60_000;
  while (total() < target && Date.now() < deadline) await sleep(20);
}

/** Runs `action` (a fault and its mending) while the API is probed. */
async function whileProbing(load: Load, action: () => Promise<void>): Promise<void> {
  let over = false;
  const probing = load.probe(() => over);
  try {
    await action();
  } finally {
    over = true;
    await probing;
  }
}

/** Freezes a process tree for `ms` while the API is probed. */
const freezeWhileProbing = (load: Load, pid: number, ms: number) =>
  whileProbing(load, async () => {
    const thaw = freezeTree(pid);
    try {
      await sleep(ms);
    } finally {
      thaw();
    }
  });

const setArms = (chaos: ChaosStack, mode: FaultMode) => {
  for (const arm of ['retriever', 'coder'] as const) {
    const proxy = chaos.proxies[arm]!;
    proxy.mode = mode;
    if (mode === 'pass') proxy.dropHanging();
  }
};

/** Every scenario of `npm run chaos`, in order. */
export function scenarios({ tasks = 100, faultSeconds = 20 } = {}): Scenario[] {
  const some = Math.max(10, Math.round(tasks / 5));
  return [
    {
      name: 'worker-sigkill',
      tasks,
      fault: async (chaos) => {
        await stepsRunning(chaos, Math.min(tasks, 20));
        chaos.control.child('worker').kill('SIGKILL');
        chaos.control.start('worker');
      },
    },
    {
      name: 'worker-sigterm',
      tasks: some,
      fault: async (chaos) => {
        await stepsRunning(chaos, 5);
        await stopChild(chaos.control.child('worker'));
        chaos.control.start('worker');
      },
    },
    {
      name: 'postgres-freeze',
      tasks: some,
      fault: async (chaos, load) => {
        await stepsRunning(chaos, 5);
        await freezeWhileProbing(load, postmasterPid(chaos.control.pgDataDir), faultSeconds * 1000);
      },
    },
    {
      name: 'postgres-restart',
      tasks: some,
      fault: async (chaos, load) => {
        await stepsRunning(chaos, 5);
        await whileProbing(load, async () => {
          await chaos.control.restartPostgres();
          await sleep(2_000);
        });
      },
    },
    {
      name: 'temporal-freeze',
      tasks: some,
      fault: async (chaos, load) => {
        await stepsRunning(chaos, 5);
        const [server] = await findDevServers(chaos.control.temporalDbFile);
        if (!server) throw new Error('no dev server process found for the stack');
        await freezeWhileProbing(load, server.pid, faultSeconds * 1000);
      },
    },
    ...(['error500', 'malformed', 'hang'] as const).map((mode): Scenario => ({
      name: `arms-${mode}`,
      tasks: some,
      // A task may fail if the fault outlasts its step's retries, but only naming the arm.
      failedAllowed: true,
      fault: async (chaos) => {
        setArms(chaos, mode);
        await sleep(faultSeconds * 1000);
        setArms(chaos, 'pass');
      },
    })),
    ...(['rate-limited', 'garbage', 'truncated', 'timeout'] as const).map((mode): Scenario => ({
      name: `model-${mode}`,
      tasks: some,
      // A task may fail if the fault outlasts its retries, but only naming the model.
      failedAllowed: true,
      fault: async (chaos) => {
        chaos.model.mode = mode;
        await sleep(faultSeconds * 1000);
        chaos.model.mode = 'ok';
        chaos.model.server.reset(); // forget what it recorded
      },
    })),
  ];
}

/** A failed task of an arm or model scenario must name what failed it. */
export function namesTheCause(r: ScenarioResult): boolean {
  const cause = r.name.startsWith('model-') ? /LLM|model|plan/i : /retriever|coder/;
  return r.failed.every((f) => cause.test(f.reason ?? ''));
}

/**
 * Plans that break the planner's contract (fewer than three steps or more than seven, a
 * dependency on a step that is not before it, an unknown arm) among the tasks: none may run.
 */
export async function invalidPlans(control: StackControl, ids: string[]): Promise<number> {
  const steps = await control.prisma.planStep.findMany({
    where: { taskId: { in: ids }, revision: 0 },
    orderBy: { position: 'asc' },
    select: { taskId: true, stepId: true, arm: true, dependsOn: true },
  });
  const byTask = new Map<string, typeof steps>();
  for (const s of steps) byTask.set(s.taskId, [...(byTask.get(s.taskId) ?? []), s]);
  let invalid = 0;
  for (const plan of byTask.values()) {
    const seen = new Set<string>();
    const ok =
      plan.length >= 3 &&
      plan.length <= 7 &&
      plan.every((s) => {
        const valid =
          (SERVICE_ARMS as readonly string[]).includes(s.arm) &&
          (s.dependsOn as string[]).every((d) => seen.has(d));
        seen.add(s.stepId);
        return valid;
      });
    if (!ok) invalid++;
  }
  return invalid;
}
