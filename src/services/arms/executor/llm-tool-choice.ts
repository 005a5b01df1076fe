import { z } from 'zod';
import type { ArmExecuteResponse } from '../../../shared/arm';
import { AppError } from '../../../http/app-error';
import { callLlm } from '../../common/call-llm';
import type { Llm } from '../../common/llm-client';
import type { ArmContext, ArmRequest } from '../arm-handler';
import { spotlight } from '../../common/spotlight';
import { describeStep, type InputCut } from '../llm-step';
import { summariseToolResult, type ExecutorTools } from './executor-tools';
import { toolCallSchema, type ToolCall } from './tool-call';

/** The model's answer: one tool call, or that no tool fits the step. */
const choiceSchema = z.union([
  toolCallSchema,
  z.object({ tool: z.literal('none'), reason: z.string().default('') }),
]);

/** Model calls per step at most: the first choice, and one repair after a refusal or error. */
const MAX_ATTEMPTS = 2;

/** Completion tokens of one pick at most, grant permitting. */
const MAX_COMPLETION_TOKENS = 600;

/** How much of each input the model sees; a transform reads the full input, not this. */
const INPUT_PREVIEW: InputCut = { maxChars: 4_000, marker: '…' };

function systemPrompt(tools: ExecutorTools): string {
  const { http_allowlist: hosts } = tools.describe() as { http_allowlist: string[] };
  return [
    'You are the executor arm of OctoLLM. You do not answer steps yourself: you pick exactly one',
    'tool call that carries out the step, and it is run for you. Reply with one JSON object only:',
    '- {"tool":"calc","expression":"<mathjs expression>"}: arithmetic and units, e.g. "5 km to m",',
    '  "sqrt(16)", "0.15 * 2400"; several statements separated by ";" or newlines.',
    '- {"tool":"http_get","url":"<http(s) URL>"}: fetch a URL. Allowed hosts: ' +
      (hosts.length ? hosts.join(', ') : 'none (every URL will be refused)') +
      '.',
    '- {"tool":"json_transform","expression":"<JSONata>","input_from":"<step id>"}: transform',
    '  the JSON output of an earlier step (or give "input" inline instead of "input_from").',
    '- {"tool":"none","reason":"<why>"} when no tool can carry out the step.',
    'Take every value from the step and its inputs; never invent data.',
  ].join('\n');
}

function parseChoice(
  text: string,
): { ok: true; choice: z.infer<typeof choiceSchema> } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, ''));
  } catch {
    return { ok: false, problem: 'the reply is not a JSON object' };
  }
  const parsed = choiceSchema.safeParse(value);
  if (parsed.success) return { ok: true, choice: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'tool'}: ${i.message}`);
  return { ok: false, problem: `not a valid tool call (${issues.join('; ')})` };
}

/**
 * Lets the model pick the tool and its arguments (JSON mode), validates the pick with zod and
 * runs it; nothing outside the three tools can run. A malformed pick, or a tool refusing the
 * arguments (bad expression, host not allowed), goes back to the model once with the reason.
 * Both calls draw on the request's one grant; a repair it cannot cover is refused (402).
 */
export async function runWithLlmChoice(
  llm: Llm,
  tools: ExecutorTools,
  request: ArmRequest,
  { signal, grant }: Pick<ArmContext, 'signal' | 'grant'>,
): Promise<ArmExecuteResponse> {
  const spot = spotlight();
  const messages: Parameters<typeof callLlm>[1]['messages'] = [
    { role: 'system', content: spot.system(systemPrompt(tools)) },
    { role: 'user', content: describeStep(request, spot, INPUT_PREVIEW) },
  ];
  const usage = { tokens: 0, cost_usd: 0 };
  let problem = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const answer = await callLlm(llm, {
      messages,
      maxTokens: MAX_COMPLETION_TOKENS,
      signal,
      grant,
      json: true,
    });
    usage.tokens += answer.tokens;
    usage.cost_usd += answer.costUsd;
    const parsed = parseChoice(answer.text);
    if (parsed.ok && parsed.choice.tool === 'none') {
      return {
        output: { tool: null, reason: parsed.choice.reason },
        summary: `executor: no tool fits this step${parsed.choice.reason ? ` (${parsed.choice.reason.slice(0, 150)})` : ''}`,
        confidence: 0.1,
        usage,
        mode: 'llm',
      };
    }
    if (parsed.ok) {
      const call = parsed.choice as ToolCall;
      try {
        const result = await tools.run(call, request, signal);
        return {
          output: result,
          summary: summariseToolResult(result),
          confidence: 0.8,
          usage,
          mode: 'llm',
        };
      } catch (err) {
        const refused = err instanceof AppError && err.code === 'VALIDATION_FAILED';
        if (!refused || attempt === MAX_ATTEMPTS) throw err;
        problem = err.message;
      }
    } else {
      problem = parsed.problem;
    }
    messages.push(
      { role: 'assistant', content: answer.text.slice(0, 4_000) },
      {
        role: 'user',
        content: `That did not work: ${problem}. Reply with one corrected JSON object.`,
      },
    );
  }
  throw new AppError('UPSTREAM_REJECTED', `The model named no valid tool call: ${problem}`);
}
