import { Client } from 'pg';
import { silentDbLogger, type DbLogger } from './db-logger';

/** The channel the projection's triggers notify (migration 20261130140000_task_change_notify). */
export const TASK_CHANGED_CHANNEL = 'octollm_task_changed';

/** A wait for the next change to one task; see {@link TaskChanges.subscribe}. */
export interface TaskChangeWait {
  /**
   * Resolves on the first change announced after `subscribe`, after `ms`, or when `signal`
   * aborts, whichever comes first. It never rejects.
   */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  /** Stops listening without waiting (idempotent; `wait` stops listening when it resolves). */
  cancel(): void;
}

/** What a notification says changed: the task row (with its new status), or a step or result. */
export interface TaskChange {
  /** The task's status when its own row changed; undefined when a step or its result did. */
  status?: string;
  /** With `status`: the write's place in the run's order (`tasks.status_seq`; 0 for old runs). */
  seq?: number;
}

/** Announcements that a task's projection (its row, steps or result) changed. */
export interface TaskChanges {
  /**
   * Starts listening for the task's next change (or the next one `matches` accepts). Subscribe
   * before reading the task, then wait: a change that commits in between still wakes the wait.
   * A lost connection wakes every wait whatever `matches` says: changes may have gone unheard.
   */
  subscribe(taskId: string, matches?: (change: TaskChange) => boolean): TaskChangeWait;
  /**
   * Hears every change of the task, in commit order, until the returned function is called.
   * `undefined` means changes may have gone unheard (the connection was lost): re-read.
   */
  watch(taskId: string, onChange: (change?: TaskChange) => void): () => void;
  close(): Promise<void>;
}

/** How often a wait re-checks while the listener is disconnected (a change may go unheard). */
const DISCONNECTED_RECHECK_MS = 1_000;
const RECONNECT_DELAYS_MS = [250, 1_000, 2_000, 5_000];

/**
 * Listens on {@link TASK_CHANGED_CHANNEL} with one dedicated connection and wakes the waits of
 * the task each notification names. If the connection drops, every wait is woken (a change may
 * have been missed), waits re-check every second until it is back, and it reconnects with
 * backoff. Resolves once the first LISTEN is in place, or rejects if the database refuses it.
 */
export async function listenForTaskChanges(
  databaseUrl: string,
  log: DbLogger = silentDbLogger,
): Promise<TaskChanges> {
  /** Per task, each subscription's callback: true when it accepted the change. */
  const waiters = new Map<string, Set<(change?: TaskChange) => boolean>>();
  let client: Client | undefined;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  /** Offers a change (undefined: unknown, wake all) to the task's subscriptions. */
  const wake = (taskId: string, change?: TaskChange) => {
    const set = waiters.get(taskId);
    if (!set) return;
    for (const offer of set) if (offer(change)) set.delete(offer);
    if (set.size === 0) waiters.delete(taskId);
  };
  const wakeAll = () => {
    for (const taskId of [...waiters.keys()]) wake(taskId);
  };
  const onNotification = (payload: string | undefined) => {
    try {
      const {
        task_id: taskId,
        status,
        seq,
      } = JSON.parse(payload ?? '') as {
        task_id?: unknown;
        status?: unknown;
        seq?: unknown;
      };
      if (typeof taskId !== 'string') return;
      wake(
        taskId,
        typeof status === 'string' ? { status, ...(typeof seq === 'number' ? { seq } : {}) } : {},
      );
    } catch {
      log.warn({ payload: payload?.slice(0, 100) }, 'ignored a malformed task change notification');
    }
  };

  const connect = async (): Promise<void> => {
    const next = new Client({ connectionString: databaseUrl });
    next.on('notification', (message) => {
      if (message.channel === TASK_CHANGED_CHANNEL) onNotification(message.payload);
    });
    const lost = (err?: Error) => {
      if (client !== next) return;
      client = undefined;
      next.removeAllListeners('error');
      next.on('error', () => undefined);
      void next.end().catch(() => undefined);
      wakeAll();
      if (closed) return;
      log.warn({ err: err?.message }, 'task change listener lost its connection; reconnecting');
      scheduleReconnect(0);
    };
    next.on('error', lost);
    next.on('end', () => lost());
    await next.connect();
    await next.query(`LISTEN ${TASK_CHANGED_CHANNEL}`);
    client = next;
  };

  const scheduleReconnect = (attempt: number) => {
    const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]!;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (closed) return;
      connect().then(
        () => {
          log.info({ attempt: attempt + 1 }, 'task change listener reconnected');
          // Changes made while disconnected were not heard: let every wait re-read.
          wakeAll();
        },
        () => scheduleReconnect(attempt + 1),
      );
    }, delay);
    reconnectTimer.unref();
  };

  await connect();

  const addWaiter = (taskId: string, offer: (change?: TaskChange) => boolean) => {
    let set = waiters.get(taskId);
    if (!set) waiters.set(taskId, (set = new Set()));
    set.add(offer);
    return () => {
      const current = waiters.get(taskId);
      current?.delete(offer);
      if (current?.size === 0) waiters.delete(taskId);
    };
  };

  return {
    watch(taskId, onChange) {
      // Never accepts the change, so it stays subscribed until stopped.
      return addWaiter(taskId, (change) => {
        onChange(change);
        return false;
      });
    },
    subscribe(taskId, matches) {
      let heard = false;
      let resolveWait: (() => void) | undefined;
      const onChange = (change?: TaskChange) => {
        if (change && matches && !matches(change)) return false;
        heard = true;
        resolveWait?.();
        return true;
      };
      const unsubscribe = addWaiter(taskId, onChange);
      return {
        cancel: unsubscribe,
        wait(ms, signal) {
          if (heard || signal?.aborted || ms <= 0) {
            unsubscribe();
            return Promise.resolve();
          }
          const limit = client ? ms : Math.min(ms, DISCONNECTED_RECHECK_MS);
          return new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              signal?.removeEventListener('abort', done);
              unsubscribe();
              resolve();
            };
            const timer = setTimeout(done, limit);
            signal?.addEventListener('abort', done, { once: true });
            resolveWait = done;
          });
        },
      };
    },
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      wakeAll();
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
