import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server';

/**
 * The executable half of a resolution, shaped so it can be passed unchanged as
 * `server.executable` to `TestWorkflowEnvironment.createLocal` / `createTimeSkipping`.
 */
export type ServerExecutable =
  { type: 'existing-path'; path: string } | { type: 'cached-download' };

/** Which route produced the executable. */
export type ServerSource = 'explicit' | 'path' | 'cache' | 'go-build' | 'maven' | 'sdk-download';

/** A Temporal server binary ready to hand to @temporalio/testing. */
export interface ResolvedServer {
  executable: ServerExecutable;
  source: ServerSource;
  /** Version when known: the pinned one for built or cached entries, `--version` otherwise. */
  version?: string;
}

/** Progress sink; receives one human-readable line per call. */
export type ToolchainLog = (msg: string) => void;

/** Options shared by both resolvers. */
export interface ResolveServerOptions {
  /** Explicit binary; wins over every other route and must exist when set. */
  explicitPath?: string;
  /** Cache folder (the repo uses the git-ignored `.octollm/toolchain`). */
  cacheDir: string;
  /** Progress lines during slow builds. Defaults to `console.error`. */
  log?: ToolchainLog;
  /**
   * Environment for PATH lookups and for the build tools' child processes. Defaults to
   * `process.env`; this module never reads it for anything else.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Whether to fall back to the SDK's own download from temporal.download (works with internet
   * access, not on registry-only machines). When false, the resolver throws instead.
   * @default true
   */
  allowSdkDownload?: boolean;
  /** Kill a build that takes longer than this. @default 30 minutes */
  buildTimeoutMs?: number;
  /** How often a running build reports progress. @default 15 seconds */
  progressIntervalMs?: number;
}

// Compile-time proof that callers can pass `executable` straight to the SDK.
type AssertAssignable<T extends EphemeralServerExecutable> = T;
type _SdkCompatible = AssertAssignable<ServerExecutable>;
