import { z } from 'zod';
import { callLlm } from '../../common/call-llm';
import type { Llm } from '../../common/llm-client';
import { spotlight } from '../../common/spotlight';
import type { ArmContext, ArmRequest } from '../arm-handler';
import { renderInputs, type InputCut } from '../llm-step';

/** The model's verdict on one criterion. */
export interface LlmVerdict {
  verdict: 'pass' | 'fail' | 'unverified';
  detail: string;
}

/** How much of each input the model sees. */
const INPUT_CUT: InputCut = { maxChars: 8_000, marker: '\n[… cut]' };

const SYSTEM_PROMPT = [
  'You are the judge arm of OctoLLM. Decide, from the inputs alone, whether each numbered',
  'acceptance criterion is met. Answer "pass" or "fail" with one sentence of evidence quoted or',
  'cited from the inputs; answer "unverified" when the inputs do not let you tell. Never assume',
  'facts that are not in the inputs. Reply with one JSON object:',
  '{"verdicts":[{"criterion":1,"verdict":"pass","detail":"..."}]}',
].join('\n');

const replySchema = z.object({
  verdicts: z.array(
    z.object({
      criterion: z.coerce.number().int(),
      verdict: z
        .string()
        .transform((v) => v.trim().toLowerCase())
        .pipe(z.enum(['pass', 'fail', 'unverified'])),
      detail: z.string().default(''),
    }),
  ),
});

/**
 * One model call for every criterion the rules left open. Verdicts are read with zod; a
 * criterion the model skipped, or a reply that cannot be read, stays `unverified` (never a
 * guessed pass). The call keeps within the request's grant. Upstream failures and a grant too
 * small for the call propagate as the `AppError`s of `callLlm`.
 */
export async function judgeWithLlm(
  llm: Llm,
  request: ArmRequest,
  criteria: readonly string[],
  { signal, grant }: Pick<ArmContext, 'signal' | 'grant'>,
): Promise<{ verdicts: LlmVerdict[]; tokens: number; costUsd: number }> {
  const spot = spotlight();
  const user = [
    `Overall goal: ${request.goal}`,
    `Step being judged: ${request.step.action}`,
    // The inputs being judged, each marked as data (they may carry injected instructions).
    `Inputs:\n${renderInputs(request.inputs, spot, INPUT_CUT) || '(no inputs)'}`,
    `Criteria:\n${criteria.map((c, i) => `${i + 1}. ${c}`).join('\n')}`,
  ].join('\n\n');
  const answer = await callLlm(llm, {
    messages: [
      { role: 'system', content: spot.system(SYSTEM_PROMPT) },
      { role: 'user', content: user },
    ],
    // Room for a sentence of evidence per criterion.
    maxTokens: 200 + 120 * criteria.length,
    signal,
    grant,
    json: true,
  });
  const unreadable = (why: string): LlmVerdict[] =>
    criteria.map(() => ({ verdict: 'unverified', detail: why }));
  let parsed;
  try {
    parsed = replySchema.safeParse(
      JSON.parse(answer.text.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, '')),
    );
  } catch {
    parsed = undefined;
  }
  const verdicts = parsed?.success
    ? criteria.map((_c, i): LlmVerdict => {
        const found = parsed.data.verdicts.find((v) => v.criterion === i + 1);
        return found
          ? { verdict: found.verdict, detail: found.detail.slice(0, 500) }
          : { verdict: 'unverified', detail: 'the model gave no verdict for this criterion' };
      })
    : unreadable('the model reply could not be read as verdicts');
  return { verdicts, tokens: answer.tokens, costUsd: answer.costUsd };
}
