/**
 * Acceptance criteria a machine can check without a model, as a table of rules. Each rule
 * matches the WHOLE criterion (after trimming and dropping a final period), so a criterion
 * with anything more in it ("at least three relevant passages", where relevance needs a
 * reader) is left to the LLM, or stays unverified offline. A rule never guesses: when the
 * inputs do not let it decide (no number to compare, inputs that disagree), it says so and
 * the criterion goes on to the LLM too.
 */

/** A rule's decision, or why it could not decide from these inputs. */
export type RuleOutcome =
  | { rule: string; verdict: 'pass' | 'fail'; detail: string }
  | { rule: string; verdict: 'undecided'; detail: string };

/** Step outputs under judgement, keyed by step id. */
export type JudgedInputs = Record<string, unknown>;

interface Rule {
  name: string;
  /** An example criterion, for `/capabilities` and the tests. */
  example: string;
  pattern: RegExp;
  check(match: RegExpExecArray, inputs: JudgedInputs): Omit<RuleOutcome, 'rule'>;
}

// ---- grammar -------------------------------------------------------------------------------

/** An optional subject: "the output", "the final answer", "summary". */
const SUBJECT =
  String.raw`(?:(?:the\s+)?(?:final\s+)?` +
  String.raw`(?:output|result|response|answer|text|summary|reply|draft|report|value|number|total|list|body|content)\s+)?`;
/** An optional "is", "must be", ... */
const BE = String.raw`(?:(?:is|are|must\s+be|should\s+be|shall\s+be|will\s+be|be)\s+)?`;
/** An optional "has", "contains", "returns", ... */
const HAVE =
  String.raw`(?:(?:has|have|must\s+have|should\s+have|contains?|must\s+contain|should\s+contain|` +
  String.raw`includes?|must\s+include|should\s+include|returns?|must\s+return|should\s+return|lists?|gives?)\s+)?`;
const QUOTED = String.raw`["“'‘](.+?)["”'’]`;
const NUMBER_WORDS: Record<string, number> = Object.fromEntries(
  'zero one two three four five six seven eight nine ten eleven twelve'
    .split(' ')
    .map((word, n) => [word, n]),
);
const NUM = String.raw`(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?|${Object.keys(NUMBER_WORDS).join('|')})`;

type Compare = (x: number, n: number) => boolean;

/** Comparison phrases, by the test they stand for ("under 200 words" is "< 200"). */
const COMPARATORS: { symbol: string; test: Compare; phrases: string }[] = [
  {
    symbol: '≥',
    test: (x, n) => x >= n,
    phrases:
      'at least,no less than,not less than,no fewer than,not fewer than,a minimum of,minimum of,>=,≥',
  },
  {
    symbol: '≤',
    test: (x, n) => x <= n,
    phrases:
      'at most,no more than,not more than,no longer than,not longer than,up to,a maximum of,maximum of,<=,≤',
  },
  {
    symbol: '>',
    test: (x, n) => x > n,
    phrases: 'more than,greater than,longer than,over,above,>',
  },
  {
    symbol: '<',
    test: (x, n) => x < n,
    phrases: 'less than,fewer than,shorter than,under,below,<',
  },
  { symbol: '=', test: (x, n) => x === n, phrases: 'exactly,equal to,equals,=' },
];
const COMPARATOR = `(${COMPARATORS.flatMap((c) => c.phrases.split(','))
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/\s+/g, String.raw`\s+`))
  .join('|')})`;

function comparator(text: string): { test: Compare; symbol: string } {
  const phrase = text.replace(/\s+/g, ' ').toLowerCase();
  return COMPARATORS.find((c) => c.phrases.split(',').includes(phrase))!;
}

function toNumber(text: string): number {
  const word = NUMBER_WORDS[text.toLowerCase()];
  return word ?? Number(text.replace(/,/g, ''));
}

/** What a count is of: "words", "items", "passages"... */
const UNIT = String.raw`(words?|characters?|chars?|lines?|items?|entries|entry|elements?|results?|passages?)`;

// ---- reading the inputs --------------------------------------------------------------------

const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);

const isEmpty = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);

/** The single number the inputs hold, if exactly one: a number, a numeric text, `value`... */
function numbersIn(inputs: JudgedInputs): { id: string; n: number }[] {
  const found: { id: string; n: number }[] = [];
  for (const [id, value] of Object.entries(inputs)) {
    if (typeof value === 'number') found.push({ id, n: value });
    else if (typeof value === 'string' && /^\s*-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\s*$/i.test(value)) {
      found.push({ id, n: Number(value) });
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const key = ['value', 'result', 'number', 'total', 'count'].find(
        (k) => typeof record[k] === 'number' && Number.isFinite(record[k]),
      );
      if (key) found.push({ id, n: record[key] as number });
    }
  }
  return found;
}

