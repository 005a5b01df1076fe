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

/** The one injection score: the rules' score and the model's logit for `text`, combined. */
export function learnedScore(detector: LearnedDetector, text: string, rulesScore: number): number {
  return combinedScore(
    detector.combiner,
    rulesScore,
    detector.model.logit(featuresFor(detector, text)),
  );
}

function featuresFor(detector: LearnedDetector, text: string) {
  return featuresOf(text, detector.model.config);
}
