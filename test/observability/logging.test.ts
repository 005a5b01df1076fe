import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger';
import { temporalLogger } from '../../src/observability/temporal-logger';

/** A pino logger whose lines land in an array. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  return { logger: createLogger('debug', stream), lines };
}

test('the Temporal SDK logs through pino, with its fields, as one JSON line each', () => {
  const { logger, lines } = capture();
  const sdk = temporalLogger(logger, 'DEBUG');
  sdk.info('Activity completed', {
    sdkComponent: 'activity',
    workflowId: 'task-1',
    activityType: 'runStep',
    attempt: 2,
  });
  sdk.trace('below the level'); // DEBUG: not written
  expect(lines).toEqual([
    expect.objectContaining({
      level: 30,
      app: 'octollm',
      component: 'temporal',
      sdk: 'activity',
      workflowId: 'task-1',
      activityType: 'runStep',
      attempt: 2,
      msg: 'Activity completed',
    }),
  ]);
});

test('a line written inside a span carries its trace and span ids; outside, none', () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const tracer = new BasicTracerProvider().getTracer('test');
  try {
    const { logger, lines } = capture();
    logger.info('outside');
    const ids = tracer.startActiveSpan('work', (span) => {
      logger.info('inside');
      span.end();
      return span.spanContext();
    });
    const [outside, inside] = lines;
    expect(outside).not.toHaveProperty('trace_id');
    expect(inside).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId });
  } finally {
    context.disable();
    trace.disable();
  }
});
