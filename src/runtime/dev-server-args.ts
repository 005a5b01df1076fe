import { DEV_SERVER_SEARCH_ATTRIBUTE_ARGS } from '../workflows/definitions';

const dynamic = (key: string, value: string | number | boolean) => [
  '--dynamic-config-value',
  `${key}=${JSON.stringify(value)}`,
];

/**
 * Extra `temporal server start-dev` flags for the dev server OctoLLM starts (and the tests and
 * benchmarks start). These lift dev-server defaults that are tuned for a many-shard cluster;
 * a production cluster needs none of them (see README, "Temporal settings").
 */
export const DEV_SERVER_ARGS: readonly string[] = [
  // WAL keeps writes durable across a crash yet far faster than SQLite's default journal.
  '--sqlite-pragma',
  'journal_mode=WAL',
  '--sqlite-pragma',
  'synchronous=NORMAL',
  // Task-queue Priority takes effect only with the new matcher on server versions before 1.31.
  ...dynamic('matching.useNewMatcher', true),
  // The dev server has one history shard, and each shard reads its transfer queue (activity and
  // workflow tasks to dispatch) at most 20 times a second by default: every sequential activity
  // then waits ~110 ms for the next read. A cluster spreads this over hundreds of shards.
  ...dynamic('history.transferProcessorMaxPollRPS', 1000),
  // The same limit for the timer queue: retry back-offs, timeouts and task deadlines.
  ...dynamic('history.timerProcessorMaxPollRPS', 1000),
  // ... and for the visibility queue, which keeps search attributes (OctoTaskStatus) current.
  ...dynamic('history.visibilityProcessorMaxPollRPS', 1000),
  // One partition per task queue: with the default four, a task written to one partition and
  // polled on another is forwarded between them, which stalls ~2 s now and then on one host.
  ...dynamic('matching.numTaskqueueReadPartitions', 1),
  ...dynamic('matching.numTaskqueueWritePartitions', 1),
  // Activities the worker itself schedules come back in the reply to its workflow task
  // (the SDK asks for this by default), skipping a trip through matching.
  ...dynamic('system.enableActivityEagerExecution', true),
  ...DEV_SERVER_SEARCH_ATTRIBUTE_ARGS,
];
