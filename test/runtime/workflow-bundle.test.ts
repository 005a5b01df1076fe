import fs from 'node:fs';
import os from 'node:os';
import { loadWorkflowBundle } from '../../src/runtime/workflow-bundle';

// The worker's workflow code is bundled in a short-lived child process when running from
// source, so webpack's memory never stays in the worker.
test('from source, the workflow bundle is built in a child process and its temp files removed', async () => {
  const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('octollm-workflows-'));
  const bundle = await loadWorkflowBundle();
  expect(bundle.code.length).toBeGreaterThan(100_000);
  expect(bundle.code).toContain('TaskWorkflow');
  const after = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('octollm-workflows-'));
  expect(after).toEqual(before);
}, 120_000);
