import { detectCreditCards } from './credit-card';
import { detectEmails } from './email';
import { detectIbans } from './iban';
import { detectIpAddresses } from './ip-address';
import { detectPhones, type PhoneOptions } from './phone';
import { detectPersonNames } from './person-name';
import type { PiiSpan, PiiType } from './pii-types';
import { detectSecrets } from './secrets';
import { detectStreetAddresses } from './street-address';
import { detectUsSsns } from './us-ssn';

/** Options for PII detection. */
export interface PiiOptions {
  phone?: PhoneOptions;
  /** Types to look for; all by default. */
  types?: readonly PiiType[];
}

/**
 * When spans overlap, the more specific detector wins: a validated card number is not also a
 * phone number, a key inside a URL is a secret, an e-mail is not a person's name.
 */
const PRIORITY: Record<PiiType, number> = {
  SECRET: 9,
  EMAIL: 8,
  IBAN: 7,
  CREDIT_CARD: 6,
  US_SSN: 5,
  IP_ADDRESS: 4,
  PHONE: 3,
  STREET_ADDRESS: 2,
  PERSON: 1,
};

/** Runs every PII detector and resolves overlaps by priority, then score, then length. */
export function detectPii(text: string, options: PiiOptions = {}): PiiSpan[] {
  const wanted = new Set(options.types ?? (Object.keys(PRIORITY) as PiiType[]));
  const spans: PiiSpan[] = [];
  const run = (type: PiiType, detect: () => PiiSpan[]) => {
    if (wanted.has(type)) spans.push(...detect());
  };
  run('SECRET', () => detectSecrets(text));
  run('EMAIL', () => detectEmails(text));
  run('IBAN', () => detectIbans(text));
  run('CREDIT_CARD', () => detectCreditCards(text));
  run('US_SSN', () => detectUsSsns(text));
  run('IP_ADDRESS', () => detectIpAddresses(text));
  run('PHONE', () => detectPhones(text, options.phone));
  run('STREET_ADDRESS', () => detectStreetAddresses(text));
  run('PERSON', () => detectPersonNames(text));
  return resolveOverlaps(spans);
}

/** Keeps a non-overlapping set of spans, preferring higher priority, score and length. */
export function resolveOverlaps(spans: PiiSpan[]): PiiSpan[] {
  const ranked = [...spans].sort(
    (a, b) =>
      PRIORITY[b.type] - PRIORITY[a.type] ||
      b.score - a.score ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  // A mask of taken characters: linear in the spans' total length, where pairwise checks
  // were quadratic in their number (hundreds on a 100 KB text).
  const end = ranked.reduce((max, s) => Math.max(max, s.end), 0);
  const taken = new Uint8Array(end);
  const kept: PiiSpan[] = [];
  for (const span of ranked) {
    let free = true;
    for (let i = span.start; i < span.end && free; i++) free = taken[i] === 0;
    if (!free) continue;
    taken.fill(1, span.start, span.end);
    kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}
