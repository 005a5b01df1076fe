import type { PrismaClient } from '../../../generated/prisma/client';

/** One passage the retriever found: a snippet of a document with where it comes from. */
export interface Passage {
  document_id: string;
  title: string;
  source: string;
  /** `ts_headline` fragments of the content, matched words in `**bold**`. */
  snippet: string;
  /** `ts_rank_cd` cover-density rank; higher is better, comparable within one search only. */
  rank: number;
  /** Whether the document holds every search term, or only some. */
  matched: 'all' | 'some';
}

interface Row {
  id: string;
  title: string;
  source: string;
  snippet: string;
  rank: number;
  all_terms: boolean;
}

/**
 * `ts_headline` options: up to two fragments of 12-35 words, so a passage shows the matched
 * words in context without returning the whole document.
 */
const HEADLINE_OPTIONS =
  'MaxFragments=2, MinWords=12, MaxWords=35, StartSel=**, StopSel=**, FragmentDelimiter=" … "';

/**
 * Full-text search over `documents`. A document matches when any term matches in either
 * vector: `search_english` (stemmed, so "sourcing" finds "sources") or `search_simple` (every
 * word as written, for German and other languages). Documents holding every term come first,
 * then by `ts_rank_cd` (title weighs more than content); snippets are computed for the top
 * `limit` only, as `ts_headline` reads the whole text.
 *
 * Only the documents of the task's tenant are searched (the task's row says which tenant it
 * belongs to); a task without a row finds nothing.
 */
export async function searchDocuments(
  prisma: PrismaClient,
  taskId: string,
  terms: readonly string[],
  limit: number,
): Promise<Passage[]> {
  if (terms.length === 0) return [];
  // websearch_to_tsquery never fails on user text; "or" between words means any may match.
  const any = terms.join(' or ');
  const all = terms.join(' ');
  const rows = await prisma.$queryRaw<Row[]>`
    WITH q AS (
      SELECT websearch_to_tsquery('english', ${any}) AS en_any,
             websearch_to_tsquery('simple', ${any}) AS simple_any,
             websearch_to_tsquery('english', ${all}) AS en_all,
             websearch_to_tsquery('simple', ${all}) AS simple_all
    ), hits AS (
      SELECT d.id, d.title, d.source, d.content, d.created_at,
             d.search_english @@ q.en_any AS en_match,
             (d.search_english @@ q.en_all OR d.search_simple @@ q.simple_all) AS all_terms,
             GREATEST(ts_rank_cd(d.search_english, q.en_any),
                      ts_rank_cd(d.search_simple, q.simple_any)) AS rank
        FROM documents d, q
       WHERE d.tenant_id = (SELECT t.tenant_id FROM tasks t WHERE t.id = ${taskId})
         AND (d.search_english @@ q.en_any OR d.search_simple @@ q.simple_any)
       ORDER BY all_terms DESC, rank DESC, d.created_at DESC, d.id
       LIMIT ${limit}
    )
    SELECT h.id, h.title, h.source, h.all_terms, h.rank::float8 AS rank,
           CASE WHEN h.en_match
                THEN ts_headline('english', h.content, q.en_any, ${HEADLINE_OPTIONS})
                ELSE ts_headline('simple', h.content, q.simple_any, ${HEADLINE_OPTIONS})
           END AS snippet
      FROM hits h, q
     ORDER BY h.all_terms DESC, h.rank DESC, h.created_at DESC, h.id`;
  return rows.map((row) => ({
    document_id: row.id,
    title: row.title,
    source: row.source,
    snippet: row.snippet,
    rank: Math.round(row.rank * 10_000) / 10_000,
    matched: row.all_terms ? 'all' : 'some',
  }));
}
