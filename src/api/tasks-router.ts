import { trace } from '@opentelemetry/api';
import { createHash, randomUUID } from 'node:crypto';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { Router, type Response } from 'express';
import stableStringify from 'safe-stable-stringify';
import { v5 as uuidv5 } from 'uuid';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { TaskChange, TaskChanges } from '../db/task-changes';
import type { PrismaClient } from '../generated/prisma/client';
import { AppError } from '../http/app-error';
import { parseOrThrow } from '../http/validate';
import { submitTaskSchema } from '../shared/task';
import { isTerminalStatus, type TaskStatus } from '../shared/task-status';
import {
  approvePlanUpdate,
  extendBudgetUpdate,
  MAX_BUDGET_EXTENSION,
  workflowIdFor,
} from '../workflows/definitions';
import { tenantOf } from './auth';
import type { InputScreening } from './input-screening';
import { blockedTaskRowFor, taskRowFor } from './task-row';
import { streamTaskEvents, UNANNOUNCED_RECHECK_MS } from './task-events';
import { ServerTiming } from './server-timing';
import { listTasks, taskListQuerySchema } from './task-list';
import { taskLinks, toResultView, toTaskView } from './task-view';
import type { WorkflowStarter } from './workflow-starter';

/** What the task routes need. */
export interface TasksRouterDeps {
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
  registry: Registry;
  /** Starts accepted tasks' workflows. */
  starter: WorkflowStarter;
  /** Screens a submission with the Reflex Layer before anything of it is stored. */
  screenInput: InputScreening;
  /**
   * Change announcements for `GET /tasks/:id?wait=`; without them a waiting request re-reads
   * the task every second.
   */
  taskChanges?: TaskChanges;
}

/** How long a request waits for Temporal before answering 503. */
const TEMPORAL_CALL_DEADLINE_MS = 5_000;

/** Headers of `POST /submit`. */
export const submitHeadersSchema = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters (no spaces)')
    .optional()
    .meta({
      description:
        'Makes retries safe: the same key with the same body returns the same task (200); ' +
        'with another body it is a 409 IDEMPOTENCY_CONFLICT.',
    }),
});

/** Task ids derived from Idempotency-Keys are UUIDv5 names in this namespace. */
const IDEMPOTENCY_NAMESPACE = 'a7d1f0c2-5b3e-4f6a-9c8d-2e1b0f4a6c37';

/**
 * The task id a tenant's key stands for: the same key always gives the same task, and two
 * tenants using the same key get two tasks.
 */
export function taskIdForIdempotencyKey(tenantId: string, key: string): string {
  return uuidv5(`${tenantId}/${key}`, IDEMPOTENCY_NAMESPACE);
}

/** A hash of a validated submission that ignores the order of object keys. */
function hashSubmission(spec: unknown): string {
  return createHash('sha256')
    .update(stableStringify(spec) ?? '')
    .digest('hex');
}

/** Body of `POST /tasks/:id/approve` and `/reject` (it may be empty). */
export const decisionBodySchema = z
  .object({
    comment: z
      .string()
      .min(1, 'must not be empty')
      .max(2_000, 'must be at most 2000 characters')
      .optional(),
  })
  .strict();

const addition = (max: number, whole: boolean) =>
  (whole ? z.number().int('must be a whole number') : z.number())
    .min(0, 'must be 0 or more')
    .max(max, `must be at most ${max}`)
    .optional();

/** Body of `POST /tasks/:id/budget`: what to add to the task's budget (at least one, above 0). */
export const budgetExtensionSchema = z
  .object({
    add_usd: addition(MAX_BUDGET_EXTENSION.add_usd, false),
    add_tokens: addition(MAX_BUDGET_EXTENSION.add_tokens, true),
    add_seconds: addition(MAX_BUDGET_EXTENSION.add_seconds, true),
  })
  .strict()
  .refine((b) => (b.add_usd ?? 0) > 0 || (b.add_tokens ?? 0) > 0 || (b.add_seconds ?? 0) > 0, {
    message: 'add at least one of add_usd, add_tokens, add_seconds (above 0)',
  });

/** Path parameters of the task routes. */
export const taskIdParams = z.object({ id: z.uuid('must be a task id (UUID)') });

/** The longest `GET /tasks/:id?wait=` a client may ask for, in seconds. */
export const MAX_WAIT_SECONDS = 60;

const waitSeconds = (description: string) =>
  z.coerce
    .number('must be a number of seconds')
    .min(0, 'must be at least 0 seconds')
    .max(MAX_WAIT_SECONDS, `must be at most ${MAX_WAIT_SECONDS} seconds`)
    .optional()
    .meta({ description });

