import got from 'got';
import { reflexResponseSchema } from '../../../shared/reflex';
import { AppError } from '../../../http/app-error';
import type { ArmDescriptor } from '../arm-handler';

/**
 * Screens the outputs it is given through the Reflex Layer (direction `output`) and reports
 * the verdict; a tool, so it is the same with or without an LLM.
 */
export function createGuardianArm(reflexUrl: string): ArmDescriptor {
  return {
    name: 'guardian',
    capabilities: ['safety-check', 'pii-screening', 'injection-screening'],
    cost_tier: 'free',
    handler: async (request, { signal }) => {
      const text = Object.values(request.inputs)
        .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
        .join('\n');
      let body: unknown;
      try {
        body = await got
          .post(`${reflexUrl}/process`, {
            json: { text, direction: 'output', context: { task_id: request.task_id } },
            retry: { limit: 0 },
            signal,
          })
          .json();
      } catch (err) {
        throw new AppError(
          'UPSTREAM_UNAVAILABLE',
          `Reflex Layer unreachable: ${(err as Error).message}`,
        );
      }
      const verdict = reflexResponseSchema.parse(body);
      return {
        output: {
          verdict: verdict.verdict,
          reasons: verdict.reasons,
          pii_types: [...new Set(verdict.pii.map((p) => p.type))],
          injection_categories: verdict.injection.categories,
        },
        summary: `guardian: ${verdict.verdict}${verdict.reasons.length ? ` (${verdict.reasons.join('; ')})` : ''}`,
        confidence: 0.9,
        usage: { tokens: 0, cost_usd: 0 },
        mode: 'tool',
      };
    },
  };
}
