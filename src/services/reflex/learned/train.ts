import { featuresOf, type FeatureConfig, type Features } from './features';
import { prng } from '../../../shared/prng';
import { LinearModel, sigmoid } from './linear-model';

/** A labelled example. */
export interface Example {
  text: string;
  label: 0 | 1;
}

/** Training settings; the seed makes a run reproducible. */
export interface TrainOptions {
  features: FeatureConfig;
  epochs: number;
  /** AdaGrad step size. */
  rate: number;
  /** L2 penalty per update. */
  l2: number;
  seed: number;
  /** Largest benign false-positive rate on the training data the threshold may allow. */
  targetFpr: number;
}

/**
 * Logistic regression by AdaGrad over hashed features, the classes weighted to balance. The
 * threshold is the lowest probability at which the training benign rows' false-positive rate
 * stays within `targetFpr` (never looked for on test data).
 */
export function train(examples: Example[], options: TrainOptions): LinearModel {
  const rows = examples.map((e) => ({
    features: featuresOf(e.text, options.features),
    label: e.label,
  }));
  const model = trainOnFeatures(rows, options);
  const benign = rows
    .filter((r) => r.label === 0)
    .map((r) => sigmoid(model.logit(r.features)))
    .sort((a, b) => b - a);
  const threshold = thresholdAt(benign, options.targetFpr, 0.99);
  return new LinearModel(model.config, model.weights, model.bias, threshold);
}

/**
 * The weights and bias {@link train} finds, on features already extracted (cross-validation
 * extracts them once). No threshold chosen: see {@link train} / {@link outOfFoldThreshold}; the
 * model carries 0.5 in its place.
 */
export function trainOnFeatures(
  examples: { features: Features; label: 0 | 1 }[],
  options: TrainOptions,
): LinearModel {
  const dims = 1 << options.features.bits;
  const w = new Float32Array(dims);
  const g2 = new Float32Array(dims).fill(1e-8);
  let bias = 0;
  let biasG2 = 1e-8;
  const feats: Features[] = examples.map((e) => e.features);
  const positives = examples.filter((e) => e.label === 1).length;
  const negatives = examples.length - positives;
  const weightOf = (label: number) =>
    label === 1
      ? examples.length / (2 * Math.max(1, positives))
      : examples.length / (2 * Math.max(1, negatives));
  const random = prng(options.seed);
  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const f = feats[k]!;
      const y = examples[k]!.label;
      let z = bias;
      for (let i = 0; i < f.index.length; i++) z += w[f.index[i]!]! * f.value[i]!;
      const grad = (sigmoid(z) - y) * weightOf(y);
      for (let i = 0; i < f.index.length; i++) {
        const d = f.index[i]!;
        const g = grad * f.value[i]! + options.l2 * w[d]!;
        g2[d]! += g * g;
        w[d]! -= (options.rate * g) / Math.sqrt(g2[d]!);
      }
      biasG2 += grad * grad;
      bias -= (options.rate * grad) / Math.sqrt(biasG2);
    }
  }
  return new LinearModel(options.features, w, bias, 0.5);
}

/**
 * The lowest threshold whose benign false-positive rate stays within `targetFpr`: the score of
 * the benign row just past the allowed false positives, nudged above it, kept within [0.5, cap].
 */
function thresholdAt(benignScoresDescending: number[], targetFpr: number, cap: number): number {
  const allowed = Math.floor(benignScoresDescending.length * targetFpr);
  return Math.min(cap, Math.max(0.5, (benignScoresDescending[allowed] ?? 0) + 1e-6));
}

/**
 * A threshold chosen honestly on training data: the training sources are split into `folds`
 * groups of sources, each example is scored by a model trained on the other groups (out of
 * fold), and the threshold is the lowest at which those benign scores' false-positive rate stays
 * within `options.targetFpr`. In-sample scores would not do: a model separates its own training
 * rows almost perfectly. With one source only, folds of rows stand in for folds of sources.
 */
export function outOfFoldThreshold(
  examples: { features: Features; label: 0 | 1; group: string }[],
  options: TrainOptions,
  folds = 4,
): number {
  const groups = [...new Set(examples.map((e) => e.group))].sort();
  const foldOf = (e: (typeof examples)[number], i: number) =>
    groups.length >= 2 ? groups.indexOf(e.group) % folds : i % folds;
  const folded = examples.map((e, i) => ({ ...e, fold: foldOf(e, i) }));
  const benignScores: number[] = [];
  for (let fold = 0; fold < Math.min(folds, Math.max(groups.length, 2)); fold++) {
    const model = trainOnFeatures(
      folded.filter((e) => e.fold !== fold),
      options,
    );
    for (const e of folded) {
      if (e.fold === fold && e.label === 0) benignScores.push(sigmoid(model.logit(e.features)));
    }
  }
  benignScores.sort((a, b) => b - a);
  return thresholdAt(benignScores, options.targetFpr, 0.999);
}
