import http from 'node:http';
import request from 'supertest';
import { startSystem, waitForStatus, type TestSystem } from '../support/system';

// A multi-megabyte step output must not bloat the workflow history: Temporal limits a payload
// to 2 MB and ends a workflow whose history passes its limits.
let system: TestSystem;
let bigArm: http.Server;
const OUTPUT_BYTES = 3 * 1024 * 1024;

beforeAll(async () => {
  system = await startSystem();
  // A real arm whose every answer is 3 MB of harmless text.
  const text = 'The quick brown fox jumps over the lazy dog. '
    .repeat(Math.ceil(OUTPUT_BYTES / 45))
    .slice(0, OUTPUT_BYTES);
  bigArm = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          output: text,
          summary: 'a large output',
          confidence: 1,
          usage: { tokens: 0, cost_usd: 0 },
          mode: 'tool',
        }),
      );
    });
  });
  await new Promise<void>((r) => bigArm.listen(0, '127.0.0.1', r));
}, 180_000);

afterAll(async () => {
  bigArm?.closeAllConnections();
  await new Promise((r) => bigArm?.close(r));
  await system?.stop();
}, 60_000);

test('multi-megabyte outputs are stored in PostgreSQL and passed by reference', async () => {
  const url = `http://127.0.0.1:${(bigArm.address() as { port: number }).port}`;
  const armUrls = Object.fromEntries(Object.keys(system.urls.armUrls).map((arm) => [arm, url]));
  const api = await system.addLane('octollm-e2e-large', {
    ...system.urls,
    armUrls: armUrls as typeof system.urls.armUrls,
  });
  const res = await request(api).post('/submit').send({ goal: 'Summarise the fox corpus' });
  const id = res.body.task_id as string;
  const task = await waitForStatus(api, id, ['completed', 'failed', 'blocked'], 120_000);
  expect(task.status).toBe('completed');

  // The full outputs are served from the projection…
  const results = await request(api).get(`/tasks/${id}/results`);
  const steps = results.body.steps as { output: string }[];
  expect(steps.every((s) => s.output.length === OUTPUT_BYTES)).toBe(true);
  expect((results.body.result.output.final as string).length).toBe(OUTPUT_BYTES);

  // …while the history holds only references.
  const handle = system.client.workflow.getHandle(`task-${id}`);
  const { historySize, historyLength } = await handle.describe();
  process.stderr.write(
    `large-output task: ${steps.length} steps of ${OUTPUT_BYTES} bytes; history ${historyLength} events, ${historySize} bytes\n`,
  );
  expect(historySize).toBeLessThan(256 * 1024);
}, 180_000);
