import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  loadScenarios,
  recordReplies,
  runPlannerEval,
  TARGETS,
} from '../../../scripts/eval-planner';
import { startFakeOpenAiServer } from '../../support/fake-openai-server';

describe('planner scenario suite', () => {
  it('meets the targets: all offline plans valid, LLM replays valid after repair, fast cache hits', async () => {
    const scenarios = loadScenarios();
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
    const report = await runPlannerEval(scenarios);
    expect(report.offline.results.filter((r) => !r.valid)).toEqual([]);
    expect(report.offline.validShare).toBe(TARGETS.offlineValid);
    expect(report.llm.validShare).toBeGreaterThanOrEqual(TARGETS.llmValid);
    // Whatever failed was refused, never handed back as a plan to run.
    expect(report.offline.invalidReturned + report.llm.invalidReturned).toBe(0);
    expect(report.llm.repairs).toBeGreaterThan(0);
    expect(report.cacheHit.inProcess.p95).toBeLessThanOrEqual(TARGETS.cacheHitP95Ms);
  });

  it('records a model’s replies in a form the suite replays', async () => {
    const scenarios = loadScenarios().slice(0, 2);
    const model = await startFakeOpenAiServer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planner-record-'));
    const out = path.join(dir, 'recorded.json');
    const plan = (arm: string) => ({
      steps: [
        {
          id: 's1',
          action: 'Search the documents for background',
          arm: 'retriever',
          acceptance_criteria: ['found'],
          depends_on: [],
          estimated_cost_usd: 0.001,
          estimated_seconds: 2,
          estimated_tokens: 100,
        },
        {
          id: 's2',
          action: 'Answer the question',
          arm,
          acceptance_criteria: ['answered'],
          depends_on: ['s1'],
          estimated_cost_usd: 0.001,
          estimated_seconds: 2,
          estimated_tokens: 100,
        },
        {
          id: 's3',
          action: 'Verify the answer',
          arm: 'judge',
          acceptance_criteria: ['verified'],
          depends_on: ['s2'],
          estimated_cost_usd: 0.001,
          estimated_seconds: 2,
          estimated_tokens: 100,
        },
      ],
      rationale: 'r',
      confidence: 0.8,
      complexity: 'simple',
    });
    try {
      // The first scenario needs one repair (unknown arm), the second is right first time.
      model.enqueue({ plan: plan('writer') }, { plan: plan('coder') }, { plan: plan('coder') });
      const settings = {
        apiKey: 'k',
        baseUrl: model.baseUrl,
        model: 'live-model',
        timeoutMs: 5_000,
      };
      await recordReplies(scenarios, out, settings, () => undefined);
      const recorded = JSON.parse(fs.readFileSync(out, 'utf8'));
      expect(recorded.model).toBe('live-model');
      expect(Object.values(recorded.replies).map((r) => (r as unknown[]).length)).toEqual([2, 1]);
      const report = await runPlannerEval(scenarios, out);
      expect(report.llm.validShare).toBe(1);
      expect(report.llm.repairs).toBe(1);
    } finally {
      await model.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
