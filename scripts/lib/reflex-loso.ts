import { readFileSync } from 'node:fs';
import { detectInjection } from '../../src/services/reflex/injection/detect-injection';
import {
  DEFAULT_FEATURES,
  featuresOf,
  type Features,
} from '../../src/services/reflex/learned/features';
import { sigmoid } from '../../src/services/reflex/learned/linear-model';
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
  /** Whether today's rules flag it (a baseline never trained on any of it). */
  rules: boolean;
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
      rules:
        detectInjection(r.text, normaliseForMatching(r.text), { direction }).score >=
        DEFAULT_POLICY.injectionThreshold,
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
}

/** The leave-one-source-out result. */
export interface LosoResult {
  bySource: SourceScore[];
  model: Rates & { macroRecall: number };
  rules: Rates;
  either: Rates;
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
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  let eitherTp = 0;
  let eitherFp = 0;
  for (const source of sources) {
    const test = rows.filter((r) => r.source === source);
    const training = rows.filter((r) => r.source !== source);
    const model = trainOnFeatures(training, options);
    const threshold = outOfFoldThreshold(
      training.map((r) => ({ ...r, group: r.source })),
      options,
    );
    const flagged = test.map((r) => sigmoid(model.logit(r.features)) >= threshold);
    const pos = test.filter((r) => r.label === 1);
    const neg = test.filter((r) => r.label === 0);
    const sTp = test.filter((r, i) => r.label === 1 && flagged[i]).length;
    const sFp = test.filter((r, i) => r.label === 0 && flagged[i]).length;
    tp += sTp;
    fn += pos.length - sTp;
    fp += sFp;
    tn += neg.length - sFp;
    eitherTp += test.filter((r, i) => r.label === 1 && (flagged[i] || r.rules)).length;
    eitherFp += test.filter((r, i) => r.label === 0 && (flagged[i] || r.rules)).length;
    bySource.push({
      source,
      rows: test.length,
      model: { recall: rate(sTp, pos.length), fpr: rate(sFp, neg.length) },
      rules: {
        recall: rate(pos.filter((r) => r.rules).length, pos.length),
        fpr: rate(neg.filter((r) => r.rules).length, neg.length),
      },
    });
  }
  const recalls = bySource.flatMap((s) => (s.model.recall === undefined ? [] : [s.model.recall]));
  const positives = rows.filter((r) => r.label === 1);
  const negatives = rows.filter((r) => r.label === 0);
  return {
    bySource,
    model: {
      recall: rate(tp, tp + fn),
      fpr: rate(fp, fp + tn),
      macroRecall: recalls.reduce((a, b) => a + b, 0) / Math.max(1, recalls.length),
    },
    rules: {
      recall: rate(positives.filter((r) => r.rules).length, positives.length),
      fpr: rate(negatives.filter((r) => r.rules).length, negatives.length),
    },
    either: { recall: rate(eitherTp, positives.length), fpr: rate(eitherFp, negatives.length) },
  };
}

const num = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(3));

/** Prints a leave-one-source-out result as a table. */
export function printLoso(title: string, result: LosoResult): void {
  console.log(`\n${title}`);
  console.log(
    `${'source'.padEnd(44)} ${'rows'.padStart(5)}  ${'model: recall'.padStart(13)} ${'FPR'.padStart(6)}  ${'rules: recall'.padStart(13)} ${'FPR'.padStart(6)}`,
  );
  for (const s of result.bySource) {
    console.log(
      `${s.source.slice(0, 44).padEnd(44)} ${String(s.rows).padStart(5)}  ${num(s.model.recall).padStart(13)} ${num(s.model.fpr).padStart(6)}  ${num(s.rules.recall).padStart(13)} ${num(s.rules.fpr).padStart(6)}`,
    );
  }
  console.log(
    `model: recall ${num(result.model.recall)} (macro over sources ${num(result.model.macroRecall)}), ` +
      `benign FPR ${num(result.model.fpr)}`,
  );
  console.log(`rules: recall ${num(result.rules.recall)}, benign FPR ${num(result.rules.fpr)}`);
  console.log(
    `rules or model: recall ${num(result.either.recall)}, benign FPR ${num(result.either.fpr)}`,
  );
}
