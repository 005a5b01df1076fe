import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findFreePort, freePortRange } from '../../src/toolchain/wait-for-port';
import { makeTempRoot } from '../db/start-test-database';
import { devServer } from '../support/temporal-servers';

// The whole system as `npm start` runs it (embedded PostgreSQL, the dev server with its SQLite
// file, services, worker, API, logs), in a data folder of its own: after tasks holding PII,
// none of it is in any file of the folder or in the process's output.
const ROOT = path.resolve(__dirname, '../..');
const PII = {
  email: 'jane.doe@example.com',
  phone: '+1 415 555 0132',
  card: '4111 1111 1111 1111',
  name: 'Maria Schmidt',
};
/** Fragments that must not appear either (another spacing or a partial copy). */
const FRAGMENTS = [
  'jane.doe',
  '555 0132',
  '4155550132',
  '4111 1111',
  '4111111111111111',
  'Schmidt',
];

let app: ChildProcess;
let output = '';
let dataDir: string;
const ports: Record<string, number> = {};

const base = () => `http://127.0.0.1:${ports.api}`;
const key = () => fs.readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();

async function api(method: string, route: string, body?: unknown, auth = true) {
  const res = await fetch(`${base()}${route}`, {
    method,
    headers: {
      ...(auth ? { authorization: `Bearer ${key()}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dataDir = await makeTempRoot('octollm-pii-');
  const [apiPort, temporalPort, uiPort, reflexPort, plannerPort, pgPort, armsBase] =
    await Promise.all([
      findFreePort(),
      findFreePort(),
      findFreePort(),
      findFreePort(),
      findFreePort(),
      findFreePort(),
      freePortRange(5),
    ]);
  Object.assign(ports, { api: apiPort, temporal: temporalPort });
  const cli = (await devServer()).executable;
  if (cli.type !== 'existing-path') throw new Error('needs the temporal CLI binary');
  app = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      OCTOLLM_DATA_DIR: dataDir,
      TEMPORAL_CLI_PATH: cli.path,
      API_PORT: String(apiPort),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      REFLEX_PORT: String(reflexPort),
      PLANNER_PORT: String(plannerPort),
      ARMS_BASE_PORT: String(armsBase),
      EMBEDDED_PG_PORT: String(pgPort),
      OPENAI_API_KEY: '',
      LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  app.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 150_000;
  while (!output.includes('API key: ')) {
    if (app.exitCode !== null || Date.now() > deadline) {
      throw new Error(`npm start did not come up:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}, 180_000);

afterAll(async () => {
  if (app && app.exitCode === null) {
    app.kill('SIGKILL');
  }
});

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(full);
    return e.isFile() ? [full] : [];
  });
}

test('PII sent in tasks is in no file of PostgreSQL or Temporal, nor in the logs; the codec endpoint decodes for a key only', async () => {
  // One task blocked (e-mail, phone and card number), one with a name that is redacted.
  const blocked = await api('POST', '/submit', {
    goal: `E-mail ${PII.email} and call ${PII.phone} about the refund`,
    context: { card: PII.card },
  });
  expect(blocked.status).toBe(202);
  expect(blocked.body.status).toBe('blocked');
  const redacted = await api('POST', '/submit', {
    goal: `Write a short note to ${PII.name} about event sourcing`,
    acceptance_criteria: ['note is non-empty'],
  });
  expect(redacted.status).toBe(202);
  const id = redacted.body.task_id as string;
  const done = await api('GET', `/tasks/${id}/results?wait=60`);
  expect(done.body.status).toBe('completed');
  const view = await api('GET', `/tasks/${id}`);
  expect(view.body.goal).toBe('Write a short note to [PERSON_1] about event sourcing');

  // The run's history is encrypted: its input payload is unreadable without the codec.
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  try {
    const history = await new Client({ connection }).workflow
      .getHandle(`task-${id}`)
      .fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted');
    const payloads = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(input.data!).toString('base64'),
        },
      ],
    };
    // The Web UI's codec endpoint (the dev server's UI is started with it) decodes it for a key…
    const decoded = await api('POST', '/codec/decode', payloads);
    expect(decoded.status).toBe(200);
    const data = (decoded.body.payloads as { data: string }[])[0]!.data;
    expect(Buffer.from(data, 'base64').toString()).toContain('[PERSON_1]');
    // … and refuses without one.
    expect((await api('POST', '/codec/decode', payloads, false)).status).toBe(401);
  } finally {
    await connection.close();
  }

  // A clean stop, so PostgreSQL writes its heap pages (the WAL has everything anyway).
  app.kill('SIGINT');
  await new Promise((resolve) => app.once('exit', resolve));

  const files = filesUnder(dataDir);
  const pgFiles = files.filter((f) => f.includes(`${path.sep}postgres${path.sep}`));
  const temporalDb = files.filter((f) => /temporal\.db/.test(f));
  expect(pgFiles.some((f) => f.includes(`${path.sep}pg_wal${path.sep}`))).toBe(true);
  expect(pgFiles.some((f) => f.includes(`${path.sep}base${path.sep}`))).toBe(true);
  expect(temporalDb.length).toBeGreaterThan(0);
  // The search itself works: what was stored is found (the redacted goal, in PostgreSQL).
  const contains = (file: string, needle: string) =>
    fs.readFileSync(file).includes(Buffer.from(needle));
  expect(pgFiles.some((f) => contains(f, 'Write a short note to [PERSON_1]'))).toBe(true);
  expect(temporalDb.some((f) => contains(f, `task-${id}`))).toBe(true);

  const found: string[] = [];
  for (const needle of [...Object.values(PII), ...FRAGMENTS]) {
    for (const file of files) {
      if (contains(file, needle)) found.push(`${needle} in ${path.relative(dataDir, file)}`);
    }
    if (output.includes(needle)) found.push(`${needle} in the log output`);
  }
  expect(found).toEqual([]);
}, 240_000);
