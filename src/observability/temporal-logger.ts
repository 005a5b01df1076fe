import type { LogLevel, LogMetadata } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import type { Logger } from 'pino';

/**
 * The Temporal SDK's logger (`Runtime.install`) writing through pino: the SDK's own lines, and
 * what workflows (`log` from `@temporalio/workflow`) and activities (`log` from
 * `@temporalio/activity`) log, with the SDK's fields (workflow id, run id, activity type,
 * attempt…) and the trace id where there is one, as one JSON line each like the rest.
 */
export function temporalLogger(logger: Logger, level: LogLevel): DefaultLogger {
  const sdk = logger.child({ component: 'temporal' });
  return new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
    const method = entryLevel.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    sdk[method](withoutSdkNoise(meta), message);
  });
}

/** The SDK adds `sdkComponent` and `taskQueue` to every line; the first says where it is from. */
function withoutSdkNoise(meta: LogMetadata | undefined): LogMetadata {
  if (!meta) return {};
  const { sdkComponent, ...rest } = meta;
  return { ...rest, ...(sdkComponent ? { sdk: sdkComponent } : {}) };
}
