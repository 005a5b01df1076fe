import type { NormalisedText } from '../normalise';
import type { InjectionMatch, InjectionRule } from './injection-types';

/** A rule hit before scoring: which rule, how much it weighs, where in the original text. */
export interface Hit extends InjectionMatch {
  weight: number;
}

/** Most matches reported per rule and stretch; one is enough to score, a few show where. */
const MAX_MATCHES_PER_RULE = 8;

/**
 * Put in front of a stretch that starts mid-text, so `^` cannot pretend to be a text or
 * sentence start there. A private-use character: normalised text almost never holds one.
 */
const SENTINEL = '\ue000';

/** Leading context (and the window sentinel) that a match may start with. */
const LEAD = /^[\s.!?:,"\n\ue000]*/;

/** A stretch of the skeleton, `[start, end)`. */
export interface Stretch {
  start: number;
  end: number;
}

/**
 * Runs rules over stretches of the normalised skeleton and reports hits in original offsets.
 * Stretches that start mid-text get a sentinel character in front, so that `^` in a rule
 * (start of text, or of a sentence via `(?:^|[.!?] )`) cannot match there. Substrings are
 * built once per stretch and shared by the rules that scan it.
 */
export class RuleScanner {
  private readonly slices = new Map<number, { text: string; shift: number }>();

  constructor(
    private readonly normalised: NormalisedText,
    private readonly direction: 'input' | 'output',
    private readonly onHit: (hit: Hit) => void,
  ) {}

  /** Scans one rule over one stretch. */
  run(rule: InjectionRule, stretch: Stretch): void {
    const { text, shift } = this.slice(stretch);
    const base = stretch.start - shift;
    const weight = rule.weight * (this.direction === 'output' ? (rule.outputFactor ?? 1) : 1);
    // exec on the shared regex (reset first) instead of matchAll, which clones the regex on
    // every call: with ~100 rules that clone cost more than short texts' matching itself.
    const pattern = rule.pattern;
    pattern.lastIndex = 0;
    let count = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      if (m[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      // Leading context such as "^|[.!?] " belongs to the pattern but not to the reported span.
      const lead = LEAD.exec(m[0])?.[0].length ?? 0;
      const from = m.index + lead;
      const to = m.index + m[0].length;
      if (to <= from) continue;
      if (rule.unlessPreceded?.test(text.slice(Math.max(0, from - 30), from))) continue;
      this.onHit({
        category: rule.category,
        start: this.normalised.offsets[base + from] ?? 0,
        end: this.originalEnd(base + to),
        rule: rule.id,
        weight,
      });
      if (++count >= MAX_MATCHES_PER_RULE) break;
    }
    pattern.lastIndex = 0;
  }

  private slice(stretch: Stretch): { text: string; shift: number } {
    // A number, not a "start:end" string: this runs thousands of times on a long text.
    const key = stretch.start * (this.normalised.text.length + 1) + stretch.end;
    let slice = this.slices.get(key);
    if (!slice) {
      const whole = stretch.start === 0 && stretch.end >= this.normalised.text.length;
      const body = whole
        ? this.normalised.text
        : this.normalised.text.slice(stretch.start, stretch.end);
      slice =
        stretch.start === 0 ? { text: body, shift: 0 } : { text: `${SENTINEL}${body}`, shift: 1 };
      this.slices.set(key, slice);
    }
    return slice;
  }

  /** Original end offset for a skeleton end index: past the last original character consumed. */
  private originalEnd(to: number): number {
    const offsets = this.normalised.offsets;
    const last = offsets[to - 1] ?? 0;
    for (let k = to; k < offsets.length; k++) {
      const o = offsets[k] as number;
      if (o > last) return o;
    }
    return last + 1;
  }
}
