import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { listenForTaskChanges, type TaskChanges } from '../../src/db/task-changes';
import { insertStep, insertTask } from '../support/task-rows';
import { startTestDatabase, type TestDatabase } from './start-test-database';

// The projection's triggers and the listener, on real PostgreSQL.
let db: TestDatabase;
let changes: TaskChanges;

beforeAll(async () => {
  db = await startTestDatabase();
  changes = await listenForTaskChanges(db.databaseUrl);
}, 60_000);

afterAll(async () => {
  await changes?.close();
  await db?.stop();
});

/**
 * Whether a wait ended by a change (true) or by its time limit (false). A notification arrives
 * within milliseconds; a disconnected listener re-checks after a second, which counts as not heard.
 */
async function heard(wait: ReturnType<TaskChanges['subscribe']>, ms: number): Promise<boolean> {
  const started = Date.now();
  await wait.wait(ms);
  return Date.now() - started < Math.min(ms - 50, 900);
}

describe('task change announcements', () => {
  test('a write to the task, a step or its result wakes that task’s wait, not another’s', async () => {
    const id = randomUUID();
    const other = randomUUID();
    await insertTask(db.prisma, id);
    await insertTask(db.prisma, other);
    await new Promise((r) => setTimeout(r, 200)); // let the inserts' own announcements pass

    let wait = changes.subscribe(id);
    const bystander = changes.subscribe(other);
    await db.prisma.task.update({ where: { id }, data: { status: 'planning' } });
    expect(await heard(wait, 5_000)).toBe(true);
    expect(await heard(bystander, 300)).toBe(false);

    wait = changes.subscribe(id);
    await insertStep(db.prisma, id, { status: 'waiting' });
    expect(await heard(wait, 5_000)).toBe(true);

    wait = changes.subscribe(id);
    await db.prisma.taskResult.create({
      data: { taskId: id, output: {}, summary: 's', confidence: 1, tokens: 0, costUsd: 0 },
    });
    expect(await heard(wait, 5_000)).toBe(true);
  });

  test('a change committed after subscribing but before waiting is not missed', async () => {
    const id = randomUUID();
    await insertTask(db.prisma, id);
    const wait = changes.subscribe(id);
    await db.prisma.task.update({ where: { id }, data: { status: 'planning' } });
    await new Promise((r) => setTimeout(r, 200)); // the notification arrives before wait()
    expect(await heard(wait, 5_000)).toBe(true);
  });

  test('a subscription can wait for the changes it cares about (the task’s status)', async () => {
    const id = randomUUID();
    await insertTask(db.prisma, id);
    await new Promise((r) => setTimeout(r, 200));
    const statuses: (string | undefined)[] = [];
    const ended = changes.subscribe(id, (change) => {
      statuses.push(change.status);
      return change.status === 'completed';
    });
    const woke = heard(ended, 5_000);
    await insertStep(db.prisma, id, { status: 'waiting' });
    await db.prisma.task.update({ where: { id }, data: { status: 'running' } });
    await db.prisma.task.update({ where: { id }, data: { status: 'completed' } });
    expect(await woke).toBe(true);
    expect(statuses).toEqual([undefined, 'running', 'completed']);
  });

  test('a wait ends at its time limit or when its signal aborts', async () => {
    const id = randomUUID();
    expect(await heard(changes.subscribe(id), 300)).toBe(false);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const started = Date.now();
    await changes.subscribe(id).wait(10_000, abort.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('after the listener’s connection is killed, waits wake and it listens again', async () => {
    const own = await listenForTaskChanges(db.databaseUrl);
    try {
      const id = randomUUID();
      await insertTask(db.prisma, id);
      const admin = new Client({ connectionString: db.databaseUrl });
      await admin.connect();
      try {
        const pending = changes.subscribe(id); // on the shared listener: unaffected
        const wait = own.subscribe(id);
        const woke = heard(wait, 10_000);
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE query ILIKE 'LISTEN octollm_task_changed' AND pid <> pg_backend_pid()`,
        );
        expect(await woke).toBe(true);
        pending.cancel();
        // The shared listener was killed too; both reconnect. A later change is heard again.
        const deadline = Date.now() + 15_000;
        let again = false;
        while (!again && Date.now() < deadline) {
          const next = own.subscribe(id);
          await db.prisma.task.update({ where: { id }, data: { status: 'running' } });
          again = await heard(next, 2_000);
        }
        expect(again).toBe(true);
      } finally {
        await admin.end();
      }
    } finally {
      await own.close();
    }
  }, 30_000);
});
