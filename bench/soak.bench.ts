/**
 * Soak: the system as deployed under a steady load for a long time, watching for leaks.
 *
 *   npm run bench:soak [-- --rate 5 --minutes 30 --warmup 5 --sample 30]
 *
 * Submits `--rate` tasks a second (open loop) for `--minutes`, and every `--sample` seconds
 * records each process's memory (PSS, its share of RSS) and open file descriptors (API, worker, services, Temporal dev
 * server, PostgreSQL with its backends) and the database's connections. Growth is the mean of
 * the last three samples against the mean of the three after `--warmup` minutes; the target is
 * at most 10% for each. Prints a line per sample, then the growth table; writes soak.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { postmasterPid } from '../chaos/process-faults';
import { childPids } from '../src/db/os-process';
import { findDevServers } from '../src/runtime/dev-server-orphan';
import { jsonClient, README_TASK } from './pipeline/load';
import { buildForBench, startStack, type StackControl } from './pipeline/stack';

const { values: opts } = parseArgs({
  options: {
    rate: { type: 'string', default: '5' },
    minutes: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    sample: { type: 'string', default: '30' },
  },
});
const RATE = Number(opts.rate);
const DURATION_MS = Number(opts.minutes) * 60_000;
const WARMUP_MS = Number(opts.warmup) * 60_000;
const SAMPLE_MS = Number(opts.sample) * 1000;
const GROWTH_LIMIT = 0.1;

const say = (msg: string) => console.error(`[soak] ${msg}`);

/** Memory (PSS) in MiB and open descriptors of a process and its children. */
function usage(pid: number): { pssMiB: number; fds: number } {
  let pssKiB = 0;
  let fds = 0;
  for (const p of [pid, ...childPids(pid)]) {
    try {
      // PSS: pages shared between processes (PostgreSQL's shared buffers, one copy of the
      // server for all its backends) are split between them instead of counted in each.
      const rollup = fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      pssKiB += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      fds += fs.readdirSync(`/proc/${p}/fd`).length;
    } catch {
      // exited between the listing and the read
    }
  }
  return { pssMiB: Math.round((pssKiB / 1024) * 10) / 10, fds };
}

type Sample = { t: number; submitted: number; completed: number; dbConnections: number } & Record<
  string,
  number
>;

async function main(): Promise<number> {
  buildForBench(say);
  const stack = await startStack(say);
  const control: StackControl = stack.control!;
  const [devServer] = await findDevServers(control.temporalDbFile);
  const processes: Record<string, number> = {
    api: control.child('api').pid!,
    worker: control.child('worker').pid!,
    services: control.child('services').pid!,
    temporal: devServer!.pid,
    postgres: postmasterPid(control.pgDataDir),
  };
  const client = jsonClient(stack.apiUrl, 32, stack.apiKey);
  const samples: Sample[] = [];
  let submitted = 0;
  let refused = 0;
  const started = Date.now();
  try {
    say(`${RATE} tasks/s for ${opts.minutes} min, a sample every ${opts.sample} s`);
    const submitter = setInterval(() => {
      void client.post('/submit', README_TASK).then(
        (r) => (r.status === 202 ? submitted++ : refused++),
        () => refused++,
      );
    }, 1000 / RATE);
    while (Date.now() - started < DURATION_MS) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      const [row] = await control.prisma.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM pg_stat_activity WHERE backend_type = 'client backend'`;
      const completed = await control.prisma.task.count({ where: { status: 'completed' } });
      const sample: Sample = {
        t: Math.round((Date.now() - started) / 1000),
        submitted,
        completed,
        dbConnections: row?.count ?? 0,
      };
      for (const [name, pid] of Object.entries(processes)) {
        const u = usage(pid);
        sample[`${name}_pss_mib`] = u.pssMiB;
        sample[`${name}_fds`] = u.fds;
      }
      samples.push(sample);
      console.log(
        `t=${sample.t}s submitted ${submitted} completed ${completed} db connections ${sample.dbConnections} | ` +
          Object.keys(processes)
            .map((n) => `${n} ${sample[`${n}_pss_mib`]} MiB ${sample[`${n}_fds`]} fds`)
            .join(', '),
      );
    }
    clearInterval(submitter);
  } finally {
    client.close();
  }
  // Let the last tasks finish before counting what the run left.
  const deadline = Date.now() + 120_000;
  let left = 0;
  do {
    left = await control.prisma.task.count({
      where: { status: { notIn: ['completed', 'failed', 'cancelled', 'blocked'] } },
    });
    if (left > 0) await new Promise((r) => setTimeout(r, 2_000));
  } while (left > 0 && Date.now() < deadline);
  const failed = await control.prisma.task.count({ where: { status: { not: 'completed' } } });

  const after = samples.filter((s) => s.t * 1000 >= WARMUP_MS).slice(0, 3);
  const last = samples.slice(-3);
  const mean = (xs: Sample[], k: string) => xs.reduce((a, s) => a + s[k]!, 0) / xs.length;
  const keys = [
    'dbConnections',
    ...Object.keys(processes).flatMap((n) => [`${n}_pss_mib`, `${n}_fds`]),
  ];
  const growth = Object.fromEntries(
    keys.map((k) => [k, after.length && last.length ? mean(last, k) / mean(after, k) - 1 : NaN]),
  );
  const over = keys.filter((k) => !(growth[k]! <= GROWTH_LIMIT));
  console.log(
    `soak (npm run bench:soak -- --rate ${RATE} --minutes ${opts.minutes}): ${submitted} tasks ` +
      `submitted (${refused} refused), ${failed} not completed at the end (${left} still running)`,
  );
  console.log(`growth after ${opts.warmup} min of warm-up (mean of the last 3 samples / first 3):`);
  for (const k of keys) {
    console.log(
      `  ${k.padEnd(20)} ${mean(after, k).toFixed(1).padStart(8)} -> ${mean(last, k).toFixed(1).padStart(8)}  ${(growth[k]! * 100).toFixed(1)}%`,
    );
  }
  console.log(
    over.length
      ? `over ${GROWTH_LIMIT * 100}%: ${over.join(', ')}`
      : `all within ${GROWTH_LIMIT * 100}%`,
  );
  fs.writeFileSync(
    path.join(stack.logDir, 'soak.json'),
    JSON.stringify(
      { rate: RATE, minutes: Number(opts.minutes), submitted, refused, failed, samples, growth },
      null,
      2,
    ),
  );
  await stack.stop();
  return over.length === 0 && failed === 0 && refused === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
