import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { PiiSpan } from './pii-types';

/** Countries whose national formats are tried for numbers written without a `+` prefix. */
export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = [
  'US',
  'GB',
  'DE',
  'FR',
  'AT',
  'CH',
  'NL',
  'BE',
  'IT',
  'ES',
  'SE',
  'DK',
  'NO',
  'FI',
  'AU',
  'IE',
  'PL',
  'PT',
  'BR',
  'IN',
  'ZA',
  'CA',
];

// A cheap candidate scan (libphonenumber's own text scanner is ~25x slower on large inputs):
// optional +/00 prefix, digit groups joined by one separator, optional parenthesised area code
// and an optional extension. libphonenumber then validates each candidate.
const CANDIDATE =
  /(?:^|[^\w+./-])((?:\+|00)?\(?\d{1,5}\)?(?:[ .\u00A0-]?\(?\d{1,5}\)?){0,6}(?:\s?(?:x|ext\.?|#)\s?\d{1,5})?)(?![\w@]|[.,/:-]\d)/g;
const DATE_SHAPE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;
// "2000-04-16 11:34": a date followed by the hour.
const DATE_PREFIX = /^\d{4}-\d{1,2}-\d{1,2}\b/;
const EXTENSION = /\s?(?:x|ext\.?|#)\s?\d{1,5}$/;
// Words that make a nearby digit string a phone number, in English and German.
const PHONE_CONTEXT =
  /\b(?:phone|tel|telephone|mobile|cell|fax|call|calls|calling|reach|contact|message|messages|messaging|desk|office|whatsapp|sms|text|dial|hotline|answering|telefon|handy|mobil|rufnummer|anrufen|ruf)\b/i;
// Words that make it some other identifier.
const OTHER_ID_CONTEXT =
  /\b(?:licen[cs]e|order|invoice|account|acct|id|iban|serial|isbn|ssn|zip|postal|postcode|plz|card|transaction|ref|reference|tracking)\b[^\n]{0,12}$/i;

/** Options for phone detection. */
export interface PhoneOptions {
  /** National formats to try for numbers without an international prefix. */
  regions?: readonly CountryCode[];
}

/**
 * Finds phone numbers: candidates by shape, validated with libphonenumber (international
 * numbers against their own country, national ones against `regions`). Short or ungrouped
 * numbers need a phone word nearby, since order numbers and postcodes share their shape.
 */
export function detectPhones(text: string, options: PhoneOptions = {}): PiiSpan[] {
  const regions = options.regions ?? DEFAULT_PHONE_REGIONS;
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const raw = m[1] ?? '';
    const index = m.index + m[0].length - raw.length;
    // "1,234,567" is a number, not the tail of one: a digit and a comma before rule it out.
    if (index >= 2 && text[index - 1] === ',' && /\d/.test(text[index - 2] ?? '')) continue;
    const score = scoreCandidate(text, index, raw, regions);
    if (score > 0) spans.push({ type: 'PHONE', start: index, end: index + raw.length, score });
  }
  return spans;
}

function scoreCandidate(
  text: string,
  index: number,
  raw: string,
  regions: readonly CountryCode[],
): number {
  // Cheap shape checks first: most digit runs in prose (amounts, years, ids) fail here.
  const main = EXTENSION.test(raw) ? raw.replace(EXTENSION, '') : raw;
  let digits = 0;
  for (let i = 0; i < main.length; i++) {
    const c = main.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  if (digits < 7 || digits > 15 || DATE_SHAPE.test(main) || DATE_PREFIX.test(main)) return 0;
  const international = main.charCodeAt(0) === 43 || main.startsWith('00');
  const groups = main.split(/[ .\u00A0()-]+/).filter(Boolean).length;
  const structured =
    /^\(\d{1,5}\)/.test(main) || // (area) code
    main !== raw || // had an extension
    groups >= 3 ||
    /^\d{3}([ .-])\d{3}\1\d{4}$/.test(main); // NANP 3-3-4

  const before = text.slice(Math.max(0, index - 40), index);
  const after = text.slice(index + raw.length, index + raw.length + 12);
  const phoneWord =
    PHONE_CONTEXT.test(before) || /^[\s-]*(?:office|mobile|fax|cell|home|work)\b/i.test(after);
  if (!international && !structured && !phoneWord) return 0;
  if (!phoneWord && OTHER_ID_CONTEXT.test(before)) return 0;

  if (international) {
    const parsed = parsePhoneNumberFromString(main.replace(/^00/, '+'));
    if (!parsed) return 0;
    if (parsed.isValid()) return 0.95;
    return parsed.isPossible() ? 0.75 : 0;
  }
  // Stop at the first region that accepts the number: parsing costs, and one is enough.
  const validIn = regions.find(
    (region) => parsePhoneNumberFromString(main, region)?.isValid() === true,
  );
  if (validIn === undefined) return 0;
  if (phoneWord) return structured ? 0.95 : 0.85;
  return validIn === 'US' || validIn === 'GB' ? 0.85 : 0.7;
}
