import { createHash } from 'node:crypto';
import type { InjectionResult } from './injection/injection-types';
import { LruCache } from './lru-cache';
import type { PiiSpan } from './pii/pii-types';

/** What detection found for one text, before policy and redaction (both are per request). */
export interface Detection {
  pii: PiiSpan[];
  injection: InjectionResult;
}

/** Bounds for the verdict cache. */
export interface VerdictCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
}

/**
 * Caches detections keyed by a SHA-256 of the direction and the normalised text, so retried
 * activities and re-screened steps cost one hash. Spans point into the original text, and two
 * originals can share a normalised form ("Ignore" and "ignore"), so each entry also records
 * the original's hash and only serves that exact original. Stores offsets and scores only,
 * never text.
 */
export class VerdictCache {
  private readonly cache: LruCache<string, { rawHash: string; detection: Detection }>;

  constructor(options: VerdictCacheOptions = {}) {
    this.cache = new LruCache(
      options.maxEntries ?? 5_000,
      options.ttlMs ?? 10 * 60_000,
      options.now,
    );
  }

  /** Cache key for a normalised text in one direction. */
  static key(direction: string, normalised: string): string {
    return createHash('sha256')
      .update(direction)
      .update('\u0000')
      .update(normalised)
      .digest('base64url');
  }

  /** Hash of the original text, to guard offsets. */
  static rawHash(raw: string): string {
    return createHash('sha256').update(raw).digest('base64url');
  }

  /** The cached detection for this key and original, if any. */
  get(key: string, rawHash: string): Detection | undefined {
    const entry = this.cache.get(key);
    return entry && entry.rawHash === rawHash ? entry.detection : undefined;
  }

  /** Remembers a detection. */
  set(key: string, rawHash: string, detection: Detection): void {
    this.cache.set(key, { rawHash, detection });
  }
}
