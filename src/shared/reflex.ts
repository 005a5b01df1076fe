import { z } from 'zod';

/** Which way text flows: user input into the system, or step output / retrieved text back out. */
export const REFLEX_DIRECTIONS = ['input', 'output'] as const;

/** A screening's direction. */
export type ReflexDirection = (typeof REFLEX_DIRECTIONS)[number];

/** Body of the Reflex Layer's `POST /process`. */
export const reflexRequestSchema = z.object({
  text: z.string(),
  direction: z.enum(REFLEX_DIRECTIONS).default('input'),
  user_id: z.string().max(200).optional(),
  context: z.record(z.string(), z.unknown()).optional(),
});

/** A screening request. */
export type ReflexRequest = z.input<typeof reflexRequestSchema>;

/** The most texts one `POST /process/batch` screens. */
export const MAX_BATCH_TEXTS = 128;

/**
 * Body of the Reflex Layer's `POST /process/batch`: several texts of one request (a task's goal,
 * constraints, criteria and context), screened in one round trip with the same direction and
 * context. Each text has the same limit as one `/process` text.
 */
export const reflexBatchRequestSchema = z.object({
  texts: z.array(z.string()).min(1).max(MAX_BATCH_TEXTS),
  direction: z.enum(REFLEX_DIRECTIONS).default('input'),
  user_id: z.string().max(200).optional(),
  context: z.record(z.string(), z.unknown()).optional(),
});

/** One detected PII span; never carries the value itself. */
export const piiFindingSchema = z.object({
  type: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  score: z.number().min(0).max(1),
});

/** Response of `POST /process`. */
export const reflexResponseSchema = z.object({
  verdict: z.enum(['safe', 'blocked', 'redacted']),
  pii: z.array(piiFindingSchema),
  injection: z.object({
    score: z.number().min(0).max(1),
    categories: z.array(z.string()),
    matches: z.array(
      z.object({ category: z.string(), start: z.number().int(), end: z.number().int() }),
    ),
  }),
  redacted_text: z.string(),
  /** Why the verdict is what it is: categories and PII types only, never the matched text. */
  reasons: z.array(z.string()),
  latency_ms: z.number().nonnegative(),
});

/** A screening verdict. */
export type ReflexResponse = z.infer<typeof reflexResponseSchema>;
