import { LATIN_LOOKALIKES, LEET, SCRIPT_LOOKALIKES } from './homoglyphs';
import { SEGMENT_WORDS } from './segment-words';

/**
 * Text prepared for pattern matching, with a way back to the original. Matching runs on this
 * "skeleton" so that obfuscation does not hide an attack; reported spans are mapped back
 * through `offsets` so they always point into the text the caller sent.
 */
export interface NormalisedText {
  /** Lower-cased, de-obfuscated skeleton; only ever matched, never shown. */
  text: string;
  /** `offsets[i]` is the original index of `text[i]`; `offsets[text.length]` is the end. */
  offsets: Int32Array;
}

/**
 * Normalises text for injection matching:
 * 1. Unicode compatibility decomposition (NFKD, a superset of NFKC's folding) with combining
 *    marks dropped, so full-width, mathematical, circled and accented letters become plain ones;
 * 2. zero-width, bidi and other invisible format characters removed; Unicode tag characters
 *    (an invisible copy of ASCII) decoded;
 * 3. letters spaced out with one separator ("i g n o r e", "i.g.n.o.r.e") joined and
 *    re-segmented into words; runs of whitespace collapsed;
 * 4. inside words: leetspeak digits and Cyrillic/Greek look-alikes mapped to Latin letters;
 * 5. lower-cased, and `l` folded into `i` (the one confusion leetspeak and fonts make
 *    unresolvable: `1`, `l`, `I`). Patterns are compiled through the same fold (`foldPattern`).
 */
export function normaliseForMatching(raw: string): NormalisedText {
  const units = joinSpacedLetters(foldCharacters(raw));
  return {
    text: fromCodes(units.codes, units.length),
    offsets: units.offsets.subarray(0, units.length + 1),
  };
}

/** Applies the skeleton's letter folding to a regex source written in plain lower case. */
export function foldPattern(source: string): string {
  return source.replace(/(?<!\\)l/g, 'i');
}

/** Combining marks (accents, Zalgo stacking): \p{M} covers every script's. */
const COMBINING = /\p{M}/gu;

