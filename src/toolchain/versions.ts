/**
 * Pinned versions of the two Temporal servers. Each one is part of its cache key, so bumping a
 * version here makes the next run build the new one beside the old entry.
 */

/**
 * Temporal CLI (dev server with Web UI, server 1.29.1, UI 2.42.1), built from source through
 * the Go module proxy. v1.5.1 is the newest release that `go install pkg@version` accepts:
 * v1.6.0 and later carry a `replace ./cliext` directive, which `go install` refuses.
 */
export const TEMPORAL_CLI_VERSION = '1.5.1';

/** Go package path of the CLI's main package. */
export const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

/**
 * sdk-java release whose `io.temporal:temporal-test-server` artifact we take from Maven Central.
 * @temporalio/testing 1.24.0 pins no version in its sources: it asks temporal.download for
 * `default` with `sdk-name=sdk-typescript&sdk-version=1.24.0` and the server picks, so there is
 * nothing local to match. 1.38.0 is the newest release on Maven Central (checked with
 * `maven-metadata.xml` and a real `copy-dependencies`); it supports update-with-start (>= 1.26).
 */
export const TEMPORAL_TEST_SERVER_VERSION = '1.38.0';

/**
 * maven-dependency-plugin used to copy the test server's runtime classpath. Pinned so Maven does
 * not resolve `LATEST` metadata on every build.
 */
export const MAVEN_DEPENDENCY_PLUGIN_VERSION = '3.8.1';

/** Environment variable the config layer reads for an explicit dev server (CLI) binary. */
export const TEMPORAL_CLI_PATH_VAR = 'TEMPORAL_CLI_PATH';

/** Environment variable the config layer reads for an explicit time-skipping test server. */
export const TEMPORAL_TEST_SERVER_PATH_VAR = 'TEMPORAL_TEST_SERVER_PATH';
