#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ApiClient, ApiError } from './api-client';
import { CliEnvError, loadCliEnv } from './cli-env';
import { CliUsageError, type Run } from './cli-options';
import { addDocumentCommands } from './document-commands';
import { EXIT } from './output';
import { addTaskCommands } from './task-commands';

/**
 * `octollm`: the command line for the OctoLLM API. Submits and follows tasks, controls them,
 * manages the retriever's documents. Talks to `OCTOLLM_URL` with `OCTOLLM_API_KEY`.
 */
export function createProgram(run: Run): Command {
  const program = new Command('octollm')
    .description(
      'Submit, follow and control OctoLLM tasks.\n' +
        'Environment: OCTOLLM_URL (default http://127.0.0.1:8000), OCTOLLM_API_KEY ' +
        '(default: the key `npm start` keeps in .octollm/api-key, for a local API).',
    )
    .showHelpAfterError('(octollm --help lists the commands)')
    .exitOverride();
  addTaskCommands(program, run);
  addDocumentCommands(program, run);
  program.addHelpText(
    'after',
    `
Exit codes: 0 done (a followed task completed), 1 the task did not complete,
2 bad arguments, 3 the API refused the request or could not be reached, 130 Ctrl-C.`,
  );
  return program;
}

/** Parses `argv`, runs the command, and resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  // `octollm tasks | head`: a reader that stops early is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(code);
      throw err;
    });
  }
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  const run: Run = async (body) => {
    code = await body(new ApiClient(loadCliEnv()), abort.signal);
  };
  try {
    await createProgram(run).parseAsync(argv, { from: 'user' });
  } catch (err) {
    code = exitCodeFor(err);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  return code;
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version are not errors; commander has printed what it had to say.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof CliUsageError || err instanceof CliEnvError) {
    console.error(`octollm: ${err.message}`);
    return EXIT.usage;
  }
  if (err instanceof ApiError) {
    console.error(`octollm: ${err.message}`);
    return EXIT.apiError;
  }
  console.error(`octollm: ${(err as Error).stack ?? err}`);
  return EXIT.apiError;
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
