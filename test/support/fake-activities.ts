import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { createActivities } from '../../src/activities';
import type { ArmExecuteResponse } from '../../src/shared/arm';
import type { PlanResponse, PlanStep } from '../../src/shared/plan';
import type { ReflexResponse } from '../../src/shared/reflex';

type Activities = ReturnType<typeof createActivities>;

/** A three-step plan with a dependency chain, as the Planner Arm would return it. */
export function samplePlan(): PlanResponse {
  const step = (id: string, arm: PlanStep['arm'], depends_on: string[]): PlanStep => ({
    id,
    action: `do ${id}`,
    arm,
    acceptance_criteria: [`${id} produced output`],
    depends_on,
    estimated_cost_usd: 0,
    estimated_seconds: 1,
    estimated_tokens: 0,
  });
  return {
    steps: [
      step('s1', 'retriever', []),
      step('s2', 'coder', ['s1']),
      step('s3', 'judge', ['s1', 's2']),
    ],
    rationale: 'test plan',
    confidence: 0.8,
    complexity: 'simple',
    total_estimates: { cost_usd: 0, seconds: 3, tokens: 0 },
    cache: { hit: false, key: 'k' },
    model: 'offline',
    prompt_version: 'test',
    usage: { tokens: 0, cost_usd: 0 },
  };
}

/** A screening verdict. */
export function verdict(v: ReflexResponse['verdict'], categories: string[] = []): ReflexResponse {
  return {
    verdict: v,
    pii: [],
    injection: { score: categories.length ? 0.9 : 0, categories, matches: [] },
    redacted_text: v === 'redacted' ? '[EMAIL_1]' : '',
    reasons: categories.map((c) => `prompt injection: ${c}`),
    latency_ms: 0.1,
  };
}

/** Everything the fakes were asked to do, for assertions. */
export interface Recorded {
  statuses: string[];
  errors: (string | undefined)[];
  blockedReasons: (string | undefined)[];
  /** What each status write asked for the steps still waiting. */
  endWaitingSteps: (string | undefined)[];
  stepEvents: string[];
  executed: { stepId: string; inputs: Record<string, unknown> }[];
  /** The goal the planner and the arms were given. */
  goals: string[];
  /** Each step call's grant from the budget ledger (its `budgetLeft` tokens), in call order. */
  grants: { stepId: string; tokens: number }[];
  /** The most tokens granted to step calls running at the same time. */
  peakGrantedTokens: number;
  /** The planner's grants (tokens), in call order. */
  planningGrants: number[];
  /** Every revision the workflow asked for. */
  replans: ReplanInput[];
  /** Each revision's steps as the status write that starts them recorded them. */
  revisions: { revision: number; reason: string; stepIds: string[] }[];
  result?: { output: unknown; summary: string };
}

/** Behaviour knobs for the fakes. */
export interface FakeOptions {
  screen?: (direction: 'input' | 'output', text: string) => ReflexResponse;
  plan?: () => PlanResponse;
  execute?: (step: PlanStep) => Promise<ArmExecuteResponse>;
  /**
   * Tokens each step's model call spends. Like a real arm, a step whose grant is smaller is
   * refused (`BudgetInsufficient`) before it spends anything.
   */
  stepTokens?: (step: PlanStep) => number;
  /** Tokens planning spends (and needs granted); default 0. */
  planningTokens?: number;
}

/** What the workflow asked the planner to revise. */
export type ReplanInput = Parameters<Activities['replanTask']>[0];

/**
 * Fake activities for workflow tests: they record what the workflow asked for instead of
 * writing PostgreSQL or calling services. The real ones are covered by the activity and
 * end-to-end tests.
 */
