import { performance } from 'node:perf_hooks';

/**
 * Times a request's phases for the `Server-Timing` response header (shown by browsers' developer
 * tools and read by `npm run bench:pipeline`), e.g. `screen;dur=3.1, db;dur=1.2, total;dur=4.6`.
 */
export class ServerTiming {
  private readonly started = performance.now();
  private readonly phases: string[] = [];

  /** Runs one phase and records how long it took, even when it throws. */
  async time<T>(name: string, phase: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await phase();
    } finally {
      this.phases.push(`${name};dur=${(performance.now() - started).toFixed(1)}`);
    }
  }

  /** The header's value: every phase so far and the time since the handler began. */
  header(): string {
    return [...this.phases, `total;dur=${(performance.now() - this.started).toFixed(1)}`].join(
      ', ',
    );
  }
}

/** Reads a `Server-Timing` header back into durations by name (ms). */
export function parseServerTiming(header: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.find((p) => p.trim().startsWith('dur='));
    if (name && dur) out[name] = Number(dur.trim().slice(4));
  }
  return out;
}
