import type { ReflexResponse } from './reflex';

/** A screening verdict's reason: injection categories and PII types, never matched text. */
export function screeningReason(screened: ReflexResponse): string {
  if (screened.reasons.length) return screened.reasons.join('; ');
  const parts: string[] = [];
  if (screened.injection.categories.length) {
    parts.push(`prompt injection (${screened.injection.categories.join(', ')})`);
  }
  const types = [...new Set(screened.pii.map((p) => p.type))];
  if (types.length) parts.push(`PII (${types.join(', ')})`);
  return parts.join('; ') || 'unsafe content';
}

/** A blocked task's reason: what was screened and its categories, never the text. */
export function blockedReason(what: string, categories: string): string {
  return `Blocked by the Reflex Layer (${what}): ${categories}`;
}