/** How many `unit`s an input has, or undefined when the unit does not apply to it. */
function measure(value: unknown, unit: string): number | undefined {
  const u = unit.toLowerCase();
  if (/^(words?)$/.test(u)) {
    return typeof value === 'string' ? value.split(/\s+/).filter(Boolean).length : undefined;
  }
  if (/^(characters?|chars?)$/.test(u)) {
    return typeof value === 'string' ? [...value.trim()].length : undefined;
  }
  if (/^lines?$/.test(u)) {
    return typeof value === 'string'
      ? value.split(/\r?\n/).filter((l) => l.trim()).length
      : undefined;
  }
  if (/^passages?$/.test(u)) {
    const passages = (value as { passages?: unknown } | null)?.passages;
    return Array.isArray(passages) ? passages.length : undefined;
  }
  // items, entries, elements, results: an array, an object's only array, or a text's list lines.
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === 'object') {
    const arrays = Object.values(value).filter(Array.isArray);
    return arrays.length === 1 ? arrays[0]!.length : undefined;
  }
  if (typeof value === 'string') {
    const lines = value.split(/\r?\n/).filter((l) => /^\s*(?:[-*•]|\d+[.)])\s+\S/.test(l));
    return lines.length || undefined;
  }
  return undefined;
}

/** Applies a check to every input it applies to; all agree or the rule does not decide. */
function everyInput(
  inputs: JudgedInputs,
  unit: string,
  test: (x: number) => boolean,
  bound: string,
): Omit<RuleOutcome, 'rule'> {
  const results = Object.entries(inputs)
    .map(([id, value]) => ({ id, x: measure(value, unit) }))
    .filter((r): r is { id: string; x: number } => r.x !== undefined)
    .map((r) => ({ ...r, ok: test(r.x) }));
  const detail = results.map((r) => `${r.id}: ${r.x} ${unit}`).join(', ');
  if (results.length === 0) {
    return { verdict: 'undecided', detail: `no input has ${unit} to count` };
  }
  if (results.every((r) => r.ok)) return { verdict: 'pass', detail: `${detail} (${bound})` };
  if (results.every((r) => !r.ok)) return { verdict: 'fail', detail: `${detail} (${bound})` };
  return { verdict: 'undecided', detail: `inputs disagree: ${detail} (${bound})` };
}

function singleNumber(
  inputs: JudgedInputs,
  test: (x: number) => boolean,
  bound: string,
): Omit<RuleOutcome, 'rule'> {
  const numbers = numbersIn(inputs);
  if (numbers.length !== 1) {
    return {
      verdict: 'undecided',
      detail: numbers.length
        ? `several numbers in the inputs (${numbers.map((n) => `${n.id}: ${n.n}`).join(', ')})`
        : 'no number in the inputs',
    };
  }
  const { id, n } = numbers[0]!;
  return { verdict: test(n) ? 'pass' : 'fail', detail: `${id}: ${n} (${bound})` };
}

// ---- the rules -----------------------------------------------------------------------------

const re = (source: string) => new RegExp(`^${source}$`, 'i');

