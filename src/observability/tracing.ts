import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { Resource } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Where spans go: the process's processor and resource, also handed to the worker's sink. */
export interface Tracing {
  /** Receives every span, the workflow's (exported through the worker's sink) included. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends what is buffered and stops; call on shutdown. */
  shutdown(): Promise<void>;
}

/** What tracing is when no collector is configured: spans are not recorded at all. */
export const NO_TRACING: Tracing = {
  spanProcessor: new NoopSpanProcessor(),
  resource: Resource.empty(),
  shutdown: async () => undefined,
};

/** Requests not worth a trace: probes and scrapes, every few seconds. */
const QUIET_PATHS = /^\/(health|ready|metrics)\b/;

/**
 * Starts OpenTelemetry for this process when `endpoint` (an OTLP/HTTP collector,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`) is set: spans of incoming and outgoing HTTP (W3C
 * `traceparent` carried both ways), of the Temporal client, workflows and activities (the
 * Temporal interceptors), exported in batches to `<endpoint>/v1/traces`. Must run before the
 * HTTP servers start. Without an endpoint nothing is started and spans cost next to nothing.
 */
export function startTracing(serviceName: string, endpoint: string | undefined): Tracing {
  if (!endpoint) return NO_TRACING;
  const resource = new Resource({ 'service.name': serviceName });
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  const spanProcessor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 });
  const sdk = new NodeSDK({
    resource,
    spanProcessors: [spanProcessor],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => QUIET_PATHS.test(req.url ?? ''),
        ignoreOutgoingRequestHook: (req) => QUIET_PATHS.test(req.path ?? ''),
      }),
    ],
  });
  sdk.start();
  // The instrumentation patches http and https when next required: require them now, as this
  // process may have loaded them already (got did) and not load them again.
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('node:http');
  require('node:https');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { spanProcessor, resource, shutdown: () => sdk.shutdown() };
}