/** Query of `GET /tasks/:id`. */
export const taskQuerySchema = z
  .object({
    wait: waitSeconds(
      'Seconds to wait for the task to change when If-None-Match names its current ETag: ' +
        'the answer comes as soon as it changes (200 with the new view), or 304 when the wait ' +
        'ends first. Without If-None-Match the answer is immediate.',
    ),
  })
  .strict();

/** Query of `GET /tasks/:id/results`. */
export const resultsQuerySchema = z
  .object({
    wait: waitSeconds(
      'Seconds to wait for the task to end: the answer comes as soon as it has ended, or with ' +
        'the current (unfinished) status when the wait is over.',
    ),
  })
  .strict();

/**
 * `POST /submit`, `GET /tasks/:id`, `GET /tasks/:id/results`, and the controls
 * `POST /tasks/:id/cancel|pause|resume|approve|reject`.
 */
export function createTasksRouter(deps: TasksRouterDeps): Router {
  const { prisma, temporal, logger, registry, starter, taskChanges, screenInput } = deps;
  const router = Router();
  const submitted = new Counter({
    name: 'octollm_tasks_submitted_total',
    help: 'Tasks accepted by POST /submit, by tenant and priority',
    labelNames: ['tenant', 'priority'] as const,
    registers: [registry],
  });
  const waiting = new Gauge({
    name: 'octollm_task_watchers',
    help: 'GET /tasks/:id?wait= requests waiting for their task to change',
    registers: [registry],
  });

  // Submit writes the row and answers: the workflow is started from the row right after, and
  // the starter's sweep starts it later if that fails (Temporal down) or this process dies
  // first. So a task is accepted while Temporal is away, and nothing accepted is lost.
  // With an Idempotency-Key the task id is derived from the key: a retry finds the same row
  // (200, the same task), two racing requests insert one row and start one workflow.
  router.post('/submit', async (req, res) => {
    const spec = parseOrThrow(submitTaskSchema, req.body ?? {});
    const key = parseOrThrow(
      submitHeadersSchema,
      { 'Idempotency-Key': req.get('idempotency-key') },
      'headers',
    )['Idempotency-Key'];
    const tenant = tenantOf(res);
    const id = key === undefined ? randomUUID() : taskIdForIdempotencyKey(tenant.id, key);
    // The task's trace starts here: its workflow, activities and service calls join it.
    trace.getActiveSpan()?.setAttribute('octollm.task_id', id);
    const idempotency = key === undefined ? undefined : { key, requestHash: hashSubmission(spec) };
    const timing = new ServerTiming();
    // Screened before anything is written: the row holds only what screening let through
    // (redacted PII), and a blocked task no input text at all; it never gets a workflow.
    const screened = await timing.time('screen', () => screenInput(id, spec));
    const row = screened.spec
      ? taskRowFor(id, tenant.id, screened.spec, idempotency)
      : blockedTaskRowFor(id, tenant.id, spec, screened.reason, idempotency);
    const { count } = await timing.time('db', () =>
      prisma.task.createMany({ data: [row], skipDuplicates: true }),
    );
    res.set('Server-Timing', timing.header());
    if (count === 0) {
      // Only a derived id can already exist: this key was used before.
      const existing = await prisma.task.findUniqueOrThrow({
        where: { id },
        select: { status: true, requestHash: true, workflowStarted: true },
      });
      if (existing.requestHash !== idempotency?.requestHash) {
        throw new AppError(
          'IDEMPOTENCY_CONFLICT',
          `This Idempotency-Key was already used for a different request (task ${id}); ` +
            'send a new key for a new task',
        );
      }
      if (!existing.workflowStarted) starter.kick(id);
      res
        .status(200)
        .set('Idempotent-Replayed', 'true')
        .location(`/tasks/${id}`)
        .json({
          task_id: id,
          status: existing.status,
          workflow_id: workflowIdFor(id),
          links: taskLinks(id),
        });
      return;
    }
    submitted.inc({ tenant: tenant.name, priority: spec.priority });
    if (screened.spec) starter.kick(id);
    res
      .status(202)
      .location(`/tasks/${id}`)
      .json({
        task_id: id,
        status: row.status as TaskStatus,
        workflow_id: workflowIdFor(id),
        links: taskLinks(id),
      });
  });

  const taskId = (rawParams: unknown) => parseOrThrow(taskIdParams, rawParams, 'path').id;
  const found = <T>(id: string, task: T | null): T => {
    if (!task) throw new AppError('NOT_FOUND', `No task with id ${id}`);
    return task;
  };
  // Every read and control is scoped to the caller's tenant: another tenant's task is a 404.
  const findTask = async (id: string, tenantId: string) => {
    const task = await prisma.task.findUnique({
      where: { id, tenantId },
      include: { steps: { orderBy: { position: 'asc' } }, result: true },
    });
    return found(id, task);
  };

  // Clients poll or watch this one: one query (relationJoins), without the outputs it omits.
  const readTaskView = async (id: string, tenantId: string) => {
    const task = await prisma.task.findUnique({
      where: { id, tenantId },
      include: {
        steps: { orderBy: { position: 'asc' }, omit: { output: true } },
        revisions: { orderBy: { revision: 'asc' } },
      },
    });
    const body = JSON.stringify(toTaskView(found(id, task)));
    return { body, etag: etagOf(body) };
  };

  /**
   * Holds a request for up to `waitSeconds` (> 0) until `settled()` (re-checked whenever the task
   * changes in a way `matches` accepts) is true. Returns false if the client went away.
   */
  const hold = async (
    id: string,
    res: Response,
    waitSeconds: number,
    settled: () => Promise<boolean>,
    matches?: (change: TaskChange) => boolean,
  ): Promise<boolean> => {
    const deadline = Date.now() + waitSeconds * 1000;
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    // Subscribe before reading, so a change committed in between still wakes the wait.
    let change = taskChanges?.subscribe(id, matches);
    try {
      if (await settled()) return true;
      waiting.inc();
      try {
        while (Date.now() < deadline && !gone.signal.aborted) {
          const remaining = deadline - Date.now();
          await (change
            ? change.wait(remaining, gone.signal)
            : sleep(Math.min(remaining, UNANNOUNCED_RECHECK_MS)));
          change = taskChanges?.subscribe(id, matches);
          if (await settled()) break;
        }
      } finally {
        waiting.dec();
      }
    } finally {
      change?.cancel();
    }
    return !gone.signal.aborted;
  };

  router.get('/tasks', async (req, res) => {
    const query = parseOrThrow(taskListQuerySchema, req.query, 'query');
    res.json(await listTasks(prisma, tenantOf(res).id, query));
  });

  router.get('/tasks/:id/events', async (req, res) => {
    await streamTaskEvents(prisma, taskChanges, taskId(req.params), tenantOf(res).id, req, res);
  });

  // With If-None-Match naming the current view and `wait`, the request is held until the task
  // changes (the projection's triggers announce it) or the wait ends (304). Express answers
  // 304 itself when If-None-Match matches the ETag we set.
  router.get('/tasks/:id', async (req, res) => {
    const id = taskId(req.params);
    const tenantId = tenantOf(res).id;
    const { wait = 0 } = parseOrThrow(taskQuerySchema, req.query, 'query');
    const known = parseIfNoneMatch(req.get('if-none-match'));
    let view = { body: '', etag: '' };
    const changed = async () => {
      view = await readTaskView(id, tenantId);
      return !known.has(view.etag);
    };
    if (known.size > 0 && wait > 0) {
      if (!(await hold(id, res, wait, changed))) return;
    } else {
      const timing = new ServerTiming();
      view = await timing.time('db', () => readTaskView(id, tenantId));
      res.set('Server-Timing', timing.header());
    }
    res.set('ETag', view.etag).type('application/json').send(view.body);
  });

  // With `wait`, held until the task has ended (only a status change wakes it) or the wait ends.
  router.get('/tasks/:id/results', async (req, res) => {
    const id = taskId(req.params);
    const tenantId = tenantOf(res).id;
    const { wait = 0 } = parseOrThrow(resultsQuerySchema, req.query, 'query');
    const ended = async () => {
      const task = await prisma.task.findUnique({
        where: { id, tenantId },
        select: { status: true },
      });
      return isTerminalStatus(found(id, task).status as TaskStatus);
    };
    const hasEnded = (change: TaskChange) =>
      change.status !== undefined && isTerminalStatus(change.status as TaskStatus);
    if (wait > 0 && !(await hold(id, res, wait, ended, hasEnded))) return;
    res.json(toResultView(await findTask(id, tenantId)));
  });

  /** A task to act on through its workflow: its status and workflow only, not its steps. */
  const findControllable = async (id: string, tenantId: string) =>
    found(
      id,
      await prisma.task.findUnique({
        where: { id, tenantId },
        select: { id: true, status: true, workflowId: true, workflowStarted: true },
      }),
    );

  /**
   * Calls the task's workflow within the deadline, starting it first if the task was accepted
   * a moment ago (so the call is Temporal's and the projection follows as for any other task).
   * A refused update or a workflow that is gone is a 409; Temporal unreachable a 503 saying
   * what was not done.
   */
  const callWorkflow = async <T>(
    task: Awaited<ReturnType<typeof findControllable>>,
    notDone: string,
    call: (handle: WorkflowHandle) => Promise<T>,
  ): Promise<T> => {
    try {
      if (!task.workflowStarted) await starter.ensureStarted(task.id);
      return await temporal.connection.withDeadline(Date.now() + TEMPORAL_CALL_DEADLINE_MS, () =>
        call(temporal.workflow.getHandle(task.workflowId)),
      );
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        throw new AppError('CONFLICT', `Task ${task.id}: ${err.cause?.message ?? err.message}`);
      }
      if (err instanceof WorkflowNotFoundError) {
        throw new AppError('CONFLICT', `Task ${task.id} is no longer running`);
      }
      logger.error({ err, taskId: task.id }, `Temporal call failed: ${notDone}`);
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        `Temporal is unavailable; ${notDone}. Retry later.`,
      );
    }
  };

  // Cancel, pause and resume: Temporal's cancellation and the workflow's signals, as from
  // `temporal workflow cancel` / `temporal workflow signal --name pause`.
  const runningTaskControl = (
    control: 'cancel' | 'pause' | 'resume',
    replyStatus: string,
    notDone: string,
    call: (handle: WorkflowHandle) => Promise<unknown>,
  ) =>
    router.post(`/tasks/:id/${control}`, async (req, res) => {
      const task = await findControllable(taskId(req.params), tenantOf(res).id);
      if (isTerminalStatus(task.status as TaskStatus)) {
        throw new AppError(
          'CONFLICT',
          `Task ${task.id} has already ended (${task.status}); nothing to ${control}`,
        );
      }
      await callWorkflow(task, notDone, call);
      res.status(202).json({ task_id: task.id, status: replyStatus, links: taskLinks(task.id) });
    });
  runningTaskControl('cancel', 'cancelling', 'the task was not cancelled', (h) => h.cancel());
  runningTaskControl('pause', 'pausing', 'the task was not paused', (h) => h.signal('pause'));
  runningTaskControl('resume', 'resuming', 'the task was not resumed', (h) => h.signal('resume'));

  // Approve or reject a plan: the workflow's `approvePlan` update, as from
  // `temporal workflow update execute --name approvePlan`. The answer comes once it is decided.
  const decisionRoute = (path: 'approve' | 'reject', approved: boolean) =>
    router.post(`/tasks/:id/${path}`, async (req, res) => {
      const id = taskId(req.params);
      const { comment } = parseOrThrow(decisionBodySchema, req.body ?? {});
      const task = await findControllable(id, tenantOf(res).id);
      if (task.status !== 'awaiting_approval') {
        throw new AppError(
          'CONFLICT',
          `Task ${task.id} is not awaiting approval (it is ${task.status}); nothing to ${path}`,
        );
      }
      const decided = await callWorkflow(task, `the plan was not ${path}d`, (h) =>
        h.executeUpdate(approvePlanUpdate, { args: [{ approved, comment }] }),
      );
      res.json({ task_id: task.id, status: decided.status, links: taskLinks(task.id) });
    });
  decisionRoute('approve', true);
  decisionRoute('reject', false);

  // Delete: a task still running is cancelled first (and its run left to record the end), then
  // its row, steps, outputs, revisions and result are purged from the projection. If Temporal
  // cannot be reached, nothing is deleted (503). The run's history stays in Temporal until its
  // namespace's retention ends.
  router.delete('/tasks/:id', async (req, res) => {
    const task = await findControllable(taskId(req.params), tenantOf(res).id);
    if (!isTerminalStatus(task.status as TaskStatus)) {
      await callWorkflow(task, 'the task was not deleted', async (handle) => {
        try {
          await handle.cancel();
        } catch (err) {
          // Already closed (terminated, or its end not projected yet): nothing to cancel.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          return;
        }
        await handle.result().catch(() => undefined);
      });
    }
    await prisma.task.deleteMany({ where: { id: task.id } });
    res.status(204).end();
  });

  // More budget: the workflow's `extendBudget` update, as from
  // `temporal workflow update execute --name extendBudget`. A task in `awaiting_budget` goes on.
  router.post('/tasks/:id/budget', async (req, res) => {
    const id = taskId(req.params);
    const more = parseOrThrow(budgetExtensionSchema, req.body ?? {});
    const task = await findControllable(id, tenantOf(res).id);
    if (isTerminalStatus(task.status as TaskStatus)) {
      throw new AppError(
        'CONFLICT',
        `Task ${task.id} has already ended (${task.status}); its budget cannot change`,
      );
    }
    const extended = await callWorkflow(task, 'the budget was not extended', (h) =>
      h.executeUpdate(extendBudgetUpdate, { args: [more] }),
    );
    res.json({ task_id: task.id, budget: extended.budget, links: taskLinks(task.id) });
  });

  return router;
}

/** A strong ETag for a JSON body. */
function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** The entity tags an If-None-Match header lists (weak ones compared as strong, as GET may). */
function parseIfNoneMatch(header: string | undefined): Set<string> {
  if (!header) return new Set();
  return new Set(header.split(',').map((tag) => tag.trim().replace(/^W\//, '')));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
