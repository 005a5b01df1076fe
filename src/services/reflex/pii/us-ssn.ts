import type { PiiSpan } from './pii-types';

const CANDIDATE = /(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d]|-\d)/g;
// A bare nine-digit number is an SSN only when the text says so nearby.
const CONTEXT = /\b(?:ssn|ss#|social\s+security|soc\.?\s*sec|taxpayer|tin)\b/i;
// Numbers the SSA never issues or that were published as examples and must not count.
const INVALID = new Set(['078051120', '219099999', '123456789']);

/**
 * True when the SSA could have issued the number: area 001-899 except 666, group 01-99,
 * serial 0001-9999 (the rules since randomisation in 2011 still exclude these ranges).
 */
export function isValidSsn(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  return !INVALID.has(area + group + serial);
}

/** Finds US social security numbers in valid ranges; unseparated ones need a nearby keyword. */
export function detectUsSsns(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const [raw, area = '', sep = '', group = '', serial = ''] = m;
    if (!isValidSsn(area, group, serial)) continue;
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    const hasContext = CONTEXT.test(before);
    if (sep === '' && !hasContext) continue;
    const score = sep === '-' ? (hasContext ? 0.98 : 0.85) : hasContext ? 0.9 : 0.6;
    spans.push({ type: 'US_SSN', start: m.index, end: m.index + raw.length, score });
  }
  return spans;
}
