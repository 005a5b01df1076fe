/**
 * What an injection attempt tries to do. `obfuscation` is added when an attack was found only
 * after decoding (base64, hex, rot13, ...), since hiding an instruction is itself a signal.
 * `embedded_instruction`: data screened as output (a step output, a retrieved document) holds
 * an instruction addressed to the model that will read it. `learned_detector`: the learned
 * model found an injection that no rule names.
 */
export const INJECTION_CATEGORIES = [
  'instruction_override',
  'role_play',
  'prompt_extraction',
  'delimiter_injection',
  'command_injection',
  'obfuscation',
  'embedded_instruction',
  'learned_detector',
] as const;

/** One injection category. */
export type InjectionCategory = (typeof INJECTION_CATEGORIES)[number];

/** A pattern rule, written against the normalised skeleton (see `normaliseForMatching`). */
export interface InjectionRuleSpec {
  /** Stable identifier, used in tests and the evaluation's per-rule counts. */
  id: string;
  category: InjectionCategory;
  /** How strongly one match alone indicates an attack, in (0, 1]. */
  weight: number;
  /**
   * Extra anchor words (plain lower case) for rules whose vocabulary holds none: deep inside a
   * long text, a rule only runs in windows around its anchors (added to the anchor scan).
   */
  anchors?: string[];
  /** Regex source in plain lower case; `l` is folded into `i` when compiled. */
  source: string;
  /**
   * Regex source (plain lower case, ending in `$`) tested on the ~30 characters before a
   * match: a match so preceded does not count. Used instead of a look-behind, which V8 would
   * evaluate at every position of every text.
   */
  unlessPreceded?: string;
  /**
   * Multiplier for `direction: "output"`. Step outputs legitimately say "great, now let's…"
   * or discuss roles; instructions aimed at the model are what matters there.
   */
  outputFactor?: number;
  /** The one direction the rule applies to; both when absent. */
  only?: 'input' | 'output';
}

/** A compiled rule. */
export interface InjectionRule extends Omit<
  InjectionRuleSpec,
  'source' | 'anchors' | 'unlessPreceded'
> {
  pattern: RegExp;
  unlessPreceded?: RegExp;
  /** Anchor words in the rule's vocabulary: windows of long texts run the rule only near them. */
  anchors: readonly string[];
}

/** One matched span in the original text. */
export interface InjectionMatch {
  category: InjectionCategory;
  start: number;
  end: number;
  /** Rule id; kept internal (not part of the HTTP contract) but useful for tests and tuning. */
  rule: string;
}

/** Result of injection screening. */
export interface InjectionResult {
  /** Combined score in [0, 1] (noisy-or of the matched rules' weights). */
  score: number;
  categories: InjectionCategory[];
  matches: InjectionMatch[];
}
