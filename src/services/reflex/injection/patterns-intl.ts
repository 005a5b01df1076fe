import type { InjectionRuleSpec } from './injection-types';

/**
 * "Forget/ignore all instructions" in other widely used languages. Attackers switch language
 * to slip past English-only filters; the core override phrase is short and unambiguous, so a
 * handful of verbs and nouns per language catches it without a full rule set. Cyrillic words
 * use look-arounds instead of `\b`, which only knows ASCII letters.
 */
export const INTERNATIONAL_RULES: InjectionRuleSpec[] = [
  {
    id: 'es.override.discard',
    category: 'instruction_override',
    weight: 0.88,
    source: `\\b(?:olvida(?:r|te|d|n)?|olvide|olviden|ignora(?:r|d|n)?|ignore|ignoren|descarta|omite)\\b(?: (?:todo|todas?|los?|las?|tus|sus|mis|de|que|lo|anterior(?:es)?|previas?|previos?|digo|dije|dicho|antes))* (?:instrucciones|indicaciones|ordenes|reglas|anterior|lo anterior|antes|todo)\\b`,
  },
  {
    id: 'fr.override.discard',
    category: 'instruction_override',
    weight: 0.88,
    source: `\\b(?:oubliez|oublie|ignorez|ignore|ne tenez pas compte)\\b(?: (?:de|des|toutes?|tous|les|vos|tes|ce|qui|precede|precedentes?|anterieures?))* (?:instructions|consignes|regles|ordres|directives|precede|tout)\\b`,
  },
  {
    id: 'it.override.discard',
    category: 'instruction_override',
    weight: 0.88,
    source: `\\b(?:dimentica|dimenticate|ignora|ignorate)\\b(?: (?:tutte|tutti|tutto|le|i|gli|tue|vostre|precedenti|sopra))* (?:istruzioni|indicazioni|regole|ordini|tutto)\\b`,
  },
  {
    id: 'pt.override.discard',
    category: 'instruction_override',
    weight: 0.88,
    source: `\\b(?:esqueca|esquece|esquecam|ignore|ignora|ignorem|desconsidere)\\b(?: (?:todas?|todos?|as|os|suas|tuas|anteriores|previas))* (?:instrucoes|ordens|regras|tudo)\\b`,
  },
  {
    id: 'nl.override.discard',
    category: 'instruction_override',
    weight: 0.88,
    source: `\\b(?:vergeet|negeer|negeren)\\b(?: (?:alle|al|de|je|uw|vorige|eerdere|bovenstaande))* (?:instructies|opdrachten|regels|alles)\\b`,
  },
  {
    id: 'sh.override.discard',
    category: 'instruction_override',
    weight: 0.85,
    source: `\\b(?:zaboravi|zaboravite|ignoriraj|ignorisi|ignorirajte|zapomnij|zignoruj)\\b(?: (?:sve|svih|prethodne|prethodnih|wszystkie|poprzednie))* (?:instrukcije|upute|uputstva|naredbe|instrukcje|polecenia|sve|wszystko)\\b`,
  },
  {
    id: 'ru.override.discard',
    category: 'instruction_override',
    weight: 0.88,
    source: `(?<![\\p{L}])(?:забудь(?:те)?|игнорируи(?:те)?|проигнорируи(?:те)?|отбрось(?:те)?)(?: (?:все|всё|предыдущие|прежние|свои|ваши|эти))* (?:инструкции|указания|правила|команды|все|всё)(?![\\p{L}])`,
  },
];
