import type { Grant } from '../shared/budget';
import { add, minus, tokensForChars } from '../shared/model-cost';
import { isOutputRef } from '../shared/output-ref';

/** Tokens and USD: an amount the ledger counts. */
export type Amount = Grant;

const ZERO: Amount = { tokens: 0, cost_usd: 0 };

/** The completion tokens a step's model call is allowed at most (the arms' own cap). */
export const STEP_COMPLETION_TOKENS = 2_000;

/** What an arm adds to a step's text in its prompt (system prompt, framing), in tokens. */
export const STEP_PROMPT_OVERHEAD_TOKENS = 600;

/**
 * A task's budget ledger: what it may spend (its budget, plus extensions), what it has spent, and
 * what the model calls in flight have reserved. Every planner and arm call is granted an amount
 * before it is made and settled with what it used after, so calls running at once can together
 * never spend more than the budget. Plain and deterministic: it lives in workflow code.
 */
export class BudgetLedger {
  limit: Amount;
  spent: Amount = { ...ZERO };
  reserved: Amount = { ...ZERO };

  constructor(limit: Amount) {
    this.limit = { ...limit };
  }

  /** What is neither spent nor reserved (never below 0). */
  available(): Amount {
    return minus(minus(this.limit, this.spent), this.reserved);
  }

  /**
   * Reserves `wanted`, or what is available when that is less, provided at least `least` is:
   * returns the grant, or undefined (nothing reserved) when not even `least` fits.
   */
  reserve(wanted: Amount, least: Amount): Amount | undefined {
    if (!this.fits(least)) return undefined;
    const free = this.available();
    const grant = {
      tokens: Math.min(wanted.tokens, free.tokens),
      cost_usd: Math.min(wanted.cost_usd, free.cost_usd),
    };
    this.reserved = add(this.reserved, grant);
    return grant;
  }

  /** Releases a grant and counts what its call actually used (which may differ either way). */
  settle(grant: Amount, used: Amount): void {
    this.reserved = minus(this.reserved, grant);
    this.spent = add(this.spent, used);
  }

  /** Raises the limit (an `extendBudget` update). */
  extend(more: Partial<Amount>): void {
    this.limit = add(this.limit, { tokens: more.tokens ?? 0, cost_usd: more.cost_usd ?? 0 });
  }

  /** Whether `amount` fits in what is available now. */
  fits(amount: Amount): boolean {
    const free = this.available();
    return free.tokens >= amount.tokens && free.cost_usd >= amount.cost_usd;
  }
}

/**
 * A step's prompt in tokens, on the safe side (1 token per 3 characters): its goal, action and
 * criteria, its inputs (inline, or by the stored size of a reference), plus the arm's framing.
 */
export function stepPromptTokens(
  texts: readonly string[],
  inputs: Readonly<Record<string, unknown>>,
): number {
  let chars = texts.reduce((n, t) => n + t.length, 0);
  for (const value of Object.values(inputs)) {
    chars += isOutputRef(value) ? value.bytes : JSON.stringify(value ?? null).length;
  }
  return tokensForChars(chars) + STEP_PROMPT_OVERHEAD_TOKENS;
}

/**
 * Rejects an `extendBudget` argument that is not an object of non-negative numbers within
 * bounds (tokens and seconds whole), or that adds nothing. Returns the extension, typed.
 */
export function checkExtension(
  more: unknown,
  bounds: Readonly<Record<'add_usd' | 'add_tokens' | 'add_seconds', number>>,
): { add_usd?: number; add_tokens?: number; add_seconds?: number } {
  const shape = 'extendBudget takes {"add_usd"?: n, "add_tokens"?: n, "add_seconds"?: n}';
  if (typeof more !== 'object' || more === null || Array.isArray(more)) throw new Error(shape);
  const fields = more as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!(key in bounds)) throw new Error(`${key}: not a budget field; ${shape}`);
  }
  let any = false;
  for (const [key, max] of Object.entries(bounds)) {
    const value = fields[key];
    if (value === undefined) continue;
    const whole = key !== 'add_usd';
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
      throw new Error(`${key}: must be a number from 0 to ${max}`);
    }
    if (whole && !Number.isInteger(value)) throw new Error(`${key}: must be a whole number`);
    if (value > 0) any = true;
  }
  if (!any) throw new Error(`nothing to add: ${shape}`);
  return fields;
}
