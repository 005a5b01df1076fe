import { literalAlternation } from '../literal-tree';
import type { PiiSpan } from './pii-types';

/**
 * Key formats whose shape alone identifies them (vendor prefixes, fixed lengths). Scores are
 * high because these prefixes practically never occur in prose.
 */
const KEY_FORMATS: { pattern: RegExp; hints: string[] }[] = [
  { pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, hints: ['AKIA', 'ASIA', 'ABIA', 'ACCA'] }, // AWS
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, hints: ['gh'] }, // GitHub tokens
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{60,255}\b/g, hints: ['github_pat_'] }, // GitHub PAT
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, hints: ['glpat-'] }, // GitLab PAT
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, hints: ['xox'] }, // Slack tokens
  { pattern: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, hints: ['k_live_', 'k_test_'] }, // Stripe
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, hints: ['AIza'] }, // Google API key
  { pattern: /\bya29\.[0-9A-Za-z_-]{20,}/g, hints: ['ya29.'] }, // Google OAuth access token
  { pattern: /\bsk-(?:ant-|proj-|svcacct-)?[A-Za-z0-9_-]{20,}\b/g, hints: ['sk-'] }, // OpenAI, Anthropic
  { pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, hints: ['SG.'] }, // SendGrid
  { pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, hints: ['npm_'] }, // npm token
  { pattern: /\bhf_[A-Za-z0-9]{34,}\b/g, hints: ['hf_'] }, // Hugging Face token
  {
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g,
    hints: ['-----BEGIN'],
  },
  {
    // URL with credentials
    pattern:
      /\b(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|amqps?):\/\/[^\s:@/]+:[^\s@/]+@[^\s]+/g,
    hints: ['://'],
  },
];

/**
 * Every format's hints (and the JWT's) in one scan: an `includes` per hint cost ~20 passes over
 * a long text. Longest first, so at each position the longest hint there is found, and with it
 * the hints that are its prefixes ("gh" of "github_pat_"): those are all the hints starting
 * there. Resuming one character after each hit then sees every hint that occurs.
 */
const ALL_HINTS = [...new Set([...KEY_FORMATS.flatMap((f) => f.hints), 'eyJ'])].sort(
  (a, b) => b.length - a.length,
);
const HINT_SCAN = new RegExp(literalAlternation(ALL_HINTS), 'g');
const HINT_PREFIXES = new Map(
  ALL_HINTS.map((h) => [h, ALL_HINTS.filter((other) => h.startsWith(other))] as const),
);

/** The hints that occur in the text. */
function presentHints(text: string): Set<string> {
  const present = new Set<string>();
  HINT_SCAN.lastIndex = 0;
  for (let m = HINT_SCAN.exec(text); m; m = HINT_SCAN.exec(text)) {
    for (const h of HINT_PREFIXES.get(m[0]) ?? []) present.add(h);
    HINT_SCAN.lastIndex = m.index + 1;
  }
  return present;
}

/** Words that introduce an assigned secret; checked on a lower-cased copy before the regex. */
const ASSIGNMENT_HINTS = ['key', 'secret', 'token', 'bearer', 'passw', 'pwd', 'kennwort'];

const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

// `password = "..."`, `api_key: ...`: only the value is the secret, the name stays readable.
const ASSIGNMENT =
  /\b(?:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?token|auth[_-]?token|bearer|token|password|passwd|pwd|passwort|kennwort)\b["']?\s*(?:[:=]|=>|\bis\b)\s*["']?([^\s"',;]{8,})/gi;

/** True when a string mixes enough character classes to be a generated credential, not a word. */
function looksGenerated(value: string): boolean {
  const classes =
    Number(/[a-z]/.test(value)) +
    Number(/[A-Z]/.test(value)) +
    Number(/\d/.test(value)) +
    Number(/[^A-Za-z0-9]/.test(value));
  return classes >= 2 && new Set(value).size >= Math.min(8, value.length * 0.5);
}

/** A JWT's header is base64url JSON naming an algorithm; that check removes look-alikes. */
function isJwt(value: string): boolean {
  const header = value.slice(0, value.indexOf('.'));
  try {
    const decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    return typeof decoded === 'object' && decoded !== null && 'alg' in decoded;
  } catch {
    return false;
  }
}

/** Finds API keys and tokens of common formats, JWTs, private-key blocks and assigned secrets. */
export function detectSecrets(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  // Each format runs only when its literal prefix occurs: a dozen full scans of a long text
  // cost more than all the other detectors together.
  const present = presentHints(text);
  for (const { pattern, hints } of KEY_FORMATS) {
    if (!hints.some((h) => present.has(h))) continue;
    for (const m of text.matchAll(pattern)) {
      spans.push({ type: 'SECRET', start: m.index, end: m.index + m[0].length, score: 0.95 });
    }
  }
  for (const m of present.has('eyJ') ? text.matchAll(JWT) : []) {
    if (isJwt(m[0]))
      spans.push({ type: 'SECRET', start: m.index, end: m.index + m[0].length, score: 0.95 });
  }
  const lower = text.toLowerCase();
  const assignments = ASSIGNMENT_HINTS.some((h) => lower.includes(h))
    ? text.matchAll(ASSIGNMENT)
    : [];
  for (const m of assignments) {
    const value = m[1] ?? '';
    if (!looksGenerated(value)) continue;
    const start = m.index + m[0].length - value.length;
    spans.push({ type: 'SECRET', start, end: start + value.length, score: 0.8 });
  }
  return spans;
}
