import http from 'node:http';
import pino from 'pino';
import request from 'supertest';
import { armInstanceSchema, type ArmInstance } from '../../src/config/arms';
import { listen } from '../../src/runtime/services';
import { createArmApp } from '../../src/services/arms/arm-app';
import { createArmDescriptors } from '../../src/services/arms/arm-registry';
import { ARM_NAMES } from '../../src/shared/plan';
import { startSystem, waitForStatus, type TestSystem } from '../support/system';

// Arms that die mid-task: the step is rerouted to the fallback, or retried until the arm returns.
let system: TestSystem;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  system = await startSystem();
}, 180_000);

afterAll(async () => {
  await system?.stop();
}, 60_000);

/** A real coder arm service on its own port. */
async function startCoder(port = 0): Promise<http.Server> {
  const arms = createArmDescriptors({ reflexUrl: system.urls.reflexUrl, prisma: system.db.prisma });
  return listen(createArmApp({ arm: arms.coder, logger: silent }).app, port, '127.0.0.1', 'coder');
}

const urlOf = (server: http.Server) =>
  `http://127.0.0.1:${(server.address() as { port: number }).port}`;

/** The lane's registry: the system's arms, with coder instances replaced. */
function registry(coders: Partial<ArmInstance>[]): ArmInstance[] {
  const others = ARM_NAMES.filter((a) => a !== 'coder').map((arm) =>
    armInstanceSchema.parse({ name: arm, arm, url: system.urls.armUrls[arm], timeout_seconds: 30 }),
  );
  return [
    ...coders.map((c) => armInstanceSchema.parse({ arm: 'coder', timeout_seconds: 30, ...c })),
    ...others,
  ];
}

async function coderStep(api: Parameters<typeof waitForStatus>[0], id: string) {
  const task = await waitForStatus(api, id, ['completed', 'failed', 'blocked'], 90_000);
  expect(task.status).toBe('completed');
  const steps = task.steps as {
    arm: string;
    attempts: number;
    served_by: string;
    status: string;
  }[];
  const coder = steps.find((s) => s.arm === 'coder');
  expect(coder).toBeDefined();
  return coder!;
}

const GOAL = { goal: 'Write a Python function that reverses a string, with tests' };

test('an arm killed mid-call is replaced by its fallback and the task completes', async () => {
  // The primary accepts the call, then dies with the request in flight.
  let received!: () => void;
  const gotRequest = new Promise<void>((r) => (received = r));
  const primary = http.createServer((req, res) => {
    if (req.url === '/health') return void res.end('{"status":"ok"}');
    received();
  });
  await new Promise<void>((r) => primary.listen(0, '127.0.0.1', r));
  const backup = await startCoder();
  const api = await system.addLane(
    'octollm-e2e-failover',
    system.urls,
    registry([
      { name: 'coder', url: urlOf(primary), fallback: 'coder-backup' },
      { name: 'coder-backup', url: urlOf(backup) },
    ]),
  );

  const res = await request(api).post('/submit').send(GOAL);
  await gotRequest;
  primary.closeAllConnections();
  primary.close();

  const coder = await coderStep(api, res.body.task_id as string);
  expect(coder.attempts).toBeGreaterThanOrEqual(2);
  expect(coder.served_by).toBe('coder-backup');
  const arms = await request(api).get('/arms');
  const states = Object.fromEntries(
    (arms.body.arms as { name: string; health: { healthy: boolean } }[]).map((a) => [
      a.name,
      a.health.healthy,
    ]),
  );
  expect(states).toMatchObject({ coder: false, 'coder-backup': true });
  backup.close();
}, 120_000);

test('an arm with no fallback is retried until it comes back', async () => {
  const first = await startCoder();
  const port = (first.address() as { port: number }).port;
  const api = await system.addLane(
    'octollm-e2e-retry',
    system.urls,
    registry([{ name: 'coder', url: urlOf(first) }]),
  );
  // Down before the task reaches its coder step; back a few seconds later on the same port.
  first.closeAllConnections();
  await new Promise((r) => first.close(r));
  const res = await request(api).post('/submit').send(GOAL);
  const id = res.body.task_id as string;
  await waitForStatus(api, id, ['running']);
  await new Promise((r) => setTimeout(r, 4_000));
  const again = await startCoder(port);

  const coder = await coderStep(api, id);
  expect(coder.attempts).toBeGreaterThanOrEqual(2);
  expect(coder.served_by).toBe('coder');
  again.close();
}, 120_000);
