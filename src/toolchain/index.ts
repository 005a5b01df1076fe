/**
 * Finds or obtains the two Temporal servers the tests and local runs need, offline-friendly and
 * cached (see resolveDevServer / resolveTestServer for the order of routes).
 */
export { resolveDevServer, DEV_SERVER_CACHE_ENTRY } from './resolve-dev-server';
export { resolveTestServer, TEST_SERVER_CACHE_ENTRY } from './resolve-test-server';
export type {
  ResolvedServer,
  ResolveServerOptions,
  ServerExecutable,
  ServerSource,
  ToolchainLog,
} from './resolved-server';
export { ToolchainError, type RouteAttempt } from './toolchain-error';
export {
  TEMPORAL_CLI_PATH_VAR,
  TEMPORAL_CLI_VERSION,
  TEMPORAL_TEST_SERVER_PATH_VAR,
  TEMPORAL_TEST_SERVER_VERSION,
} from './versions';
