/**
 * Latency of the Reflex Layer's `screen` on 2 KB and 100 KB inputs (no HTTP, no cache, so the
 * figures are the detectors' own), plus the cache-hit path and the learned detector's score.
 *
 *   npx tsx bench/reflex.bench.ts [--runs N]
 *
 * Inputs mix ordinary prose with the things the detectors look at (numbers, names, e-mails,
 * phone numbers, addresses, base64 tokens) so every detector does real work.
 * Targets from the issue: P95 ≤ 2 ms for 2 KB and ≤ 20 ms for 100 KB.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DEFAULT_FEATURES } from '../src/services/reflex/learned/features';
import { LinearModel } from '../src/services/reflex/learned/linear-model';
import { screen } from '../src/services/reflex/screen';
import { VerdictCache } from '../src/services/reflex/verdict-cache';
import { prng } from '../src/shared/prng';

// Ordinary business and technical prose, with the things the PII detectors look at (names,
// dates, amounts, e-mails, phone numbers, addresses, base64 tokens). Two in twenty templates
// carry injection anchor words ("ignores", "instructions"), as documentation does. Every
// placeholder gets a fresh value, so no paragraph repeats and no per-text memo helps.
const TEMPLATES = [
  'The quarterly report was reviewed by {NAME} on {DATE} and forwarded to the finance team. ',
  'Revenue grew {N}.{N}% to {N},{N}00 EUR, driven by the new subscription tier launched in {CITY}. ',
  'Please contact {EMAIL} or call {PHONE} if the dashboard shows stale numbers. ',
  'In version {N}.{N}.{N} the exporter ignores empty rows and writes a warning to the log file. ',
  'The meeting at {N} Baker Street, Suite {N} is moved to Thursday; bring the signed contracts. ',
  'Der Bericht wurde am Montag fertiggestellt und enthält die Zahlen für das {N}. Quartal. ',
  'Token {B64} appears in the log next to request id {HEX}. ',
  'Great work on the migration! Next week we will review the backlog and plan the release. ',
  'Order {N}-{N} shipped on {DATE} via DHL; tracking number {LONG}. ',
  'You can reset the router to its default settings by holding the button for {N} seconds. ',
  'Customer satisfaction rose in all regions, with the strongest gains around {CITY}. ',
  'The warehouse in {CITY} handled {N},{N}00 pallets in March, up from {N},{N}00 a year earlier. ',
  'Our auditors recommended rotating the storage keys every {N} days and logging each access. ',
  'Mark the invoices as paid once the bank confirms the transfer, then archive the PDF copies. ',
  'Die Installationsanleitung liegt dem Paket bei; bitte lesen Sie die Sicherheitshinweise. ',
  'Shipping costs are calculated from the parcel weight and the destination postcode {N}. ',
  'For the workshop on {DATE} we booked the large room on the third floor for {N} people. ',
  'See the setup instructions in the appendix for installing the printer driver on macOS. ',
  'The board approved the budget for two additional engineers, reporting to {NAME}. ',
  'Average response time dropped to {N} ms after the cache was moved closer to the database. ',
];

/** Worst case: prose dense with injection anchor words, so the windowed scan covers it all. */
const ANCHOR_DENSE = [
  'The previous instructions in this manual ignore the legacy system prompt settings. ',
  'As the assistant noted, the user can reveal hidden columns and repeat the import. ',
];

const FIRST = [
  'Anna',
  'Peter',
  'Maria',
  'James',
  'Yuki',
  'Olga',
  'Carlos',
  'Fatima',
  'Lars',
  'Chen',
];
const LAST = ['Schmidt', 'Novak', 'Rossi', 'Okafor', 'Tanaka', 'Lindqvist', 'Garcia', 'Dubois'];
const CITIES = ['Berlin', 'Vienna', 'Rotterdam', 'Lyon', 'Turin', 'Leeds', 'Gdansk', 'Porto'];

