import { CancellationScope, condition } from '@temporalio/workflow';

/**
 * A task's time budget as a deadline that time spent waiting for people (approval, more budget)
 * does not use up, and that an `extendBudget` update can move. Workflow code: it reads the
 * workflow's clock, and its timers are part of the history.
 */
export class Deadline {
  private excludedMs = 0;
  private pausedAt?: number;
  /** Bumped on every pause, resume and extension, so a running phase re-arms its timer. */
  private version = 0;

  constructor(
    private limitMs: number,
    private readonly startMs: number,
  ) {}

  /** Milliseconds of the budget left now (negative when it has passed). */
  leftMs(): number {
    const now = Date.now();
    const paused = this.pausedAt === undefined ? 0 : now - this.pausedAt;
    return this.limitMs - (now - this.startMs - this.excludedMs - paused);
  }

  /** The budget in whole seconds, extensions included. */
  get limitSeconds(): number {
    return Math.round(this.limitMs / 1000);
  }

  /** Stops the clock (a wait for a person begins). */
  pause(): void {
    if (this.pausedAt !== undefined) return;
    this.pausedAt = Date.now();
    this.version += 1;
  }

  /** Starts the clock again. */
  resume(): void {
    if (this.pausedAt === undefined) return;
    this.excludedMs += Date.now() - this.pausedAt;
    this.pausedAt = undefined;
    this.version += 1;
  }

  /** Adds time to the budget. */
  extend(ms: number): void {
    this.limitMs += ms;
    this.version += 1;
  }

  /**
   * Runs a phase in its own cancellation scope and cancels that scope when the deadline passes
   * (the phase then ends with a cancellation, as with `CancellationScope.withTimeout`; the
   * caller's own scope is not cancelled, which tells a deadline from an operator's cancel).
   * While the clock is stopped no timer runs; a pause, resume or extension re-arms it.
   */
  async run<T>(phase: () => Promise<T>): Promise<T> {
    const scope = new CancellationScope();
    const result = scope.run(phase);
    let settled = false;
    result.then(
      () => void (settled = true),
      () => void (settled = true),
    );
    // The waits are not cancellable: an operator's cancel reaches the phase through its scope,
    // and the phase must be left to record it before this returns.
    const changed = (seen: number) => () => settled || this.version !== seen;
    while (!settled) {
      const seen = this.version;
      if (this.pausedAt !== undefined) {
        await CancellationScope.nonCancellable(() => condition(changed(seen)));
        continue;
      }
      const left = this.leftMs();
      if (left <= 0) {
        scope.cancel();
        break;
      }
      await CancellationScope.nonCancellable(() => condition(changed(seen), left));
    }
    return result;
  }
}
