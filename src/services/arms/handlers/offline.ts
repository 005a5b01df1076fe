import type { ArmExecuteResponse } from '../../../shared/arm';
import type { ArmRequest } from '../arm-handler';

/**
 * The answer of an LLM-backed arm when no LLM is configured: it says plainly that nothing
 * was generated, so nobody mistakes it for real work. `hint` says how to get the work done
 * without a model, where there is a way.
 */
export function offlineAnswer(
  arm: string,
  request: ArmRequest,
  what: string,
  hint?: string,
): ArmExecuteResponse {
  return {
    output: `[offline] The ${arm} arm has no LLM configured (set OPENAI_API_KEY), so it did not ${what}.${hint ? ` ${hint}` : ''} Step: ${request.step.action}`,
    summary: `${arm}: offline, nothing generated`,
    confidence: 0,
    usage: { tokens: 0, cost_usd: 0 },
    mode: 'offline',
  };
}
