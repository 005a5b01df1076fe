import { mkdtemp } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApiKey, ensureLocalApiKey, revokeApiKey } from '../../src/api/api-keys';
import { startApiOnDatabase, type ApiOnDatabase } from '../support/api-on-database';
import { octollm } from '../support/octollm-cli';

// The command line against an API that wants keys (on real PostgreSQL; Temporal is not needed
// for documents): OCTOLLM_API_KEY, the local key `npm start` keeps, and what a bad key says.

let system: ApiOnDatabase;
let server: Server;
let url: string;
let emptyDir: string;

beforeAll(async () => {
  system = await startApiOnDatabase({ auth: { mode: 'keys', keyCacheMs: 0 } });
  server = system.api.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emptyDir = await mkdtemp(path.join(os.tmpdir(), 'octollm-nokey-'));
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await system?.stop();
});

const envWith = (vars: NodeJS.ProcessEnv) => {
  const env: NodeJS.ProcessEnv = { ...process.env, OCTOLLM_URL: url, OCTOLLM_DATA_DIR: emptyDir };
  delete env.OCTOLLM_API_KEY;
  return { ...env, ...vars };
};

test('without a key the command says how to get one', async () => {
  const ran = await octollm(['docs', 'list'], envWith({}));
  expect(ran.code).toBe(3);
  expect(ran.stderr).toBe(
    'octollm: UNAUTHENTICATED: no API key; set OCTOLLM_API_KEY (`npm start` prints one and ' +
      'keeps it in .octollm/api-key, which octollm reads by itself when run from that folder)\n',
  );
});

test("OCTOLLM_API_KEY acts for its tenant: one tenant's documents are not another's", async () => {
  const acme = (await createApiKey(system.db.prisma, 'acme-cli')).key;
  const globex = (await createApiKey(system.db.prisma, 'globex-cli')).key;
  const added = await octollm(
    ['docs', 'add', path.join(__dirname, 'octollm-keys.test.ts'), '--json'],
    envWith({ OCTOLLM_API_KEY: acme }),
  );
  expect(added.code).toBe(0);
  const [doc] = JSON.parse(added.stdout).documents;
  const list = async (key: string) =>
    JSON.parse(
      (await octollm(['docs', 'list', '--json'], envWith({ OCTOLLM_API_KEY: key }))).stdout,
    ).documents.map((d: { id: string }) => d.id);
  expect(await list(acme)).toContain(doc.id);
  expect(await list(globex)).not.toContain(doc.id);
});

test('the key npm start keeps in the data folder is used when no key is set', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'octollm-local-'));
  await ensureLocalApiKey(system.db.prisma, dataDir);
  const ran = await octollm(['tasks', '--json'], envWith({ OCTOLLM_DATA_DIR: dataDir }));
  expect(ran).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(ran.stdout)).toEqual({ tasks: [], next_cursor: null });
});

test('a revoked key is refused in one line that names where the key came from', async () => {
  const { id, key } = await createApiKey(system.db.prisma, 'initech-cli');
  await revokeApiKey(system.db.prisma, id);
  const ran = await octollm(['tasks'], envWith({ OCTOLLM_API_KEY: key }));
  expect(ran.code).toBe(3);
  expect(ran.stderr).toMatch(/^octollm: FORBIDDEN: .*; check OCTOLLM_API_KEY\n$/);
});
