import { ARM_NAMES } from '../../src/shared/plan';
import { armActivityLimits, loadArmRegistry, primaryInstance } from '../../src/config/arms';

const urls = Object.fromEntries(
  ARM_NAMES.map((a, i) => [a, `http://127.0.0.1:${9000 + i}`]),
) as Record<(typeof ARM_NAMES)[number], string>;
const json = (value: unknown) => JSON.stringify(value);

test('without ARMS_CONFIG there is one instance per arm at its URL, with per-arm timeouts', () => {
  const registry = loadArmRegistry(undefined, urls);
  expect(registry.map((a) => a.name)).toEqual([...ARM_NAMES]);
  expect(primaryInstance(registry, 'coder').url).toBe(urls.coder);
  expect(armActivityLimits(registry).retriever).toEqual({
    timeoutSeconds: 30,
    maxAttempts: 5,
    concurrency: 2,
  });
});

test('declared instances replace defaults of the same name and may chain a fallback', () => {
  const registry = loadArmRegistry(
    json([
      {
        name: 'coder',
        arm: 'coder',
        url: 'http://10.0.0.5:8111',
        fallback: 'coder-backup',
        timeout_seconds: 600,
      },
      { name: 'coder-backup', arm: 'coder', url: 'http://10.0.0.6:8111' },
    ]),
    urls,
  );
  expect(primaryInstance(registry, 'coder')).toMatchObject({
    url: 'http://10.0.0.5:8111',
    fallback: 'coder-backup',
  });
  expect(armActivityLimits(registry).coder.timeoutSeconds).toBe(600);
  expect(registry).toHaveLength(ARM_NAMES.length + 1);
});

test.each([
  [
    [{ name: 'x', arm: 'coder', url: 'http://h', fallback: 'nope' }],
    /fallback "nope" is not declared/,
  ],
  [
    [
      { name: 'x', arm: 'coder', url: 'http://h', fallback: 'y' },
      { name: 'y', arm: 'judge', url: 'http://h' },
    ],
    /fallback "y" serves judge, not coder/,
  ],
  [[{ name: 'coder', arm: 'judge', url: 'http://h' }], /named after an arm must serve it/],
  [
    [
      { name: 'x', arm: 'coder', url: 'http://h' },
      { name: 'x', arm: 'coder', url: 'http://h2' },
    ],
    /declared twice/,
  ],
  [[{ name: 'x', arm: 'coder', url: 'not a url' }], /url/i],
])('an inconsistent registry is refused: %j', (declared, message) => {
  expect(() => loadArmRegistry(json(declared), urls)).toThrow(message);
});
