import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { PRIORITIES } from '../shared/task';
import { TASK_STATUSES, isTerminalStatus } from '../shared/task-status';
import type { ApiClient } from './api-client';
import { followTask } from './follow-task';
import { EXIT, oneLine, printJson, printTable } from './output';
import { createProgressDisplay } from './progress-display';
import { duration, outcomeLine, renderProgress } from './progress-view';
import type { ResultView, TaskReply, TaskView } from './task-views';
import { CliUsageError, json, positiveNumber, positiveInteger, type Run } from './cli-options';

/** `octollm submit|status|results|cancel|…|tasks`: the task commands. */
export function addTaskCommands(program: Command, run: Run): void {
  program
    .command('submit')
    .description('submit a task; with --wait, follow it live until it ends')
    .argument('<goal>', 'what the task should achieve')
    .option('--criteria <text>', 'an acceptance criterion (repeat for more)', collect, [])
    .option('--constraint <text>', 'a constraint (repeat for more)', collect, [])
    .option('--context-file <file>', 'a JSON object file with context for the task')
    .addOption(new Option('--priority <level>', 'how urgent').choices(PRIORITIES))
    .option('--max-usd <dollars>', 'budget: most dollars to spend', positiveNumber)
    .option('--max-seconds <seconds>', 'budget: most seconds to run', positiveInteger)
    .option('--max-tokens <tokens>', 'budget: most model tokens', positiveInteger)
    .option('--require-approval', 'wait for `octollm approve` before running the plan')
    .option('--idempotency-key <key>', 'a retry with the same key returns the same task')
    .option('--wait', 'follow the task until it ends; exit 0 only if it completed')
    .option(...json)
    .action((goal: string, opts: SubmitOptions) =>
      run(async (client, signal) => {
        const body = {
          goal,
          constraints: opts.constraint,
          acceptance_criteria: opts.criteria,
          ...(opts.contextFile ? { context: await readContext(opts.contextFile) } : {}),
          ...(opts.priority ? { priority: opts.priority } : {}),
          ...(opts.requireApproval ? { require_approval: true } : {}),
          ...budgetOf(opts),
        };
        const reply = await client.call<TaskReply>('POST', '/submit', {
          json: body,
          headers: opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : undefined,
        });
        if (!opts.wait) {
          if (opts.json) printJson(reply);
          else {
            console.log(`Task ${reply.task_id} ${reply.status}`);
            if (reply.status !== 'blocked') {
              console.log(`Follow it: octollm status ${reply.task_id} --follow`);
            }
          }
          return reply.status === 'blocked' ? EXIT.taskNotCompleted : EXIT.ok;
        }
        return follow(client, reply.task_id, opts.json ?? false, signal);
      }),
    );

  program
    .command('status')
    .description("a task's state and steps; with --follow, live until it ends")
    .argument('<id>', 'task id')
    .option('--follow', 'follow the task until it ends; exit 0 only if it completed')
    .option(...json)
    .action((id: string, opts: { follow?: boolean; json?: boolean }) =>
      run(async (client, signal) => {
        if (opts.follow) return follow(client, id, opts.json ?? false, signal);
        const view = await client.call<TaskView>('GET', taskPath(id));
        if (opts.json) printJson(view);
        else printStatus(view);
        return EXIT.ok;
      }),
    );

  program
    .command('results')
    .description("a task's result and every step's output")
    .argument('<id>', 'task id')
    .option(...json)
    .action((id: string, opts: { json?: boolean }) =>
      run(async (client) => {
        const results = await client.call<ResultView>('GET', `${taskPath(id)}/results`);
        if (opts.json) printJson(results);
        else printResults(results);
        return EXIT.ok;
      }),
    );

  const control = (name: 'cancel' | 'pause' | 'resume', description: string) =>
    program
      .command(name)
      .description(description)
      .argument('<id>', 'task id')
      .option(...json)
      .action((id: string, opts: { json?: boolean }) =>
        run(async (client) => {
          const reply = await client.call<TaskReply>('POST', `${taskPath(id)}/${name}`);
          printReply(reply, opts.json);
          return EXIT.ok;
        }),
      );
  control('cancel', 'cancel a running task (its workflow is cancelled in Temporal)');
  control('pause', 'pause a task after the steps now running');
  control('resume', 'resume a paused task');

  const decision = (name: 'approve' | 'reject', description: string) =>
    program
      .command(name)
      .description(description)
      .argument('<id>', 'task id')
      .option('--comment <text>', 'why (kept with the decision)')
      .option(...json)
      .action((id: string, opts: { comment?: string; json?: boolean }) =>
        run(async (client) => {
          const reply = await client.call<TaskReply>('POST', `${taskPath(id)}/${name}`, {
            json: opts.comment ? { comment: opts.comment } : {},
          });
          printReply(reply, opts.json);
          return EXIT.ok;
        }),
      );
  decision('approve', "approve a task's plan (for tasks submitted with --require-approval)");
  decision('reject', "reject a task's plan; the task ends");

  program
    .command('budget')
    .description("a task's budget and spending; with --add-*, give it more")
    .argument('<id>', 'task id')
    .option('--add-usd <dollars>', 'dollars to add', positiveNumber)
    .option('--add-tokens <tokens>', 'tokens to add', positiveInteger)
    .option('--add-seconds <seconds>', 'seconds to add', positiveInteger)
    .option(...json)
    .action((id: string, opts: BudgetOptions) =>
      run(async (client) => {
        const more = {
          ...(opts.addUsd !== undefined ? { add_usd: opts.addUsd } : {}),
          ...(opts.addTokens !== undefined ? { add_tokens: opts.addTokens } : {}),
          ...(opts.addSeconds !== undefined ? { add_seconds: opts.addSeconds } : {}),
        };
        if (Object.keys(more).length > 0) {
          const reply = await client.call<{ budget: unknown }>('POST', `${taskPath(id)}/budget`, {
            json: more,
          });
          if (opts.json) printJson(reply);
          else console.log(`Task ${id}: budget now ${JSON.stringify(reply.budget)}`);
          return EXIT.ok;
        }
        const view = await client.call<TaskView>('GET', taskPath(id));
        if (opts.json) printJson({ task_id: view.task_id, budget: view.budget, usage: view.usage });
        else printBudget(view);
        return EXIT.ok;
      }),
    );

  program
    .command('tasks')
    .description('your tasks, newest first')
    .addOption(new Option('--status <status>', 'only tasks in this state').choices(TASK_STATUSES))
    .addOption(new Option('--priority <level>', 'only tasks of this priority').choices(PRIORITIES))
    .option('--limit <n>', 'how many (at most 100)', positiveInteger, 20)
    .option('--cursor <cursor>', 'the next page, as the previous page printed')
    .option(...json)
    .action((opts: ListOptions) =>
      run(async (client) => {
        const page = await client.call<TaskPage>('GET', '/tasks', {
          searchParams: {
            status: opts.status,
            priority: opts.priority,
            limit: opts.limit,
            cursor: opts.cursor,
          },
        });
        if (opts.json) {
          printJson(page);
          return EXIT.ok;
        }
        if (page.tasks.length === 0) console.log('No tasks.');
        else {
          // The other columns take 88 characters; the goal gets the rest of the terminal.
          const width = Math.max(20, (process.stdout.columns || 160) - 89);
          printTable(
            ['ID', 'STATUS', 'PRIORITY', 'CREATED', 'GOAL'],
            page.tasks.map((t) => [
              t.task_id,
              t.status,
              t.priority,
              t.created_at.slice(0, 19).replace('T', ' '),
              oneLine(t.goal, width),
            ]),
          );
        }
        if (page.next_cursor) console.log(`More: octollm tasks --cursor ${page.next_cursor}`);
        return EXIT.ok;
      }),
    );
}