/** The rules, tried in order; the first whose pattern matches the whole criterion decides. */
export const CRITERION_RULES: readonly Rule[] = [
  {
    name: 'not-contains',
    example: 'does not contain "password"',
    pattern: re(
      String.raw`${SUBJECT}(?:does\s+not|doesn't|must\s+not|should\s+not|may\s+not|shall\s+not|never)\s+` +
        String.raw`(?:contain|include|mention)s?\s+(?:the\s+(?:word|phrase|text|string)\s+)?${QUOTED}`,
    ),
    check(m, inputs) {
      const needle = m[1]!;
      const hits = inputsContaining(needle, inputs);
      return hits.length
        ? { verdict: 'fail', detail: `"${needle}" found in ${hits.join(', ')}` }
        : { verdict: 'pass', detail: `"${needle}" not found in any input` };
    },
  },
  {
    name: 'contains',
    example: 'contains "Berlin"',
    pattern: re(
      String.raw`${SUBJECT}(?:(?:must|should|shall)\s+)?(?:contains?|includes?|mentions?)\s+` +
        String.raw`(?:the\s+(?:word|phrase|text|string)\s+)?${QUOTED}`,
    ),
    check(m, inputs) {
      const needle = m[1]!;
      const hits = inputsContaining(needle, inputs);
      return hits.length
        ? { verdict: 'pass', detail: `"${needle}" found in ${hits.join(', ')}` }
        : { verdict: 'fail', detail: `"${needle}" not found in any input` };
    },
  },
  {
    name: 'non-empty',
    example: 'summary is non-empty',
    pattern: re(
      String.raw`(?:${SUBJECT}${BE}(?:non-?empty|not\s+empty)|${SUBJECT}(?:must|should|shall)\s+not\s+be\s+empty|` +
        String.raw`(?:returns?|produces?)\s+(?:a\s+)?non-?empty\s+(?:output|result|response|answer))`,
    ),
    check(_m, inputs) {
      const ids = Object.keys(inputs);
      if (ids.length === 0) return { verdict: 'fail', detail: 'no input to judge' };
      const empty = ids.filter((id) => isEmpty(inputs[id]));
      return empty.length
        ? { verdict: 'fail', detail: `empty: ${empty.join(', ')}` }
        : { verdict: 'pass', detail: `${ids.length} input(s), none empty` };
    },
  },
  {
    name: 'valid-json',
    example: 'output is valid JSON',
    pattern: re(
      String.raw`(?:${SUBJECT}${BE}(?:a\s+)?valid\s+json(?:\s+(object|array|document))?|` +
        String.raw`${SUBJECT}(?:parses|must\s+parse|should\s+parse)\s+as\s+json)`,
    ),
    check(m, inputs) {
      const shape = m[1]?.toLowerCase();
      const ids = Object.keys(inputs);
      if (ids.length === 0) return { verdict: 'undecided', detail: 'no input to judge' };
      const bad: string[] = [];
      for (const id of ids) {
        let value = inputs[id];
        if (typeof value === 'string') {
          try {
            value = JSON.parse(value) as unknown;
          } catch {
            bad.push(`${id} does not parse`);
            continue;
          }
        }
        if (
          shape === 'object' &&
          (typeof value !== 'object' || value === null || Array.isArray(value))
        ) {
          bad.push(`${id} is not an object`);
        }
        if (shape === 'array' && !Array.isArray(value)) bad.push(`${id} is not an array`);
      }
      return bad.length
        ? { verdict: 'fail', detail: bad.join('; ') }
        : {
            verdict: 'pass',
            detail: `${ids.length} input(s) are valid JSON${shape && shape !== 'document' ? ` ${shape}s` : ''}`,
          };
    },
  },
  {
    name: 'count-between',
    example: 'between 50 and 200 words',
    pattern: re(
      String.raw`${SUBJECT}${HAVE}${BE}between\s+${NUM}\s+and\s+${NUM}\s+${UNIT}(?:\s+long)?`,
    ),
    check(m, inputs) {
      const [lo, hi] = [toNumber(m[1]!), toNumber(m[2]!)];
      return everyInput(inputs, m[3]!, (x) => x >= lo && x <= hi, `${lo}–${hi}`);
    },
  },
  {
    name: 'count',
    example: 'at most 200 words',
    pattern: re(String.raw`${SUBJECT}${HAVE}${BE}${COMPARATOR}\s+${NUM}\s+${UNIT}(?:\s+long)?`),
    check(m, inputs) {
      const { test, symbol } = comparator(m[1]!);
      const n = toNumber(m[2]!);
      return everyInput(inputs, m[3]!, (x) => test(x, n), `${symbol} ${n}`);
    },
  },
  {
    name: 'number-between',
    example: 'result is between 10 and 20',
    pattern: re(String.raw`${SUBJECT}${BE}between\s+${NUM}\s+and\s+${NUM}(?:\s+inclusive)?`),
    check(m, inputs) {
      const [lo, hi] = [toNumber(m[1]!), toNumber(m[2]!)];
      return singleNumber(inputs, (x) => x >= lo && x <= hi, `${lo}–${hi}`);
    },
  },
  {
    name: 'number-compare',
    example: 'result is at least 3',
    pattern: re(String.raw`${SUBJECT}${BE}${COMPARATOR}\s*${NUM}`),
    check(m, inputs) {
      const { test, symbol } = comparator(m[1]!);
      const n = toNumber(m[2]!);
      return singleNumber(inputs, (x) => test(x, n), `${symbol} ${n}`);
    },
  },
];

/**
 * The rule outcome for one criterion, or undefined when no rule understands it (it goes to
 * the LLM, or stays unverified offline).
 */
export function judgeByRule(criterion: string, inputs: JudgedInputs): RuleOutcome | undefined {
  const text = criterion
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[.!]+$/, '');
  for (const rule of CRITERION_RULES) {
    const match = rule.pattern.exec(text);
    if (match) return { rule: rule.name, ...rule.check(match, inputs) } as RuleOutcome;
  }
  return undefined;
}

/** Ids of the inputs whose text contains `needle`, ignoring case. */
function inputsContaining(needle: string, inputs: JudgedInputs): string[] {
  const lower = needle.toLowerCase();
  return Object.entries(inputs)
    .filter(([, v]) => textOf(v).toLowerCase().includes(lower))
    .map(([id]) => id);
}
