import got from 'got';
import http from 'node:http';
import request from 'supertest';
import { startSystem, waitForStatus, type TestSystem } from '../support/system';

// Independent steps of a plan run at the same time: shown from the step start and end times
// the projection records.
let system: TestSystem;
let slowRetriever: http.Server;
const DELAY_MS = 1_500;

beforeAll(async () => {
  system = await startSystem();
  // The real retriever behind a proxy that takes 1.5 s per call, so overlap is unmistakable.
  slowRetriever = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      setTimeout(() => {
        got
          .post(`${system.urls.armUrls.retriever}${req.url}`, {
            body,
            headers: { 'content-type': 'application/json' },
            throwHttpErrors: false,
          })
          .then(
            (upstream) => {
              res.writeHead(upstream.statusCode, { 'content-type': 'application/json' });
              res.end(upstream.body);
            },
            () => res.destroy(),
          );
      }, DELAY_MS);
    });
  });
  await new Promise<void>((r) => slowRetriever.listen(0, '127.0.0.1', r));
}, 180_000);

afterAll(async () => {
  slowRetriever?.closeAllConnections();
  await new Promise((r) => slowRetriever?.close(r));
  await system?.stop();
}, 60_000);

test('steps with no dependency between them overlap in time', async () => {
  const url = `http://127.0.0.1:${(slowRetriever.address() as { port: number }).port}`;
  const api = await system.addLane('octollm-e2e-parallel', {
    ...system.urls,
    armUrls: { ...system.urls.armUrls, retriever: url },
  });
  const res = await request(api)
    .post('/submit')
    .send({ goal: 'Research the history of the Temporal workflow engine and summarise it' });
  const task = await waitForStatus(
    api,
    res.body.task_id as string,
    ['completed', 'failed', 'blocked'],
    60_000,
  );
  expect(task.status).toBe('completed');

  type Step = {
    id: string;
    arm: string;
    depends_on: string[];
    started_at: string;
    completed_at: string;
  };
  const steps = task.steps as Step[];
  const roots = steps.filter((s) => s.depends_on.length === 0);
  expect(roots.length).toBeGreaterThanOrEqual(2); // the plan has parallel branches
  const [a, b] = roots.map((s) => ({
    id: s.id,
    start: Date.parse(s.started_at),
    end: Date.parse(s.completed_at),
  }));
  const overlap = Math.min(a!.end, b!.end) - Math.max(a!.start, b!.start);
  process.stderr.write(`parallel steps ${a!.id} and ${b!.id} overlapped for ${overlap} ms\n`);
  expect(overlap).toBeGreaterThan(DELAY_MS / 2);

  // Dependents start only after every dependency has completed.
  const byId = new Map(steps.map((s) => [s.id, s]));
  for (const step of steps) {
    for (const dep of step.depends_on) {
      expect(Date.parse(step.started_at)).toBeGreaterThanOrEqual(
        Date.parse(byId.get(dep)!.completed_at),
      );
    }
  }
}, 120_000);
