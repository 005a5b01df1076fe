/**
 * The PII types the Reflex Layer detects. The names double as redaction placeholder stems
 * (`[EMAIL_1]`), so they are short, upper-case and stable: later steps may refer to them.
 */
export const PII_TYPES = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'US_SSN',
  'IBAN',
  'IP_ADDRESS',
  'SECRET',
  'PERSON',
  'STREET_ADDRESS',
] as const;

/** One PII type. */
export type PiiType = (typeof PII_TYPES)[number];

/**
 * One detected PII span in the original text (`end` exclusive). It never carries the value:
 * callers that need it (redaction) slice the text they already hold.
 */
export interface PiiSpan {
  type: PiiType;
  start: number;
  end: number;
  /** Confidence in [0, 1]: validated formats score high, heuristics lower. */
  score: number;
}

/** A detector finds spans of one type (or family) in the original text. */
export type PiiDetector = (text: string) => PiiSpan[];
