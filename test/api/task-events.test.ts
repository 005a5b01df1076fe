import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { useApiOnDatabase } from '../support/api-on-database';
import { insertStep, insertTask } from '../support/task-rows';

// GET /tasks/:id/events on real PostgreSQL, its change notifications and a real HTTP socket.
const system = useApiOnDatabase({ taskChanges: true });
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = system().api.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Opens the stream; `events` fills as they come, `ended` resolves when the server closes it. */
function openStream(id: string) {
  const events: SseEvent[] = [];
  let onEvent = () => {};
  const ended = new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
    http
      .get(`${base}/tasks/${id}/events`, (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
            onEvent();
          }
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] }),
        );
      })
      .on('error', reject);
  });
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => events.length >= count && resolve();
      onEvent = check;
      check();
    });
  return { events, ended, until };
}

test('streams the current state, then every status change in order, and closes at the end', async () => {
  const id = randomUUID();
  const prisma = system().db.prisma;
  await insertTask(prisma, id, { status: 'pending' });
  await insertStep(prisma, id, { stepId: 's1', position: 0 });
  await insertStep(prisma, id, { stepId: 's2', position: 1 });
  const stream = openStream(id);
  await stream.until(3); // pending, s1 waiting, s2 waiting
  const write = (status: string, seq: number) =>
    prisma.task.updateMany({
      where: { id, statusSeq: { lt: seq } },
      data: { status, statusSeq: seq },
    });
  const step = (stepId: string, status: string) =>
    prisma.planStep.update({ where: { taskId_stepId: { taskId: id, stepId } }, data: { status } });
  // Back to back, faster than any reader: each still arrives, in order.
  await write('screening', 1);
  await write('planning', 2);
  await write('running', 3);
  await step('s1', 'running');
  await step('s1', 'completed');
  await write('planning', 2); // a late retry of an older write: it does not land
  await step('s2', 'completed');
  await write('completed', 4);
  const { status, type } = await stream.ended;
  expect(status).toBe(200);
  expect(type).toMatch(/^text\/event-stream/);
  const statuses = stream.events.filter((e) => e.event === 'status').map((e) => e.data.status);
  expect(statuses).toEqual(['pending', 'screening', 'planning', 'running', 'completed']);
  expect(stream.events.at(-1)).toEqual({ event: 'end', data: { status: 'completed' } });
  // Steps: as first seen, then their changes; each step ends in its final state.
  const steps = stream.events.filter((e) => e.event === 'step').map((e) => e.data);
  expect(steps.slice(0, 2)).toEqual([
    { step_id: 's1', status: 'waiting' },
    { step_id: 's2', status: 'waiting' },
  ]);
  const last = (stepId: string) => steps.filter((s) => s.step_id === stepId).at(-1)?.status;
  expect([last('s1'), last('s2')]).toEqual(['completed', 'completed']);
});

test('a task that has ended streams its state and ends at once', async () => {
  const id = randomUUID();
  await insertTask(system().db.prisma, id, { status: 'failed' });
  const stream = openStream(id);
  await stream.ended;
  expect(stream.events).toEqual([
    { event: 'status', data: { status: 'failed', seq: 0 } },
    { event: 'end', data: { status: 'failed' } },
  ]);
});

test('an unknown task is a 404, a malformed id a 400', async () => {
  const missing = await request(system().api).get(`/tasks/${randomUUID()}/events`);
  expect(missing.status).toBe(404);
  const bad = await request(system().api).get('/tasks/nope/events');
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].field).toBe('id');
});
