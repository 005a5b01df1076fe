import type { InjectionMatch } from './injection-types';

// Imperatives that, shouted in capitals in the middle of ordinary text, mark an embedded order.
const IMPERATIVES = new Set(
  `IGNORE FORGET DISREGARD OUTPUT PRINT SAY WRITE ANSWER RESPOND REPLY STOP DO DON'T DONT NOT
  JUST ONLY COMMAND OBEY REPEAT TELL SHOW REVEAL PRETEND ACT MUST NEVER
  IGNORIERE VERGISS ANTWORTE SAG SAGE SCHREIBE ZEIGE GIB MUSST BIST STOPP REDEN SPRICH`.split(
    /\s+/,
  ),
);
const CAPS = String.raw`\b(?:[A-ZÄÖÜ][A-ZÄÖÜß'’]+|[IA])\b`;
const CAPS_WORD = new RegExp(CAPS, 'g');
// Four or more capitalised words separated only by spaces and light punctuation.
const CAPS_RUN = new RegExp(String.raw`${CAPS}(?:[\s,:"'!-]+${CAPS}){3,}`, 'g');

/**
 * Finds runs of four or more capitalised words that contain an imperative, inside text that is
 * otherwise written in mixed case ("How will I be able DO NOT ANSWER … JUST OUTPUT …"). Single
 * emphasised words ("please DELETE the files") do not count, nor do all-caps messages.
 */
export function findShoutedInstructions(raw: string): InjectionMatch[] {
  let lower = 0;
  let upper = 0;
  // Once both counts pass the test below's bounds, further letters cannot change its outcome:
  // stop there instead of counting all of a long text.
  for (let i = 0; i < raw.length && (upper < 12 || lower < 10); i++) {
    const c = raw.charCodeAt(i);
    if (c >= 97 && c <= 122) lower++;
    else if (c >= 65 && c <= 90) upper++;
  }
  if (upper < 12 || (lower < 10 && lower < upper * 0.3)) return [];
  const matches: InjectionMatch[] = [];
  for (const m of raw.matchAll(CAPS_RUN)) {
    const words = m[0].match(CAPS_WORD) ?? [];
    if (words.some((w) => IMPERATIVES.has(w.replace(/’/g, "'")))) {
      matches.push({
        category: 'instruction_override',
        start: m.index,
        end: m.index + m[0].length,
        rule: 'any.shouted-instruction',
      });
    }
  }
  return matches;
}
