import stored from './injection-input.model.json';
import { featuresOf } from './features';
import { combinedScore, LinearModel, type Combiner, type StoredModel } from './linear-model';

/** The learned detector as the Reflex Layer runs it: a model and its combination with the rules. */
export interface LearnedDetector {
  model: LinearModel;
  combiner: Combiner;
}

/**
 * The input-direction detector `npm run train:reflex -- --write` made (see the Reflex README):
 * hashed words and word pairs, logistic regression, combined with the rules' score.
 */
export const INPUT_DETECTOR: LearnedDetector = loadDetector(stored as StoredModel);

/** Loads a stored model; it must carry its combination with the rules. */
export function loadDetector(model: StoredModel): LearnedDetector {
  if (!model.combiner) {
    throw new Error(
      'the stored injection model has no combiner: run npm run train:reflex -- --write',
    );
  }
  return { model: LinearModel.fromStored(model), combiner: model.combiner };
}

/**
 * The one injection score: the rules' score and the model's logit for `text`, combined. The
 * model was trained on prompts, not on JSON syntax (braces and quotes alone pushed a task's
 * `{"region":"EU"}` context over the threshold), so a JSON text is scored by the model on its
 * keys and values, one per line; the rules still see it whole.
 */
export function learnedScore(detector: LearnedDetector, text: string, rulesScore: number): number {
  const logit = detector.model.logit(featuresOf(jsonWords(text) ?? text, detector.model.config));
  return combinedScore(detector.combiner, rulesScore, logit);
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
