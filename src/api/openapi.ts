import { z } from 'zod';
import { createDocument } from 'zod-openapi';
import { ERROR_CODES } from '../http/app-error';
import { submitTaskSchema } from '../shared/task';
import { TASK_STATUSES } from '../shared/task-status';
import { createDocumentSchema, listQuerySchema } from './documents-router';
import { taskListQuerySchema } from './task-list';
import {
  budgetLimitsSchema,
  documentCreatedSchema,
  documentListSchema,
  documentViewSchema,
  linksSchema,
  resultViewSchema,
  taskListSchema,
  taskViewSchema,
} from './view-schemas';
import {
  budgetExtensionSchema,
  decisionBodySchema,
  resultsQuerySchema,
  submitHeadersSchema,
  taskIdParams,
  taskQuerySchema,
} from './tasks-router';
import {
  BUDGET_EXTENSION_EXAMPLE,
  DECISION_EXAMPLE,
  DOCUMENT_EXAMPLE,
  README_TASK,
} from './request-examples';

const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

const accepted = z
  .object({
    task_id: z.uuid(),
    status: z.enum(TASK_STATUSES),
    workflow_id: z.string(),
    links: linksSchema,
  })
  .meta({ id: 'TaskAccepted' });

/**
 * Where a client goes from a task id it was given (OpenAPI links, which tools such as
 * schemathesis follow to reach a real task rather than guess ids).
 */
const TASK_LINKS = Object.fromEntries(
  (
    [
      ['GetTask', 'getTask'],
      ['GetTaskResults', 'getTaskResults'],
      ['CancelTask', 'cancelTask'],
      ['PauseTask', 'pauseTask'],
      ['ResumeTask', 'resumeTask'],
      ['ApproveTask', 'approveTask'],
      ['RejectTask', 'rejectTask'],
      ['ExtendTaskBudget', 'extendTaskBudget'],
      ['DeleteTask', 'deleteTask'],
    ] as const
  ).map(([name, operationId]) => [
    name,
    { operationId, parameters: { id: '$response.body#/task_id' } },
  ]),
);

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/**
 * Errors of a route; every route here may also answer 401, 403 and 429 (API keys) and 503 (the
 * database, which every route reads, did not answer in time).
 */
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    [...new Set([...statuses, 401, 403, 429, 503])].map((s) => [
      String(s),
      json(errorSchema, ERROR_MEANING[s] ?? `Error (${s})`),
    ]),
  );

const ERROR_MEANING: Record<number, string> = {
  400: 'Invalid request: `details` names each field and what is wrong with it',
  401: 'No API key, or an unknown one (send `Authorization: Bearer <key>`)',
  403: 'The API key has been revoked',
  404: 'Not found (or another tenant’s)',
  409: 'Conflicts with the task’s state',
  413: 'Too large',
  429: 'Too many requests for this key: retry after `Retry-After` seconds',
  503:
    'A dependency (PostgreSQL or Temporal) did not answer in time: try again later (a submit ' +
    'with the same Idempotency-Key, which makes the retry safe)',
};

/** What a control answers: the task, the state it is going to, and its links. */
const controlled = z
  .object({
    task_id: z.uuid(),
    status: z.string().meta({ description: 'e.g. cancelling, pausing, approved, rejected' }),
    links: linksSchema,
  })
  .strict()
  .meta({ id: 'TaskControlled' });

/** What `POST /tasks/{id}/budget` answers: the task's new limits. */
const budgetExtended = z
  .object({
    task_id: z.uuid(),
    budget: budgetLimitsSchema,
    links: linksSchema,
  })
  .strict()
  .meta({ id: 'BudgetExtended' });

/** A control of a task (`POST /tasks/{id}/<control>`): its answer, and the usual errors. */
const control = (
  operationId: string,
  summary: string,
  ok: '200' | '202',
  answer: string,
  body?: z.ZodType,
  answerSchema: z.ZodType = controlled,
  example?: object,
) => ({
  post: {
    operationId,
    summary,
    requestParams: { path: taskIdParams },
    ...(body
      ? { requestBody: { content: { 'application/json': { schema: body, example } } } }
      : {}),
    responses: {
      [ok]: json(answerSchema, answer),
      ...errors(400, 404, 409, 503),
    },
  },
});

/**
 * The REST API's OpenAPI 3.1 document, generated from the same zod schemas that validate
 * requests, so the description cannot drift from what the server accepts.
 */
