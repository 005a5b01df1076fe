/**
 * Trains the Reflex Layer's learned injection detector and scores it honestly.
 *
 *   npm run train:reflex [-- --data DIR] [--write]
 *
 * Data: `../shared/eval/train/direct.jsonl` (direct injections, jailbreaks and benign prompts,
 * many sources) plus the development set `../shared/eval/injection-dev.jsonl`. First a
 * leave-one-source-out run: for each source, a model trained on every other source (threshold
 * chosen on that training data) is scored on the source left out: injection recall for sources
 * with injections, false-positive rate for sources with benign rows, beside today's rules (which
 * were never trained on any of it). With `--write`, the model trained on everything is written to
 * src/services/reflex/learned/injection-input.model.json (not used by the Reflex Layer yet: issue
 * 11 is in progress). Reproducible: the seed fixes the shuffles, and nothing else is random.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_FEATURES,
  featuresOf,
  type Features,
} from '../src/services/reflex/learned/features';
import { LinearModel, sigmoid } from '../src/services/reflex/learned/linear-model';
import {
  outOfFoldThreshold,
  trainOnFeatures,
  type TrainOptions,
} from '../src/services/reflex/learned/train';
import { detectInjection } from '../src/services/reflex/injection/detect-injection';
import { normaliseForMatching } from '../src/services/reflex/normalise';
import { DEFAULT_POLICY } from '../src/services/reflex/policy';

const REPO_ROOT = resolve(__dirname, '..');
const OPTIONS: TrainOptions = {
  features: DEFAULT_FEATURES,
  epochs: 4,
  rate: 0.2,
  l2: 1e-6,
  seed: 20261130,
  targetFpr: 0.02,
};

interface Row {
  text: string;
  label: 0 | 1;
  source: string;
  features: Features;
  /** Whether today's rules flag it (a baseline that was never trained on any of it). */
  rules: boolean;
}

function readJsonl(file: string): { text: string; label: 0 | 1; source: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; label: 0 | 1; source: string });
}

function main() {
  const argv = process.argv.slice(2);
  const dataIdx = argv.indexOf('--data');
  const data = resolve(dataIdx >= 0 ? argv[dataIdx + 1]! : resolve(REPO_ROOT, '../shared/eval'));
  const write = argv.includes('--write');
  const raw = [
    ...readJsonl(resolve(data, 'train/direct.jsonl')),
    // The development set's sources stay apart: "deepset…:train" and "NotInject…".
    ...readJsonl(resolve(data, 'injection-dev.jsonl')),
  ];
  const started = Date.now();
  const rows: Row[] = raw.map((r) => ({
    ...r,
    features: featuresOf(r.text, OPTIONS.features),
    rules:
      detectInjection(r.text, normaliseForMatching(r.text), { direction: 'input' }).score >=
      DEFAULT_POLICY.injectionThreshold,
  }));
  console.log(
    `input: ${rows.length} rows (${rows.filter((r) => r.label === 1).length} injections) from ` +
      `${new Set(rows.map((r) => r.source)).size} sources; features in ${Date.now() - started} ms`,
  );

  const sources = [...new Set(rows.map((r) => r.source))].sort();
  console.log(
    '\nleave-one-source-out (trained without the source; threshold from out-of-fold scores ' +
      'on the training sources)',
  );
  console.log(
    'source'.padEnd(48),
    'rows'.padStart(5),
    'recall'.padStart(8),
    'FPR'.padStart(8),
    'rules: recall'.padStart(14),
    'FPR'.padStart(6),
  );
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  // Rules or model: what the two would catch together, and what they would flag wrongly.
  let eitherTp = 0;
  let eitherFp = 0;
  const recalls: number[] = [];
  for (const source of sources) {
    const test = rows.filter((r) => r.source === source);
    const training = rows.filter((r) => r.source !== source);
    const model = trainOnFeatures(training, OPTIONS);
    const threshold = outOfFoldThreshold(
      training.map((r) => ({ ...r, group: r.source })),
      OPTIONS,
    );
    let sTp = 0;
    let sFn = 0;
    let sFp = 0;
    let sTn = 0;
    for (const r of test) {
      const flagged = sigmoid(model.logit(r.features)) >= threshold;
      if (r.label === 1 && (flagged || r.rules)) eitherTp++;
      if (r.label === 0 && (flagged || r.rules)) eitherFp++;
      if (r.label === 1 && flagged) sTp++;
      else if (r.label === 1) sFn++;
      else if (flagged) sFp++;
      else sTn++;
    }
    tp += sTp;
    fn += sFn;
    fp += sFp;
    tn += sTn;
    const recall = sTp + sFn ? sTp / (sTp + sFn) : undefined;
    if (recall !== undefined) recalls.push(recall);
    const fpr = sFp + sTn ? sFp / (sFp + sTn) : undefined;
    const pos = test.filter((r) => r.label === 1);
    const neg = test.filter((r) => r.label === 0);
    const share = (rs: Row[]) =>
      rs.length ? (rs.filter((r) => r.rules).length / rs.length).toFixed(3) : '-';
    console.log(
      source.slice(0, 48).padEnd(48),
      String(test.length).padStart(5),
      (recall === undefined ? '-' : recall.toFixed(3)).padStart(8),
      (fpr === undefined ? '-' : fpr.toFixed(3)).padStart(8),
      share(pos).padStart(14),
      share(neg).padStart(6),
    );
  }
  const macro = recalls.reduce((a, b) => a + b, 0) / recalls.length;
  const rulesTp = rows.filter((r) => r.label === 1 && r.rules).length;
  const rulesFp = rows.filter((r) => r.label === 0 && r.rules).length;
  const pos = rows.filter((r) => r.label === 1).length;
  console.log(
    `rules alone: recall ${(rulesTp / pos).toFixed(3)}, benign FPR ` +
      `${(rulesFp / (rows.length - pos)).toFixed(3)} (${rulesFp} of ${rows.length - pos})`,
  );
  console.log(
    `pooled: recall ${(tp / (tp + fn)).toFixed(3)} (macro over sources ${macro.toFixed(3)}), ` +
      `benign FPR ${(fp / (fp + tn)).toFixed(3)} (${fp} of ${fp + tn})`,
  );

  console.log(
    `rules or model: recall ${(eitherTp / (tp + fn)).toFixed(3)}, benign FPR ` +
      `${(eitherFp / (fp + tn)).toFixed(3)}`,
  );

  const trained = trainOnFeatures(rows, OPTIONS);
  const final = new LinearModel(
    trained.config,
    trained.weights,
    trained.bias,
    outOfFoldThreshold(
      rows.map((r) => ({ ...r, group: r.source })),
      OPTIONS,
    ),
  );
  console.log(
    `\nfinal model: threshold ${final.threshold.toFixed(3)} (out-of-fold benign FPR ≤ ` +
      `${OPTIONS.targetFpr} on the training sources)`,
  );
  if (write) {
    const out = resolve(REPO_ROOT, 'src/services/reflex/learned/injection-input.model.json');
    const stored = final.toStored({
      data: ['train/direct.jsonl', 'injection-dev.jsonl'],
      rows: rows.length,
      ...OPTIONS,
    });
    writeFileSync(out, `${JSON.stringify(stored)}\n`);
    console.log(`wrote ${out} (${Math.round(stored.weights.length / 1024)} KB of weights)`);
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();
