/** One route the resolver tried, and why it did not yield a server. */
export interface RouteAttempt {
  route: string;
  reason: string;
}

/**
 * Thrown when no route produced a server, or when an explicit path is wrong. The message is the
 * whole story for a human (each route and why it failed, then what to install or set);
 * `attempts` keeps the same facts for code and tests.
 */
export class ToolchainError extends Error {
  override readonly name = 'ToolchainError';

  constructor(
    message: string,
    readonly attempts: readonly RouteAttempt[] = [],
  ) {
    super(message);
  }
}

/** Renders attempts as a numbered list, one route per line, for messages and warnings. */
export function describeAttempts(attempts: readonly RouteAttempt[]): string {
  return attempts
    .map(({ route, reason }, i) => `  ${i + 1}. ${route}: ${reason.replace(/\n/g, '\n     ')}`)
    .join('\n');
}
