import type { PiiSpan } from './pii-types';

// Candidate first, validation second: the patterns are deliberately loose so that the checks
// below (RFC 5321 length limits, label syntax, an alphabetic TLD) decide, not the pattern.
const LOCAL_PART = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const DOMAIN = /[A-Za-z0-9.-]+\.[A-Za-z]{2,24}\b/y;

/** Finds e-mail addresses whose local part and domain are syntactically valid. */
export function detectEmails(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  // Anchor on each '@' and let the regex read around it: scanning every position for a local
  // part first costs ~10x more on long texts.
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    const from = Math.max(0, at - 64);
    LOCAL_PART.lastIndex = 0;
    const local = LOCAL_PART.exec(text.slice(from, at));
    if (!local) continue;
    DOMAIN.lastIndex = at + 1;
    const domain = DOMAIN.exec(text);
    if (!domain) continue;
    let start = from + local.index;
    let value = text.slice(start, at + 1 + domain[0].length);
    // Punctuation that precedes an address in prose (quotes, `<`) is not part of it.
    const lead = /^[^A-Za-z0-9]+/.exec(value)?.[0].length ?? 0;
    value = value.slice(lead);
    start += lead;
    if (isValidEmail(value))
      spans.push({ type: 'EMAIL', start, end: start + value.length, score: 0.95 });
  }
  return spans;
}

/** Syntactic validation of one address (no DNS look-up: the service must stay offline and fast). */
export function isValidEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || domain.length > 253) return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1] ?? '';
  if (!/^[A-Za-z]{2,24}$/.test(tld)) return false;
  return labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}
