import { AnchorScan } from './anchor-scan';
import { FOLDED_ANCHORS } from './anchors';
import type { InjectionRule } from './injection-types';
import type { Stretch } from './rule-scan';

/** Options for planning which rule scans which stretch. */
export interface PlanOptions {
  /** The head: anchor-less rules run on it, and an anchor inside it opens the whole head. */
  head: number;
  /** Characters on each side of an anchor beyond the head that its rules scan. */
  radius: number;
}

/**
 * Decides, for every rule worth running, the stretches of the skeleton it scans: the whole
 * head for rules whose anchors occur there (and for anchor-less rules), and beyond the head
 * only the surroundings of the rule's own anchors. A rule whose anchors are absent does not
 * run at all: most texts carry few anchors, so most rules are skipped outright, and a long
 * text is scanned in small pieces. Matches reaching further than `radius` from every anchor
 * they contain are only found in the head.
 */
export function planScan(
  text: string,
  rules: readonly InjectionRule[],
  options: PlanOptions,
): Map<InjectionRule, Stretch[]> {
  const head = Math.min(text.length, options.head);
  const byRule = new Map<InjectionRule, Stretch[]>();
  const add = (rule: InjectionRule, stretch: Stretch) => {
    const list = byRule.get(rule);
    if (list) list.push(stretch);
    else byRule.set(rule, [stretch]);
  };
  for (const rule of rules) if (rule.anchors.length === 0) add(rule, { start: 0, end: head });
  const headOpened = new Set<string>();
  for (const { index, anchor } of anchorScanFor(rules).find(text)) {
    const inHead = index + anchor.length <= head;
    if (inHead && headOpened.has(anchor)) continue;
    if (inHead) headOpened.add(anchor);
    const stretch = inHead
      ? { start: 0, end: head }
      : {
          start: Math.max(0, index - options.radius),
          end: Math.min(text.length, index + anchor.length + options.radius),
        };
    for (const rule of rulesForAnchor(rules, anchor)) add(rule, stretch);
  }
  for (const [rule, stretches] of byRule) byRule.set(rule, merge(stretches));
  return byRule;
}

/** True when some anchor of the rule set occurs in the text (cheap pre-check for decoded text). */
export function hasAnchor(text: string, rules: readonly InjectionRule[]): boolean {
  return anchorScanFor(rules).test(text);
}

/** Sorts and merges overlapping or touching stretches. */
function merge(stretches: Stretch[]): Stretch[] {
  stretches.sort((a, b) => a.start - b.start);
  const merged: Stretch[] = [];
  for (const s of stretches) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** The anchor scan for a rule set: the built-in anchors plus those the rules declare. */
function anchorScanFor(rules: readonly InjectionRule[]): AnchorScan {
  let scan = ANCHOR_SCANS.get(rules);
  if (!scan) {
    scan = new AnchorScan([...FOLDED_ANCHORS, ...rules.flatMap((r) => r.anchors)]);
    ANCHOR_SCANS.set(rules, scan);
  }
  return scan;
}

/**
 * The rules an anchor selects. Anchors overlap ("human" and "human:" start at the same place,
 * and the scan reports one), so an anchor counts when either is a prefix of the other;
 * selecting a rule too many is harmless.
 */
function rulesForAnchor(rules: readonly InjectionRule[], found: string): InjectionRule[] {
  let byAnchor = RULES_BY_ANCHOR.get(rules);
  if (!byAnchor) RULES_BY_ANCHOR.set(rules, (byAnchor = new Map()));
  let matching = byAnchor.get(found);
  if (!matching) {
    matching = rules.filter((r) =>
      r.anchors.some((a) => a.startsWith(found) || found.startsWith(a)),
    );
    byAnchor.set(found, matching);
  }
  return matching;
}

// Per rule set: its anchor scan, and which rules each anchor selects. Both are pure functions
// of the (immutable) rule set, computed once and reused.
const ANCHOR_SCANS = new WeakMap<readonly InjectionRule[], AnchorScan>();
const RULES_BY_ANCHOR = new WeakMap<readonly InjectionRule[], Map<string, InjectionRule[]>>();
