import type { PrismaClient } from '../../../generated/prisma/client';
import { AppError } from '../../../http/app-error';
import type { ArmDescriptor } from '../arm-handler';
import { searchDocuments } from '../retriever/search-documents';
import { searchTerms } from '../retriever/search-terms';

/** Settings of the retriever arm. */
export interface RetrieverOptions {
  /** The document store; without it every step fails with 503 and `/ready` says why. */
  prisma: PrismaClient | undefined;
  /** Passages returned at most; default 5. */
  topK?: number;
}

/** Confidence when every search term was found, when only some were, and when nothing was. */
const CONFIDENCE = { all: 0.8, some: 0.5, none: 0.1 } as const;

/**
 * Finds passages for a step in the documents ingested through `POST /documents`: PostgreSQL
 * full-text search on the content words of the step's action (and of the goal when the
 * action says too little). A tool, with or without an LLM. When nothing matches it says so
 * with low confidence; it never makes passages up.
 */
export function createRetrieverArm({ prisma, topK = 5 }: RetrieverOptions): ArmDescriptor {
  return {
    name: 'retriever',
    capabilities: ['search', 'retrieval', 'fact-finding', 'full-text-search'],
    cost_tier: 'free',
    mode: () => 'tool',
    details: {
      search: {
        engine: 'postgresql-full-text',
        configs: ['english', 'simple'],
        ranking: 'ts_rank_cd',
        top_k: topK,
        documents_api: 'POST /documents on the API',
      },
    },
    ready: async () => {
      if (!prisma) {
        return { ready: false, checks: { database: { ok: false, detail: 'not configured' } } };
      }
      try {
        await prisma.$queryRaw`SELECT 1 FROM documents LIMIT 1`;
        return { ready: true, checks: { database: { ok: true } } };
      } catch (err) {
        const detail = (err as Error).message.slice(0, 200);
        return { ready: false, checks: { database: { ok: false, detail } } };
      }
    },
    handler: async (request) => {
      if (!prisma) {
        // Retryable on purpose: once the service is restarted with its database, it works.
        throw new AppError(
          'UPSTREAM_UNAVAILABLE',
          'The retriever arm has no document store: it was started without a database',
        );
      }
      const terms = searchTerms(request.step.action, request.goal);
      const query = terms.join(' ');
      // A database failure is left to the error handler: logged in full, answered as an opaque
      // 500, which the calling activity retries.
      const passages = await searchDocuments(prisma, request.task_id, terms, topK);
      const usage = { tokens: 0, cost_usd: 0 };
      if (passages.length === 0) {
        return {
          output: {
            query,
            passages: [],
            note: terms.length
              ? 'No indexed document matches these terms; nothing was retrieved.'
              : 'The step names no content words to search for; nothing was retrieved.',
          },
          summary: `retriever: 0 passages for "${query}"`,
          confidence: CONFIDENCE.none,
          usage,
          mode: 'tool',
        };
      }
      const best = passages[0]!.matched;
      return {
        output: { query, passages },
        summary: `retriever: ${passages.length} passage(s) for "${query}"; best: ${passages[0]!.title}`,
        confidence: CONFIDENCE[best],
        usage,
        mode: 'tool',
      };
    },
  };
}