export function fakeActivities(options: FakeOptions = {}): {
  activities: Activities;
  recorded: Recorded;
} {
  const recorded: Recorded = {
    statuses: [],
    errors: [],
    blockedReasons: [],
    endWaitingSteps: [],
    stepEvents: [],
    executed: [],
    goals: [],
    grants: [],
    peakGrantedTokens: 0,
    planningGrants: [],
    replans: [],
    revisions: [],
  };
  let grantedNow = 0;
  const activities: Activities = {
    async recordTaskStatus(input) {
      if (input.plan)
        recorded.stepEvents.push(`plan:${input.plan.steps.map((s) => s.id).join(',')}`);
      if (input.result)
        recorded.result = { output: input.result.output, summary: input.result.summary };
      recorded.statuses.push(input.status);
      recorded.errors.push(input.error);
      recorded.blockedReasons.push(input.blockedReason);
      recorded.endWaitingSteps.push(input.endWaitingSteps);
      if (input.revision) {
        const { revision, reason, steps } = input.revision;
        recorded.revisions.push({ revision, reason, stepIds: steps.map((s) => s.id) });
      }
    },
    async recordPlan(input) {
      recorded.stepEvents.push(`plan:${input.steps.map((s) => s.id).join(',')}`);
    },
    async recordStepStatus(input) {
      recorded.stepEvents.push(`${input.stepId}:${input.status}`);
    },
    async recordStepAttempt() {},
    async recordStepStart() {
      return { tokens: 0, costUsd: 0 };
    },
    async addStepUsage() {},
    async recordResult(input) {
      recorded.result = { output: input.output, summary: input.summary };
    },
    async screenTaskInput({ spec }) {
      const v = options.screen?.('input', spec.goal) ?? verdict('safe');
      const reason = v.reasons.join('; ');
      if (v.verdict === 'blocked') return { verdict: 'blocked', reason };
      return {
        verdict: v.verdict,
        reason,
        spec: v.verdict === 'redacted' ? { ...spec, goal: v.redacted_text } : spec,
      };
    },
    async screenStepOutput(input) {
      const text = typeof input.output === 'string' ? input.output : JSON.stringify(input.output);
      const v = options.screen?.('output', text) ?? verdict('safe');
      const reason = v.reasons.join('; ');
      if (v.verdict === 'blocked') return { verdict: 'blocked', reason };
      return {
        verdict: v.verdict,
        reason,
        output: v.verdict === 'redacted' ? v.redacted_text : input.output,
      };
    },
    async planTask({ spec, grant }) {
      if (grant) recorded.planningGrants.push(grant.tokens);
      const tokens = options.planningTokens ?? 0;
      if (grant && grant.tokens < tokens) throw refusal(tokens, 0);
      recorded.goals.push(spec.goal);
      const plan = options.plan ? options.plan() : samplePlan();
      return { ...plan, usage: { tokens, cost_usd: tokens / 1e6 } };
    },
    async replanTask(input) {
      recorded.replans.push(input);
      return { ...samplePlan(), steps: reviseOffline(input) };
    },
    async runStep(input) {
      const tokens = options.stepTokens?.(input.step);
      if (input.spentBefore && tokens !== undefined) {
        // A real arm keeps within its grant: one too small is refused before the model call.
        if (input.budgetLeft.tokens < tokens) throw refusal(tokens, input.spentBefore.tokens);
        recorded.grants.push({ stepId: input.step.id, tokens: input.budgetLeft.tokens });
        grantedNow += input.budgetLeft.tokens;
        recorded.peakGrantedTokens = Math.max(recorded.peakGrantedTokens, grantedNow);
        // Long enough for steps that could run together to overlap.
        await new Promise((r) => setTimeout(r, 200));
        grantedNow -= input.budgetLeft.tokens;
      }
      // The same events the classic path's separate activities would record.
      recorded.stepEvents.push(`${input.step.id}:running`);
      const answer = await activities.executeStep(input);
      if (tokens !== undefined) {
        answer.usage = {
          tokens: (input.spentBefore?.tokens ?? 0) + tokens,
          cost_usd: tokens / 1e6,
        };
      }
      const check = await activities.screenStepOutput({
        taskId: input.taskId,
        stepId: input.step.id,
        output: answer.output,
      });
      if (check.verdict === 'blocked') {
        recorded.stepEvents.push(`${input.step.id}:failed`);
        return { verdict: 'blocked', reason: check.reason, usage: answer.usage };
      }
      recorded.stepEvents.push(`${input.step.id}:completed`);
      return { ...check, summary: answer.summary, usage: answer.usage };
    },
    async executeStep(input) {
      recorded.executed.push({ stepId: input.step.id, inputs: input.inputs });
      recorded.goals.push(input.goal);
      if (options.execute) return options.execute(input.step);
      return {
        output: `output of ${input.step.id}`,
        summary: `${input.step.id} done`,
        confidence: 0.9,
        usage: { tokens: 10, cost_usd: 0.001 },
        mode: 'offline',
      };
    },
  };
  return { activities, recorded };
}

/**
 * A revision like the offline planner's: the unfinished steps again under `-r<n>` ids; after a
 * failed judge verdict, a new judge over the same inputs.
 */
function reviseOffline(input: ReplanInput): PlanStep[] {
  const rename = (id: string) => `${id.replace(/-r\d+$/, '')}-r${input.revision}`;
  const redo = input.unfinished.length
    ? input.unfinished
    : input.completed.filter((c) => c.step.id === input.failure.step_id).map((c) => c.step);
  const renamed = new Set(redo.map((s) => s.id));
  return redo.map((step) => ({
    ...step,
    id: rename(step.id),
    depends_on: step.depends_on.map((d) => (renamed.has(d) ? rename(d) : d)),
  }));
}

/** A service's refusal for want of budget, as runStep and planTask report it. */
function refusal(tokens: number, spent: number): ApplicationFailure {
  return ApplicationFailure.nonRetryable('budget too small', 'BudgetInsufficient', {
    needed: { tokens, cost_usd: 0 },
    usage: { tokens: spent, cost_usd: spent / 1e6 },
  });
}

/** An executeStep that never finishes on its own: it heartbeats until cancelled. */
export async function hangUntilCancelled(): Promise<ArmExecuteResponse> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), 200);
  try {
    await ctx.cancelled;
  } finally {
    clearInterval(timer);
  }
  throw ApplicationFailure.nonRetryable('unreachable');
}
