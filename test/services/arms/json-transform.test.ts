import { AppError } from '../../../src/http/app-error';
import {
  DEFAULT_JSON_TRANSFORM_LIMITS,
  jsonTransform,
  type JsonTransformLimits,
} from '../../../src/services/arms/executor/json-transform';
import { rejectionOf } from '../../support/rejection';

// Each transform runs in a real child Node process with jsonata.
const limits = (over: Partial<JsonTransformLimits> = {}): JsonTransformLimits => ({
  ...DEFAULT_JSON_TRANSFORM_LIMITS,
  timeoutMs: 500,
  ...over,
});

const orders = {
  items: [
    { name: 'pen', price: 2, qty: 10 },
    { name: 'lamp', price: 35, qty: 1 },
    { name: 'desk', price: 240, qty: 1 },
  ],
};

const failure = (promise: Promise<unknown>) => rejectionOf(promise, AppError);

test('selects, reshapes and aggregates JSON', async () => {
  await expect(jsonTransform('items[price > 10].name', orders, limits())).resolves.toEqual({
    tool: 'json_transform',
    expression: 'items[price > 10].name',
    result: ['lamp', 'desk'],
  });
  const total = await jsonTransform('$sum(items.(price * qty))', orders, limits());
  expect(total.result).toBe(295);
  const shaped = await jsonTransform('items.{"item": name, "cost": price}', orders, limits());
  expect(shaped.result).toEqual([
    { item: 'pen', cost: 2 },
    { item: 'lamp', cost: 35 },
    { item: 'desk', cost: 240 },
  ]);
});

test('an expression that matches nothing says so', async () => {
  await expect(jsonTransform('nothing.here', orders, limits())).resolves.toEqual({
    tool: 'json_transform',
    expression: 'nothing.here',
    result: null,
    note: 'The expression matched nothing in the input.',
  });
});

test('a syntax error is the step’s fault (400), with its position', async () => {
  const error = await failure(jsonTransform('items[price > ', orders, limits()));
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.message).toMatch(/^json_transform: .*\(at character \d+\)$/);
});

test('endless recursion is stopped by the depth or time cap', async () => {
  const started = Date.now();
  const error = await failure(
    jsonTransform('($f := function($x) { $f($x + 1) + 1 }; $f(0))', {}, limits({ timeoutMs: 300 })),
  );
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.message).toMatch(/ran longer than 300 ms|stack|recursion/i);
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('a long computation is stopped at the time cap', async () => {
  const error = await failure(
    jsonTransform('$sum([1..99999].($sum([1..99999])))', {}, limits({ timeoutMs: 300 })),
  );
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.message).toMatch(/ran longer than 300 ms/);
});

test('a catastrophic regular expression is killed with its process', async () => {
  const started = Date.now();
  const error = await failure(
    jsonTransform(
      '$contains(text, /^(a+)+$/)',
      { text: `${'a'.repeat(40)}!` },
      limits({ timeoutMs: 200 }),
    ),
  );
  expect(error.message).toMatch(/ran longer than 200 ms/);
  // The deadline counts from when evaluation starts, not from process start-up.
  expect(Date.now() - started).toBeLessThan(2_000);
});

test('output over the size cap is refused; so is an oversized input or expression', async () => {
  const big = await failure(
    jsonTransform(
      '[1..2000].("row " & $string($))',
      {},
      limits({ maxBytes: 10_000, timeoutMs: 5_000 }),
    ),
  );
  expect(big.message).toMatch(/over the limit of 10000/);
  const input = await failure(
    jsonTransform('$', { blob: 'x'.repeat(20_000) }, limits({ maxBytes: 10_000 })),
  );
  expect(input.message).toMatch(/the input is \d+ characters; the limit is 10000/);
  const long = await failure(
    jsonTransform('a'.repeat(20), {}, limits({ maxExpressionLength: 10 })),
  );
  expect(long.message).toMatch(/the expression is 20 characters/);
});

test('a memory bomb takes down only its own process, not this one', async () => {
  const error = await failure(
    jsonTransform('$pad("", 400000000)', {}, limits({ timeoutMs: 5_000, memoryMb: 64 })),
  );
  expect(error.code).toBe('VALIDATION_FAILED');
  // This process is still here, and the next transform works.
  await expect(jsonTransform('1 + 1', {}, limits())).resolves.toMatchObject({ result: 2 });
});

test('an aborted request stops the process', async () => {
  const abort = new AbortController();
  const pending = jsonTransform(
    '$contains(t, /^(a+)+$/)',
    { t: `${'a'.repeat(40)}!` },
    limits({ timeoutMs: 10_000 }),
    abort.signal,
  );
  setTimeout(() => abort.abort(), 300);
  const error = await failure(pending);
  expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
  expect(error.message).toMatch(/aborted/);
});
