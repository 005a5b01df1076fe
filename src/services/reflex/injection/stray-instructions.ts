import type { InjectionMatch } from './injection-types';

/**
 * Verbs that open a request to an assistant ("Describe …", "Translate …", "Write …"). Written by
 * hand: a part-of-speech tagger would find imperatives in general, but costs far more per line
 * than this check, which runs on the few lines that break a table's structure.
 */
const REQUEST_VERBS = new Set(
  (
    'add adapt analyse analyze answer append apply arrange ask assess avoid begin brainstorm build ' +
    'calculate change check choose classify combine compare compose compute condense construct ' +
    'continue convert correct count craft create debate decode define delete describe design ' +
    'detail determine develop devise discuss display do draft draw elaborate emphasize emphasise ' +
    'encode encrypt end ensure enumerate estimate evaluate explain express extract fill find ' +
    'finish fix focus format formulate generate give guess highlight identify illustrate imagine ' +
    'improve include incorporate indicate insert integrate interpret introduce invent justify ' +
    'keep label list locate make mention misspell modify name note offer outline paraphrase pick ' +
    'plan point predict prepare present pretend print produce promote propose provide put ' +
    'quote rank rate react recommend reformat remember remove rename reorder rephrase replace ' +
    'reply report represent request respond restate rewrite rearrange say schedule select send ' +
    'share show simplify solve sort specify spell start state structure substitute suggest ' +
    'summarise summarize swap tell think transform translate turn type underline use ' +
    'utilise utilize verify write'
  ).split(' '),
);

/** Words that open a question. */
const QUESTION_WORDS = new Set(
  'how what why when where which who whom whose can could would should is are do does did will'.split(
    ' ',
  ),
);

/** A line is a table row when it has at least two cell separators. */
const isRow = (line: string) =>
  (line.match(/\|/g)?.length ?? 0) >= 2 || (line.match(/\t/g)?.length ?? 0) >= 2;

/** The lines of a text with their offsets, blank ones left out. */
function linesOf(raw: string): { text: string; start: number }[] {
  const lines: { text: string; start: number }[] = [];
  let start = 0;
  for (const text of raw.split('\n')) {
    if (text.trim()) lines.push({ text, start });
    start += text.length + 1;
  }
  return lines;
}

/** Whether a line reads as a request to an assistant: an imperative or a question. */
function isRequest(line: string): boolean {
  const words = line.trim().match(/[\p{L}']+/gu) ?? [];
  if (words.length < 3) return false;
  const letters = line.replace(/[^\p{L}]/gu, '').length;
  if (letters < line.replace(/\s/g, '').length * 0.6) return false;
  const first = words[0]!.toLowerCase();
  const opener = first === 'please' ? (words[1] ?? '').toLowerCase() : first;
  return REQUEST_VERBS.has(opener) || (QUESTION_WORDS.has(opener) && /\?\s*$/.test(line));
}

/**
 * Requests inside a table that are not rows of it: a table (most lines have cell separators)
 * holds data, so a line that breaks its structure to ask the reader for something ("Describe
 * the lifecycle of a butterfly.", "How do solar panels work?") was put there for the model
 * that reads the table. Titles and notes that ask for nothing are left alone.
 */
export function findStrayInstructions(raw: string): InjectionMatch[] {
  if (!raw.includes('|') && !raw.includes('\t')) return [];
  const lines = linesOf(raw);
  if (lines.length < 3) return [];
  const rows = lines.filter((l) => isRow(l.text)).length;
  if (rows < lines.length * 0.6) return [];
  return lines
    .filter((l) => !isRow(l.text) && isRequest(l.text))
    .map((l) => ({
      category: 'embedded_instruction' as const,
      start: l.start,
      end: l.start + l.text.length,
      rule: 'output.table.stray-request',
    }));
}
