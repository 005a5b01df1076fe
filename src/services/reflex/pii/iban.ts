import type { PiiSpan } from './pii-types';

/** IBAN length per country (SWIFT IBAN registry). Unknown countries are not IBANs. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

// Country code, check digits, then BBAN characters, optionally in groups of four.
const CANDIDATE = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}/g;

/** ISO 13616 check: known country, that country's length, and mod-97 of the rearranged value is 1. */
export function isValidIban(compact: string): boolean {
  const iban = compact.toUpperCase();
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (
    expected === undefined ||
    iban.length !== expected ||
    !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)
  ) {
    return false;
  }
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/** Finds IBANs (compact or grouped, any case) that pass the country length and mod-97 checks. */
export function detectIbans(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const candidate = new RegExp(CANDIDATE.source, 'g');
  for (let m = candidate.exec(text); m; m = candidate.exec(text)) {
    const raw = m[0];
    // The candidate may have swallowed following words; resume right after the country's length.
    candidate.lastIndex = m.index + 1;
    const expected = IBAN_LENGTHS[raw.slice(0, 2).toUpperCase()];
    if (expected === undefined) continue;
    // The candidate may run into the next word ("…6119 to"): cut it at the country's length.
    let taken = 0;
    let end = 0;
    while (end < raw.length && taken < expected) {
      if (raw[end] !== ' ') taken++;
      end++;
    }
    if (taken !== expected) continue;
    const next = text[m.index + end];
    if (next !== undefined && /[A-Za-z0-9]/.test(next)) continue;
    if (!isValidIban(raw.slice(0, end).replace(/ /g, ''))) continue;
    spans.push({ type: 'IBAN', start: m.index, end: m.index + end, score: 0.98 });
    candidate.lastIndex = m.index + end;
  }
  return spans;
}
