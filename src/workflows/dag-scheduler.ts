import type { PlanStep } from '../shared/plan';
import type { StepState } from './definitions';

/** States from which a step never moves again. */
const FINISHED: readonly StepState[] = ['completed', 'failed', 'skipped', 'cancelled'];

/** What the scheduler decides for one turn. */
export interface ScheduleDecision {
  /** Waiting steps whose dependencies are all completed, in plan order, within the limit. */
  start: string[];
  /** Waiting steps that can never run because a dependency did not complete, with the reason. */
  skip: { id: string; reason: string }[];
  /** True when every step has finished and nothing is running. */
  done: boolean;
}

/**
 * Decides which steps to start and which to give up on, from the steps' current states.
 * Pure and deterministic (plan order breaks ties), so the workflow can call it on every turn
 * and replay gives the same answers. `maxParallel` bounds how many steps run at once, and
 * `armLimits` how many of them on one arm.
 */
export function scheduleSteps(
  steps: readonly (Pick<PlanStep, 'id' | 'depends_on'> & { arm?: string })[],
  states: Readonly<Record<string, StepState>>,
  maxParallel: number,
  armLimits: Readonly<Record<string, number>> = {},
): ScheduleDecision {
  const running = steps.filter((s) => states[s.id] === 'running').length;
  const perArm = new Map<string, number>();
  for (const s of steps) {
    if (states[s.id] === 'running' && s.arm) perArm.set(s.arm, (perArm.get(s.arm) ?? 0) + 1);
  }
  const armHasRoom = (arm?: string) =>
    arm === undefined || (perArm.get(arm) ?? 0) < (armLimits[arm] ?? Infinity);
  const start: string[] = [];
  const skip: ScheduleDecision['skip'] = [];
  for (const step of steps) {
    if (states[step.id] !== 'waiting') continue;
    const unmet = step.depends_on.filter((dep) => states[dep] !== 'completed');
    const dead = unmet.find((dep) => FINISHED.includes(states[dep] ?? 'waiting'));
    if (dead !== undefined) {
      skip.push({ id: step.id, reason: `dependency ${dead} ${states[dead]}` });
    } else if (unmet.length === 0 && running + start.length < maxParallel && armHasRoom(step.arm)) {
      start.push(step.id);
      if (step.arm) perArm.set(step.arm, (perArm.get(step.arm) ?? 0) + 1);
    }
  }
  const done =
    running === 0 &&
    start.length === 0 &&
    steps.every(
      (s) => FINISHED.includes(states[s.id] ?? 'waiting') || skip.some((k) => k.id === s.id),
    );
  return { start, skip, done };
}
