import { createHmac, randomBytes } from 'node:crypto';
import { LruCache } from './lru-cache';
import type { PiiType } from './pii/pii-types';

/** Bounds for the placeholder map. */
export interface PlaceholderMapOptions {
  /** Most tasks remembered at once (least recently used are forgotten first). */
  maxTasks?: number;
  /** A task's placeholders are forgotten this long after its last request. */
  ttlMs?: number;
  /** Most distinct values remembered per task; later ones get fresh numbers per request. */
  maxValuesPerTask?: number;
  /** HMAC key; random per process by default. */
  secret?: Buffer;
  now?: () => number;
}

interface TaskPlaceholders {
  byValue: Map<string, string>;
  counters: Map<PiiType, number>;
}

/**
 * Assigns typed placeholders (`[EMAIL_1]`, `[PHONE_2]`) so that the same value gets the same
 * placeholder throughout one task: a later step can refer to "[EMAIL_1]" and mean the address
 * an earlier step saw. Raw values are never stored: the map is keyed by an HMAC of the
 * canonical value under a per-process random key, so the map cannot be reversed by hashing
 * guesses (SSNs and card numbers have few enough values to brute-force a plain hash).
 * Bounded by an LRU over tasks with a sliding TTL. Without a task id, placeholders are
 * stable only within the one request.
 */
export class PlaceholderMap {
  private readonly tasks: LruCache<string, TaskPlaceholders>;
  private readonly secret: Buffer;
  private readonly maxValuesPerTask: number;

  constructor(options: PlaceholderMapOptions = {}) {
    this.tasks = new LruCache(
      options.maxTasks ?? 10_000,
      options.ttlMs ?? 24 * 3600_000,
      options.now,
    );
    this.secret = options.secret ?? randomBytes(32);
    this.maxValuesPerTask = options.maxValuesPerTask ?? 5_000;
  }

  /**
   * Returns a function that names values for one request. With a `taskId`, names persist
   * across requests of the same task; without one, they persist for this request only.
   */
  scope(taskId: string | undefined): (type: PiiType, value: string) => string {
    let state = taskId === undefined ? undefined : this.tasks.get(taskId);
    if (!state) {
      state = { byValue: new Map(), counters: new Map() };
      if (taskId !== undefined) this.tasks.set(taskId, state);
    }
    const task = state;
    // Only a map that outlives the request needs keys that hide the value; a request-scoped
    // one lives no longer than the text it names, so the canonical value itself will do.
    const keyOf =
      taskId === undefined
        ? (type: PiiType, value: string) => `${type}\u0000${canonical(type, value)}`
        : (type: PiiType, value: string) => this.fingerprint(type, value);
    return (type, value) => {
      const key = keyOf(type, value);
      const known = task.byValue.get(key);
      if (known) return known;
      const n = (task.counters.get(type) ?? 0) + 1;
      task.counters.set(type, n);
      const placeholder = `[${type}_${n}]`;
      if (task.byValue.size < this.maxValuesPerTask) task.byValue.set(key, placeholder);
      return placeholder;
    };
  }

  private fingerprint(type: PiiType, value: string): string {
    return createHmac('sha256', this.secret)
      .update(`${type}\u0000${canonical(type, value)}`)
      .digest('base64url');
  }
}

/** Spelling variants of one value share a placeholder ("+1 555…" vs "(555)…" stay apart). */
function canonical(type: PiiType, value: string): string {
  switch (type) {
    case 'EMAIL':
      return value.toLowerCase();
    case 'PHONE':
      return value.replace(/(?!^\+)\D/g, '');
    case 'CREDIT_CARD':
    case 'US_SSN':
      return value.replace(/\D/g, '');
    case 'IBAN':
      return value.replace(/\s/g, '').toUpperCase();
    case 'IP_ADDRESS':
      return value.toLowerCase();
    case 'PERSON':
    case 'STREET_ADDRESS':
      return value.replace(/\s+/g, ' ').trim().toLowerCase();
    default:
      return value;
  }
}
