import { styleText } from 'node:util';
import { isTerminalStatus } from '../shared/task-status';
import { oneLine } from './output';
import type { StepView, TaskView } from './task-views';

/** How lines are drawn: colours only on a terminal that wants them. */
export interface Style {
  color: boolean;
  /** Terminal width; lines are cut to it so a redraw never wraps. */
  columns: number;
}

type Colour = Parameters<typeof styleText>[0];

const ICONS: Record<StepView['status'], { icon: string; colour: Colour }> = {
  waiting: { icon: '·', colour: 'gray' },
  running: { icon: '', colour: 'cyan' }, // the spinner's frame
  completed: { icon: '✔', colour: 'green' },
  failed: { icon: '✖', colour: 'red' },
  skipped: { icon: '↷', colour: 'yellow' },
  cancelled: { icon: '⊘', colour: 'yellow' },
};

/** What to do when a task waits for its user. */
export function waitingHint(view: Pick<TaskView, 'status' | 'task_id'>): string | undefined {
  const id = view.task_id;
  switch (view.status) {
    case 'awaiting_approval':
      return `The plan waits for approval: octollm approve ${id} (or octollm reject ${id})`;
    case 'paused':
      return `Paused: octollm resume ${id}`;
    case 'awaiting_budget':
      return `The budget is used up: octollm budget ${id} --add-usd 1 (or --add-tokens, --add-seconds)`;
    default:
      return undefined;
  }
}

/**
 * The progress block for a task: a header with its state and time, then one line per step
 * with its arm, state and time (a spinner frame while it runs), and a hint when the task waits
 * for its user. `now` and `frame` make it a pure function of its inputs.
 */
export function renderProgress(view: TaskView, now: number, frame: string, style: Style): string[] {
  const paint = (colour: Colour, text: string) => (style.color ? styleText(colour, text) : text);
  const ended = isTerminalStatus(view.status);
  const taskTime = duration(view.created_at, ended ? view.completed_at : null, now);
  const lines = [
    `${ended ? statusIcon(view.status, paint) : paint('cyan', frame)} Task ${view.task_id}  ` +
      `${paint('bold', view.status)}  ${taskTime}`,
  ];
  const idWidth = Math.max(0, ...view.steps.map((s) => s.id.length));
  const armWidth = Math.max(0, ...view.steps.map((s) => s.arm.length));
  for (const step of view.steps) {
    const { icon, colour } = ICONS[step.status];
    const time = step.started_at ? duration(step.started_at, step.completed_at, now) : '';
    const head = `  ${step.status === 'running' ? frame : icon} ${step.id.padEnd(idWidth)}  ${step.arm.padEnd(armWidth)}  `;
    const state = `${step.status.padEnd(9)} ${time.padStart(7)}  `;
    const room = style.columns - 1 - head.length - state.length;
    const action = room > 8 ? oneLine(step.action, room) : '';
    lines.push(paint(colour, head + state) + action);
  }
  const hint = waitingHint(view);
  if (hint) lines.push(paint('yellow', hint));
  return lines;
}

/** The last line: how the task ended and, unless it completed, why. */
export function outcomeLine(view: TaskView, style: Pick<Style, 'color'>): string {
  const paint = (colour: Colour, text: string) => (style.color ? styleText(colour, text) : text);
  const usage = view.usage.spent;
  const cost = `${usage.tokens} tokens, $${usage.cost_usd.toFixed(4)}`;
  if (view.status === 'completed') return paint('green', `Task completed (${cost})`);
  const reason = view.blocked_reason ?? view.error ?? 'no reason given';
  return paint('red', `Task ${view.status}: ${reason}`);
}

/** A step's or task's state as a line for logs and pipes (no redraws). */
export function plainStepLine(step: StepView, now: number): string {
  const time = step.started_at ? ` ${duration(step.started_at, step.completed_at, now)}` : '';
  return `step ${step.id} ${step.arm} ${step.status}${time}`;
}

function statusIcon(status: TaskView['status'], paint: (c: Colour, t: string) => string) {
  return status === 'completed' ? paint('green', '✔') : paint('red', '✖');
}

/** `23ms`, `1.2s`, `2m05s`: from `start` to `end` (or to now while it runs). */
export function duration(start: string, end: string | null, now: number): string {
  const ms = Math.max(0, (end ? Date.parse(end) : now) - Date.parse(start));
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
