import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';

// Workers log every state change and bundling step at INFO, and tests provoke many activity
// failures on purpose: show only errors, from both the TypeScript side and the Rust core.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
});
