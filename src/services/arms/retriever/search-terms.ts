/**
 * Words that say what to do rather than what to find: a step reads "Search the documents for
 * sources relevant to ... and return the key passages", and none of those words is what the
 * documents are about.
 */
const INSTRUCTION_WORDS = new Set(
  (
    'search searching find finding look lookup retrieve gather collect fetch get return returns ' +
    'list give provide show tell identify extract summarise summarize summary summaries write ' +
    'draft research explain describe compare outline answer produce create make prepare ' +
    'document documents docs source sources passage passages relevant relevance key ' +
    'information info material materials fact facts context evidence details references ' +
    'reference please short brief concise main findings finding about regarding related ' +
    'concerning topic question questions step task goal result results figures records ' +
    'contradicts contradict limits limiting contrary supporting support overview'
  ).split(' '),
);

/** Common words of English and German that match nearly every document. */
const STOP_WORDS = new Set(
  (
    'a an the and or not no nor but if then else of to in on at by for with from into onto ' +
    'over under as is are was were be been being am do does did has have had it its this ' +
    'that these those there here their them they we you your our i me my he she his her ' +
    'what which who whom whose how why when where while than so such very can could should ' +
    'would will shall may might must each every any all some more most other own same also ' +
    'just only both few many much one two up down out off again further once its ' +
    'der die das den dem des ein eine einer eines einem einen und oder nicht ist sind war ' +
    'mit von zu zum zur für auf im aus bei nach wie was wer wo auch als an'
  ).split(' '),
);

/** Most terms a query keeps: long queries rank worse and cost more. */
const MAX_TERMS = 12;

/** Fewer content terms than this in the action, and the goal's terms are added. */
const MIN_ACTION_TERMS = 2;

/** Text in double or typographic quotes: the offline planner quotes the goal inside actions. */
const QUOTED = /["“«]([^"”»]{3,})["”»]/g;

/** Letters and digits, with inner hyphens and apostrophes ("trade-offs", "Wärmepumpe"). */
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** The content words of a text, lower-case, in order, without duplicates. */
export function contentTerms(text: string): string[] {
  const words = (text.match(WORD) ?? []).map((w) => w.toLowerCase().replace(/’/g, "'"));
  const kept = words.filter(
    (w) => !INSTRUCTION_WORDS.has(w) && !STOP_WORDS.has(w) && (w.length > 1 || /\d/.test(w)),
  );
  return [...new Set(kept)];
}

/**
 * The search terms for a retriever step: the content words of what the action quotes (the
 * goal, as planners write it), else of the whole action; the goal's words are added when the
 * action alone says too little. Instruction words ("search", "passages") and stop words are
 * dropped so the search is on what the documents should be about.
 */
export function searchTerms(action: string, goal = ''): string[] {
  const quoted = [...action.matchAll(QUOTED)].map((m) => m[1]!).join(' ');
  let terms = contentTerms(quoted || action);
  if (terms.length < MIN_ACTION_TERMS && goal.trim()) {
    terms = [...new Set([...terms, ...contentTerms(goal)])];
  }
  return terms.slice(0, MAX_TERMS);
}
