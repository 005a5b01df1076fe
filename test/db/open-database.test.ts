import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import { openDatabase } from '../../src/db/database';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { tenantNamed } from '../support/task-rows';
import { freePort, makeTempRoot } from './start-test-database';

let root: string;

beforeAll(async () => {
  root = await makeTempRoot();
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function sampleTask() {
  const id = randomUUID();
  return {
    id,
    tenant: tenantNamed(),
    goal: 'g',
    constraints: [],
    context: {},
    acceptanceCriteria: [],
    priority: 'low',
    budgetMaxCostUsd: 1,
    budgetMaxTimeSeconds: 60,
    budgetMaxTokens: 1000,
    status: 'pending',
    workflowId: `task-${id}`,
  };
}

describe('openDatabase', () => {
  it('starts the embedded server, migrates once, and keeps data across reopen', async () => {
    const options = {
      dataDir: path.join(root, 'embedded'),
      port: await freePort(),
      durable: false,
    };
    const messages: string[] = [];

    const first = await openDatabase({ ...options, log: (m) => messages.push(m) });
    const task = sampleTask();
    try {
      expect(first.embedded).toBe(true);
      expect(first.appliedMigrations.length).toBeGreaterThan(0);
      await first.prisma.task.create({ data: task });
    } finally {
      await first.stop();
      await first.stop();
    }
    expect(messages.some((m) => m.startsWith('applied migration'))).toBe(true);

    const second = await openDatabase(options);
    try {
      expect(second.appliedMigrations).toEqual([]);
      expect(await second.prisma.task.findUnique({ where: { id: task.id } })).toMatchObject({
        workflowId: task.workflowId,
      });
    } finally {
      await second.stop();
    }
  });

  it('uses databaseUrl when given and starts no server of its own', async () => {
    const external = await startEmbeddedPostgres({
      dataDir: path.join(root, 'external'),
      port: await freePort(),
      durable: false,
    });
    try {
      const unusedDir = path.join(root, 'never-created');
      const db = await openDatabase({
        databaseUrl: external.databaseUrl,
        dataDir: unusedDir,
        port: 1,
      });
      expect(db.embedded).toBe(false);
      expect(db.databaseUrl).toBe(external.databaseUrl);
      await expect(db.prisma.task.count()).resolves.toBe(0);
      await db.stop();

      // stop() only disconnected: the external server is still up.
      const again = await openDatabase({
        databaseUrl: external.databaseUrl,
        dataDir: unusedDir,
        port: 1,
      });
      expect(again.appliedMigrations).toEqual([]);
      await again.stop();
      await expect(fs.stat(unusedDir)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await external.stop();
    }
  });
});
