import { z } from 'zod';
import { PRIORITIES } from '../shared/task';
import { STEP_STATES, TASK_STATUSES } from '../shared/task-status';
import { TASK_LINKS } from './task-view';

// The shapes of the API's task answers, for /openapi.json and for the tests that check every
// answer against its documented shape (strict: an undocumented field fails them).

const amount = z.object({ tokens: z.number().int(), cost_usd: z.number() }).strict();
const timestamp = z.iso.datetime();

/** Where a client goes from a task. */
export const linksSchema = z
  .strictObject(
    Object.fromEntries(TASK_LINKS.map((name) => [name, z.string()])) as Record<
      (typeof TASK_LINKS)[number],
      z.ZodString
    >,
  )
  .meta({ id: 'TaskLinks' });

/** A task's limits (`budget`), extensions included. */
export const budgetLimitsSchema = z
  .object({
    max_cost_usd: z.number(),
    max_time_seconds: z.number().int(),
    max_tokens: z.number().int(),
  })
  .strict();

/** One step as `GET /tasks/:id` shows it (without its output). */
export const stepViewSchema = z
  .object({
    id: z.string(),
    action: z.string(),
    arm: z.string(),
    acceptance_criteria: z.array(z.string()),
    depends_on: z.array(z.string()),
    revision: z.number().int().meta({ description: 'The plan revision that added it; 0 first' }),
    status: z.enum(STEP_STATES),
    summary: z.string().nullable(),
    error: z.string().nullable(),
    attempts: z.number().int(),
    served_by: z.string().nullable(),
    usage: amount,
    reserved: amount,
    started_at: timestamp.nullable(),
    completed_at: timestamp.nullable(),
  })
  .strict()
  .meta({ id: 'Step' });

/** `GET /tasks/:id`. */
export const taskViewSchema = z
  .object({
    task_id: z.uuid(),
    status: z.enum(TASK_STATUSES),
    goal: z.string(),
    constraints: z.array(z.string()),
    context: z.record(z.string(), z.unknown()),
    acceptance_criteria: z.array(z.string()),
    priority: z.enum(PRIORITIES),
    require_approval: z.boolean(),
    approval_timeout_seconds: z.number().int().nullable(),
    budget: budgetLimitsSchema.meta({ description: 'The limits, extensions included' }),
    usage: z
      .object({ spent: amount, reserved: amount, planning: amount, remaining: amount })
      .strict(),
    error: z.string().nullable(),
    blocked_reason: z.string().nullable(),
    workflow_id: z.string(),
    run_id: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    started_at: timestamp.nullable(),
    completed_at: timestamp.nullable(),
    max_replans: z.number().int().nullable(),
    steps: z.array(stepViewSchema),
    plan_revisions: z.array(
      z
        .object({
          revision: z.number().int(),
          reason: z.string(),
          failed_step_id: z.string(),
          steps: z.array(z.string()),
          created_at: timestamp,
        })
        .strict(),
    ),
    links: linksSchema,
  })
  .strict()
  .meta({ id: 'Task', description: 'The task, its status, budget, usage, timings and steps.' });

/** `GET /tasks/:id/results`. */
export const resultViewSchema = z
  .object({
    task_id: z.uuid(),
    status: z.enum(TASK_STATUSES),
    error: z.string().nullable(),
    blocked_reason: z.string().nullable(),
    result: z
      .object({
        output: z.unknown(),
        summary: z.string(),
        confidence: z.number().nullable(),
        usage: amount,
        created_at: timestamp,
      })
      .strict()
      .nullable(),
    steps: z.array(stepViewSchema.extend({ output: z.unknown() })),
  })
  .strict()
  .meta({ id: 'TaskResults' });

/** `GET /tasks`. */
export const taskListSchema = z
  .object({
    tasks: z.array(
      z
        .object({
          task_id: z.uuid(),
          status: z.enum(TASK_STATUSES),
          goal: z.string(),
          priority: z.enum(PRIORITIES),
          error: z.string().nullable(),
          created_at: timestamp,
          updated_at: timestamp,
          completed_at: timestamp.nullable(),
          links: linksSchema,
        })
        .strict(),
    ),
    next_cursor: z.string().nullable().meta({ description: 'null on the last page' }),
  })
  .strict()
  .meta({ id: 'TaskPage' });

const documentFields = {
  id: z.uuid(),
  title: z.string(),
  source: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: timestamp,
  links: z.object({ self: z.string() }).strict(),
};

/** A document without its content, as `GET /documents` lists it. */
export const documentSummarySchema = z
  .object(documentFields)
  .strict()
  .meta({ id: 'DocumentSummary' });

/** `GET /documents/:id`. */
export const documentViewSchema = z
  .object({ ...documentFields, content: z.string() })
  .strict()
  .meta({ id: 'Document' });

/** `POST /documents`: the document without its content, and the content's length. */
export const documentCreatedSchema = z
  .object({ ...documentFields, content_chars: z.number().int() })
  .strict()
  .meta({ id: 'DocumentCreated' });

/** `GET /documents`. */
export const documentListSchema = z
  .object({
    documents: z.array(documentSummarySchema),
    total: z.number().int().meta({ description: 'How many documents the tenant has' }),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .strict()
  .meta({ id: 'DocumentPage' });
