import { firstLetterAlternation } from '../literal-tree';
import { AMBIGUOUS_GIVEN_NAMES, GIVEN_NAMES } from './given-names';
import type { PiiSpan } from './pii-types';

// A capitalised name word: "Anna", "McConnan", "O'Brien", "Szöllösy", "Jean-Luc".
const NAME = String.raw`\p{Lu}[\p{Ll}\p{M}]+(?:['’-]\p{Lu}?[\p{Ll}\p{M}]+)*|\p{Lu}[\p{Ll}]*\p{Lu}[\p{Ll}]+`;
const INITIAL = String.raw`\p{Lu}\.?(?![\p{L}])`;
const PARTICLE = String.raw`(?:van|von|der|den|de|del|della|di|da|dos|das|du|le|la|ten|ter|zu|bin|ibn|al|el|mac|st\.)`;
// Given name, optional middle initial, then surname words (with particles).
const FULL_NAME = new RegExp(
  String.raw`(${NAME})((?:[ \t](?:${INITIAL}|${NAME}))?(?:[ \t](?:${PARTICLE}[ \t])*(?:${NAME})){0,2})(?![\p{L}\p{N}@]|\.\p{L})`,
  'gu',
);
// Cue words are matched case-insensitively, the name after them case-sensitively (see below).
// One regex for all three kinds of cue (a scan each cost three times as much), each kind in its
// own group; the look-ahead skips cues not followed by a capital. No `u` flag: together with
// `i` it makes V8 fold case per Unicode and run ~100x slower.
const TITLES = String.raw`Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Madame|Mme|Monsieur|Mlle|Señor|Señora|Sr|Sra|Signor|Signora`;
/** Cues strong enough that one capitalised word after them is a name. */
const STRONG = String.raw`my name is|name\s*:|name\?|named|call me|i am|i'm|dear|hi|hello|hey|regards,?|sincerely,?|cheers,?|signed|says|said|according to|contact(?: person)?\s*:|attn\.?\s*:?|author\s*:|patient\s*:|employee\s*:|ich bin|ich heiße|mein name ist|name lautet|sagt|from\s*:|to\s*:|cc\s*:`;
/** Weaker cues: only a name of two or more words counts after them. */
const WEAK = String.raw`by|with|meet|met|told|asked|thanks|thank you|this is|producer|director|manager|assistant(?: to)?|author|writer|singer|player|actor|actress|called`;
// Each kind's words are grouped by first letter (same matches, far fewer tries per position).
const cues = (list: string) => firstLetterAlternation(list.split('|'), true);
const CUE = new RegExp(
  String.raw`\b(?:(${cues(TITLES)})\.?|(${cues(STRONG)})|(${cues(WEAK)}))[ \t]+(?=[A-Z\u00C0-\u00DE\u0100-\u024F\u0391-\u03A9\u0410-\u042F])`,
  'gi',
);
/** The name part, case-sensitive: capitalised words, initials and particles. */
const NAME_HEAD = new RegExp(
  String.raw`(?:${NAME})(?:[ \t](?:${INITIAL}|${PARTICLE}|${NAME}))*`,
  'uy',
);

// Capitalised words that follow names often enough to be mistaken for surnames.
const NOT_SURNAME = new Set(
  `street st avenue ave road rd lane drive court way place square park bank university college
  school hospital hotel company inc ltd llc gmbh ag group street the and or of in on at for to
  from with by monday tuesday wednesday thursday friday saturday sunday january february march
  april may june july august september october november december i you he she we they it is was
  are were be has have had do did will would can could should my your his her our their this
  that these those there here what when where who why how please thanks thank hello hi dear
  mr mrs ms dr prof apt suite unit box sir madam bot ai gpt chatgpt google microsoft apple amazon
  facebook twitter youtube europe america germany france london paris berlin new north south east west`.split(
    /\s+/,
  ),
);

// Words that, right after a capitalised pair, show it is an organisation or a place.
const ORG_OR_PLACE = new Set(
  `ltd ltd. llc inc inc. corp corp. co co. gmbh ag sa plc group technologies technology solutions
  systems services service research labs laboratories consulting partners holdings industries
  international orchestra band foundation institute university college school hospital bank
  republic kingdom union pass loop greens green flat flats cliffs trail street st avenue ave road
  rd lane drive court way place square park tv radio news weekly magazine times post journal
  records studios pictures`.split(/\s+/),
);

/** True when the text after a candidate shows it is not a person (org word, house number). */
function followedByNonPerson(text: string, start: number, end: number): boolean {
  const words = text.slice(start, end).split(/\s+/).slice(1);
  if (words.some((w) => ORG_OR_PLACE.has(fold(w)))) return true;
  const next = /^[ \t,]*([\p{L}.]+|\d)/u.exec(text.slice(end, end + 40))?.[1] ?? '';
  return /^\d/.test(next) || ORG_OR_PLACE.has(fold(next).replace(/\.+$/, ''));
}

