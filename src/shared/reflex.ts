import { z } from 'zod';

/** Which way text flows: user input into the system, or step output / retrieved text back out. */
export const REFLEX_DIRECTIONS = ['input', 'output'] as const;

/** Body of the Reflex Layer's `POST /process`. */
export const reflexRequestSchema = z.object({
  text: z.string(),
  direction: z.enum(REFLEX_DIRECTIONS).default('input'),
  user_id: z.string().max(200).optional(),
  context: z.record(z.string(), z.unknown()).optional(),
});

/** A screening request. */
export type ReflexRequest = z.input<typeof reflexRequestSchema>;

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
