import type { PiiType } from './pii/pii-types';

/** A stretch of the original text to replace. */
export interface Replacement {
  start: number;
  end: number;
  /** Either a PII type (named through `name`) or a fixed marker. */
  type: PiiType | 'INJECTION';
}

/** Marker that replaces a removed injection span. */
export const INJECTION_MARKER = '[REMOVED_INSTRUCTION]';

/**
 * Rebuilds the text with each replacement applied. Replacements may overlap (an injection span
 * containing an e-mail): the earlier-starting, longer one wins and swallows the other.
 */
export function applyReplacements(
  text: string,
  replacements: Replacement[],
  name: (type: PiiType, value: string) => string,
): string {
  const ordered = [...replacements].sort((a, b) => a.start - b.start || b.end - a.end);
  // A value that occurs many times is named once (naming costs an HMAC).
  const named = new Map<string, string>();
  let out = '';
  let cursor = 0;
  for (const r of ordered) {
    if (r.start < cursor) continue;
    out += text.slice(cursor, r.start);
    if (r.type === 'INJECTION') out += INJECTION_MARKER;
    else {
      const value = text.slice(r.start, r.end);
      const key = `${r.type}\u0000${value}`;
      let placeholder = named.get(key);
      if (placeholder === undefined) named.set(key, (placeholder = name(r.type, value)));
      out += placeholder;
    }
    cursor = r.end;
  }
  return out + text.slice(cursor);
}
