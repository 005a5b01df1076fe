import type { Request, Response } from 'express';
import type { TaskChange, TaskChanges } from '../db/task-changes';
import type { PrismaClient } from '../generated/prisma/client';
import { AppError } from '../http/app-error';
import { isTerminalStatus, type TaskStatus } from '../shared/task-status';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;
/** Without change announcements (no LISTEN connection), waits re-read this often. */
export const UNANNOUNCED_RECHECK_MS = 1_000;

/** What the stream has told the client so far. */
interface Shown {
  status: string;
  seq: number;
  steps: Map<string, string>;
}

/**
 * `GET /tasks/:id/events`: the task's changes as Server-Sent Events, so a client can show live
 * progress without polling. First the current state (`status`, then one `step` event per step),
 * then every status change in order as the projection commits it (`event: status`, data
 * `{"status","seq"}`), step changes as they are seen (`event: step`, `{"step_id","status"}`),
 * and, once the task has ended, `event: end` with the final status; then the stream closes.
 * Status events come from the database's change notifications, which carry each write's status
 * and place in the run's order, so none is lost between two reads and none is shown out of order.
 */
export async function streamTaskEvents(
  prisma: PrismaClient,
  taskChanges: TaskChanges | undefined,
  id: string,
  tenantId: string,
  req: Request,
  res: Response,
): Promise<void> {
  const heard: (TaskChange | undefined)[] = [];
  let wake: (() => void) | undefined;
  // Listen before the first read, so a change committed in between is still heard.
  const stop = taskChanges?.watch(id, (change) => {
    heard.push(change);
    wake?.();
  });
  let closed = false;
  try {
    const first = await readTask(prisma, id, tenantId);
    if (!first) throw new AppError('NOT_FOUND', `No task ${id}`);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    req.on('close', () => {
      closed = true;
      wake?.();
    });
    let eventId = 0;
    const send = (event: string, data: object) => {
      res.write(`id: ${++eventId}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const shown: Shown = { status: first.status, seq: first.statusSeq, steps: new Map() };
    send('status', { status: first.status, seq: first.statusSeq });
    const showSteps = (steps: { stepId: string; status: string }[]) => {
      for (const step of steps) {
        if (shown.steps.get(step.stepId) === step.status) continue;
        shown.steps.set(step.stepId, step.status);
        send('step', { step_id: step.stepId, status: step.status });
      }
    };
    const showStatus = (status: string, seq: number) => {
      // Older than what was shown (the first read saw it already): not news.
      if (seq < shown.seq || (seq === shown.seq && status === shown.status)) return;
      const changed = status !== shown.status;
      shown.status = status;
      shown.seq = seq;
      if (changed) send('status', { status, seq });
    };
    showSteps(first.steps);

    while (!closed && !isTerminalStatus(shown.status as TaskStatus)) {
      if (heard.length === 0) {
        await new Promise<void>((resolve) => {
          const ms = taskChanges ? KEEPALIVE_MS : UNANNOUNCED_RECHECK_MS;
          const timer = setTimeout(done, ms);
          function done() {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          }
          wake = done;
        });
      }
      if (closed) break;
      const changes = heard.splice(0);
      // Unannounced (no listener, or a lost connection): the row is the only source.
      const unannounced = !taskChanges || changes.includes(undefined);
      let reread = unannounced;
      for (const change of changes) {
        if (change?.status === undefined) reread = true;
        else showStatus(change.status, change.seq ?? 0);
      }
      if (changes.length === 0 && taskChanges) {
        res.write(': keepalive\n\n');
        continue;
      }
      if (reread || isTerminalStatus(shown.status as TaskStatus)) {
        const now = await readTask(prisma, id, tenantId);
        if (!now) break; // deleted meanwhile
        if (unannounced) showStatus(now.status, now.statusSeq);
        showSteps(now.steps);
      }
    }
    if (!closed && isTerminalStatus(shown.status as TaskStatus)) {
      send('end', { status: shown.status });
    }
    res.end();
  } finally {
    closed = true;
    stop?.();
  }
}

function readTask(prisma: PrismaClient, id: string, tenantId: string) {
  return prisma.task.findUnique({
    where: { id, tenantId },
    select: {
      status: true,
      statusSeq: true,
      steps: { select: { stepId: true, status: true }, orderBy: { position: 'asc' } },
    },
  });
}
