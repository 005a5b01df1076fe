/**
 * Step outputs larger than this many bytes (as JSON) stay out of workflow histories: they are
 * stored in PostgreSQL and passed between activities by reference. Temporal limits a single
 * payload to 2 MB and a history to 50 MB, so inlining large outputs would end busy workflows.
 */
export const INLINE_OUTPUT_LIMIT_BYTES = 16 * 1024;

/** A reference to a step output stored in `plan_steps.output`. */
export interface OutputRef {
  $ref: 'step-output';
  task_id: string;
  step_id: string;
  /** Size of the stored output as JSON, in bytes. */
  bytes: number;
  /** The first few hundred characters, for the progress query and logs. */
  preview: string;
}

/** True for a value that is an {@link OutputRef}. */
export function isOutputRef(value: unknown): value is OutputRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $ref?: unknown }).$ref === 'step-output' &&
    typeof (value as { task_id?: unknown }).task_id === 'string' &&
    typeof (value as { step_id?: unknown }).step_id === 'string'
  );
}
