/**
 * Resolves (and on first run builds) both Temporal servers into the toolchain cache
 * (`.octollm/toolchain` by default), printing where each came from and how long it took.
 * A prefetch step: `npx tsx scripts/toolchain.ts`.
 */
import { loadConfig } from '../src/config';
import { resolveDevServer, resolveTestServer, type ResolvedServer } from '../src/toolchain';
import { formatDuration } from '../src/toolchain/format-duration';

async function timed(name: string, resolve: () => Promise<ResolvedServer>): Promise<void> {
  const started = Date.now();
  const server = await resolve();
  const where =
    server.executable.type === 'existing-path'
      ? server.executable.path
      : '(SDK download at first use)';
  console.log(
    `${name}: source=${server.source} version=${server.version ?? 'unknown'} ` +
      `time=${formatDuration(Date.now() - started)}\n  ${where}`,
  );
}

async function main(): Promise<void> {
  const { temporal } = loadConfig();
  // A prefetch exists to leave local binaries behind; falling back to the SDK's download
  // (which only happens later, at first use) would hide the failure, so fail loudly instead.
  const common = { cacheDir: temporal.toolchainDir, allowSdkDownload: false };
  // Sequential on purpose: both builds at once would fight over 2 cores.
  await timed('dev server', () => resolveDevServer({ ...common, explicitPath: temporal.cliPath }));
  await timed('test server', () =>
    resolveTestServer({ ...common, explicitPath: temporal.testServerPath }),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
