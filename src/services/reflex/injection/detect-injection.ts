import { normaliseForMatching, type NormalisedText } from '../normalise';
import { TRANSFORMED_ANCHORS } from './anchors';
import { DEFAULT_RULES } from './compile-rules';
import { findEncodedSegments, rot13, type DecodedSegment } from './decode-segments';
import type {
  InjectionCategory,
  InjectionMatch,
  InjectionResult,
  InjectionRule,
} from './injection-types';
import { RuleScanner, type Hit } from './rule-scan';
import { hasAnchor, planScan } from './rule-windows';
import { findShoutedInstructions } from './shouted-instructions';
import { findStrayInstructions } from './stray-instructions';

/** Options for injection detection. */
export interface InjectionOptions {
  direction: 'input' | 'output';
  rules?: readonly InjectionRule[];
  /**
   * Texts up to this many characters are also screened as ROT13 and reversed. Both transforms
   * cost a second pass, so very large texts only get them when they mention the encoding.
   */
  transformLimit?: number;
  /** How deep decoded payloads are decoded again (base64 inside base64). */
  maxDecodeDepth?: number;
  /**
   * The head of a text: anchor-less rules run on it, and the whole head counts as the window
   * of every anchor found in it. Beyond it, rules run in windows around their anchor words
   * (see rule-windows.ts). Keeps 100 KB inputs within budget.
   */
  fullScanLimit?: number;
  /**
   * Run every rule over the whole text, ignoring anchors. Slow; used to check that the
   * anchor gating finds what the exhaustive scan finds (tests, evaluation).
   */
  exhaustive?: boolean;
}

/**
 * Characters on each side of an anchor beyond the head that its rules scan: longer than
 * almost every match reaches from its own anchor words (checked by the long-text tests and
 * the evaluation's "buried" line).
 */
const WINDOW_RADIUS = 150;

const SHOUTED_WEIGHT = 0.6;
/** A request in a table that is not a row of it (output direction only). */
const STRAY_REQUEST_WEIGHT = 0.6;
const OBFUSCATION_WEIGHT = 0.5;
const TRANSFORM_HINT = /rot-?13|caesar|revers|backwards|r[üu]ckw[äa]rts/i;

/**
 * Screens text for prompt injection: runs the rule set over the normalised skeleton, over
 * decoded base64 / hex / URL-encoded stretches, and (for texts of moderate size) over the
 * ROT13 and reversed text; adds shouted embedded instructions. The score is the noisy-or of
 * the strongest hit per rule, so independent signals reinforce each other.
 */
export function detectInjection(
  raw: string,
  normalised: NormalisedText,
  options: InjectionOptions,
): InjectionResult {
  const rules = rulesFor(options.rules ?? DEFAULT_RULES, options.direction);
  const hits: Hit[] = [];
  scanRules(normalised, rules, options, (h) => hits.push(h));

  for (const m of findShoutedInstructions(raw)) {
    hits.push({
      ...m,
      weight: options.direction === 'output' ? SHOUTED_WEIGHT * 0.5 : SHOUTED_WEIGHT,
    });
  }

  if (options.direction === 'output') {
    for (const m of findStrayInstructions(raw)) hits.push({ ...m, weight: STRAY_REQUEST_WEIGHT });
  }

  for (const segment of decodeAll(raw, options.maxDecodeDepth ?? 2)) {
    screenHidden(segment.text, segment, rules, options.direction, hits);
  }

  // A ROT13 or reversed attack must contain a ROT13 or reversed anchor word; only then is the
  // second pass (normalise + strong rules) worth its cost. Long texts get it around each such
  // anchor only.
  const strong = rules.filter((r) => r.weight >= 0.7);
  for (const span of transformSpans(raw, normalised, options.transformLimit ?? 8192)) {
    const original = raw.slice(span.start, span.end);
    screenHidden(
      rot13(original),
      { ...span, encoding: 'rot13' },
      strong,
      options.direction,
      hits,
      true,
    );
    screenHidden(
      [...original].reverse().join(''),
      { ...span, encoding: 'reversed' },
      strong,
      options.direction,
      hits,
    );
  }
  return summarise(hits);
}

const BY_DIRECTION = new WeakMap<
  readonly InjectionRule[],
  Record<'input' | 'output', readonly InjectionRule[]>
>();

/**
 * The rules that apply to a direction (see `InjectionRuleSpec.only`), computed once per rule
 * set: the anchor scan and the windows are then planned for those rules alone.
 */
function rulesFor(
  rules: readonly InjectionRule[],
  direction: 'input' | 'output',
): readonly InjectionRule[] {
  let split = BY_DIRECTION.get(rules);
  if (!split) {
    split = {
      input: rules.filter((r) => r.only !== 'output'),
      output: rules.filter((r) => r.only !== 'input'),
    };
    BY_DIRECTION.set(rules, split);
  }
  return split[direction];
}

