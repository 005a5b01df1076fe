import path from 'node:path';
import { buildCacheEntry } from './cache-entry';
import { cacheRoute, explicitPathRoute } from './common-routes';
import { findOnPath, isExecutableFile } from './find-executable';
import { formatDuration } from './format-duration';
import { probeCliVersion } from './probe-cli-version';
import { resolveInOrder, type Route } from './resolve-in-order';
import type { ResolvedServer, ResolveServerOptions } from './resolved-server';
import { DEFAULT_BUILD_TIMEOUT_MS, DEFAULT_PROGRESS_INTERVAL_MS, runBuild } from './run-build';
import { TEMPORAL_CLI_PACKAGE, TEMPORAL_CLI_PATH_VAR, TEMPORAL_CLI_VERSION } from './versions';

const WHAT = 'Temporal dev server (temporal CLI)';
const LABEL = 'dev server';
const BINARY = 'temporal';

/** Cache folder name: version and platform, since the entry is a native binary. */
export const DEV_SERVER_CACHE_ENTRY = `temporal-cli-${TEMPORAL_CLI_VERSION}-${process.platform}-${process.arch}`;

/**
 * Finds or obtains the `temporal` CLI that `TestWorkflowEnvironment.createLocal` runs as a dev
 * server (Web UI included). Order: `explicitPath` (from TEMPORAL_CLI_PATH), `temporal` on PATH,
 * the cache, a one-time `go install` of the pinned CLI through the Go module proxy into the
 * cache, and finally the SDK's own download. POSIX only.
 *
 * @example
 * const { executable } = await resolveDevServer({ cacheDir: '.octollm/toolchain' });
 * const env = await TestWorkflowEnvironment.createLocal({ server: { executable } });
 */
export async function resolveDevServer(opts: ResolveServerOptions): Promise<ResolvedServer> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? console.error;
  const entryDir = path.join(opts.cacheDir, DEV_SERVER_CACHE_ENTRY);
  const isValid = (dir: string): Promise<boolean> => isExecutableFile(path.join(dir, BINARY));
  const existing = (file: string, source: ResolvedServer['source'], version?: string) =>
    ({ executable: { type: 'existing-path', path: file }, source, version }) as const;

  const routes: Route[] = [
    explicitPathRoute(opts.explicitPath, TEMPORAL_CLI_PATH_VAR, WHAT, async (file) =>
      // Trust an explicit path even if `--version` misbehaves; the version is informative only.
      existing(file, 'explicit', await probeCliVersion(file, env).catch(() => undefined)),
    ),
    {
      name: 'PATH',
      async attempt() {
        const file = await findOnPath(BINARY, env.PATH);
        if (!file) return `no \`${BINARY}\` on PATH`;
        try {
          return existing(file, 'path', await probeCliVersion(file, env));
        } catch (err) {
          return `${file} is not a working Temporal CLI (${(err as Error).message})`;
        }
      },
    },
    cacheRoute(entryDir, isValid, () =>
      existing(path.join(entryDir, BINARY), 'cache', TEMPORAL_CLI_VERSION),
    ),
    {
      name: 'go-build',
      async attempt() {
        const go = await findOnPath('go', env.PATH);
        if (!go) return '`go` is not on PATH';
        const started = Date.now();
        log(
          `${LABEL}: building temporal CLI v${TEMPORAL_CLI_VERSION} with \`go install\` through the ` +
            `Go module proxy into ${entryDir} (first run only; minutes on a cold machine)…`,
        );
        const dir = await buildCacheEntry(opts.cacheDir, DEV_SERVER_CACHE_ENTRY, isValid, (tmp) =>
          goInstallCli(go, tmp, env, opts, log),
        );
        const file = path.join(dir, BINARY);
        log(`${LABEL}: built in ${formatDuration(Date.now() - started)}: ${file}`);
        return existing(file, 'go-build', TEMPORAL_CLI_VERSION);
      },
    },
  ];

  return resolveInOrder({
    what: WHAT,
    routes,
    fix:
      `To fix: install Go 1.25+ (the first run then builds github.com/temporalio/cli ` +
      `v${TEMPORAL_CLI_VERSION} through the Go module proxy and caches it), put the \`temporal\` ` +
      `CLI on PATH, or set ${TEMPORAL_CLI_PATH_VAR} to a temporal CLI binary.`,
    allowSdkDownload: opts.allowSdkDownload ?? true,
    log,
  });
}

/**
 * `CGO_ENABLED=0 GOBIN=<tmp> go install github.com/temporalio/cli/cmd/temporal@v1.5.1`, which
 * TOOLCHAIN.md verified; the UI assets are embedded from the ui-server module. `-ldflags` stamps
 * the version, which a plain `go install` leaves as `0.0.0-DEV`.
 */
async function goInstallCli(
  go: string,
  tmpDir: string,
  env: NodeJS.ProcessEnv,
  opts: ResolveServerOptions,
  log: (msg: string) => void,
): Promise<void> {
  await runBuild({
    command: go,
    args: [
      'install',
      '-v', // one line per package: the progress lines quote them
      `-ldflags=-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
      `${TEMPORAL_CLI_PACKAGE}@v${TEMPORAL_CLI_VERSION}`,
    ],
    // Run outside any module or workspace so `go install pkg@version` ignores local go.mod files.
    cwd: tmpDir,
    env: { ...env, CGO_ENABLED: '0', GOBIN: tmpDir },
    label: `${LABEL} (go install)`,
    log,
    timeoutMs: opts.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS,
    progressIntervalMs: opts.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
  });
  // Prove the binary runs before it becomes a cache entry.
  await probeCliVersion(path.join(tmpDir, BINARY), env);
}