export function createOpenApiDocument() {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'OctoLLM',
      version: '0.1.0',
      description:
        'Durable LLM task orchestration on Temporal. Every route needs an API key ' +
        '(`Authorization: Bearer <key>`; `npm start` prints one), except /health, /ready, ' +
        '/metrics and these docs. Tasks and documents belong to the key’s tenant.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An OctoLLM API key (octo_…)' },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/submit': {
        post: {
          summary: 'Submit a task',
          requestParams: { header: submitHeadersSchema },
          requestBody: {
            content: { 'application/json': { schema: submitTaskSchema, example: README_TASK } },
          },
          responses: {
            '200': {
              ...json(accepted, 'The task this Idempotency-Key already stands for'),
              links: TASK_LINKS,
            },
            '202': { ...json(accepted, 'Accepted'), links: TASK_LINKS },
            ...errors(400, 409, 413),
          },
        },
      },
      '/tasks': {
        get: {
          summary: 'Tasks, newest first, a page at a time (keyset pagination)',
          requestParams: { query: taskListQuerySchema },
          responses: {
            '200': json(taskListSchema, 'A page of tasks; `next_cursor` is null on the last page'),
            ...errors(400),
          },
        },
      },
      '/tasks/{id}': {
        get: {
          operationId: 'getTask',
          summary: 'A task with its steps; with `wait` and If-None-Match, waits for it to change',
          requestParams: {
            path: taskIdParams,
            query: taskQuerySchema,
            header: z.object({
              'if-none-match': z.string().optional().meta({
                description: 'The ETag of the view the client has: 304 while it is current',
              }),
            }),
          },
          responses: {
            '200': {
              ...json(taskViewSchema, 'The task'),
              headers: z.object({ etag: z.string().meta({ description: 'Identifies this view' }) }),
            },
            '304': { description: 'Unchanged (still the view If-None-Match names)' },
            ...errors(400, 404),
          },
        },
        delete: {
          operationId: 'deleteTask',
          summary:
            'Delete a task: cancels it if it is still running, then purges its row, steps, outputs and result',
          requestParams: { path: taskIdParams },
          responses: { '204': { description: 'Deleted' }, ...errors(400, 404, 503) },
        },
      },
      '/tasks/{id}/events': {
        get: {
          summary:
            'A task’s changes as Server-Sent Events: the current status and steps, then every status change in order and step changes, then `end` with the final status',
          requestParams: { path: taskIdParams },
          responses: {
            '200': {
              description:
                'text/event-stream: `event: status` `{"status","seq"}`, `event: step` `{"step_id","status"}`, `event: end` `{"status"}`',
            },
            ...errors(400, 404),
          },
        },
      },
      '/tasks/{id}/results': {
        get: {
          operationId: 'getTaskResults',
          summary: 'A task’s result and every step’s output; with `wait`, waits for it to end',
          requestParams: { path: taskIdParams, query: resultsQuerySchema },
          responses: { '200': json(resultViewSchema, 'The results'), ...errors(400, 404) },
        },
      },
      '/tasks/{id}/cancel': control('cancelTask', 'Cancel a running task', '202', 'Cancelling'),
      '/tasks/{id}/pause': control(
        'pauseTask',
        'Pause a task: no new step starts (signal `pause`)',
        '202',
        'Pausing',
      ),
      '/tasks/{id}/resume': control(
        'resumeTask',
        'Resume a paused task (signal `resume`)',
        '202',
        'Resuming',
      ),
      '/tasks/{id}/approve': control(
        'approveTask',
        'Approve a plan awaiting approval (update `approvePlan`)',
        '200',
        'Approved',
        decisionBodySchema,
        controlled,
        DECISION_EXAMPLE,
      ),
      '/tasks/{id}/reject': control(
        'rejectTask',
        'Reject a plan awaiting approval: the task fails (update `approvePlan`)',
        '200',
        'Rejected',
        decisionBodySchema,
        controlled,
        DECISION_EXAMPLE,
      ),
      '/tasks/{id}/budget': control(
        'extendTaskBudget',
        'Add to a task’s budget; a task in `awaiting_budget` goes on (update `extendBudget`)',
        '200',
        'The new budget',
        budgetExtensionSchema,
        budgetExtended,
        BUDGET_EXTENSION_EXAMPLE,
      ),
      '/documents': {
        post: {
          summary: 'Add a document for the retriever arm',
          requestBody: {
            content: {
              'application/json': { schema: createDocumentSchema, example: DOCUMENT_EXAMPLE },
            },
          },
          responses: {
            '201': json(documentCreatedSchema, 'Created'),
            ...errors(400, 413),
          },
        },
        get: {
          summary: 'List documents (without content)',
          requestParams: { query: listQuerySchema },
          responses: { '200': json(documentListSchema, 'A page of documents'), ...errors(400) },
        },
      },
      '/documents/{id}': {
        get: {
          summary: 'A document',
          requestParams: { path: z.object({ id: z.uuid() }) },
          responses: { '200': json(documentViewSchema, 'The document'), ...errors(400, 404) },
        },
        delete: {
          summary: 'Delete a document',
          requestParams: { path: z.object({ id: z.uuid() }) },
          responses: { '204': { description: 'Deleted' }, ...errors(400, 404) },
        },
      },
    },
  });
}
