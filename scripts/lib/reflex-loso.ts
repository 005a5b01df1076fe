import { readFileSync } from 'node:fs';
import { detectInjection } from '../../src/services/reflex/injection/detect-injection';
import {
  DEFAULT_FEATURES,
  featuresOf,
  type Features,
} from '../../src/services/reflex/learned/features';
import { LinearModel } from '../../src/services/reflex/learned/linear-model';
import {
  outOfFoldThreshold,
  trainOnFeatures,
  type TrainOptions,
} from '../../src/services/reflex/learned/train';
import { normaliseForMatching } from '../../src/services/reflex/normalise';
import { DEFAULT_POLICY } from '../../src/services/reflex/policy';
import type { ReflexDirection } from '../../src/shared/reflex';

/** A labelled row with its features and today's rules' verdict. */
export interface LosoRow {
  text: string;
  label: 0 | 1;
  source: string;
  features: Features;
  /** Today's rules' score (a baseline never trained on any of it). */
  rulesScore: number;
}

/** The training settings `npm run train:reflex` and `npm run eval:reflex` use. */
export const TRAIN_OPTIONS: TrainOptions = {
  features: DEFAULT_FEATURES,
  epochs: 4,
  rate: 0.2,
  l2: 1e-6,
  seed: 20261130,
  targetFpr: 0.02,
};

/** The input-direction training data, relative to the data directory (`../shared/eval`). */
export const INPUT_FILES: readonly string[] = ['train/direct.jsonl', 'injection-dev.jsonl'];

/** The rows of a JSONL file, blank lines skipped. */
export function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** Reads labelled JSONL files (`text`, `label`, `source`) and prepares their rows. */
export function loadRows(
  files: string[],
  direction: ReflexDirection,
  options: TrainOptions,
): LosoRow[] {
  return files.flatMap((file) =>
    readJsonl<{ text: string; label: 0 | 1; source: string }>(file).map((r) => ({
      text: r.text,
      label: r.label,
      source: r.source,
      features: featuresOf(r.text, options.features),
      rulesScore: detectInjection(r.text, normaliseForMatching(r.text), { direction }).score,
    })),
  );
}

interface Rates {
  recall: number | undefined;
  fpr: number | undefined;
}

/** One source's scores, by a model trained without it. */
export interface SourceScore {
  source: string;
  rows: number;
  model: Rates;
  rules: Rates;
  combined: Rates;
}

/** The leave-one-source-out result. */
export interface LosoResult {
  bySource: SourceScore[];
  model: Rates & { macroRecall: number };
  rules: Rates;
  /** The larger of the rules' score and the model's centred score: what the Reflex Layer runs. */
  combined: Rates;
}

const rate = (hit: number, all: number) => (all ? hit / all : undefined);

/**
 * For each source: a model trained on every other source, its threshold from out-of-fold scores
 * on those sources (never from the source left out), scores the source left out. Injection
 * recall where the source has injections, false-positive rate where it has benign rows.
 */
export function leaveOneSourceOut(rows: LosoRow[], options: TrainOptions): LosoResult {
  const sources = [...new Set(rows.map((r) => r.source))].sort();
  const bySource: SourceScore[] = [];
  const all: Scored[] = [];
  for (const source of sources) {
    const test = rows.filter((r) => r.source === source);
    const model = trainWithout(
      rows.filter((r) => r.source !== source),
      options,
    );
    const scored = test.map((r): Scored => {
      const modelScore = model.centredScore(r.features);
      return {
        label: r.label,
        rules: r.rulesScore >= DEFAULT_POLICY.injectionThreshold,
        model: modelScore >= 0.5,
        // What the Reflex Layer runs (see learnedScore): the larger of the two scores.
        combined: Math.max(r.rulesScore, modelScore) >= DEFAULT_POLICY.injectionThreshold,
      };
    });
    all.push(...scored);
    bySource.push({
      source,
      rows: test.length,
      model: ratesOf(scored, (r) => r.model),
      rules: ratesOf(scored, (r) => r.rules),
      combined: ratesOf(scored, (r) => r.combined),
    });
  }
  const recalls = bySource.flatMap((s) => (s.model.recall === undefined ? [] : [s.model.recall]));
  return {
    bySource,
    model: {
      ...ratesOf(all, (r) => r.model),
      macroRecall: recalls.reduce((a, b) => a + b, 0) / Math.max(1, recalls.length),
    },
    rules: ratesOf(all, (r) => r.rules),
    combined: ratesOf(all, (r) => r.combined),
  };
}

/** One scored row: its label and what each detector said. */
interface Scored {
  label: 0 | 1;
  rules: boolean;
  model: boolean;
  combined: boolean;
}

/** Recall over the injections and false-positive rate over the benign rows, for one detector. */
function ratesOf(rows: Scored[], flagged: (r: Scored) => boolean): Rates {
  const pos = rows.filter((r) => r.label === 1);
  const neg = rows.filter((r) => r.label === 0);
  return {
    recall: rate(pos.filter(flagged).length, pos.length),
    fpr: rate(neg.filter(flagged).length, neg.length),
  };
}

/**
 * What `npm run train:reflex` makes of some rows: the model trained on all of them, with its
 * threshold chosen on out-of-fold scores (folds of sources), never on the rows scored later.
 */
export function trainWithout(training: LosoRow[], options: TrainOptions): LinearModel {
  const threshold = outOfFoldThreshold(
    training.map((r) => ({ ...r, group: r.source })),
    options,
  );
  const model = trainOnFeatures(training, options);
  return new LinearModel(model.config, model.weights, model.bias, threshold);
}

const num = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(3));

/** Prints a leave-one-source-out result as a table. */
export function printLoso(title: string, result: LosoResult): void {
  console.log(`\n${title}`);
  console.log(
    `${'source'.padEnd(44)} ${'rows'.padStart(5)}  ${'model: recall'.padStart(13)} ${'FPR'.padStart(6)}  ${'rules: recall'.padStart(13)} ${'FPR'.padStart(6)}  ${'combined: recall'.padStart(16)} ${'FPR'.padStart(6)}`,
  );
  for (const s of result.bySource) {
    console.log(
      `${s.source.slice(0, 44).padEnd(44)} ${String(s.rows).padStart(5)}  ${num(s.model.recall).padStart(13)} ${num(s.model.fpr).padStart(6)}  ${num(s.rules.recall).padStart(13)} ${num(s.rules.fpr).padStart(6)}  ${num(s.combined.recall).padStart(16)} ${num(s.combined.fpr).padStart(6)}`,
    );
  }
  console.log(
    `model: recall ${num(result.model.recall)} (macro over sources ${num(result.model.macroRecall)}), ` +
      `benign FPR ${num(result.model.fpr)}`,
  );
  console.log(`rules: recall ${num(result.rules.recall)}, benign FPR ${num(result.rules.fpr)}`);
  console.log(
    `rules or model, the larger score (what the Reflex Layer runs for input; outputs get the rules alone): recall ${num(result.combined.recall)}, ` +
      `benign FPR ${num(result.combined.fpr)}`,
  );
}
