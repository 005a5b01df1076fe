import type { ModelPrice } from '../../src/shared/model-cost';
import {
  MIN_COMPLETION_TOKENS,
  completionTokensWithin,
  estimatePromptTokens,
  worstCase,
} from '../../src/shared/model-cost';

const priced: ModelPrice = { input_usd_per_1k: 0.01, output_usd_per_1k: 0.03 };
const free: ModelPrice = { input_usd_per_1k: 0, output_usd_per_1k: 0 };
const plenty = { tokens: 1_000_000, cost_usd: 1_000 };

describe('estimatePromptTokens', () => {
  test('one token per 3 characters, rounded up, and 4 per message', () => {
    expect(estimatePromptTokens([])).toBe(0);
    expect(estimatePromptTokens([{ content: 'abcdef' }])).toBe(2 + 4);
    expect(estimatePromptTokens([{ content: 'abcdefg' }, { content: '' }])).toBe(3 + 8);
  });

  test('content that is not a string counts as its JSON', () => {
    const parts = [{ type: 'text', text: 'hello' }];
    const json = JSON.stringify(parts).length;
    expect(estimatePromptTokens([{ content: parts }])).toBe(Math.ceil(json / 3) + 4);
    // A message without content (an assistant tool call) still costs its framing.
    expect(estimatePromptTokens([{}])).toBe(Math.ceil(2 / 3) + 4);
  });

  test('errs on the safe side of the usual 4 characters per token', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20);
    expect(estimatePromptTokens([{ content: text }])).toBeGreaterThan(text.length / 4);
  });
});

describe('completionTokensWithin', () => {
  test('a roomy grant gives the cap', () => {
    expect(completionTokensWithin(plenty, 500, priced, 2_000)).toEqual({ maxTokens: 2_000 });
  });

  test('the grant’s tokens cap the completion after the prompt', () => {
    expect(completionTokensWithin({ tokens: 1_000, cost_usd: 1_000 }, 300, priced, 2_000)).toEqual({
      maxTokens: 700,
    });
  });

  test('the grant’s USD cap the completion at the output price, after the prompt’s cost', () => {
    const grant = { tokens: 1_000_000, cost_usd: 0.01 };
    // The prompt costs 100 * 0.01/1k = $0.001; $0.009 buys 300 tokens at 0.03/1k.
    const fit = completionTokensWithin(grant, 100, priced, 2_000);
    expect(fit).toEqual({ maxTokens: 300 });
    const { maxTokens } = fit as { maxTokens: number };
    expect(worstCase(priced, 100, maxTokens).cost_usd).toBeLessThanOrEqual(grant.cost_usd + 1e-12);
    expect(worstCase(priced, 100, maxTokens + 1).cost_usd).toBeGreaterThan(grant.cost_usd);
  });

  test('exactly the smallest completion still fits', () => {
    const grant = { tokens: 100 + MIN_COMPLETION_TOKENS, cost_usd: 1 };
    expect(completionTokensWithin(grant, 100, priced, 2_000)).toEqual({
      maxTokens: MIN_COMPLETION_TOKENS,
    });
  });

  test('when not even the smallest completion fits, says what the call needs', () => {
    const needed = worstCase(priced, 100, MIN_COMPLETION_TOKENS);
    expect(needed).toEqual({
      tokens: 100 + MIN_COMPLETION_TOKENS,
      cost_usd: 0.001 + (MIN_COMPLETION_TOKENS / 1000) * 0.03,
    });
    const byTokens = { tokens: 100 + MIN_COMPLETION_TOKENS - 1, cost_usd: 1 };
    expect(completionTokensWithin(byTokens, 100, priced, 2_000)).toEqual({ needed });
    const byCost = { tokens: 1_000_000, cost_usd: needed.cost_usd * 0.9 };
    expect(completionTokensWithin(byCost, 100, priced, 2_000)).toEqual({ needed });
    // A prompt larger than the whole grant, and an empty grant.
    expect(completionTokensWithin({ tokens: 50, cost_usd: 1 }, 100, priced, 2_000)).toEqual({
      needed,
    });
    expect(completionTokensWithin({ tokens: 0, cost_usd: 0 }, 100, priced, 2_000)).toEqual({
      needed,
    });
  });

  test('a cap below the smallest completion is refused rather than exceeded', () => {
    expect(completionTokensWithin(plenty, 10, priced, MIN_COMPLETION_TOKENS - 1)).toHaveProperty(
      'needed',
    );
  });

  test('a free model is limited by tokens only, and needs no USD', () => {
    const noMoney = { tokens: 1_000, cost_usd: 0 };
    expect(completionTokensWithin(noMoney, 200, free, 2_000)).toEqual({ maxTokens: 800 });
    expect(completionTokensWithin({ tokens: 210, cost_usd: 0 }, 200, free, 2_000)).toEqual({
      needed: { tokens: 200 + MIN_COMPLETION_TOKENS, cost_usd: 0 },
    });
  });
});
