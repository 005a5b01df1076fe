import path from 'node:path';
import { buildTestServer, isTestServerEntry, TEST_SERVER_WRAPPER } from './build-test-server';
import { buildCacheEntry } from './cache-entry';
import { cacheRoute, explicitPathRoute } from './common-routes';
import { findOnPath, isExecutableFile } from './find-executable';
import { formatDuration } from './format-duration';
import { resolveInOrder, type Route } from './resolve-in-order';
import type { ResolvedServer, ResolveServerOptions } from './resolved-server';
import { DEFAULT_BUILD_TIMEOUT_MS, DEFAULT_PROGRESS_INTERVAL_MS } from './run-build';
import { TEMPORAL_TEST_SERVER_PATH_VAR, TEMPORAL_TEST_SERVER_VERSION } from './versions';

const WHAT = 'Temporal time-skipping test server';
const LABEL = 'test server';

/** Cache folder name; the version is part of it so a bump builds a fresh entry. */
export const TEST_SERVER_CACHE_ENTRY = `temporal-test-server-${TEMPORAL_TEST_SERVER_VERSION}`;

/**
 * Finds or obtains the time-skipping test server that
 * `TestWorkflowEnvironment.createTimeSkipping` runs. Order: `explicitPath` (from
 * TEMPORAL_TEST_SERVER_PATH), the cache, a one-time fetch of the official
 * `io.temporal:temporal-test-server` from Maven Central (Maven + Java) wrapped in a script in the
 * cache, and finally the SDK's own download. There is no PATH route: the official test server
 * is not distributed as a command. POSIX only (the wrapper is a `sh` script).
 *
 * @example
 * const { executable } = await resolveTestServer({ cacheDir: '.octollm/toolchain' });
 * const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
 */
export async function resolveTestServer(opts: ResolveServerOptions): Promise<ResolvedServer> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? console.error;
  const entryDir = path.join(opts.cacheDir, TEST_SERVER_CACHE_ENTRY);
  const existing = (file: string, source: ResolvedServer['source'], version?: string) =>
    ({ executable: { type: 'existing-path', path: file }, source, version }) as const;

  const routes: Route[] = [
    explicitPathRoute(opts.explicitPath, TEMPORAL_TEST_SERVER_PATH_VAR, WHAT, async (file) =>
      existing(file, 'explicit'),
    ),
    cacheRoute(entryDir, isTestServerEntry, () =>
      existing(path.join(entryDir, TEST_SERVER_WRAPPER), 'cache', TEMPORAL_TEST_SERVER_VERSION),
    ),
    {
      name: 'maven',
      async attempt() {
        const mvn = await findOnPath('mvn', env.PATH);
        const java = await findJava(env);
        const missing = [mvn ? [] : ['`mvn`'], java ? [] : ['`java`']].flat();
        if (!mvn || !java) return `${missing.join(' and ')} not on PATH`;
        const started = Date.now();
        log(
          `${LABEL}: fetching io.temporal:temporal-test-server:${TEMPORAL_TEST_SERVER_VERSION} and ` +
            `its runtime class path from Maven Central into ${entryDir} (first run only)…`,
        );
        const ctx = {
          env,
          log,
          label: LABEL,
          timeoutMs: opts.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS,
          progressIntervalMs: opts.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
        };
        const dir = await buildCacheEntry(
          opts.cacheDir,
          TEST_SERVER_CACHE_ENTRY,
          isTestServerEntry,
          (tmp) => buildTestServer(tmp, { mvn, java }, ctx),
        );
        const file = path.join(dir, TEST_SERVER_WRAPPER);
        log(`${LABEL}: ready in ${formatDuration(Date.now() - started)}: ${file}`);
        return existing(file, 'maven', TEMPORAL_TEST_SERVER_VERSION);
      },
    },
  ];

  return resolveInOrder({
    what: WHAT,
    routes,
    fix:
      `To fix: install a JDK (8+, 17 recommended) and Maven (the first run then fetches ` +
      `io.temporal:temporal-test-server:${TEMPORAL_TEST_SERVER_VERSION} from Maven Central and ` +
      `caches it), or set ${TEMPORAL_TEST_SERVER_PATH_VAR} to a test server executable.`,
    allowSdkDownload: opts.allowSdkDownload ?? true,
    log,
  });
}

/** The JVM Maven would use too: `$JAVA_HOME/bin/java` when set, else `java` on PATH. */
async function findJava(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.JAVA_HOME) {
    const candidate = path.join(env.JAVA_HOME, 'bin', 'java');
    if (await isExecutableFile(candidate)) return candidate;
  }
  return findOnPath('java', env.PATH);
}
