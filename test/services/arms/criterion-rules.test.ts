import { CRITERION_RULES, judgeByRule } from '../../../src/services/arms/judge/criterion-rules';

const retrieved = (n: number) => ({
  query: 'x',
  passages: Array.from({ length: n }, (_, i) => ({ title: `t${i}`, source: `s${i}` })),
});
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

type Expected = ['pass' | 'fail' | 'undecided', string] | undefined;

// criterion, inputs, expected [verdict, rule] (undefined: no rule understands it)
const TABLE: [string, Record<string, unknown>, Expected][] = [
  // non-empty
  ['summary is non-empty', { s1: 'A summary.' }, ['pass', 'non-empty']],
  ['The output must not be empty.', { s1: '  ' }, ['fail', 'non-empty']],
  ['non-empty', { s1: 'text', s2: {} }, ['fail', 'non-empty']],
  ['Result is not empty', {}, ['fail', 'non-empty']],
  ['returns a non-empty result', { s1: [1] }, ['pass', 'non-empty']],
  // valid JSON
  ['output is valid JSON', { s1: '{"a": 1}', s2: { b: 2 } }, ['pass', 'valid-json']],
  ['Valid JSON', { s1: '{"a": 1' }, ['fail', 'valid-json']],
  ['the result is a valid JSON array', { s1: '{"a": 1}' }, ['fail', 'valid-json']],
  ['must parse as JSON', { s1: '[1, 2]' }, ['pass', 'valid-json']],
  ['output is valid JSON', {}, ['undecided', 'valid-json']],
  // contains / does not contain
  ['contains "Berlin"', { s1: 'The capital is berlin.' }, ['pass', 'contains']],
  ['The answer must mention “Temporal”', { s1: 'Uses Kafka.' }, ['fail', 'contains']],
  ['includes the word "cache"', { s1: { note: 'a cache layer' } }, ['pass', 'contains']],
  ['does not contain "password"', { s1: 'no secrets here' }, ['pass', 'not-contains']],
  ["must not include 'TODO'", { s1: 'done', s2: 'TODO: tests' }, ['fail', 'not-contains']],
  // counts
  ['at most 200 words', { s1: words(150) }, ['pass', 'count']],
  ['The summary is no more than 50 words long', { s1: words(51) }, ['fail', 'count']],
  ['at least three passages', { s1: retrieved(3) }, ['pass', 'count']],
  ['returns at least 3 passages', { s1: retrieved(1), s2: retrieved(2) }, ['fail', 'count']],
  ['at least 3 passages', { s1: retrieved(5), s2: retrieved(1) }, ['undecided', 'count']],
  ['at least 3 passages', { s1: 'a text' }, ['undecided', 'count']],
  ['has at least 2 items', { s1: ['a', 'b', 'c'] }, ['pass', 'count']],
  ['at least 2 items', { s1: '- one\n- two\n' }, ['pass', 'count']],
  ['fewer than 5 lines', { s1: 'a\nb\nc\nd\ne' }, ['fail', 'count']],
  ['under 100 characters', { s1: 'short' }, ['pass', 'count']],
  ['between 10 and 20 words', { s1: words(12) }, ['pass', 'count-between']],
  ['is between 10 and 20 words long', { s1: words(25) }, ['fail', 'count-between']],
  ['at most 200 words', { s1: { value: 3 } }, ['undecided', 'count']],
  // numbers
  [
    'result is between 10 and 20',
    { s1: { tool: 'calc', value: 12.5 } },
    ['pass', 'number-between'],
  ],
  ['The result is between 10 and 20.', { s1: 25 }, ['fail', 'number-between']],
  ['at least 3', { s1: '3' }, ['pass', 'number-compare']],
  ['total is greater than 1,000', { s1: { total: 999 } }, ['fail', 'number-compare']],
  ['value >= 0', { s1: { result: -1 } }, ['fail', 'number-compare']],
  ['result is exactly 42', { s1: 42 }, ['pass', 'number-compare']],
  ['result is at least 3', { s1: 'three apples' }, ['undecided', 'number-compare']],
  ['result is at least 3', { s1: 4, s2: 5 }, ['undecided', 'number-compare']],
  // not understood: left to the LLM, never guessed
  [
    'Returns at least three relevant passages, each with its source',
    { s1: retrieved(5) },
    undefined,
  ],
  ['Every claim cites a retrieved source', { s1: 'text' }, undefined],
  ['Output is JSON containing only the fields the goal needs', { s1: '{}' }, undefined],
  ['The code is complete and syntactically valid', { s1: 'x' }, undefined],
  ['contains Berlin', { s1: 'Berlin' }, undefined],
  ['at least 3 relevant items', { s1: [1, 2, 3] }, undefined],
  ['summary is accurate and non-empty', { s1: 'x' }, undefined],
];

test.each(TABLE)('%j with %j → %j', (criterion, inputs, expected) => {
  const outcome = judgeByRule(criterion, inputs);
  if (expected === undefined) {
    expect(outcome).toBeUndefined();
  } else {
    expect(outcome).toMatchObject({ verdict: expected[0], rule: expected[1] });
    expect(outcome!.detail).toBeTruthy();
  }
});

test('every rule is exercised by the table, with a pass and a fail', () => {
  for (const rule of CRITERION_RULES) {
    const verdicts = TABLE.filter(([, , e]) => e?.[1] === rule.name).map(([, , e]) => e![0]);
    expect({
      rule: rule.name,
      pass: verdicts.includes('pass'),
      fail: verdicts.includes('fail'),
    }).toEqual({
      rule: rule.name,
      pass: true,
      fail: true,
    });
  }
});

test('each rule’s own example is understood by that rule', () => {
  for (const rule of CRITERION_RULES) {
    expect(judgeByRule(rule.example, { s1: 'x' })?.rule).toBe(rule.name);
  }
});
