import { Counter, Histogram, type Registry } from 'prom-client';
import type { ScreenResult } from './screen';

/** The Reflex Layer's metrics. Labels carry categories and types only, never text or values. */
export interface ReflexMetrics {
  record(direction: string, result: ScreenResult): void;
}

/** Registers the Reflex metrics on an app's registry. */
export function createReflexMetrics(registry: Registry): ReflexMetrics {
  const verdicts = new Counter({
    name: 'reflex_verdicts_total',
    help: 'Screening verdicts by direction and verdict',
    labelNames: ['direction', 'verdict'] as const,
    registers: [registry],
  });
  const injections = new Counter({
    name: 'reflex_injection_categories_total',
    help: 'Injection categories found in flagged texts, by direction',
    labelNames: ['direction', 'category'] as const,
    registers: [registry],
  });
  const pii = new Counter({
    name: 'reflex_pii_findings_total',
    help: 'PII findings by direction and type',
    labelNames: ['direction', 'type'] as const,
    registers: [registry],
  });
  const cache = new Counter({
    name: 'reflex_cache_lookups_total',
    help: 'Verdict cache lookups by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'reflex_screen_duration_seconds',
    help: 'Time spent screening one text',
    labelNames: ['direction'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
    registers: [registry],
  });
  return {
    record(direction, result) {
      verdicts.inc({ direction, verdict: result.verdict });
      if (result.verdict !== 'safe') {
        for (const category of result.injection.categories) injections.inc({ direction, category });
      }
      for (const span of result.pii) pii.inc({ direction, type: span.type });
      cache.inc({ result: result.cached ? 'hit' : 'miss' });
      duration.observe({ direction }, result.latency_ms / 1000);
    },
  };
}