interface SubmitOptions {
  criteria: string[];
  constraint: string[];
  contextFile?: string;
  priority?: string;
  maxUsd?: number;
  maxSeconds?: number;
  maxTokens?: number;
  requireApproval?: boolean;
  idempotencyKey?: string;
  wait?: boolean;
  json?: boolean;
}

interface BudgetOptions {
  addUsd?: number;
  addTokens?: number;
  addSeconds?: number;
  json?: boolean;
}

interface ListOptions {
  status?: string;
  priority?: string;
  limit: number;
  cursor?: string;
  json?: boolean;
}

interface TaskPage {
  tasks: { task_id: string; status: string; priority: string; goal: string; created_at: string }[];
  next_cursor: string | null;
}

const taskPath = (id: string) => `/tasks/${encodeURIComponent(id)}`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function budgetOf(opts: SubmitOptions) {
  const budget = {
    ...(opts.maxUsd !== undefined ? { max_cost_usd: opts.maxUsd } : {}),
    ...(opts.maxSeconds !== undefined ? { max_time_seconds: opts.maxSeconds } : {}),
    ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
  };
  return Object.keys(budget).length > 0 ? { budget } : {};
}

async function readContext(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliUsageError(`--context-file ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`--context-file ${file}: not JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliUsageError(`--context-file ${file}: must hold a JSON object`);
  }
  return value;
}

