/**
 * Scores the Reflex Layer's detectors on the labelled development data in `../shared/eval/`.
 *
 *   npx tsx scripts/eval-reflex.ts [--data DIR] [--out FILE] [--errors]
 *
 * Injection, first leave-one-source-out (scripts/lib/reflex-loso.ts) on the training corpus
 * `train/`, for input and output: the figures to report. Then precision, recall and
 * false-positive rate on the development rows, overall and by source (in-sample for the rules).
 * PII: precision, recall and F2 per entity type on the span data, with two matching rules:
 * `partial` (a prediction counts when it overlaps a gold span of the same type; the usual
 * "type + overlap" rule of MUC / SemEval) and `exact` (same boundaries after trimming spaces
 * and punctuation). Prints tables and writes JSON (default `.octollm/eval/reflex.json`).
 * Calls the detectors directly, without HTTP, so a full run takes seconds.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { detectInjection } from '../src/services/reflex/injection/detect-injection';
import { normaliseForMatching } from '../src/services/reflex/normalise';
import { detectPii } from '../src/services/reflex/pii/detect-pii';
import type { PiiType } from '../src/services/reflex/pii/pii-types';
import { DEFAULT_POLICY } from '../src/services/reflex/policy';
import {
  INPUT_FILES,
  leaveOneSourceOut,
  loadRows,
  printLoso,
  readJsonl,
  TRAIN_OPTIONS,
} from './lib/reflex-loso';

const REPO_ROOT = resolve(__dirname, '..');

interface Args {
  data: string;
  out: string;
  errors: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    data: resolve(REPO_ROOT, '../shared/eval'),
    out: resolve(REPO_ROOT, '.octollm/eval/reflex.json'),
    errors: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data') args.data = resolve(argv[++i] ?? args.data);
    else if (a === '--out') args.out = resolve(argv[++i] ?? args.out);
    else if (a === '--errors') args.errors = true;
    else
      throw new Error(
        `unknown argument ${a}; usage: eval-reflex [--data DIR] [--out FILE] [--errors]`,
      );
  }
  return args;
}

// ---- injection -------------------------------------------------------------------------------

interface InjectionRow {
  text: string;
  label: 0 | 1;
  source: string;
}

interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function rates(c: Confusion) {
  const precision = c.tp + c.fp === 0 ? null : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? null : c.tp / (c.tp + c.fn);
  const fpr = c.fp + c.tn === 0 ? null : c.fp / (c.fp + c.tn);
  return { ...c, rows: c.tp + c.fp + c.fn + c.tn, precision, recall, false_positive_rate: fpr };
}

function evalInjection(path: string, showErrors: boolean) {
  const rows = readJsonl<InjectionRow>(path);
  const threshold = DEFAULT_POLICY.injectionThreshold;
  const overall: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const bySource = new Map<string, Confusion>();
  const byCategory = new Map<string, number>();
  const errors: { label: number; score: number; source: string; text: string; rules: string[] }[] =
    [];
  // Warm up (regex compilation, JIT) so the per-row time reflects a running service.
  for (const row of rows.slice(0, 50))
    detectInjection(row.text, normaliseForMatching(row.text), { direction: 'input' });
  let elapsedMs = 0;
  // The same rows buried 12 KB deep in benign prose: long texts are scanned in windows around
  // anchor words, and this checks that the windows lose nothing.
  const buried: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const filler =
    'The committee reviewed the quarterly figures and approved the budget for next year. '.repeat(
      150,
    );
  for (const row of rows) {
    const t0 = performance.now();
    const result = detectInjection(row.text, normaliseForMatching(row.text), {
      direction: 'input',
    });
    elapsedMs += performance.now() - t0;
    const predicted = result.score >= threshold;
    const long = `${filler}\n${row.text}\n${filler}`;
    const deep =
      detectInjection(long, normaliseForMatching(long), { direction: 'input' }).score >= threshold;
    buried[deep ? (row.label === 1 ? 'tp' : 'fp') : row.label === 1 ? 'fn' : 'tn']++;
    const c = bySource.get(row.source) ?? { tp: 0, fp: 0, fn: 0, tn: 0 };
    bySource.set(row.source, c);
    const cell = predicted ? (row.label === 1 ? 'tp' : 'fp') : row.label === 1 ? 'fn' : 'tn';
    c[cell]++;
    overall[cell]++;
    if (predicted)
      for (const cat of result.categories) byCategory.set(cat, (byCategory.get(cat) ?? 0) + 1);
    if (cell === 'fp' || cell === 'fn') {
      errors.push({
        label: row.label,
        score: result.score,
        source: row.source,
        text: row.text.slice(0, 160),
        rules: [...new Set(result.matches.map((m) => m.rule))],
      });
    }
  }
  if (showErrors) {
    for (const e of errors)
      console.log(
        `${e.label ? 'FN' : 'FP'} ${e.score.toFixed(2)} ${JSON.stringify(e.text)} ${e.rules.join(',')}`,
      );
  }
  return {
    threshold,
    overall: rates(overall),
    benign_false_positive_rate: rates(overall).false_positive_rate,
    by_source: Object.fromEntries([...bySource].map(([s, c]) => [s, rates(c)])),
    flagged_by_category: Object.fromEntries(byCategory),
    buried_in_long_text: rates(buried),
    mean_ms_per_row: elapsedMs / rows.length,
    errors,
  };
}

// ---- PII -------------------------------------------------------------------------------------

interface PiiRow {
  text: string;
  spans: { type: string; value: string; start: number; end: number }[];
}

/** Gold types of the data set, as the Reflex Layer names them. Others are not scored. */
const GOLD_TYPES: Record<string, PiiType> = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD: 'CREDIT_CARD',
  US_SSN: 'US_SSN',
  IBAN_CODE: 'IBAN',
  IP_ADDRESS: 'IP_ADDRESS',
  PERSON: 'PERSON',
  STREET_ADDRESS: 'STREET_ADDRESS',
};

