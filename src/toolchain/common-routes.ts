import path from 'node:path';
import type { EntryCheck } from './cache-entry';
import { isExecutableFile } from './find-executable';
import type { Route } from './resolve-in-order';
import type { ResolvedServer } from './resolved-server';
import { ToolchainError } from './toolchain-error';

/**
 * The explicit-path route. An explicit path that is not an executable file is a configuration
 * error, not a reason to quietly use something else, so it throws {@link ToolchainError}
 * naming the variable the path came from.
 */
export function explicitPathRoute(
  explicitPath: string | undefined,
  varName: string,
  what: string,
  toServer: (file: string) => Promise<ResolvedServer>,
): Route {
  return {
    name: `explicit path (${varName})`,
    async attempt() {
      if (explicitPath === undefined || explicitPath === '') return `${varName} is not set`;
      // The SDK spawns the path from its own working directory; make it absolute now.
      const file = path.resolve(explicitPath);
      if (!(await isExecutableFile(file))) {
        throw new ToolchainError(
          `${varName} is set to "${explicitPath}", which is not an executable file. ` +
            `Point ${varName} at a ${what} binary, or unset it to let the resolver find or build one.`,
        );
      }
      return toServer(file);
    },
  };
}

/** The cache route: a finished entry directory, which only an atomic rename can produce. */
export function cacheRoute(
  entryDir: string,
  isValid: EntryCheck,
  toServer: () => ResolvedServer,
): Route {
  return {
    name: 'cache',
    async attempt() {
      return (await isValid(entryDir)) ? toServer() : `no usable entry at ${entryDir}`;
    },
  };
}