/**
 * Follows a task to its end: live progress, or with `--json` only the results at the end.
 * Ctrl-C stops following; the task goes on.
 */
async function follow(
  client: ApiClient,
  id: string,
  asJson: boolean,
  signal: AbortSignal,
): Promise<number> {
  const display = asJson ? undefined : createProgressDisplay(process.stdout);
  let last: TaskView | undefined;
  try {
    last = await followTask(client, id, (view) => display?.update((last = view)), signal);
  } catch (err) {
    display?.stop();
    if (signal.aborted) {
      process.stderr.write(`Stopped following; the task goes on: octollm status ${id}\n`);
      return EXIT.interrupted;
    }
    throw err;
  }
  display?.stop(last);
  if (asJson) printJson(await client.call<ResultView>('GET', `${taskPath(id)}/results`));
  return last.status === 'completed' ? EXIT.ok : EXIT.taskNotCompleted;
}

function printStatus(view: TaskView): void {
  const columns = process.stdout.columns || 100;
  const lines = renderProgress(view, Date.now(), '▸', { color: false, columns });
  console.log(lines.join('\n'));
  console.log(`  goal: ${oneLine(view.goal, columns - 8)}`);
  if (isTerminalStatus(view.status)) console.log(outcomeLine(view, { color: false }));
}

function printResults(results: ResultView): void {
  console.log(`Task ${results.task_id} ${results.status}`);
  const reason = results.blocked_reason ?? results.error;
  if (reason) console.log(`  reason: ${reason}`);
  if (results.result) {
    const { summary, confidence, usage } = results.result;
    if (summary) console.log(`\n${summary}\n`);
    console.log(
      `confidence ${confidence ?? '?'}, ${usage.tokens} tokens, $${usage.cost_usd.toFixed(4)}`,
    );
  }
  for (const step of results.steps) {
    const time = step.started_at
      ? ` (${duration(step.started_at, step.completed_at, Date.now())})`
      : '';
    console.log(`\n## ${step.id} ${step.arm} ${step.status}${time}: ${oneLine(step.action, 80)}`);
    if (step.summary) console.log(step.summary);
    if (step.error) console.log(`error: ${step.error}`);
    if (step.output !== null && step.output !== undefined) {
      console.log(
        typeof step.output === 'string' ? step.output : JSON.stringify(step.output, null, 2),
      );
    }
  }
}

function printBudget(view: TaskView): void {
  const { budget, usage } = view;
  printTable(
    ['', 'TOKENS', 'USD'],
    [
      ['budget', String(budget.max_tokens), budget.max_cost_usd.toFixed(4)],
      ['spent', String(usage.spent.tokens), usage.spent.cost_usd.toFixed(4)],
      ['reserved', String(usage.reserved.tokens), usage.reserved.cost_usd.toFixed(4)],
      ['remaining', String(usage.remaining.tokens), usage.remaining.cost_usd.toFixed(4)],
    ],
  );
  console.log(`time budget: ${budget.max_time_seconds} s; task ${view.status}`);
}

/** A control's answer: the task and its new status, or the JSON. */
function printReply(reply: TaskReply, asJson?: boolean): void {
  if (asJson) printJson(reply);
  else console.log(`Task ${reply.task_id} ${reply.status}`);
}
