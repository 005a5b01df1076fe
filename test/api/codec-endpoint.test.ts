import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApiKey, revokeApiKey } from '../../src/api/api-keys';
import { AesGcmPayloadCodec, parseCodecKeys } from '../../src/runtime/payload-codec';
import { startApiOnDatabase, type ApiOnDatabase } from '../support/api-on-database';

// The API's codec server, as the Temporal Web UI and `temporal workflow show --codec-endpoint`
// call it: Temporal's Payloads in protobuf JSON (base64 bytes).
const UI = 'http://127.0.0.1:8233';
const codec = new AesGcmPayloadCodec(
  parseCodecKeys(`k1:${randomBytes(32).toString('base64')}`, 'test'),
);
let system: ApiOnDatabase;
let key: string;

beforeAll(async () => {
  system = await startApiOnDatabase({
    auth: { mode: 'keys', keyCacheMs: 0 },
    codec,
    codecCorsOrigins: [UI],
  });
  key = (await createApiKey(system.db.prisma, 'ops')).key;
}, 60_000);
afterAll(async () => {
  await system?.stop();
});

const b64 = (text: string) => Buffer.from(text).toString('base64');
const secret = { goal: 'Write a letter to Maria Schmidt' };

/** A payload as the worker stores it: JSON, encrypted by the codec, as protobuf JSON. */
async function storedPayload() {
  const [encrypted] = await codec.encode([
    {
      metadata: { encoding: Buffer.from('json/plain') },
      data: Buffer.from(JSON.stringify(secret)),
    },
  ]);
  return {
    metadata: Object.fromEntries(
      Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(encrypted!.data!).toString('base64'),
  };
}

test('decodes stored payloads for a valid key, and refuses without one or with a revoked one', async () => {
  const body = { payloads: [await storedPayload()] };
  const ok = await request(system.api)
    .post('/codec/decode')
    .set('authorization', `Bearer ${key}`)
    .set('x-namespace', 'default')
    .send(body);
  expect(ok.status).toBe(200);
  expect(ok.body.payloads[0].metadata.encoding).toBe(b64('json/plain'));
  expect(JSON.parse(Buffer.from(ok.body.payloads[0].data, 'base64').toString())).toEqual(secret);

  const none = await request(system.api).post('/codec/decode').send(body);
  expect(none.status).toBe(401);
  expect(none.body.error.code).toBe('UNAUTHENTICATED');
  expect(JSON.stringify(none.body)).not.toContain('Maria');

  const { key: old, id } = await createApiKey(system.db.prisma, 'ops');
  await revokeApiKey(system.db.prisma, id);
  const revoked = await request(system.api)
    .post('/codec/decode')
    .set('authorization', `Bearer ${old}`)
    .send(body);
  expect(revoked.status).toBe(403);
});

test('encode then decode round-trips; bad bodies are a 400 naming the field', async () => {
  const plain = { metadata: { encoding: b64('json/plain') }, data: b64('"hello"') };
  const encoded = await request(system.api)
    .post('/codec/encode')
    .set('authorization', `Bearer ${key}`)
    .send({ payloads: [plain] });
  expect(encoded.status).toBe(200);
  expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(
    'binary/encrypted',
  );
  const decoded = await request(system.api)
    .post('/codec/decode')
    .set('authorization', `Bearer ${key}`)
    .send(encoded.body);
  expect(decoded.body).toEqual({ payloads: [plain] });

  // Empty Payloads (a signal without input) come as `{}`, as the CLI sends them.
  const empty = await request(system.api)
    .post('/codec/decode')
    .set('authorization', `Bearer ${key}`)
    .send({});
  expect(empty.body).toEqual({ payloads: [] });

  const bad = await request(system.api)
    .post('/codec/decode')
    .set('authorization', `Bearer ${key}`)
    .send({ payloads: [{ data: 'not base64!' }] });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].field).toBe('payloads.0.data');
});

test('CORS: the Web UI origin may call it with credentials; another origin may not', async () => {
  const preflight = await request(system.api)
    .options('/codec/decode')
    .set('origin', UI)
    .set('access-control-request-method', 'POST')
    .set('access-control-request-headers', 'content-type,x-namespace');
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-origin']).toBe(UI);
  expect(preflight.headers['access-control-allow-credentials']).toBe('true');
  expect(preflight.headers['access-control-allow-headers']).toMatch(/x-namespace/);

  const elsewhere = await request(system.api)
    .options('/codec/decode')
    .set('origin', 'http://evil.example')
    .set('access-control-request-method', 'POST');
  expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
});

test('the Web UI signs in once: the login form trades a key for a cookie that decodes', async () => {
  expect((await request(system.api).get('/codec/login')).text).toContain('<form');
  const wrong = await request(system.api).post('/codec/login').type('form').send({ key: 'octo_x' });
  expect(wrong.status).toBe(401);
  expect(wrong.headers['set-cookie']).toBeUndefined();

  const login = await request(system.api).post('/codec/login').type('form').send({ key });
  expect(login.status).toBe(200);
  const cookie = login.headers['set-cookie']![0]!;
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/Path=\/codec/);
  const decoded = await request(system.api)
    .post('/codec/decode')
    .set('origin', UI)
    .set('cookie', cookie.split(';')[0]!)
    .send({ payloads: [await storedPayload()] });
  expect(decoded.status).toBe(200);
  expect(decoded.headers['access-control-allow-origin']).toBe(UI);
  expect(JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString())).toEqual(
    secret,
  );
});
