import { foldPattern } from '../normalise';
import { anchorsOf } from './anchors';
import type { InjectionRule, InjectionRuleSpec } from './injection-types';
import { ENGLISH_RULES } from './patterns-en';
import { GERMAN_RULES } from './patterns-de';
import { INTERNATIONAL_RULES } from './patterns-intl';
import { OUTPUT_RULES } from './patterns-output';

/** Compiles rule specs through the skeleton's letter fold (`l` → `i`). */
export function compileRules(specs: readonly InjectionRuleSpec[]): InjectionRule[] {
  return specs.map(({ source, anchors = [], unlessPreceded, ...rest }) => {
    const folded = foldPattern(source);
    const own = anchors.map((a) => foldPattern(a));
    // A rule tied to the start of the text (`^…` without alternatives) runs on the head only.
    const startOfText = /^\^(?!.*\|\^)/.test(folded) && !folded.startsWith('^|');
    const all = startOfText ? [] : [...new Set([...anchorsOf(folded), ...own])];
    return {
      ...rest,
      pattern: new RegExp(folded, 'gu'),
      anchors: all,
      ...(unlessPreceded ? { unlessPreceded: new RegExp(foldPattern(unlessPreceded), 'u') } : {}),
    };
  });
}

/**
 * The built-in rule set: English, German and the short international override rules, and the
 * output direction's rules for instructions inside data.
 */
export const DEFAULT_RULES: readonly InjectionRule[] = compileRules([
  ...ENGLISH_RULES,
  ...GERMAN_RULES,
  ...INTERNATIONAL_RULES,
  ...OUTPUT_RULES,
]);
