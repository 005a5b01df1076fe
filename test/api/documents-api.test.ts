import type { Express } from 'express';
import request from 'supertest';
import {
  documentCreatedSchema,
  documentListSchema,
  documentViewSchema,
} from '../../src/api/view-schemas';
import type { TestDatabase } from '../db/start-test-database';
import { startApiOnDatabase, type ApiOnDatabase } from '../support/api-on-database';

// The documents API on real PostgreSQL (Temporal is not needed by these routes).
let system: ApiOnDatabase;
let db: TestDatabase;
let api: Express;

beforeAll(async () => {
  system = await startApiOnDatabase();
  ({ db, api } = system);
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

beforeEach(async () => {
  await db.prisma.document.deleteMany();
});

const fields = (body: { error: { details?: { field: string }[] } }) =>
  (body.error.details ?? []).map((d) => d.field).sort();

const doc = (n: number) => ({
  title: `Document ${n}`,
  source: `https://example.org/doc/${n}`,
  content: `Body of document number ${n}.`,
});

describe('POST /documents', () => {
  test('stores a document and answers 201 with its id and location', async () => {
    const res = await request(api)
      .post('/documents')
      .send({ ...doc(1), metadata: { lang: 'en', tags: ['a'] } });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.location).toBe(`/documents/${res.body.id}`);
    expect(res.body).toMatchObject({
      title: 'Document 1',
      source: 'https://example.org/doc/1',
      metadata: { lang: 'en', tags: ['a'] },
      content_chars: 'Body of document number 1.'.length,
    });
    // Exactly the documented shape (strict: an undocumented field fails).
    documentCreatedSchema.parse(res.body);
    const row = await db.prisma.document.findUnique({ where: { id: res.body.id } });
    expect(row?.content).toBe('Body of document number 1.');
  });

  test('metadata defaults to an empty object', async () => {
    const res = await request(api).post('/documents').send(doc(2));
    expect(res.status).toBe(201);
    expect(res.body.metadata).toEqual({});
  });

  test('missing and bad fields are a 400 naming each one', async () => {
    const res = await request(api)
      .post('/documents')
      .send({ title: '  ', content: 42, metadata: 'x', colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(fields(res.body)).toEqual(['', 'content', 'metadata', 'source', 'title']);
    expect(JSON.stringify(res.body)).toContain('colour');
  });

  test('NUL characters are refused by field, not a database error', async () => {
    const res = await request(api)
      .post('/documents')
      .send({ ...doc(3), content: 'a\u0000b' });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['content']);
  });

  test('content over the limit is a 413 naming the field', async () => {
    const res = await request(api)
      .post('/documents')
      .send({ ...doc(4), content: 'word '.repeat(45_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(fields(res.body)).toEqual(['content']);
  });

  test('a body over the API limit is a 413 too', async () => {
    const res = await request(api)
      .post('/documents')
      .send({ ...doc(5), content: 'x'.repeat(300_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('oversized metadata is a 400', async () => {
    const res = await request(api)
      .post('/documents')
      .send({ ...doc(6), metadata: { blob: 'x'.repeat(20_000) } });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['metadata']);
  });
});

describe('GET /documents', () => {
  test('pages newest first, without content', async () => {
    for (const n of [1, 2, 3]) {
      expect((await request(api).post('/documents').send(doc(n))).status).toBe(201);
    }
    const first = await request(api).get('/documents?limit=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(first.body.documents.map((d: { title: string }) => d.title)).toEqual([
      'Document 3',
      'Document 2',
    ]);
    expect(first.body.documents[0]).not.toHaveProperty('content');
    documentListSchema.parse(first.body);
    const second = await request(api).get('/documents?limit=2&offset=2');
    expect(second.body.documents.map((d: { title: string }) => d.title)).toEqual(['Document 1']);
  });

  test('bad paging parameters are a 400 naming each one', async () => {
    const res = await request(api).get('/documents?limit=0&offset=-1');
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['limit', 'offset']);
    const over = await request(api).get('/documents?limit=101');
    expect(fields(over.body)).toEqual(['limit']);
    const text = await request(api).get('/documents?limit=ten');
    expect(fields(text.body)).toEqual(['limit']);
  });
});

describe('GET and DELETE /documents/:id', () => {
  test('returns the document with its content, then deletes it', async () => {
    const created = await request(api).post('/documents').send(doc(7));
    const id = created.body.id as string;
    const got = await request(api).get(`/documents/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id,
      title: 'Document 7',
      content: 'Body of document number 7.',
    });
    documentViewSchema.parse(got.body);

    const deleted = await request(api).delete(`/documents/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await request(api).get(`/documents/${id}`)).status).toBe(404);
    const again = await request(api).delete(`/documents/${id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
  });

  test('an id that is not a UUID is a 400 naming it', async () => {
    const res = await request(api).get('/documents/not-a-uuid');
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['id']);
    expect((await request(api).delete('/documents/42')).status).toBe(400);
  });

  test('an unknown id is a 404', async () => {
    const res = await request(api).get('/documents/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
  });
});
