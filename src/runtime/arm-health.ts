import got from 'got';
import type { ArmInstance } from '../config/arms';

/** What the monitor last saw of one arm instance. */
export interface ArmHealth {
  healthy: boolean;
  checked_at?: string;
  latency_ms?: number;
  error?: string;
}

/**
 * Polls every arm instance's `GET /health` and remembers the answers, so steps are routed to
 * arms that are up (and `GET /arms` and `/ready` can say which are not). A failed call marks
 * an instance down at once, before the next poll.
 */
export class ArmHealthMonitor {
  private readonly state = new Map<string, ArmHealth>();
  private timer?: NodeJS.Timeout;

  constructor(
    readonly instances: readonly ArmInstance[],
    private readonly options: { intervalMs?: number; timeoutMs?: number } = {},
  ) {
    // Unknown until the first poll: assume up, so start-up does not stall routing.
    for (const a of instances) this.state.set(a.name, { healthy: true });
  }

  /** Polls now and then every `intervalMs` (default 2 s) until stopped. */
  async start(): Promise<void> {
    await this.pollAll();
    this.timer = setInterval(() => void this.pollAll(), this.options.intervalMs ?? 2_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  isHealthy(name: string): boolean {
    return this.state.get(name)?.healthy ?? false;
  }

  /** Records a failure seen by a caller, so routing avoids the instance until it answers again. */
  markUnhealthy(name: string, error: string): void {
    this.state.set(name, { healthy: false, checked_at: new Date().toISOString(), error });
  }

  /** Every instance with its last health, for `GET /arms`. */
  snapshot(): (ArmInstance & { health: ArmHealth })[] {
    return this.instances.map((a) => ({
      ...a,
      health: this.state.get(a.name) ?? { healthy: false },
    }));
  }

  private async pollAll(): Promise<void> {
    await Promise.all(this.instances.map((a) => this.poll(a)));
  }

  private async poll(arm: ArmInstance): Promise<void> {
    const started = Date.now();
    try {
      await got(`${arm.url}/health`, {
        timeout: { request: this.options.timeoutMs ?? 1_000 },
        retry: { limit: 0 },
      });
      this.state.set(arm.name, {
        healthy: true,
        checked_at: new Date().toISOString(),
        latency_ms: Date.now() - started,
      });
    } catch (err) {
      this.markUnhealthy(arm.name, (err as { code?: string }).code ?? (err as Error).message);
    }
  }
}