interface Counts {
  gold: number;
  predicted: number;
  goldFound: number;
  predictedCorrect: number;
  exactMatches: number;
}

function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && /[\s.,;:!?"'()[\]<>-]/.test(text[start] ?? '')) start++;
  while (end > start && /[\s.,;:!?"'()[\]<>-]/.test(text[end - 1] ?? '')) end--;
  return [start, end];
}

function prf(tpPred: number, predicted: number, tpGold: number, gold: number) {
  const precision = predicted === 0 ? null : tpPred / predicted;
  const recall = gold === 0 ? null : tpGold / gold;
  const f2 =
    precision === null || recall === null || precision + recall === 0
      ? null
      : (5 * precision * recall) / (4 * precision + recall);
  return { precision, recall, f2 };
}

function evalPii(path: string, showErrors: boolean) {
  const rows = JSON.parse(readFileSync(path, 'utf8')) as PiiRow[];
  const counts = new Map<PiiType, Counts>();
  const get = (t: PiiType) => {
    let c = counts.get(t);
    if (!c)
      counts.set(
        t,
        (c = { gold: 0, predicted: 0, goldFound: 0, predictedCorrect: 0, exactMatches: 0 }),
      );
    return c;
  };
  const misses: { type: string; kind: 'FN' | 'FP'; value: string; context: string }[] = [];
  const started = performance.now();
  for (const row of rows) {
    const gold = row.spans
      .filter((s) => GOLD_TYPES[s.type] !== undefined)
      .map((s) => ({ type: GOLD_TYPES[s.type] as PiiType, start: s.start, end: s.end }));
    const predicted = detectPii(row.text).filter((s) => s.score >= DEFAULT_POLICY.piiMinScore);
    const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
      a.start < b.end && b.start < a.end;
    for (const g of gold) {
      const c = get(g.type);
      c.gold++;
      const hit = predicted.find((p) => p.type === g.type && overlaps(p, g));
      if (hit) {
        c.goldFound++;
        const [gs, ge] = trimSpan(row.text, g.start, g.end);
        const [ps, pe] = trimSpan(row.text, hit.start, hit.end);
        if (gs === ps && ge === pe) c.exactMatches++;
      } else {
        misses.push({
          type: g.type,
          kind: 'FN',
          value: row.text.slice(g.start, g.end),
          context: row.text.slice(Math.max(0, g.start - 40), g.end + 20),
        });
      }
    }
    for (const p of predicted) {
      const c = get(p.type);
      c.predicted++;
      if (gold.some((g) => g.type === p.type && overlaps(p, g))) c.predictedCorrect++;
      else {
        const other = row.spans.find((g) => overlaps(p, g))?.type ?? 'none';
        misses.push({
          type: p.type,
          kind: 'FP',
          value: `${row.text.slice(p.start, p.end)} (gold: ${other})`,
          context: row.text.slice(Math.max(0, p.start - 40), p.end + 20),
        });
      }
    }
  }
  const elapsedMs = performance.now() - started;
  if (showErrors)
    for (const m of misses)
      console.log(`${m.kind} ${m.type} ${JSON.stringify(m.value)} | ${JSON.stringify(m.context)}`);
  const byType = Object.fromEntries(
    [...counts].map(([type, c]) => [
      type,
      {
        gold: c.gold,
        predicted: c.predicted,
        partial: prf(c.predictedCorrect, c.predicted, c.goldFound, c.gold),
        // Exact: a prediction is right only with the gold boundaries (after trimming).
        exact: prf(c.exactMatches, c.predicted, c.exactMatches, c.gold),
      },
    ]),
  );
  return {
    rows: rows.length,
    matching: 'partial = same type and overlapping; exact = same trimmed boundaries',
    by_type: byType,
    mean_ms_per_row: elapsedMs / rows.length,
  };
}

/**
 * False positives of the output direction on real documents no rule was written against: the
 * READMEs of the installed packages (prose, code and tables, full of instructions to a human
 * reader), the first 400 by path.
 */
function readmeFalsePositives() {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = join(dir, entry.name);
      if (entry.isDirectory() && depth < 2) walk(full, depth + 1);
      else if (entry.isFile() && /^readme\.md$/i.test(entry.name)) files.push(full);
    }
  };
  walk(resolve(REPO_ROOT, 'node_modules'), 0);
  const chosen = files.sort().slice(0, 400);
  const byRule = new Map<string, number>();
  let flagged = 0;
  for (const file of chosen) {
    const text = readFileSync(file, 'utf8');
    const result = detectInjection(text, normaliseForMatching(text), { direction: 'output' });
    if (result.score < DEFAULT_POLICY.injectionThreshold) continue;
    flagged++;
    for (const rule of new Set(result.matches.map((m) => m.rule.replace(/@.*$/, '')))) {
      byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
    }
  }
  return {
    documents: chosen.length,
    flagged,
    fpr: flagged / Math.max(1, chosen.length),
    byRule: [...byRule].sort((a, b) => b[1] - a[1]),
  };
}

