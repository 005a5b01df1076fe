import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import { Client } from 'pg';

import { DbError } from '../../src/db/db-error';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { applyMigrations, PRISMA_MIGRATE_LOCK_KEY } from '../../src/db/migrate';
import { freePort, makeTempRoot } from './start-test-database';

const REPO_MIGRATIONS = path.resolve(__dirname, '../../prisma/migrations');

let root: string;
let server: EmbeddedPostgres;

beforeAll(async () => {
  root = await makeTempRoot();
  server = await startEmbeddedPostgres({
    dataDir: path.join(root, 'pg'),
    port: await freePort(),
    durable: false,
  });
});

afterAll(async () => {
  await server?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

/** A new empty database on the shared server, so every test starts from scratch. */
async function freshDatabase(): Promise<string> {
  const name = `t_${randomUUID().replace(/-/g, '')}`;
  await withClient(server.databaseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(server.databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A copy of the repository's migrations that a test may edit. */
async function copyOfMigrations(): Promise<string> {
  const dir = path.join(root, `migrations-${randomUUID()}`);
  await fs.cp(REPO_MIGRATIONS, dir, { recursive: true });
  return dir;
}

async function repoMigrationNames(): Promise<string[]> {
  const entries = await fs.readdir(REPO_MIGRATIONS, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

describe('applyMigrations', () => {
  it('applies every migration and records it as prisma migrate deploy does', async () => {
    const url = await freshDatabase();
    const names = await repoMigrationNames();

    const { applied } = await applyMigrations(url);

    expect(applied).toEqual(names);
    const rows = await withClient(url, async (c) => {
      const result = await c.query('SELECT * FROM _prisma_migrations ORDER BY started_at');
      return result.rows;
    });
    expect(rows).toHaveLength(names.length);
    for (const [i, row] of rows.entries()) {
      const sql = await fs.readFile(path.join(REPO_MIGRATIONS, names[i]!, 'migration.sql'));
      expect(row).toEqual({
        id: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        ),
        checksum: createHash('sha256').update(sql).digest('hex'),
        finished_at: expect.any(Date),
        migration_name: names[i],
        logs: null,
        rolled_back_at: null,
        started_at: expect.any(Date),
        applied_steps_count: 1,
      });
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });

  it("creates _prisma_migrations with Prisma's exact column types", async () => {
    const url = await freshDatabase();
    await applyMigrations(url);

    const columns = await withClient(url, async (c) => {
      const result = await c.query(
        `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
           FROM information_schema.columns WHERE table_name = '_prisma_migrations'
          ORDER BY ordinal_position`,
      );
      return result.rows;
    });
    expect(columns).toEqual([
      {
        column_name: 'id',
        data_type: 'character varying',
        len: 36,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'checksum',
        data_type: 'character varying',
        len: 64,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        len: 255,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'logs',
        data_type: 'text',
        len: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'NO',
        column_default: 'now()',
      },
      {
        column_name: 'applied_steps_count',
        data_type: 'integer',
        len: null,
        is_nullable: 'NO',
        column_default: '0',
      },
    ]);
  });

  it('applies nothing the second time', async () => {
    const url = await freshDatabase();
    await applyMigrations(url);

    await expect(applyMigrations(url)).resolves.toEqual({ applied: [] });
    const count = await withClient(url, (c) =>
      c.query('SELECT count(*)::int AS n FROM _prisma_migrations'),
    );
    expect(count.rows[0].n).toBe((await repoMigrationNames()).length);
  });

  it('lets concurrent starters race: exactly one applies, the others wait and find nothing to do', async () => {
    const url = await freshDatabase();

    const results = await Promise.all([
      applyMigrations(url),
      applyMigrations(url),
      applyMigrations(url),
    ]);

    const appliedBy = results.filter((r) => r.applied.length > 0);
    expect(appliedBy).toHaveLength(1);
    expect(appliedBy[0]!.applied).toEqual(await repoMigrationNames());
  });

  it('waits for Prisma’s advisory lock and gives up after the timeout', async () => {
    const url = await freshDatabase();
    const holder = new Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
      await expect(applyMigrations(url, { lockTimeoutMs: 200 })).rejects.toMatchObject({
        code: 'MIGRATION_LOCK_TIMEOUT',
      });
      await holder.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
      await expect(applyMigrations(url, { lockTimeoutMs: 200 })).resolves.toMatchObject({
        applied: await repoMigrationNames(),
      });
    } finally {
      await holder.end();
    }
  });

  it('refuses to start when an applied migration.sql was edited afterwards', async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    await applyMigrations(url, { migrationsDir: dir });
    const [first] = await repoMigrationNames();
    const file = path.join(dir, first!, 'migration.sql');
    await fs.appendFile(file, '\n-- an innocent-looking edit\n');

    const error = await applyMigrations(url, { migrationsDir: dir }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DbError);
    expect(error).toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH' });
    expect((error as Error).message).toContain(first);
  });

  it('accepts a migration.sql whose line endings git converted to CRLF, as Prisma does', async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    await applyMigrations(url, { migrationsDir: dir });
    const [first] = await repoMigrationNames();
    const file = path.join(dir, first!, 'migration.sql');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace(/\n/g, '\r\n'));

    await expect(applyMigrations(url, { migrationsDir: dir })).resolves.toEqual({ applied: [] });
  });

  it('rolls back a failing migration, records the failure, and refuses to continue until resolved', async () => {
    const url = await freshDatabase();
    const dir = await copyOfMigrations();
    const bad = '99990101000000_broken';
    await fs.mkdir(path.join(dir, bad));
    await fs.writeFile(
      path.join(dir, bad, 'migration.sql'),
      'CREATE TABLE "half_done" ("id" TEXT);\nALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n',
    );

    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
    });
    const state = await withClient(url, async (c) => ({
      row: (await c.query('SELECT * FROM _prisma_migrations WHERE migration_name = $1', [bad]))
        .rows[0],
      halfDone: (await c.query("SELECT to_regclass('half_done') AS t")).rows[0].t,
      tasks: (await c.query("SELECT to_regclass('tasks') AS t")).rows[0].t,
    }));
    expect(state.halfDone).toBeNull(); // the failed script left nothing behind
    expect(state.tasks).toBe('tasks'); // earlier migrations stay applied
    expect(state.row).toMatchObject({
      finished_at: null,
      applied_steps_count: 0,
      rolled_back_at: null,
    });
    expect(state.row.logs).toContain('no_such_table');
    expect(state.row.logs).toContain('42P01');

    // Next start: refused, like `prisma migrate deploy` (P3009).
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toMatchObject({
      code: 'MIGRATION_FAILED_BEFORE',
    });

    // The operator fixes the SQL and marks the attempt rolled back; then it applies.
    await fs.writeFile(
      path.join(dir, bad, 'migration.sql'),
      'CREATE TABLE "half_done" ("id" TEXT);\n',
    );
    await withClient(url, (c) =>
      c.query('UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1', [
        bad,
      ]),
    );
    await expect(applyMigrations(url, { migrationsDir: dir })).resolves.toEqual({ applied: [bad] });
  });

  it('refuses a database that has tables but no migration history (Prisma P3005)', async () => {
    const url = await freshDatabase();
    await withClient(url, (c) => c.query('CREATE TABLE somebody_elses (id int)'));

    await expect(applyMigrations(url)).rejects.toMatchObject({ code: 'DATABASE_NOT_EMPTY' });
  });
});
