import { literalAlternation } from '../literal-tree';
import type { PiiSpan } from './pii-types';

// Street-type words that follow the name (English and others written after the name).
const SUFFIX = String.raw`(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Squares|Trail|Trl|Close|Crescent|Cres|Grove|Gardens|Row|Walk|Hill|Heights|Alley|Plaza|Loop|Path|Pike|Point|View|Ridge|Creek|Crossing|Mews|Rise|Green|Manor|Pass|Forges?|Junction|Expressway|Freeway|Harbor|Harbour|Estate|Fields|Meadows?|Quay|Wharf|Brae|Wynd|Gate|Str)`;
const WORD = String.raw`(?:\p{Lu}[\p{L}'’.-]*|\d+(?:st|nd|rd|th)|of|the|de|la|du|del)`;
const UNIT = String.raw`(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|#)\.?\s*#?\s*\w{1,6})`;
const CITY_LINE = String.raw`(?:,?\s*\n?\s*\p{Lu}[\p{L}.'’ -]{1,30},\s*\n?\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?)`;

/** "1600 Pennsylvania Avenue NW, Apt 4, Washington, DC 20500". */
const NUMBER_FIRST = new RegExp(
  String.raw`\d{1,6}[A-Za-z]?(?:[-/]\d{1,4})?(?:\s\d{1,5})?\s(?:(?:[NSEW]|North|South|East|West)\.?\s)?(?:${WORD}\s){0,4}${SUFFIX}\b\.?(?:\s(?:NW|NE|SW|SE|N|S|E|W)\b)?${UNIT}?${CITY_LINE}?`,
  'gu',
);
// Street words written as a suffix of the name, in many languages: Hauptstraße, Koskikatu,
// Magasinsgatan, Søndergade, Kalverstraat, Erzsébet tér.
// Word lists are compiled as prefix trees (see literal-tree.ts): the same matches as the flat
// alternations, but V8 no longer tries every word at every position.
const GLUED = literalAlternation(
  `straße strasse str. weg gasse allee platz ring damm ufer chaussee steig pfad markt katu tie
  kuja polku gatan vägen vagen gata gränd gade vej veien vegen stien stigen stræde straede braut
  gate stræti straeti vegur laan straat dreef plein gracht kade singel utca ulica sokak sokağı
  caddesi`.split(/\s+/),
);
// Both start with the street-type word (a literal), so the scan skips quickly; the street name
// and house number before it are read backwards afterwards.
const GLUED_TYPE = new RegExp(
  String.raw`${GLUED}\s\d{1,5}[a-zA-Z]?\b(?:[-/]\d{1,4})?${UNIT}?`,
  'gu',
);
const SEPARATE_TYPE = new RegExp(
  String.raw`\s(?:tér|út|utca|u\.|köz|kapu|körút|krt\.|sor|str\.|gade|vej|gata|katu|tie)\s\d{1,5}\.?(?:\s?[a-zA-Z]\b)?`,
  'gu',
);
const NAMED_STREET_BEFORE = /(?:\d{1,6}\s)?(?:\p{Lu}[\p{L}'’-]*\s){0,1}\p{Lu}[\p{L}'’-]*$/u;
// "Avda." before "Avda": the flat pattern's `Avda\.?` tries the dot first.
const PREFIX_WORDS = literalAlternation(
  `Via Viale Vicolo Piazza Piazzale Corso Largo Rua Avenida Avda. Avda Travessa Calle C/ Carrer
  Camino Paseo Rue Boulevard Chemin Allée Impasse Quai Route Ulica ul. Aleja al. Plac Strada Calea
  Bulevardul rua rue calle`.split(/\s+/),
);
const PARTICLES = String.raw`(?:(?:d[aeiou]s?|de la|de|del|della|dei|di|do|da|du|des|le|la|les|l')\s?)?`;
/** Where a street-type word that precedes the name starts ("Via", "Rue", "ul."). */
const PREFIX_AT = new RegExp(String.raw`\b${PREFIX_WORDS}\s`, 'gu');
/** "Via Franscini 71", "Rua do Arenque 1634", "Rue de la Gare 12", "ul. Długa 5" (sticky). */
const PREFIX_THEN_NUMBER = new RegExp(
  String.raw`${PREFIX_WORDS}\s${PARTICLES}(?:[\p{L}'’.-]+\s){0,4}?\d{1,5}[a-zA-Z]?\b`,
  'uy',
);
/** "31 Rue Tachkent": the number comes first (sticky, at the type word). */
const NUMBER_THEN_PREFIX = new RegExp(
  String.raw`${PREFIX_WORDS}\s${PARTICLES}[\p{L}'’.-]+(?:[ \t][\p{L}'’.-]+){0,3}`,
  'uy',
);
const NUMBER_BEFORE = /\d{1,5}(?:\s\d{1,5})?,?\s$/;

const MILITARY_OR_BOX = new RegExp(
  String.raw`\b(?:PSC|Unit|CMR|USNS|USNV|USS)\s\d{3,5},?\s+Box\s\d{3,5}(?:\s*\n?\s*(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5})?|\b(?:USNS|USNV|USS|USCGC)\s[A-Z][A-Za-z]+\s*\n?\s*(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5}|\bP\.?\s?O\.?\s?Box\s+\d{1,6}\b|\bPostfach\s+\d{2,6}\b`,
  'gi',
);
// Spelled out rather than /i: a case-insensitive alternation costs several times more per scan.
const UNIT_ALONE = new RegExp(
  String.raw`\b${literalAlternation(['Apt', 'APT', 'apt', 'Apartment', 'APARTMENT', 'apartment', 'Suite', 'SUITE', 'suite', 'Ste', 'STE'])}\.?\s#?\d{1,5}[A-Z]?\b`,
  'g',
);

/**
 * Finds street addresses by their structure: house number + street name + street type
 * ("42 Baker Street"), street name with a glued or prefixed type + number ("Hauptstraße 5",
 * "Via Roma 12"), military and post-office boxes, and apartment or suite numbers. Street names
 * without any type word and free-form addresses are missed.
 */
export function detectStreetAddresses(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const push = (start: number, end: number, score: number) => {
    // Must not start inside a word or number (a look-behind would cost more than this check).
    if (start > 0 && /[\p{L}\p{N}]/u.test(text[start - 1] ?? '')) return;
    const value = text.slice(start, end).replace(/[\s,]+$/, '');
    spans.push({ type: 'STREET_ADDRESS', start, end: start + value.length, score });
  };
  const add = (re: RegExp, score: number) => {
    for (const m of text.matchAll(re)) push(m.index, m.index + m[0].length, score);
  };
  /** Extends a match backwards over the street name that `before` reads. */
  const backwards = (re: RegExp, before: RegExp, score: number, glued: boolean) => {
    for (const m of text.matchAll(re)) {
      const head = text.slice(Math.max(0, m.index - 80), m.index + (glued ? 0 : 0));
      // A glued type needs letters right before it ("Hauptstraße"); a separate one a word.
      const name = before.exec(glued ? head + '' : head)?.[0];
      if (name === undefined) continue;
      if (glued && !/\p{L}$/u.test(head)) continue;
      push(m.index - name.length, m.index + m[0].length, score);
    }
  };
  add(NUMBER_FIRST, 0.8);
  backwards(
    GLUED_TYPE,
    /(?:\d{1,6}\s)?(?:\p{Lu}[\p{L}'’-]*\s){0,2}\p{Lu}[\p{L}'’-]*$/u,
    0.75,
    true,
  );
  backwards(SEPARATE_TYPE, NAMED_STREET_BEFORE, 0.75, false);
  // One scan for the type words; both continuations are tried where one starts.
  for (const at of text.matchAll(PREFIX_AT)) {
    PREFIX_THEN_NUMBER.lastIndex = at.index;
    const own = PREFIX_THEN_NUMBER.exec(text);
    if (own) {
      push(at.index, at.index + own[0].length, 0.75);
      continue;
    }
    const number = NUMBER_BEFORE.exec(text.slice(Math.max(0, at.index - 16), at.index))?.[0];
    if (number === undefined) continue;
    NUMBER_THEN_PREFIX.lastIndex = at.index;
    const rest = NUMBER_THEN_PREFIX.exec(text);
    if (rest) push(at.index - number.length, at.index + rest[0].length, 0.7);
  }
  add(MILITARY_OR_BOX, 0.85);
  add(UNIT_ALONE, 0.6);
  return spans;
}
