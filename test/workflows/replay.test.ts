import { NO_TRACING } from '../../src/observability/tracing';
import { tracingWorkerOptions } from '../../src/runtime/task-worker';
import { workflowBundle } from '../support/temporal-servers';
import { Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import {
  ALL_FEATURES_PATCH,
  BUDGET_LEDGER_PATCH,
  FAST_PATH_PATCH,
  ORDERED_WRITES_PATCH,
  PAUSE_RESUME_PATCH,
  PLAN_APPROVAL_PATCH,
  REPLANNING_PATCH,
} from '../../src/workflows/task-workflow';

// Replays histories recorded from real runs (scripts/record-history.ts) against the current
// workflow code. A failure means a change would break tasks that are running right now:
// guard it with workflow.patched() instead of re-recording.
const dir = path.resolve(__dirname, '../fixtures/histories');
const histories = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));

test('there are recorded histories to replay', () => {
  expect(histories).toEqual(
    expect.arrayContaining([
      'task-completed.json',
      'task-blocked.json',
      'task-completed-fast-path.json',
      'task-blocked-fast-path.json',
      'task-completed-run-control.json',
      'task-blocked-run-control.json',
      'task-paused-run-control.json',
      'task-completed-plan-approval.json',
      'task-blocked-plan-approval.json',
      'task-paused-plan-approval.json',
      'task-approved-plan-approval.json',
      'task-rejected-plan-approval.json',
      ...['completed', 'blocked', 'paused', 'approved', 'rejected'].map(
        (c) => `task-${c}-ordered-writes.json`,
      ),
      ...['completed', 'blocked', 'paused', 'approved', 'rejected'].map(
        (c) => `task-${c}-ledger-replanning.json`,
      ),
      'task-budget-extended-ledger-replanning.json',
      'task-replanned-ledger-replanning.json',
      // Screened by the API: no blocked run (a blocked task never gets one).
      ...['completed', 'paused', 'approved', 'rejected', 'budget-extended', 'replanned'].map(
        (c) => `task-${c}-api-screened.json`,
      ),
      ...['completed', 'paused', 'approved', 'rejected', 'budget-extended', 'replanned'].map(
        (c) => `task-${c}-all-features.json`,
      ),
    ]),
  );
});