/** Runs the rules: everywhere (exhaustive) or where their anchors are (see rule-windows.ts). */
function scanRules(
  normalised: NormalisedText,
  rules: readonly InjectionRule[],
  options: Pick<InjectionOptions, 'direction' | 'exhaustive' | 'fullScanLimit'>,
  onHit: (hit: Hit) => void,
): void {
  const scanner = new RuleScanner(normalised, options.direction, onHit);
  if (options.exhaustive) {
    const whole = { start: 0, end: normalised.text.length };
    for (const rule of rules) scanner.run(rule, whole);
    return;
  }
  const plan = planScan(normalised.text, rules, {
    head: options.fullScanLimit ?? 8192,
    radius: WINDOW_RADIUS,
  });
  // Rule order, not plan order: hits then come out the same way as in the exhaustive scan.
  for (const rule of rules) for (const stretch of plan.get(rule) ?? []) scanner.run(rule, stretch);
}

/** Stretches of the original text worth screening as ROT13 and reversed text. */
function transformSpans(
  raw: string,
  normalised: NormalisedText,
  limit: number,
): { start: number; end: number }[] {
  const pattern = new RegExp(TRANSFORMED_ANCHORS.source, 'g');
  if (raw.length <= limit || TRANSFORM_HINT.test(raw)) {
    return pattern.test(normalised.text) ? [{ start: 0, end: raw.length }] : [];
  }
  const spans: { start: number; end: number }[] = [];
  for (let m = pattern.exec(normalised.text); m; m = pattern.exec(normalised.text)) {
    const start = normalised.offsets[Math.max(0, m.index - WINDOW_RADIUS)] ?? 0;
    const end =
      normalised.offsets[Math.min(normalised.text.length, m.index + WINDOW_RADIUS)] ?? raw.length;
    const last = spans[spans.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
  }
  return spans;
}

/** Decodes nested payloads breadth-first, up to `depth` levels. */
function decodeAll(raw: string, depth: number): DecodedSegment[] {
  const all: DecodedSegment[] = [];
  let layer = findEncodedSegments(raw);
  for (let level = 0; level < depth && layer.length > 0; level++) {
    all.push(...layer);
    // Nested payloads keep the outer segment's span: that is where the attack sits.
    layer = layer.flatMap((outer) =>
      findEncodedSegments(outer.text).map((inner) => ({
        ...inner,
        start: outer.start,
        end: outer.end,
      })),
    );
  }
  return all;
}

/**
 * Screens a decoded or transformed text; hits are placed on the encoded span. With
 * `keepOffsets` (ROT13 keeps positions) hits keep their own span inside it.
 */
function screenHidden(
  text: string,
  where: { start: number; end: number; encoding: string },
  rules: readonly InjectionRule[],
  direction: 'input' | 'output',
  hits: Hit[],
  keepOffsets = false,
): void {
  const normalised = normaliseForMatching(text);
  // Decoded data (images, certificates, ids) is common; only text with an anchor word can
  // hold an attack, so the rule set runs on that alone.
  if (!hasAnchor(normalised.text, rules)) return;
  let found = false;
  scanRules(normalised, rules, { direction }, (h) => {
    found = true;
    const span = keepOffsets
      ? { start: where.start + h.start, end: where.start + h.end }
      : { start: where.start, end: where.end };
    hits.push({ ...h, ...span, rule: `${h.rule}@${where.encoding}` });
  });
  if (found) {
    hits.push({
      category: 'obfuscation',
      start: where.start,
      end: where.end,
      rule: `any.encoded.${where.encoding}`,
      weight: OBFUSCATION_WEIGHT,
    });
  }
}

/** Noisy-or of the strongest hit per rule; categories and matches in text order. */
function summarise(hits: Hit[]): InjectionResult {
  const strongest = new Map<string, number>();
  for (const h of hits) {
    const base = h.rule.replace(/@.*$/, '');
    strongest.set(base, Math.max(strongest.get(base) ?? 0, h.weight));
  }
  let keep = 1;
  for (const w of strongest.values()) keep *= 1 - Math.min(w, 0.99);
  const score = Math.round((1 - keep) * 1000) / 1000;
  const categories = [...new Set(hits.map((h) => h.category))] as InjectionCategory[];
  const matches = hits
    .map(({ category, start, end, rule }) => ({ category, start, end, rule }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  return { score, categories, matches: dedupe(matches) };
}

function dedupe(matches: InjectionMatch[]): InjectionMatch[] {
  const seen = new Set<string>();
  return matches.filter((m) => {
    const key = `${m.category}:${m.start}:${m.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
