import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createArmApp } from '../../../src/services/arms/arm-app';
import { createRetrieverArm } from '../../../src/services/arms/handlers/retriever';
import { searchDocuments } from '../../../src/services/arms/retriever/search-documents';
import type { TestDatabase } from '../../db/start-test-database';
import { startApiOnDatabase, type ApiOnDatabase } from '../../support/api-on-database';
import { insertTask } from '../../support/task-rows';
import { stepRequest } from './step-request';

// The retriever on real PostgreSQL full-text search, fed through the real documents API.
let system: ApiOnDatabase;
let db: TestDatabase;
let api: Express;
let arm: Express;
const silent = pino({ level: 'silent' });
const ids: Record<string, string> = {};
/** A task of the tenant `local`, the one the documents API (AUTH=off) adds documents for. */
const LOCAL_TASK = '5b0c6f1e-3d2a-4c8b-9e7f-1a2b3c4d5e6f';
/** A task of another tenant, which has no documents of its own yet. */
const OTHER_TASK = '7c1d8a2f-4e3b-4d9c-8f0a-2b3c4d5e6f70';

const DOCUMENTS = {
  eventSourcing: {
    title: 'Event sourcing: trade-offs in practice',
    source: 'https://example.org/event-sourcing',
    content:
      'Event sourcing stores every change to application state as an immutable event. The ' +
      'trade-offs: a complete audit log and temporal queries, against the cost of event ' +
      'schema evolution, eventual consistency of projections and harder debugging. Teams ' +
      'often pair event sourcing with CQRS so read models can be rebuilt from the log.',
  },
  cqrs: {
    title: 'CQRS read models',
    source: 'internal wiki: architecture/cqrs',
    content:
      'Command query responsibility segregation separates writes from reads. Read models are ' +
      'projections kept for queries; they may lag behind the write side.',
  },
  bread: {
    title: 'Baking sourdough bread',
    source: 'https://example.org/bread',
    content: 'A sourdough starter needs flour, water and time. Bake the loaf at 240 degrees.',
  },
  heatPump: {
    title: 'Wärmepumpen im Altbau',
    source: 'https://example.de/waermepumpe',
    content:
      'Eine Wärmepumpe nutzt die Umweltwärme der Außenluft. Im Altbau lohnt sich die ' +
      'Wärmepumpe, wenn die Vorlauftemperatur niedrig bleibt und die Heizkörper groß genug sind.',
  },
};

