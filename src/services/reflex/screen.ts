import { performance } from 'node:perf_hooks';
import { detectInjection, type InjectionOptions } from './injection/detect-injection';
import type { InjectionCategory, InjectionResult } from './injection/injection-types';
import { INPUT_MODEL, learnedScore } from './learned/injection-model';
import type { LinearModel } from './learned/linear-model';
import { normaliseForMatching } from './normalise';
import { detectPii, type PiiOptions } from './pii/detect-pii';
import type { PiiSpan } from './pii/pii-types';
import { PlaceholderMap } from './placeholder-map';
import { DEFAULT_POLICY, type ReflexPolicy } from './policy';
import { applyReplacements, type Replacement } from './redact';
import { VerdictCache, type Detection } from './verdict-cache';

/** Which way the text flows. */
export type Direction = 'input' | 'output';

/** Dependencies and settings for `screen`; all optional. */
export interface ScreenOptions {
  policy?: ReflexPolicy;
  /** Scope for stable placeholders (the request's `context.task_id`). */
  taskId?: string;
  /** Shared across requests for task-stable placeholders; a throwaway one otherwise. */
  placeholders?: PlaceholderMap;
  cache?: VerdictCache;
  pii?: PiiOptions;
  injection?: Omit<InjectionOptions, 'direction'>;
  /**
   * The learned model combined with the rules for `direction: "input"` (default: the committed
   * model); `null` screens with the rules alone.
   */
  learned?: LinearModel | null;
}

/** The outcome of screening one text; the HTTP response is this without `cached`. */
export interface ScreenResult {
  verdict: 'safe' | 'blocked' | 'redacted';
  pii: PiiSpan[];
  injection: {
    score: number;
    categories: InjectionCategory[];
    matches: { category: InjectionCategory; start: number; end: number }[];
  };
  redacted_text: string;
  /** Categories and PII types only: never matched text. */
  reasons: string[];
  latency_ms: number;
  /** True when detection came from the verdict cache. */
  cached: boolean;
}

/**
 * Screens one text: normalise, detect PII and injection (or take both from the cache), apply
 * the direction's policy, and redact with task-stable placeholders. Pure apart from the cache
 * and placeholder map it is given.
 */
export function screen(
  text: string,
  direction: Direction,
  options: ScreenOptions = {},
): ScreenResult {
  const started = performance.now();
  const policy = options.policy ?? DEFAULT_POLICY;
  const { detection, cached } = detect(text, direction, options);

  const rules = policy[direction];
  const pii = detection.pii.filter((s) => s.score >= policy.piiMinScore);
  const injectionFlagged = detection.injection.score >= policy.injectionThreshold;
  const injectionAction = injectionFlagged ? rules.injection : 'allow';

  const reasons: string[] = [];
  if (injectionAction !== 'allow') {
    const categories = detection.injection.categories;
    for (const c of categories.length > 0 ? categories : ['learned_detector']) {
      reasons.push(`injection:${c}`);
    }
  }
  const actedTypes = new Set<string>();
  const replacements: Replacement[] = [];
  let blocked = injectionAction === 'block';
  let redacted = injectionAction === 'redact';
  for (const span of pii) {
    const action = rules.pii[span.type];
    if (action === 'allow') continue;
    if (action === 'block') blocked = true;
    else redacted = true;
    actedTypes.add(span.type);
    replacements.push({ start: span.start, end: span.end, type: span.type });
  }
  for (const t of actedTypes) reasons.push(`pii:${t}`);
  if (injectionAction === 'redact') {
    for (const m of detection.injection.matches)
      replacements.push({ start: m.start, end: m.end, type: 'INJECTION' });
  }

  const redactedText =
    replacements.length === 0
      ? text
      : applyReplacements(
          text,
          replacements,
          (options.placeholders ?? new PlaceholderMap()).scope(options.taskId),
        );

  return {
    verdict: blocked ? 'blocked' : redacted ? 'redacted' : 'safe',
    pii,
    injection: {
      score: detection.injection.score,
      categories: detection.injection.categories,
      matches: detection.injection.matches.map(({ category, start, end }) => ({
        category,
        start,
        end,
      })),
    },
    redacted_text: redactedText,
    reasons,
    latency_ms: Math.round((performance.now() - started) * 1000) / 1000,
    cached,
  };
}

/**
 * The rules' result with the learned detector's combined score in place of theirs. A text no
 * rule matched but the model flags gets the category `learned_detector`.
 */
function withLearned(rules: InjectionResult, text: string, model: LinearModel): InjectionResult {
  const score = Math.round(learnedScore(model, text, rules.score) * 1000) / 1000;
  const categories: InjectionCategory[] =
    rules.categories.length === 0 && score >= 0.5 ? ['learned_detector'] : rules.categories;
  return { ...rules, score, categories };
}

/** Runs the detectors, or serves their result from the cache. */
export function detect(
  text: string,
  direction: Direction,
  options: Pick<ScreenOptions, 'cache' | 'pii' | 'injection' | 'learned'> = {},
): { detection: Detection; cached: boolean } {
  const normalised = normaliseForMatching(text);
  const cache = options.cache;
  const key = cache ? VerdictCache.key(direction, normalised.text) : '';
  const rawHash = cache ? VerdictCache.rawHash(text) : '';
  const hit = cache?.get(key, rawHash);
  if (hit) return { detection: hit, cached: true };
  const rules = detectInjection(text, normalised, { ...options.injection, direction });
  const learned = options.learned === undefined ? INPUT_MODEL : options.learned;
  const detection: Detection = {
    pii: detectPii(text, options.pii),
    injection: direction === 'input' && learned ? withLearned(rules, text, learned) : rules,
  };
  cache?.set(key, rawHash, detection);
  return { detection, cached: false };
}
