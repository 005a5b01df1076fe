import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { ApiError, type ApiClient } from './api-client';
import { json, positiveInteger, type Run } from './cli-options';
import { EXIT, oneLine, printJson, printTable } from './output';

/** Uploads at once: enough to hide latency, few enough not to crowd the API. */
const UPLOAD_CONCURRENCY = 4;

/** `octollm docs add|list|rm`: the retriever's documents. */
export function addDocumentCommands(program: Command, run: Run): void {
  const docs = program.command('docs').description("the retriever arm's documents");

  docs
    .command('add')
    .description('upload text files as documents (title: the file name)')
    .argument('<files...>', 'text files (UTF-8)')
    .option('--source <source>', 'the source to record (default: the file path)')
    .option(...json)
    .action((files: string[], opts: { source?: string; json?: boolean }) =>
      run(async (client) => {
        const results = await uploadAll(client, files, opts.source, !opts.json);
        const failed = results.filter((r) => r.error);
        if (opts.json) printJson({ documents: results });
        else {
          for (const r of failed) console.error(`${r.file}: ${r.error}`);
          console.log(`Added ${results.length - failed.length} of ${results.length} documents`);
        }
        return failed.length ? EXIT.apiError : EXIT.ok;
      }),
    );

  docs
    .command('list')
    .description('your documents, newest first (without their content)')
    .option('--limit <n>', 'how many (at most 100)', positiveInteger, 20)
    .option('--offset <n>', 'skip this many', (v) => Number(v), 0)
    .option(...json)
    .action((opts: { limit: number; offset: number; json?: boolean }) =>
      run(async (client) => {
        const page = await client.call<DocumentPage>('GET', '/documents', {
          searchParams: { limit: opts.limit, offset: opts.offset },
        });
        if (opts.json) printJson(page);
        else if (page.documents.length === 0) console.log('No documents.');
        else {
          printTable(
            ['ID', 'CREATED', 'TITLE', 'SOURCE'],
            page.documents.map((d) => [
              d.id,
              d.created_at.slice(0, 19).replace('T', ' '),
              oneLine(d.title, 40),
              oneLine(d.source, 60),
            ]),
          );
          const shown = page.offset + page.documents.length;
          if (shown < page.total) {
            console.log(`${shown} of ${page.total}; more: octollm docs list --offset ${shown}`);
          }
        }
        return EXIT.ok;
      }),
    );

  docs
    .command('rm')
    .description('delete documents')
    .argument('<ids...>', 'document ids')
    .option(...json)
    .action((ids: string[], opts: { json?: boolean }) =>
      run(async (client) => {
        const results: { id: string; deleted: boolean; error?: string }[] = [];
        for (const id of ids) {
          try {
            await client.call('DELETE', `/documents/${encodeURIComponent(id)}`);
            results.push({ id, deleted: true });
          } catch (err) {
            if (!(err instanceof ApiError) || err.status === undefined) throw err;
            results.push({ id, deleted: false, error: err.message });
          }
        }
        if (opts.json) printJson({ documents: results });
        else
          for (const r of results)
            console.log(r.deleted ? `Deleted ${r.id}` : `${r.id}: ${r.error}`);
        return results.every((r) => r.deleted) ? EXIT.ok : EXIT.apiError;
      }),
    );
}

interface DocumentPage {
  documents: { id: string; title: string; source: string; created_at: string }[];
  total: number;
  offset: number;
}

interface Uploaded {
  file: string;
  id?: string;
  error?: string;
}

/**
 * Uploads each file as a document, a few at a time, with a progress bar on a terminal. A file
 * that cannot be read or that the API refuses is reported and the others go on; losing the
 * API altogether stops the upload.
 */
async function uploadAll(
  client: ApiClient,
  files: string[],
  source: string | undefined,
  showProgress: boolean,
): Promise<Uploaded[]> {
  const bar =
    showProgress && process.stderr.isTTY
      ? new SingleBar({
          format: 'Uploading [{bar}] {value}/{total} files  {file}',
          stream: process.stderr,
          hideCursor: true,
        })
      : undefined;
  bar?.start(files.length, 0, { file: '' });
  const results: Uploaded[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index]!;
      results[index] = await uploadOne(client, file, source);
      bar?.increment({ file: path.basename(file) });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, files.length) }, worker));
  } finally {
    bar?.stop();
  }
  return results;
}

async function uploadOne(client: ApiClient, file: string, source?: string): Promise<Uploaded> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (err) {
    return { file, error: `cannot read it (${(err as NodeJS.ErrnoException).code ?? err})` };
  }
  try {
    const doc = await client.call<{ id: string }>('POST', '/documents', {
      json: { title: path.basename(file), source: source ?? file, content },
    });
    return { file, id: doc.id };
  } catch (err) {
    // A refused document (400, 413) is this file's problem; anything else (no key, the API
    // away) would fail every file alike, so it stops the upload with one message.
    if (err instanceof ApiError && (err.status === 400 || err.status === 413)) {
      return { file, error: err.message };
    }
    throw err;
  }
}
