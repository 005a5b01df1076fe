import type { WorkflowBundle } from '@temporalio/worker';
import { bundleTaskWorkflows } from '../../src/runtime/workflow-bundle';
import { loadConfig } from '../../src/config';
import { resolveDevServer, resolveTestServer, type ResolvedServer } from '../../src/toolchain';

const config = loadConfig();
const log = (msg: string) => process.stderr.write(`[toolchain] ${msg}\n`);

/** The time-skipping test server, resolved (and on first use built) once per process. */
export function testServer(): Promise<ResolvedServer> {
  return resolveTestServer({
    explicitPath: config.temporal.testServerPath,
    cacheDir: config.temporal.toolchainDir,
    log,
  });
}

/** The Temporal dev server (the `temporal` CLI), resolved once per process. */
export function devServer(): Promise<ResolvedServer> {
  return resolveDevServer({
    explicitPath: config.temporal.cliPath,
    cacheDir: config.temporal.toolchainDir,
    log,
  });
}

let bundle: Promise<WorkflowBundle> | undefined;

/** The workflow bundle, built once per test file (bundling takes seconds). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleTaskWorkflows(log);
  return bundle;
}
