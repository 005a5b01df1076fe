// The SDK's heavier modules (sdk-node and its exporters, the http instrumentation) are loaded by
// startTracing only when there is a collector: types only here.
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as HttpInstrumentationModule from '@opentelemetry/instrumentation-http';
import { Resource } from '@opentelemetry/resources';
import type * as SdkNode from '@opentelemetry/sdk-node';
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

/**
 * No collector: the worker still registers the workflow interceptors' sink (every run has them,
 * see workflow-bundle.ts), which then drops the spans.
 */
export const NO_TRACING: Pick<Tracing, 'spanProcessor' | 'resource'> = {
  spanProcessor: new NoopSpanProcessor(),
  resource: Resource.empty(),
};

/** Requests not worth a trace: probes and scrapes, every few seconds. */
const QUIET_PATHS = /^\/(health|ready|metrics)\b/;

/**
 * Starts OpenTelemetry for this process when `endpoint` (an OTLP/HTTP collector,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`) is set: spans of incoming and outgoing HTTP (W3C
 * `traceparent` carried both ways), of the Temporal client, workflows and activities (the
 * Temporal interceptors), exported in batches to `<endpoint>/v1/traces`. Must run before the
 * HTTP servers start. Without an endpoint nothing is started (undefined), and the SDK's heavier
 * modules are not even loaded.
 */
export function startTracing(
  serviceName: string,
  endpoint: string | undefined,
): Tracing | undefined {
  if (!endpoint) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof HttpInstrumentationModule;
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof SdkNode;
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
  require('node:http');
  require('node:https');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { spanProcessor, resource, shutdown: () => sdk.shutdown() };
}
