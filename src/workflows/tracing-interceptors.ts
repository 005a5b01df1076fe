/**
 * Not a workflow: the workflow interceptors bundled with TaskWorkflow (see workflow-bundle.ts).
 *
 * OpenTelemetry's workflow interceptors (a span per run, signal, query, update and scheduled
 * activity, exported through the worker's sink) run only for a run whose start carried trace
 * context, which a client adds when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT). The choice is
 * per run and read from its start event, so it is the same on every replay and on every worker:
 * a traced run with an update does not replay without the interceptors, and an untraced run
 * must not pay for them (about 30 % of the throughput and 100 MB of worker memory with 100 tasks
 * in flight, `npm run bench:pipeline`; see README, "Traces, metrics and logs").
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { WorkflowInterceptors } from '@temporalio/workflow';

/** The header the OpenTelemetry client interceptor writes (its TRACE_HEADER). */
const TRACE_HEADER = '_tracer-data';

type Method = (input: unknown, next: (input: unknown) => unknown) => unknown;

export const interceptors = (): WorkflowInterceptors => {
  let traced = false;
  /** An interceptor that passes every call through, or to `make()`'s once the run is traced. */
  const whenTraced = <T extends object>(make: () => T, onExecute?: (input: unknown) => void) => {
    let real: T | undefined;
    return new Proxy({} as T, {
      get(_target, method) {
        if (typeof method !== 'string' || method === 'then') return undefined;
        return ((input, next) => {
          if (method === 'execute') onExecute?.(input);
          if (!traced) return next(input);
          real ??= make();
          const call = (real as Record<string, unknown>)[method] as Method | undefined;
          return call ? call.call(real, input, next) : next(input);
        }) satisfies Method;
      },
    });
  };
  return {
    // `execute` runs first, with the start's headers: it decides for the whole run.
    inbound: [
      whenTraced(
        () => new OpenTelemetryInboundInterceptor(),
        (input) => {
          traced = TRACE_HEADER in ((input as { headers?: object }).headers ?? {});
        },
      ),
    ],
    outbound: [whenTraced(() => new OpenTelemetryOutboundInterceptor())],
    internals: [whenTraced(() => new OpenTelemetryInternalsInterceptor())],
  };
};