type RecordedHistory = { events: Record<string, unknown>[] };
const load = (file: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as RecordedHistory;

/** The patch ids a history's markers carry, in order. */
function patchesOf(history: RecordedHistory): string[] {
  return history.events.flatMap((e) => {
    const m = e.markerRecordedEventAttributes as
      { markerName: string; details: Record<string, { payloads: { data: string }[] }> } | undefined;
    if (m?.markerName !== 'core_patch') return [];
    const data = Buffer.from(m.details['patch-data']!.payloads[0]!.data, 'base64').toString();
    return [(JSON.parse(data) as { id: string }).id];
  });
}

test('runs from the otel-tracing version on carry trace context from the start and to each activity', () => {
  const history = load('task-completed-otel-tracing.json');
  const headerFields = (key: string) =>
    history.events.flatMap((e) => {
      const a = e[key] as { header?: { fields?: Record<string, unknown> } } | undefined;
      return a ? [Object.keys(a.header?.fields ?? {})] : [];
    });
  expect(headerFields('workflowExecutionStartedEventAttributes')).toEqual([['_tracer-data']]);
  const scheduled = headerFields('activityTaskScheduledEventAttributes');
  expect(scheduled.length).toBeGreaterThanOrEqual(3);
  for (const fields of scheduled) expect(fields).toEqual(['_tracer-data']);
  // The older runs have none, and replay all the same (below).
  expect(JSON.stringify(load('task-completed-fast-path.json'))).not.toContain('_tracer-data');
});

test('a traced run with an update does not replay without the interceptors: they stay in the bundle', async () => {
  // Why the bundle holds the OpenTelemetry workflow interceptors for every run that started
  // traced, whatever the replaying worker's own setting (src/workflows/tracing-interceptors.ts).
  const history = load('task-approved-otel-tracing.json');
  await expect(
    Worker.runReplayHistory({ workflowsPath: require.resolve('../../src/workflows') }, history),
  ).rejects.toThrow(/[Nn]ondeterminism/);
});

test('a paused and resumed run carries both signals and the run-control patch', () => {
  const history = load('task-paused-run-control.json');
  const signals = history.events.flatMap((e) => {
    const a = e.workflowExecutionSignaledEventAttributes as { signalName: string } | undefined;
    return a ? [a.signalName] : [];
  });
  expect(signals).toEqual(['pause', 'resume']);
  expect(patchesOf(history)).toEqual([FAST_PATH_PATCH, PAUSE_RESUME_PATCH]);
  expect(patchesOf(load('task-completed-run-control.json'))).toEqual([
    FAST_PATH_PATCH,
    PAUSE_RESUME_PATCH,
  ]);
});

/** The updates a history accepted: name and argument. */
function updatesOf(history: RecordedHistory): { name: string; arg: unknown }[] {
  return history.events.flatMap((e) => {
    const a = e.workflowExecutionUpdateAcceptedEventAttributes as
      | { acceptedRequest: { input: { name: string; args: { payloads: { data: string }[] } } } }
      | undefined;
    if (!a) return [];
    const { name, args } = a.acceptedRequest.input;
    return [{ name, arg: JSON.parse(Buffer.from(args.payloads[0]!.data, 'base64').toString()) }];
  });
}

/** The activities a history scheduled, in order. */
function activitiesOf(history: RecordedHistory): string[] {
  return history.events.flatMap((e) => {
    const a = e.activityTaskScheduledEventAttributes as
      { activityType: { name: string } } | undefined;
    return a ? [a.activityType.name] : [];
  });
}

test('a run that waited for budget carries the extendBudget update and the budget-ledger patch', () => {
  const history = load('task-budget-extended-ledger-replanning.json');
  expect(updatesOf(history)).toEqual([{ name: 'extendBudget', arg: { add_tokens: 10_000 } }]);
  expect(patchesOf(history)).toContain(BUDGET_LEDGER_PATCH);
  // A step refused for want of budget ran again once the budget was extended.
  const steps = activitiesOf(history).filter((a) => a === 'runStep');
  expect(steps.length).toBeGreaterThan(3);
});

test('a replanned run carries a replanTask and the replanning patch; one that never failed does not', () => {
  const history = load('task-replanned-ledger-replanning.json');
  expect(activitiesOf(history)).toContain('replanTask');
  expect(patchesOf(history)).toEqual(
    expect.arrayContaining([BUDGET_LEDGER_PATCH, REPLANNING_PATCH]),
  );
  // The patch is asked only at the first failure: a run without one carries no marker for it.
  expect(patchesOf(load('task-completed-ledger-replanning.json'))).not.toContain(REPLANNING_PATCH);
});

test('a run of a task the API screened starts with planning: no screening activity', () => {
  const history = load('task-completed-api-screened.json');
  const activities = activitiesOf(history);
  expect(activities).not.toContain('screenTaskInput');
  expect(activities[0]).toBe('planTask');
  // Exported through the codec endpoint: the fixture holds the decoded input.
  const started = history.events[0]!.workflowExecutionStartedEventAttributes as {
    input: { payloads: { data: string }[] };
  };
  const input = JSON.parse(Buffer.from(started.input.payloads[0]!.data, 'base64').toString()) as {
    inputScreened?: boolean;
  };
  expect(input.inputScreened).toBe(true);
  // Runs screened by the workflow itself still replay their screening.
  expect(activitiesOf(load('task-completed-ledger-replanning.json'))[0]).toBe('screenTaskInput');
});

/** The search-attribute names of each upsert a history holds, in order. */
function upsertsOf(history: RecordedHistory): string[][] {
  return history.events.flatMap((e) => {
    const a = e.upsertWorkflowSearchAttributesEventAttributes as
      { searchAttributes: { indexedFields: Record<string, unknown> } } | undefined;
    return a ? [Object.keys(a.searchAttributes.indexedFields).sort()] : [];
  });
}

test('a run from the all-features version asks one patch, sets the arm count with its status and gets its memo at start', () => {
  const history = load('task-completed-all-features.json');
  expect(patchesOf(history)).toEqual([ALL_FEATURES_PATCH]);
  expect(upsertsOf(history)).toEqual([
    ['TemporalChangeVersion'],
    ['OctoTaskStatus'],
    ['OctoArmCount', 'OctoTaskStatus'],
    ['OctoTaskStatus'],
  ]);
  const started = history.events[0]!.workflowExecutionStartedEventAttributes as {
    memo: { fields: { goal: { data: string } } };
  };
  expect(Buffer.from(started.memo.fields.goal.data, 'base64').toString()).toMatch(/^"\w/);
  const modified = history.events.filter(
    (e) => e.eventType === 'EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED',
  );
  expect(modified).toEqual([]);
  // Before it, a run asked five patches, each with its own upsert, and upserted its memo.
  const before = load('task-completed-api-screened.json');
  expect(patchesOf(before)).toHaveLength(5);
  expect(upsertsOf(before)).toHaveLength(9);
  // Its replanning needs no marker of its own.
  expect(activitiesOf(load('task-replanned-all-features.json'))).toContain('replanTask');
  expect(patchesOf(load('task-replanned-all-features.json'))).toEqual([ALL_FEATURES_PATCH]);
});

test('approved and rejected runs carry the approvePlan update and the plan-approval patch', () => {
  for (const [file, approved] of [
    ['task-approved-plan-approval.json', true],
    ['task-rejected-plan-approval.json', false],
  ] as const) {
    const history = load(file);
    expect(updatesOf(history)).toEqual([
      { name: 'approvePlan', arg: expect.objectContaining({ approved }) },
    ]);
    expect(patchesOf(history)).toEqual([FAST_PATH_PATCH, PAUSE_RESUME_PATCH, PLAN_APPROVAL_PATCH]);
  }
});

test('runs from the ordered-writes version on carry its patch', () => {
  for (const c of ['completed', 'blocked', 'paused', 'approved', 'rejected']) {
    expect(patchesOf(load(`task-${c}-ordered-writes.json`))).toContain(ORDERED_WRITES_PATCH);
  }
});

test('a task on the fast path runs one remote activity per step, with local projection writes', () => {
  const history = JSON.parse(
    fs.readFileSync(path.join(dir, 'task-completed-fast-path.json'), 'utf8'),
  ) as { events: Record<string, { activityType?: { name: string }; markerName?: string }>[] };
  const attrs = (key: string) => history.events.flatMap((e) => (e[key] ? [e[key]] : []));
  const remote = attrs('activityTaskScheduledEventAttributes').map((a) => a.activityType!.name);
  const steps = remote.filter((name) => name === 'runStep').length;
  expect(steps).toBeGreaterThanOrEqual(3);
  expect(remote).toEqual(['screenTaskInput', 'planTask', ...Array(steps).fill('runStep')]);
  // The run carries the patch marker, so it will replay on the fast path whatever comes later.
  expect(patchesOf(history as unknown as RecordedHistory)).toEqual([FAST_PATH_PATCH]);
  // One local write per status change: screening, planning, running, completed.
  const markers = attrs('markerRecordedEventAttributes').map((m) => m.markerName);
  expect(markers.filter((m) => m === 'core_local_activity')).toHaveLength(4);
});

test.each(histories)('%s replays deterministically', async (file) => {
  const history: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  // The bundle the worker runs: the workflows with the OpenTelemetry workflow interceptors.
  await expect(
    Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), ...tracingWorkerOptions(NO_TRACING) },
      history,
    ),
  ).resolves.toBeUndefined();
});
