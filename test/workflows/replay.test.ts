import { Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';

// Replays histories recorded from real runs (scripts/record-history.ts) against the current
// workflow code. A failure means a change would break tasks that are running right now:
// guard it with workflow.patched() instead of re-recording.
const dir = path.resolve(__dirname, '../fixtures/histories');
const histories = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));

test('there are recorded histories to replay', () => {
  expect(histories).toEqual(expect.arrayContaining(['task-completed.json', 'task-blocked.json']));
});

test.each(histories)('%s replays deterministically', async (file) => {
  const history: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  await expect(
    Worker.runReplayHistory({ workflowsPath: require.resolve('../../src/workflows') }, history),
  ).resolves.toBeUndefined();
});
