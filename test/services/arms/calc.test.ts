import { AppError } from '../../../src/http/app-error';
import { createCalculator } from '../../../src/services/arms/executor/calc';

const calc = createCalculator({ maxLength: 200 });

describe('calc evaluates arithmetic and units', () => {
  test.each([
    ['2 * (3 + 4)', '14', 14, undefined],
    ['sqrt(16)', '4', 4, undefined],
    ['0.1 + 0.2', '0.3', 0.3, undefined],
    ['5 km to m', '5000 m', 5000, 'm'],
    ['100 km/h to m/s', '27.777777777778 m / s', 27.777777777778, 'm / s'],
    ['5 inch to cm', '12.7 cm', 12.7, 'cm'],
    ['10 kg * 9.81 m/s^2', '98.1 N', 98.1, 'N'],
    ['mean([2, 4, 9])', '5', 5, undefined],
    ['15% * 200', '30', 30, undefined],
    ['round(pi, 3)', '3.142', 3.142, undefined],
  ])('%s = %s', (expression, result, value, unit) => {
    expect(calc(expression)).toEqual({
      tool: 'calc',
      expression,
      result,
      value,
      ...(unit ? { unit } : {}),
    });
  });

  test('several statements report every result, the last one as the result', () => {
    expect(calc('price = 20\nqty = 3\nprice * qty')).toMatchObject({
      result: '60',
      results: ['20', '3', '60'],
      value: 60,
    });
  });

  test('results that are not finite numbers have no value', () => {
    expect(calc('1/0')).toEqual({ tool: 'calc', expression: '1/0', result: 'Infinity' });
    expect(calc('sqrt(-4)').result).toBe('2i');
    expect(calc('3 > 2').result).toBe('true');
  });
});

describe('calc refuses what untrusted input must not do', () => {
  test.each([
    ['import({x: 1}, {override: true})', /function import is not allowed/],
    ['createUnit("furlong", "220 yard")', /function createUnit is not allowed/],
    ['evaluate("2 + 2")', /function evaluate is not allowed/],
    ['parse("x + 1")', /function parse is not allowed/],
    ['simplify("x + x")', /function simplify is not allowed/],
    ['derivative("x^2", "x")', /function derivative is not allowed/],
    ['f(x) = f(x) + 1', /function definitions are not allowed/],
    ['1:1e9', /ranges are not allowed/],
    ['ones(10000, 10000)', /function ones is not allowed/],
    ['combinations(1e9, 5e8)', /function combinations is not allowed/],
    ['s = sqrt; s(4)', /function sqrt cannot be used as a value/],
    ['map([1, 2], evaluate)', /function map is not allowed/],
    ['a.constructor', /property and index access are not allowed/],
    ['[1, 2][1]', /property and index access are not allowed/],
    ['{a: 1}', /objects are not allowed/],
    ['"text"', /text constants are not allowed/],
  ])('%s', (expression, message) => {
    let error: unknown;
    try {
      calc(expression);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('VALIDATION_FAILED');
    expect((error as AppError).message).toMatch(message);
  });

  test('expressions over the length cap, empty ones, syntax errors and unknown symbols', () => {
    expect(() => calc('1 + '.repeat(60) + '1')).toThrow(/241 characters; the limit is 200/);
    expect(() => calc('   ')).toThrow(/empty/);
    expect(() => calc('2 +')).toThrow(/cannot parse/);
    expect(() => calc('foo * 2')).toThrow(/Undefined symbol foo/);
  });
});