function fold(word: string): string {
  // ASCII needs no decomposition; skipping it keeps the common case cheap.
  if (!/[^ -~]/.test(word)) return word.toLowerCase();
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** True when the match starts inside a word, an e-mail or a file name (checked here, not by a
 *  regex look-behind, which costs a Unicode class test at every position). */
function glued(text: string, index: number): boolean {
  return index > 0 && /[\p{L}\p{N}@._-]/u.test(text[index - 1] ?? '');
}

/** True when the word is in the lexicon and not also an everyday word. */
function isGivenName(word: string, allowAmbiguous: boolean): boolean {
  const key = fold(word);
  return GIVEN_NAMES.has(key) && (allowAmbiguous || !AMBIGUOUS_GIVEN_NAMES.has(key));
}

/** Trims trailing words that are not plausible surnames ("Anna Street" → "Anna"). */
function trimSurnames(start: number, name: string): { start: number; end: number; words: number } {
  const words = [...name.matchAll(/\S+/g)];
  let keep = words.length;
  while (keep > 1 && NOT_SURNAME.has(fold(words[keep - 1]?.[0] ?? '').replace(/\.$/, ''))) keep--;
  const last = words[keep - 1];
  return { start, end: start + (last ? last.index + last[0].length : name.length), words: keep };
}

/**
 * Finds person names heuristically (no NER model is available offline): a known given name
 * followed by surname words, a title ("Dr.", "Frau") or a cue ("my name is", "Dear", "Name:")
 * followed by capitalised words, and a known given name on its own. Misses surnames on their
 * own and names outside the lexicon without a cue; see the evaluation for the figures.
 */
export function detectPersonNames(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  // Cues are found case-insensitively; the name right after them is read case-sensitively
  // with a sticky regex (one combined case-insensitive Unicode regex is ~50x slower).
  const afterCue = (m: RegExpMatchArray, minWords: number, score: (known: boolean) => number) => {
    NAME_HEAD.lastIndex = (m.index ?? 0) + m[0].length;
    const head = NAME_HEAD.exec(text)?.[0] ?? '';
    if (head === '') return;
    const first = head.split(/\s/)[0] ?? '';
    if (NOT_SURNAME.has(fold(first))) return;
    const t = trimSurnames((m.index ?? 0) + m[0].length, head);
    if (followedByNonPerson(text, t.start, t.end)) return;
    const known = isGivenName(first, true);
    if (t.words < minWords && !known) return;
    spans.push({ type: 'PERSON', start: t.start, end: t.end, score: score(known) });
  };
  for (const m of text.matchAll(CUE)) {
    if (m[1] !== undefined) afterCue(m, 1, () => 0.85);
    else if (m[2] !== undefined) afterCue(m, 1, (known) => (known ? 0.9 : 0.7));
    else afterCue(m, 2, (known) => (known ? 0.85 : 0.55));
  }
  const fullName = new RegExp(FULL_NAME.source, 'gu');
  for (let m = fullName.exec(text); m; m = fullName.exec(text)) {
    const first = m[1] ?? '';
    // Cheapest rejection first: most capitalised words are not given names. On rejection,
    // resume after the first word: the next one may start a name ("Yesterday Kevin Lee").
    if (!GIVEN_NAMES.has(fold(first)) || glued(text, m.index)) {
      fullName.lastIndex = m.index + first.length;
      continue;
    }
    const rest = m[2] ?? '';
    const t = trimSurnames(m.index, first + rest);
    if (followedByNonPerson(text, t.start, t.end)) continue;
    const withSurname = t.words > 1;
    if (!isGivenName(first, withSurname)) continue;
    spans.push({ type: 'PERSON', start: t.start, end: t.end, score: withSurname ? 0.85 : 0.6 });
  }
  spans.push(...lowerCaseNames(text));
  spans.push(...nameLines(text));
  return spans;
}

// A line that holds nothing but a two- or three-word capitalised name: the head of a letter,
// signature or address block ("Jane Roe\n12 High Street").
const NAME_LINE = new RegExp(
  String.raw`(?:^|\n[ \t]*\n)[ \t]*((?:${NAME})(?:[ \t](?:${INITIAL}|${PARTICLE}))?(?:[ \t](?:${NAME})){1,2})[ \t]*(?=\n|$)`,
  'gu',
);

function nameLines(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(NAME_LINE)) {
    const name = m[1] ?? '';
    const start = m.index + m[0].length - name.length;
    if (followedByNonPerson(text, start, start + name.length)) continue;
    if (name.split(/\s+/).some((w) => NOT_SURNAME.has(fold(w)))) continue;
    spans.push({ type: 'PERSON', start, end: start + name.length, score: 0.6 });
  }
  return spans;
}

/** In all-lower-case text ("emidio p lombardo"), a lexicon given name and the next word. */
function lowerCaseNames(text: string): PiiSpan[] {
  if (/\p{Lu}/u.test(text)) return [];
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(/(\p{Ll}+)((?: \p{Ll}\.?)? \p{Ll}{2,})?(?![\p{L}@])/gu)) {
    const first = m[1] ?? '';
    if (first.length < 3 || glued(text, m.index) || !isGivenName(first, false)) continue;
    const surname = (m[2] ?? '').trim().split(' ').pop() ?? '';
    const withSurname = surname !== '' && !NOT_SURNAME.has(surname);
    const end = withSurname ? m.index + m[0].length : m.index + first.length;
    spans.push({ type: 'PERSON', start: m.index, end, score: withSurname ? 0.6 : 0.5 });
  }
  return spans;
}