beforeAll(async () => {
  system = await startApiOnDatabase();
  ({ db, api } = system);
  arm = createArmApp({
    arm: createRetrieverArm({ prisma: db.prisma, topK: 3 }),
    logger: silent,
  }).app;
  await insertTask(db.prisma, LOCAL_TASK);
  await insertTask(db.prisma, OTHER_TASK, { tenant: 'other' });
  for (const [key, body] of Object.entries(DOCUMENTS)) {
    const res = await request(api).post('/documents').send(body);
    expect(res.status).toBe(201);
    ids[key] = res.body.id as string;
  }
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

async function retrieve(action: string, goal = '', taskId = LOCAL_TASK) {
  const res = await request(arm)
    .post('/execute')
    .send(stepRequest({ action, arm: 'retriever' }, { goal, taskId }));
  expect(res.status).toBe(200);
  return res.body as {
    output: {
      query: string;
      passages: {
        document_id: string;
        title: string;
        source: string;
        snippet: string;
        rank: number;
        matched: string;
      }[];
      note?: string;
    };
    summary: string;
    confidence: number;
    mode: string;
  };
}

test('ranks the document about the goal first, with title, source, id, rank and snippet', async () => {
  const result = await retrieve(
    'Search the documents for sources relevant to "Research the trade-offs of event sourcing and write a short summary" and return the key passages with their sources.',
  );
  expect(result.mode).toBe('tool');
  // Instruction words are gone: the search is on what the documents should be about.
  expect(result.output.query).toBe('trade-offs event sourcing');
  const [first] = result.output.passages;
  expect(first).toMatchObject({
    document_id: ids.eventSourcing,
    title: DOCUMENTS.eventSourcing.title,
    source: DOCUMENTS.eventSourcing.source,
    matched: 'all',
  });
  expect(first!.rank).toBeGreaterThan(0);
  expect(first!.snippet).toMatch(/\*\*[Ee]vent\*\* \*\*sourcing\*\*/);
  expect(result.output.passages.map((p) => p.document_id)).not.toContain(ids.bread);
  expect(result.confidence).toBeGreaterThanOrEqual(0.8);
});

test('documents matching only some terms come after those matching all', async () => {
  const result = await retrieve('Find material on CQRS read models and event sourcing');
  expect(result.output.query).toBe('cqrs read models event sourcing');
  expect(result.output.passages.map((p) => [p.document_id, p.matched])).toEqual([
    [ids.eventSourcing, 'all'],
    [ids.cqrs, 'some'],
  ]);
});

test('German words match German documents', async () => {
  const result = await retrieve('Suche Informationen: "Wärmepumpe Altbau Vorlauftemperatur"');
  expect(result.output.passages[0]).toMatchObject({
    document_id: ids.heatPump,
    matched: 'all',
  });
  expect(result.output.passages[0]!.snippet).toContain('**Wärmepumpe**');
});

test('the simple config finds words the english config drops as stop words', async () => {
  // "will" is an English stop word, and a German verb ("was man will").
  const doc = await request(api).post('/documents').send({
    title: 'Was man will',
    source: 'Notizen',
    content: 'Man bekommt nicht immer, was man will.',
  });
  const passages = await searchDocuments(db.prisma, LOCAL_TASK, ['will'], 5);
  expect(passages.map((p) => p.document_id)).toEqual([doc.body.id]);
  expect(passages[0]!.snippet).toContain('**will**');
  await request(api).delete(`/documents/${doc.body.id}`).expect(204);
});

test('the goal fills in when the action names no content of its own', async () => {
  const result = await retrieve(
    'Search the documents and return the relevant passages.',
    'How do I bake sourdough bread?',
  );
  expect(result.output.query).toBe('bake sourdough bread');
  expect(result.output.passages[0]!.document_id).toBe(ids.bread);
});

test('with no match it says so plainly, with low confidence, and invents nothing', async () => {
  const result = await retrieve('Search the documents for "quantum chromodynamics lattice"');
  expect(result.output.passages).toEqual([]);
  expect(result.output.note).toMatch(/no indexed document matches/i);
  expect(result.confidence).toBeLessThanOrEqual(0.2);
  expect(result.summary).toMatch(/0 passages/);
});

test("a task's retriever searches only its own tenant's documents", async () => {
  const local = await retrieve('Find "event sourcing trade-offs"');
  expect(local.output.passages.map((p) => p.document_id)).toContain(ids.eventSourcing);
  // The same search for another tenant's task finds nothing of local's.
  const other = await retrieve('Find "event sourcing trade-offs"', '', OTHER_TASK);
  expect(other.output.passages).toEqual([]);
  // A document of the other tenant is found by its tasks, never by local's.
  const otherTenant = await db.prisma.tenant.findUniqueOrThrow({ where: { name: 'other' } });
  const theirs = await db.prisma.document.create({
    data: {
      id: '9d2e0b3a-5f4c-4e1d-9a0b-3c4d5e6f7081',
      tenantId: otherTenant.id,
      title: 'Event sourcing at the other company',
      source: 'their wiki',
      content: 'Our event sourcing trade-offs: snapshots every thousand events.',
    },
  });
  const seenByThem = await retrieve('Find "event sourcing trade-offs"', '', OTHER_TASK);
  expect(seenByThem.output.passages.map((p) => p.document_id)).toEqual([theirs.id]);
  const seenByLocal = await retrieve('Find "snapshots every thousand events"');
  expect(seenByLocal.output.passages.map((p) => p.document_id)).not.toContain(theirs.id);
  // A task without a row (purged) belongs to no tenant and finds nothing.
  const orphan = await retrieve('Find "event sourcing trade-offs"', '', 'no-such-task');
  expect(orphan.output.passages).toEqual([]);
  await db.prisma.document.delete({ where: { id: theirs.id } });
});

test('a deleted document is no longer found', async () => {
  expect((await request(api).delete(`/documents/${ids.bread}`)).status).toBe(204);
  const result = await retrieve('Find "sourdough bread"');
  expect(result.output.passages).toEqual([]);
});

test('reports its capabilities and readiness truthfully', async () => {
  const caps = await request(arm).get('/capabilities').expect(200);
  expect(caps.body).toMatchObject({
    arm: 'retriever',
    mode: 'tool',
    cost_tier: 'free',
    search: { engine: 'postgresql-full-text', configs: ['english', 'simple'], top_k: 3 },
  });
  const ready = await request(arm).get('/ready').expect(200);
  expect(ready.body.checks.database.ok).toBe(true);
});

test('without a database it is not ready and answers 503, never an empty success', async () => {
  const bare = createArmApp({ arm: createRetrieverArm({ prisma: undefined }), logger: silent }).app;
  const ready = await request(bare).get('/ready');
  expect(ready.status).toBe(503);
  const res = await request(bare)
    .post('/execute')
    .send(stepRequest({ action: 'Find "anything"', arm: 'retriever' }));
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
});
