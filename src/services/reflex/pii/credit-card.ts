import { luhnValid } from './luhn';
import type { PiiSpan } from './pii-types';

/** Issuer prefixes (IIN ranges) and the lengths each scheme issues. */
const ISSUERS: { test: (d: string) => boolean; lengths: number[] }[] = [
  { test: (d) => d.startsWith('4'), lengths: [13, 16, 19] }, // Visa
  { test: (d) => inRange(d, 2, 51, 55) || inRange(d, 4, 2221, 2720), lengths: [16] }, // Mastercard
  { test: (d) => inRange(d, 2, 34, 34) || inRange(d, 2, 37, 37), lengths: [15] }, // Amex
  {
    test: (d) => d.startsWith('6011') || d.startsWith('65') || inRange(d, 3, 644, 649),
    lengths: [16, 17, 18, 19],
  }, // Discover
  {
    test: (d) => inRange(d, 3, 300, 305) || d.startsWith('3095') || /^3[689]/.test(d),
    lengths: [14, 15, 16, 17, 18, 19],
  }, // Diners Club
  // JCB issues 3528-3589; the rest of 35xx is unassigned but card-shaped, and Luhn plus length
  // already carry the precision.
  { test: (d) => d.startsWith('35'), lengths: [16, 17, 18, 19] }, // JCB
  { test: (d) => d.startsWith('1800') || d.startsWith('2131'), lengths: [15] }, // JCB (legacy)
  {
    test: (d) => d.startsWith('50') || inRange(d, 2, 56, 69),
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
  }, // Maestro, UnionPay
  { test: (d) => inRange(d, 4, 2200, 2204), lengths: [16, 17, 18, 19] }, // Mir
];

function inRange(digits: string, width: number, lo: number, hi: number): boolean {
  const n = Number(digits.slice(0, width));
  return n >= lo && n <= hi;
}

// 12-19 digits, optionally grouped by single spaces or hyphens; not glued to other digits.
const CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d]|-\d)/g;
// Card numbers are printed ungrouped, in fours, or Amex/Diners style (4-6-5 / 4-6-4).
const GROUPINGS = [
  /^\d+$/,
  /^\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}$/,
  /^\d{4}([ -])\d{4}\1\d{4}\1\d{4}\1\d{1,3}$/,
  /^\d{4}([ -])\d{6}\1\d{4,5}$/,
];

/** True when the digits are a plausible card number: known issuer, issued length, Luhn. */
export function isValidCardNumber(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits) || !luhnValid(digits)) return false;
  if (/^(\d)\1+$/.test(digits)) return false;
  return ISSUERS.some((i) => i.test(digits) && i.lengths.includes(digits.length));
}

/** Finds payment card numbers validated by issuer prefix, length and the Luhn checksum. */
export function detectCreditCards(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const raw = m[0];
    if (!GROUPINGS.some((g) => g.test(raw))) continue;
    if (!isValidCardNumber(raw.replace(/[ -]/g, ''))) continue;
    spans.push({ type: 'CREDIT_CARD', start: m.index, end: m.index + raw.length, score: 0.95 });
  }
  return spans;
}
