import { ConfigError, loadConfig } from '../../src/config';
import { DEFAULT_MODEL_PRICES, parseLlmPricing } from '../../src/config/pricing';
import { costOf, priceOf, UNKNOWN_MODEL_PRICE } from '../../src/shared/model-cost';

describe('LLM_PRICING', () => {
  test('unset: the default table', () => {
    expect(parseLlmPricing(undefined)).toEqual({ prices: DEFAULT_MODEL_PRICES });
    expect(loadConfig({}).llm.prices['gpt-4o-mini']).toEqual(DEFAULT_MODEL_PRICES['gpt-4o-mini']);
  });

  test('adds models and overrides defaults', () => {
    const config = loadConfig({
      LLM_PRICING: JSON.stringify({
        'local-llama': { input_usd_per_1k: 0, output_usd_per_1k: 0 },
        'gpt-4o-mini': { input_usd_per_1k: 0.15, output_usd_per_1k: 0.6 },
      }),
    });
    expect(config.llm.prices['local-llama']).toEqual({ input_usd_per_1k: 0, output_usd_per_1k: 0 });
    expect(config.llm.prices['gpt-4o-mini']).toEqual({
      input_usd_per_1k: 0.15,
      output_usd_per_1k: 0.6,
    });
    expect(config.llm.prices['gpt-4o']).toEqual(DEFAULT_MODEL_PRICES['gpt-4o']);
  });

  test.each([
    ['{not json', /LLM_PRICING: not JSON/],
    ['[1, 2]', /LLM_PRICING: /],
    [
      '{"m": {"input_usd_per_1k": -1, "output_usd_per_1k": 0}}',
      /LLM_PRICING\.m\.input_usd_per_1k: must be 0 or more/,
    ],
    [
      '{"m": {"input_usd_per_1k": "cheap", "output_usd_per_1k": 0}}',
      /LLM_PRICING\.m\.input_usd_per_1k: must be a number of USD/,
    ],
    ['{"m": {"input_usd_per_1k": 1}}', /LLM_PRICING\.m\.output_usd_per_1k/],
    ['{"m": {"input_usd_per_1k": 1, "output_usd_per_1k": 1, "per": 2}}', /LLM_PRICING\.m: .*per/],
  ])('%s is a ConfigError naming where', (json, message) => {
    expect(() => loadConfig({ LLM_PRICING: json })).toThrow(ConfigError);
    expect(() => loadConfig({ LLM_PRICING: json })).toThrow(message);
  });

  test('a call costs its prompt and completion tokens at their own prices', () => {
    const price = { input_usd_per_1k: 0.01, output_usd_per_1k: 0.03 };
    expect(costOf(price, { promptTokens: 2_000, completionTokens: 500 })).toBeCloseTo(0.035, 10);
    expect(priceOf({}, 'never-heard-of-it')).toEqual(UNKNOWN_MODEL_PRICE);
  });
});
