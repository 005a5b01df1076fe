// The bare-Temporal baseline of `npm run bench:pipeline`, bundled by its own worker: the same
// number and shape of remote activities as a real task, each a no-op.
import { proxyActivities } from '@temporalio/workflow';
import type { createBaselineActivities } from './baseline-activities';

/** The shape of a task's remote activities, as read from a real task's history. */
export interface BaselineShape {
  /** Remote activities before the first step, run one after another. */
  before: number;
  /** The plan's steps: each a no-op activity, started as soon as its dependencies are done. */
  steps: { id: string; depends_on: string[] }[];
  /** Remote activities after the last step, one after another. */
  after: number;
}

const { noop } = proxyActivities<ReturnType<typeof createBaselineActivities>>({
  startToCloseTimeout: '10 seconds',
});

/** Runs the shape's activities in the order a task would, and nothing else. */
export async function BaselineWorkflow(shape: BaselineShape): Promise<number> {
  let count = 0;
  for (let i = 0; i < shape.before; i++) count += await noop();
  const done = new Map<string, Promise<void>>();
  const run = (step: BaselineShape['steps'][number]): Promise<void> => {
    let started = done.get(step.id);
    if (!started) {
      started = Promise.all(
        step.depends_on.map((id) => run(shape.steps.find((s) => s.id === id)!)),
      ).then(async () => {
        count += await noop();
      });
      done.set(step.id, started);
    }
    return started;
  };
  await Promise.all(shape.steps.map(run));
  for (let i = 0; i < shape.after; i++) count += await noop();
  return count;
}
