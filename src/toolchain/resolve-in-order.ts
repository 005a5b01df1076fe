import type { ResolvedServer, ToolchainLog } from './resolved-server';
import { ToolchainError, describeAttempts, type RouteAttempt } from './toolchain-error';

/** One way of obtaining a server. */
export interface Route {
  name: string;
  /**
   * Returns the server, or a short reason why this route does not apply. A thrown
   * {@link ToolchainError} is a configuration error and stops the search; any other thrown
   * error is this route failing, and the search moves on.
   */
  attempt(): Promise<ResolvedServer | string>;
}

/** Inputs of {@link resolveInOrder}. */
export interface ResolveInOrderOptions {
  /** What is being resolved, for messages: `Temporal dev server (temporal CLI)`. */
  what: string;
  routes: readonly Route[];
  /** Closing advice: what to install or set. */
  fix: string;
  allowSdkDownload: boolean;
  log: ToolchainLog;
}

/**
 * Tries `routes` in order and returns the first server found. When all fail it returns the
 * SDK's own download (`cached-download`) if allowed, after logging why, and otherwise throws
 * one {@link ToolchainError} listing every route and its reason.
 */
export async function resolveInOrder(opts: ResolveInOrderOptions): Promise<ResolvedServer> {
  const attempts: RouteAttempt[] = [];
  for (const route of opts.routes) {
    let outcome: ResolvedServer | string;
    try {
      outcome = await route.attempt();
    } catch (err) {
      if (err instanceof ToolchainError) throw err;
      outcome = `failed: ${errorMessage(err)}`;
      opts.log(`${opts.what}: ${route.name} ${outcome}\n  trying the next route`);
    }
    if (typeof outcome !== 'string') return outcome;
    attempts.push({ route: route.name, reason: outcome });
  }

  if (opts.allowSdkDownload) {
    // The SDK downloads at environment creation, which fails without internet access; say why
    // we got here so that failure is not a mystery.
    opts.log(
      `${opts.what}: no local route worked, so @temporalio/testing will download it from ` +
        `temporal.download (needs internet access). Tried:\n${describeAttempts(attempts)}\n${opts.fix}`,
    );
    return { executable: { type: 'cached-download' }, source: 'sdk-download' };
  }
  attempts.push({ route: 'sdk-download', reason: 'disabled (allowSdkDownload: false)' });
  throw new ToolchainError(
    `Could not obtain the ${opts.what}. Tried, in order:\n${describeAttempts(attempts)}\n${opts.fix}`,
    attempts,
  );
}

/** `message` of anything thrown; duck-typed since jest's VM context breaks `instanceof Error`. */
function errorMessage(err: unknown): string {
  const message = (err as Error | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