/** Characters that render as nothing (or only steer rendering) and so can split a keyword. */
function isInvisible(cp: number): boolean {
  return (
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x061c ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    (cp >= 0x180b && cp <= 0x180f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0x3164 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff ||
    cp === 0xffa0 ||
    (cp >= 0xfff0 && cp <= 0xfffb) ||
    (cp >= 0x1d173 && cp <= 0x1d17a) ||
    (cp >= 0xe0000 && cp <= 0xe001f) ||
    (cp >= 0xe0080 && cp <= 0xe0fff)
  );
}

function isUnicodeSpace(cp: number): boolean {
  return (
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

// Code-keyed versions of the look-alike tables: the stages below work on UTF-16 code units.
const toCodeMap = (m: ReadonlyMap<string, string>) =>
  new Map([...m].map(([k, v]) => [k.charCodeAt(0), v.charCodeAt(0)] as const));
const LATIN_CODES = toCodeMap(LATIN_LOOKALIKES);
const SCRIPT_CODES = toCodeMap(SCRIPT_LOOKALIKES);
const LEET_CODES = toCodeMap(LEET);
const SPACE = 32;
const NEWLINE = 10;

/**
 * Working buffer: one UTF-16 code unit per entry and its original index. Typed arrays, because
 * plain arrays of 100k numbers cost several times more to fill.
 */
class Units {
  codes: Uint16Array;
  offsets: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.codes = new Uint16Array(capacity + 1);
    this.offsets = new Int32Array(capacity + 1);
  }

  push(code: number, offset: number): void {
    if (this.length + 1 >= this.codes.length) {
      const codes = new Uint16Array(this.codes.length * 2);
      codes.set(this.codes);
      this.codes = codes;
      const offsets = new Int32Array(this.offsets.length * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.codes[this.length] = code;
    this.offsets[this.length++] = offset;
  }

  /** Sets the end sentinel: the original index one past the last unit. */
  close(end: number): void {
    this.push(0, end);
    this.length--;
  }
}

/**
 * Stage 1 for ASCII, as a table: upper case folded, tab to space, line breaks to '\n', other
 * control characters dropped (-1).
 */
const ASCII_FOLD: Int16Array = (() => {
  const table = new Int16Array(128);
  for (let c = 0; c < 128; c++) {
    if (c >= 0x41 && c <= 0x5a) table[c] = c + 32;
    else if (c === 0x09) table[c] = SPACE;
    else if (c >= 0x0a && c <= 0x0d) table[c] = NEWLINE;
    else if (c < 0x20 || c === 0x7f) table[c] = -1;
    else table[c] = c;
  }
  return table;
})();

/** Stage 1: per code point. Whitespace becomes ' ' or '\n' but is not collapsed yet. */
function foldCharacters(raw: string): Units {
  const out = new Units(raw.length + 64);
  // Local references and a manual capacity check keep the ASCII loop tight.
  let codes = out.codes;
  let offsets = out.offsets;
  let n = 0;
  const n0 = raw.length;
  for (let i = 0; i < n0;) {
    const unit = raw.charCodeAt(i);
    if (unit < 0x80) {
      // ASCII fast path: the common case, no normalisation needed.
      const code = ASCII_FOLD[unit] as number;
      if (code < 0) {
        i++;
        continue;
      }
      if (n + 1 >= codes.length) {
        out.length = n;
        out.push(code, i);
        codes = out.codes;
        offsets = out.offsets;
        n = out.length;
      } else {
        codes[n] = code;
        offsets[n++] = i;
      }
      i++;
      continue;
    }
    out.length = n;
    i = foldNonAscii(raw, i, unit, out);
    codes = out.codes;
    offsets = out.offsets;
    n = out.length;
  }
  out.length = n;
  out.close(raw.length);
  return out;
}

/**
 * Stage 1 for one non-ASCII code point at `i` (first unit `unit`), appended to `out`; returns
 * the index after it. Out of line, so that the ASCII loop stays small and keeps its optimised
 * code (inlined, this rarely taken branch made V8 deoptimise that loop on every call).
 */
function foldNonAscii(raw: string, i: number, unit: number, out: Units): number {
  const cp = raw.codePointAt(i) ?? unit;
  const width = cp > 0xffff ? 2 : 1;
  if (isInvisible(cp)) {
    // dropped: it only splits keywords
  } else if (cp >= 0xe0020 && cp <= 0xe007e) {
    out.push(
      String.fromCharCode(cp - 0xe0000)
        .toLowerCase()
        .charCodeAt(0),
      i,
    );
  } else if (isUnicodeSpace(cp)) {
    out.push(SPACE, i);
  } else if (cp === 0x2028 || cp === 0x2029) {
    out.push(NEWLINE, i);
  } else if ((cp >= 0x3040 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af)) {
    // CJK and Hangul syllables: nothing to fold, and decomposing Hangul would only cost time.
    out.push(unit, i);
  } else {
    const folded = raw
      .slice(i, i + width)
      .normalize('NFKD')
      .replace(COMBINING, '')
      .toLowerCase()
      .replace(/ß/g, 'ss');
    for (let k = 0; k < folded.length; k++) {
      const c = folded.charCodeAt(k);
      out.push(LATIN_CODES.get(c) ?? c, i);
    }
  }
  return i + width;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Word characters (letters, digits, and the leetspeak symbols `@` and `$`) for every UTF-16
 * code unit, computed once at load (~10 ms): the stages below test every character, and a
 * table look-up is an order of magnitude cheaper than a Unicode regex test. Surrogate halves
 * are not word characters.
 */
const WORD_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (c === 64 || c === 36 || WORD_CHAR.test(String.fromCharCode(c))) table[c] = 1;
  }
  return table;
})();

/** Separators of spaced-out letters, for every UTF-16 code unit (no range check needed). */
const SPACER_TABLE = new Uint8Array(0x10000);
for (const c of ' .-_*,/|+~:') SPACER_TABLE[c.charCodeAt(0)] = 1;

/** Letters, digits and the leetspeak symbols `@` and `$`. */
function isWordCode(code: number | undefined): boolean {
  return code !== undefined && WORD_TABLE[code] === 1;
}

/**
 * Stage 2: joins runs of at least four single characters separated by one spacer character,
 * re-segments them into words, and collapses whitespace runs (a run with a newline becomes
 * '\n'). Two or more spaces inside a spaced run mark a word break. Folds `l` into `i`.
 *
 * Stage 3 runs in the same pass, on each word as soon as it is complete: inside a word,
 * leetspeak and Cyrillic/Greek look-alikes become Latin letters when the word already has
 * Latin letters. Written characters never change afterwards (only a space may become '\n'), so
 * the words seen here are the words of the finished skeleton; a pass of its own cost ~1 ms per
 * 100 KB.
 */
function joinSpacedLetters(input: Units): Units {
  // In place: the output is never longer than the input read so far (collapsing and joining
  // only remove characters; a re-segmented run gains fewer spaces than it loses separators),
  // so writing behind the read position saves a second pair of 100k-entry arrays.
  // Plain locals and no closures in this loop: a closure over `w` kept it out of registers
  // and made the loop several times slower. The rare spaced-run path works on a `WriteState`.
  const codes = input.codes;
  const offsets = input.offsets;
  const n = input.length;
  const end = offsets[n] as number;
  let w = 0;
  // The word being written (stage 3): where it starts, and what kinds of characters it has.
  let wordStart = -1;
  let latin = false;
  let other = false;
  let lastWasSpace = true;
  for (let i = 0; i < n;) {
    const code = codes[i] as number;
    // Cheapest test first: a spaced run needs a spacer right after a single character.
    if (
      i + 1 < n &&
      SPACER_TABLE[codes[i + 1] as number] === 1 &&
      WORD_TABLE[code] === 1 &&
      (i === 0 || WORD_TABLE[codes[i - 1] as number] !== 1) &&
      // …and, after the separator, not a word of two or more characters ("a word"): checked
      // here because this is the common case, and `readSpacedRun` would allocate to find it.
      i + 2 < n &&
      !(
        WORD_TABLE[codes[i + 2] as number] === 1 &&
        i + 3 < n &&
        WORD_TABLE[codes[i + 3] as number] === 1
      )
    ) {
      const run = readSpacedRun(codes, n, i);
      if (run) {
        const state: WriteState = { w, wordStart, latin, other };
        writeSpacedRun(codes, offsets, run.words, state);
        ({ w, wordStart, latin, other } = state);
        lastWasSpace = false;
        i = run.end;
        continue;
      }
    }
    if (code === SPACE || code === NEWLINE) {
      if (lastWasSpace) {
        if (code === NEWLINE && w > 0 && codes[w - 1] === SPACE) codes[w - 1] = NEWLINE;
        i++;
        continue;
      }
      lastWasSpace = true;
    } else lastWasSpace = false;
    const folded = code === 108 ? 105 : code; // l → i
    // Stage 3, inline (see `trackWord`, which does the same for the spaced-run path).
    if (WORD_TABLE[folded] === 1) {
      if (wordStart < 0) wordStart = w;
      if (folded >= 97 && folded <= 122) latin = true;
      else other = true;
    } else if (wordStart >= 0) {
      if (latin && other) mapLookalikes(codes, wordStart, w);
      wordStart = -1;
      latin = false;
      other = false;
    }
    codes[w] = folded;
    offsets[w++] = offsets[i] as number;
    i++;
  }
  if (wordStart >= 0 && latin && other) mapLookalikes(codes, wordStart, w);
  input.length = w;
  offsets[w] = end;
  return input;
}

/** The write position of stage 2 and the word being written (stage 3). */
interface WriteState {
  w: number;
  wordStart: number;
  latin: boolean;
  other: boolean;
}

/** Writes the re-segmented words of a spaced run, a space between words. */
function writeSpacedRun(
  codes: Uint16Array,
  offsets: Int32Array,
  runWords: readonly SpacedWord[],
  state: WriteState,
): void {
  // Read every origin before writing: the writes may reach positions the run covers.
  const words = runWords.map((word) => ({
    text: word.text,
    origins: word.positions.map((p) => offsets[p] as number),
  }));
  for (const word of words) {
    const last = state.w > 0 ? codes[state.w - 1] : -1;
    if (state.w > 0 && last !== SPACE && last !== NEWLINE) {
      emit(codes, offsets, state, SPACE, word.origins[0] as number);
    }
    for (let k = 0; k < word.text.length; k++) {
      emit(codes, offsets, state, word.text.charCodeAt(k), word.origins[k] as number);
    }
  }
}

/** Writes one character at `state.w`, collapsing whitespace and folding `l` into `i`. */
function emit(
  codes: Uint16Array,
  offsets: Int32Array,
  state: WriteState,
  code: number,
  at: number,
): void {
  if (code === SPACE || code === NEWLINE) {
    const last = state.w > 0 ? codes[state.w - 1] : -1;
    if (last === SPACE || last === NEWLINE) {
      if (code === NEWLINE) codes[state.w - 1] = NEWLINE;
      return;
    }
  }
  const folded = code === 108 ? 105 : code; // l → i, the skeleton's one letter fold
  trackWord(codes, state, folded);
  codes[state.w] = folded;
  offsets[state.w++] = at;
}

/** Stage 3 for a character about to be written: a non-word one completes the word before it. */
function trackWord(codes: Uint16Array, state: WriteState, code: number): void {
  if (WORD_TABLE[code] === 1) {
    if (state.wordStart < 0) state.wordStart = state.w;
    if (code >= 97 && code <= 122) state.latin = true;
    else state.other = true;
  } else if (state.wordStart >= 0) {
    if (state.latin && state.other) mapLookalikes(codes, state.wordStart, state.w);
    state.wordStart = -1;
    state.latin = false;
    state.other = false;
  }
}

interface SpacedWord {
  text: string;
  positions: number[];
}

/** Reads "x s x s x s x…" from `start`; undefined unless at least four letters long. */
function readSpacedRun(
  s: Uint16Array,
  n: number,
  start: number,
): { words: SpacedWord[]; end: number } | undefined {
  const at = (k: number) => (k < n ? s[k] : undefined);
  const sep = s[start + 1] as number;
  const chunks: number[][] = [[start]];
  let j = start;
  for (;;) {
    let k = j + 1;
    let spaces = 0;
    while (at(k) === sep) {
      k++;
      spaces++;
    }
    if (spaces === 0 || !isWordCode(at(k)) || isWordCode(at(k + 1))) break;
    if (spaces === 1) (chunks[chunks.length - 1] as number[]).push(k);
    else if (sep === SPACE && spaces <= 4) chunks.push([k]);
    else break;
    j = k;
  }
  const letters = chunks.reduce((n, c) => n + c.length, 0);
  if (letters < 4) return undefined;
  const words: SpacedWord[] = [];
  for (const chunk of chunks) {
    const letterText = String.fromCharCode(...chunk.map((p) => s[p] as number));
    const hasLetter = /\p{L}/u.test(letterText);
    const mapped = hasLetter ? [...letterText].map((c) => LEET.get(c) ?? c).join('') : letterText;
    for (const piece of segment(mapped)) {
      words.push({
        text: piece.text,
        positions: chunk.slice(piece.from, piece.from + piece.text.length),
      });
    }
  }
  return { words, end: j + 1 };
}

/**
 * Splits a run of letters into dictionary words. An unknown stretch costs more than a word
 * and grows with its length, so words win where they fit and leftovers stay in one piece.
 */
function segment(run: string): { text: string; from: number }[] {
  if (run.length <= 3 || run.length > 300 || SEGMENT_WORDS.has(run))
    return [{ text: run, from: 0 }];
  const n = run.length;
  const cost = new Array<number>(n + 1).fill(Infinity);
  const back = new Array<number>(n + 1).fill(0);
  cost[0] = 0;
  for (let end = 1; end <= n; end++) {
    for (let from = 0; from < end; from++) {
      const pieceCost =
        end - from <= 16 && SEGMENT_WORDS.has(run.slice(from, end)) ? 1 : 2 + 0.5 * (end - from);
      const total = (cost[from] as number) + pieceCost;
      if (total < (cost[end] as number)) {
        cost[end] = total;
        back[end] = from;
      }
    }
  }
  const pieces: { text: string; from: number }[] = [];
  for (let end = n; end > 0; end = back[end] as number) {
    const from = back[end] as number;
    pieces.unshift({ text: run.slice(from, end), from });
  }
  return pieces;
}

/**
 * Stage 3 on one word `[from, to)` that mixes Latin letters with digits, symbols or other
 * scripts: leetspeak and Cyrillic/Greek look-alikes become Latin letters, and a look-alike of
 * `l` folds on to `i` as well.
 */
function mapLookalikes(codes: Uint16Array, from: number, to: number): void {
  for (let k = from; k < to; k++) codes[k] = LOOKALIKE_TABLE[codes[k] as number] as number;
}

/** Stage 3's mapping for every UTF-16 code unit, as a table: map look-ups cost more per word. */
const LOOKALIKE_TABLE: Uint16Array = (() => {
  const table = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const mapped = LEET_CODES.get(c) ?? SCRIPT_CODES.get(c) ?? c;
    table[c] = mapped === 108 ? 105 : mapped;
  }
  return table;
})();

const UTF16 = new TextDecoder('utf-16le');

/**
 * Builds the string from code units: short ones with `fromCharCode` (cheaper to call), long ones
 * in one native decode (platforms here are little-endian; spreading 100k arguments would
 * overflow the stack).
 */
function fromCodes(codes: Uint16Array, n: number): string {
  if (n <= 4096)
    return String.fromCharCode.apply(null, codes.subarray(0, n) as unknown as number[]);
  return UTF16.decode(codes.subarray(0, n));
}
