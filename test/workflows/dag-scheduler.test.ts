import { scheduleSteps } from '../../src/workflows/dag-scheduler';
import type { StepState } from '../../src/workflows/definitions';

const steps = [
  { id: 'a', depends_on: [] },
  { id: 'b', depends_on: [] },
  { id: 'c', depends_on: ['a'] },
  { id: 'd', depends_on: ['a', 'b'] },
  { id: 'e', depends_on: ['d'] },
];

const states = (overrides: Record<string, StepState>): Record<string, StepState> => ({
  a: 'waiting',
  b: 'waiting',
  c: 'waiting',
  d: 'waiting',
  e: 'waiting',
  ...overrides,
});

test('independent steps start together', () => {
  expect(scheduleSteps(steps, states({}), 4)).toEqual({ start: ['a', 'b'], skip: [], done: false });
});

test('the parallel limit counts running steps', () => {
  expect(scheduleSteps(steps, states({}), 1).start).toEqual(['a']);
  expect(scheduleSteps(steps, states({ a: 'running' }), 1).start).toEqual([]);
  expect(scheduleSteps(steps, states({ a: 'running' }), 2).start).toEqual(['b']);
});

test('a step starts only when every dependency has completed', () => {
  expect(scheduleSteps(steps, states({ a: 'completed', b: 'running' }), 4).start).toEqual(['c']);
  expect(
    scheduleSteps(steps, states({ a: 'completed', b: 'completed', c: 'running' }), 4).start,
  ).toEqual(['d']);
});

test('a failed dependency skips its dependents, transitively, with the reason', () => {
  const first = scheduleSteps(steps, states({ a: 'completed', b: 'failed', c: 'running' }), 4);
  expect(first.skip).toEqual([{ id: 'd', reason: 'dependency b failed' }]);
  expect(first.start).toEqual([]);
  const second = scheduleSteps(
    steps,
    states({ a: 'completed', b: 'failed', c: 'running', d: 'skipped' }),
    4,
  );
  expect(second.skip).toEqual([{ id: 'e', reason: 'dependency d skipped' }]);
});

test('done when everything has finished and nothing runs', () => {
  expect(
    scheduleSteps(
      steps,
      states({ a: 'completed', b: 'completed', c: 'completed', d: 'completed', e: 'running' }),
      4,
    ).done,
  ).toBe(false);
  expect(
    scheduleSteps(
      steps,
      states({ a: 'completed', b: 'completed', c: 'completed', d: 'completed', e: 'completed' }),
      4,
    ),
  ).toEqual({ start: [], skip: [], done: true });
  // Skipping the last waiting steps finishes the plan in the same turn.
  expect(
    scheduleSteps(steps, states({ a: 'completed', b: 'failed', c: 'completed', d: 'skipped' }), 4)
      .done,
  ).toBe(true);
});

test('plan order breaks ties, so decisions replay identically', () => {
  const reversed = [...steps].reverse();
  expect(scheduleSteps(reversed, states({}), 1).start).toEqual(['b']);
  expect(scheduleSteps(steps, states({}), 1).start).toEqual(['a']);
});

test('an arm limit holds back steps on a busy arm, not on others', () => {
  const withArms = [
    { id: 'a', arm: 'retriever', depends_on: [] },
    { id: 'b', arm: 'retriever', depends_on: [] },
    { id: 'c', arm: 'coder', depends_on: [] },
  ];
  const none: Record<string, StepState> = { a: 'waiting', b: 'waiting', c: 'waiting' };
  expect(scheduleSteps(withArms, none, 4, { retriever: 1 }).start).toEqual(['a', 'c']);
  expect(scheduleSteps(withArms, { ...none, a: 'running' }, 4, { retriever: 1 }).start).toEqual([
    'c',
  ]);
  expect(scheduleSteps(withArms, none, 4).start).toEqual(['a', 'b', 'c']);
});
