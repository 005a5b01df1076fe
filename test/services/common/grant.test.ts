import {
  budgetInsufficient,
  chargeGrant,
  remainingGrant,
} from '../../../src/services/common/grant';

test('a remaining grant is a fresh copy, whole tokens, never negative', () => {
  const left = { tokens: 1_500.7, cost_usd: 0.25, seconds: 30 };
  expect(remainingGrant(left)).toEqual({ tokens: 1_500, cost_usd: 0.25 });
  expect(remainingGrant({ tokens: -20, cost_usd: -0.5 })).toEqual({ tokens: 0, cost_usd: 0 });
  const grant = remainingGrant(left);
  chargeGrant(grant, { tokens: 100, cost_usd: 0.05 });
  expect(left).toMatchObject({ tokens: 1_500.7, cost_usd: 0.25 });
});

test('charging takes the usage off the grant, down to 0 at most', () => {
  const grant = { tokens: 1_000, cost_usd: 0.1 };
  chargeGrant(grant, { tokens: 400, cost_usd: 0.04 });
  expect(grant.tokens).toBe(600);
  expect(grant.cost_usd).toBeCloseTo(0.06, 12);
  chargeGrant(grant, { tokens: 700, cost_usd: 0.5 });
  expect(grant).toEqual({ tokens: 0, cost_usd: 0 });
});

test('the refusal is a 402 carrying what is needed, and says what is left', () => {
  const error = budgetInsufficient(
    { tokens: 50, cost_usd: 0.0001 },
    { tokens: 164, cost_usd: 0.00292 },
  );
  expect(error).toMatchObject({ code: 'BUDGET_INSUFFICIENT', status: 402 });
  expect(error.extra).toEqual({ needed: { tokens: 164, cost_usd: 0.00292 } });
  expect(error.message).toBe(
    'Budget too small: the model call needs at least 164 tokens and $0.00292, ' +
      'but the grant has only 50 tokens and $0.0001 left',
  );
});