// ---- report ----------------------------------------------------------------------------------

const pct = (v: number | null) => (v === null ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`);

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const injection = evalInjection(resolve(args.data, 'injection-dev.jsonl'), args.errors);
  const pii = evalPii(resolve(args.data, 'pii-dev.json'), args.errors);

  // The figures to report: every source scored by a model that never saw it (and the rules,
  // which were never trained), for input and for output (indirect injection in documents).
  const losoInput = leaveOneSourceOut(
    loadRows(
      INPUT_FILES.map((f) => resolve(args.data, f)),
      'input',
      TRAIN_OPTIONS,
    ),
    TRAIN_OPTIONS,
  );
  printLoso('Leave-one-source-out, input (the figures to report)', losoInput);
  const losoOutput = leaveOneSourceOut(
    loadRows([resolve(args.data, 'train/indirect.jsonl')], 'output', TRAIN_OPTIONS),
    TRAIN_OPTIONS,
  );
  printLoso(
    'Leave-one-source-out, output: injected instructions in e-mails, tables and code answers ' +
      '(benign: the same documents, clean)',
    losoOutput,
  );
  console.log(
    'The output rules were written with these training attacks in view: their figures here are ' +
      'in-sample. For false positives on documents of another kind, see the next line.',
  );
  const readmes = readmeFalsePositives();
  console.log(
    `Clean documents of another kind (${readmes.documents} package READMEs under node_modules), ` +
      `output direction: rules flag ${readmes.flagged} (FPR ${readmes.fpr.toFixed(3)}); ` +
      `by rule: ${readmes.byRule.map(([rule, n]) => `${rule} ${n}`).join(', ')}`,
  );

  console.log(
    `\nInjection on the development set (in-sample for the rules, which were tuned on it: shown, ` +
      `not quoted; threshold ${injection.threshold}; ${injection.mean_ms_per_row.toFixed(3)} ms/row)`,
  );
  console.log(
    'source                                  rows    TP   FP   FN   TN  precision  recall  FPR(benign)',
  );
  const line = (name: string, r: ReturnType<typeof rates>) =>
    console.log(
      `${name.padEnd(38)} ${String(r.rows).padStart(5)} ${String(r.tp).padStart(5)} ${String(r.fp).padStart(4)} ${String(r.fn).padStart(4)} ${String(r.tn).padStart(4)}    ${pct(r.precision)}  ${pct(r.recall)}   ${pct(r.false_positive_rate)}`,
    );
  for (const [source, r] of Object.entries(injection.by_source)) line(source, r);
  line('ALL', injection.overall);
  line('ALL, each row buried in 25 KB of prose', injection.buried_in_long_text);

  console.log(
    `\nPII (${pii.rows} rows; ${pii.mean_ms_per_row.toFixed(3)} ms/row; partial = type + overlap, exact = same boundaries)`,
  );
  console.log(
    'type             gold  pred   P(part)  R(part)  F2(part)   P(exact) R(exact) F2(exact)',
  );
  for (const [type, r] of Object.entries(pii.by_type)) {
    console.log(
      `${type.padEnd(15)} ${String(r.gold).padStart(5)} ${String(r.predicted).padStart(5)}   ${pct(r.partial.precision)}  ${pct(r.partial.recall)}  ${pct(r.partial.f2)}    ${pct(r.exact.precision)}  ${pct(r.exact.recall)}  ${pct(r.exact.f2)}`,
    );
  }

  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(
    args.out,
    JSON.stringify(
      {
        generated_at: new Date().toISOString(),
        data: args.data,
        leave_one_source_out: { input: losoInput, output: losoOutput },
        output_readme_false_positives: readmes,
        injection,
        pii,
      },
      null,
      2,
    ),
  );
  console.log(`\nwrote ${args.out}`);
}

main();
