import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../shared/safe-text';
import { clientJsonObject } from '../shared/task';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { AppError } from '../http/app-error';
import { parseOrThrow } from '../http/validate';
import { tenantOf } from './auth';

/** What the document routes need. */
export interface DocumentsRouterDeps {
  prisma: PrismaClient;
  /**
   * Longest `content` accepted, in characters; longer is a 413. Default 200 000, below both
   * the API's JSON body limit and PostgreSQL's 1 MB limit on one tsvector.
   */
  maxContentChars?: number;
}

/** Longest serialised `metadata`, in characters. */
const MAX_METADATA_CHARS = 16_000;

/** Body of `POST /documents`. */
export const createDocumentSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(500)
      .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE),
    source: z
      .string()
      .trim()
      .min(1, 'must be a URL or a name, not empty')
      .max(2_000)
      .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE),
    content: z
      .string()
      .refine((c) => c.trim().length > 0, 'must not be empty')
      .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE),
    metadata: clientJsonObject(MAX_METADATA_CHARS).default({}),
  })
  .strict();

/** Query of `GET /documents`. */
export const listQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

const documentIdParams = z.object({ id: z.uuid('must be a document id (UUID)') });

type DocumentRow = {
  id: string;
  title: string;
  source: string;
  metadata: Prisma.JsonValue;
  createdAt: Date;
  content?: string;
};

/** A document as the API shows it; `content` only where asked for. */
function toDocumentView(row: DocumentRow) {
  return {
    id: row.id,
    title: row.title,
    source: row.source,
    metadata: row.metadata,
    created_at: row.createdAt,
    ...(row.content !== undefined ? { content: row.content } : {}),
    links: { self: `/documents/${row.id}` },
  };
}

const SUMMARY_FIELDS = {
  id: true,
  title: true,
  source: true,
  metadata: true,
  createdAt: true,
} as const;

/**
 * `POST /documents`, `GET /documents`, `GET /documents/:id`, `DELETE /documents/:id`: the
 * corpus the retriever arm searches. PostgreSQL indexes each document for full-text search
 * as it is written (generated tsvector columns), so a document is searchable at once.
 * Documents belong to the tenant that added them: another tenant's document is a 404, and only
 * the tenant's own tasks' retriever steps search it.
 */
export function createDocumentsRouter({
  prisma,
  maxContentChars = 200_000,
}: DocumentsRouterDeps): Router {
  const router = Router();

  router.post('/documents', async (req, res) => {
    const body = parseOrThrow(createDocumentSchema, req.body ?? {});
    if (body.content.length > maxContentChars) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `content is ${body.content.length} characters; the limit is ${maxContentChars}`,
        [{ field: 'content', message: `must be at most ${maxContentChars} characters` }],
      );
    }
    const row = await prisma.document.create({
      data: {
        id: randomUUID(),
        tenantId: tenantOf(res).id,
        title: body.title,
        source: body.source,
        content: body.content,
        metadata: body.metadata as Prisma.InputJsonObject,
      },
      select: SUMMARY_FIELDS,
    });
    res
      .status(201)
      .location(`/documents/${row.id}`)
      .json({ ...toDocumentView(row), content_chars: body.content.length });
  });

  router.get('/documents', async (req, res) => {
    const { limit, offset } = parseOrThrow(listQuerySchema, req.query, 'query');
    const where = { tenantId: tenantOf(res).id };
    const [rows, total] = await Promise.all([
      prisma.document.findMany({
        where,
        select: SUMMARY_FIELDS,
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: limit,
        skip: offset,
      }),
      prisma.document.count({ where }),
    ]);
    res.json({ documents: rows.map(toDocumentView), total, limit, offset });
  });

  router.get('/documents/:id', async (req, res) => {
    const { id } = parseOrThrow(documentIdParams, req.params, 'path');
    const row = await prisma.document.findUnique({
      where: { id, tenantId: tenantOf(res).id },
      select: { ...SUMMARY_FIELDS, content: true },
    });
    if (!row) throw new AppError('NOT_FOUND', `No document with id ${id}`);
    res.json(toDocumentView(row));
  });

  router.delete('/documents/:id', async (req, res) => {
    const { id } = parseOrThrow(documentIdParams, req.params, 'path');
    const { count } = await prisma.document.deleteMany({
      where: { id, tenantId: tenantOf(res).id },
    });
    if (count === 0) throw new AppError('NOT_FOUND', `No document with id ${id}`);
    res.status(204).end();
  });

  return router;
}
