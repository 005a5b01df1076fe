import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminalStatus } from '../shared/task-status';
import { ApiError, type ApiClient } from './api-client';
import type { TaskView } from './task-views';

/** Between two reads of a task when the server has no event stream. */
const POLL_MS = 1_000;
/** Connection attempts in a row before following gives up. */
const MAX_RECONNECTS = 5;

/**
 * Follows a task until it ends and returns its last view. Each change the event stream
 * announces (`GET /tasks/:id/events`) is followed by one read of the task, so `onView` gets
 * the steps with their arms and times; reads never overlap, and a burst of events costs one
 * read. Where the server has no stream, the task is polled. A dropped stream is reopened (it
 * starts with the current state, so nothing is missed).
 */
export async function followTask(
  client: ApiClient,
  taskId: string,
  onView: (view: TaskView) => void,
  signal?: AbortSignal,
): Promise<TaskView> {
  const path = `/tasks/${encodeURIComponent(taskId)}`;
  const read = async () => {
    const view = await client.call<TaskView>('GET', path, { signal });
    onView(view);
    return view;
  };
  let view = await read();
  let failures = 0;
  while (!isTerminalStatus(view.status)) {
    try {
      const events = await client.events(taskId, signal);
      if (!events) return await poll(read, signal);
      view = await readOnEvents(events, read, view);
      failures = 0;
      // The stream ended early (the API restarted?): read, then open it again.
      if (!isTerminalStatus(view.status)) view = await read();
    } catch (err) {
      if (signal?.aborted || !isUnreachable(err) || ++failures > MAX_RECONNECTS) throw err;
      await sleep(POLL_MS * failures, undefined, { signal });
    }
  }
  return view;
}

/** Reads the task after each burst of events, until the stream ends. */
async function readOnEvents(
  events: AsyncIterable<{ event?: string }>,
  read: () => Promise<TaskView>,
  last: TaskView,
): Promise<TaskView> {
  let view = last;
  let reading: Promise<void> | undefined;
  let again = false;
  let failed: { error: unknown } | undefined;
  const refresh = () => {
    if (reading) {
      again = true;
      return;
    }
    reading = (async () => {
      do {
        again = false;
        view = await read();
      } while (again);
    })()
      .catch((error: unknown) => void (failed = { error }))
      .finally(() => (reading = undefined));
  };
  for await (const message of events) {
    if (failed) break;
    refresh();
    if (message.event === 'end') break;
  }
  while (reading) await reading;
  if (failed) throw failed.error;
  return view;
}

async function poll(read: () => Promise<TaskView>, signal?: AbortSignal): Promise<TaskView> {
  for (;;) {
    const view = await read();
    if (isTerminalStatus(view.status)) return view;
    await sleep(POLL_MS, undefined, { signal });
  }
}

const isUnreachable = (err: unknown) => err instanceof ApiError && err.status === undefined;
