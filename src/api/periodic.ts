/** A background job run at a fixed interval; see {@link runPeriodically}. */
export interface Periodic {
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `job` now and then every `intervalMs`, never two at once (a tick while a run is in
 * progress is skipped). A failed run goes to `onError`; the next tick tries again. The timer does
 * not keep the process alive.
 */
export function runPeriodically(
  intervalMs: number,
  job: () => Promise<unknown>,
  onError: (err: unknown) => void,
): Periodic {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = job()
      .then(() => undefined, onError)
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
