import type { ReflexResponse } from './reflex';
import { screeningReason } from './screening-reason';
import type { TaskSpec } from './task';

/** A task's input after screening: the spec to store, plan and run, redacted if need be. */
export interface ScreenedInput {
  verdict: ReflexResponse['verdict'];
  /** Injection categories and PII types, never the text. */
  reason: string;
  /** Absent when blocked: nothing of a blocked input is kept. */
  spec?: TaskSpec;
}

/** What the verdicts on a set of texts come to; the texts are absent when blocked. */
export type CombinedVerdict =
  | { verdict: 'blocked'; reason: string }
  | {
      verdict: 'safe' | 'redacted';
      reason: string;
      /** The texts, each one redacted by its verdict replaced by its redacted text. */
      texts: string[];
    };

/**
 * Combines the verdicts on `texts` (one per text, in order; undefined for a text not screened):
 * blocked if any is, safe if none is flagged, else redacted. The reason is the flagged verdicts'
 * reasons, each once, joined by '; '.
 */
export function combineVerdicts(
  texts: string[],
  verdicts: (ReflexResponse | undefined)[],
): CombinedVerdict {
  const flagged = verdicts.filter((v): v is ReflexResponse => !!v && v.verdict !== 'safe');
  const reason = [...new Set(flagged.map(screeningReason))].join('; ');
  if (flagged.some((v) => v.verdict === 'blocked')) return { verdict: 'blocked', reason };
  if (flagged.length === 0) return { verdict: 'safe', reason, texts };
  const redacted = texts.map((text, i) => {
    const v = verdicts[i];
    return v?.verdict === 'redacted' ? v.redacted_text : text;
  });
  return { verdict: 'redacted', reason, texts: redacted };
}

/** Redacted context JSON; placeholders sit inside string values, so it still parses. */
function parseContext(json: string): Record<string, unknown> {
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { redacted: json };
  }
}

/**
 * Screens everything the user wrote, field by field (goal, each constraint, each acceptance
 * criterion, the context as JSON), with `screen` (the Reflex Layer: one verdict per text, in
 * order), so that a redaction is carried into the spec returned. Used by the API before anything
 * is stored, and by the workflow's `screenTaskInput` activity for tasks the API did not screen.
 */
export async function screenSpec(
  spec: TaskSpec,
  screen: (texts: string[]) => Promise<ReflexResponse[]>,
): Promise<ScreenedInput> {
  const contextText = Object.keys(spec.context).length ? JSON.stringify(spec.context) : '';
  const texts = [spec.goal, ...spec.constraints, ...spec.acceptance_criteria, contextText];
  const asked = texts.flatMap((text, i) => (text ? [i] : []));
  const answers = await screen(asked.map((i) => texts[i]!));
  const verdicts: (ReflexResponse | undefined)[] = texts.map(() => undefined);
  asked.forEach((i, n) => (verdicts[i] = answers[n]));
  const combined = combineVerdicts(texts, verdicts);
  const { reason } = combined;
  if (combined.verdict === 'blocked') return { verdict: 'blocked', reason };
  if (combined.verdict === 'safe') return { verdict: 'safe', reason, spec };
  const redacted = combined.texts;
  const n = spec.constraints.length;
  const m = spec.acceptance_criteria.length;
  return {
    verdict: 'redacted',
    reason,
    spec: {
      ...spec,
      goal: redacted[0]!,
      constraints: redacted.slice(1, 1 + n),
      acceptance_criteria: redacted.slice(1 + n, 1 + n + m),
      context: contextText ? parseContext(redacted[1 + n + m]!) : spec.context,
    },
  };
}
