import {
  formatResult,
  isFailure,
  namesTheCause,
  runScenario,
  scenarios,
  startChaosStack,
  type ChaosStack,
  type ScenarioResult,
} from '../../chaos/chaos';

// A fast subset of `npm run chaos`: the system as deployed (each piece its own process), a
// worker SIGKILLed with tasks in flight, PostgreSQL frozen under the API and restarted, an arm answering
// bodies cut short. The full suite runs every scenario with 100 tasks and 20 s faults.
jest.setTimeout(300_000);

let chaos: ChaosStack | undefined;

beforeAll(async () => {
  chaos = await startChaosStack(() => undefined);
}, 300_000);

afterAll(async () => {
  await chaos?.stop();
});

const subset = scenarios({ tasks: 20, faultSeconds: 8 });
const scenario = (name: string) => subset.find((s) => s.name === name)!;

async function run(name: string): Promise<ScenarioResult> {
  const result = await runScenario(chaos!, scenario(name), () => undefined);
  process.stderr.write(`[chaos] ${formatResult(result)}\n`);
  return result;
}

test('a worker killed with tasks in flight: a new one finishes them all, no step runs unseen', async () => {
  const result = await run('worker-sigkill');
  expect(result).toMatchObject({ lost: 0, duplicatedSteps: 0, hiddenReruns: 0, serverErrors: 0 });
  expect(result.completed).toBe(result.submitted);
  expect(isFailure(result)).toBe(false);
});

test('PostgreSQL frozen: the API answers 503 meanwhile, never a 5xx else or a hang, and every task completes after', async () => {
  const result = await run('postgres-freeze');
  expect(result.unavailable).toBeGreaterThan(0);
  expect(result).toMatchObject({ lost: 0, serverErrors: 0, slow: 0, failed: [] });
  expect(result.completed).toBe(result.submitted);
});

test('PostgreSQL restarted under load: every task completes, its projection writes retried', async () => {
  const result = await run('postgres-restart');
  expect(result).toMatchObject({ lost: 0, serverErrors: 0, slow: 0, failed: [] });
  expect(result.completed).toBe(result.submitted);
});

test('arms answering bodies cut short: retried, and a task that fails names the arm', async () => {
  const result = await run('arms-malformed');
  expect(result).toMatchObject({ lost: 0, duplicatedSteps: 0, hiddenReruns: 0 });
  expect(result.retriedSteps).toBeGreaterThan(0);
  expect(namesTheCause(result)).toBe(true);
  expect(isFailure(result, { failedAllowed: true })).toBe(false);
});
