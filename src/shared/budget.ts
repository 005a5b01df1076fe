import { z } from 'zod';

/**
 * What one call to a service may spend on models: granted from the task's budget ledger by the
 * workflow before the call, so calls running at once can never together spend more than the
 * task's budget. A service keeps every model call within its grant (the prompt's estimate plus
 * `max_tokens`, priced at the model's input and output prices), or refuses with
 * `402 BUDGET_INSUFFICIENT` before calling the model.
 */
export const grantSchema = z.object({
  tokens: z.number().int().nonnegative(),
  cost_usd: z.number().nonnegative(),
});

/** A grant from the task's budget ledger. */
export type Grant = z.infer<typeof grantSchema>;

/** The `error` body of a `402 BUDGET_INSUFFICIENT` answer. */
export const budgetInsufficientBodySchema = z.object({
  error: z.object({
    code: z.literal('BUDGET_INSUFFICIENT'),
    message: z.string(),
    needed: grantSchema,
    /** What the request had already spent on earlier model calls when it was refused. */
    spent: grantSchema.optional(),
  }),
});
