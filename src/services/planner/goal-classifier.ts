/** The kinds of goal the offline planner has a plan shape for. */
export const GOAL_KINDS = ['code', 'data', 'research', 'writing', 'analysis', 'general'] as const;

/** A kind of goal. */
export type GoalKind = (typeof GOAL_KINDS)[number];

// Ordered by how specific the signal is: "write a function" is code even though it says
// "write", and "compute the average of this JSON" is data even though it says "analyse".
const SIGNALS: readonly (readonly [Exclude<GoalKind, 'general'>, RegExp])[] = [
  [
    'code',
    /\b(code|function|class|script|program|implement|refactor|debug|bug|unit tests?|api endpoint|regex|sql query|typescript|javascript|python|rust|golang|java|compile|algorithm)\b/i,
  ],
  [
    'data',
    /\b(json|csv|dataset|data set|records|compute|calculate|sum|average|mean (of|and|value)|the mean|median|total|percentage|convert|transform|aggregate|parse|fetch|https?:\/\/|\d+\s*[-+*/^]\s*\d+)\b/i,
  ],
  [
    'research',
    /\b(research|find out|investigate|sources?|literature|references?|what is known|state of the art|survey|look up|evidence|history of)\b/i,
  ],
  [
    'writing',
    /\b(write|draft|compose|essay|article|blog|post|email|letter|report|summary|summari[sz]e|outline|documentation|readme|announcement|proposal)\b/i,
  ],
  [
    'analysis',
    /\b(analy[sz]e|analysis|compare|comparison|evaluate|assess|trade-?offs?|pros and cons|review|critique|explain why|root cause|risks?)\b/i,
  ],
];

/** The goal kinds a text shows signs of, most specific first; `general` when none match. */
export function classifyGoal(text: string): GoalKind[] {
  const kinds = SIGNALS.filter(([, pattern]) => pattern.test(text)).map(([kind]) => kind);
  return kinds.length > 0 ? kinds : ['general'];
}

// The opening verb says what is asked for more reliably than any noun in the goal:
// "Investigate the history of the Raft algorithm" is research, though it names an algorithm.
const LEADING_VERBS: readonly (readonly [GoalKind, RegExp])[] = [
  ['research', /^(please\s+)?(research|investigate|find out|look up|survey|find sources)\b/i],
  ['analysis', /^(please\s+)?(analy[sz]e|compare|assess|evaluate|critique|review)\b/i],
  ['data', /^(please\s+)?(fetch|compute|calculate|convert|transform|aggregate)\b/i],
  ['code', /^(please\s+)?(implement|refactor|debug|code)\b/i],
];

/** The single kind that decides a goal's plan shape: the opening verb, else the strongest signal. */
export function primaryKind(text: string): GoalKind {
  const opening = text.replace(/^["'\s]+/, '');
  const byVerb = LEADING_VERBS.find(([, pattern]) => pattern.test(opening))?.[0];
  if (byVerb) return byVerb;
  const kinds = classifyGoal(text);
  // "Write" asks for code or for prose, never for research: "Write an article on the history
  // of tea" is writing, "Write a function that..." is code.
  if (/^(please\s+)?(write|draft|compose)\b/i.test(opening)) {
    return kinds.includes('code') ? 'code' : 'writing';
  }
  return kinds[0] ?? 'general';
}

const MIN_PART_LENGTH = 12;

/**
 * Splits a multi-part request into its parts: numbered or bulleted lines, or sentences
 * chained with "then" / "also" / ";". Returns one part when the goal is a single request.
 */
export function splitGoalParts(goal: string): string[] {
  const lines = goal
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const listItems = lines
    .filter((l) => /^(\d+[.)]|[-*•]|\(\w\))\s+/.test(l))
    .map((l) => l.replace(/^(\d+[.)]|[-*•]|\(\w\))\s+/, '').trim());
  if (listItems.length >= 2) return listItems.filter((p) => p.length >= MIN_PART_LENGTH);

  const inline = goal
    .split(
      /\s*(?:;|\(\d+\)|\b\d\)\s|(?:,\s*|\.\s+|\s+)(?:and\s+)?then\b|\.\s+(?:also|additionally|finally|next)\b,?|\band also\b)\s*/i,
    )
    .map((p) => p.trim().replace(/^[,.]\s*/, ''))
    .filter((p) => p.length >= MIN_PART_LENGTH);
  return inline.length >= 2 ? inline : [goal.trim()];
}
