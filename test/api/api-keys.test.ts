import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import {
  createApiKey,
  ensureLocalApiKey,
  findApiKey,
  listApiKeys,
  LOCAL_TENANT,
  revokeApiKey,
} from '../../src/api/api-keys';
import { startTestDatabase, type TestDatabase } from '../db/start-test-database';

// API keys on real PostgreSQL, and the `npm run keys` command that manages them.
const run = promisify(execFile);
let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.stop();
});

test('a key is stored only as its SHA-256; it finds its tenant until it is revoked', async () => {
  const created = await createApiKey(db.prisma, 'acme');
  expect(created.key).toMatch(/^octo_[A-Za-z0-9_-]{43}$/);
  const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
  expect(row.hash).toBe(createHash('sha256').update(created.key).digest('hex'));
  // Nothing stored is the key, or enough of it to use.
  expect(JSON.stringify(row)).not.toContain(created.key);
  expect(created.key.startsWith(row.prefix)).toBe(true);
  expect(row.prefix.length).toBeLessThan(15);

  expect(await findApiKey(db.prisma, created.key)).toMatchObject({
    tenant: 'acme',
    revoked: false,
  });
  expect(await findApiKey(db.prisma, `${created.key}x`)).toBeNull();
  expect(await revokeApiKey(db.prisma, created.id)).toBe(true);
  expect(await findApiKey(db.prisma, created.key)).toMatchObject({ revoked: true });
  expect(await revokeApiKey(db.prisma, '00000000-0000-4000-8000-000000000000')).toBe(false);
});

test('keys of one tenant share it; listings never show a key', async () => {
  const a = await createApiKey(db.prisma, 'globex');
  const b = await createApiKey(db.prisma, 'globex');
  expect((await findApiKey(db.prisma, a.key))!.tenantId).toBe(
    (await findApiKey(db.prisma, b.key))!.tenantId,
  );
  const listing = JSON.stringify(await listApiKeys(db.prisma));
  expect(listing).not.toContain(a.key);
  expect(listing).not.toContain(b.key);
});

test("npm start's local key: made once, kept in the data folder (mode 600), replaced when revoked", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'octollm-key-'));
  const first = await ensureLocalApiKey(db.prisma, dataDir);
  expect(await findApiKey(db.prisma, first)).toMatchObject({
    tenant: LOCAL_TENANT,
    revoked: false,
  });
  const file = path.join(dataDir, 'api-key');
  expect((await readFile(file, 'utf8')).trim()).toBe(first);
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  // Every later start shows the same key.
  expect(await ensureLocalApiKey(db.prisma, dataDir)).toBe(first);
  // A revoked key is replaced by a new one, written in its place.
  const { id } = (await findApiKey(db.prisma, first))!;
  await revokeApiKey(db.prisma, id);
  const second = await ensureLocalApiKey(db.prisma, dataDir);
  expect(second).not.toBe(first);
  expect((await readFile(file, 'utf8')).trim()).toBe(second);
  expect((await stat(file)).mode & 0o777).toBe(0o600);
});

describe('npm run keys', () => {
  const keys = (...args: string[]) =>
    run('npx', ['tsx', path.resolve(__dirname, '../../src/main.ts'), 'keys', ...args], {
      env: { ...process.env, DATABASE_URL: db.databaseUrl, LOG_LEVEL: 'silent' },
    });

  test('create prints the key alone on its last line; list shows it without the key; revoke revokes', async () => {
    const { stdout } = await keys('create', '--tenant', 'initech');
    const lines = stdout.trimEnd().split('\n');
    const key = lines.at(-1)!;
    expect(key).toMatch(/^octo_[A-Za-z0-9_-]{43}$/);
    const found = await findApiKey(db.prisma, key);
    expect(found).toMatchObject({ tenant: 'initech', revoked: false });
    const id = /Created key (\S+)/.exec(stdout)![1]!;

    const listed = (await keys('list')).stdout;
    expect(listed).toContain(id);
    expect(listed).not.toContain(key);

    await keys('revoke', id);
    expect(await findApiKey(db.prisma, key)).toMatchObject({ revoked: true });
  }, 60_000);

  test('a missing tenant or an unknown key is an error that says what to do', async () => {
    await expect(keys('create')).rejects.toMatchObject({
      stderr: expect.stringMatching(/--tenant/),
    });
    await expect(keys('revoke', 'nope')).rejects.toMatchObject({
      stderr: expect.stringMatching(/No key with id nope/),
    });
  }, 60_000);
});
