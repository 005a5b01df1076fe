import { z } from 'zod';
import { ARM_NAMES, planStepSchema, type ArmName, type PlanStep } from '../../shared/plan';
import { complexityOf, type PlanDraft } from './plan-draft';

/**
 * The reply schema sent as the structured-output `response_format`. Strict mode needs every
 * field required and no defaults, and the arm enum is narrowed to the arms on offer so the
 * model cannot pick one that is missing.
 */
export function llmPlanSchema(arms: readonly ArmName[]) {
  const [first, ...rest] = arms;
  const armEnum = first ? z.enum([first, ...rest]) : z.enum(ARM_NAMES);
  return z.object({
    steps: z.array(
      z.object({
        id: z.string(),
        action: z.string(),
        arm: armEnum,
        acceptance_criteria: z.array(z.string()),
        depends_on: z.array(z.string()),
        estimated_cost_usd: z.number(),
        estimated_seconds: z.number(),
        estimated_tokens: z.number(),
      }),
    ),
    rationale: z.string(),
    confidence: z.number(),
    complexity: z.enum(['simple', 'moderate', 'complex']),
  });
}

// Deliberately loose: what the model got wrong should come back as repair feedback naming the
// field, not as a parse failure that says nothing useful.
const replySchema = z.object({
  steps: z.array(z.unknown()),
  rationale: z.string().catch(''),
  confidence: z.number().min(0).max(1).catch(0.5),
  complexity: z.enum(['simple', 'moderate', 'complex']).optional().catch(undefined),
});

/** A model reply read as a plan, or the problems that stop it from being one. */
export type ParsedReply = { ok: true; draft: PlanDraft } | { ok: false; problems: string[] };

/** Removes a Markdown code fence some models put around JSON even in JSON mode. */
function unfence(content: string): string {
  const fenced = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?```\s*$/i.exec(content);
  return (fenced?.[1] ?? content).trim();
}

/** Reads one step, or says per field what is wrong with it. */
function parseStep(raw: unknown, index: number): PlanStep | string[] {
  const id = (raw as { id?: unknown } | null)?.id;
  const where = `steps[${index}]${typeof id === 'string' ? ` (${id})` : ''}`;
  const problems: string[] = [];
  const arm = (raw as { arm?: unknown } | null)?.arm;
  if (typeof arm === 'string' && !(ARM_NAMES as readonly string[]).includes(arm)) {
    problems.push(`${where}: arm "${arm}" does not exist; use one of ${ARM_NAMES.join(', ')}`);
  }
  // A fractional token estimate is not worth a repair round-trip.
  const tokens = (raw as { estimated_tokens?: unknown } | null)?.estimated_tokens;
  const input =
    typeof tokens === 'number' && tokens >= 0
      ? { ...(raw as object), estimated_tokens: Math.round(tokens) }
      : raw;
  const parsed = planStepSchema.safeParse(input);
  if (parsed.success && problems.length === 0) return parsed.data;
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    if (issue.path[0] === 'arm' && problems.length > 0) continue;
    const field = issue.path.map(String).join('.');
    problems.push(`${where}${field ? `.${field}` : ''}: ${issue.message}`);
  }
  return problems;
}

/**
 * Reads a model's reply into a plan draft. Structural problems (not JSON, missing fields, an
 * arm that does not exist) come back as messages the model can act on; the plan rules
 * themselves are checked afterwards by `validatePlan`.
 */
export function parseLlmPlan(content: string | null | undefined): ParsedReply {
  if (!content || content.trim() === '') return { ok: false, problems: ['the reply was empty'] };
  let json: unknown;
  try {
    json = JSON.parse(unfence(content));
  } catch (err) {
    return { ok: false, problems: [`the reply is not valid JSON (${(err as Error).message})`] };
  }
  const reply = replySchema.safeParse(json);
  if (!reply.success) {
    return { ok: false, problems: ['the reply must be a JSON object with a "steps" array'] };
  }
  const steps: PlanStep[] = [];
  const problems: string[] = [];
  reply.data.steps.forEach((raw, index) => {
    const step = parseStep(raw, index);
    if (Array.isArray(step)) problems.push(...step);
    else steps.push(step);
  });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    draft: {
      steps,
      rationale: reply.data.rationale,
      confidence: reply.data.confidence,
      complexity: reply.data.complexity ?? complexityOf(steps),
    },
  };
}
