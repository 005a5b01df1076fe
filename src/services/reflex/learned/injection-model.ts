import stored from './injection-input.model.json';
import { featuresOf } from './features';
import { LinearModel, type StoredModel } from './linear-model';

/**
 * The input-direction detector `npm run train:reflex -- --write` made (see the Reflex README):
 * hashed words and word pairs, logistic regression, its threshold chosen on out-of-fold scores.
 */
export const INPUT_MODEL: LinearModel = LinearModel.fromStored(stored as StoredModel);

/**
 * The one injection score: the larger of the rules' score and the model's score centred on its
 * own threshold, so a text is flagged when either flags it. (A logistic combination of the two
 * scored the same across sources left out, 0.578 against 0.571 recall, but lifted the rules'
 * deliberately weak hits, such as "pretend you are a tour guide", over the threshold.)
 * The model was trained on prompts, not on JSON syntax (braces and quotes alone pushed a task's
 * `{"region":"EU"}` context over the threshold), so a JSON text is scored by the model on its
 * keys and values, one per line; the rules still see it whole.
 */
export function learnedScore(model: LinearModel, text: string, rulesScore: number): number {
  return Math.max(
    rulesScore,
    model.centredScore(featuresOf(jsonWords(text) ?? text, model.config)),
  );
}

/** The keys and scalar values of a JSON object or array, one per line; undefined for other text. */
export function jsonWords(text: string): string | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const words: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [key, inner] of Object.entries(v)) {
        words.push(key);
        walk(inner);
      }
    } else if (v !== null) words.push(String(v));
  };
  walk(value);
  return words.join('\n');
}
