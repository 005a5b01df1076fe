/**
 * Trains the Reflex Layer's learned injection detector and scores it honestly.
 *
 *   npm run train:reflex [-- --data DIR] [--write]
 *
 * Data: `../shared/eval/train/direct.jsonl` (direct injections, jailbreaks and benign prompts,
 * many sources) plus the development set `../shared/eval/injection-dev.jsonl`. First a
 * leave-one-source-out run (scripts/lib/reflex-loso.ts), beside today's rules. With `--write`,
 * the model trained on everything, its threshold chosen on out-of-fold scores, is written to src/services/reflex/learned/injection-input.model.json,
 * which the Reflex Layer loads for `direction: "input"`. Reproducible: the seed fixes the
 * shuffles, and nothing else is random.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  INPUT_FILES,
  leaveOneSourceOut,
  loadRows,
  printLoso,
  TRAIN_OPTIONS,
  trainWithout,
} from './lib/reflex-loso';

const REPO_ROOT = resolve(__dirname, '..');

function main() {
  const argv = process.argv.slice(2);
  const dataIdx = argv.indexOf('--data');
  const data = resolve(dataIdx >= 0 ? argv[dataIdx + 1]! : resolve(REPO_ROOT, '../shared/eval'));
  const started = Date.now();
  const rows = loadRows(
    INPUT_FILES.map((f) => resolve(data, f)),
    'input',
    TRAIN_OPTIONS,
  );
  console.log(
    `input: ${rows.length} rows (${rows.filter((r) => r.label === 1).length} injections) from ` +
      `${new Set(rows.map((r) => r.source)).size} sources`,
  );
  printLoso(
    'leave-one-source-out, input (trained without the source; threshold from out-of-fold ' +
      'scores on the training sources)',
    leaveOneSourceOut(rows, TRAIN_OPTIONS),
  );

  const final = trainWithout(rows, TRAIN_OPTIONS);
  console.log(
    `\nfinal model: threshold ${final.threshold.toFixed(3)} (out-of-fold benign FPR ≤ ` +
      `${TRAIN_OPTIONS.targetFpr} on the training sources)`,
  );
  if (argv.includes('--write')) {
    const out = resolve(REPO_ROOT, 'src/services/reflex/learned/injection-input.model.json');
    const stored = final.toStored({
      data: INPUT_FILES,
      rows: rows.length,
      ...TRAIN_OPTIONS,
    });
    writeFileSync(out, `${JSON.stringify(stored)}\n`);
    console.log(`wrote ${out} (${Math.round(stored.weights.length / 1024)} KB of weights)`);
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();
