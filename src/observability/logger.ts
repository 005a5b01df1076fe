import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Creates the process's one pino logger; children add `service` and other fields. A line
 * written inside a traced operation carries its `trace_id` and `span_id`, to find the trace.
 */
export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'octollm' },
    mixin: traceFields,
    // Defence in depth: if a caller ever logs a request body or key, keep it out of the output.
    redact: {
      paths: ['*.text', '*.goal', '*.apiKey', '*.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

function traceFields(): { trace_id?: string; span_id?: string } {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context)
    ? { trace_id: context.traceId, span_id: context.spanId }
    : {};
}
