import { z } from 'zod';
import { isStorableText, jsonProblem, UNSTORABLE_TEXT_MESSAGE } from './safe-text';

/** Task priorities, most urgent last. */
export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;

/** How urgent a task is. */
export type Priority = (typeof PRIORITIES)[number];

/**
 * Temporal task-queue priority keys: 1 is served first. Temporal's default key is 3, so
 * `medium` matches what an unprioritised workflow would get.
 */
export const TEMPORAL_PRIORITY_KEY: Record<Priority, number> = {
  critical: 1,
  high: 2,
  medium: 3,
  low: 4,
};

/** Limits a task must stay within. */
export const budgetSchema = z
  .object({
    max_cost_usd: z.number().positive().max(1000).default(1),
    max_time_seconds: z.number().int().positive().max(86_400).default(300),
    max_tokens: z.number().int().positive().max(10_000_000).default(20_000),
  })
  .strict();

/** A task's budget, defaults applied. */
export type Budget = z.infer<typeof budgetSchema>;

/** Largest `context`, as JSON; it is screened like the rest of the task. */
export const MAX_CONTEXT_CHARS = 64_000;

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max)
    .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

/** Free-form JSON object from a client: bounded in size and depth, every string storable. */
export const clientJsonObject = (maxChars: number) =>
  z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const problem = jsonProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    else if (JSON.stringify(value).length > maxChars) {
      ctx.addIssue({ code: 'custom', message: `must serialise to at most ${maxChars} characters` });
    }
  });

/** The body of `POST /submit`. Unknown fields are rejected so typos do not pass silently. */
export const submitTaskSchema = z
  .object({
    goal: text(10_000),
    constraints: z.array(text(2_000)).max(50).default([]),
    context: clientJsonObject(MAX_CONTEXT_CHARS).default({}),
    acceptance_criteria: z.array(text(2_000)).max(50).default([]),
    priority: z.enum(PRIORITIES).default('medium'),
    budget: budgetSchema.default(() => budgetSchema.parse({})),
    /** Wait for a person to approve the plan before any step runs. */
    require_approval: z.boolean().optional(),
    /** How long the plan may wait for approval before the task fails; default one day. */
    approval_timeout_seconds: z.number().int().min(1).max(2_592_000).optional(),
    /**
     * How many times the plan may be revised for the remaining work after a step fails for good
     * or the final judge finds a criterion unmet; default 2, 0 turns replanning off.
     */
    max_replans: z.number().int().min(0).max(5).optional(),
  })
  .strict();

/** A validated task submission, defaults applied. */
export type TaskSpec = z.infer<typeof submitTaskSchema>;
