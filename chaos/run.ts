/**
 * The chaos suite: starts the system as deployed (each piece its own process, offline arms, a
 * fault proxy in front of every arm) and runs each scenario against it, one line per scenario.
 * Exits non-zero if any task is lost, any step completes twice or runs unseen, the API answers a
 * 5xx other than 503 or misses its deadlines, or a task fails without naming the arm at fault.
 *
 *   npm run chaos [-- --tasks 100 --fault-seconds 20 --only worker-sigkill,postgres-freeze]
 */
import { parseArgs } from 'node:util';
import { formatResult, isFailure, runScenario, scenarios, startChaosStack } from './chaos';

const { values: opts } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100' },
    'fault-seconds': { type: 'string', default: '20' },
    only: { type: 'string' },
  },
});

const say = (msg: string) => console.error(`[chaos] ${msg}`);

async function main(): Promise<number> {
  const only = opts.only?.split(',').map((s) => s.trim());
  const chosen = scenarios({
    tasks: Number(opts.tasks),
    faultSeconds: Number(opts['fault-seconds']),
  }).filter((s) => !only || only.includes(s.name));
  if (chosen.length === 0) {
    say(
      `no scenario named ${opts.only}; the scenarios: ${scenarios()
        .map((s) => s.name)
        .join(', ')}`,
    );
    return 2;
  }
  const chaos = await startChaosStack(say);
  let failures = 0;
  try {
    for (const scenario of chosen) {
      const result = await runScenario(chaos, scenario, say);
      const failed = isFailure(result, scenario);
      if (failed) failures++;
      console.log(`${failed ? 'FAIL' : 'ok  '} ${formatResult(result)}`);
    }
  } finally {
    await chaos.stop();
  }
  console.log(
    `${chosen.length} scenarios, ${failures} failed (npm run chaos ${process.argv.slice(2).join(' ')})`,
  );
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
