import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

// Layers point one way (STYLE.md rule 14), and lint says so: an import against the direction
// fails `npm run check`. Each case lints one line as if it were in a real file of that layer.

const root = path.resolve(__dirname, '../..');

/**
 * Lints each case's code as the content of its file with the repository's own config, in one
 * child process (ESLint loads its config with import(), which jest's module sandbox lacks).
 * Answers the no-restricted-imports messages of each case.
 */
async function problemsOf(cases: [string, string][]): Promise<string[][]> {
  const script = `
    const { ESLint } = require('eslint');
    const cases = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    (async () => {
      const out = [];
      for (const [file, code] of cases) {
        const [result] = await eslint.lintText(code + '\\nexport const used = x;\\n', { filePath: file });
        out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
      }
      console.log(JSON.stringify(out));
    })();`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-e', script, JSON.stringify(cases.map(([file, code]) => [path.join(root, file), code]))],
    { cwd: root, maxBuffer: 4 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as string[][];
}

const backEdges: [string, string][] = [
  ['src/activities/index.ts', "import { progressQuery as x } from '../workflows/definitions';"],
  ['src/api/api-app.ts', "import { createTaskWorker as x } from '../runtime/task-worker';"],
  ['src/api/api-app.ts', "import { createActivities as x } from '../activities';"],
  ['src/services/arms/handlers/judge.ts', "import { loadConfig as x } from '../../../config';"],
  ['src/workflows/index.ts', "import { openDatabase as x } from '../db/database';"],
  ['src/shared/task.ts', "import { loadConfig as x } from '../config';"],
  ['src/db/database.ts', "import { createApiApp as x } from '../api/api-app';"],
  ['src/cli/main.ts', "import { createApiApp as x } from '../api/api-app';"],
];

const along: [string, string][] = [
  ['src/api/api-app.ts', "import { progressQuery as x } from '../workflows/definitions';"],
  ['src/activities/index.ts', "import { TASK_STATUSES as x } from '../shared/task-status';"],
  ['src/runtime/task-worker.ts', "import { createApiApp as x } from '../api/api-app';"],
  ['src/workflows/index.ts', "import type { createActivities as x } from '../activities';"],
];

const sandbox: [string, string][] = [
  ['src/workflows/index.ts', "import { createActivities as x } from '../activities';"],
  ['src/workflows/index.ts', "import { readFile as x } from 'node:fs';"],
];

let found: string[][];

beforeAll(async () => {
  found = await problemsOf([...backEdges, ...along, ...sandbox]);
}, 60_000);

test.each(backEdges.map((c, i) => [...c, i] as const))('%s may not %s', (_file, _code, i) => {
  expect(found[i]).toEqual([expect.stringMatching(/Layers point one way/)]);
});

test('imports along the direction pass, and workflows may import activities as types', () => {
  expect(found.slice(backEdges.length, backEdges.length + along.length)).toEqual(
    along.map(() => []),
  );
});

test('workflows import activities as types only, and no Node built-ins', () => {
  const [runtimeImport, builtin] = found.slice(backEdges.length + along.length);
  expect(runtimeImport).toEqual([expect.stringMatching(/types only/)]);
  expect(builtin).toEqual([expect.stringMatching(/Node built-ins/)]);
});
