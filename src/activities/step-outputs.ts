import { ApplicationFailure } from '@temporalio/activity';
import type { PrismaClient } from '../db/prisma-client';
import { INLINE_OUTPUT_LIMIT_BYTES, isOutputRef, type OutputRef } from '../shared/output-ref';
import { toStorable } from '../shared/safe-text';

/**
 * Keeps large step outputs out of workflow histories: they live in `plan_steps.output`, and
 * activities exchange small {@link OutputRef}s instead.
 */
export function createStepOutputs(prisma: PrismaClient, limitBytes = INLINE_OUTPUT_LIMIT_BYTES) {
  const store = async (taskId: string, stepId: string, output: unknown): Promise<OutputRef> => {
    const json = JSON.stringify(output ?? null);
    await prisma.planStep.update({
      where: { taskId_stepId: { taskId, stepId } },
      data: { output: toStorable(output ?? null) as object },
    });
    const text = typeof output === 'string' ? output : json;
    return {
      $ref: 'step-output',
      task_id: taskId,
      step_id: stepId,
      bytes: Buffer.byteLength(json, 'utf8'),
      preview: text.slice(0, 300),
    };
  };

  const load = async (ref: OutputRef): Promise<unknown> => {
    const row = await prisma.planStep.findUnique({
      where: { taskId_stepId: { taskId: ref.task_id, stepId: ref.step_id } },
      select: { output: true },
    });
    if (!row) {
      throw ApplicationFailure.nonRetryable(
        `Stored output of step ${ref.step_id} is missing`,
        'MissingStepOutput',
      );
    }
    return row.output;
  };

  return {
    /** Returns the output as is when small, else stores it and returns a reference. */
    async keepSmall(taskId: string, stepId: string, output: unknown): Promise<unknown> {
      const bytes = Buffer.byteLength(JSON.stringify(output ?? null), 'utf8');
      return bytes > limitBytes ? store(taskId, stepId, output) : output;
    },

    /** The output a value stands for: loads it if it is a reference. */
    async resolve(value: unknown): Promise<unknown> {
      return isOutputRef(value) ? load(value) : value;
    },

    /** Resolves every reference among a step's inputs. */
    async resolveInputs(inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
      const entries = await Promise.all(
        Object.entries(inputs).map(async ([id, v]) => [id, isOutputRef(v) ? await load(v) : v]),
      );
      return Object.fromEntries(entries);
    },
  };
}

/** The step-output store activities use. */
export type StepOutputs = ReturnType<typeof createStepOutputs>;
