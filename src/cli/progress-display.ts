import cliSpinners from 'cli-spinners';
import { createLogUpdate } from 'log-update';
import {
  outcomeLine,
  plainStepLine,
  renderProgress,
  waitingHint,
  type Style,
} from './progress-view';
import type { TaskView } from './task-views';

/** Shows a followed task: redrawn in place on a terminal, one line per change elsewhere. */
export interface ProgressDisplay {
  update(view: TaskView): void;
  /** Stops redrawing; with the last view, draws it once more and prints how the task ended. */
  stop(last?: TaskView): void;
}

/** The display for `stream`: live on a terminal (spinners, times), plain lines otherwise. */
export function createProgressDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  const color = stream.isTTY === true && stream.hasColors?.() === true;
  return stream.isTTY ? liveDisplay(stream, color) : plainDisplay(stream);
}

function liveDisplay(stream: NodeJS.WriteStream, color: boolean): ProgressDisplay {
  const spinner = cliSpinners.dots;
  // A pseudo-terminal may report no size (0 x 0), and log-update would then draw nothing.
  const sized = {
    write: (text: string) => stream.write(text),
    get columns() {
      return stream.columns || 100;
    },
    get rows() {
      return stream.rows || 50;
    },
  };
  const draw = createLogUpdate(sized as unknown as NodeJS.WriteStream, { showCursor: false });
  const style = (): Style => ({ color, columns: sized.columns });
  let view: TaskView | undefined;
  let tick = 0;
  const render = () => {
    if (!view) return;
    const frame = spinner.frames[tick++ % spinner.frames.length]!;
    draw(renderProgress(view, Date.now(), frame, style()).join('\n'));
  };
  const timer = setInterval(render, spinner.interval);
  return {
    update(next) {
      view = next;
      render();
    },
    stop(last) {
      clearInterval(timer);
      if (last) {
        view = last;
        render();
      }
      draw.done();
      if (last) stream.write(`${outcomeLine(last, { color })}\n`);
    },
  };
}

function plainDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  let status: string | undefined;
  const steps = new Map<string, string>();
  const say = (line: string) => stream.write(`${line}\n`);
  return {
    update(view) {
      if (view.status !== status) {
        status = view.status;
        say(`task ${view.task_id} ${view.status}`);
        const hint = waitingHint(view);
        if (hint) say(hint);
      }
      for (const step of view.steps) {
        if (steps.get(step.id) === step.status) continue;
        steps.set(step.id, step.status);
        say(plainStepLine(step, Date.now()));
      }
    },
    stop(last) {
      if (!last) return;
      this.update(last);
      say(outcomeLine(last, { color: false }));
    },
  };
}
