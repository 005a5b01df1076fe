/**
 * Property-based fuzzing of the whole public API from its own `/openapi.json`, with
 * schemathesis (from PyPI, installed on first use into `.octollm/tools/schemathesis`).
 *
 *   npm run fuzz [-- --examples 100 --seed 1]
 *   API_URL=http://127.0.0.1:8000 OCTOLLM_API_KEY=… npm run fuzz     # a running stack
 *
 * Without API_URL it starts the system as deployed (as `npm run bench:pipeline` does). Checks:
 * no 5xx, every response's status, content type and body as documented (errors included).
 * Prints the number of requests made, the 5xx seen and schemathesis's own verdict; exits non-zero
 * if either found a problem. The HAR of every request is kept beside the processes' logs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildForBench, existingStack, startStack } from '../bench/pipeline/stack';

const SCHEMATHESIS_VERSION = '4.32.5';
const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.octollm', 'tools', 'schemathesis');

const { values: opts } = parseArgs({
  options: {
    examples: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
  },
});

const say = (msg: string) => console.error(`[fuzz] ${msg}`);

/** The schemathesis executable, installed into a private virtualenv when missing. */
function schemathesis(): string {
  const bin = path.join(VENV, 'bin', 'schemathesis');
  if (fs.existsSync(bin)) return bin;
  const python = spawnSync('python3', ['--version']);
  if (python.status !== 0) {
    throw new Error(
      'npm run fuzz needs Python 3.9 or later (python3 with venv) to install schemathesis ' +
        'from PyPI: install it (Debian: apt-get install python3 python3-venv) and run again.',
    );
  }
  say(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${VENV}`);
  execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
  execFileSync(
    path.join(VENV, 'bin', 'pip'),
    ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`],
    { stdio: 'inherit' },
  );
  return bin;
}

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number };
}

async function main(): Promise<number> {
  const bin = schemathesis();
  let stack;
  if (process.env.API_URL) {
    stack = await existingStack(process.env.API_URL);
  } else {
    buildForBench(say);
    stack = await startStack(say);
  }
  const har = path.join(stack.logDir, 'fuzz.har');
  try {
    say(`fuzzing ${stack.apiUrl} from its /openapi.json`);
    const run = spawnSync(
      bin,
      [
        'run',
        `${stack.apiUrl}/openapi.json`,
        '--url',
        stack.apiUrl,
        '--header',
        `Authorization: Bearer ${stack.apiKey}`,
        '--checks',
        'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
        '--max-examples',
        opts.examples,
        '--seed',
        opts.seed,
        // One worker: with several threads, Python 3.11's parser can fail inside hypothesis
        // ("AST constructor recursion depth mismatch"), an error of the tool, not of the API.
        '--workers',
        '1',
        '--request-timeout',
        '20',
        '--no-color',
        '--generation-database',
        'none',
        '--report',
        'har',
        '--report-har-path',
        har,
      ],
      // Its own caches go beside the logs, not into the repository.
      { stdio: 'inherit', cwd: stack.logDir },
    );
    const entries = (JSON.parse(fs.readFileSync(har, 'utf8')) as { log: { entries: HarEntry[] } })
      .log.entries;
    const serverErrors = entries.filter((e) => e.response.status >= 500);
    console.log(
      `fuzz: ${entries.length} requests, ${serverErrors.length} 5xx, schemathesis exit ` +
        `${run.status} (0: no check failed); HAR in ${har}`,
    );
    for (const e of serverErrors.slice(0, 5)) {
      console.log(`  ${e.response.status} ${e.request.method} ${e.request.url}`);
    }
    return run.status === 0 && serverErrors.length === 0 ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
