import { trace } from '@opentelemetry/api';
import type { Context } from '@temporalio/activity';
import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  Next,
} from '@temporalio/worker';

/**
 * Marks each activity's span (the OpenTelemetry interceptor's, active when this runs) with the
 * task and step it works for and the attempt, so a trace can be searched by task id. Reads the
 * ids from the activity's input, which for every OctoLLM activity is `{ taskId, step?, … }`.
 */
export class TaskSpanAttributes implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(
    input: ActivityExecuteInput,
    next: Next<ActivityInboundCallsInterceptor, 'execute'>,
  ): Promise<unknown> {
    const span = trace.getActiveSpan();
    const arg = input.args[0] as { taskId?: unknown; step?: { id?: unknown; arm?: unknown } };
    if (span && typeof arg === 'object' && arg !== null) {
      if (typeof arg.taskId === 'string') span.setAttribute('octollm.task_id', arg.taskId);
      if (typeof arg.step?.id === 'string') span.setAttribute('octollm.step_id', arg.step.id);
      if (typeof arg.step?.arm === 'string') span.setAttribute('octollm.arm', arg.step.arm);
      span.setAttribute('octollm.attempt', this.ctx.info.attempt);
    }
    return next(input);
  }
}