function fill(template: string, rand: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  return template.replace(/\{(\w+)\}/g, (_m, kind: string) => {
    switch (kind) {
      case 'NAME':
        return `${pick(FIRST)} ${pick(LAST)}`;
      case 'CITY':
        return pick(CITIES);
      case 'N':
        return String(1 + Math.floor(rand() * 99));
      case 'DATE':
        return `20${digits(2)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`;
      case 'EMAIL':
        return `${pick(FIRST).toLowerCase()}.${digits(3)}@example.com`;
      case 'PHONE':
        return `+49 30 9${digits(5)}`;
      case 'B64':
        return Buffer.from(`record ${digits(6)} of batch ${digits(4)} processed`).toString(
          'base64',
        );
      case 'HEX':
        return Math.floor(rand() * 0xffffffff).toString(16);
      case 'LONG':
        return digits(20);
      default:
        return kind;
    }
  });
}

function makeText(bytes: number, seed: number, templates: string[] = TEMPLATES): string {
  const rand = prng(seed);
  let text = '';
  while (Buffer.byteLength(text) < bytes)
    text += fill(templates[Math.floor(rand() * templates.length)] as string, rand);
  return text.slice(0, bytes);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function measure(label: string, runs: number, once: (i: number) => void): void {
  for (let i = 0; i < Math.min(50, runs); i++) once(i); // warm-up: JIT and regex compilation
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    once(i);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(3).padStart(8);
  console.log(
    `${label.padEnd(30)} runs=${String(runs).padStart(5)}  wall P50=${f(percentile(wall, 50))} P95=${f(percentile(wall, 95))} P99=${f(percentile(wall, 99))} ms   cpu P50=${f(percentile(cpu, 50))} P95=${f(percentile(cpu, 95))} ms`,
  );
}

/** How fast this machine runs a plain loop over 100k characters: context for the figures. */
function calibrate(): number {
  const text = 'x'.repeat(100_000);
  const out = new Uint16Array(text.length);
  let best = Infinity;
  for (let r = 0; r < 20; r++) {
    const t0 = performance.now();
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) | 32;
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function main(): void {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 500;
  const bigRuns = Math.max(20, Math.floor(runs / 5));
  // Distinct texts per run, so nothing is cached by accident.
  const small = Array.from({ length: 64 }, (_, i) => makeText(2 * 1024, 1000 + i));
  const large = Array.from({ length: 8 }, (_, i) => makeText(100 * 1024, i));
  const dense = Array.from({ length: 8 }, (_, i) =>
    makeText(100 * 1024, i, [...TEMPLATES, ...ANCHOR_DENSE, ...ANCHOR_DENSE]),
  );
  console.log(
    `calibration: a plain loop over 100k characters takes ${calibrate().toFixed(2)} ms here`,
  );
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${os.cpus().length} CPUs (wall times include waiting for a CPU)`,
  );
  measure('2 KB input', runs, (i) => screen(small[i % small.length] as string, 'input'));
  measure('2 KB output', runs, (i) => screen(small[i % small.length] as string, 'output'));
  measure('100 KB input', bigRuns, (i) => screen(large[i % large.length] as string, 'input'));
  measure('100 KB output', bigRuns, (i) => screen(large[i % large.length] as string, 'output'));
  measure('100 KB anchor-dense input', bigRuns, (i) =>
    screen(dense[i % dense.length] as string, 'input'),
  );
  // The learned detector's cost on top (issue 11; not in verdicts yet). Its latency does not
  // depend on the weights' values, so a full-size model of zeros measures it.
  const model = new LinearModel(
    DEFAULT_FEATURES,
    new Float32Array(1 << DEFAULT_FEATURES.bits),
    0,
    0.5,
  );
  measure('2 KB learned-model score', runs, (i) => model.score(small[i % small.length] as string));
  measure('100 KB learned-model score', bigRuns, (i) =>
    model.score(large[i % large.length] as string),
  );
  const cache = new VerdictCache();
  measure('2 KB cache hit', runs, () => screen(small[0] as string, 'input', { cache }));
  measure('100 KB cache hit', bigRuns, () => screen(large[0] as string, 'input', { cache }));
}

main();
